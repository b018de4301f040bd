//! Certificates and signed attestations: whether a run may be certified ([`certify`]), the
//! in-toto Statement a lab signs ([`statement`]) in a DSSE envelope ([`dsse`]) with an
//! Ed25519 key ([`keys`]), what `verify` checks ([`verify`]), and the payload of a
//! certificate's QR code ([`qr`]). The formats are documented in docs/certification.md.

pub mod certify;
pub mod dsse;
pub mod keys;
pub mod qr;
pub mod statement;
pub mod verify;

use crate::results::Results;

/// SHA-256 of the results' canonical bytes: the bytes `run` and `regrade` write, so the
/// digest of the results file, and the subject digest of the statement that signs it.
pub fn results_digest(r: &Results) -> String {
    crate::hash::sha256_hex(r.to_canonical_json().as_bytes())
}

/// The QR payload of a certified results file; `None` without a certificate.
pub fn qr_payload(r: &Results) -> Option<qr::Payload> {
    qr_payload_with(r, &results_digest(r))
}

/// [`qr_payload`] for results whose [`results_digest`] is already known.
pub fn qr_payload_with(r: &Results, digest: &str) -> Option<qr::Payload> {
    let cert = r.certification.certificate.as_ref()?;
    let lab = r.certification.lab.as_ref()?;
    Some(qr::Payload {
        id: cert.id.clone(),
        lab: lab.lab.accreditation.clone(),
        level: r.grade.level.clone(),
        sha256: digest.to_string(),
    })
}
