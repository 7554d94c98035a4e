use telemetry_core::with_span;

#[with_span(naem = "chat")]
fn chat() {}

#[with_span(skip_outputs)]
fn other() {}

fn main() {}
