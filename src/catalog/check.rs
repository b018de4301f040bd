//! Eligibility: a unit at the counter (a model, a SKU or a certificate id, and the unit's
//! firmware) against the policy on a date. Every rule gives a reason, met or not, in both
//! languages, so staff can tell a customer exactly why. A pure function of the entries, the
//! policy and the date.

use chrono::NaiveDate;
use serde::Serialize;

use super::policy::{Accept, FirmwareRule, Loaded, level_number};
use super::store::{Filter, Store};
use super::{Listed, State, key, model_key, with_states};
use crate::error::Result;

/// What is being checked. One of `cert`, `model` and `sku`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Query {
    pub cert: Option<String>,
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub sku: Option<String>,
    /// The unit's firmware version.
    pub firmware: Option<String>,
}

impl Query {
    /// What the query names, for messages.
    pub fn describe(&self) -> String {
        if let Some(c) = &self.cert {
            return format!("certificate {c}");
        }
        if let Some(s) = &self.sku {
            return format!("SKU {s}");
        }
        match (&self.vendor, &self.model) {
            (Some(v), Some(m)) => format!("{v} {m}"),
            (None, Some(m)) => m.clone(),
            _ => "nothing".into(),
        }
    }
}

/// One rule's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub ok: bool,
    /// A stable name for a point-of-sale system: `policy_dates`, `level`, `state`…
    pub code: &'static str,
    #[serde(rename = "zh-CN")]
    pub zh: String,
    pub en: String,
}

fn reason(ok: bool, code: &'static str, zh: String, en: String) -> Reason {
    Reason { ok, code, zh, en }
}

/// One certificate's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct EntryVerdict {
    pub cert_id: String,
    pub vendor: String,
    pub model: String,
    pub firmware: String,
    pub category: String,
    pub level: Option<String>,
    pub lab: String,
    pub issued: String,
    #[serde(rename = "status")]
    pub state: State,
    pub eligible: bool,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyRef {
    pub name_zh: String,
    pub name_en: String,
    pub path: String,
    pub sha256: String,
}

/// The answer for a unit.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub eligible: bool,
    /// The day checked, `YYYY-MM-DD`.
    pub date: String,
    pub policy: PolicyRef,
    pub query: Query,
    /// The reasons that decide: the policy's dates, what was found, the firmware rule, and
    /// which certificate makes the unit eligible.
    pub reasons: Vec<Reason>,
    /// Every certificate found, each with its own reasons.
    pub entries: Vec<EntryVerdict>,
}

/// Load what the query names from the catalogue and evaluate it. A SKU names a model, so
/// the unit may run any of the model's firmwares; a certificate names one firmware.
pub fn lookup(store: &mut Store, policy: &Loaded, q: &Query, date: NaiveDate) -> Result<Outcome> {
    let filter = match (&q.cert, &q.sku, &q.vendor, &q.model) {
        (Some(c), ..) => Filter::Cert(c.trim().to_string()),
        (None, Some(s), ..) => Filter::Sku(s.clone()),
        (None, None, Some(v), Some(m)) => Filter::Model(model_key(v, m)),
        (None, None, None, Some(m)) => Filter::ModelName(key(m)),
        _ => Filter::Cert(String::new()),
    };
    let mut found = store.load(&filter)?;
    if q.cert.is_none() && q.sku.is_some() {
        found = store.siblings(&found)?;
    }
    let siblings = store.siblings(&found)?;
    Ok(evaluate(
        policy,
        q,
        &with_states(found, &siblings, date),
        date,
    ))
}

