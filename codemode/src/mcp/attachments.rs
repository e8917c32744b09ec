//! A run's attachments as MCP content blocks, which follow the JSON text block of the
//! `execute` answer.

use crate::attachment::Attachment;
use crate::value::base64_encode;
use rmcp::model::{ContentBlock, ResourceContents};

/// The content block of the attachment at `index`: `image/*` an image, `audio/*`
/// audio, anything else an embedded resource holding a blob, named
/// `attachment:///<index>` after its place in the outcome's `attachments`.
pub(crate) fn block((index, attachment): (usize, &Attachment)) -> ContentBlock {
    let data = base64_encode(&attachment.data);
    let mime_type = attachment.mime_type.clone();
    let kind = mime_type
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match kind.as_str() {
        "image" => ContentBlock::image(data, mime_type),
        "audio" => ContentBlock::audio(data, mime_type),
        _ => ContentBlock::resource(
            ResourceContents::blob(data, format!("attachment:///{index}"))
                .with_mime_type(mime_type),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Bytes;

    fn attached(mime_type: &str) -> Attachment {
        Attachment {
            mime_type: mime_type.to_owned(),
            data: Bytes::from(vec![1, 2, 3]),
        }
    }

    #[test]
    fn images_audio_and_other_types_get_their_block() {
        let image = serde_json::to_value(block((0, &attached("image/png")))).expect("JSON");
        assert_eq!(
            image,
            serde_json::json!({ "type": "image", "data": "AQID", "mimeType": "image/png" })
        );
        let audio = serde_json::to_value(block((1, &attached("Audio/WAV")))).expect("JSON");
        assert_eq!(audio["type"], "audio");
        assert_eq!(audio["mimeType"], "Audio/WAV");
        let pdf = serde_json::to_value(block((2, &attached("application/pdf")))).expect("JSON");
        assert_eq!(
            pdf,
            serde_json::json!({ "type": "resource", "resource": {
                "uri": "attachment:///2", "mimeType": "application/pdf", "blob": "AQID"
            } })
        );
    }
}
