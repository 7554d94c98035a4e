use telemetry_core::with_span;

#[with_span(skip(clinet))]
fn call(client: u32, query: &str) -> usize {
    let _ = client;
    query.len()
}

#[with_span(skip(x))]
fn no_args() {}

#[with_span(skip(query), skip_all)]
fn both(query: &str) {
    let _ = query;
}

fn main() {}
