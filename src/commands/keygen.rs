//! `ailevel keygen --out PREFIX`: a new Ed25519 signing key for a lab.

use std::path::PathBuf;

use clap::Args;

use super::Context;
use super::shared::print;
use crate::attest::keys;
use crate::error::Result;

#[derive(Debug, Clone, Args)]
pub struct KeygenArgs {
    /// Writes PREFIX.key (the private key, PKCS#8 PEM, mode 0600) and PREFIX.pub (the
    /// public key, SubjectPublicKeyInfo PEM); never overwrites.
    #[arg(long)]
    pub out: PathBuf,
}

impl KeygenArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let private = with_suffix(&self.out, "key");
        let public = with_suffix(&self.out, "pub");
        let key = keys::generate()?;
        keys::write_pair(&key, &private, &public)?;
        let id = keys::key_id(&key.verifying_key());
        let text = format!(
            "private key: {}\npublic key:  {}\nkey id:      {id}\n(put the key id in the lab file as signing_key_id)\n",
            private.display(),
            public.display()
        );
        print(ctx.stdout, text.as_bytes())
    }
}

/// `lab` → `lab.key`; `keys/lab-2026` → `keys/lab-2026.key` (a dot in the prefix is kept).
fn with_suffix(prefix: &std::path::Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}
