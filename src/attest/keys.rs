//! Ed25519 keys: PKCS#8 PEM for the private key, SubjectPublicKeyInfo PEM for the public key
//! (the forms OpenSSL reads and writes), and the key id every envelope and lab file names.

use std::path::Path;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::error::{Error, Result};

/// Largest key file we read.
const MAX_KEY_BYTES: u64 = 16 * 1024;

/// The key id: `sha256:` and the lower-case hex SHA-256 of the 32-byte public key.
pub fn key_id(key: &VerifyingKey) -> String {
    format!("sha256:{}", crate::hash::sha256_hex(key.as_bytes()))
}

/// A new key from the operating system's random source.
pub fn generate() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| Error::Internal(format!("no random source for a new key: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Write `PREFIX.key` (private, mode 0600) and `PREFIX.pub`; refuses to overwrite either.
pub fn write_pair(key: &SigningKey, private: &Path, public: &Path) -> Result<()> {
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| Error::Internal(format!("could not encode the private key: {e}")))?;
    let pub_pem = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| Error::Internal(format!("could not encode the public key: {e}")))?;
    for p in [private, public] {
        if p.exists() {
            return Err(Error::Usage(format!(
                "`{}` exists; ailevel never overwrites a key",
                p.display()
            )));
        }
    }
    create_new(private, pem.as_bytes(), true)?;
    create_new(public, pub_pem.as_bytes(), false)
}

fn create_new(path: &Path, bytes: &[u8], secret: bool) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if secret { 0o600 } else { 0o644 });
    }
    let _ = secret;
    let write = || -> std::io::Result<()> {
        let mut f = opts.open(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    write().map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn read_key_file(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() || meta.len() > MAX_KEY_BYTES {
        return Err(Error::invalid(
            path,
            format!("not a key file (a regular file of at most {MAX_KEY_BYTES} bytes)"),
        ));
    }
    crate::files::read_text(path, MAX_KEY_BYTES)
}

/// Read a private key, refusing a file that group or others may read or write: a signing
/// key anyone on the machine can copy signs for anyone.
pub fn read_private(path: &Path) -> Result<SigningKey> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::invalid(
                path,
                format!(
                    "private key is accessible by group or others (mode {mode:03o}); run `chmod 600 {}`",
                    path.display()
                ),
            ));
        }
    }
    let text = read_key_file(path)?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        Error::invalid(
            path,
            format!("not an Ed25519 private key in PKCS#8 PEM: {e}"),
        )
    })
}

/// Read a public key (SubjectPublicKeyInfo PEM, as `ailevel keygen` writes `.pub`).
pub fn read_public(path: &Path) -> Result<VerifyingKey> {
    let text = read_key_file(path)?;
    VerifyingKey::from_public_key_pem(&text).map_err(|e| {
        Error::invalid(
            path,
            format!("not an Ed25519 public key in SubjectPublicKeyInfo PEM: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_pair_reads_back_and_a_shared_private_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = (dir.path().join("k.key"), dir.path().join("k.pub"));
        let key = generate().unwrap();
        write_pair(&key, &private, &public).unwrap();
        assert_eq!(read_private(&private).unwrap().to_bytes(), key.to_bytes());
        assert_eq!(read_public(&public).unwrap(), key.verifying_key());
        assert!(matches!(
            write_pair(&key, &private, &public),
            Err(Error::Usage(_))
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o640)).unwrap();
            let err = read_private(&private).unwrap_err().to_string();
            assert!(err.contains("group or others"), "{err}");
        }
    }

    #[test]
    fn the_key_id_is_the_sha256_of_the_raw_public_key() {
        // RFC 8032 test 1's public key.
        let raw = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            .unwrap();
        let key = VerifyingKey::from_bytes(&raw.try_into().unwrap()).unwrap();
        assert_eq!(
            key_id(&key),
            "sha256:21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9"
        );
    }
}
