//! The real TypeScript compiler, installed from npm into the test cache on first use.
//! A test file that uses it also declares `#[path = "common/cache.rs"] mod cache;`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const TYPESCRIPT: &str = "typescript@5.9.3";

/// The path of `tsc`, installing TypeScript into the test cache when missing.
pub fn tsc() -> PathBuf {
    static TSC: OnceLock<PathBuf> = OnceLock::new();
    TSC.get_or_init(|| super::cache::npm_bin(TYPESCRIPT, "tsc"))
        .clone()
}

/// Type-checks `source` with `tsc --strict --noEmit`; returns the compiler's output on failure.
pub fn check(name: &str, source: &str) -> Result<(), String> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tsc-checks");
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let file = dir.join(format!("{name}.ts"));
    std::fs::write(&file, source).expect("a scratch file");
    let output = Command::new(tsc())
        .args([
            "--strict", "--noEmit", "--target", "es2022", "--lib", "es2022", "--pretty", "false",
        ])
        .arg(&file)
        .output()
        .expect("tsc runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}
