//! Load: many concurrent senders (retrying on 503 as OTLP clients do) while queries run;
//! every acknowledged span is stored, and the queries see consistent traces throughout.

use std::sync::Arc;
use std::time::Duration;

use telemetry_api::config::Limits;
use telemetry_store::{Page, TraceFilter};

use crate::common::{TestServer, chat_body, each_db, stored_spans};

const SENDERS: u64 = 16;
const REQUESTS: u64 = 10;
const SPANS: u64 = 100;

/// Sends one trace until it is acknowledged; returns the number of 503 answers.
async fn send_until_acked(server: &TestServer, trace: u64) -> u32 {
    let mut busy = 0;
    loop {
        let response = server.post_otlp(chat_body(trace, SPANS)).await;
        match response.status().as_u16() {
            200 => return busy,
            503 => {
                busy += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => panic!("trace {trace}: status {other}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_senders_lose_nothing_acknowledged() {
    each_db("load", |url| async move {
        let limits = Limits {
            pipeline_capacity_spans: 800,
            ..Limits::default()
        };
        let server = Arc::new(TestServer::start_with(&url, limits).await);
        let mut senders = Vec::new();
        for sender in 0..SENDERS {
            let server = server.clone();
            senders.push(tokio::spawn(async move {
                let mut busy = 0;
                for request in 0..REQUESTS {
                    busy += send_until_acked(&server, sender * REQUESTS + request).await;
                }
                busy
            }));
        }
        let reader = {
            let server = server.clone();
            tokio::spawn(async move {
                for _ in 0..20 {
                    let page = server
                        .store
                        .list_traces(server.project, &TraceFilter::default(), &Page::first(50))
                        .await
                        .expect("query while loading");
                    for trace in page.items {
                        assert!(
                            trace.span_count as u64 <= SPANS,
                            "a trace grew past its spans"
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        };
        let mut busy = 0;
        for sender in senders {
            busy += sender.await.expect("sender");
        }
        reader.await.expect("reader");
        for trace in 0..SENDERS * REQUESTS {
            assert_eq!(
                stored_spans(&server.store, server.project, trace).await as u64,
                SPANS,
                "trace {trace}"
            );
        }
        println!(
            "load: {} spans acknowledged and found; {busy} busy answers retried",
            SENDERS * REQUESTS * SPANS
        );
        match Arc::try_unwrap(server) {
            Ok(server) => server.stop().await,
            Err(_) => panic!("server still shared"),
        }
    })
    .await;
}