/// Decide eligibility of `query` given the entries it found (with their states on `date`).
pub fn evaluate(policy: &Loaded, query: &Query, found: &[Listed], date: NaiveDate) -> Outcome {
    let p = &policy.policy;
    let mut reasons = Vec::new();
    let in_force = date >= policy.from && policy.until.is_none_or(|u| date <= u);
    let span = match &policy.until {
        Some(u) => format!("{} – {u}", policy.from),
        None => format!("{} –", policy.from),
    };
    reasons.push(reason(
        in_force,
        "policy_dates",
        format!(
            "政策有效期 {span}，查询日期 {date}{}",
            if in_force {
                ""
            } else {
                "：不在有效期内"
            }
        ),
        format!(
            "the policy applies {span}; checked for {date}{}",
            if in_force { "" } else { ": outside it" }
        ),
    ));
    let mut entries: Vec<EntryVerdict> = found.iter().map(|l| judge(policy, l, date)).collect();

    let models: std::collections::BTreeSet<String> =
        found.iter().map(|l| l.entry.model_key()).collect();
    if found.is_empty() {
        reasons.push(reason(
            false,
            "found",
            format!("目录中没有 {} 的证书", query.describe()),
            format!(
                "the catalogue holds no certificate for {}",
                query.describe()
            ),
        ));
    } else if models.len() > 1 {
        reasons.push(reason(
            false,
            "found",
            format!(
                "{} 对应 {} 个不同型号：请指定厂商",
                query.describe(),
                models.len()
            ),
            format!(
                "{} matches {} different models: give the vendor",
                query.describe(),
                models.len()
            ),
        ));
    } else {
        reasons.push(reason(
            true,
            "found",
            format!("找到 {} 张证书", found.len()),
            format!("{} certificate(s) found", found.len()),
        ));
    }

    // The firmware rule narrows which certificates may make the unit eligible.
    let unit_firmware = query.firmware.as_deref().or(if query.cert.is_some() {
        found.first().map(|l| l.entry.firmware.as_str())
    } else {
        None
    });
    if p.firmware == FirmwareRule::Unit && !found.is_empty() {
        match unit_firmware {
            None => reasons.push(reason(
                false,
                "firmware",
                "政策要求本机固件版本已认证：请提供本机固件版本".into(),
                "the policy counts only the unit's own firmware: give the unit's firmware version"
                    .into(),
            )),
            Some(fw) => {
                let mut any = false;
                for v in &mut entries {
                    if key(&v.firmware) == key(fw) {
                        any = true;
                    } else {
                        v.eligible = false;
                        v.reasons.push(reason(
                            false,
                            "firmware",
                            format!("本证书认证固件 {}，本机固件 {fw}", v.firmware),
                            format!("certifies firmware {}, the unit runs {fw}", v.firmware),
                        ));
                    }
                }
                reasons.push(reason(
                    any,
                    "firmware",
                    if any {
                        format!("本机固件 {fw} 有证书")
                    } else {
                        format!("本机固件 {fw} 未经认证")
                    },
                    if any {
                        format!("the unit's firmware {fw} is certified")
                    } else {
                        format!("the unit's firmware {fw} is not certified")
                    },
                ));
            }
        }
    }

    let decisive = if models.len() == 1 && in_force {
        entries.iter().rev().find(|v| v.eligible)
    } else {
        None
    };
    let eligible = match decisive {
        Some(v) => {
            reasons.push(reason(
                true,
                "certificate",
                format!("证书 {}（{}）符合政策", v.cert_id, v.firmware),
                format!(
                    "certificate {} (firmware {}) meets the policy",
                    v.cert_id, v.firmware
                ),
            ));
            reasons.iter().all(|r| r.ok)
        }
        None => {
            if !found.is_empty() && models.len() == 1 {
                reasons.push(reason(
                    false,
                    "certificate",
                    "没有符合政策的证书".into(),
                    "no certificate meets the policy".into(),
                ));
            }
            false
        }
    };
    Outcome {
        eligible,
        date: date.to_string(),
        policy: PolicyRef {
            name_zh: p.name.zh.clone(),
            name_en: p.name.en.clone(),
            path: policy.path.clone(),
            sha256: policy.sha256.clone(),
        },
        query: query.clone(),
        reasons,
        entries,
    }
}

