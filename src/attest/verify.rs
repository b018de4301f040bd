//! `ailevel verify`: everything a signed results file claims, checked. Each check is
//! independent, so one failure does not hide another: the envelope's signature by a trusted
//! key, the statement, the subject digest against the results file's bytes, the predicate
//! against the results, every hash the results embed, the identity comparison, the
//! certificate, and the verdicts and grade re-derived from the transcripts through the same
//! code `regrade` uses. With a suite directory, the suite's files, framework and case
//! definitions are compared with what the results recorded.

use std::path::Path;

use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use super::dsse::{self, Envelope, IN_TOTO_PAYLOAD_TYPE};
use super::statement::{self, PREDICATE_TYPE, STATEMENT_TYPE, Statement};
use crate::hash::{combined, sha256_hex};
use crate::results::Results;

/// Differences listed per check before the rest are counted.
const MAX_LISTED: usize = 20;

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// A short name: `signature`, `subject`, `regrade`…
    pub name: &'static str,
    pub ok: bool,
    /// What was checked, or what failed.
    pub detail: String,
}

fn pass(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        ok: true,
        detail: detail.into(),
    }
}

fn fail(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        ok: false,
        detail: detail.into(),
    }
}

fn listed(mut diffs: Vec<String>) -> String {
    let more = diffs.len().saturating_sub(MAX_LISTED);
    diffs.truncate(MAX_LISTED);
    let mut s = diffs.join("; ");
    if more > 0 {
        s.push_str(&format!("; and {more} more"));
    }
    s
}

/// What to verify.
pub struct Inputs<'a> {
    pub results: &'a Path,
    pub envelope: &'a Path,
    pub trusted: &'a [VerifyingKey],
    pub suite: Option<&'a Path>,
}

/// Run every check; the caller prints them and fails when any is not ok.
pub fn verify(inputs: &Inputs<'_>) -> Vec<Check> {
    let mut checks = Vec::new();
    let statement = check_envelope(inputs, &mut checks);

    let bytes = read_capped(inputs.results, crate::results::MAX_RESULTS_BYTES);
    let digest = bytes.as_ref().ok().map(|b| sha256_hex(b));
    match (&statement, &digest) {
        (Some(st), Some(d)) => {
            let claimed = st.subject.first().and_then(|s| s.digest.get("sha256"));
            checks.push(match claimed {
                Some(c) if c == d && st.subject.len() == 1 => {
                    pass("subject", format!("results file SHA-256 {d}"))
                }
                Some(c) => fail(
                    "subject",
                    format!("the results file's SHA-256 is {d}, the statement signed {c}: the file was changed after signing"),
                ),
                None => fail("subject", "the statement has no sha256 subject"),
            });
        }
        (None, Some(_)) => checks.push(fail("subject", "no verified statement to compare with")),
        (_, None) => {}
    }
    let results = match bytes {
        Ok(b) => match crate::results::parse(inputs.results, &b) {
            Ok(r) => {
                checks.push(pass("results", "valid against the results schema"));
                Some(r)
            }
            Err(e) => {
                checks.push(fail("results", crate::error::chain(&e)));
                None
            }
        },
        Err(e) => {
            checks.push(fail("results", e));
            None
        }
    };
    let Some(r) = results else {
        return checks;
    };
    if let Some(st) = &statement {
        checks.push(check_predicate(st, &r));
        checks.push(check_lab_key(&r, &checks));
    }
    checks.push(check_suite_hash(&r));
    checks.push(check_fixtures(&r));
    checks.push(check_identity(&r));
    checks.push(check_certificate(&r));
    checks.push(check_regrade(&r));
    if let Some(dir) = inputs.suite {
        checks.extend(check_against_suite(&r, dir));
    }
    checks
}

fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    crate::files::read_bytes(path, max).map_err(|e| crate::error::chain(&e))
}

