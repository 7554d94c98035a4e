use telemetry_core::with_span;

#[with_span(span_type = agent_run, attributes(max_steps = "three", agent_name = 7))]
fn run() {}

fn main() {}
