//! Compile-time diagnostics of the codemode macros, checked with trybuild.
