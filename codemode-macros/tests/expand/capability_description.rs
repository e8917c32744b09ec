//! A capability described in its attribute, with a method that can fail.

use codemode::ToolError;

/// Weather for a fixed set of cities.
pub struct Weather {
    /// Degrees added to every reading.
    pub offset: f64,
}

#[codemode::capability(namespace = "weather", description = "Current weather by city.")]
impl Weather {
    /// Current temperature in degrees Celsius.
    pub async fn current(&self, city: String) -> Result<f64, ToolError> {
        match city.as_str() {
            "Paris" => Ok(18.5 + self.offset),
            other => Err(ToolError::new(format!("unknown city: {other}"))),
        }
    }
}
