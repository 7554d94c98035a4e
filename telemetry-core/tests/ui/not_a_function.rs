use telemetry_core::{instrument_class, with_span};

#[with_span]
struct NotAFunction;

#[instrument_class]
fn not_an_impl() {}

trait Declared {
    #[with_span]
    fn no_body(&self);
}

#[with_span]
const fn constant() -> u32 {
    1
}

fn main() {}
