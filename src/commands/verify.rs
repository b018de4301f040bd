//! `ailevel verify RESULTS --sig ENVELOPE --trust KEY…`: every check printed, exit 7 when
//! any fails.

use std::path::PathBuf;

use clap::Args;

use super::Context;
use super::shared::print;
use crate::attest::{keys, verify};
use crate::error::{ExitCode, Result};

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The results file that was signed.
    pub results: PathBuf,
    /// The DSSE envelope `ailevel sign` wrote.
    #[arg(long)]
    pub sig: PathBuf,
    /// Trusted public keys (PEM); the envelope must be signed by one of them.
    #[arg(long, num_args = 1.., required = true)]
    pub trust: Vec<PathBuf>,
    /// Also compare the suite directory's files, framework and case definitions with the
    /// ones the results recorded.
    #[arg(long)]
    pub suite: Option<PathBuf>,
}

impl VerifyArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<ExitCode> {
        let trusted = self
            .trust
            .iter()
            .map(|p| keys::read_public(p))
            .collect::<Result<Vec<_>>>()?;
        let checks = verify::verify(&verify::Inputs {
            results: &self.results,
            envelope: &self.sig,
            trusted: &trusted,
            suite: self.suite.as_deref(),
        });
        let mut text = render_checks(&checks);
        let failed = checks.iter().filter(|c| !c.ok).count();
        text.push_str(&if failed == 0 {
            format!("verified: {}\n", self.results.display())
        } else {
            format!("NOT verified: {failed} check(s) failed\n")
        });
        print(ctx.stdout, text.as_bytes())?;
        Ok(if failed == 0 {
            ExitCode::Ok
        } else {
            ExitCode::NotVerified
        })
    }
}

/// One line per check, `ok  ` or `FAIL`, its name and what it found.
pub(crate) fn render_checks(checks: &[verify::Check]) -> String {
    let mut text = String::new();
    for c in checks.iter().filter(|c| c.name != "signer") {
        text.push_str(&format!(
            "{} {:<17} {}\n",
            if c.ok { "ok  " } else { "FAIL" },
            c.name,
            // Details quote the results file and the envelope, which anyone may have
            // written: characters that reorder or hide text are shown, not obeyed.
            crate::text::visible_controls(&c.detail)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A detail quoting a tampered file (a lab name with a right-to-left override) prints
    /// the override as a code point, so the line reads as it is stored.
    #[test]
    fn check_details_show_bidi_controls() {
        let text = render_checks(&[verify::Check {
            name: "identity",
            ok: false,
            detail: "lab \u{202E}fdp.exe\u{202C} differs".into(),
        }]);
        assert_eq!(
            text,
            "FAIL identity          lab [U+202E]fdp.exe[U+202C] differs\n"
        );
    }
}
