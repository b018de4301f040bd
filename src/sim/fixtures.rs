//! Media for the simulator's tests, built the way the fixture generator writes it: a PNG whose
//! `tEXt` or `iTXt` chunk (keyword `ailevel`), or a WAV whose `LIST/INFO/ICMT`, carries the
//! metadata JSON. One builder for every test, so a change of format is made once.

use base64::Engine as _;
use serde_json::{Value, json};

use super::media::{PNG_SIGNATURE, crc32};
use crate::device::protocol::Media;

/// The metadata JSON as the generator embeds it: ASCII only, other characters escaped.
pub fn meta_json(v: &Value) -> String {
    serde_json::to_string(v)
        .unwrap()
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                format!("\\u{:04x}", c as u32)
            }
        })
        .collect()
}

fn media(format: &str, bytes: &[u8]) -> Media {
    Media {
        format: format.into(),
        data_b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

/// A RIFF chunk, padded to an even length.
pub fn riff(id: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    out.extend_from_slice(body);
    if body.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// A short mono WAV whose `ICMT` comment is `comment`, as bytes.
pub fn wav_with_comment(comment: &[u8]) -> Vec<u8> {
    let mut info = b"INFO".to_vec();
    info.extend(riff(b"ICMT", comment));
    let mut body = b"WAVE".to_vec();
    body.extend(riff(
        b"fmt ",
        &[1, 0, 1, 0, 0x80, 0x3e, 0, 0, 0, 0x7d, 0, 0, 2, 0, 16, 0],
    ));
    body.extend(riff(b"LIST", &info));
    body.extend(riff(b"data", &[0, 0, 1, 0]));
    riff(b"RIFF", &body)
}

/// A WAV carrying the metadata JSON `meta` (NUL-terminated, as the generator writes it).
pub fn wav_from_meta(meta: &str) -> Media {
    let mut comment = meta.as_bytes().to_vec();
    comment.push(0);
    media("wav", &wav_with_comment(&comment))
}

/// A PNG chunk with its length and CRC.
pub fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
    out
}

/// A 1×1 PNG with these chunks between its header and its end, as bytes.
pub fn png_with(chunks: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    for (kind, data) in chunks {
        out.extend(png_chunk(kind, data));
    }
    out.extend(png_chunk(b"IEND", b""));
    out
}

/// A PNG carrying the metadata JSON `meta` in an uncompressed `iTXt` chunk.
pub fn png_itxt(meta: &str) -> Media {
    // Keyword, no compression, no language tag, no translated keyword, then the UTF-8 text.
    let mut data = b"ailevel\0\0\0\0\0".to_vec();
    data.extend_from_slice(meta.as_bytes());
    media("png", &png_with(&[(b"iTXt", &data)]))
}

/// A PNG carrying the metadata JSON `meta` in a `tEXt` chunk.
pub fn png_text(meta: &str) -> Media {
    let mut data = b"ailevel\0".to_vec();
    data.extend_from_slice(meta.as_bytes());
    media("png", &png_with(&[(b"tEXt", &data)]))
}

/// A picture of a sign (menu, label…) that reads `text`, with these objects in view.
pub fn png(text: &str, objects: &[&str]) -> Media {
    png_text(&meta_json(
        &json!({ "ailevel": 1, "text": text, "lang": "zh", "objects": objects, "layout": "sign" }),
    ))
}

/// Chinese speech saying `text`, recorded in `scene` at `snr_db`.
pub fn wav(text: &str, scene: &str, snr_db: f64) -> Media {
    wav_from_meta(&meta_json(
        &json!({ "ailevel": 1, "text": text, "lang": "zh", "scene": scene, "snr_db": snr_db }),
    ))
}
