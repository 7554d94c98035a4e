//! Property test: random bytes (and random mutations of a valid request) fed to the OTLP
//! decode path and the mapping never panic.

use proptest::prelude::*;
use prost::Message;
use telemetry_api::ingest::body::OtlpFormat;
use telemetry_api::ingest::native::parse_batch;
use telemetry_api::ingest::otlp::decode;
use telemetry_otlp as otel;

use crate::common::{chat_span, request};

fn decode_and_map(format: OtlpFormat, bytes: &[u8]) {
    if let Ok(request) = decode(format, bytes) {
        let _ = otel::spans_from_request(request);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        decode_and_map(OtlpFormat::Protobuf, &bytes);
        decode_and_map(OtlpFormat::Json, &bytes);
        let _ = parse_batch(&bytes);
    }

    #[test]
    fn mutated_requests_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = request((0..4).map(|i| chat_span(1, i)).collect()).encode_to_vec();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let keep = cut.index(bytes.len() + 1);
        decode_and_map(OtlpFormat::Protobuf, &bytes[..keep]);
    }
}
