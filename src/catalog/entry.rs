//! A catalogue entry, its history and the state derived from them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::results::Results;

/// The form every lookup compares in: NFKC (full-width letters and digits become ASCII),
/// lower case, no whitespace. `ＸＩＡＯ mi  14` and `xiaomi14` are the same key.
pub fn key(s: &str) -> String {
    crate::text::fold(s)
}

/// One certificate in the catalogue, as it was added, with its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The order entries were added in, from 1.
    pub seq: i64,
    pub cert_id: String,
    pub vendor: String,
    pub model: String,
    pub firmware: String,
    pub category: String,
    /// The level held (`L1`…`L4`); `None` below L1.
    pub level: Option<String>,
    /// The grade is provisional: L4, or thresholds the framework marks provisional.
    pub provisional: bool,
    /// The framework's name and version.
    pub framework: String,
    pub lab_accreditation: String,
    pub lab_name_zh: String,
    pub lab_name_en: String,
    /// The key that signed the envelope.
    pub signing_key_id: String,
    /// `YYYY-MM-DD`, the certificate's issue date.
    pub issued: String,
    /// `YYYY-MM-DD`, the last day of validity, when the lab set one.
    pub valid_until: Option<String>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub skus: Vec<String>,
    /// SHA-256 of the results file: the signed statement's subject.
    pub results_sha256: String,
    /// RFC 3339, when it was added.
    pub added_at: String,
    pub added_by: Option<String>,
    pub events: Vec<Event>,
}

/// Something that happened to an entry. Events are only ever appended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub seq: i64,
    /// RFC 3339, when it was recorded.
    pub at: String,
    /// `added` or `revoked`.
    pub kind: String,
    /// For a revocation: the date it takes effect, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub reason: Option<String>,
    pub actor: Option<String>,
}

/// What an entry is on a given date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    Certified,
    /// Certified at a provisional level (L4, or a provisional framework).
    Provisional,
    /// A later certificate of the same model for another firmware.
    Superseded {
        by: String,
    },
    Revoked {
        date: String,
        reason: String,
    },
    /// Past its last day of validity.
    Expired {
        on: String,
    },
}

impl State {
    pub fn name(&self) -> &'static str {
        match self {
            State::Certified => "certified",
            State::Provisional => "provisional",
            State::Superseded { .. } => "superseded",
            State::Revoked { .. } => "revoked",
            State::Expired { .. } => "expired",
        }
    }

    pub fn name_zh(&self) -> &'static str {
        match self {
            State::Certified => "已认证",
            State::Provisional => "暂定",
            State::Superseded { .. } => "已被取代",
            State::Revoked { .. } => "已撤销",
            State::Expired { .. } => "已过期",
        }
    }
}

impl Entry {
    /// The vendor and model as one lookup key.
    pub fn model_key(&self) -> String {
        model_key(&self.vendor, &self.model)
    }

    /// The revocation in force on `date`, if any: the earliest one dated on or before it.
    pub fn revocation(&self, date: NaiveDate) -> Option<&Event> {
        self.events
            .iter()
            .filter(|e| e.kind == "revoked")
            .filter(|e| {
                e.date
                    .as_deref()
                    .and_then(parse_date)
                    .is_none_or(|d| d <= date)
            })
            .min_by_key(|e| e.date.clone())
    }

    /// What the search box matches against: each name on its own and vendor + model
    /// together, folded, separated by a newline (which no folded text holds, so a match
    /// never spans two fields).
    pub fn search_key(&self) -> String {
        let mut parts = vec![
            key(&format!("{}{}", self.vendor, self.model)),
            key(&self.model),
            key(&self.cert_id),
            key(&self.firmware),
        ];
        parts.extend(self.skus.iter().map(|s| key(s)));
        parts.extend(self.name_zh.iter().chain(&self.name_en).map(|s| key(s)));
        parts.join("\n")
    }
}

pub fn model_key(vendor: &str, model: &str) -> String {
    format!("{}\n{}", key(vendor), key(model))
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Today in Beijing time, the programme's calendar.
pub fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

/// The state of `entry` on `date`, given every entry of its model (`siblings`, which may
/// include `entry` itself). Revoked before expired before superseded before provisional.
pub fn state_of(entry: &Entry, siblings: &[Entry], date: NaiveDate) -> State {
    if let Some(r) = entry.revocation(date) {
        return State::Revoked {
            date: r
                .date
                .clone()
                .unwrap_or_else(|| r.at.get(..10).unwrap_or(&r.at).to_string()),
            reason: r.reason.clone().unwrap_or_default(),
        };
    }
    if let Some(until) = entry.valid_until.as_deref().and_then(parse_date)
        && until < date
    {
        return State::Expired {
            on: until.succ_opt().unwrap_or(until).to_string(),
        };
    }
    let later = siblings
        .iter()
        .filter(|s| s.cert_id != entry.cert_id && key(&s.firmware) != key(&entry.firmware))
        .filter(|s| (s.issued.as_str(), s.seq) > (entry.issued.as_str(), entry.seq))
        .filter(|s| parse_date(&s.issued).is_none_or(|d| d <= date))
        .filter(|s| s.revocation(date).is_none())
        .max_by_key(|s| (s.issued.clone(), s.seq));
    if let Some(by) = later {
        return State::Superseded {
            by: by.cert_id.clone(),
        };
    }
    if entry.provisional {
        State::Provisional
    } else {
        State::Certified
    }
}

/// What `catalog add` stores for a verified certificate.
pub struct NewEntry {
    pub entry: Entry,
    pub envelope: String,
    pub results: String,
}

/// The entry for a certified results file (its text `results_text`, parsed as `r`) and its
/// envelope; refused when the results carry no certificate or no lab.
pub fn new_entry(
    r: &Results,
    results_text: String,
    envelope: String,
    signer: &str,
    extra: &Extra,
) -> Result<NewEntry> {
    let cert = r.certification.certificate.as_ref().ok_or_else(|| {
        Error::Usage(
            "the results carry no certificate (run with --certify and a lab file): only certificates enter the catalogue"
                .into(),
        )
    })?;
    let lab = r.certification.lab.as_ref().ok_or_else(|| {
        Error::Usage(
            "the results name no lab: only a lab's certificates enter the catalogue".into(),
        )
    })?;
    let entry = Entry {
        seq: 0,
        cert_id: cert.id.clone(),
        vendor: r.device.vendor.clone(),
        model: r.device.model.clone(),
        firmware: r.device.firmware.clone(),
        category: r.device.category.clone(),
        level: r.grade.level.clone(),
        provisional: r.grade.provisional || r.framework.definition.provisional,
        framework: format!(
            "{} {}",
            r.framework.definition.name, r.framework.definition.version
        ),
        lab_accreditation: lab.lab.accreditation.clone(),
        lab_name_zh: lab.lab.name.zh.clone(),
        lab_name_en: lab.lab.name.en.clone(),
        signing_key_id: signer.to_string(),
        issued: cert.issued.clone(),
        valid_until: cert.valid_until.clone(),
        name_zh: extra.name_zh.clone(),
        name_en: extra.name_en.clone(),
        skus: extra.skus.clone(),
        results_sha256: crate::attest::results_digest(r),
        added_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        added_by: extra.by.clone(),
        events: Vec::new(),
    };
    Ok(NewEntry {
        entry,
        envelope,
        results: results_text,
    })
}

/// What the person adding an entry says about it beyond the certificate.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    pub skus: Vec<String>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub by: Option<String>,
}

