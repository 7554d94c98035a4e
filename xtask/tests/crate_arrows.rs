//! The crate map of docs/ARCHITECTURE.md, enforced: each workspace crate's normal (non-dev)
//! dependencies on other workspace crates stay within the arrows the map allows. A new arrow is
//! a design decision: change the map and this table together.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// For each crate, the workspace crates it may depend on (normal and build dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("telemetry-types", &[]),
    ("telemetry-macros", &[]),
    ("telemetry-core", &["telemetry-types", "telemetry-macros"]),
    ("telemetry-otlp", &["telemetry-types"]),
    ("telemetry-store", &["telemetry-types"]),
    (
        "telemetry-exporters",
        &[
            "telemetry-types",
            "telemetry-core",
            "telemetry-otlp",
            "telemetry-store",
        ],
    ),
    (
        "telemetry-bridges",
        &["telemetry-core", "telemetry-otlp", "telemetry-exporters"],
    ),
    (
        "telemetry-api",
        &["telemetry-types", "telemetry-store", "telemetry-otlp"],
    ),
];

/// Workspace crate → its normal/build dependencies on workspace crates, from `cargo metadata`.
fn workspace_arrows() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata failed: {output:?}");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let names: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"].as_array().unwrap().iter();
            let ours = deps
                .filter(|d| d["kind"].as_str() != Some("dev"))
                .map(|d| d["name"].as_str().unwrap().to_owned())
                .filter(|name| names.contains(name))
                .collect();
            (p["name"].as_str().unwrap().to_owned(), ours)
        })
        .collect()
}

#[test]
fn workspace_crates_depend_only_along_the_allowed_arrows() {
    let arrows = workspace_arrows();
    let mut wrong = Vec::new();
    for (krate, allowed) in ALLOWED {
        let deps = arrows
            .get(*krate)
            .unwrap_or_else(|| panic!("{krate} is not in the workspace"));
        for dep in deps {
            if !allowed.contains(&dep.as_str()) {
                wrong.push(format!("{krate} -> {dep}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows not in docs/ARCHITECTURE.md: {wrong:?}"
    );
}

#[test]
fn every_library_crate_has_a_row_in_the_map() {
    let arrows = workspace_arrows();
    let mapped: BTreeSet<&str> = ALLOWED.iter().map(|(name, _)| *name).collect();
    let unmapped: Vec<&String> = arrows
        .keys()
        .filter(|name| name.as_str() != "xtask" && !mapped.contains(name.as_str()))
        .collect();
    assert!(
        unmapped.is_empty(),
        "crates missing from the map: {unmapped:?}"
    );
}
