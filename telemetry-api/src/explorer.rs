//! The trace explorer: a web page over the GraphQL API, embedded in the binary.
//!
//! Its files are built by `telemetry-api/explorer` (`npm run build`) and committed in
//! `explorer/dist/`, so that `cargo build` needs no Node.js; `.ci/run` rebuilds them and fails
//! when the committed output is stale. The page's routes (`/`, `/traces/{id}`, `/sessions`,
//! `/sessions/{id}`, `/dashboard`) all answer `index.html` (the page routes itself); its
//! assets have fixed names, so every response carries an `ETag` and `Cache-Control: no-cache`
//! (the browser revalidates and gets `304 Not Modified` until the binary changes). The page
//! holds no data: it is served without credentials, and every query it sends is checked.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// One embedded file.
pub struct Asset {
    /// URL path.
    pub path: &'static str,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Contents.
    pub body: &'static [u8],
}

/// Every file of `explorer/dist/` (a test checks that none is missing).
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "/index.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../explorer/dist/index.html"),
    },
    Asset {
        path: "/assets/explorer.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../explorer/dist/assets/explorer.js"),
    },
    Asset {
        path: "/assets/explorer.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../explorer/dist/assets/explorer.css"),
    },
];

/// The page's own paths, answered with `index.html`.
pub const PAGE_ROUTES: &[&str] = &[
    "/",
    "/traces/{id}",
    "/sessions",
    "/sessions/{id}",
    "/dashboard",
];

/// What the page may load and where it may connect: only this server (no CDN, no beacon).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The ETag of each asset, computed once.
static ETAGS: LazyLock<Vec<HeaderValue>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let mut hasher = DefaultHasher::new();
            asset.body.hash(&mut hasher);
            let tag = format!("\"{:016x}-{:x}\"", hasher.finish(), asset.body.len());
            HeaderValue::from_str(&tag).expect("hex ETag is a valid header value")
        })
        .collect()
});

/// The explorer's routes: the page's paths and its assets.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut router = Router::new();
    for path in PAGE_ROUTES {
        router = router.route(
            path,
            get(|headers: HeaderMap| async move { serve(0, &headers) }),
        );
    }
    for (index, asset) in ASSETS.iter().enumerate().skip(1) {
        router = router.route(
            asset.path,
            get(move |headers: HeaderMap| async move { serve(index, &headers) }),
        );
    }
    router
}

/// Asset `index`, or `304 Not Modified` when the browser holds this version.
fn serve(index: usize, headers: &HeaderMap) -> Response {
    let asset = &ASSETS[index];
    let etag = ETAGS[index].clone();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tags| tags.as_bytes() == etag.as_bytes());
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let content_type = [(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    )];
    (StatusCode::OK, common, content_type, asset.body).into_response()
}