/// The envelope, its signature and its statement; the statement is parsed from the bytes
/// the signature covers, and only when it verifies.
fn check_envelope(inputs: &Inputs<'_>, checks: &mut Vec<Check>) -> Option<Statement> {
    let env: Envelope = match read_capped(inputs.envelope, dsse::MAX_ENVELOPE_BYTES)
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("not a DSSE envelope: {e}")))
    {
        Ok(env) => env,
        Err(e) => {
            checks.push(fail("envelope", e));
            return None;
        }
    };
    if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
        checks.push(fail(
            "envelope",
            format!(
                "payload type `{}`, expected `{IN_TOTO_PAYLOAD_TYPE}`",
                env.payload_type
            ),
        ));
        return None;
    }
    checks.push(pass("envelope", format!("DSSE, {IN_TOTO_PAYLOAD_TYPE}")));
    if inputs.trusted.is_empty() {
        checks.push(fail("signature", "no trusted key given (--trust KEY)"));
        return None;
    }
    let verified = match dsse::verify(&env, inputs.trusted) {
        Ok(v) => {
            checks.push(pass("signature", format!("Ed25519, key {}", v.key_id)));
            v
        }
        Err(e) => {
            checks.push(fail("signature", e));
            return None;
        }
    };
    let st: Statement = match serde_json::from_slice(&verified.body) {
        Ok(st) => st,
        Err(e) => {
            checks.push(fail("statement", format!("not an ailevel statement: {e}")));
            return None;
        }
    };
    if st.type_ != STATEMENT_TYPE || st.predicate_type != PREDICATE_TYPE {
        checks.push(fail(
            "statement",
            format!(
                "type `{}` / predicate `{}`, expected `{STATEMENT_TYPE}` / `{PREDICATE_TYPE}`",
                st.type_, st.predicate_type
            ),
        ));
        return None;
    }
    checks.push(pass("statement", format!("in-toto v1, {PREDICATE_TYPE}")));
    // Remembered for the lab-key check.
    checks.push(Check {
        name: "signer",
        ok: true,
        detail: verified.key_id,
    });
    Some(st)
}

/// Every predicate field, rebuilt from the results, must be what was signed.
fn check_predicate(st: &Statement, r: &Results) -> Check {
    let rebuilt = statement::predicate_of(r, &st.predicate.signed_at);
    let (a, b) = match (
        serde_json::to_value(&st.predicate),
        serde_json::to_value(&rebuilt),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return fail("predicate", "the predicate does not serialise"),
    };
    let mut diffs = Vec::new();
    diff_values("", &a, &b, &mut diffs);
    if diffs.is_empty() {
        pass(
            "predicate",
            format!(
                "product, level {}, framework, suite, lab and dates match the results",
                r.grade.level.as_deref().unwrap_or("none")
            ),
        )
    } else {
        fail(
            "predicate",
            format!("signed and recorded differ at {}", listed(diffs)),
        )
    }
}

fn diff_values(path: &str, signed: &Value, recorded: &Value, out: &mut Vec<String>) {
    match (signed, recorded) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let null = Value::Null;
                diff_values(
                    &format!("{path}/{k}"),
                    a.get(k).unwrap_or(&null),
                    b.get(k).unwrap_or(&null),
                    out,
                );
            }
        }
        (a, b) if a != b => out.push(format!(
            "{path} (signed {}, recorded {})",
            crate::text::truncate(&a.to_string(), 80),
            crate::text::truncate(&b.to_string(), 80)
        )),
        _ => {}
    }
}

/// A lab's results must be signed with the key the lab file names.
fn check_lab_key(r: &Results, checks: &[Check]) -> Check {
    let signer = checks
        .iter()
        .find(|c| c.name == "signer")
        .map(|c| c.detail.as_str());
    match (&r.certification.lab, signer) {
        (Some(l), Some(k)) if l.lab.signing_key_id == k => pass(
            "lab key",
            format!("signed with the key of {}", l.lab.accreditation),
        ),
        (Some(l), Some(k)) => fail(
            "lab key",
            format!(
                "signed with {k}, but the lab file names {}",
                l.lab.signing_key_id
            ),
        ),
        (None, _) => pass(
            "lab key",
            "no lab recorded: a signed test result, not a certificate",
        ),
        (Some(_), None) => fail("lab key", "no verified signer"),
    }
}

