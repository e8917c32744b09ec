//! The built-in capabilities against hostile inputs: fs escapes, env keys, http hosts.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use codemode::{EnvCapability, Executor, FsCapability, HttpCapability, Registry};
use serde_json::{json, Value};
use std::time::Duration;

async fn run(registry: &Registry, code: &str) -> Value {
    let outcome = Executor::default().execute(code, registry).await;
    assert!(outcome.success, "{outcome:?}");
    outcome.result
}

/// The error message of a call that must fail.
async fn refusal(registry: &Registry, call: &str) -> String {
    let code = format!("try {{ await {call}; return 'allowed' }} catch (e) {{ return e.message }}");
    run(registry, &code)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn fs_registry(root: &std::path::Path, max_bytes: u64) -> Registry {
    let mut registry = Registry::new();
    registry
        .capability(FsCapability::new([root.join("allowed")]).with_max_bytes(max_bytes))
        .expect("a namespace");
    registry
}

fn fs_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir_all(dir.path().join("allowed/sub")).expect("folders");
    std::fs::write(dir.path().join("allowed/text.txt"), "text").expect("a file");
    std::fs::write(dir.path().join("allowed/binary.bin"), [0xff, 0xfe, 0x00]).expect("a file");
    std::fs::write(dir.path().join("allowed/big.txt"), "x".repeat(2000)).expect("a file");
    std::fs::write(dir.path().join("outside.txt"), "secret").expect("a file");
    dir
}

#[tokio::test]
async fn fs_reports_bad_paths_and_contents_clearly() {
    let dir = fs_root();
    let registry = fs_registry(dir.path(), 1000);
    let allowed = dir.path().join("allowed");
    let path = |name: &str| allowed.join(name).display().to_string();
    let cases = [
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("binary.bin")),
            "is not UTF-8 text; read it with fs.readBytes",
        ),
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("big.txt")),
            "is 2 KiB; the limit is 1 KiB",
        ),
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("missing.txt")),
            "does not exist",
        ),
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("sub")),
            "is a folder",
        ),
        (
            format!(
                "codemode.fs.read({{ path: {:?} + '\\u0000x' }})",
                path("text.txt")
            ),
            "NUL byte",
        ),
        (
            format!(
                "codemode.fs.write({{ path: {:?}, content: 'x' }})",
                path("sub")
            ),
            "is a folder",
        ),
        (
            format!(
                "codemode.fs.write({{ path: {:?}, content: 'x'.repeat(2000) }})",
                path("new.txt")
            ),
            "is 2 KiB; the limit is 1 KiB",
        ),
        (
            format!(
                "codemode.fs.read({{ path: {:?} }})",
                path(&"a/".repeat(3000))
            ),
            "File name too long",
        ),
        (
            format!(
                "codemode.fs.read({{ path: {:?} }})",
                dir.path().join("outside.txt").display()
            ),
            "outside the allowed folders",
        ),
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("../outside.txt")),
            "outside the allowed folders",
        ),
    ];
    for (call, expected) in cases {
        let message = refusal(&registry, &call).await;
        assert!(message.contains(expected), "{call}: {message}");
        assert!(!message.contains("secret"), "{call}: {message}");
    }
}

#[tokio::test]
async fn fs_reads_and_writes_bytes_of_any_kind() {
    let dir = fs_root();
    let registry = fs_registry(dir.path(), 1000);
    let allowed = dir.path().join("allowed");
    let binary = allowed.join("binary.bin").display().to_string();
    let copy = allowed.join("copy.bin").display().to_string();
    let code = format!(
        "const data = await codemode.fs.readBytes({{ path: {binary:?} }});
const written = await codemode.fs.writeBytes({{ path: {copy:?}, data: new DataView(data.buffer, 1) }});
const back = await codemode.fs.readBytes({{ path: {copy:?} }});
return {{ kind: data.constructor.name, read: [...data], written, back: [...back] }};"
    );
    assert_eq!(
        run(&registry, &code).await,
        json!({
            "kind": "Uint8Array",
            "read": [255, 254, 0],
            "written": { "path": copy, "bytes": 2 },
            "back": [254, 0]
        })
    );
    assert_eq!(
        std::fs::read(allowed.join("copy.bin")).expect("the written file"),
        [0xfe, 0x00]
    );
}

