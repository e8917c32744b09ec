//! Upstream MCP servers mounted as namespaces: real third-party servers over stdio and
//! streamable HTTP, and a fixture server that crashes, hangs, changes its tools and
//! counts what it sees.

#[path = "common/cache.rs"]
mod cache;
#[path = "common/server.rs"]
mod server;
#[path = "common/upstreams.rs"]
mod upstreams;

use codemode::{ErrorKind, Executor, HostFunction, Limits, Outcome, Registry, Upstreams};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use upstreams::{connect, everything, filesystem, fixture, time};

async fn run(registry: &Registry, code: &str) -> Outcome {
    Executor::default().execute(code, registry).await
}

fn ok(outcome: &Outcome) -> &Value {
    assert!(outcome.success, "expected success, got {outcome:#?}");
    &outcome.result
}

fn fixture_server(extra: Value) -> Value {
    let mut server = json!({ "command": fixture() });
    if let (Value::Object(server), Value::Object(extra)) = (&mut server, extra) {
        server.extend(extra);
    }
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_over_stdio_answers_text_structured_content_and_images() {
    let (upstreams, registry) = connect(
        json!({ "mcpServers": { "everything": { "command": everything(), "args": ["stdio"] } } }),
    )
    .await;
    assert!(
        upstreams.failures().is_empty(),
        "{:?}",
        upstreams.failures()
    );
    let outcome = run(
        &registry,
        r#"
        const echo = await codemode.everything.echo({ message: "hi" });
        const weather = await codemode.everything.get_structured_content({ location: "Chicago" });
        const sum = await codemode.everything.get_sum({ a: 2, b: 3 });
        const image = await codemode.everything.get_tiny_image({});
        const png = image.find(block => block.type === "image");
        const bytes = await codemode.everything.echo({ message: new Uint8Array([104, 105]) });
        return {
            echo, weather, sum, bytes,
            kinds: image.map(block => block.type),
            mime: png.mimeType,
            data: png.data instanceof Uint8Array,
            signature: [...png.data.subarray(0, 8)],
        };
        "#,
    )
    .await;
    assert_eq!(
        ok(&outcome),
        &json!({
            "echo": "Echo: hi",
            "weather": { "temperature": 36, "conditions": "Light rain / drizzle", "humidity": 82 },
            "sum": "The sum of 2 and 3 is 5.",
            "bytes": "Echo: aGk=",
            "kinds": ["text", "image", "text"],
            "mime": "image/png",
            "data": true,
            "signature": [137, 80, 78, 71, 13, 10, 26, 10]
        })
    );
    let declarations = registry.typescript();
    assert!(
        declarations.contains("get_structured_content(args: {"),
        "{declarations}"
    );
    assert!(
        declarations.contains("temperature: number;"),
        "{declarations}"
    );
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_over_streamable_http_runs_a_long_operation() {
    let (_child, url) = upstreams::everything_over_http().await;
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "everything": { "type": "http", "url": url, "headers": { "X-Test": "yes" } } } })).await;
    assert!(
        upstreams.failures().is_empty(),
        "{:?}",
        upstreams.failures()
    );
    let outcome = run(
        &registry,
        r#"
        const [done, echo] = await Promise.all([
            codemode.everything.trigger_long_running_operation({ duration: 1, steps: 2 }),
            codemode.everything.echo({ message: "over http" }),
        ]);
        return { done, echo };
        "#,
    )
    .await;
    assert_eq!(
        ok(&outcome),
        &json!({
            "done": "Long running operation completed. Duration: 1 seconds, Steps: 2.",
            "echo": "Echo: over http"
        })
    );
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_http_upstream_that_goes_away_fails_its_calls_and_is_reconnected_when_back() {
    let port = server::free_port();
    let (mut child, url) = upstreams::everything_over_http_on(port).await;
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "everything": { "type": "http", "url": url } } })).await;
    let echo = "return await codemode.everything.echo({ message: 'hi' });";
    assert_eq!(ok(&run(&registry, echo).await), &json!("Echo: hi"));

    child.kill().await.expect("server-everything stops");
    let down = run(&registry, echo).await;
    let error = down.error.expect("a call to a stopped upstream fails");
    assert_eq!(error.kind, ErrorKind::Tool);
    assert!(
        error
            .message
            .starts_with("codemode.everything.echo failed: upstream `everything`"),
        "{}",
        error.message
    );

    // Back on the same address: a later call reconnects (after the restart pause, if
    // the first attempt comes too soon).
    let (_child, _) = upstreams::everything_over_http_on(port).await;
    let mut answer = None;
    for _ in 0..10 {
        let outcome = run(&registry, echo).await;
        if outcome.success {
            answer = Some(outcome.result);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert_eq!(answer, Some(json!("Echo: hi")), "reconnected");
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filesystem_lists_and_reads_files_and_refuses_paths_outside() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let root = folder.path().canonicalize().expect("a real path");
    std::fs::write(root.join("a.txt"), "first file\n").expect("a file");
    std::fs::write(root.join("b.txt"), "second file\n").expect("a file");
    let (upstreams, registry) = connect(json!({ "mcpServers": { "files": {
        "command": filesystem(), "args": [root.to_str().expect("a UTF-8 path")]
    } } }))
    .await;
    assert!(
        upstreams.failures().is_empty(),
        "{:?}",
        upstreams.failures()
    );
    let code = format!(
        r#"
        const root = {root:?};
        const listing = await codemode.files.list_directory({{ path: root }});
        const names = listing.content
            ? listing.content.split("\n").map(line => line.replace("[FILE] ", "")).filter(Boolean)
            : String(listing).split("\n").map(line => line.replace("[FILE] ", "")).filter(Boolean);
        const texts = await Promise.all(names.map(name => codemode.files.read_text_file({{ path: root + "/" + name }})));
        let refused;
        try {{ await codemode.files.read_text_file({{ path: "/etc/passwd" }}); }} catch (error) {{ refused = error.message; }}
        return {{ names, texts: texts.map(text => text.content ?? text), refused }};
        "#
    );
    let outcome = run(&registry, &code).await;
    let result = ok(&outcome);
    assert_eq!(result["names"], json!(["a.txt", "b.txt"]), "{result}");
    assert_eq!(
        result["texts"],
        json!(["first file\n", "second file\n"]),
        "{result}"
    );
    let refused = result["refused"].as_str().expect("an error message");
    assert!(refused.contains("outside allowed directories"), "{refused}");
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn time_answers_from_a_python_server() {
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "time": { "command": time() } } })).await;
    assert!(
        upstreams.failures().is_empty(),
        "{:?}",
        upstreams.failures()
    );
    let outcome = run(
        &registry,
        "const now = await codemode.time.get_current_time({ timezone: 'UTC' });\nreturn now.timezone;",
    )
    .await;
    assert_eq!(ok(&outcome), &json!("UTC"));
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arguments_are_checked_against_the_input_schema_before_the_call() {
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "fixture": fixture_server(json!({})) } })).await;
    let outcome = run(
        &registry,
        r#"
        const errors = [];
        for (const args of [{ text: 1 }, {}]) {
            try { await codemode.fixture.echo(args); } catch (error) { errors.push(error.message); }
        }
        const stats = await codemode.fixture.stats();
        return { errors, calls: stats.calls };
        "#,
    )
    .await;
    assert_eq!(
        ok(&outcome),
        &json!({
            "errors": [
                "codemode.fixture.echo: invalid type for `text`: expected a string, got a number",
                "codemode.fixture.echo: missing required argument `text`"
            ],
            "calls": 1
        })
    );
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_error_rejects_and_fails_an_uncaught_run_as_a_tool_error() {
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "fixture": fixture_server(json!({})) } })).await;
    let caught = run(
        &registry,
        "try { await codemode.fixture.fail({ why: 'disk full' }); } catch (error) { return [error.name, error.message]; }",
    )
    .await;
    assert_eq!(
        ok(&caught),
        &json!(["ToolError", "failed on purpose: disk full"])
    );
    let uncaught = run(
        &registry,
        "await codemode.fixture.fail({ why: 'disk full' });",
    )
    .await;
    let error = uncaught.error.expect("the run failed");
    assert_eq!(error.kind, ErrorKind::Tool);
    assert_eq!(
        error.message,
        "codemode.fixture.fail failed: failed on purpose: disk full"
    );
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crashed_upstream_fails_its_calls_and_restarts_on_the_next_call() {
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "fixture": fixture_server(json!({})) } })).await;
    let outcome = run(
        &registry,
        r#"
        const pending = codemode.fixture.slow({ ms: 20000 }).then(() => "answered", error => error.message);
        await codemode.fixture.slow({ ms: 50 });
        const crash = await codemode.fixture.crash().then(() => "answered", error => error.message);
        return { crash, pending: await pending };
        "#,
    )
    .await;
    let result = ok(&outcome);
    for message in [&result["crash"], &result["pending"]] {
        let message = message.as_str().expect("an error message");
        assert!(
            message.starts_with("upstream `fixture` exited with status 3; its last stderr lines:"),
            "{message}"
        );
        assert!(
            message.contains("fixture: crashing on purpose"),
            "{message}"
        );
    }
    let again = run(
        &registry,
        "return await codemode.fixture.echo({ text: 'back' });",
    )
    .await;
    assert_eq!(ok(&again), &json!("back"));
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn restarts_of_an_upstream_that_keeps_crashing_are_paused_until_a_call_succeeds() {
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "fixture": fixture_server(json!({})) } })).await;
    let outcome = run(
        &registry,
        r#"
        const fail = promise => promise.then(() => "answered", error => error.message);
        const first = await fail(codemode.fixture.crash());
        const second = await fail(codemode.fixture.crash());
        const paused = await fail(codemode.fixture.echo({ text: "too soon" }));
        await new Promise(resolve => setTimeout(resolve, 400));
        const later = await codemode.fixture.echo({ text: "later" });
        await fail(codemode.fixture.crash());
        const again = await codemode.fixture.echo({ text: "again, at once" });
        return { first, second, paused, later, again };
        "#,
    )
    .await;
    let result = ok(&outcome);
    for key in ["first", "second"] {
        let message = result[key].as_str().expect("an error message");
        assert!(
            message.starts_with("upstream `fixture` exited with status 3"),
            "{message}"
        );
    }
    let paused = result["paused"].as_str().expect("an error message");
    assert!(
        paused.starts_with("upstream `fixture` exited with status 3"),
        "{paused}"
    );
    assert!(
        paused.contains("; codemode tries to start it again in "),
        "{paused}"
    );
    assert_eq!(result["later"], json!("later"));
    assert_eq!(
        result["again"],
        json!("again, at once"),
        "a call that succeeded ends the pauses"
    );
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_that_fails_to_start_is_reported_and_the_others_are_served() {
    let (upstreams, registry) = connect(json!({ "mcpServers": {
        "broken": fixture_server(json!({ "args": ["--fail-start"] })),
        "hanging": fixture_server(json!({ "args": ["--hang-start"], "startTimeoutMs": 500 })),
        "missing": { "command": "/nonexistent/mcp-server" },
        "fixture": fixture_server(json!({}))
    } }))
    .await;
    let failures: std::collections::BTreeMap<String, String> =
        upstreams.failures().into_iter().collect();
    assert_eq!(failures.len(), 3, "{failures:?}");
    let broken = &failures["broken"];
    assert!(
        broken.starts_with("upstream `broken` failed to start: "),
        "{broken}"
    );
    assert!(broken.contains("; it exited with status 2; its last stderr lines:\n  fixture: cannot open the database"), "{broken}");
    assert_eq!(
        failures["hanging"],
        "upstream `hanging` did not finish starting within 500 ms"
    );
    assert!(
        failures["missing"].starts_with(
            "upstream `missing` failed to start: cannot start `/nonexistent/mcp-server`: "
        ),
        "{}",
        failures["missing"]
    );
    let declarations = registry.typescript();
    assert!(
        declarations.contains("/** Unavailable: upstream `hanging` did not finish starting within 500 ms */\n  hanging: {};"),
        "{declarations}"
    );
    let outcome = run(
        &registry,
        "const ok = await codemode.fixture.echo({ text: 'fine' });\nawait codemode.broken.anything({});",
    )
    .await;
    let error = outcome
        .error
        .expect("the call into the broken upstream failed");
    assert_eq!(error.kind, ErrorKind::Tool);
    assert!(
        error
            .message
            .starts_with("codemode.broken.anything failed: upstream `broken` failed to start: "),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("cannot open the database"),
        "{}",
        error.message
    );
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fan_out_of_a_thousand_calls_completes_within_the_in_flight_cap() {
    let (upstreams, registry) = connect(json!({ "mcpServers": {
        "fixture": fixture_server(json!({ "maxCallsInFlight": 8 }))
    } }))
    .await;
    let outcome = run(
        &registry,
        r#"
        const answers = await Promise.all(Array.from({ length: 1000 }, () => codemode.fixture.slow({ ms: 2 })));
        const stats = await codemode.fixture.stats();
        return { answered: answers.filter(answer => answer.slept === 2).length, stats };
        "#,
    )
    .await;
    let result = ok(&outcome);
    assert_eq!(result["answered"], json!(1000));
    let most = result["stats"]["max_in_flight"].as_u64().expect("a count");
    assert!((2..=8).contains(&most), "{result}");
    upstreams.shutdown().await;
}

async fn cancellations(registry: &Registry) -> u64 {
    for _ in 0..100 {
        let outcome = run(
            registry,
            "return (await codemode.fixture.stats()).cancelled;",
        )
        .await;
        let cancelled = ok(&outcome).as_u64().expect("a count");
        if cancelled > 0 {
            return cancelled;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    0
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_times_out_cancels_its_upstream_calls() {
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "fixture": fixture_server(json!({})) } })).await;
    let outcome = Executor::new(Limits::default().with_timeout(Duration::from_millis(300)))
        .execute("await codemode.fixture.slow({ ms: 20000 });", &registry)
        .await;
    assert_eq!(outcome.error.expect("a timeout").kind, ErrorKind::Timeout);
    assert_eq!(cancellations(&registry).await, 1);
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_outlives_its_timeout_fails_and_is_cancelled() {
    let (upstreams, registry) = connect(json!({ "mcpServers": {
        "fixture": fixture_server(json!({ "callTimeoutMs": 200 }))
    } }))
    .await;
    let outcome = run(
        &registry,
        "try { await codemode.fixture.slow({ ms: 20000 }); } catch (error) { return error.message; }",
    )
    .await;
    assert_eq!(
        ok(&outcome),
        &json!("codemode.fixture.slow did not answer within 200 ms")
    );
    assert_eq!(cancellations(&registry).await, 1);
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_stay_out_of_messages_and_declarations() {
    std::env::set_var("CODEMODE_TEST_SECRET", "sk-from-the-environment");
    let (upstreams, registry) = connect(json!({ "mcpServers": {
        "leaky": fixture_server(json!({
            "args": ["--print-env", "API_KEY", "--fail-start"],
            "env": { "API_KEY": "sk-${CODEMODE_TEST_SECRET}" }
        }))
    } }))
    .await;
    let failures = upstreams.failures();
    let reason = &failures[0].1;
    assert!(reason.contains("API_KEY=***"), "{reason}");
    let outcome = run(&registry, "await codemode.leaky.call({});").await;
    for text in [
        reason.clone(),
        registry.typescript(),
        format!("{:?}", outcome.error),
        format!(
            "{:?}",
            upstreams::config(
                json!({ "mcpServers": { "leaky": fixture_server(json!({ "env": { "API_KEY": "sk-${CODEMODE_TEST_SECRET}" } })) } })
            )
        ),
    ] {
        assert!(!text.contains("from-the-environment"), "{text}");
    }
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tool_list_change_refreshes_the_namespace() {
    let (upstreams, registry) =
        connect(json!({ "mcpServers": { "fixture": fixture_server(json!({})) } })).await;
    let changes = Arc::new(AtomicUsize::new(0));
    let (changed, mut notified) = tokio::sync::mpsc::unbounded_channel();
    let counted = Arc::clone(&changes);
    upstreams.on_change(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        let _ = changed.send(());
    });
    assert!(registry.get("fixture.fresh_tool").is_none());
    let outcome = run(
        &registry,
        "await codemode.fixture.add_tool({ name: 'fresh-tool' });",
    )
    .await;
    ok(&outcome);
    tokio::time::timeout(Duration::from_secs(10), notified.recv())
        .await
        .expect("the change is announced");
    let refreshed = upstreams.registry().expect("no clashes");
    let outcome = run(&refreshed, "return await codemode.fixture.fresh_tool({});").await;
    assert_eq!(ok(&outcome), &json!("called fresh-tool"));
    assert_eq!(changes.load(Ordering::SeqCst), 1);
    upstreams.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn odd_names_are_mapped_and_clashes_are_errors_naming_both() {
    let (upstreams, registry) = connect(json!({ "mcpServers": {
        "my-fixture": fixture_server(json!({ "args": ["--hostile"] }))
    } }))
    .await;
    for path in [
        "my_fixture.get_file",
        "my_fixture.delete_",
        "my_fixture.weird_name_x",
        "my_fixture.echo",
    ] {
        assert!(registry.get(path).is_some(), "{path} in {registry:?}");
    }
    let outcome = run(
        &registry,
        "return await codemode.my_fixture.get_file({ 'content-type': 'text/plain' });",
    )
    .await;
    assert_eq!(ok(&outcome), &json!("called get-file"));
    let mut taken = Registry::new();
    taken
        .register(HostFunction::new("my_fixture", |_: Value| async {
            Ok(Value::Null)
        }))
        .expect("a valid name");
    assert_eq!(
        upstreams.mount(&mut taken).err().map(|error| error.to_string()),
        Some("upstream `my-fixture` would be `codemode.my_fixture`, which is already the tool `my_fixture`; rename the server in the configuration".to_owned())
    );
    upstreams.shutdown().await;
    let clash = Upstreams::connect(&upstreams::config(json!({ "mcpServers": {
        "my-server": { "command": "unused" },
        "my_server": { "command": "unused" }
    } })))
    .await
    .err()
    .map(|error| error.to_string());
    assert_eq!(
        clash.as_deref(),
        Some("upstream servers `my-server` and `my_server` would both be `codemode.my_server`; rename one of them in the configuration")
    );
}
