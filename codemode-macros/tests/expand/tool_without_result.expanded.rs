//! A tool that takes and returns nothing.
/// Does nothing.
pub async fn noop() {}
const _: () = {
    fn __codemode_tool() -> ::codemode::__private::HostFunction {
        ::codemode::__private::host_function(
                "noop",
                move |
                    __args: ::codemode::__private::Value,
                | -> ::codemode::__private::HostFuture {
                    ::std::boxed::Box::pin(async move {
                        let mut __arguments = ::codemode::__private::Arguments::new(
                            "noop",
                            __args,
                            &[],
                        )?;
                        let __result = noop().await;
                        ::codemode::__private::output("noop", __result)
                    })
                },
            )
            .with_description("Does nothing.")
            .with_input_schema(::codemode::__private::InputSchema::default().build())
            .with_output_schema(::codemode::__private::output_schema::<()>())
    }
    ::codemode::__private::inventory::submit! {
        ::codemode::__private::CollectedTool(__codemode_tool)
    }
};
