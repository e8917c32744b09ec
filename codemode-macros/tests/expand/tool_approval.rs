//! A tool whose every call waits for a person's approval.

/// Deletes a file.
///
/// # Arguments
///
/// * `path` - The file to delete.
#[codemode::tool(approval)]
pub async fn delete_file(path: String) -> Result<(), String> {
    Err(format!("{path}: nothing to delete here"))
}
