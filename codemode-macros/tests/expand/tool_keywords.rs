//! A tool with keyword arguments, one of them optional.

/// Greets someone.
///
/// # Arguments
///
/// * `name` - Who to greet.
/// * `polite` - Whether to greet formally.
#[codemode::tool]
pub async fn greet(name: String, polite: Option<bool>) -> String {
    if polite.unwrap_or(false) {
        format!("Good day, {name}.")
    } else {
        format!("hi {name}")
    }
}
