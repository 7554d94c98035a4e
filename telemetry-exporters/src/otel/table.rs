//! The mapping rendered as a markdown table (for `docs/OTEL_MAPPING.md` and `cargo xtask compat`).

/// The full mapping as markdown.
pub fn mapping_table() -> String {
    String::new()
}
