use telemetry_core::instrument_class;

struct Agent;

// The class's attributes belong to its span type; a method that picks another type must give
// its own.
#[instrument_class(span_type = agent_run, attributes(agent_name = "a"))]
impl Agent {
    #[with_span(span_type = tool_call, attributes(agent_name = "b"))]
    fn call(&self) {}
}

fn main() {}
