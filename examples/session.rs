//! Step-by-step control over host calls: the host answers each call itself.
//!
//! Run with `cargo run --example session`.

use codemode::{Event, Executor, Limits, Registry};
use serde_json::json;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let executor = Executor::new(Limits::default().with_timeout(Duration::from_secs(5)));
    let code = r#"
        async () => {
          const a = await codemode.double({ n: 3 });
          const b = await codemode.double({ n: a });
          return b;
        }
    "#;
    // Nothing is registered, so every call surfaces here for the host to answer.
    let mut session = executor.start(code, &Registry::new());
    loop {
        match session.next_event().await {
            Event::HostCall(call) => {
                println!(
                    "call {} -> codemode.{}({})",
                    call.call_id, call.target, call.input
                );
                match call.input["n"].as_i64() {
                    Some(n) => session.submit_result(call.call_id, json!(n * 2)),
                    None => session.submit_error(call.call_id, "double: `n` must be an integer"),
                }
                .expect("the call is waiting for its answer");
            }
            Event::Completed(outcome) => {
                println!("completed: {}", outcome.result);
                break;
            }
            Event::Failed(outcome) => {
                if let Some(error) = outcome.error {
                    eprintln!("failed: {error}");
                }
                break;
            }
        }
    }
}
