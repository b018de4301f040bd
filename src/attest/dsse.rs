//! DSSE (Dead Simple Signing Envelope) v1, as its protocol specifies: the signature is over
//! `PAE(payloadType, payload)`, never over the envelope's JSON; the envelope carries the
//! payload in base64 and one or more `{keyid, sig}`. The key id is a hint only: a verifier
//! tries every trusted key.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use ed25519_dalek::{Signature as EdSignature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::keys::key_id;
use crate::msg::{self, Message};

/// The payload type of an in-toto Statement in a DSSE envelope.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Largest envelope we read.
pub const MAX_ENVELOPE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Base64 of the serialized body.
    pub payload: String,
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    pub signatures: Vec<Signature>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// Base64 of the raw 64-byte Ed25519 signature.
    pub sig: String,
}

/// Pre-Authentication Encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN in ASCII decimal bytes.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(body);
    out
}

/// Sign `body` as `payload_type` with `key`.
pub fn sign(payload_type: &str, body: &[u8], key: &SigningKey) -> Envelope {
    let sig = key.sign(&pae(payload_type, body));
    Envelope {
        payload: STANDARD.encode(body),
        payload_type: payload_type.to_string(),
        signatures: vec![Signature {
            keyid: key_id(&key.verifying_key()),
            sig: STANDARD.encode(sig.to_bytes()),
        }],
    }
}

/// What a verified envelope gives: the body exactly as it was verified, and who signed it.
#[derive(Debug)]
pub struct Verified {
    pub body: Vec<u8>,
    pub key_id: String,
}

/// Verify an envelope against trusted keys. The body returned is the bytes the signature
/// covers; callers parse that, never the envelope again.
pub fn verify(env: &Envelope, trusted: &[VerifyingKey]) -> Result<Verified, Message> {
    let body = decode_b64(&env.payload).ok_or(msg::DSSE_NOT_BASE64.msg())?;
    let message = pae(&env.payload_type, &body);
    if env.signatures.is_empty() {
        return Err(msg::DSSE_NO_SIGNATURE.msg());
    }
    for s in &env.signatures {
        let Some(raw) = decode_b64(&s.sig) else {
            continue;
        };
        let Ok(sig) = EdSignature::from_slice(&raw) else {
            continue;
        };
        // The key id only orders the search; any trusted key that verifies is accepted.
        let mut keys: Vec<&VerifyingKey> = trusted.iter().collect();
        keys.sort_by_key(|k| key_id(k) != s.keyid);
        if let Some(k) = keys.into_iter().find(|k| k.verify(&message, &sig).is_ok()) {
            return Ok(Verified {
                body,
                key_id: key_id(k),
            });
        }
    }
    let signers = env
        .signatures
        .iter()
        .map(|s| if s.keyid.is_empty() { "?" } else { &s.keyid })
        .collect::<Vec<_>>()
        .join(", ");
    Err(match trusted.len() {
        1 => msg::DSSE_UNVERIFIED_ONE.with("signers", signers),
        n => msg::DSSE_UNVERIFIED.with("n", n).with("signers", signers),
    })
}

/// Standard or URL-safe base64, padded or not, as DSSE requires verifiers to accept.
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
    let url = GeneralPurpose::new(&base64::alphabet::URL_SAFE, config);
    standard.decode(s).or_else(|_| url.decode(s)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_specs_test_vector() {
        // DSSE protocol.md, "Test Vectors".
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }

    #[test]
    fn an_envelope_verifies_with_its_key_only_and_not_after_any_change() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let env = sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}", &key);
        let ok = verify(&env, &[other.verifying_key(), key.verifying_key()]).unwrap();
        assert_eq!(ok.body, b"{\"a\":1}");
        assert_eq!(ok.key_id, key_id(&key.verifying_key()));
        assert!(verify(&env, &[other.verifying_key()]).is_err());
        // The payload type is authenticated too.
        let mut typed = env.clone();
        typed.payload_type = "application/json".into();
        assert!(verify(&typed, &[key.verifying_key()]).is_err());
        let mut body = env.clone();
        body.payload = STANDARD.encode(b"{\"a\":2}");
        assert!(verify(&body, &[key.verifying_key()]).is_err());
        // URL-safe, unpadded encodings of the same bytes are accepted.
        let mut url = env.clone();
        url.payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b"{\"a\":1}");
        assert!(verify(&url, &[key.verifying_key()]).is_ok());
    }
}
