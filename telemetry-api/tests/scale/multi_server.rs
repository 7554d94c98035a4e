//! Three server processes on one PostgreSQL database, the spans of each trace split across
//! them and sent concurrently: every acknowledged span is stored once and every trace's
//! roll-ups (span count, tokens, cost, error, start and end) are exact. And a live-tail
//! subscription on one server sees a span sent to another.

use std::time::Duration;

use async_graphql::futures_util::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use telemetry_store::Store;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::*;

const SERVERS: u64 = 3;
const TRACES: u64 = 90;
const SPANS_PER_TRACE: u64 = 12;
const SPANS_PER_REQUEST: usize = 30;
const SENDERS_PER_SERVER: usize = 3;

/// The requests server `s` gets: span `i` of trace `t` goes to server `(t + i) % 3`, so every
/// trace is written by all three; traces in the same order everywhere, so the servers commit
/// the same traces at the same time.
fn requests_for(server: u64) -> Vec<Vec<u8>> {
    let spans: Vec<_> = (0..TRACES)
        .flat_map(|t| (0..SPANS_PER_TRACE).map(move |i| (t, i)))
        .filter(|(t, i)| (t + i) % SERVERS == server)
        .map(|(t, i)| chat_span(t, i))
        .collect();
    spans
        .chunks(SPANS_PER_REQUEST)
        .map(|chunk| body(chunk.to_vec()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_servers_share_one_database_exactly() {
    let Some(admin) = pg_admin("three_servers_share_one_database_exactly") else {
        return;
    };
    let db = PgDatabase::create(&admin).await;
    let secret = project_with_key(&db.url, "scale");
    let servers: Vec<ServerProcess> = (0..SERVERS)
        .map(|_| ServerProcess::spawn(&db.url, &[]))
        .collect();
    let client = reqwest::Client::new();
    for server in &servers {
        server.ready(&client).await;
    }

    let mut senders = Vec::new();
    for (s, server) in servers.iter().enumerate() {
        let mut requests = requests_for(s as u64);
        // The first requests of each server go to the next server too: a retry that
        // landed elsewhere must not count twice.
        let again: Vec<Vec<u8>> = requests.iter().take(4).cloned().collect();
        let next = servers[(s + 1) % servers.len()].addr;
        for sender in 0..SENDERS_PER_SERVER {
            let mine: Vec<Vec<u8>> = requests
                .iter()
                .skip(sender)
                .step_by(SENDERS_PER_SERVER)
                .cloned()
                .collect();
            let (client, secret, addr) = (client.clone(), secret.clone(), server.addr);
            senders.push(tokio::spawn(async move {
                for request in mine {
                    post_until_acked(&client, addr, &secret, request).await;
                }
            }));
        }
        let (client, secret) = (client.clone(), secret.clone());
        senders.push(tokio::spawn(async move {
            for request in again {
                post_until_acked(&client, next, &secret, request).await;
            }
        }));
        requests.clear();
    }
    for sender in senders {
        sender.await.expect("sender");
    }

    let store = Store::connect(&db.url).await.expect("store");
    let project = store
        .project_by_slug("scale")
        .await
        .expect("q")
        .expect("project")
        .id;
    let rows = store
        .connection()
        .query_one_raw(Statement::from_string(
            store.connection().get_database_backend(),
            "SELECT COUNT(*) FROM spans",
        ))
        .await
        .expect("count")
        .expect("a row");
    let stored: i64 = rows.try_get_by_index(0).expect("count");
    assert_eq!(
        stored,
        (TRACES * SPANS_PER_TRACE) as i64,
        "each span stored once"
    );

    let input: i64 = (0..SPANS_PER_TRACE).map(|i| 100 + i as i64).sum();
    for t in 0..TRACES {
        let detail = store
            .get_trace(project, typed_trace_id(t))
            .await
            .expect("q")
            .unwrap_or_else(|| panic!("trace {t} missing"));
        let summary = &detail.trace;
        let spans = store
            .spans_of_traces(project, &[typed_trace_id(t)])
            .await
            .expect("spans");
        let cost: f64 = spans.iter().filter_map(|s| s.cost).sum();
        assert_eq!(spans.len() as u64, SPANS_PER_TRACE, "spans of trace {t}");
        assert_eq!(
            summary.span_count, SPANS_PER_TRACE as i64,
            "span count of {t}"
        );
        assert_eq!(summary.input_tokens, input, "input tokens of {t}");
        assert_eq!(
            summary.output_tokens,
            20 * SPANS_PER_TRACE as i64,
            "output of {t}"
        );
        assert!(cost > 0.0, "gpt-4o spans are priced");
        assert!(
            (summary.total_cost - cost).abs() < 1e-9,
            "cost of {t}: {} vs {cost}",
            summary.total_cost
        );
        assert!(summary.has_error, "span 3 of {t} failed");
        let start = span_start(t, 0);
        let end = span_start(t, SPANS_PER_TRACE - 1) + 5_000_000;
        assert_eq!(summary.start_time.as_unix_nanos(), start, "start of {t}");
        assert_eq!(
            summary.end_time.map(|e| e.as_unix_nanos()),
            Some(end),
            "end of {t}"
        );
        assert_eq!(
            summary.duration_ns,
            Some((end - start) as i64),
            "duration of {t}"
        );
    }
    let deadlocks: usize = servers
        .iter()
        .map(|s| s.log().matches("deadlock detected").count())
        .sum();
    // The store locks a whole group's traces in one global order before writing any row
    // (`ingest/trace_locks.rs`): servers sharing traces must never deadlock on them.
    assert_eq!(deadlocks, 0, "commits hit a lock-order deadlock");
    println!(
        "{} spans of {TRACES} traces through {SERVERS} servers: stored once, totals exact, \
         no lock-order deadlock",
        TRACES * SPANS_PER_TRACE
    );
    for server in servers {
        server.stop();
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A `graphql-transport-ws` socket on `server`, authenticated and acknowledged.
async fn subscribe(server: &ServerProcess, secret: &str, query: &str) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", server.addr)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("upgrade");
    let init = json!({"type": "connection_init", "payload": {"apiKey": secret}});
    send(&mut socket, init).await;
    let ack = next_json(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(ack.expect("ack")["type"], "connection_ack");
    let subscribe = json!({"id": "1", "type": "subscribe", "payload": {"query": query}});
    send(&mut socket, subscribe).await;
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("sent");
}

/// The next JSON message within `wait`; `None` on timeout or close.
async fn next_json(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let read = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    return Some(serde_json::from_str(&text).expect("json"));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    };
    tokio::time::timeout(wait, read).await.ok().flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_tail_sees_spans_committed_by_another_server() {
    let Some(admin) = pg_admin("live_tail_sees_spans_committed_by_another_server") else {
        return;
    };
    let db = PgDatabase::create(&admin).await;
    let secret = project_with_key(&db.url, "live");
    let a = ServerProcess::spawn(&db.url, &[]);
    let b = ServerProcess::spawn(&db.url, &[]);
    let client = reqwest::Client::new();
    a.ready(&client).await;
    b.ready(&client).await;

    let trace = 7_000;
    let hex = typed_trace_id(trace).to_string();
    let query = format!(
        "subscription {{ spans(filter: {{traceId: \"{hex}\"}}) {{ traceId spanId name }} }}"
    );
    let mut socket = subscribe(&a, &secret, &query).await;
    // The subscription registers asynchronously: send to B until A streams a span.
    let mut seen = None;
    for i in 0..50 {
        post_until_acked(&client, b.addr, &secret, body(vec![chat_span(trace, i)])).await;
        if let Some(message) = next_json(&mut socket, Duration::from_millis(300)).await {
            seen = Some(message);
            break;
        }
    }
    let message = seen.expect("server A streamed a span committed by server B");
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["payload"]["data"]["spans"]["traceId"], hex.as_str());
    assert_eq!(message["payload"]["data"]["spans"]["name"], "chat gpt-4o");
    a.stop();
    b.stop();
}
