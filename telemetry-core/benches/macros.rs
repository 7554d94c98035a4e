//! `#[with_span]` against the same span written by hand (filled in below).
fn main() {}
