//! Subscriptions from a browser: no header on the WebSocket upgrade (browsers cannot set one),
//! the API key in the `connection_init` payload instead. A good key gets `connection_ack` and
//! the live spans of its project; a missing or wrong key closes the socket.

use async_graphql::futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::{TestServer, chat_body, each_db};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` with the `graphql-transport-ws` protocol and no `Authorization`.
async fn open(server: &TestServer) -> Socket {
    let url = format!("ws://{}/graphql/ws", server.addr);
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("upgrade accepted without a header");
    socket
}

/// The next text message as JSON, or `None` once the server closed the socket.
async fn next_json(socket: &mut Socket) -> Option<Value> {
    let wait = std::time::Duration::from_secs(10);
    loop {
        let message = tokio::time::timeout(wait, socket.next())
            .await
            .expect("in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Some(serde_json::from_str(&text).expect("json"));
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_authenticate_subscriptions_in_connection_init() {
    each_db("websocket auth", |url| async move {
        let server = TestServer::start(&url).await;

        let mut wrong = open(&server).await;
        send(
            &mut wrong,
            json!({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}}),
        )
        .await;
        assert_eq!(
            next_json(&mut wrong).await,
            None,
            "a wrong key closes the socket"
        );
        let mut missing = open(&server).await;
        send(
            &mut missing,
            json!({"type": "connection_init", "payload": {}}),
        )
        .await;
        assert_eq!(
            next_json(&mut missing).await,
            None,
            "no key closes the socket"
        );

        let mut socket = open(&server).await;
        let init = json!({"type": "connection_init", "payload": {"apiKey": server.secret}});
        send(&mut socket, init).await;
        assert_eq!(
            next_json(&mut socket).await.expect("ack")["type"],
            "connection_ack"
        );
        let query = "subscription { spans { traceId name } }";
        send(
            &mut socket,
            json!({"id": "1", "type": "subscribe", "payload": {"query": query}}),
        )
        .await;
        // Send until the subscription (registered asynchronously) sees a span.
        let got = async {
            for trace in 1..=50u64 {
                let response = server.post_otlp(chat_body(trace, 1)).await;
                assert_eq!(response.status(), 200);
                let wait = std::time::Duration::from_millis(200);
                if let Ok(message) = tokio::time::timeout(wait, next_json(&mut socket)).await {
                    return message;
                }
            }
            None
        };
        let message = got.await.expect("a live span");
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], "1");
        assert!(
            message["payload"]["data"]["spans"]["traceId"].is_string(),
            "{message}"
        );
        server.stop().await;
    })
    .await;
}
