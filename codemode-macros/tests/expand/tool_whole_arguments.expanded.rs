//! A tool that takes the whole arguments object as one struct.
use codemode::Args;
/// A search query.
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct Query {
    /// Words to look for.
    pub text: String,
    /// At most this many hits.
    pub limit: Option<usize>,
}
/// Searches the catalogue.
pub async fn search(Args(query): Args<Query>) -> Vec<String> {
    vec![query.text; query.limit.unwrap_or(1)]
}
const _: () = {
    fn __codemode_tool() -> ::codemode::__private::HostFunction {
        ::codemode::__private::host_function(
                "search",
                move |
                    __args: ::codemode::__private::Value,
                | -> ::codemode::__private::HostFuture {
                    ::std::boxed::Box::pin(async move {
                        let __whole = ::codemode::Args(
                            ::codemode::__private::whole::<Query>("search", __args)?,
                        );
                        let __result = search(__whole).await;
                        ::codemode::__private::output::<Vec<String>>("search", __result)
                    })
                },
            )
            .with_description("Searches the catalogue.")
            .with_input_schema(::codemode::__private::whole_input_schema::<Query>())
            .with_output_schema(::codemode::__private::output_schema::<Vec<String>>())
    }
    ::codemode::__private::inventory::submit! {
        ::codemode::__private::CollectedTool(__codemode_tool)
    }
};
