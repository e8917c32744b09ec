//! A tool whose every call waits for a person's approval.
/// Deletes a file.
///
/// # Arguments
///
/// * `path` - The file to delete.
pub async fn delete_file(path: String) -> Result<(), String> {
    Err(format!("{path}: nothing to delete here"))
}
const _: () = {
    fn __codemode_tool() -> ::codemode::__private::HostFunction {
        ::codemode::__private::host_function(
                "delete_file",
                move |
                    __args: ::codemode::__private::Value,
                | -> ::codemode::__private::HostFuture {
                    ::std::boxed::Box::pin(async move {
                        let mut __arguments = ::codemode::__private::Arguments::new(
                            "delete_file",
                            __args,
                            &["path"],
                        )?;
                        let path = __arguments.required::<String>("path")?;
                        let __result = delete_file(path).await;
                        ::codemode::__private::output::<
                            (),
                        >("delete_file", ::codemode::__private::tool_error(__result)?)
                    })
                },
            )
            .with_description("Deletes a file.")
            .with_input_schema(
                ::codemode::__private::InputSchema::default()
                    .parameter::<String>("path", "The file to delete.", true)
                    .build(),
            )
            .with_output_schema(::codemode::__private::output_schema::<()>())
            .require_approval()
    }
    ::codemode::__private::inventory::submit! {
        ::codemode::__private::CollectedTool(__codemode_tool)
    }
};
