//! How the server serves the page: every path of the page answers index.html, the assets have
//! their content types and revalidate by ETag, everything in dist/ is embedded, and the API's
//! routes are unchanged (GraphQL still asks for a key outside `--dev`).

use std::path::Path;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use telemetry_api::explorer::ASSETS;

use crate::support::Running;

#[test]
fn every_built_file_is_embedded() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("explorer/dist");
    let mut stack = vec![dist.clone()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dist/ exists") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert_eq!(
        files.len(),
        ASSETS.len(),
        "dist/ holds exactly the embedded files: {files:?}"
    );
    for file in files {
        let url = format!("/{}", file.strip_prefix(&dist).unwrap().display());
        let asset = ASSETS
            .iter()
            .find(|a| a.path == url)
            .unwrap_or_else(|| panic!("{url} is embedded"));
        assert_eq!(
            asset.body,
            std::fs::read(&file).unwrap().as_slice(),
            "{url} is the committed build"
        );
    }
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_without_credentials() {
    let server = Running::start(false).await;
    for path in [
        "/",
        "/traces/0123",
        "/sessions",
        "/sessions/s-1",
        "/dashboard",
        "/dashboard?range=7d",
    ] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            "text/html; charset=utf-8",
            "{path}"
        );
        assert!(
            response.headers()[CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("connect-src 'self'")
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains("/assets/explorer.js") && body.contains("/assets/explorer.css"),
            "{path}: {body}"
        );
    }
    for (path, content_type) in [
        ("/assets/explorer.js", "text/javascript; charset=utf-8"),
        ("/assets/explorer.css", "text/css; charset=utf-8"),
    ] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CONTENT_TYPE], content_type, "{path}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache", "{path}");
        let etag = response.headers()[ETAG].clone();
        let again = server
            .client
            .get(server.url(path))
            .header(IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        assert_eq!(
            again.status(),
            StatusCode::NOT_MODIFIED,
            "{path} revalidates"
        );
        let stale = server
            .client
            .get(server.url(path))
            .header(IF_NONE_MATCH, "\"other\"")
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), StatusCode::OK, "{path} with a stale ETag");
    }
    for path in ["/traces", "/traces/a/b", "/assets/other.js", "/nothing"] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let graphql = server
        .client
        .post(server.url("/graphql"))
        .json(&serde_json::json!({"query": "{ traces { nodes { id } } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        graphql.status(),
        StatusCode::UNAUTHORIZED,
        "the data still needs a key"
    );
}
