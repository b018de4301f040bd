//! `ailevel verify`: everything a signed results file claims, checked. Each check is
//! independent, so one failure does not hide another: the envelope's signature by a trusted
//! key, the statement, the subject digest against the results file's bytes, the predicate
//! against the results, every hash the results embed, the identity comparison, the
//! certificate, and the verdicts and grade re-derived from the transcripts through the same
//! code `regrade` uses. With a suite directory, the suite's files, framework and case
//! definitions are compared with what the results recorded.
//!
//! Each outcome is a message of the catalogue ([`crate::msg`]), so `verify` and `catalog add`
//! print it in the reader's language; quoted values (hashes, paths, what a file holds) and
//! errors from the layers below are shown as they are.

use std::path::Path;

use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use super::dsse::{self, Envelope, IN_TOTO_PAYLOAD_TYPE};
use super::statement::{self, PREDICATE_TYPE, STATEMENT_TYPE, Statement};
use crate::hash::{combined, sha256_hex};
use crate::msg::{self, Arg, Lang, Message, Template};
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
    pub detail: Message,
}

impl Check {
    /// The check's name in `lang` (the English name is also its key).
    pub fn label(&self, lang: Lang) -> String {
        let t: Template = match self.name {
            "envelope" => msg::VERIFY_NAME_ENVELOPE,
            "signature" => msg::VERIFY_NAME_SIGNATURE,
            "statement" => msg::VERIFY_NAME_STATEMENT,
            "subject" => msg::VERIFY_NAME_SUBJECT,
            "results" => msg::VERIFY_NAME_RESULTS,
            "predicate" => msg::VERIFY_NAME_PREDICATE,
            "lab key" => msg::VERIFY_NAME_LAB_KEY,
            "suite hash" => msg::VERIFY_NAME_SUITE_HASH,
            "fixtures" => msg::VERIFY_NAME_FIXTURES,
            "identity" => msg::VERIFY_NAME_IDENTITY,
            "certificate" => msg::VERIFY_NAME_CERTIFICATE,
            "regrade" => msg::VERIFY_NAME_REGRADE,
            "suite" => msg::VERIFY_NAME_SUITE,
            "suite files" => msg::VERIFY_NAME_SUITE_FILES,
            "case definitions" => msg::VERIFY_NAME_CASE_DEFINITIONS,
            other => return other.to_string(),
        };
        render(&t.msg(), lang)
    }

    /// What was checked, or what failed, in `lang`.
    pub fn detail(&self, lang: Lang) -> String {
        render(&self.detail, lang)
    }
}

/// Every message here is in this version's catalogue; English if one were not.
fn render(m: &Message, lang: Lang) -> String {
    m.render(lang).unwrap_or_else(|| m.en())
}

/// The key id of the envelope's verified signer, when the signature verified.
pub fn signer(checks: &[Check]) -> Option<String> {
    checks
        .iter()
        .find(|c| c.name == "signer")
        .and_then(|c| match c.detail.args.get("text") {
            Some(Arg::Value(k)) => Some(k.clone()),
            _ => None,
        })
}

fn pass(name: &'static str, detail: Message) -> Check {
    Check {
        name,
        ok: true,
        detail,
    }
}

fn fail(name: &'static str, detail: Message) -> Check {
    Check {
        name,
        ok: false,
        detail,
    }
}

/// An error from a layer below, shown as it is inside a sentence of `t`.
fn error(t: Template, e: impl Into<String>) -> Message {
    t.with("error", e.into())
}

