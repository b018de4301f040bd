//! What the simulator "hears" in a WAV and "sees" in a PNG: the text that
//! `scripts/make-fixtures.py` embedded in the file, instead of real speech or text recognition.
//!
//! A WAV carries it in a RIFF `LIST`/`INFO` chunk, sub-chunk `ICMT`; a PNG in a `tEXt` (or
//! uncompressed `iTXt`) chunk with keyword `ailevel`. Both hold one JSON object:
//!
//! ```json
//! {"ailevel":1,"text":"把空调调到二十二度","lang":"zh","scene":"car_cabin_highway","snr_db":10}
//! {"ailevel":1,"text":"禁止吸烟","lang":"zh","objects":["sign"],"layout":"sign"}
//! ```
//!
//! The bytes come from the device side of the protocol and are untrusted: every length is
//! checked against what is left, sizes are capped, and any malformed input gives `None`.

use base64::Engine as _;
use serde_json::Value;

use crate::device::protocol::Media;

/// Largest media payload decoded from base64 (the suite loader caps fixtures at 4 MiB).
pub const MAX_MEDIA_BYTES: usize = 8 * 1024 * 1024;
/// Largest metadata JSON read from a chunk.
const MAX_META_BYTES: usize = 64 * 1024;
/// At most this many object names are kept.
const MAX_OBJECTS: usize = 64;
/// The metadata format version this reader understands.
const META_VERSION: u64 = 1;
pub(super) const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// The embedded description of a speech or image fixture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaMeta {
    /// What is spoken, or what is written on the sign or picture (may be empty for a picture).
    pub text: String,
    /// `zh` or `en`.
    pub lang: Option<String>,
    /// Speech: the noise scene, e.g. `street`.
    pub scene: Option<String>,
    /// Speech: the signal-to-noise ratio the noise was mixed at.
    pub snr_db: Option<f64>,
    /// Image: what is in the picture, e.g. `["cup", "table"]`.
    pub objects: Vec<String>,
    /// Image: `sign`, `label` or `scene`.
    pub layout: Option<String>,
}

/// The metadata of a protocol media input (`format` `wav` or `png`, base64 data).
pub fn meta_of(media: &Media) -> Option<MediaMeta> {
    let bytes = decode_b64(&media.data_b64)?;
    match media.format.to_ascii_lowercase().as_str() {
        "wav" | "audio/wav" | "audio/x-wav" => wav_meta(&bytes),
        "png" | "image/png" => png_meta(&bytes),
        _ => None,
    }
}

/// Standard base64 (padding optional, surrounding whitespace ignored) to bytes, or `None`
/// when it is not base64 or would decode to more than [`MAX_MEDIA_BYTES`].
pub fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    // Four characters carry three bytes; refuse before allocating.
    if s.len() / 4 * 3 > MAX_MEDIA_BYTES + 3 {
        return None;
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let bytes = engine.decode(s).ok()?;
    (bytes.len() <= MAX_MEDIA_BYTES).then_some(bytes)
}

/// `bytes[at..at + n]`, or `None` when that runs past the end.
fn slice(bytes: &[u8], at: usize, n: usize) -> Option<&[u8]> {
    bytes.get(at..at.checked_add(n)?)
}

fn u32_le(bytes: &[u8], at: usize) -> Option<usize> {
    let b: [u8; 4] = slice(bytes, at, 4)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(b)).ok()
}

fn u32_be(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = slice(bytes, at, 4)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

/// RIFF chunks of `bytes` as `(id, body)`; stops at the first chunk that does not fit.
fn riff_chunks(bytes: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let id = slice(bytes, at, 4)?;
        let size = u32_le(bytes, at.checked_add(4)?)?;
        let body = slice(bytes, at.checked_add(8)?, size)?;
        // Bodies of odd length are followed by a pad byte.
        at = at
            .checked_add(8)?
            .checked_add(size)?
            .checked_add(size & 1)?;
        Some((id, body))
    })
}

/// The metadata embedded in a WAV file (RIFF `LIST`/`INFO`/`ICMT`).
pub fn wav_meta(bytes: &[u8]) -> Option<MediaMeta> {
    if slice(bytes, 0, 4)? != b"RIFF" || slice(bytes, 8, 4)? != b"WAVE" {
        return None;
    }
    // A RIFF size larger than the file (a truncated or streamed file) is read as far as it goes.
    let declared = u32_le(bytes, 4)?.saturating_add(8);
    let body = bytes.get(12..declared.min(bytes.len())).unwrap_or_default();
    riff_chunks(body)
        .filter(|(id, list)| *id == b"LIST" && list.starts_with(b"INFO"))
        .flat_map(|(_, list)| riff_chunks(&list[4..]))
        .find(|(id, _)| *id == b"ICMT")
        .and_then(|(_, comment)| {
            let end = comment
                .iter()
                .position(|&b| b == 0)
                .unwrap_or(comment.len());
            parse_meta(std::str::from_utf8(&comment[..end]).ok()?)
        })
}

