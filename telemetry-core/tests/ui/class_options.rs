use telemetry_core::instrument_class;

struct Agent;

#[instrument_class(name = "agent", skip(x), prefx = "a")]
impl Agent {
    fn run(&self) {}
}

struct Tools;

#[instrument_class(span_type = tool_call)]
impl Tools {
    #[with_span(attributes(tool_nme = "x"))]
    fn call(&self) {}
}

fn main() {}