/// An entry with its state on a date.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub entry: Entry,
    #[serde(rename = "status")]
    pub state: State,
}

/// Each entry with its state on `date`; `siblings_of` gives every entry of a model key.
pub fn with_states(entries: Vec<Entry>, all_of_models: &[Entry], date: NaiveDate) -> Vec<Listed> {
    entries
        .into_iter()
        .map(|e| {
            let mk = e.model_key();
            let siblings: Vec<Entry> = all_of_models
                .iter()
                .filter(|s| s.model_key() == mk)
                .cloned()
                .collect();
            let state = state_of(&e, &siblings, date);
            Listed { entry: e, state }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn entry(seq: i64, cert: &str, firmware: &str, issued: &str) -> Entry {
        Entry {
            seq,
            cert_id: cert.into(),
            vendor: "Example".into(),
            model: "Phone X1".into(),
            firmware: firmware.into(),
            category: "phone".into(),
            level: Some("L3".into()),
            provisional: false,
            framework: "fw 1".into(),
            lab_accreditation: "CNAS L0001".into(),
            lab_name_zh: "实验室".into(),
            lab_name_en: "Lab".into(),
            signing_key_id: "sha256:00".into(),
            issued: issued.into(),
            valid_until: None,
            name_zh: None,
            name_en: None,
            skus: vec![],
            results_sha256: "ab".repeat(32),
            added_at: format!("{issued}T00:00:00Z"),
            added_by: None,
            events: vec![],
        }
    }

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn states_follow_revocation_expiry_and_newer_firmware() {
        let old = entry(1, "A-1", "1.0", "2026-03-01");
        let mut new = entry(2, "A-2", "２.0", "2026-05-01");
        let all = vec![old.clone(), new.clone()];
        assert_eq!(state_of(&old, &all, d("2026-04-01")), State::Certified);
        assert_eq!(
            state_of(&old, &all, d("2026-05-01")),
            State::Superseded { by: "A-2".into() }
        );
        // The same firmware certified again does not supersede.
        let again = entry(3, "A-3", " 2.0", "2026-06-01");
        assert_eq!(
            state_of(&new, &[new.clone(), again], d("2026-07-01")),
            State::Certified
        );
        new.events.push(Event {
            seq: 1,
            at: "2026-06-02T08:00:00Z".into(),
            kind: "revoked".into(),
            date: Some("2026-06-02".into()),
            reason: Some("identity fraud".into()),
            actor: None,
        });
        let all = vec![old.clone(), new.clone()];
        assert_eq!(
            state_of(&old, &all, d("2026-06-03")),
            State::Certified,
            "a revoked newer firmware supersedes nothing"
        );
        assert!(matches!(
            state_of(&new, &all, d("2026-06-03")),
            State::Revoked { ref reason, .. } if reason == "identity fraud"
        ));
        assert_eq!(
            state_of(&new, &all, d("2026-06-01")),
            State::Certified,
            "before the revocation date"
        );
        let mut exp = entry(4, "B-1", "1", "2024-01-01");
        exp.valid_until = Some("2025-12-31".into());
        exp.provisional = true;
        assert_eq!(
            state_of(&exp, &[], d("2026-01-01")),
            State::Expired {
                on: "2026-01-01".into()
            }
        );
        assert_eq!(state_of(&exp, &[], d("2025-12-31")), State::Provisional);
    }

    #[test]
    fn lookups_fold_width_case_and_spacing() {
        let mut e = entry(1, "AIL-20260601-0007", "1.0", "2026-06-01");
        e.skus = vec!["XM-14-256".into()];
        let k = e.search_key();
        for q in [
            "ＥＸＡＭＰＬＥ phone x1",
            "phonex1",
            "ail-20260601",
            "xm-14",
        ] {
            assert!(k.contains(&key(q)), "{q}");
        }
        assert!(!k.contains(&key("x1ail")), "no match across fields");
    }
}
