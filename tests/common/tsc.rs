//! The real TypeScript compiler, installed from npm on first use.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const TYPESCRIPT: &str = "typescript@5.9.3";

/// The path of `tsc`, installing TypeScript into the target directory when missing.
pub fn tsc() -> PathBuf {
    static TSC: OnceLock<PathBuf> = OnceLock::new();
    TSC.get_or_init(|| {
        let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("typescript");
        let tsc = prefix.join("node_modules/.bin/tsc");
        if !tsc.exists() {
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&prefix)
                .arg(TYPESCRIPT)
                .status()
                .expect("npm is needed to install the TypeScript compiler for this test (Node 20 and npm)");
            assert!(status.success(), "npm install {TYPESCRIPT} failed");
        }
        tsc
    })
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
