//! Programs the tests install on first use (npm packages, Python packages in a venv),
//! kept in a cache outside the clone so that every later run and CI reuse them:
//! `$CODEMODE_TEST_CACHE`, or `~/.cache/codemode-tests`.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cache folder, created when missing.
pub fn dir() -> PathBuf {
    let dir = match std::env::var_os("CODEMODE_TEST_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            let home = std::env::var_os("HOME").expect("HOME or CODEMODE_TEST_CACHE is set");
            PathBuf::from(home).join(".cache/codemode-tests")
        }
    };
    std::fs::create_dir_all(&dir).expect("the test cache folder can be created");
    dir
}

/// The program `bin` of the npm package `spec` (`name@version`), installed on first use.
pub fn npm_bin(spec: &str, bin: &str) -> PathBuf {
    let prefix = dir().join("npm").join(folder_name(spec));
    let program = prefix.join("node_modules/.bin").join(bin);
    installed(&prefix, &program, || {
        run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&prefix)
                .arg(spec),
            &format!("npm install {spec} (needs Node 20 and npm)"),
        );
    });
    program
}

/// The `node_modules` folder holding the npm package `name`, installed from `spec`
/// (`name@version`) on first use.
pub fn npm_modules(spec: &str, name: &str) -> PathBuf {
    let prefix = dir().join("npm").join(folder_name(spec));
    let modules = prefix.join("node_modules");
    installed(&prefix, &modules.join(name).join("package.json"), || {
        run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&prefix)
                .arg(spec),
            &format!("npm install {spec} (needs Node 20 and npm)"),
        );
    });
    modules
}

/// The program `bin` of the PyPI package `spec` (`name==version`), installed on first
/// use into a venv of its own.
pub fn pip_bin(spec: &str, bin: &str) -> PathBuf {
    let venv = dir().join("venv").join(folder_name(spec));
    let program = venv.join("bin").join(bin);
    installed(&venv, &program, || {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv (needs Python 3 with venv)",
        );
        run(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(spec),
            &format!("pip install {spec}"),
        );
    });
    program
}

/// Installs into `folder` once, across test processes: the first takes a lock, the
/// others wait for it; a marker says the install finished.
fn installed(folder: &Path, program: &Path, install: impl FnOnce()) {
    let done = beside(folder, "done");
    if done.exists() && program.exists() {
        return;
    }
    std::fs::create_dir_all(folder.parent().expect("a parent folder")).expect("the cache folder");
    let lock = File::create(beside(folder, "lock")).expect("a lock file");
    lock_exclusive(&lock);
    if !(done.exists() && program.exists()) {
        let _ = std::fs::remove_dir_all(folder);
        install();
        assert!(program.exists(), "{} was not installed", program.display());
        File::create(&done).expect("the install marker");
    }
}

/// `folder.<suffix>`, beside the folder (its name may hold dots of a version).
fn beside(folder: &Path, suffix: &str) -> PathBuf {
    let mut name = folder.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn run(command: &mut Command, what: &str) {
    let status = command
        .status()
        .unwrap_or_else(|error| panic!("{what} cannot run: {error}"));
    assert!(status.success(), "{what} failed");
}

fn folder_name(spec: &str) -> String {
    spec.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(unix)]
fn lock_exclusive(file: &File) {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a file descriptor this function's caller keeps open; the lock
    // ends when the file is closed or the process exits.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(locked, 0, "the test cache lock");
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &File) {}
