//! Compile-fail tests: every misuse of the macros is a compile error that names the problem and
//! lists what is allowed. Expected messages are in `tests/ui/*.stderr`
//! (regenerate with `TRYBUILD=overwrite`, then review the diff).

#![cfg(feature = "macros")]

#[test]
fn misuse_is_a_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
