//! `attach(data, mimeType)`: attachments in the library's outcome, and as MCP content
//! blocks after the JSON text block, with a structured outcome that still validates.

#[path = "common/server.rs"]
mod server;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use codemode::{ErrorKind, Executor, Limits, Registry};
use rmcp::model::{ContentBlock, ResourceContents};
use serde_json::json;
use server::{call, stdio_client, Workspace};

async fn run(limits: Limits, code: &str) -> codemode::Outcome {
    Executor::new(limits).execute(code, &Registry::new()).await
}

#[tokio::test]
async fn attachments_reach_the_outcome_in_order_as_bytes() {
    let outcome = run(
        Limits::default(),
        "attach(new Uint8Array([137, 80, 78, 71]), 'image/png');
const wav = new Uint8Array([0, 1, 2, 3, 4, 5]);
attach(new DataView(wav.buffer, 2, 2), 'audio/wav');
attach(new ArrayBuffer(3), 'application/pdf');
return 'done';",
    )
    .await;
    assert!(outcome.success, "{outcome:#?}");
    let attached: Vec<(&str, &[u8])> = outcome
        .attachments
        .iter()
        .map(|attachment| (attachment.mime_type.as_str(), attachment.data.as_slice()))
        .collect();
    assert_eq!(
        attached,
        [
            ("image/png", &[137, 80, 78, 71][..]),
            ("audio/wav", &[2, 3][..]),
            ("application/pdf", &[0, 0, 0][..])
        ]
    );
    assert_eq!(
        serde_json::to_value(&outcome).expect("JSON")["attachments"],
        json!([
            { "mimeType": "image/png", "bytes": 4 },
            { "mimeType": "audio/wav", "bytes": 2 },
            { "mimeType": "application/pdf", "bytes": 3 }
        ])
    );
}

#[tokio::test]
async fn attachments_are_copied_when_attached_and_kept_when_the_run_fails() {
    let outcome = run(
        Limits::default(),
        "const data = new Uint8Array([1, 2]);
attach(data, 'image/png');
data[0] = 9;
throw new Error('after attaching');",
    )
    .await;
    assert!(!outcome.success);
    assert_eq!(outcome.attachments.len(), 1);
    assert_eq!(outcome.attachments[0].data.as_slice(), &[1, 2]);
}

#[tokio::test]
async fn bad_arguments_are_type_errors_that_say_what_to_pass() {
    let outcome = run(
        Limits::default(),
        "const errors = [];
for (const [data, type] of [
  ['text', 'image/png'],
  [[1, 2], 'image/png'],
  [undefined, 'image/png'],
  [new Uint8Array(1), undefined],
  [new Uint8Array(1), 'png'],
  [new Uint8Array(1), 'image/png\\n'],
]) {
  try { attach(data, type); errors.push('attached'); } catch (e) { errors.push(e.name + ': ' + e.message); }
}
return errors;",
    )
    .await;
    assert!(outcome.success, "{outcome:#?}");
    let data = "TypeError: attach(data, mimeType): `data` must be a Uint8Array (or another typed array, an ArrayBuffer or a DataView), got";
    assert_eq!(
        outcome.result,
        json!([
            format!("{data} a string"),
            format!("{data} an array"),
            format!("{data} undefined"),
            "TypeError: attach(data, mimeType): `mimeType` must be a string such as \"image/png\", got undefined",
            "TypeError: attach(data, mimeType): \"png\" is not a MIME type; pass one such as \"image/png\", \"audio/wav\" or \"application/pdf\"",
            "TypeError: attach(data, mimeType): \"image/png\\n\" is not a MIME type; pass one such as \"image/png\", \"audio/wav\" or \"application/pdf\""
        ])
    );
    assert!(outcome.attachments.is_empty());
}