#[tokio::test]
async fn fs_byte_methods_refuse_what_the_text_ones_refuse() {
    let dir = fs_root();
    let registry = fs_registry(dir.path(), 1000);
    let allowed = dir.path().join("allowed");
    let path = |name: &str| allowed.join(name).display().to_string();
    let cases = [
        (
            format!("codemode.fs.readBytes({{ path: {:?} }})", path("big.txt")),
            "fs.readBytes: `",
            "is 2 KiB; the limit is 1 KiB",
        ),
        (
            format!(
                "codemode.fs.writeBytes({{ path: {:?}, data: new Uint8Array(2000) }})",
                path("new.bin")
            ),
            "fs.writeBytes: `",
            "is 2 KiB; the limit is 1 KiB",
        ),
        (
            format!(
                "codemode.fs.readBytes({{ path: {:?} }})",
                dir.path().join("outside.txt").display()
            ),
            "fs.readBytes: `",
            "outside the allowed folders",
        ),
        (
            format!(
                "codemode.fs.writeBytes({{ path: {:?}, data: new Uint8Array(1) }})",
                path("../outside.txt")
            ),
            "fs.writeBytes: `",
            "outside the allowed folders",
        ),
        (
            format!(
                "codemode.fs.writeBytes({{ path: {:?}, data: new Uint8Array(1) }})",
                path("missing/../../outside.txt")
            ),
            "fs.writeBytes: `",
            "outside the allowed folders",
        ),
        (
            format!("codemode.fs.readBytes({{ path: {:?} }})", path("sub")),
            "fs.readBytes: `",
            "is a folder",
        ),
        (
            format!(
                "codemode.fs.writeBytes({{ path: {:?}, data: 'text' }})",
                path("new.bin")
            ),
            "fs.writeBytes: invalid type for `data`",
            "expected a Uint8Array, got a string",
        ),
    ];
    for (call, start, expected) in cases {
        let message = refusal(&registry, &call).await;
        assert!(message.starts_with(start), "{call}: {message}");
        assert!(message.contains(expected), "{call}: {message}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("outside.txt")).expect("a file"),
        "secret",
        "a refused write changed nothing"
    );
    assert!(
        !allowed.join("new.bin").exists(),
        "a refused write made no file"
    );
}

#[tokio::test]
async fn fs_refuses_paths_that_climb_out_even_through_missing_folders() {
    let dir = fs_root();
    let registry = fs_registry(dir.path(), 1000);
    let allowed = dir.path().join("allowed");
    for inside in [
        "missing/../../outside.txt",
        "missing/deeper/../../../../../../etc/passwd",
        "sub/../../outside.txt",
    ] {
        for call in [
            format!("codemode.fs.read({{ path: {:?} }})", allowed.join(inside)),
            format!(
                "codemode.fs.write({{ path: {:?}, content: 'x' }})",
                allowed.join(inside)
            ),
            format!("codemode.fs.list({{ path: {:?} }})", allowed.join(inside)),
        ] {
            let message = refusal(&registry, &call).await;
            assert!(
                message.contains("is outside the allowed folders"),
                "{call}: {message}"
            );
        }
    }
    let inside = allowed.join("missing/../text.txt");
    let call = format!("codemode.fs.read({{ path: {inside:?} }})");
    assert_eq!(
        refusal(&registry, &call).await,
        "fs.read: `".to_owned() + &inside.display().to_string() + "` does not exist",
        "a path that stays inside is looked up as written"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn fs_refuses_fifos_without_blocking() {
    let dir = fs_root();
    let fifo = dir.path().join("allowed/pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let registry = fs_registry(dir.path(), 1000);
    let message = refusal(
        &registry,
        &format!("codemode.fs.read({{ path: {:?} }})", fifo.display()),
    )
    .await;
    assert!(message.contains("not a regular file"), "{message}");
}

#[cfg(unix)]
#[tokio::test]
async fn fs_symlink_swapped_in_after_a_check_cannot_escape() {
    let dir = fs_root();
    let registry = fs_registry(dir.path(), 1000);
    let link = dir.path().join("allowed/swap.txt");
    std::fs::write(&link, "harmless").expect("a file");
    let swapper = {
        let link = link.clone();
        let target = dir.path().join("outside.txt");
        std::thread::spawn(move || {
            for _ in 0..2000 {
                let _ = std::fs::remove_file(&link);
                let _ = std::os::unix::fs::symlink(&target, &link);
                let _ = std::fs::remove_file(&link);
                let _ = std::fs::write(&link, "harmless");
            }
        })
    };
    let code = format!(
        "const seen = [];\nfor (let i = 0; i < 300; i++) {{ try {{ seen.push(await codemode.fs.read({{ path: {:?} }})) }} catch (e) {{ seen.push(e.message) }} }}\nreturn seen;",
        link.display()
    );
    let seen = run(&registry, &code).await;
    swapper.join().expect("the swapper finished");
    for answer in seen.as_array().expect("answers") {
        assert_ne!(answer, &json!("secret"), "the symlink led outside");
    }
}

#[tokio::test]
async fn fs_refuses_absolute_odd_and_special_paths() {
    let dir = fs_root();
    let registry = fs_registry(dir.path(), 1000);
    let allowed = dir.path().join("allowed");
    let path = |name: &str| allowed.join(name).display().to_string();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/dev/zero", allowed.join("zero")).expect("a symlink");
    let long = path(&"deep/".repeat(2000));
    let cases = [
        (
            "codemode.fs.read({ path: '/etc/passwd' })".to_owned(),
            "outside the allowed folders",
        ),
        (
            "codemode.fs.read({ path: '' })".to_owned(),
            "the path is empty",
        ),
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("te\0xt.txt")),
            "contains a NUL byte",
        ),
        (
            format!("codemode.fs.read({{ path: {long:?} }})"),
            "File name too long",
        ),
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("sub")),
            "is a folder",
        ),
        (
            format!(
                "codemode.fs.write({{ path: {:?}, content: 'x' }})",
                path("sub")
            ),
            "is a folder",
        ),
        (
            format!(
                "codemode.fs.write({{ path: {:?}, content: 'x' }})",
                path("missing/new.txt")
            ),
            "does not exist",
        ),
        (
            format!("codemode.fs.list({{ path: {:?} }})", path("text.txt")),
            "Not a directory",
        ),
        #[cfg(unix)]
        (
            format!("codemode.fs.read({{ path: {:?} }})", path("zero")),
            "outside the allowed folders",
        ),
    ];
    for (call, expected) in cases {
        let message = refusal(&registry, &call).await;
        assert!(message.contains(expected), "{call}: {message}");
    }
    assert_eq!(
        std::fs::read_to_string(allowed.join("text.txt")).expect("a file"),
        "text",
        "a refused call changed nothing"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fs_fifo_swapped_in_after_a_check_never_blocks() {
    let dir = fs_root();
    let registry = fs_registry(dir.path(), 1000);
    let target = dir.path().join("allowed/swap.txt");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let target = target.clone();
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::remove_file(&target);
                let _ = std::process::Command::new("mkfifo").arg(&target).status();
                let _ = std::fs::remove_file(&target);
                let _ = std::fs::write(&target, "regular");
            }
        })
    };
    let code = format!(
        "const seen = new Set();\nfor (let i = 0; i < 200; i++) {{\n  try {{ seen.add(await codemode.fs.read({{ path: {path:?} }})) }} catch (e) {{ seen.add(e.message.includes('not a regular file') ? 'refused' : 'other') }}\n  try {{ await codemode.fs.write({{ path: {path:?}, content: 'written' }}); seen.add('wrote') }} catch (e) {{ seen.add(e.message.includes('not a regular file') ? 'refused' : 'other') }}\n}}\nreturn [...seen];",
        path = target.display()
    );
    let outcome = Executor::new(codemode::Limits::default().with_timeout(Duration::from_secs(20)))
        .execute(&code, &registry)
        .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().expect("the swapper finished");
    assert!(outcome.success, "a FIFO blocked the run: {outcome:?}");
}

