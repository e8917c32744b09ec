//! A capability described in its attribute, with a method that can fail.
use codemode::ToolError;
/// Weather for a fixed set of cities.
pub struct Weather {
    /// Degrees added to every reading.
    pub offset: f64,
}
impl Weather {
    /// Current temperature in degrees Celsius.
    pub async fn current(&self, city: String) -> Result<f64, ToolError> {
        match city.as_str() {
            "Paris" => Ok(18.5 + self.offset),
            other => Err(ToolError::new(format!("unknown city: {other}"))),
        }
    }
}
const _: () = {
    #[automatically_derived]
    impl ::codemode::__private::Capability for Weather {
        fn namespace(&self) -> &str {
            "weather"
        }
        fn description(&self) -> &str {
            "Current weather by city."
        }
        fn functions(
            self: ::codemode::__private::Arc<Self>,
        ) -> ::std::vec::Vec<::codemode::__private::HostFunction> {
            ::std::vec::Vec::from([
                {
                    let __this = ::codemode::__private::Arc::clone(&self);
                    ::codemode::__private::host_function(
                            "current",
                            move |
                                __args: ::codemode::__private::Value,
                            | -> ::codemode::__private::HostFuture {
                                let __this = ::codemode::__private::Arc::clone(&__this);
                                ::std::boxed::Box::pin(async move {
                                    let mut __arguments = ::codemode::__private::Arguments::new(
                                        "weather.current",
                                        __args,
                                        &["city"],
                                    )?;
                                    let city = __arguments.required::<String>("city")?;
                                    let __result = __this.current(city).await;
                                    ::codemode::__private::output::<
                                        f64,
                                    >(
                                        "weather.current",
                                        ::codemode::__private::tool_error(__result)?,
                                    )
                                })
                            },
                        )
                        .with_description("Current temperature in degrees Celsius.")
                        .with_input_schema(
                            ::codemode::__private::InputSchema::default()
                                .parameter::<String>("city", "", true)
                                .build(),
                        )
                        .with_output_schema(
                            ::codemode::__private::output_schema::<f64>(),
                        )
                },
            ])
        }
    }
};
