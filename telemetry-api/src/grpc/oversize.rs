//! Oversize messages answered `RESOURCE_EXHAUSTED`, as the OTLP specification asks.
//!
//! tonic refuses a message whose length prefix is over the decoding limit with
//! `OUT_OF_RANGE` (and one that inflates past it with `RESOURCE_EXHAUSTED`) before our
//! handler runs; this layer rewrites the first into the second. Our handlers never answer
//! `OUT_OF_RANGE` themselves, so nothing else is touched.

use http::HeaderValue;
use tonic::Code;
use tonic::body::Body;
use tower::util::MapResponseLayer;

/// The layer over the gRPC routes.
pub(super) fn layer() -> MapResponseLayer<fn(http::Response<Body>) -> http::Response<Body>> {
    MapResponseLayer::new(resource_exhausted_for_oversize)
}

/// A trailers-only `OUT_OF_RANGE` answer becomes `RESOURCE_EXHAUSTED`.
fn resource_exhausted_for_oversize(mut response: http::Response<Body>) -> http::Response<Body> {
    let headers = response.headers_mut();
    let out_of_range = HeaderValue::from(Code::OutOfRange as i32);
    if headers.get("grpc-status") == Some(&out_of_range) {
        headers.insert(
            "grpc-status",
            HeaderValue::from(Code::ResourceExhausted as i32),
        );
    }
    response
}
