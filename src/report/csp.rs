//! The HTML report's Content-Security-Policy. Everything is denied except the report's own
//! stylesheet and script, each allowed by the SHA-256 of its exact bytes, and `data:` images
//! and audio (the test stimuli and the device's speech). Even if some device text escaped its
//! escaping, the browser would refuse to run or fetch anything it brought.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The policy for a page whose only `<style>` holds `style` and only `<script>` holds `script`.
pub(super) fn policy(style: &str, script: &str) -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; media-src data:; \
         base-uri 'none'; form-action 'none'",
        source_hash(style),
        source_hash(script)
    )
}

/// A CSP hash source: `'sha256-<standard padded base64 of the digest>'` (CSP 3 §2.3.1).
pub(super) fn source_hash(content: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(content.as_bytes()))
    )
}

/// Whether `s` is plausibly standard base64: only its alphabet, padding at the end, and a
/// length that is a multiple of four. Device-supplied media is embedded only when it is, so
/// its bytes can never close the attribute they sit in.
pub(super) fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !s.is_empty()
        && s.len().is_multiple_of(4)
        && s.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_source_of_known_content() {
        // sha256("") is e3b0c442…; its base64 is the well-known 47DEQpj8… string.
        assert_eq!(
            source_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn base64_validation() {
        assert!(is_base64("Zm9vYg=="));
        assert!(is_base64("Zm9v"));
        assert!(!is_base64(""));
        assert!(!is_base64("Zm9"));
        assert!(!is_base64("Zm\"v"));
        assert!(!is_base64("Z==="));
        assert!(!is_base64("Zm=v"));
    }
}