/// The first [`MAX_LISTED`] items joined, and how many more there were.
fn listed(mut items: Vec<Message>) -> Message {
    let more = items.len().saturating_sub(MAX_LISTED);
    items.truncate(MAX_LISTED);
    let mut joined = items.pop().unwrap_or_else(|| msg::NONE.msg());
    while let Some(first) = items.pop() {
        joined = msg::LIST_JOIN.with("first", first).with("rest", joined);
    }
    if more > 0 {
        joined = msg::VERIFY_LIST_MORE
            .with("list", joined)
            .with("more", more);
    }
    joined
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
                    pass("subject", msg::VERIFY_SUBJECT_OK.with("digest", d))
                }
                Some(c) => fail(
                    "subject",
                    msg::VERIFY_SUBJECT_CHANGED
                        .with("digest", d)
                        .with("signed", c),
                ),
                None => fail("subject", msg::VERIFY_SUBJECT_NONE.msg()),
            });
        }
        (None, Some(_)) => checks.push(fail("subject", msg::VERIFY_SUBJECT_UNVERIFIED.msg())),
        (_, None) => {}
    }
    let results = match bytes {
        Ok(b) => match crate::results::parse(inputs.results, &b) {
            Ok(r) => {
                checks.push(pass("results", msg::VERIFY_RESULTS_OK.msg()));
                Some(r)
            }
            Err(e) => {
                checks.push(fail(
                    "results",
                    error(msg::VERIFY_RESULTS_BAD, crate::error::chain(&e)),
                ));
                None
            }
        },
        Err(e) => {
            checks.push(fail("results", error(msg::VERIFY_RESULTS_BAD, e)));
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
    let bytes = match read_capped(inputs.envelope, dsse::MAX_ENVELOPE_BYTES) {
        Ok(b) => b,
        Err(e) => {
            checks.push(fail("envelope", error(msg::VERIFY_ENVELOPE_UNREADABLE, e)));
            return None;
        }
    };
    let env: Envelope = match serde_json::from_slice(&bytes) {
        Ok(env) => env,
        Err(e) => {
            checks.push(fail(
                "envelope",
                error(msg::VERIFY_ENVELOPE_NOT_DSSE, e.to_string()),
            ));
            return None;
        }
    };
    if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
        checks.push(fail(
            "envelope",
            msg::VERIFY_PAYLOAD_TYPE
                .with("got", &env.payload_type)
                .with("want", IN_TOTO_PAYLOAD_TYPE),
        ));
        return None;
    }
    checks.push(pass(
        "envelope",
        msg::VERIFY_ENVELOPE_OK.with("type", IN_TOTO_PAYLOAD_TYPE),
    ));
    if inputs.trusted.is_empty() {
        checks.push(fail("signature", msg::VERIFY_NO_TRUST.msg()));
        return None;
    }
    let verified = match dsse::verify(&env, inputs.trusted) {
        Ok(v) => {
            checks.push(pass(
                "signature",
                msg::VERIFY_SIGNATURE_OK.with("key", &v.key_id),
            ));
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
            checks.push(fail(
                "statement",
                error(msg::VERIFY_STATEMENT_BAD, e.to_string()),
            ));
            return None;
        }
    };
    if st.type_ != STATEMENT_TYPE || st.predicate_type != PREDICATE_TYPE {
        checks.push(fail(
            "statement",
            msg::VERIFY_STATEMENT_TYPE
                .with("type", &st.type_)
                .with("predicate", &st.predicate_type)
                .with("want_type", STATEMENT_TYPE)
                .with("want_predicate", PREDICATE_TYPE),
        ));
        return None;
    }
    checks.push(pass(
        "statement",
        msg::VERIFY_STATEMENT_OK.with("predicate", PREDICATE_TYPE),
    ));
    // Remembered for the lab-key check and for `catalog add`; not printed.
    checks.push(Check {
        name: "signer",
        ok: true,
        detail: msg::TEXT.with("text", verified.key_id),
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
        _ => return fail("predicate", msg::VERIFY_PREDICATE_UNSERIALISABLE.msg()),
    };
    let mut diffs = Vec::new();
    diff_values("", &a, &b, &mut diffs);
    if diffs.is_empty() {
        let level: Arg = match r.grade.level.as_deref() {
            Some(l) => l.into(),
            None => msg::NONE.msg().into(),
        };
        pass("predicate", msg::VERIFY_PREDICATE_OK.with("level", level))
    } else {
        fail(
            "predicate",
            msg::VERIFY_PREDICATE_DIFF.with("diffs", listed(diffs)),
        )
    }
}

fn diff_values(path: &str, signed: &Value, recorded: &Value, out: &mut Vec<Message>) {
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
        (a, b) if a != b => out.push(
            msg::VERIFY_VALUE_DIFF
                .with("path", path)
                .with("signed", crate::text::truncate(&a.to_string(), 80))
                .with("recorded", crate::text::truncate(&b.to_string(), 80)),
        ),
        _ => {}
    }
}

