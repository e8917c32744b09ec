//! A synchronous tool that can fail, under another name.
use codemode::ToolError;
/// Divides, refusing zero.
pub fn checked_divide(numerator: f64, denominator: f64) -> Result<f64, ToolError> {
    if denominator == 0.0 {
        return Err(ToolError::new("cannot divide by zero"));
    }
    Ok(numerator / denominator)
}
const _: () = {
    fn __codemode_tool() -> ::codemode::__private::HostFunction {
        ::codemode::__private::host_function(
                "divide",
                move |
                    __args: ::codemode::__private::Value,
                | -> ::codemode::__private::HostFuture {
                    ::std::boxed::Box::pin(async move {
                        let mut __arguments = ::codemode::__private::Arguments::new(
                            "divide",
                            __args,
                            &["numerator", "denominator"],
                        )?;
                        let numerator = __arguments.required::<f64>("numerator")?;
                        let denominator = __arguments.required::<f64>("denominator")?;
                        let __result = checked_divide(numerator, denominator);
                        ::codemode::__private::output::<
                            f64,
                        >("divide", ::codemode::__private::tool_error(__result)?)
                    })
                },
            )
            .with_description("Divides, refusing zero.")
            .with_input_schema(
                ::codemode::__private::InputSchema::default()
                    .parameter::<f64>("numerator", "", true)
                    .parameter::<f64>("denominator", "", true)
                    .build(),
            )
            .with_output_schema(::codemode::__private::output_schema::<f64>())
    }
    ::codemode::__private::inventory::submit! {
        ::codemode::__private::CollectedTool(__codemode_tool)
    }
};
