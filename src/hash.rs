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

/// A writer that passes bytes on to `inner` and hashes them as they go, so a file written in
/// a stream has its SHA-256 without being read back or held.
pub struct HashingWriter<'a> {
    inner: &'a mut dyn std::io::Write,
    hash: Sha256,
}

impl<'a> HashingWriter<'a> {
    pub fn new(inner: &'a mut dyn std::io::Write) -> Self {
        HashingWriter {
            inner,
            hash: Sha256::new(),
        }
    }

    /// Lower-case hex SHA-256 of every byte written.
    pub fn hex(self) -> String {
        hex::encode(self.hash.finalize())
    }
}

impl std::io::Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn a_hashing_writer_hashes_what_it_passes_on() {
        let mut out = Vec::new();
        let mut w = super::HashingWriter::new(&mut out);
        w.write_all(b"ab").unwrap();
        w.write_all(b"c").unwrap();
        // SHA-256 of "abc", from FIPS 180-2.
        assert_eq!(
            w.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(out, b"abc");
    }
}