/// A lab's results must be signed with the key the lab file names.
fn check_lab_key(r: &Results, checks: &[Check]) -> Check {
    match (&r.certification.lab, signer(checks)) {
        (Some(l), Some(k)) if l.lab.signing_key_id == k => pass(
            "lab key",
            msg::VERIFY_LAB_KEY_OK.with("lab", &l.lab.accreditation),
        ),
        (Some(l), Some(k)) => fail(
            "lab key",
            msg::VERIFY_LAB_KEY_OTHER
                .with("key", k)
                .with("named", &l.lab.signing_key_id),
        ),
        (None, _) => pass("lab key", msg::VERIFY_LAB_KEY_NO_LAB.msg()),
        (Some(_), None) => fail("lab key", msg::VERIFY_LAB_KEY_NO_SIGNER.msg()),
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
            msg::VERIFY_SUITE_HASH_OK
                .with("hash", got)
                .with("files", r.suite.files.len()),
        )
    } else {
        fail(
            "suite hash",
            msg::VERIFY_SUITE_HASH_BAD
                .with("recorded", &r.suite.sha256)
                .with("got", got),
        )
    }
}

fn check_fixtures(r: &Results) -> Check {
    use base64::Engine;
    let bad: Vec<Message> = r
        .fixtures
        .iter()
        .filter(|f| {
            base64::engine::general_purpose::STANDARD
                .decode(f.data_b64.as_bytes())
                .map_or(true, |d| sha256_hex(&d) != f.sha256)
        })
        .map(|f| {
            msg::VERIFY_FIXTURE_BAD
                .with("path", &f.path)
                .with("sha256", &f.sha256)
        })
        .collect();
    if bad.is_empty() {
        pass(
            "fixtures",
            match r.fixtures.len() {
                1 => msg::VERIFY_FIXTURES_OK_ONE.msg(),
                n => msg::VERIFY_FIXTURES_OK.with("n", n),
            },
        )
    } else {
        fail("fixtures", listed(bad))
    }
}

fn check_identity(r: &Results) -> Check {
    let derived = r.derive_identity();
    if derived != r.certification.identity {
        return fail("identity", msg::VERIFY_IDENTITY_REDERIVED.msg());
    }
    let findings: Vec<Message> = r
        .certification
        .identity_findings()
        .map(|f| {
            msg::VERIFY_IDENTITY_FINDING
                .with("field", super::certify::field_name(&f.field))
                .with("declared", f.declared.as_deref().unwrap_or(""))
                .with("reported", f.reported.as_deref().unwrap_or(""))
        })
        .collect();
    match (&r.certification.certificate, findings.is_empty()) {
        (_, true) => pass("identity", msg::VERIFY_IDENTITY_OK.msg()),
        (Some(_), false) => fail(
            "identity",
            msg::VERIFY_IDENTITY_CERT_MISMATCH.with("findings", listed(findings)),
        ),
        (None, false) => pass(
            "identity",
            msg::VERIFY_IDENTITY_RECORDED.with("findings", listed(findings)),
        ),
    }
}

fn check_certificate(r: &Results) -> Check {
    let Some(cert) = &r.certification.certificate else {
        return pass("certificate", msg::VERIFY_CERT_NONE.msg());
    };
    match super::certify::issue(r) {
        Ok(c) if &c == cert => pass(
            "certificate",
            msg::VERIFY_CERT_OK
                .with("id", &c.id)
                .with("issued", &c.issued),
        ),
        Ok(c) => fail(
            "certificate",
            msg::VERIFY_CERT_DIFF
                .with("id", &cert.id)
                .with("issued", &cert.issued)
                .with("want_id", &c.id)
                .with("want_issued", &c.issued),
        ),
        Err(why) => fail(
            "certificate",
            msg::VERIFY_CERT_REFUSED
                .with("id", &cert.id)
                .with("why", listed(why)),
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
            msg::VERIFY_REGRADE_OK
                .with(
                    "checks",
                    r.cases
                        .iter()
                        .flat_map(|c| &c.trials)
                        .flat_map(|t| &t.turns)
                        .map(|t| t.checks.len())
                        .sum::<usize>(),
                )
                .with("trials", r.summary.trials)
                .with("cases", r.cases.len()),
        ),
        (true, false) => fail("regrade", msg::VERIFY_REGRADE_COUNTS.msg()),
        (false, _) => fail(
            "regrade",
            msg::VERIFY_REGRADE_DIFF.with("diffs", listed(diffs)),
        ),
    }
}

