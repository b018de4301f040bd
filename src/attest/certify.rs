//! Whether a run may be issued a certificate, and the certificate it gets. A certificate is
//! refused — the results and reports are still written — when any of these holds:
//!
//! - no lab file was given (`--lab` or `AILEVEL_LAB`), or no session file (`--session`);
//! - the session names no operator, no reviewer, or the same person as both;
//! - the device did not report its identity, or reported one that differs from the
//!   profile's or the sample record's (every mismatch is named);
//! - the run is incomplete: aborted, or a mandatory case is inconclusive;
//! - a piece of equipment was past its calibration due date on the test date;
//! - no report number can be made (the lab's pattern needs a sequence number the session
//!   does not give).

use chrono::{Months, NaiveDate};

use crate::lab::{self, Certificate};
use crate::results::{Results, Verdict};

/// Why a certificate cannot be issued, each reason a sentence.
pub fn refusals(r: &Results) -> Vec<String> {
    let mut out = Vec::new();
    let c = &r.certification;
    let Some(lab) = &c.lab else {
        out.push("no lab file was given (--lab FILE or AILEVEL_LAB)".to_string());
        return out;
    };
    let lab = &lab.lab;
    match &c.session {
        None => out.push("no session file was given (--session FILE)".to_string()),
        Some(s) => {
            match (&s.operator, &s.reviewer) {
                (None, _) => out.push("the session names no operator".to_string()),
                (_, None) => out.push("the session names no reviewer".to_string()),
                (Some(o), Some(rv)) if o.trim() == rv.trim() => {
                    out.push(format!("the operator ({o}) cannot also be the reviewer"))
                }
                _ => {}
            }
            let test_date = lab::local_date(&r.run.started_at, &lab.time_zone);
            for e in &s.equipment {
                let due = e
                    .calibration_due
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                if let (Some(due), Some(day)) = (due, test_date)
                    && due < day
                {
                    out.push(format!(
                        "equipment {} ({}) was due for calibration on {due}, before the test on {day}",
                        e.id, e.model
                    ));
                }
            }
        }
    }
    if r.device.info.is_none() {
        out.push("the device did not report its identity".to_string());
    }
    for f in c.identity_findings() {
        out.push(format!(
            "the device reports {} `{}`, the profile says `{}`",
            f.field,
            f.reported.as_deref().unwrap_or(""),
            f.declared.as_deref().unwrap_or("")
        ));
    }
    if r.run.aborted {
        out.push(format!(
            "the run was aborted: {}",
            r.run
                .abort_reason
                .as_deref()
                .unwrap_or("some trials did not run")
        ));
    }
    let inconclusive: Vec<&str> = r
        .cases
        .iter()
        .filter(|c| c.mandatory && c.verdict == Verdict::Inconclusive)
        .map(|c| c.id.as_str())
        .collect();
    if !inconclusive.is_empty() {
        out.push(format!(
            "the run is incomplete: mandatory case(s) {} are inconclusive",
            inconclusive.join(", ")
        ));
    }
    if let Err(e) = lab::report_number(
        lab,
        c.session.as_ref(),
        &r.run.started_at,
        &r.device.category,
    ) {
        out.push(e);
    }
    out
}

/// The certificate for a run with no refusals: its number, the issue date (the day the run
/// finished, in the lab's zone) and, when the lab sets a validity, the last valid day.
pub fn issue(r: &Results) -> Result<Certificate, Vec<String>> {
    let refused = refusals(r);
    if !refused.is_empty() {
        return Err(refused);
    }
    let c = &r.certification;
    let lab = &c.lab.as_ref().expect("refusals require a lab").lab;
    let id = lab::report_number(
        lab,
        c.session.as_ref(),
        &r.run.started_at,
        &r.device.category,
    )
    .map_err(|e| vec![e])?;
    let issued = lab::local_date(&r.run.finished_at, &lab.time_zone)
        .ok_or_else(|| vec![format!("`{}` is not an RFC 3339 time", r.run.finished_at)])?;
    let valid_until = lab.validity_months.and_then(|m| {
        issued
            .checked_add_months(Months::new(m))
            .and_then(|d| d.pred_opt())
    });
    Ok(Certificate {
        id,
        issued: issued.to_string(),
        valid_until: valid_until.map(|d| d.to_string()),
    })
}
