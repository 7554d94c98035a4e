//! Authentication and isolation: no key, wrong key, revoked key and malformed headers all get
//! the same 401 and store nothing; a key writes only into its own project, whatever the body
//! says; Basic auth (the Langfuse SDK's) works on every ingest route.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::common::{TestServer, chat_body, each_db, stored_spans};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_wrong_and_revoked_keys_get_the_same_401() {
    each_db("auth failures", |url| async move {
        let server = TestServer::start(&url).await;
        let revoked = server
            .store
            .create_api_key(server.project, "old")
            .await
            .expect("key");
        assert!(
            server
                .store
                .revoke_api_key(server.project, revoked.key.id)
                .await
                .expect("revoke")
        );
        let bad_headers = [
            None,
            Some(
                "Bearer tsk_0000000000000000000000000000000000000000000000000000000000000000"
                    .to_owned(),
            ),
            Some("Bearer not-even-a-key".to_owned()),
            Some(format!("Bearer {}", revoked.secret)),
            Some(format!(
                "Basic {}",
                STANDARD.encode(format!("pk:{}", revoked.secret))
            )),
            Some("Basic ###".to_owned()),
            Some(format!("Token {}", server.secret)),
        ];
        let mut bodies = Vec::new();
        for (i, header) in bad_headers.iter().enumerate() {
            let mut request = server
                .client
                .post(server.url("/v1/traces"))
                .header("content-type", "application/x-protobuf")
                .body(chat_body(i as u64, 2));
            if let Some(value) = header {
                request = request.header("authorization", value);
            }
            let response = request.send().await.expect("sent");
            assert_eq!(response.status(), 401, "{header:?}");
            assert!(response.headers().contains_key("www-authenticate"));
            bodies.push(response.text().await.expect("body"));
            assert_eq!(
                stored_spans(&server.store, server.project, i as u64).await,
                0
            );
        }
        assert!(
            bodies.windows(2).all(|w| w[0] == w[1]),
            "401 bodies must not hint why: {bodies:?}"
        );
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_writes_only_into_its_own_project() {
    each_db("project isolation", |url| async move {
        let server = TestServer::start(&url).await;
        let other = server
            .store
            .create_project("tenant-b", "B")
            .await
            .expect("project");
        let other_key = server
            .store
            .create_api_key(other.id, "b")
            .await
            .expect("key");
        assert_eq!(server.post_otlp(chat_body(1, 3)).await.status(), 200);
        let response = server
            .client
            .post(server.url("/v1/traces"))
            .bearer_auth(&other_key.secret)
            .header("content-type", "application/x-protobuf")
            .body(chat_body(2, 4))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        assert_eq!(stored_spans(&server.store, server.project, 1).await, 3);
        assert_eq!(stored_spans(&server.store, server.project, 2).await, 0);
        assert_eq!(stored_spans(&server.store, other.id, 2).await, 4);
        assert_eq!(stored_spans(&server.store, other.id, 1).await, 0);
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn langfuse_route_takes_basic_auth() {
    each_db("langfuse basic auth", |url| async move {
        let server = TestServer::start(&url).await;
        let basic = STANDARD.encode(format!("pk-lf-public:{}", server.secret));
        let response = server
            .client
            .post(server.url("/api/public/otel/v1/traces"))
            .header("authorization", format!("Basic {basic}"))
            .header("content-type", "application/x-protobuf")
            .body(chat_body(7, 2))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        assert_eq!(stored_spans(&server.store, server.project, 7).await, 2);
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_mode_is_refused_off_loopback_and_open_on_it() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("dev.db").display());
    let mut config = telemetry_api::config::ServerConfig::new(&url);
    config.dev = true;
    config.listen = "0.0.0.0:0".parse().expect("addr");
    let refused = telemetry_api::server::Server::bind(config.clone()).await;
    assert!(matches!(
        refused,
        Err(telemetry_api::server::ServerError::DevNotLoopback(_))
    ));

    config.listen = "127.0.0.1:0".parse().expect("addr");
    let server = TestServer::start_config(config).await;
    let response = server
        .client
        .post(server.url("/v1/traces"))
        .header("content-type", "application/x-protobuf")
        .body(chat_body(3, 2))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let default = server
        .store
        .project_by_slug("default")
        .await
        .expect("q")
        .expect("default project");
    assert_eq!(stored_spans(&server.store, default.id, 3).await, 2);
    server.stop().await;
}
