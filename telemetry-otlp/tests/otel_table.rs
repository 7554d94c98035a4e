//! The mapping table cannot drift: what `span_to_otlp` writes for a fully populated span of
//! each type is exactly what the table lists, and `docs/OTEL_MAPPING.md` shows the table the
//! code renders.

mod otel_support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use otel_support::full_span;
use telemetry_otlp::{self as otel, semconv as sc, semconv::ours};
use telemetry_types::{SpanAttributes, SpanType};

const BEGIN: &str = "<!-- BEGIN GENERATED MAPPING (otel::mapping_table) -->\n";
const END: &str = "<!-- END GENERATED MAPPING -->";

#[test]
fn table_lists_exactly_the_keys_the_exporter_writes() {
    // Keys that only some values of a field use (input as messages or as text).
    let alternatives: BTreeSet<&str> = [
        sc::GEN_AI_INPUT_MESSAGES,
        sc::GEN_AI_OUTPUT_MESSAGES,
        ours::INPUT,
        ours::INPUT_MIME_TYPE,
        ours::OUTPUT,
        ours::OUTPUT_MIME_TYPE,
        ours::SPAN_NAME,
    ]
    .into();
    for span_type in SpanType::ALL {
        let span = full_span(span_type, true);
        let generic_fields: BTreeSet<String> = match &span.attributes {
            SpanAttributes::Generic(g) => g.fields.keys().cloned().collect(),
            _ => BTreeSet::new(),
        };
        let written: BTreeSet<String> = otel::span_to_otlp(&span)
            .attributes
            .into_iter()
            .map(|kv| kv.key)
            .filter(|k| {
                !k.starts_with(ours::METADATA_PREFIX)
                    && !k.starts_with(ours::TRACE_CONTEXT_PREFIX)
                    && !generic_fields.contains(k)
            })
            .collect();
        let listed: BTreeSet<String> = otel::mapped_keys(span_type)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let undocumented: Vec<_> = written.difference(&listed).collect();
        assert!(
            undocumented.is_empty(),
            "{span_type}: written but not in the table: {undocumented:?}"
        );
        let unwritten: Vec<_> = listed
            .difference(&written)
            .filter(|k| !alternatives.contains(k.as_str()))
            .collect();
        assert!(
            unwritten.is_empty(),
            "{span_type}: in the table but not written: {unwritten:?}"
        );
    }
}

#[test]
fn every_written_key_is_ours_or_from_the_conventions() {
    for span_type in SpanType::ALL {
        for key in otel::mapped_keys(span_type) {
            assert!(
                key.starts_with(ours::NS)
                    || [
                        "gen_ai.",
                        "mcp.",
                        "error.",
                        "user.",
                        "session.",
                        "service.",
                        "deployment.",
                        "network.",
                        "jsonrpc."
                    ]
                    .iter()
                    .any(|p| key.starts_with(p)),
                "{key}"
            );
        }
    }
}

#[test]
fn docs_show_the_rendered_table() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/OTEL_MAPPING.md");
    let doc = std::fs::read_to_string(&path).expect("docs/OTEL_MAPPING.md");
    let table = otel::mapping_table();
    let (Some(start), Some(end)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("{} lacks the generated-mapping markers", path.display());
    };
    let shown = &doc[start + BEGIN.len()..end];
    if shown != table && std::env::var_os("OTEL_MAPPING_BLESS").is_some() {
        let updated = format!("{}{BEGIN}{table}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, updated).expect("write docs/OTEL_MAPPING.md");
        return;
    }
    assert!(
        shown == table,
        "docs/OTEL_MAPPING.md is out of date with otel::mapping_table(); \
         rerun this test with OTEL_MAPPING_BLESS=1 to update it"
    );
}
