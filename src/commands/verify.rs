//! `ailevel verify RESULTS --sig ENVELOPE --trust KEY…`: every check printed, exit 7 when
//! any fails, in the `--lang` language.

use std::path::PathBuf;

use clap::Args;

use super::Context;
use super::shared::print;
use super::values::Named;
use crate::attest::{keys, verify};
use crate::error::{ExitCode, Result};
use crate::msg::{self, Lang};

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
    /// Output language: zh-CN or en.
    #[arg(long, default_value = "zh-CN", value_parser = Named::<Lang>::new(), hide_possible_values = true)]
    pub lang: Lang,
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
        let mut text = render_checks(&checks, self.lang);
        let failed = checks.iter().filter(|c| !c.ok).count();
        let footer = match failed {
            0 => msg::VERIFY_VERIFIED.with("path", self.results.display().to_string()),
            1 => msg::VERIFY_NOT_VERIFIED_ONE.msg(),
            n => msg::VERIFY_NOT_VERIFIED.with("failed", n),
        };
        text.push_str(&line(&footer, self.lang));
        print(ctx.stdout, text.as_bytes())?;
        Ok(if failed == 0 {
            ExitCode::Ok
        } else {
            ExitCode::NotVerified
        })
    }
}

/// A message of the catalogue as one line in `lang`.
pub(crate) fn line(m: &msg::Message, lang: Lang) -> String {
    format!("{}\n", m.render(lang).unwrap_or_else(|| m.en()))
}

/// One line per check: `ok  ` or `FAIL` (通过, 失败), its name and what it found.
pub(crate) fn render_checks(checks: &[verify::Check], lang: Lang) -> String {
    let mut text = String::new();
    for c in checks.iter().filter(|c| c.name != "signer") {
        let status = if c.ok {
            msg::VERIFY_OK
        } else {
            msg::VERIFY_FAIL
        }
        .msg();
        let status = status.render(lang).unwrap_or_default();
        // Details quote the results file and the envelope, which anyone may have
        // written: characters that reorder or hide text are shown, not obeyed.
        let detail = c.detail(lang);
        let detail = crate::text::visible_controls(&detail);
        text.push_str(&match lang {
            Lang::En => format!("{status} {:<17} {detail}\n", c.label(lang)),
            Lang::Zh => format!("{status}  {}：{detail}\n", c.label(lang)),
        });
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
        let check = verify::Check {
            name: "identity",
            ok: false,
            detail: msg::TEXT.with("text", "lab \u{202E}fdp.exe\u{202C} differs"),
        };
        assert_eq!(
            render_checks(std::slice::from_ref(&check), Lang::En),
            "FAIL identity          lab [U+202E]fdp.exe[U+202C] differs\n"
        );
        assert_eq!(
            render_checks(&[check], Lang::Zh),
            "失败  产品身份：lab [U+202E]fdp.exe[U+202C] differs\n"
        );
    }
}
