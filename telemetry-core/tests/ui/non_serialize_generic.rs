use telemetry_core::with_span;

// A generic argument or return type needs a `Serialize` bound, or `skip`/`skip_output`.
#[with_span]
fn identity<T>(value: T) -> T {
    value
}

#[with_span(skip(value), skip_output)]
fn fine<T>(value: T) -> T {
    value
}

fn main() {}
