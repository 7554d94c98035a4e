//! `cargo xtask ci` and `.ci/run` run the same cargo commands, in the same order, with the
//! same exported environment.

use xtask::ci::{EXPORTED_ENV, STEPS};
use xtask::compat::workspace_root;

/// The cargo command lines of `.ci/run`.
fn script_commands(script: &str) -> Vec<String> {
    script
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("cargo ") || line.contains("\" cargo "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_gate_runs_what_ci_runs() {
    let script = std::fs::read_to_string(workspace_root().join(".ci/run")).unwrap();
    let ours: Vec<String> = STEPS.iter().map(|s| s.command_line()).collect();
    assert_eq!(script_commands(&script), ours);
    assert!(
        ours.contains(&"cargo test --workspace".to_owned()),
        "the README's test command"
    );
}

#[test]
fn the_gate_sets_what_ci_exports() {
    let script = std::fs::read_to_string(workspace_root().join(".ci/run")).unwrap();
    for line in script.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("export ") else {
            continue;
        };
        let name = rest.split('=').next().unwrap();
        assert!(
            EXPORTED_ENV.contains(&name),
            ".ci/run exports {name}; xtask ci does not set it"
        );
    }
}

#[test]
fn the_readme_names_the_test_command_ci_runs() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    assert!(readme.contains("cargo test --workspace"));
}
