//! The in-toto Statement v1 a lab signs: its subject is the results file (by SHA-256), its
//! predicate what a reader downstream needs without opening the results — the product, the
//! level, the framework and suite by hash, the lab, the certificate and the dates.
//!
//! Every predicate field but `signed_at` is a function of the results file, so `verify`
//! rebuilds the predicate from the results and compares the two field by field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::results::{Results, Summary};
use crate::suite::model::I18n;

pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The predicate type of an ailevel grade attestation. An identifier, not a download: it
/// names the predicate documented in docs/certification.md.
pub const PREDICATE_TYPE: &str = "https://ailevel.dev/attestation/gbz177-grade/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub type_: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: Predicate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    /// `{"sha256": "<hex>"}`.
    pub digest: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    /// The certificate `run --certify` issued; absent for a signed test result that is not
    /// a certificate.
    pub certificate: Option<crate::lab::Certificate>,
    pub product: Product,
    pub grade: GradeClaim,
    pub framework: FrameworkClaim,
    /// The suite's combined SHA-256 (framework and every case file).
    pub suite_sha256: String,
    pub profile_sha256: String,
    pub harness: String,
    pub lab: Option<LabClaim>,
    pub session: Option<SessionClaim>,
    /// RFC 3339 (UTC), as recorded in the results.
    pub started_at: String,
    pub finished_at: String,
    pub seed: u64,
    pub verdicts: Summary,
    /// When the envelope was signed, RFC 3339 (UTC). The one field not taken from results.
    pub signed_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub vendor: String,
    pub model: String,
    pub category: String,
    pub firmware: String,
    pub build_fingerprint: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    /// Identity fields where the device reported something else than declared.
    pub identity_mismatches: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeClaim {
    /// The level held, e.g. `L3`; null below L1.
    pub level: Option<String>,
    pub provisional: bool,
    pub declared_level: Option<String>,
    pub meets_declared: Option<bool>,
    /// Whether the run was aborted (some trials never ran).
    pub aborted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkClaim {
    pub name: String,
    pub version: String,
    pub sha256: String,
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabClaim {
    pub name: I18n,
    pub accreditation: String,
    pub signing_key_id: String,
    /// SHA-256 of the lab file the run used.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionClaim {
    pub client: Option<String>,
    pub operator: Option<String>,
    pub reviewer: Option<String>,
    pub sample_serial: Option<String>,
    pub sample_imei: Option<String>,
}

/// The predicate for `results`, signed at `signed_at`.
pub fn predicate_of(r: &Results, signed_at: &str) -> Predicate {
    let d = &r.device;
    let c = &r.certification;
    let sample = c.session.as_ref().and_then(|s| s.sample.as_ref());
    Predicate {
        certificate: c.certificate.clone(),
        product: Product {
            vendor: d.vendor.clone(),
            model: d.model.clone(),
            category: d.category.clone(),
            firmware: d.firmware.clone(),
            build_fingerprint: d.build_fingerprint.clone(),
            serial: sample
                .and_then(|s| s.serial.clone())
                .or_else(|| d.serial.clone()),
            imei: sample
                .and_then(|s| s.imei.clone())
                .or_else(|| d.imei.clone()),
            identity_mismatches: c.identity_findings().map(|f| f.field.clone()).collect(),
        },
        grade: GradeClaim {
            level: r.grade.level.clone(),
            provisional: r.grade.provisional,
            declared_level: r.grade.declared_level.clone(),
            meets_declared: r.grade.meets_declared,
            aborted: r.run.aborted,
        },
        framework: FrameworkClaim {
            name: r.framework.definition.name.to_string(),
            version: r.framework.definition.version.clone(),
            sha256: r.framework.sha256.clone(),
            provisional: r.framework.definition.provisional,
        },
        suite_sha256: r.suite.sha256.clone(),
        profile_sha256: d.profile_sha256.clone(),
        harness: format!("{} {}", r.harness.name, r.harness.version),
        lab: c.lab.as_ref().map(|l| LabClaim {
            name: l.lab.name.clone(),
            accreditation: l.lab.accreditation.clone(),
            signing_key_id: l.lab.signing_key_id.clone(),
            sha256: l.sha256.clone(),
        }),
        session: c.session.as_ref().map(|s| SessionClaim {
            client: s.client.clone(),
            operator: s.operator.clone(),
            reviewer: s.reviewer.clone(),
            sample_serial: sample.and_then(|x| x.serial.clone()),
            sample_imei: sample.and_then(|x| x.imei.clone()),
        }),
        started_at: r.run.started_at.clone(),
        finished_at: r.run.finished_at.clone(),
        seed: r.run.seed,
        verdicts: r.summary.clone(),
        signed_at: signed_at.to_string(),
    }
}

/// The statement about the results file `name` whose bytes hash to `sha256`.
pub fn statement(name: &str, sha256: &str, predicate: Predicate) -> Statement {
    Statement {
        type_: STATEMENT_TYPE.into(),
        subject: vec![Subject {
            name: name.to_string(),
            digest: BTreeMap::from([("sha256".to_string(), sha256.to_string())]),
        }],
        predicate_type: PREDICATE_TYPE.into(),
        predicate,
    }
}

/// The bytes that are signed: the statement in RFC 8785 canonical JSON.
pub fn canonical(statement: &Statement) -> Vec<u8> {
    serde_json_canonicalizer::to_vec(statement).expect("a statement serialises")
}
