use telemetry_core::with_span;

struct Connection;

#[with_span]
fn connect(url: &str) -> Connection {
    let _ = url;
    Connection
}

fn main() {}
