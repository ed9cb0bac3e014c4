//! Compile-time behaviour of `#[im_api]`: what compiles, and the error for each mistake.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
