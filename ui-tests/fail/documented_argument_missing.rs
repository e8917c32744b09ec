/// Adds numbers.
///
/// # Arguments
///
/// * `a` - The first.
/// * `c` - Not a parameter.
#[codemode::tool]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
