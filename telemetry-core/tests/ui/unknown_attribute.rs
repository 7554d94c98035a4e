use telemetry_core::with_span;

#[with_span(span_type = llm_generation, attributes(modle = "gpt-4o", provider = "openai"))]
fn chat(prompt: &str) -> String {
    prompt.to_owned()
}

fn main() {}
