//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz targets' checks.

#[path = "../fuzz/src/checks.rs"]
mod checks;

#[test]
fn run_code_corpus() {
    for file in checks::corpus_files("fuzz/corpus/run_code") {
        let bytes = std::fs::read(&file).expect("a readable corpus file");
        if let Ok(code) = std::str::from_utf8(&bytes) {
            checks::check_program(code);
        }
    }
}

#[test]
fn bridge_values_corpus() {
    use arbitrary::Arbitrary;
    for file in checks::corpus_files("fuzz/corpus/bridge_values") {
        let bytes = std::fs::read(&file).expect("a readable corpus file");
        let input = arbitrary::Unstructured::new(&bytes);
        if let Ok(shape) = checks::Shape::arbitrary_take_rest(input) {
            checks::check_round_trip(&shape);
        }
    }
}
