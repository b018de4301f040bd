//! The programme's eligibility policy: a TOML file the programme writes
//! (`schemas/catalog-policy.schema.json`), never a constant in code — no published rule yet
//! ties a level to the subsidy (../shared/standard.md). Per category a minimum level; the
//! oldest certificate accepted; the labs trusted; whether the unit's own firmware must be
//! certified or any certified firmware of the model will do; whether provisional and
//! superseded certificates count; the dates the policy is in force.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::schema::Kind;
use crate::suite::model::I18n;

pub const POLICY_SCHEMA: &str = "ailevel.catalog-policy/1";

const MAX_BYTES: u64 = 256 * 1024;

/// The eligibility policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// `ailevel.catalog-policy/1`.
    #[schemars(extend("const" = "ailevel.catalog-policy/1"))]
    pub schema: String,
    /// The policy's name, `"zh-CN"` and `en`, shown with every answer.
    pub name: I18n,
    /// First day the policy applies, `YYYY-MM-DD` (Beijing time).
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub effective_from: String,
    /// Last day the policy applies, `YYYY-MM-DD`; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub effective_until: Option<String>,
    /// The oldest certificate accepted, in days from its issue date to the day checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_certificate_age_days: Option<u32>,
    /// Accreditation numbers of the labs whose certificates count; empty: every lab whose
    /// key the catalogue trusts.
    #[serde(default)]
    pub trusted_labs: Vec<String>,
    /// `unit`: the unit's own firmware version must be certified; `model`: any certified
    /// firmware of the model will do.
    pub firmware: FirmwareRule,
    /// Whether a provisional level (L4, or a provisional framework's thresholds) counts.
    pub provisional: Accept,
    /// Whether a certificate superseded by a newer firmware's still counts for units on the
    /// older firmware.
    pub superseded: Accept,
    /// Categories in the programme (`phone`, `pc`, …) and the level each needs. A category
    /// not listed is not in the programme.
    #[schemars(length(min = 1))]
    pub categories: BTreeMap<String, CategoryRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FirmwareRule {
    Unit,
    Model,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Accept {
    Accept,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// The lowest level that qualifies, `L1`…`L4`.
    #[schemars(regex(pattern = r"^L[1-9]$"))]
    pub min_level: String,
}

/// A loaded policy with its dates parsed and its SHA-256.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub policy: Policy,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub sha256: String,
    pub path: String,
}

/// Read and check a policy file: syntax, schema (each problem with its line), dates.
pub fn load(path: &Path) -> Result<Loaded> {
    let text = crate::files::read_text(path, MAX_BYTES)?;
    let policy: Policy = crate::files::parse_toml(path, &text, Kind::CatalogPolicy)?;
    let mut problems = Vec::new();
    let mut date = |field: &str, v: &str| {
        let d = super::parse_date(v);
        if d.is_none() {
            problems.push(Problem {
                file: path.to_path_buf(),
                line: crate::files::toml_line_of(&text, field),
                column: None,
                field: Some(field.to_string()),
                message: format!("`{v}` is not a date (YYYY-MM-DD)"),
            });
        }
        d
    };
    let from = date("/effective_from", &policy.effective_from);
    let until = policy
        .effective_until
        .as_deref()
        .and_then(|u| date("/effective_until", u));
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: crate::files::toml_line_of(&text, "/effective_until"),
            column: None,
            field: Some("/effective_until".into()),
            message: format!("the policy ends ({u}) before it starts ({f})"),
        });
    }
    match (from, problems.is_empty()) {
        (Some(from), true) => Ok(Loaded {
            policy,
            from,
            until,
            sha256: crate::hash::sha256_hex(text.as_bytes()),
            path: path.display().to_string(),
        }),
        _ => Err(Error::Invalid(problems)),
    }
}

/// `L3` → 3; `None` for anything else.
pub fn level_number(level: &str) -> Option<u32> {
    level.strip_prefix('L')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_policy_loads_and_bad_ones_say_where() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let p = load(&root.join("catalog/example-policy.toml")).unwrap();
        assert_eq!(p.policy.firmware, FirmwareRule::Unit);
        assert!(p.policy.categories.contains_key("phone"));

        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(root.join("catalog/example-policy.toml")).unwrap();
        let write = |name: &str, t: String| {
            let f = dir.path().join(name);
            std::fs::write(&f, t).unwrap();
            f
        };
        let typo = write("typo.toml", text.replace("superseded =", "supersede ="));
        let err = load(&typo).unwrap_err().to_string();
        assert!(err.contains("typo.toml:"), "{err}");
        assert!(err.contains("supersede"), "{err}");
        let level = write(
            "level.toml",
            text.replace("min_level = \"L2\"", "min_level = \"high\""),
        );
        let err = load(&level).unwrap_err().to_string();
        assert!(err.contains("min_level"), "{err}");
        let dates = write(
            "dates.toml",
            text.replace(
                "effective_from = \"2026-01-01\"",
                "effective_from = \"2027-13-01\"",
            ),
        );
        let err = load(&dates).unwrap_err().to_string();
        assert!(
            err.contains("2027-13-01") && err.contains("dates.toml:"),
            "{err}"
        );
    }
}
