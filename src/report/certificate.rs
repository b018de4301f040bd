//! The certificate at the top of the HTML report: what a person prints, files and shows.
//! Report number and lab, the product's identity declared against reported, the level, one
//! row per clause of the standard, the conditions of the test, the notices, the signature
//! block and a QR code carrying the certificate id and the results digest.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::device::identity::IdentityStatus;
use crate::results::{Results, Verdict};

use super::Lang;
use super::messages::{self as m, Msg};
use super::names::{self, Names, i18n};

#[derive(Serialize)]
pub(super) struct CertificateView {
    /// True when `run --certify` issued a certificate; otherwise the section is a test
    /// report's cover and says it is not a certificate.
    issued: bool,
    title: &'static str,
    lab: Option<String>,
    lab_accreditation: Option<String>,
    lab_address: Option<String>,
    head_rows: Vec<Row>,
    identity: Vec<IdentityRow>,
    clauses: Vec<ClauseRow>,
    conditions: Vec<Row>,
    equipment: Vec<EquipmentRow>,
    caveats: Vec<String>,
    /// Why no certificate was issued, when a lab file shows a certificate was the aim.
    refused: Vec<String>,
    signatures: Vec<SignatureBox>,
    signature_note: String,
    qr: Option<Qr>,
}

#[derive(Serialize)]
struct Row {
    label: &'static str,
    value: String,
    mono: bool,
}

#[derive(Serialize)]
struct IdentityRow {
    field: &'static str,
    declared: String,
    reported: String,
    /// `match`, `mismatch`, `not-reported` or `not-declared`.
    class: &'static str,
    status: &'static str,
}

#[derive(Serialize)]
struct ClauseRow {
    clause: String,
    cases: u32,
    pass: u32,
    fail: u32,
    inconclusive: u32,
    not_applicable: u32,
    verdict: &'static str,
    verdict_label: &'static str,
}

#[derive(Serialize)]
struct EquipmentRow {
    id: String,
    model: String,
    calibration_due: String,
}

#[derive(Serialize)]
struct SignatureBox {
    role: &'static str,
    name: String,
}

#[derive(Serialize)]
struct Qr {
    /// SVG path data of the dark modules, quiet zone included in the view box.
    path: String,
    size: usize,
    payload: String,
}

/// The most characters a certificate shows of one record field (a name, an address, a
/// serial): enough for any real one; a longer value from a hostile or broken file is cut
/// so it cannot push the certificate off its two pages.
pub(super) const FIELD_MAX: usize = 160;

/// A sentence (a refusal reason quoting record fields) is allowed a few fields' worth.
const SENTENCE_MAX: usize = 600;

fn clip(s: &str) -> String {
    crate::text::clip(s, FIELD_MAX)
}

fn row(label: Msg, lang: Lang, value: impl Into<String>) -> Row {
    Row {
        label: label.get(lang),
        value: clip(&value.into()),
        mono: false,
    }
}

fn mono(label: Msg, lang: Lang, value: impl Into<String>) -> Row {
    Row {
        mono: true,
        ..row(label, lang, value)
    }
}

/// A time from the results as the lab reads it: in the lab's zone when there is a lab.
pub(super) fn time(r: &Results, rfc3339: &str) -> String {
    r.certification
        .lab
        .as_ref()
        .and_then(|l| crate::lab::local_time(rfc3339, &l.lab.time_zone))
        .unwrap_or_else(|| rfc3339.to_string())
}