/// Named differences between recorded and re-derived results: the conclusions `report`
/// also refuses on, then what a signature must also cover (trial counts, each check's
/// result and reason, scores and summary).
pub fn regrade_diffs(rec: &Results, der: &Results) -> Vec<Message> {
    let mut out = crate::grade::conclusion_diffs(rec, der);
    let word = |passed: bool| if passed { "pass" } else { "fail" };
    for (a, b) in rec.cases.iter().zip(&der.cases) {
        if (a.passed, a.failed, a.errored) != (b.passed, b.failed, b.errored) {
            out.push(
                msg::DIFF_TRIAL_COUNTS
                    .with("case", &a.id)
                    .with("stored", format!("{}/{}/{}", a.passed, a.failed, a.errored))
                    .with(
                        "derived",
                        format!("{}/{}/{}", b.passed, b.failed, b.errored),
                    ),
            );
        }
        for (ta, tb) in a.trials.iter().zip(&b.trials) {
            for (n, (ua, ub)) in ta.turns.iter().zip(&tb.turns).enumerate() {
                for (k, (ca, cb)) in ua.checks.iter().zip(&ub.checks).enumerate() {
                    if ca.passed != cb.passed || ca.reason != cb.reason {
                        out.push(
                            msg::DIFF_CHECK
                                .with("case", &a.id)
                                .with("trial", ta.index + 1)
                                .with("turn", n + 1)
                                .with("check", k + 1)
                                .with("stored", word(ca.passed))
                                .with("stored_reason", crate::text::truncate(&ca.reason, 80))
                                .with("derived", word(cb.passed))
                                .with("derived_reason", crate::text::truncate(&cb.reason, 80)),
                        );
                    }
                }
            }
        }
    }
    let (g, d) = (&rec.grade, &der.grade);
    if g.provisional != d.provisional || g.blocking != d.blocking {
        out.push(msg::DIFF_GRADE_FLAGS.msg());
    }
    if rec.summary != der.summary {
        out.push(msg::DIFF_SUMMARY.msg());
    }
    if rec.scores != der.scores {
        out.push(msg::DIFF_SCORES.msg());
    }
    out
}

/// The suite directory as it is now against what the results recorded.
fn check_against_suite(r: &Results, dir: &Path) -> Vec<Check> {
    let suite = match crate::suite::load_suite(dir, None) {
        Ok(s) => s,
        Err(e) => {
            return vec![fail(
                "suite",
                error(msg::VERIFY_SUITE_BAD, crate::error::chain(&e)),
            )];
        }
    };
    let mut out = Vec::new();
    let mut diffs: Vec<Message> = Vec::new();
    if suite.framework_sha256 != r.framework.sha256 {
        diffs.push(
            msg::VERIFY_FRAMEWORK_FILE_DIFF
                .with("got", &suite.framework_sha256)
                .with("recorded", &r.framework.sha256),
        );
    }
    for f in &r.suite.files {
        match suite.files.iter().find(|x| x.path == f.path) {
            Some(x) if x.sha256 == f.sha256 => {}
            Some(x) => diffs.push(
                msg::VERIFY_SUITE_FILE_DIFF
                    .with("path", &f.path)
                    .with("got", &x.sha256)
                    .with("recorded", &f.sha256),
            ),
            None => diffs.push(msg::VERIFY_SUITE_FILE_MISSING.with("path", &f.path)),
        }
    }
    out.push(if diffs.is_empty() {
        pass(
            "suite files",
            msg::VERIFY_SUITE_FILES_OK
                .with("files", r.suite.files.len())
                .with("dir", dir.display().to_string()),
        )
    } else {
        fail("suite files", listed(diffs))
    });
    let mut diffs: Vec<Message> = Vec::new();
    if suite.framework != r.framework.definition {
        diffs.push(msg::VERIFY_FRAMEWORK_DEF_DIFF.msg());
    }
    for c in &r.cases {
        match suite.cases.iter().find(|x| x.case.id == c.id) {
            Some(x)
                if x.case.turns == c.turns
                    && x.case.level == c.level
                    && x.case.mandatory == c.mandatory
                    && x.case.element == c.element => {}
            Some(_) => diffs.push(msg::VERIFY_CASE_DEF_DIFF.with("case", &c.id)),
            None => diffs.push(msg::VERIFY_CASE_MISSING.with("case", &c.id)),
        }
    }
    out.push(if diffs.is_empty() {
        pass(
            "case definitions",
            msg::VERIFY_CASES_OK.with("cases", r.cases.len()),
        )
    } else {
        fail("case definitions", listed(diffs))
    });
    out
}
