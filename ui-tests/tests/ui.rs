//! Every compile-time diagnostic of the macros, pinned by its `.stderr` snapshot.
//! Re-bless with `TRYBUILD=overwrite cargo test -p ui-tests` and read each snapshot.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
