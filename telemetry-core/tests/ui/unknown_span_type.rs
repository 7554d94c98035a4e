use telemetry_core::with_span;

#[with_span(span_type = llm)]
fn chat() {}

#[with_span(span_type = tool_cal)]
fn tool() {}

#[with_span(span_type = 42)]
fn number() {}

fn main() {}