/// One certificate against the policy's rules (all but the firmware rule).
fn judge(policy: &Loaded, l: &Listed, date: NaiveDate) -> EntryVerdict {
    let p = &policy.policy;
    let e = &l.entry;
    let mut reasons = Vec::new();
    let level = e.level.as_deref().unwrap_or("none");
    match p.categories.get(&e.category) {
        None => reasons.push(reason(
            false,
            "category",
            format!("品类 {} 不在本政策范围内", e.category),
            format!("category {} is not in the programme", e.category),
        )),
        Some(rule) => {
            let ok = e
                .level
                .as_deref()
                .and_then(level_number)
                .zip(level_number(&rule.min_level))
                .is_some_and(|(have, need)| have >= need);
            reasons.push(reason(
                ok,
                "level",
                format!("等级 {level}，{} 至少需要 {}", e.category, rule.min_level),
                format!(
                    "level {level}; {} needs at least {}",
                    e.category, rule.min_level
                ),
            ));
        }
    }
    reasons.push(match &l.state {
        State::Certified => reason(true, "state", "已认证".into(), "certified".into()),
        State::Provisional => {
            let ok = p.provisional == Accept::Accept;
            reason(
                ok,
                "state",
                format!(
                    "暂定等级（L4 或暂定框架阈值）{}",
                    if ok { "，本政策接受" } else { "，本政策不接受" }
                ),
                format!(
                    "provisional level (L4, or a provisional framework's thresholds), {} by the policy",
                    if ok { "accepted" } else { "not accepted" }
                ),
            )
        }
        State::Superseded { by } => {
            let ok = p.superseded == Accept::Accept;
            reason(
                ok,
                "state",
                format!(
                    "已被新固件的证书 {by} 取代{}",
                    if ok { "，本政策仍接受" } else { "，本政策不接受" }
                ),
                format!(
                    "superseded by {by} (a newer firmware), {} by the policy",
                    if ok { "still accepted" } else { "not accepted" }
                ),
            )
        }
        State::Revoked { date, reason: why } => reason(
            false,
            "state",
            format!("已于 {date} 撤销：{why}"),
            format!("revoked on {date}: {why}"),
        ),
        State::Expired { on } => reason(
            false,
            "state",
            format!("已于 {on} 过期"),
            format!("expired on {on}"),
        ),
    });
    if !p.trusted_labs.is_empty() {
        let ok = p
            .trusted_labs
            .iter()
            .any(|l| key(l) == key(&e.lab_accreditation));
        reasons.push(reason(
            ok,
            "lab",
            format!(
                "检测机构 {}{}",
                e.lab_accreditation,
                if ok {
                    " 受本政策认可"
                } else {
                    " 不在本政策认可的机构之列"
                }
            ),
            format!(
                "lab {} {}",
                e.lab_accreditation,
                if ok {
                    "is trusted by the policy"
                } else {
                    "is not one the policy trusts"
                }
            ),
        ));
    }
    if let Some(max) = p.max_certificate_age_days {
        let age = super::parse_date(&e.issued).map(|d| (date - d).num_days());
        let ok = age.is_some_and(|a| (0..=i64::from(max)).contains(&a));
        reasons.push(reason(
            ok,
            "age",
            match age {
                Some(a) if a < 0 => format!("证书签发于 {}，晚于查询日期", e.issued),
                Some(a) => format!("证书签发于 {}（{a} 天前），最长 {max} 天", e.issued),
                None => format!("签发日期 {} 无法识别", e.issued),
            },
            match age {
                Some(a) if a < 0 => format!("issued {}, after the day checked", e.issued),
                Some(a) => format!("issued {} ({a} days ago); at most {max} days", e.issued),
                None => format!("issue date {} is not a date", e.issued),
            },
        ));
    }
    EntryVerdict {
        cert_id: e.cert_id.clone(),
        vendor: e.vendor.clone(),
        model: e.model.clone(),
        firmware: e.firmware.clone(),
        category: e.category.clone(),
        level: e.level.clone(),
        lab: e.lab_accreditation.clone(),
        issued: e.issued.clone(),
        state: l.state.clone(),
        eligible: reasons.iter().all(|r| r.ok),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::super::entry::tests::entry;
    use super::super::{Event, parse_date, with_states};
    use super::*;

    fn policy(firmware: FirmwareRule) -> Loaded {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut p = super::super::policy::load(&root.join("catalog/example-policy.toml")).unwrap();
        p.policy.firmware = firmware;
        p.policy.trusted_labs = vec!["cnas l0001".into()];
        p
    }

    fn failed(o: &Outcome) -> Vec<&'static str> {
        o.reasons.iter().filter(|r| !r.ok).map(|r| r.code).collect()
    }

    #[test]
    fn the_units_firmware_revocation_level_and_dates_each_decide() {
        let d = parse_date("2026-07-01").unwrap();
        let old = entry(1, "A-1", "1.0", "2026-03-01");
        let mut new = entry(2, "A-2", "2.0", "2026-05-01");
        let all = vec![old.clone(), new.clone()];
        let found = with_states(all.clone(), &all, d);
        let q = |fw: Option<&str>| Query {
            model: Some("phone x1".into()),
            firmware: fw.map(String::from),
            ..Query::default()
        };
        let unit = policy(FirmwareRule::Unit);
        let o = evaluate(&unit, &q(Some("1.0")), &found, d);
        assert!(o.eligible, "{:?}", o.reasons);
        assert_eq!(o.entries[0].state.name(), "superseded");

        let mut strict = policy(FirmwareRule::Unit);
        strict.policy.superseded = Accept::Reject;
        let o = evaluate(&strict, &q(Some("1.0")), &found, d);
        assert!(!o.eligible);
        assert_eq!(failed(&o), vec!["certificate"]);

        let o = evaluate(&unit, &q(Some("3.0")), &found, d);
        assert_eq!(failed(&o), vec!["firmware", "certificate"]);
        let o = evaluate(&unit, &q(None), &found, d);
        assert!(!o.eligible && failed(&o).contains(&"firmware"));
        let o = evaluate(&policy(FirmwareRule::Model), &q(None), &found, d);
        assert!(o.eligible);

        new.events.push(Event {
            seq: 1,
            at: "2026-06-01T00:00:00Z".into(),
            kind: "revoked".into(),
            date: Some("2026-06-01".into()),
            reason: Some("fraud".into()),
            actor: None,
        });
        let all = vec![old, new];
        let found = with_states(all.clone(), &all, d);
        let o = evaluate(&unit, &q(Some("2.0")), &found, d);
        assert!(!o.eligible);
        let why = &o.entries[1].reasons;
        assert!(
            why.iter()
                .any(|r| !r.ok && r.en.contains("revoked on 2026-06-01: fraud"))
        );

        let late = parse_date("2027-01-01").unwrap();
        let o = evaluate(
            &unit,
            &q(Some("1.0")),
            &with_states(all.clone(), &all, late),
            late,
        );
        assert_eq!(failed(&o)[0], "policy_dates");
        assert!(!o.eligible);

        let mut l1 = entry(5, "C-1", "1", "2026-06-01");
        l1.level = Some("L1".into());
        l1.lab_accreditation = "CNAS L9999".into();
        let found = with_states(vec![l1.clone()], &[l1], d);
        let o = evaluate(
            &unit,
            &Query {
                cert: Some("C-1".into()),
                ..Query::default()
            },
            &found,
            d,
        );
        let codes: Vec<_> = o.entries[0]
            .reasons
            .iter()
            .filter(|r| !r.ok)
            .map(|r| r.code)
            .collect();
        assert_eq!(codes, vec!["level", "lab"]);
        let o = evaluate(&unit, &q(Some("1")), &[], d);
        assert_eq!(failed(&o), vec!["found"]);
    }
}
