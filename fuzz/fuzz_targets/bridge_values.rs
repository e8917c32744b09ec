//! Arbitrary values sent through a host call and back.
#![no_main]

libfuzzer_sys::fuzz_target!(|value: codemode_fuzz::Shape| {
    codemode_fuzz::check_round_trip(&value);
});