/// The metadata embedded in a PNG file (`tEXt` or uncompressed `iTXt`, keyword `ailevel`).
/// Chunks whose CRC does not match are ignored.
pub fn png_meta(bytes: &[u8]) -> Option<MediaMeta> {
    if slice(bytes, 0, 8)? != PNG_SIGNATURE {
        return None;
    }
    let mut at = 8usize;
    loop {
        let size = usize::try_from(u32_be(bytes, at)?).ok()?;
        let kind = slice(bytes, at.checked_add(4)?, 4)?;
        let data_at = at.checked_add(8)?;
        let data = slice(bytes, data_at, size)?;
        let crc = u32_be(bytes, data_at.checked_add(size)?)?;
        if kind == b"IEND" {
            return None;
        }
        let text = match kind {
            // tEXt is Latin-1: every byte is the code point of the same value.
            b"tEXt" => data
                .strip_prefix(b"ailevel\0")
                .map(|t| t.iter().map(|&b| char::from(b)).collect::<String>()),
            b"iTXt" => itxt_text(data).map(str::to_owned),
            _ => None,
        };
        if let Some(text) = text
            && crc32(&[kind, data]) == crc
        {
            return parse_meta(&text);
        }
        at = at.checked_add(12)?.checked_add(size)?;
    }
}

/// The UTF-8 text of an uncompressed `iTXt` chunk with keyword `ailevel`.
fn itxt_text(data: &[u8]) -> Option<&str> {
    let rest = data.strip_prefix(b"ailevel\0")?;
    let (&compressed, rest) = rest.split_first()?;
    let (_method, rest) = rest.split_first()?;
    if compressed != 0 {
        return None;
    }
    let lang_end = rest.iter().position(|&b| b == 0)?;
    let rest = &rest[lang_end + 1..];
    let translated_end = rest.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&rest[translated_end + 1..]).ok()
}

