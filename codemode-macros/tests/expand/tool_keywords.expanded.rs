//! A tool with keyword arguments, one of them optional.
/// Greets someone.
///
/// # Arguments
///
/// * `name` - Who to greet.
/// * `polite` - Whether to greet formally.
pub async fn greet(name: String, polite: Option<bool>) -> String {
    if polite.unwrap_or(false) {
        format!("Good day, {name}.")
    } else {
        format!("hi {name}")
    }
}
const _: () = {
    fn __codemode_tool() -> ::codemode::__private::HostFunction {
        ::codemode::__private::host_function(
                "greet",
                move |
                    __args: ::codemode::__private::Value,
                | -> ::codemode::__private::HostFuture {
                    ::std::boxed::Box::pin(async move {
                        let mut __arguments = ::codemode::__private::Arguments::new(
                            "greet",
                            __args,
                            &["name", "polite"],
                        )?;
                        let name = __arguments.required::<String>("name")?;
                        let polite = __arguments.optional::<bool>("polite")?;
                        let __result = greet(name, polite).await;
                        ::codemode::__private::output::<String>("greet", __result)
                    })
                },
            )
            .with_description("Greets someone.")
            .with_input_schema(
                ::codemode::__private::InputSchema::default()
                    .parameter::<String>("name", "Who to greet.", true)
                    .parameter::<bool>("polite", "Whether to greet formally.", false)
                    .build(),
            )
            .with_output_schema(::codemode::__private::output_schema::<String>())
    }
    ::codemode::__private::inventory::submit! {
        ::codemode::__private::CollectedTool(__codemode_tool)
    }
};