fn check_suite_hash(r: &Results) -> Check {
    let parts: Vec<(String, String)> =
        std::iter::once(("framework".to_string(), r.framework.sha256.clone()))
            .chain(
                r.suite
                    .files
                    .iter()
                    .map(|f| (f.path.clone(), f.sha256.clone())),
            )
            .collect();
    let got = combined(&parts);
    if got == r.suite.sha256 {
        pass(
            "suite hash",
            format!(
                "{} over the framework and {} files",
                got,
                r.suite.files.len()
            ),
        )
    } else {
        fail(
            "suite hash",
            format!(
                "recorded {}, but the framework and file hashes recorded give {got}",
                r.suite.sha256
            ),
        )
    }
}

fn check_fixtures(r: &Results) -> Check {
    use base64::Engine;
    let bad: Vec<String> = r
        .fixtures
        .iter()
        .filter(|f| {
            base64::engine::general_purpose::STANDARD
                .decode(&f.data_b64)
                .map_or(true, |d| sha256_hex(&d) != f.sha256)
        })
        .map(|f| format!("fixture {} does not hash to {}", f.path, f.sha256))
        .collect();
    if bad.is_empty() {
        pass(
            "fixtures",
            format!("{} fixture(s) match their hashes", r.fixtures.len()),
        )
    } else {
        fail("fixtures", listed(bad))
    }
}

fn check_identity(r: &Results) -> Check {
    let derived = r.derive_identity();
    if derived != r.certification.identity {
        return fail(
            "identity",
            "the recorded identity comparison is not what the profile and the device's report give",
        );
    }
    let findings: Vec<String> = r
        .certification
        .identity_findings()
        .map(|f| {
            format!(
                "{}: declared `{}`, reported `{}`",
                f.field,
                f.declared.as_deref().unwrap_or(""),
                f.reported.as_deref().unwrap_or("")
            )
        })
        .collect();
    match (&r.certification.certificate, findings.is_empty()) {
        (_, true) => pass("identity", "declared and reported identity agree"),
        (Some(_), false) => fail(
            "identity",
            format!(
                "a certificate with identity mismatches: {}",
                listed(findings)
            ),
        ),
        (None, false) => pass(
            "identity",
            format!(
                "mismatches recorded (no certificate claimed): {}",
                listed(findings)
            ),
        ),
    }
}

fn check_certificate(r: &Results) -> Check {
    let Some(cert) = &r.certification.certificate else {
        return pass("certificate", "none claimed");
    };
    match super::certify::issue(r) {
        Ok(c) if &c == cert => pass("certificate", format!("{} issued {}", c.id, c.issued)),
        Ok(c) => fail(
            "certificate",
            format!(
                "recorded {} issued {}, the lab and session records give {} issued {}",
                cert.id, cert.issued, c.id, c.issued
            ),
        ),
        Err(why) => fail(
            "certificate",
            format!(
                "{} should not have been issued: {}",
                cert.id,
                why.iter().map(|m| m.en()).collect::<Vec<_>>().join("; ")
            ),
        ),
    }
}

/// Re-derive everything from the transcripts under the recorded framework, as `regrade`
/// does, and name each difference.
fn check_regrade(r: &Results) -> Check {
    let derived = crate::grade::rederive(r.clone());
    let diffs = regrade_diffs(r, &derived);
    match (diffs.is_empty(), &derived == r) {
        (true, true) => pass(
            "regrade",
            format!(
                "{} checks, {} trials, {} case verdicts and the grade re-derived as recorded",
                r.cases
                    .iter()
                    .flat_map(|c| &c.trials)
                    .flat_map(|t| &t.turns)
                    .map(|t| t.checks.len())
                    .sum::<usize>(),
                r.summary.trials,
                r.cases.len()
            ),
        ),
        (true, false) => fail(
            "regrade",
            "re-derived scores or counts differ from the recorded ones",
        ),
        (false, _) => fail("regrade", listed(diffs)),
    }
}

