use telemetry_core::with_span;

struct Client;

#[with_span]
fn call(client: &Client, query: &str) -> usize {
    let _ = client;
    query.len()
}

fn main() {}
