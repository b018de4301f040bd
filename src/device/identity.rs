//! Identity as evidence: what the profile (and the lab's sample record) says the device is,
//! compared field by field with what the device reports about itself through `info`. A
//! report headed "Acme Phone X1" must not describe a device that called itself something
//! else without saying so.
//!
//! Values are compared after NFKC folding, trimming and collapsing whitespace, and, for
//! vendor, model and category, ignoring case: "ＡＣＭＥ  Phone" is "Acme Phone". Firmware
//! versions, build fingerprints and serial numbers must match exactly after folding.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::protocol::Info;

/// One identity field, as declared and as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityField {
    /// `vendor`, `model`, `category`, `firmware`, `build_fingerprint` or `serial`.
    pub field: String,
    /// What the profile (or the lab's sample record, for `serial`) says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    /// What the device reported through `info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<String>,
    pub status: IdentityStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityStatus {
    /// Declared and reported, and the same.
    Match,
    /// Declared and reported, and different: a finding that blocks a certificate.
    Mismatch,
    /// Declared, but the device does not report it: shown, does not block.
    NotReported,
    /// Reported, but not declared: shown for the record.
    NotDeclared,
}

impl IdentityField {
    /// A mismatch is the one status that makes the product's identity doubtful.
    pub fn is_finding(&self) -> bool {
        self.status == IdentityStatus::Mismatch
    }
}

/// What is declared about the device's identity.
#[derive(Debug, Clone, Default)]
pub struct Declared<'a> {
    pub vendor: &'a str,
    pub model: &'a str,
    pub category: &'a str,
    pub firmware: &'a str,
    pub build_fingerprint: Option<&'a str>,
    pub serial: Option<&'a str>,
}

/// Compare every identity field; the order is fixed, so results are reproducible.
pub fn compare(declared: &Declared<'_>, info: &Info) -> Vec<IdentityField> {
    let field = |name: &str, d: Option<&str>, r: Option<&str>, fold_case: bool| {
        let norm = |s: &str| normalise(s, fold_case);
        let d = d.map(str::trim).filter(|s| !s.is_empty());
        let r = r.map(str::trim).filter(|s| !s.is_empty());
        let status = match (d, r) {
            (Some(a), Some(b)) if norm(a) == norm(b) => IdentityStatus::Match,
            (Some(_), Some(_)) => IdentityStatus::Mismatch,
            (Some(_), None) => IdentityStatus::NotReported,
            (None, _) => IdentityStatus::NotDeclared,
        };
        IdentityField {
            field: name.to_string(),
            declared: d.map(str::to_string),
            reported: r.map(str::to_string),
            status,
        }
    };
    let mut out = vec![
        field("vendor", Some(declared.vendor), Some(&info.vendor), true),
        field("model", Some(declared.model), Some(&info.model), true),
        field(
            "category",
            Some(declared.category),
            Some(&info.category),
            true,
        ),
        field(
            "firmware",
            Some(declared.firmware),
            Some(&info.firmware),
            false,
        ),
    ];
    for (name, d, r) in [
        (
            "build_fingerprint",
            declared.build_fingerprint,
            info.build_fingerprint.as_deref(),
        ),
        ("serial", declared.serial, info.serial.as_deref()),
    ] {
        // A field neither side mentions says nothing.
        if d.is_some() || r.is_some() {
            out.push(field(name, d, r, false));
        }
    }
    out
}

fn normalise(s: &str, fold_case: bool) -> String {
    let spaced = crate::text::fold_spaced(s);
    if fold_case {
        spaced.to_lowercase()
    } else {
        spaced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(vendor: &str, model: &str, firmware: &str) -> Info {
        Info {
            protocol: "atp/1".into(),
            vendor: vendor.into(),
            model: model.into(),
            category: "phone".into(),
            firmware: firmware.into(),
            features: vec![],
            model_info: None,
            build_fingerprint: None,
            serial: None,
        }
    }

    fn declared<'a>(vendor: &'a str, model: &'a str, firmware: &'a str) -> Declared<'a> {
        Declared {
            vendor,
            model,
            category: "phone",
            firmware,
            ..Declared::default()
        }
    }

    #[test]
    fn a_device_calling_itself_something_else_is_a_finding_per_field() {
        let got = compare(
            &declared("Acme", "Phone X1", "1.4.2"),
            &info("ailevel reference", "SimPhone L3", "sim-0.1.0"),
        );
        let findings: Vec<&str> = got
            .iter()
            .filter(|f| f.is_finding())
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(findings, ["vendor", "model", "firmware"]);
    }

    #[test]
    fn width_case_and_spacing_do_not_make_a_mismatch_but_a_firmware_digit_does() {
        let got = compare(
            &declared("ＡＣＭＥ", "Phone  X1", "1.4.2"),
            &info("Acme", "phone x1", "1.4.3"),
        );
        let status: Vec<IdentityStatus> = got.iter().map(|f| f.status).collect();
        assert_eq!(
            status,
            [
                IdentityStatus::Match,
                IdentityStatus::Match,
                IdentityStatus::Match,
                IdentityStatus::Mismatch
            ]
        );
    }

    #[test]
    fn optional_fields_are_compared_only_when_someone_mentions_them() {
        let mut d = declared("Acme", "X1", "1");
        assert_eq!(compare(&d, &info("Acme", "X1", "1")).len(), 4);
        d.serial = Some("SN-1");
        let mut i = info("Acme", "X1", "1");
        i.build_fingerprint = Some("acme/x1/1:user".into());
        let got = compare(&d, &i);
        assert_eq!(got[4].field, "build_fingerprint");
        assert_eq!(got[4].status, IdentityStatus::NotDeclared);
        assert_eq!(got[5].field, "serial");
        assert_eq!(got[5].status, IdentityStatus::NotReported);
        assert!(got.iter().all(|f| !f.is_finding()));
        i.serial = Some("SN-2".into());
        assert!(compare(&d, &i)[5].is_finding());
    }
}
