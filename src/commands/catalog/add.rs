//! `ailevel catalog add ENVELOPE RESULTS`: a certificate enters the catalogue only when
//! every `verify` check passes against the catalogue's trusted keys.

use std::path::PathBuf;

use clap::Args;
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePublicKey;

use super::DbArg;
use crate::attest::{dsse, verify};
use crate::catalog::{Extra, new_entry};
use crate::commands::Context;
use crate::commands::shared::print;
use crate::commands::values::Named;
use crate::commands::verify::{line, render_checks};
use crate::error::{Error, ExitCode, Result};
use crate::msg::{self, Lang};

#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The DSSE envelope `ailevel sign` wrote.
    pub envelope: PathBuf,
    /// The certified results file it signs.
    pub results: PathBuf,
    /// A SKU (store article number) of this model; repeat for each.
    #[arg(long = "sku")]
    pub skus: Vec<String>,
    /// The marketing name in Chinese, e.g. `示例手机 X1 12+256GB`.
    #[arg(long)]
    pub name_zh: Option<String>,
    /// The marketing name in English.
    #[arg(long)]
    pub name_en: Option<String>,
    /// Who adds it, kept in the history.
    #[arg(long)]
    pub by: Option<String>,
    /// Language of the verification lines: zh-CN or en.
    #[arg(long, default_value = "zh-CN", value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Lang,
}

impl AddArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let mut store = self.db.open()?;
        let trusted = store
            .trusted_keys()?
            .into_iter()
            .map(|(id, pem)| {
                VerifyingKey::from_public_key_pem(&pem).map_err(|e| Error::Catalog {
                    db: store.shown().to_string(),
                    message: format!("trusted key {id} does not parse: {e}"),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if trusted.is_empty() {
            return Err(Error::Usage(
                "the catalogue trusts no lab key yet: `ailevel catalog trust LAB.pub` first".into(),
            ));
        }
        let checks = verify::verify(&verify::Inputs {
            results: &self.results,
            envelope: &self.envelope,
            trusted: &trusted,
            suite: None,
        });
        if checks.iter().any(|c| !c.ok) {
            let mut text = render_checks(&checks, self.lang);
            text.push_str(&line(&msg::VERIFY_NOT_ADDED.msg(), self.lang));
            print(ctx.stdout, text.as_bytes())?;
            return Ok(ExitCode::NotVerified);
        }
        let signer = verify::signer(&checks).unwrap_or_default();
        let results_text =
            crate::files::read_text(&self.results, crate::results::MAX_RESULTS_BYTES)?;
        let envelope = crate::files::read_text(&self.envelope, dsse::MAX_ENVELOPE_BYTES)?;
        let r = crate::results::parse(&self.results, results_text.as_bytes())?;
        let new = new_entry(
            &r,
            results_text,
            envelope,
            &signer,
            &Extra {
                skus: self.skus.clone(),
                name_zh: self.name_zh.clone(),
                name_en: self.name_en.clone(),
                by: self.by.clone(),
            },
        )?;
        store.add(&new)?;
        let e = &new.entry;
        let text = format!(
            "added {}: {} {} firmware {} ({}), level {}, {} issued {}\n",
            e.cert_id,
            e.vendor,
            e.model,
            e.firmware,
            e.category,
            e.level.as_deref().unwrap_or("none"),
            e.lab_accreditation,
            e.issued
        );
        print(ctx.stdout, text.as_bytes())?;
        Ok(ExitCode::Ok)
    }
}