#[tokio::test]
async fn attachments_share_the_result_limit() {
    let limits = Limits::default().with_result_bytes(4096);
    let outcome = run(
        limits.clone(),
        "attach(new Uint8Array(1500), 'image/png');
try { attach(new Uint8Array(3000), 'image/png'); } catch (e) { return e.name + ': ' + e.message; }",
    )
    .await;
    assert!(outcome.success, "{outcome:#?}");
    let message = outcome.result.as_str().expect("a message");
    assert!(
        message.starts_with("RangeError: attach(data, mimeType): this attachment of 3 KiB would bring the answer to"),
        "{message}"
    );
    assert!(
        message.contains("past the result limit of 4 KiB"),
        "{message}"
    );
    assert_eq!(outcome.attachments.len(), 1, "the refused one is not kept");

    let outcome = run(limits.clone(), "attach(new Uint8Array(5000), 'image/png');").await;
    let error = outcome.error.expect("an uncaught refusal fails the run");
    assert_eq!(error.kind, ErrorKind::ResultTooLarge);

    let outcome = run(
        limits,
        "attach(new Uint8Array(2500), 'image/png'); return 'x'.repeat(1000);",
    )
    .await;
    let error = outcome
        .error
        .expect("result and attachments together are too large");
    assert_eq!(error.kind, ErrorKind::ResultTooLarge);
    assert!(
        error.message.contains("and the attachments"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn over_mcp_attachments_follow_the_json_text_block() {
    let workspace = Workspace::new();
    let picture: Vec<u8> = (0..=255).collect();
    std::fs::write(workspace.path().join("examples/picture.png"), &picture).expect("a file");
    let client = stdio_client(workspace.path(), &[]).await;

    let answer = call(
        &client,
        "execute",
        json!({ "code": "const png = await codemode.fs.readBytes({ path: 'examples/picture.png' });
attach(png, 'image/png');
attach(new Uint8Array([1, 2, 3]), 'audio/wav');
attach(new Uint8Array([4, 5]), 'application/octet-stream');
return png.length;" }),
    )
    .await;
    assert_ne!(answer.is_error, Some(true), "{answer:#?}");
    let structured = answer
        .structured_content
        .clone()
        .expect("structured content");
    assert_eq!(
        structured,
        json!({
            "success": true,
            "result": 256,
            "error": null,
            "logs": [],
            "attachments": [
                { "mimeType": "image/png", "bytes": 256 },
                { "mimeType": "audio/wav", "bytes": 3 },
                { "mimeType": "application/octet-stream", "bytes": 2 }
            ]
        })
    );
    let blocks: Vec<&ContentBlock> = answer.content.iter().collect();
    assert_eq!(blocks.len(), 4, "{blocks:#?}");
    let text = blocks[0].as_text().expect("the JSON text block first");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text.text).expect("JSON"),
        structured
    );
    match blocks[1] {
        ContentBlock::Image(image) => {
            assert_eq!(image.mime_type, "image/png");
            assert_eq!(image.data, STANDARD.encode(&picture));
        }
        other => panic!("expected an image, got {other:?}"),
    }
    match blocks[2] {
        ContentBlock::Audio(audio) => {
            assert_eq!(audio.mime_type, "audio/wav");
            assert_eq!(audio.data, "AQID");
        }
        other => panic!("expected audio, got {other:?}"),
    }
    match blocks[3] {
        ContentBlock::Resource(embedded) => match &embedded.resource {
            ResourceContents::BlobResourceContents {
                blob, mime_type, ..
            } => {
                assert_eq!(blob, "BAU=");
                assert_eq!(mime_type.as_deref(), Some("application/octet-stream"));
            }
            other => panic!("expected a blob, got {other:?}"),
        },
        other => panic!("expected an embedded resource, got {other:?}"),
    }

    let failed = call(
        &client,
        "execute",
        json!({ "code": "attach(new Uint8Array([1]), 'image/png'); throw new Error('late');" }),
    )
    .await;
    assert_eq!(failed.is_error, Some(true));
    let structured = failed
        .structured_content
        .clone()
        .expect("structured content");
    assert_eq!(
        structured["attachments"],
        json!([{ "mimeType": "image/png", "bytes": 1 }])
    );
    assert_eq!(
        failed.content.len(),
        2,
        "the attachment made before the error"
    );
    client.cancel().await.expect("a clean shutdown");
}
