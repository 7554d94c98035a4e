use telemetry_core::with_span;

#[with_span(span_type = tool_call, attributes(tool_name = "search", model = "gpt-4o"))]
fn search(query: &str) -> usize {
    query.len()
}

fn main() {}
