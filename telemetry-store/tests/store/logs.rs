//! Log records: stored per project, found by span, listed newest first with filters and a
//! cursor, and deleted by retention.

use telemetry_store::LogFilter;
use telemetry_types::LogRecord;

use crate::common::*;

fn log(ms: u64, severity: i32, body: &str, span: Option<(u128, u64)>) -> LogRecord {
    LogRecord {
        time: at(ms),
        severity_number: severity,
        severity_text: None,
        event_name: None,
        body: Some(body.into()),
        attributes: Default::default(),
        trace_id: span.map(|(t, _)| tid(t)),
        span_id: span.map(|(_, s)| sid(s)),
        service_name: "svc".into(),
    }
}

#[tokio::test]
async fn logs_are_found_by_span_filtered_paged_and_expired() {
    each_db("logs", |store| async move {
        let p = project(&store, "p").await;
        let q = project(&store, "q").await;
        let records = vec![
            log(10, 9, "in span one", Some((1, 1))),
            log(20, 17, "disk 100% full", None),
            log(30, 9, "in span two", Some((1, 2))),
            log(40, 13, "other trace", Some((2, 1))),
        ];
        assert_eq!(store.insert_logs(p, &records).await.unwrap(), 4);
        store.insert_logs(q, &records[..1]).await.unwrap();

        let by_span = store
            .logs_of_spans(p, &[(tid(1), sid(1)), (tid(2), sid(1)), (tid(3), sid(1))])
            .await
            .unwrap();
        assert_eq!(by_span.len(), 2);
        assert_eq!(by_span[&(tid(1), sid(1))], vec![records[0].clone()]);

        let all = store
            .list_logs(p, &LogFilter::default(), None, 10)
            .await
            .unwrap();
        let bodies: Vec<_> = all.iter().map(|l| l.record.body.clone().unwrap()).collect();
        assert_eq!(
            bodies,
            [
                "other trace",
                "in span two",
                "disk 100% full",
                "in span one"
            ]
        );
        let page = store
            .list_logs(p, &LogFilter::default(), Some(all[1].cursor), 10)
            .await
            .unwrap();
        assert_eq!(page.len(), 2);
        assert_eq!(page[0].record, records[1]);

        let only = |filter: LogFilter| {
            let store = store.clone();
            async move { store.list_logs(p, &filter, None, 10).await.unwrap().len() }
        };
        assert_eq!(
            only(LogFilter {
                min_severity: Some(13),
                ..LogFilter::default()
            })
            .await,
            2
        );
        assert_eq!(
            only(LogFilter {
                trace_id: Some(tid(1)),
                ..LogFilter::default()
            })
            .await,
            2
        );
        assert_eq!(
            only(LogFilter {
                text: Some("100%".into()),
                ..LogFilter::default()
            })
            .await,
            1
        );
        assert_eq!(
            only(LogFilter {
                text: Some("0%".into()),
                ..LogFilter::default()
            })
            .await,
            1
        );
        assert_eq!(
            only(LogFilter {
                text: Some("%".into()),
                ..LogFilter::default()
            })
            .await,
            1
        );
        let window = LogFilter {
            from: Some(at(20)),
            to: Some(at(40)),
            ..LogFilter::default()
        };
        assert_eq!(only(window).await, 2);

        assert_eq!(
            store.delete_logs_before(Some(p), at(30), 1).await.unwrap(),
            2
        );
        assert_eq!(only(LogFilter::default()).await, 2);
        let q_left = store
            .list_logs(q, &LogFilter::default(), None, 10)
            .await
            .unwrap();
        assert_eq!(q_left.len(), 1, "another project's logs are kept");
    })
    .await;
}
