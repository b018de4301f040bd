//! What a certificate's QR code carries, for a catalogue (or a person with a phone) to look
//! the certificate up and check it is the one that was signed:
//!
//! ```text
//! ailevel:cert/1?id=AIL-20260601-0007&lab=CNAS%20L0001&level=L3&sha256=<64 hex>
//! ```
//!
//! `id` is the certificate id (the report number), `lab` the lab's accreditation number,
//! `level` the level held (`none` below L1), `sha256` the SHA-256 of the results file — the
//! subject digest of the signed statement. Values are percent-encoded (RFC 3986 unreserved
//! characters stay as they are); keys come in this order and no others appear.

use std::fmt::Write;

pub const PREFIX: &str = "ailevel:cert/1?";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub id: String,
    pub lab: String,
    pub level: Option<String>,
    pub sha256: String,
}

impl Payload {
    pub fn encode(&self) -> String {
        format!(
            "{PREFIX}id={}&lab={}&level={}&sha256={}",
            pct(&self.id),
            pct(&self.lab),
            pct(self.level.as_deref().unwrap_or("none")),
            self.sha256
        )
    }

    /// Parse a scanned payload; surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Result<Payload, String> {
        let rest = s
            .trim()
            .strip_prefix(PREFIX)
            .ok_or_else(|| format!("not an ailevel certificate code (expected `{PREFIX}…`)"))?;
        let mut fields = [None, None, None, None];
        const KEYS: [&str; 4] = ["id", "lab", "level", "sha256"];
        for part in rest.split('&') {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not key=value"))?;
            let i = KEYS
                .iter()
                .position(|x| *x == k)
                .ok_or_else(|| format!("unknown field `{k}`"))?;
            if fields[i].is_some() {
                return Err(format!("field `{k}` appears twice"));
            }
            fields[i] = Some(unpct(v).ok_or_else(|| format!("field `{k}` is badly encoded"))?);
        }
        let [id, lab, level, sha256] = fields;
        let need = |v: Option<String>, k: &str| v.ok_or_else(|| format!("field `{k}` is missing"));
        let sha256 = need(sha256, "sha256")?;
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err("`sha256` is not 64 lower-case hex digits".into());
        }
        let level = need(level, "level")?;
        Ok(Payload {
            id: need(id, "id")?,
            lab: need(lab, "lab")?,
            level: (level != "none").then_some(level),
            sha256,
        })
    }
}

fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn unpct(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_reads_back_and_keeps_to_its_grammar() {
        let p = Payload {
            id: "AIL/2026 第7号&x=1".into(),
            lab: "CNAS L0001".into(),
            level: Some("L3".into()),
            sha256: "ab".repeat(32),
        };
        let s = p.encode();
        assert!(s.starts_with("ailevel:cert/1?id=AIL%2F2026%20%E7%AC%AC7%E5%8F%B7%26x%3D1&lab=CNAS%20L0001&level=L3&sha256=abab"));
        assert_eq!(Payload::parse(&format!(" {s}\n")), Ok(p));
        let below = Payload {
            level: None,
            ..Payload::parse(&s).unwrap()
        };
        assert_eq!(Payload::parse(&below.encode()).unwrap().level, None);
        assert!(Payload::parse("https://x/?id=1").is_err());
        assert!(Payload::parse(&s.replace("sha256=ab", "sha256=AB")).is_err());
        assert!(Payload::parse(&format!("{s}&evil=1")).is_err());
        assert!(Payload::parse(&s.replace("&lab=CNAS%20L0001", "")).is_err());
    }
}
