//! Lab and session records: who tested, where, when, on what sample, with what equipment.
//!
//! The **lab file** (`--lab FILE` or `AILEVEL_LAB`, TOML, `schemas/lab.schema.json`) describes
//! the lab once: its name in both languages, accreditation number, address, IANA time zone,
//! report-number pattern and the id of the key it signs with. The **session file**
//! (`run --session FILE`, `schemas/session.schema.json`) describes one run: client, operator,
//! reviewer, the sample's identity, the environment and the equipment. Both are copied into
//! results, so a report and a signature need nothing else.

use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::msg::{self, Message};
use crate::schema::Kind;
use crate::suite::model::I18n;

pub const LAB_SCHEMA: &str = "ailevel.lab/1";
pub const SESSION_SCHEMA: &str = "ailevel.session/1";

/// Largest lab or session file we read.
const MAX_BYTES: u64 = 256 * 1024;

/// The lab file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// `ailevel.lab/1`.
    #[schemars(extend("const" = "ailevel.lab/1"))]
    pub schema: String,
    /// The lab's name, `"zh-CN"` and `en`.
    pub name: I18n,
    /// Accreditation number, e.g. a CNAS registration `CNAS L12345`.
    #[schemars(length(min = 1))]
    pub accreditation: String,
    pub address: String,
    /// IANA time zone the lab works in, e.g. `Asia/Shanghai`; reports show times in it.
    pub time_zone: String,
    /// Report-number pattern: literal text with `{yyyy}`, `{yy}`, `{mm}`, `{dd}` (the run's
    /// start date in the lab's zone), `{category}`, `{seq}` or `{seq:N}` (the session's
    /// sequence number, zero-padded to N digits), e.g. `AIL-{yyyy}{mm}-{seq:04}`.
    #[schemars(length(min = 1))]
    pub report_number: String,
    /// Id of the Ed25519 key the lab signs with (`ailevel keygen` prints it); `ailevel sign`
    /// refuses any other key for this lab's results.
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub signing_key_id: String,
    /// Who signs certificates for the lab (name and title), printed in the signature block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatory: Option<String>,
    /// How long a certificate is valid, in months from its issue date (default: no expiry
    /// date is printed; a catalogue's policy may still bound a certificate's age).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 120))]
    pub validity_months: Option<u32>,
}

/// A certificate `run --certify` issued: its number and dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// The report number, which is the certificate's id.
    pub id: String,
    /// Issue date in the lab's zone, `YYYY-MM-DD`: the date the run finished.
    pub issued: String,
    /// Last day of validity, `YYYY-MM-DD`, when the lab sets `validity_months`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// The session file: one run's people, sample, environment and equipment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// `ailevel.session/1`.
    #[schemars(extend("const" = "ailevel.session/1"))]
    pub schema: String,
    /// Who commissioned the test (委托方).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Who ran the test (检验员).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Who reviewed it (审核员); must not be the operator for a certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// The lab's running number for this report, filling `{seq}` in the lab's pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    /// The report number, when the lab assigns it by hand (overrides the pattern).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<Sample>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equipment: Vec<Equipment>,
}

/// The unit under test as received.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// Serial number (SN); compared with what the device reports when it reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{14,16}$"))]
    pub imei: Option<String>,
    /// The lab's own sample number (样品编号).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab_id: Option<String>,
    /// Date the sample was received, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub received: Option<String>,
    /// Condition on receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// Test environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// Ambient noise, dB(A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 140.0))]
    pub noise_dba: Option<f64>,
    /// Temperature, °C.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -40.0, max = 85.0))]
    pub temperature_c: Option<f64>,
    /// Relative humidity, %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub humidity_pct: Option<f64>,
    /// The network the device was on, e.g. `isolated Wi-Fi 6, 5 GHz, no internet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
}

/// A piece of test equipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    /// The lab's asset number.
    #[schemars(length(min = 1))]
    pub id: String,
    pub model: String,
    /// Calibration due date, `YYYY-MM-DD`; a certificate is refused when it is before the
    /// test date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub calibration_due: Option<String>,
}

/// The lab as recorded in results: the file's path and hash, and what it said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabRef {
    pub path: String,
    pub sha256: String,
    pub lab: Lab,
}

