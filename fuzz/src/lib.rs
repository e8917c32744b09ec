//! The properties the fuzz targets check, shared with the test that replays the
//! corpus in `fuzz/corpus`.

mod checks;

pub use checks::{check_program, check_round_trip, corpus_files, Shape};