/// `notices` are [`names::notices`] of the results, tallied by the caller; `digest` is the
/// results file's SHA-256 ([`crate::attest::results_digest`]).
pub(super) fn view(
    r: &Results,
    names: &Names,
    notices: &[(bool, String)],
    digest: &str,
) -> CertificateView {
    let lang = names.lang;
    let c = &r.certification;
    let lab = c.lab.as_ref().map(|l| &l.lab);
    let session = c.session.as_ref();
    let none = || "—".to_string();
    let cert = c.certificate.as_ref();
    let mut head_rows = vec![
        mono(
            m::CERT_NUMBER,
            lang,
            cert.map_or_else(none, |c| c.id.clone()),
        ),
        row(
            m::CERT_ISSUED,
            lang,
            cert.map_or_else(none, |c| c.issued.clone()),
        ),
    ];
    if let Some(until) = cert.and_then(|c| c.valid_until.as_ref()) {
        head_rows.push(row(m::CERT_VALID_UNTIL, lang, until.clone()));
    }
    head_rows.push(row(
        m::CLIENT,
        lang,
        session.and_then(|s| s.client.clone()).unwrap_or_else(none),
    ));
    head_rows.push(row(
        m::PRODUCT,
        lang,
        format!(
            "{} {} · {}",
            r.device.vendor,
            r.device.model,
            category(r, lang)
        ),
    ));

    let mut conditions = Vec::new();
    let sample = session.and_then(|s| s.sample.as_ref());
    let serial = sample
        .and_then(|s| s.serial.clone())
        .or_else(|| r.device.serial.clone());
    let imei = sample
        .and_then(|s| s.imei.clone())
        .or_else(|| r.device.imei.clone());
    conditions.push(mono(m::SAMPLE_SERIAL, lang, serial.unwrap_or_else(none)));
    if let Some(imei) = imei {
        conditions.push(mono(m::SAMPLE_IMEI, lang, imei));
    }
    if let Some(s) = sample {
        if let Some(id) = &s.lab_id {
            conditions.push(mono(m::SAMPLE_LAB_ID, lang, id.clone()));
        }
        if let Some(d) = &s.received {
            conditions.push(row(m::SAMPLE_RECEIVED, lang, d.clone()));
        }
        if let Some(cond) = &s.condition {
            conditions.push(row(m::SAMPLE_CONDITION, lang, cond.clone()));
        }
    }
    conditions.push(row(
        m::TEST_PERIOD,
        lang,
        format!(
            "{} — {}",
            time(r, &r.run.started_at),
            time(r, &r.run.finished_at)
        ),
    ));
    if let Some(e) = session.and_then(|s| s.environment.as_ref()) {
        let mut parts = Vec::new();
        if let Some(room) = &e.room {
            parts.push(room.clone());
        }
        if let Some(db) = e.noise_dba {
            parts.push(m::ENV_NOISE.fill(lang, &[("db", &format!("{db}"))]));
        }
        if let Some(t) = e.temperature_c {
            parts.push(m::ENV_TEMPERATURE.fill(lang, &[("c", &format!("{t}"))]));
        }
        if let Some(h) = e.humidity_pct {
            parts.push(m::ENV_HUMIDITY.fill(lang, &[("pct", &format!("{h}"))]));
        }
        conditions.push(row(m::ENVIRONMENT, lang, parts.join(m::LIST_SEP.get(lang))));
        if let Some(n) = &e.network {
            conditions.push(row(m::NETWORK, lang, n.clone()));
        }
    }
    conditions.push(row(
        m::FRAMEWORK,
        lang,
        format!(
            "{} {}",
            r.framework.definition.name.get(lang == Lang::Zh),
            r.framework.definition.version
        ),
    ));
    conditions.push(mono(m::FRAMEWORK_SHA256, lang, r.framework.sha256.clone()));
    conditions.push(mono(m::SUITE_SHA256, lang, r.suite.sha256.clone()));
    conditions.push(row(
        m::HARNESS,
        lang,
        format!(
            "{} {} · {} {}",
            r.harness.name,
            r.harness.version,
            m::SEED.get(lang),
            r.run.seed
        ),
    ));

    let equipment = session
        .map(|s| {
            s.equipment
                .iter()
                .map(|e| EquipmentRow {
                    id: clip(&e.id),
                    model: clip(&e.model),
                    calibration_due: e.calibration_due.as_deref().map_or_else(none, clip),
                })
                .collect()
        })
        .unwrap_or_default();

    let mut caveats = vec![m::CAVEAT_SAMPLE.fill(lang, &[("firmware", &r.device.firmware)])];
    if c.identity_findings().next().is_some() {
        caveats.push(m::CAVEAT_IDENTITY.get(lang).to_string());
    }
    caveats.extend(notices.iter().map(|(_, t)| t.clone()));

    let refused = match (cert, lab) {
        (None, Some(_)) => crate::attest::certify::refusals(r)
            .iter()
            .map(|why| {
                crate::text::clip(
                    &crate::msg::localise(&why.en(), Some(why), lang),
                    SENTENCE_MAX,
                )
            })
            .collect(),
        _ => Vec::new(),
    };

    let signatures = vec![
        SignatureBox {
            role: m::SIG_OPERATOR.get(lang),
            name: session
                .and_then(|s| s.operator.as_deref())
                .map_or_else(String::new, clip),
        },
        SignatureBox {
            role: m::SIG_REVIEWER.get(lang),
            name: session
                .and_then(|s| s.reviewer.as_deref())
                .map_or_else(String::new, clip),
        },
        SignatureBox {
            role: m::SIG_APPROVER.get(lang),
            name: lab
                .and_then(|l| l.signatory.as_deref())
                .map_or_else(String::new, clip),
        },
    ];
    let signature_note = match lab {
        Some(l) => m::SIGNATURE_NOTE.fill(lang, &[("key", &l.signing_key_id), ("digest", digest)]),
        None => m::SIGNATURE_NOTE_NO_LAB.fill(lang, &[("digest", digest)]),
    };
    let qr = crate::attest::qr_payload_with(r, digest).and_then(|p| qr(&p.encode()));

    CertificateView {
        issued: cert.is_some(),
        title: if cert.is_some() {
            m::CERT_TITLE.get(lang)
        } else {
            m::CERT_TITLE_NONE.get(lang)
        },
        lab: lab.map(|l| clip(i18n(&l.name, lang))),
        lab_accreditation: lab.map(|l| clip(&l.accreditation)),
        lab_address: lab.map(|l| clip(&l.address)),
        head_rows,
        identity: identity(r, lang),
        clauses: clauses(r, lang),
        conditions,
        equipment,
        caveats,
        refused,
        signatures,
        signature_note,
        qr,
    }
}

