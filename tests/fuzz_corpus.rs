//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz targets' checks.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", folder.display());
    files
}

#[test]
fn run_code_corpus() {
    for file in corpus("run_code") {
        let bytes = std::fs::read(&file).expect("a readable corpus file");
        if let Ok(code) = std::str::from_utf8(&bytes) {
            checks::check_program(code);
        }
    }
}

#[test]
fn bridge_values_corpus() {
    use arbitrary::Arbitrary;
    for file in corpus("bridge_values") {
        let bytes = std::fs::read(&file).expect("a readable corpus file");
        let input = arbitrary::Unstructured::new(&bytes);
        if let Ok(shape) = checks::Shape::arbitrary_take_rest(input) {
            checks::check_round_trip(&shape);
        }
    }
}