/// Read and check a lab file; returns it with its SHA-256.
pub fn load_lab(path: &Path) -> Result<(Lab, String)> {
    let (lab, text): (Lab, String) = load_toml(path, Kind::Lab)?;
    let mut problems = Vec::new();
    let mut push = |field: &str, message: String| {
        problems.push(problem(path, &text, field, message));
    };
    if chrono_tz::Tz::from_str(&lab.time_zone).is_err() {
        push(
            "/time_zone",
            format!(
                "`{}` is not an IANA time zone (e.g. `Asia/Shanghai`)",
                lab.time_zone
            ),
        );
    }
    if let Err(e) = check_pattern(&lab.report_number) {
        push("/report_number", e);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok((lab, crate::hash::sha256_hex(text.as_bytes())))
}

/// Read and check a session file.
pub fn load_session(path: &Path) -> Result<Session> {
    let (session, text): (Session, String) = load_toml(path, Kind::Session)?;
    let mut problems = Vec::new();
    let mut date = |field: &str, value: Option<&str>| {
        if let Some(v) = value
            && NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err()
        {
            problems.push(problem(
                path,
                &text,
                field,
                format!("`{v}` is not a date (YYYY-MM-DD)"),
            ));
        }
    };
    date(
        "/sample/received",
        session.sample.as_ref().and_then(|s| s.received.as_deref()),
    );
    for (i, e) in session.equipment.iter().enumerate() {
        date(
            &format!("/equipment/{i}/calibration_due"),
            e.calibration_due.as_deref(),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(session)
}

fn problem(path: &Path, text: &str, field: &str, message: String) -> Problem {
    Problem {
        file: path.to_path_buf(),
        line: crate::files::toml_line_of(text, field),
        column: None,
        field: Some(field.to_string()),
        message,
    }
}

/// Schema first (every violation with its line), then the types; returns the text too.
fn load_toml<T: DeserializeOwned>(path: &Path, kind: Kind) -> Result<(T, String)> {
    let text = crate::files::read_text(path, MAX_BYTES)?;
    let parsed = crate::files::parse_toml(path, &text, kind)?;
    Ok((parsed, text))
}

/// The placeholders of a report-number pattern, checked: unknown names, unclosed braces and
/// widths beyond 9 are errors.
fn check_pattern(pattern: &str) -> std::result::Result<(), String> {
    fill_pattern(pattern, &Fill::default()).map(|_| ())
}

/// What fills a report-number pattern.
#[derive(Debug, Default)]
struct Fill<'a> {
    date: Option<NaiveDate>,
    category: &'a str,
    seq: Option<u32>,
}

fn fill_pattern(pattern: &str, fill: &Fill<'_>) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in report-number pattern `{pattern}`"))?;
        let name = &after[..close];
        let date = || fill.date.unwrap_or_default();
        match name.split_once(':') {
            None => match name {
                "yyyy" => out.push_str(&format!("{:04}", date().year())),
                "yy" => out.push_str(&format!("{:02}", date().year() % 100)),
                "mm" => out.push_str(&format!("{:02}", date().month())),
                "dd" => out.push_str(&format!("{:02}", date().day())),
                "category" => out.push_str(fill.category),
                "seq" => out.push_str(&fill.seq.unwrap_or_default().to_string()),
                other => return Err(unknown(other)),
            },
            Some(("seq", width)) => {
                let w: usize = width
                    .parse()
                    .ok()
                    .filter(|w| (1..=9).contains(w))
                    .ok_or_else(|| format!("`{{seq:{width}}}`: the width must be 1 to 9"))?;
                out.push_str(&format!("{:0w$}", fill.seq.unwrap_or_default()));
            }
            Some(_) => return Err(unknown(name)),
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("stray `}}` in report-number pattern `{pattern}`"));
    }
    out.push_str(rest);
    Ok(out)
}

fn unknown(name: &str) -> String {
    format!(
        "unknown placeholder `{{{name}}}` (expected {{yyyy}}, {{yy}}, {{mm}}, {{dd}}, {{category}}, {{seq}} or {{seq:N}})"
    )
}

fn needs_seq(pattern: &str) -> bool {
    pattern.contains("{seq}") || pattern.contains("{seq:")
}

/// The report number for a run: the session's own, else the lab's pattern filled from the
/// run's start date in the lab's zone, the category and the session's sequence number.
/// `Err` says what is missing, as a catalogue message (it is a reason a certificate is refused).
pub fn report_number(
    lab: &Lab,
    session: Option<&Session>,
    started_at: &str,
    category: &str,
) -> std::result::Result<String, Message> {
    if let Some(n) = session.and_then(|s| s.report_number.as_deref()) {
        return Ok(n.to_string());
    }
    let seq = session.and_then(|s| s.sequence);
    if needs_seq(&lab.report_number) && seq.is_none() {
        return Err(msg::CERT_NEEDS_SEQUENCE.with("pattern", &lab.report_number));
    }
    let date = local_date(started_at, &lab.time_zone)
        .ok_or_else(|| msg::CERT_BAD_TIME.with("time", started_at))?;
    fill_pattern(
        &lab.report_number,
        &Fill {
            date: Some(date),
            category,
            seq,
        },
    )
    .map_err(|e| msg::CERT_BAD_PATTERN.with("error", e))
}

fn zoned(rfc3339: &str, tz: &str) -> Option<DateTime<chrono_tz::Tz>> {
    let tz = chrono_tz::Tz::from_str(tz).ok()?;
    Some(
        DateTime::parse_from_rfc3339(rfc3339)
            .ok()?
            .with_timezone(&tz),
    )
}

/// The calendar date of an RFC 3339 time in a zone.
pub fn local_date(rfc3339: &str, tz: &str) -> Option<NaiveDate> {
    zoned(rfc3339, tz).map(|t| t.date_naive())
}

/// An RFC 3339 time as a lab reads it: `2026-05-20 14:03:12 +08:00 (Asia/Shanghai)`.
/// `None` when either does not parse.
pub fn local_time(rfc3339: &str, tz: &str) -> Option<String> {
    zoned(rfc3339, tz).map(|t| format!("{} ({tz})", t.format("%Y-%m-%d %H:%M:%S %:z")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(pattern: &str) -> Lab {
        Lab {
            schema: LAB_SCHEMA.into(),
            name: I18n {
                zh: "测试实验室".into(),
                en: "Test lab".into(),
            },
            accreditation: "CNAS L0001".into(),
            address: "Beijing".into(),
            time_zone: "Asia/Shanghai".into(),
            report_number: pattern.into(),
            signing_key_id: format!("sha256:{}", "0".repeat(64)),
            signatory: None,
            validity_months: None,
        }
    }

    #[test]
    fn a_report_number_uses_the_date_in_the_labs_zone() {
        // 20:30 UTC on the 31st is already the 1st in Shanghai.
        let session = Session {
            sequence: Some(7),
            ..Session::default()
        };
        assert_eq!(
            report_number(
                &lab("AIL-{yyyy}{mm}{dd}-{category}-{seq:04}"),
                Some(&session),
                "2026-05-31T20:30:00.000Z",
                "phone"
            ),
            Ok("AIL-20260601-phone-0007".to_string())
        );
        let err = report_number(&lab("A-{seq}"), None, "2026-05-31T20:30:00Z", "pc");
        assert_eq!(err.unwrap_err().id, "CERT_NEEDS_SEQUENCE");
        let own = Session {
            report_number: Some("X/1".into()),
            ..Session::default()
        };
        assert_eq!(
            report_number(&lab("A-{seq}"), Some(&own), "bad", "pc"),
            Ok("X/1".into())
        );
    }

    #[test]
    fn bad_patterns_say_what_is_wrong() {
        assert!(check_pattern("A-{yyyy}-{seq:3}").is_ok());
        assert!(check_pattern("A-{year}").unwrap_err().contains("{year}"));
        assert!(check_pattern("A-{seq:0}").unwrap_err().contains("width"));
        assert!(check_pattern("A-{yyyy").unwrap_err().contains("unclosed"));
        assert!(check_pattern("A-}").unwrap_err().contains("stray"));
    }

    #[test]
    fn times_are_shown_in_the_labs_zone() {
        assert_eq!(
            local_time("2026-05-20T06:03:12.500Z", "Asia/Shanghai").as_deref(),
            Some("2026-05-20 14:03:12 +08:00 (Asia/Shanghai)")
        );
        assert_eq!(
            local_time("2026-01-20T06:03:12Z", "Europe/Berlin").as_deref(),
            Some("2026-01-20 07:03:12 +01:00 (Europe/Berlin)")
        );
        assert_eq!(local_time("2026-01-20T06:03:12Z", "Mars/Base"), None);
    }
}
