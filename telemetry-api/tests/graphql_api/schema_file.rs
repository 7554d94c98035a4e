//! `telemetry-api/schema.graphql` is the exported SDL; this test fails when it is stale.
//! Run with `TELEMETRY_UPDATE_SCHEMA=1` to rewrite it.

use std::path::Path;

#[test]
fn schema_graphql_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let sdl = telemetry_api::graphql::sdl();
    if std::env::var_os("TELEMETRY_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &sdl).expect("write schema.graphql");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == sdl,
        "{} is out of date: run `TELEMETRY_UPDATE_SCHEMA=1 cargo test -p telemetry-api --test graphql_api schema` and commit it",
        path.display()
    );
}
