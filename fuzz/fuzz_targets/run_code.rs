//! Arbitrary text as a program: every run ends with an outcome that is not an internal
//! error, and the next run still works.
#![no_main]

libfuzzer_sys::fuzz_target!(|code: &str| {
    codemode_fuzz::check_program(code);
});
