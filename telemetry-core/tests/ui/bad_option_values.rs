use telemetry_core::with_span;

#[with_span(name = "a", name = "b")]
fn twice() {}

#[with_span(skip_output = true)]
fn with_value() {}

#[with_span(telemetry = some_name)]
fn not_a_literal() {}

#[with_span(skip = "x")]
fn skip_not_a_list(x: u32) {}

#[with_span(attributes = "x")]
fn attributes_not_a_list() {}

#[with_span(span_type = tool_call, attributes(tool_name = "a", tool_name = "b"))]
fn attribute_twice() {}

fn main() {}