/// Named differences between recorded and re-derived results: the conclusions `report`
/// also refuses on, then what a signature must also cover (trial counts, each check's
/// result and reason, scores and summary).
pub fn regrade_diffs(rec: &Results, der: &Results) -> Vec<String> {
    let mut out = crate::grade::conclusion_diffs(rec, der);
    for (a, b) in rec.cases.iter().zip(&der.cases) {
        if (a.passed, a.failed, a.errored) != (b.passed, b.failed, b.errored) {
            out.push(format!(
                "case {}: trial counts stored {}/{}/{}, re-derived {}/{}/{}",
                a.id, a.passed, a.failed, a.errored, b.passed, b.failed, b.errored
            ));
        }
        for (ta, tb) in a.trials.iter().zip(&b.trials) {
            for (n, (ua, ub)) in ta.turns.iter().zip(&tb.turns).enumerate() {
                for (k, (ca, cb)) in ua.checks.iter().zip(&ub.checks).enumerate() {
                    if ca.passed != cb.passed || ca.reason != cb.reason {
                        out.push(format!(
                            "case {} trial #{} turn {} check {}: stored {} ({}), re-derived {} ({})",
                            a.id,
                            ta.index + 1,
                            n + 1,
                            k + 1,
                            if ca.passed { "pass" } else { "fail" },
                            crate::text::truncate(&ca.reason, 80),
                            if cb.passed { "pass" } else { "fail" },
                            crate::text::truncate(&cb.reason, 80),
                        ));
                    }
                }
            }
        }
    }
    let (g, d) = (&rec.grade, &der.grade);
    if g.provisional != d.provisional || g.blocking != d.blocking {
        out.push("grade: provisional or blocking cases differ".into());
    }
    if rec.summary != der.summary {
        out.push("summary: verdict counts differ".into());
    }
    if rec.scores != der.scores {
        out.push("scores: element scores differ".into());
    }
    out
}

/// The suite directory as it is now against what the results recorded.
fn check_against_suite(r: &Results, dir: &Path) -> Vec<Check> {
    let suite = match crate::suite::load_suite(dir, None) {
        Ok(s) => s,
        Err(e) => return vec![fail("suite", crate::error::chain(&e))],
    };
    let mut out = Vec::new();
    let mut diffs = Vec::new();
    if suite.framework_sha256 != r.framework.sha256 {
        diffs.push(format!(
            "framework.yaml is {}, the results recorded {}",
            suite.framework_sha256, r.framework.sha256
        ));
    }
    for f in &r.suite.files {
        match suite.files.iter().find(|x| x.path == f.path) {
            Some(x) if x.sha256 == f.sha256 => {}
            Some(x) => diffs.push(format!("{} is {}, recorded {}", f.path, x.sha256, f.sha256)),
            None => diffs.push(format!("{} is not in the suite", f.path)),
        }
    }
    out.push(if diffs.is_empty() {
        pass(
            "suite files",
            format!(
                "framework and {} files match {}",
                r.suite.files.len(),
                dir.display()
            ),
        )
    } else {
        fail("suite files", listed(diffs))
    });
    let mut diffs = Vec::new();
    if suite.framework != r.framework.definition {
        diffs.push("the framework recorded is not the suite's framework".to_string());
    }
    for c in &r.cases {
        match suite.cases.iter().find(|x| x.case.id == c.id) {
            Some(x)
                if x.case.turns == c.turns
                    && x.case.level == c.level
                    && x.case.mandatory == c.mandatory
                    && x.case.element == c.element => {}
            Some(_) => diffs.push(format!(
                "case {}: its definition differs from the suite's",
                c.id
            )),
            None => diffs.push(format!("case {} is not in the suite", c.id)),
        }
    }
    out.push(if diffs.is_empty() {
        pass(
            "case definitions",
            format!("{} cases and the framework are the suite's", r.cases.len()),
        )
    } else {
        fail("case definitions", listed(diffs))
    });
    out
}
