//! SHA-256 helpers: framework, suite files and profiles are recorded by hash in results.

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Hash of several named parts, order-sensitive; used for a whole suite directory.
pub fn combined(parts: &[(String, String)]) -> String {
    let mut h = Sha256::new();
    for (name, digest) in parts {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(digest.as_bytes());
        h.update([b'\n']);
    }
    hex::encode(h.finalize())
}
