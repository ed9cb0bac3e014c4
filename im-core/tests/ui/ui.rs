//! Compile-time behaviour of `#[im_api]`: what compiles, and the error for each mistake.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*.rs");
}