fn category(r: &Results, lang: Lang) -> String {
    let id = &r.device.category;
    r.framework
        .definition
        .categories
        .iter()
        .find(|c| &c.id == id)
        .map_or_else(|| id.clone(), |c| i18n(&c.name, lang).to_string())
}

fn identity(r: &Results, lang: Lang) -> Vec<IdentityRow> {
    r.certification
        .identity
        .iter()
        .map(|f| {
            let (class, status) = match f.status {
                IdentityStatus::Match => ("match", m::ID_MATCH),
                IdentityStatus::Mismatch => ("mismatch", m::ID_MISMATCH),
                IdentityStatus::NotReported => ("not-reported", m::ID_NOT_REPORTED),
                IdentityStatus::NotDeclared => ("not-declared", m::ID_NOT_DECLARED),
            };
            let field = match f.field.as_str() {
                "vendor" => m::VENDOR,
                "model" => m::MODEL,
                "category" => m::CATEGORY,
                "firmware" => m::FIRMWARE,
                "build_fingerprint" => m::BUILD_FINGERPRINT,
                _ => m::SAMPLE_SERIAL,
            };
            IdentityRow {
                field: field.get(lang),
                declared: f.declared.as_deref().map_or_else(|| "—".into(), clip),
                reported: f.reported.as_deref().map_or_else(|| "—".into(), clip),
                class,
                status: status.get(lang),
            }
        })
        .collect()
}

