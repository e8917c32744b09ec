//! A synchronous tool that can fail, under another name.

use codemode::ToolError;

/// Divides, refusing zero.
#[codemode::tool(name = "divide")]
pub fn checked_divide(numerator: f64, denominator: f64) -> Result<f64, ToolError> {
    if denominator == 0.0 {
        return Err(ToolError::new("cannot divide by zero"));
    }
    Ok(numerator / denominator)
}