#[tokio::test]
async fn env_refuses_odd_keys_by_name() {
    let mut registry = Registry::new();
    registry
        .capability(EnvCapability::new(["CODEMODE_TEST_VALUE", "ÜNICODE"]))
        .expect("a namespace");
    std::env::set_var("CODEMODE_TEST_VALUE", "visible");
    assert_eq!(
        run(
            &registry,
            "codemode.env.get({ key: 'CODEMODE_TEST_VALUE' })"
        )
        .await,
        json!("visible")
    );
    assert_eq!(
        run(&registry, "codemode.env.get({ key: 'ÜNICODE' })").await,
        json!(null)
    );
    for key in [
        "",
        "PATH",
        "codemode_test_value",
        "CODEMODE_TEST_VALUE\\u0000",
        "🔑",
    ] {
        let message = refusal(&registry, &format!("codemode.env.get({{ key: '{key}' }})")).await;
        assert!(
            message.contains("is not an allowed variable"),
            "{key}: {message}"
        );
    }
}

/// A local HTTP server on 127.0.0.1 for the http capability.
async fn test_server() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let port = listener.local_addr().expect("an address").port();
    let app = axum::Router::new()
        .route(
            "/hello",
            get(|| async { ([("x-test", "yes")], "hello") })
                .post(|body: String| async move { format!("got {body}") }),
        )
        .route(
            "/to-localhost",
            get(move || async move { redirect(format!("http://localhost:{port}/hello")) }),
        )
        .route(
            "/to-self",
            get(move || async move { redirect(format!("http://127.0.0.1:{port}/hello")) }),
        )
        .route("/loop", get(|| async { redirect("/loop".to_owned()) }))
        .route("/big", get(|| async { "y".repeat(200_000) }))
        .route(
            "/binary",
            get(|| async { vec![0xffu8, 0x00, 0x80] }).post(|body: axum::body::Bytes| async move {
                body.iter().rev().copied().collect::<Vec<u8>>()
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

fn redirect(location: String) -> impl IntoResponse {
    (StatusCode::FOUND, [(header::LOCATION, location)])
}

fn http_registry() -> Registry {
    let mut registry = Registry::new();
    registry
        .capability(
            HttpCapability::new(["127.0.0.1"])
                .with_max_response_bytes(100_000)
                .with_timeout(Duration::from_millis(500)),
        )
        .expect("a namespace");
    registry
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_fetches_from_allowed_hosts() {
    let port = test_server().await;
    let registry = http_registry();
    let code = format!("const r = await codemode.http.fetch({{ url: 'http://127.0.0.1:{port}/hello' }});\nconst p = await codemode.http.fetch({{ url: 'http://127.0.0.1:{port}/hello', method: 'post', body: 'data', headers: {{ 'content-type': 'text/plain' }} }});\nreturn [r.status, r.body, r.headers['x-test'], p.body]");
    assert_eq!(
        run(&registry, &code).await,
        json!([200, "hello", "yes", "got data"])
    );
    let code =
        format!("(await codemode.http.fetch({{ url: 'http://127.0.0.1:{port}/to-self' }})).body");
    assert_eq!(run(&registry, &code).await, json!("hello"));
    let code =
        format!("(await codemode.http.fetch({{ url: 'http://2130706433:{port}/hello' }})).body");
    assert_eq!(
        run(&registry, &code).await,
        json!("hello"),
        "a decimal spelling of an allowed IP is that IP"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_sends_and_receives_bytes() {
    let port = test_server().await;
    let registry = http_registry();
    let url = format!("http://127.0.0.1:{port}/binary");
    let code = format!(
        "const got = await codemode.http.fetch({{ url: '{url}', as: 'bytes' }});
const text = await codemode.http.fetch({{ url: '{url}' }});
const sent = await codemode.http.fetch({{ url: '{url}', method: 'POST', body: new Uint8Array([1, 2, 255]), as: 'bytes' }});
const bad = [];
for (const args of [{{ body: 5 }}, {{ as: 'base64' }}]) {{
  try {{ await codemode.http.fetch({{ url: '{url}', ...args }}); }} catch (e) {{ bad.push(e.message); }}
}}
return {{ got: [got.body instanceof Uint8Array, ...got.body], text: text.body, sent: [...sent.body], bad }};"
    );
    let answer = run(&registry, &code).await;
    assert_eq!(answer["got"], json!([true, 255, 0, 128]));
    assert_eq!(answer["text"], json!("\u{fffd}\u{0}\u{fffd}"));
    assert_eq!(answer["sent"], json!([255, 2, 1]));
    assert_eq!(
        answer["bad"],
        json!([
            "http.fetch: invalid type for `body`: expected a string or a Uint8Array, got an integer",
            "http.fetch: invalid `as`: unknown variant `base64`, expected `text` or `bytes`"
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_hosts_match_after_normalization() {
    let port = test_server().await;
    let mut registry = Registry::new();
    registry
        .capability(HttpCapability::new(["LocalHost.", "127.0.0.1"]))
        .expect("a namespace");
    for url in [
        format!("http://localhost:{port}/hello"),
        format!("http://LOCALHOST:{port}/hello"),
        format!("http://0x7f.0.0.1:{port}/hello"),
        format!("http://0177.0.0.1:{port}/hello"),
        format!("http://127.1:{port}/hello"),
        format!("HTTP://user:secret@127.0.0.1:{port}/hello"),
    ] {
        let code = format!("(await codemode.http.fetch({{ url: {url:?} }})).body");
        assert_eq!(run(&registry, &code).await, json!("hello"), "{url}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_refuses_everything_else() {
    let port = test_server().await;
    let registry = http_registry();
    let cases = [
        (
            format!("http://localhost:{port}/hello"),
            "host `localhost` is not allowed",
        ),
        (
            format!("http://127.0.0.1:{port}/to-localhost"),
            "redirect to http://localhost",
        ),
        (format!("http://127.0.0.1:{port}/loop"), "redirects"),
        (
            format!("http://127.0.0.1:{port}/big"),
            "larger than the limit of 98 KiB",
        ),
        (format!("http://127.0.0.1:{port}/slow"), "timed out"),
        (
            format!("http://127.0.0.1@localhost:{port}/hello"),
            "host `localhost` is not allowed",
        ),
        (
            format!("http://[::1]:{port}/hello"),
            "host `[::1]` is not allowed",
        ),
        ("file:///etc/passwd".to_owned(), "only http and https"),
        ("ftp://127.0.0.1/x".to_owned(), "only http and https"),
        ("not a url".to_owned(), "is not a valid URL"),
    ];
    for (url, expected) in cases {
        let message = refusal(
            &registry,
            &format!("codemode.http.fetch({{ url: {url:?} }})"),
        )
        .await;
        assert!(message.starts_with("http.fetch: "), "{url}: {message}");
        assert!(message.contains(expected), "{url}: {message}");
    }
    let refused = [
        (
            format!("http://0x7f000002:{port}/hello"),
            "host `127.0.0.2` is not allowed",
        ),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/hello"),
            "host `[::ffff:127.0.0.1]` is not allowed",
        ),
        (
            format!("http://127.0.0.1.example:{port}/hello"),
            "host `127.0.0.1.example` is not allowed",
        ),
        (
            "javascript:alert(1)".to_owned(),
            "only http and https URLs are allowed, not `javascript:`",
        ),
        (
            "data:text/plain,hi".to_owned(),
            "only http and https URLs are allowed, not `data:`",
        ),
    ];
    for (url, expected) in refused {
        let message = refusal(
            &registry,
            &format!("codemode.http.fetch({{ url: {url:?} }})"),
        )
        .await;
        assert!(message.contains(expected), "{url}: {message}");
    }
    let message = refusal(
        &registry,
        &format!(
            "codemode.http.fetch({{ url: 'http://127.0.0.1:{port}/hello', method: 'G E T' }})"
        ),
    )
    .await;
    assert!(message.contains("is not an HTTP method"), "{message}");
}

/// Set in the child process of the test below.
const WITHOUT_CA_CERTIFICATES: &str = "CODEMODE_TEST_WITHOUT_CA_CERTIFICATES";

/// Where no CA certificate can be loaded, the http capability cannot build its client:
/// its requests fail with the reason, instead of the process going down or the
/// capability falling back to a client without the redirect check and the timeout.
/// Environment variables are per process, so the check runs in a child process of
/// this test.
#[test]
fn http_requests_without_ca_certificates_fail_with_the_reason() {
    if std::env::var_os(WITHOUT_CA_CERTIFICATES).is_some() {
        let mut registry = Registry::new();
        registry
            .capability(HttpCapability::new(["127.0.0.1"]))
            .expect("a namespace");
        let message = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(refusal(
                &registry,
                "codemode.http.fetch({ url: 'http://127.0.0.1:9/' })",
            ));
        assert!(
            message.starts_with(
                "http.fetch: no request can be sent: the HTTP client could not be built: "
            ),
            "{message}"
        );
        assert!(message.contains("No CA certificates"), "{message}");
        return;
    }
    let empty = tempfile::tempdir().expect("a temporary folder");
    let certificates = empty.path().join("none.pem");
    std::fs::write(&certificates, "").expect("an empty certificate file");
    let output = std::process::Command::new(std::env::current_exe().expect("this test"))
        .args([
            "http_requests_without_ca_certificates_fail_with_the_reason",
            "--exact",
            "--nocapture",
        ])
        .env(WITHOUT_CA_CERTIFICATES, "1")
        .env("SSL_CERT_FILE", &certificates)
        .env("SSL_CERT_DIR", empty.path())
        .output()
        .expect("the test runs itself");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "the child ran the check"
    );
}