/// The single clauses a case's `clause` names: `177.3 §5.2, Annex A` is `177.3 §5.2` and
/// `177.3 Annex A` (a reference without a part takes the part before it), and topics in
/// parentheses (`177.2 Annex A (weather)`) belong to the clause, not a clause of their own.
pub(super) fn split_clauses(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut part: Option<String> = None;
    for raw in s.split([',', ';', '，', '；']) {
        let mut r = raw.trim().to_string();
        if let Some(open) = r.find('(') {
            r = r[..open].trim().to_string();
        }
        if r.is_empty() {
            continue;
        }
        let first = r.split_whitespace().next().unwrap_or("");
        if first.starts_with("177.") {
            part = Some(first.to_string());
        } else if let Some(p) = &part {
            r = format!("{p} {r}");
        }
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Ordering of clauses as the standard reads: by part, then sections before annexes, numbers
/// compared as numbers.
fn clause_key(c: &str) -> Vec<(u8, u64, String)> {
    c.split(|ch: char| ch.is_whitespace() || ch == '.' || ch == '§')
        .filter(|s| !s.is_empty())
        .map(|seg| match seg.parse::<u64>() {
            Ok(n) => (0, n, String::new()),
            Err(_) if seg == "Annex" => (1, 0, String::new()),
            Err(_) => (2, 0, seg.to_string()),
        })
        .collect()
}

fn clauses(r: &Results, lang: Lang) -> Vec<ClauseRow> {
    let mut map: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    for c in &r.cases {
        let slot = match c.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Inconclusive => 2,
            Verdict::NotApplicable => 3,
        };
        for clause in split_clauses(&c.clause) {
            map.entry(clause).or_default()[slot] += 1;
        }
    }
    let mut rows: Vec<(String, [u32; 4])> = map.into_iter().collect();
    rows.sort_by(|a, b| clause_key(&a.0).cmp(&clause_key(&b.0)).then(a.0.cmp(&b.0)));
    rows.into_iter()
        .map(|(clause, [pass, fail, inconclusive, not_applicable])| {
            let verdict = if fail > 0 {
                Verdict::Fail
            } else if inconclusive > 0 {
                Verdict::Inconclusive
            } else if pass > 0 {
                Verdict::Pass
            } else {
                Verdict::NotApplicable
            };
            ClauseRow {
                clause,
                cases: pass + fail + inconclusive + not_applicable,
                pass,
                fail,
                inconclusive,
                not_applicable,
                verdict: verdict.as_str(),
                verdict_label: names::verdict(verdict, lang),
            }
        })
        .collect()
}

/// The QR code as SVG path data: one `h1v1h-1z` square per dark module, with the four-module
/// quiet zone the QR specification asks for.
fn qr(payload: &str) -> Option<Qr> {
    use qrcode::{Color, EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some(Qr {
        path,
        size: width + 2 * quiet,
        payload: payload.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_clause_strings_become_single_clauses() {
        assert_eq!(
            split_clauses("177.3 §5.2, Annex A"),
            ["177.3 §5.2", "177.3 Annex A"]
        );
        assert_eq!(
            split_clauses("177.1 §5 (security management), 177.2 §6.1"),
            ["177.1 §5", "177.2 §6.1"]
        );
        assert_eq!(
            split_clauses("177.2 §6.2, 177.2 Annex A (datetime)"),
            ["177.2 §6.2", "177.2 Annex A"]
        );
        assert_eq!(
            split_clauses("177.3 Annex C (tier 1), 177.3 Annex C (tier 2)"),
            ["177.3 Annex C"]
        );
    }

    #[test]
    fn clauses_sort_as_the_standard_reads() {
        let mut v = vec![
            "177.3 Annex A",
            "177.2 §10.1",
            "177.2 §6.1",
            "177.1 §7.1",
            "177.2 Annex A",
        ];
        v.sort_by_key(|a| clause_key(a));
        assert_eq!(
            v,
            [
                "177.1 §7.1",
                "177.2 §6.1",
                "177.2 §10.1",
                "177.2 Annex A",
                "177.3 Annex A"
            ]
        );
    }

    #[test]
    fn the_qr_code_is_a_square_of_modules_in_a_quiet_zone() {
        let q = qr("ailevel:cert/1?id=X&lab=L&level=L3&sha256=00").unwrap();
        assert!(q.size >= 21 + 8);
        assert!(
            q.path.starts_with("M4 4h1v1h-1z"),
            "the finder pattern's corner is dark"
        );
    }
}