/// CRC-32 (ISO-HDLC, as in PNG and zlib) over several slices.
pub(super) fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in parts.iter().flat_map(|p| p.iter()) {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn parse_meta(json: &str) -> Option<MediaMeta> {
    if json.len() > MAX_META_BYTES {
        return None;
    }
    let value: Value = serde_json::from_str(json).ok()?;
    let obj = value.as_object()?;
    if obj.get("ailevel")?.as_u64()? != META_VERSION {
        return None;
    }
    let string = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
    Some(MediaMeta {
        text: string("text")?,
        lang: string("lang"),
        scene: string("scene"),
        snr_db: obj.get("snr_db").and_then(Value::as_f64),
        objects: obj
            .get("objects")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .take(MAX_OBJECTS)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        layout: string("layout"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::fixtures::{png_with, riff, wav_with_comment};

    fn fixture(rel: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("suites")
            .join(rel);
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    #[test]
    fn reads_a_generated_speech_fixture() {
        let meta = wav_meta(&fixture("fixtures/car/car-ac-22-highway-10db.wav")).expect("metadata");
        assert_eq!(meta.text, "把空调调到二十二度");
        assert_eq!(meta.lang.as_deref(), Some("zh"));
        assert_eq!(meta.scene.as_deref(), Some("car_cabin_highway"));
        assert_eq!(meta.snr_db, Some(10.0));
        assert!(meta.objects.is_empty());
        assert_eq!(meta.layout, None);
    }

    #[test]
    fn reads_a_generated_english_wake_fixture() {
        let meta =
            wav_meta(&fixture("fixtures/common/common-wake-en-quiet-30db.wav")).expect("metadata");
        assert_eq!(meta.text, "Hey Ailey");
        assert_eq!(meta.lang.as_deref(), Some("en"));
        assert_eq!(meta.snr_db, Some(30.0));
    }

    #[test]
    fn reads_generated_image_fixtures() {
        let meta =
            png_meta(&fixture("fixtures/glasses/glasses-sign-no-smoking.png")).expect("metadata");
        assert_eq!(meta.text, "禁止吸烟");
        assert_eq!(meta.objects, ["sign"]);
        assert_eq!(meta.layout.as_deref(), Some("sign"));
        assert_eq!(meta.scene, None);

        let meta =
            png_meta(&fixture("fixtures/glasses/glasses-cup-on-table.png")).expect("metadata");
        assert_eq!(meta.text, "");
        assert_eq!(meta.objects, ["cup", "saucer", "table"]);
        assert_eq!(meta.layout.as_deref(), Some("scene"));

        let meta = png_meta(&fixture("fixtures/glasses/glasses-menu-zh.png")).expect("metadata");
        assert!(meta.text.starts_with("菜单\n宫保鸡丁"), "{}", meta.text);
    }

    /// index.yaml is valid YAML for the suite reader, every file matches its SHA-256, and the
    /// metadata embedded in each file is the metadata the index records.
    #[test]
    fn every_indexed_fixture_matches_its_hash_and_metadata() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("suites/fixtures/index.yaml");
        let text = String::from_utf8(fixture("fixtures/index.yaml")).unwrap();
        let index: Value = crate::yaml::from_str(&path, &text).expect("index.yaml parses");
        let entries = index["fixtures"].as_array().expect("fixtures list");
        assert!(
            entries.len() >= 80,
            "only {} fixtures in index.yaml",
            entries.len()
        );
        let mut total = 0;
        for entry in entries {
            let file = entry["file"].as_str().expect("file");
            let bytes = fixture(file);
            total += bytes.len();
            assert_eq!(
                Some(crate::hash::sha256_hex(&bytes).as_str()),
                entry["sha256"].as_str(),
                "{file}"
            );
            let meta = if file.ends_with(".wav") {
                wav_meta(&bytes)
            } else {
                png_meta(&bytes)
            };
            let meta = meta.unwrap_or_else(|| panic!("{file}: no metadata"));
            let want = &entry["meta"];
            assert_eq!(Some(meta.text.as_str()), want["text"].as_str(), "{file}");
            assert_eq!(meta.lang.as_deref(), want["lang"].as_str(), "{file}");
            assert_eq!(meta.scene.as_deref(), want["scene"].as_str(), "{file}");
            assert_eq!(meta.snr_db, want["snr_db"].as_f64(), "{file}");
            assert_eq!(meta.layout.as_deref(), want["layout"].as_str(), "{file}");
        }
        assert!(total < 20 * 1024 * 1024, "fixtures total {total} bytes");
    }

    #[test]
    fn protocol_media_round_trip() {
        let bytes = fixture("fixtures/tv/tv-channel-living-10db.wav");
        let data_b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let media = Media {
            format: "wav".into(),
            data_b64,
        };
        assert_eq!(
            meta_of(&media).map(|m| m.text).as_deref(),
            Some("换到中央五台")
        );
        let wrong_format = Media {
            format: "png".into(),
            data_b64: media.data_b64.clone(),
        };
        assert_eq!(meta_of(&wrong_format), None);
        let unknown = Media {
            format: "mp3".into(),
            data_b64: media.data_b64,
        };
        assert_eq!(meta_of(&unknown), None);
    }

    #[test]
    fn decode_b64_accepts_padding_or_not_and_caps_size() {
        assert_eq!(decode_b64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_b64("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_b64("  aGk=\n").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_b64("").as_deref(), Some(&b""[..]));
        assert_eq!(decode_b64("not base64!"), None);
        assert_eq!(decode_b64("aGk=aGk="), None);
        let huge = "A".repeat((MAX_MEDIA_BYTES / 3 + 8) * 4);
        assert_eq!(decode_b64(&huge), None);
    }

    #[test]
    fn wav_without_or_with_bad_comment() {
        let good = wav_with_comment(br#"{"ailevel":1,"text":"hi","lang":"en"}"#);
        assert_eq!(wav_meta(&good).map(|m| m.text).as_deref(), Some("hi"));
        // Odd-length comment without a terminating NUL: the pad byte must be skipped.
        let odd = wav_with_comment(br#"{"ailevel":1,"text":"odd"}"#);
        assert_eq!(wav_meta(&odd).map(|m| m.text).as_deref(), Some("odd"));
        for bad in [
            &br#"{"ailevel":2,"text":"hi"}"#[..],
            br#"{"ailevel":"1","text":"hi"}"#,
            br#"{"ailevel":1}"#,
            br#"{"ailevel":1,"text":7}"#,
            br#"["ailevel",1]"#,
            b"not json",
            b"\xff\xfe",
        ] {
            assert_eq!(
                wav_meta(&wav_with_comment(bad)),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let mut plain = b"WAVE".to_vec();
        plain.extend(riff(b"data", &[0, 0]));
        assert_eq!(wav_meta(&riff(b"RIFF", &plain)), None);
    }

    #[test]
    fn png_text_itxt_and_crc() {
        let json = br#"{"ailevel":1,"text":"STOP","lang":"en","objects":["stop sign",3],"layout":"scene"}"#;
        let mut text = b"ailevel\0".to_vec();
        text.extend_from_slice(json);
        let meta = png_meta(&png_with(&[(b"tEXt", &text)])).expect("tEXt");
        assert_eq!(meta.text, "STOP");
        assert_eq!(meta.objects, ["stop sign"]);

        let mut itxt = b"ailevel\0\0\0zh\0\0".to_vec();
        itxt.extend_from_slice(r#"{"ailevel":1,"text":"禁止吸烟"}"#.as_bytes());
        assert_eq!(
            png_meta(&png_with(&[(b"iTXt", &itxt)]))
                .map(|m| m.text)
                .as_deref(),
            Some("禁止吸烟")
        );

        let mut compressed = b"ailevel\0\x01\0\0\0".to_vec();
        compressed.extend_from_slice(b"x\x9c");
        assert_eq!(png_meta(&png_with(&[(b"iTXt", &compressed)])), None);

        let other_key = b"Comment\0{\"ailevel\":1,\"text\":\"x\"}";
        assert_eq!(png_meta(&png_with(&[(b"tEXt", other_key)])), None);

        let mut corrupted = png_with(&[(b"tEXt", &text)]);
        let at = corrupted.len() - 20;
        corrupted[at] ^= 0x55;
        assert_eq!(png_meta(&corrupted), None);
    }

    #[test]
    fn truncated_fixtures_never_panic() {
        let wav = fixture("fixtures/phone/phone-call-quiet-20db.wav");
        let png = fixture("fixtures/glasses/glasses-street-plate.png");
        for cut in (0..200).chain((200..wav.len()).step_by(997)) {
            let _ = wav_meta(&wav[..cut.min(wav.len())]);
        }
        for cut in (0..png.len()).step_by(7) {
            let _ = png_meta(&png[..cut]);
        }
        // Metadata sits before the samples/pixels, so a file cut after it still has it.
        assert!(wav_meta(&wav[..200]).is_some());
        assert_eq!(wav_meta(&wav[..30]), None);
        assert_eq!(png_meta(&png[..40]), None);
    }

    #[test]
    fn hostile_lengths_and_garbage() {
        assert_eq!(wav_meta(b""), None);
        assert_eq!(wav_meta(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(wav_meta(b"RIFF\x01\0\0\0WAVELIST"), None);
        assert_eq!(png_meta(b""), None);
        assert_eq!(
            wav_meta(b"RIFF\xff\xff\xff\xffWAVELIST\xff\xff\xff\xffINFO"),
            None
        );
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(b"\xff\xff\xff\xfftEXtailevel\0");
        assert_eq!(png_meta(&png), None);
        // A LIST chunk claiming to be larger than the file.
        let mut wav = b"RIFF\0\0\0\0WAVE".to_vec();
        wav.extend_from_slice(b"LIST\xf0\xff\xff\x7fINFOICMT\x05\0\0\0{}");
        assert_eq!(wav_meta(&wav), None);
        // Pseudo-random bytes behind valid signatures.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..400usize {
            let noise: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state.to_le_bytes()[0]
                })
                .collect();
            let mut w = b"RIFF\xff\xff\xff\xffWAVE".to_vec();
            w.extend_from_slice(&noise);
            let _ = wav_meta(&w);
            let mut p = PNG_SIGNATURE.to_vec();
            p.extend_from_slice(&noise);
            let _ = png_meta(&p);
            let _ = decode_b64(&String::from_utf8_lossy(&noise));
        }
    }

    #[test]
    fn oversized_metadata_is_refused() {
        let big = format!(r#"{{"ailevel":1,"text":"{}"}}"#, "a".repeat(MAX_META_BYTES));
        assert_eq!(wav_meta(&wav_with_comment(big.as_bytes())), None);
        let many: Vec<String> = (0..200).map(|i| format!("\"o{i}\"")).collect();
        let json = format!(
            r#"{{"ailevel":1,"text":"","objects":[{}]}}"#,
            many.join(",")
        );
        let meta = wav_meta(&wav_with_comment(json.as_bytes())).expect("metadata");
        assert_eq!(meta.objects.len(), MAX_OBJECTS);
    }

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
        assert_eq!(crc32(&[b"1234", b"56789"]), 0xCBF4_3926);
    }
}
