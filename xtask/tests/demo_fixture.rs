//! The server's demo fixture is what the generator records today: a change to the demo
//! conversations, the SDK or the OTLP mapping without `cargo xtask demo-fixture` fails here.

use std::path::PathBuf;

use xtask::demo_fixture::{FIXTURE, committed, generate};

#[test]
fn the_committed_demo_fixture_is_what_the_generator_records() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(FIXTURE);
    let committed = committed(&path).expect("the fixture is committed and decodes");
    let generated = generate().expect("the generator runs");
    assert_eq!(
        committed, generated,
        "{FIXTURE} is stale: run `cargo xtask demo-fixture`"
    );
}
