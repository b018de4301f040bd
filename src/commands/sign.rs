//! `ailevel sign RESULTS --key KEY`: an in-toto Statement about the results file, in a DSSE
//! envelope signed with the lab's Ed25519 key.

use std::path::{Path, PathBuf};

use clap::Args;

use super::Context;
use super::shared::{print, write_file};
use crate::attest::{dsse, keys, statement};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct SignArgs {
    /// A results.json written by `run` or `regrade`.
    pub results: PathBuf,
    /// The private key (`ailevel keygen`); refused when group or others can read it.
    #[arg(long)]
    pub key: PathBuf,
    /// Where the envelope is written [default: RESULTS with `.json` replaced by
    /// `.dsse.json`, e.g. results.dsse.json].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl SignArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let key = keys::read_private(&self.key)?;
        let bytes = crate::files::read_bytes(&self.results, crate::results::MAX_RESULTS_BYTES)?;
        let results = crate::results::parse(&self.results, &bytes)?;
        let id = keys::key_id(&key.verifying_key());
        if let Some(lab) = &results.certification.lab
            && lab.lab.signing_key_id != id
        {
            return Err(Error::Usage(format!(
                "this key is {id}, but the results' lab file ({}) names {}: sign with the lab's key",
                lab.path, lab.lab.signing_key_id
            )));
        }
        let signed_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let name = self
            .results
            .file_name()
            .map_or("results.json".into(), |n| n.to_string_lossy().into_owned());
        let st = statement::statement(
            &name,
            &crate::hash::sha256_hex(&bytes),
            statement::predicate_of(&results, &signed_at),
        );
        let env = dsse::sign(dsse::IN_TOTO_PAYLOAD_TYPE, &statement::canonical(&st), &key);
        let out = self
            .out
            .clone()
            .unwrap_or_else(|| envelope_path(&self.results));
        let mut json = serde_json::to_string_pretty(&env)
            .map_err(|e| Error::Internal(format!("could not encode the envelope: {e}")))?;
        json.push('\n');
        write_file(&out, json.as_bytes())?;
        let sig = &env.signatures[0].sig;
        let text = format!(
            "signed {} ({})\n  key:       {id}\n  envelope:  {}\n  signature: {}…\n",
            self.results.display(),
            results.certification.certificate.as_ref().map_or_else(
                || "no certificate".to_string(),
                |c| format!("certificate {}", c.id)
            ),
            out.display(),
            &sig[..sig.len().min(16)]
        );
        print(ctx.stdout, text.as_bytes())
    }
}

/// `reports/x/results.json` → `reports/x/results.dsse.json`.
pub fn envelope_path(results: &Path) -> PathBuf {
    let stem = results
        .file_stem()
        .map_or("results".into(), |s| s.to_string_lossy().into_owned());
    results.with_file_name(format!("{stem}.dsse.json"))
}
