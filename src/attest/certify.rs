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
use crate::msg::{self, Arg, Message, Template};
use crate::results::{Results, Verdict};

/// Why a certificate cannot be issued, each reason a catalogue message, so the console and
/// the reports can say it in the reader's language.
pub fn refusals(r: &Results) -> Vec<Message> {
    let mut out = Vec::new();
    let c = &r.certification;
    let Some(lab) = &c.lab else {
        out.push(msg::CERT_NO_LAB.msg());
        return out;
    };
    let lab = &lab.lab;
    match &c.session {
        None => out.push(msg::CERT_NO_SESSION.msg()),
        Some(s) => {
            match (&s.operator, &s.reviewer) {
                (None, _) => out.push(msg::CERT_NO_OPERATOR.msg()),
                (_, None) => out.push(msg::CERT_NO_REVIEWER.msg()),
                (Some(o), Some(rv)) if o.trim() == rv.trim() => {
                    out.push(msg::CERT_OPERATOR_IS_REVIEWER.with("name", quote(o)))
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
                    out.push(
                        msg::CERT_CALIBRATION_DUE
                            .with("id", quote(&e.id))
                            .with("model", quote(&e.model))
                            .with("due", due.to_string())
                            .with("day", day.to_string()),
                    );
                }
            }
        }
    }
    if r.device.info.is_none() {
        out.push(msg::CERT_NO_IDENTITY.msg());
    }
    for f in c.identity_findings() {
        out.push(
            msg::CERT_IDENTITY_MISMATCH
                .with("field", field_name(&f.field))
                .with("reported", quote(f.reported.as_deref().unwrap_or("")))
                .with("declared", quote(f.declared.as_deref().unwrap_or(""))),
        );
    }
    if r.run.aborted {
        let reason: Arg = match (&r.run.abort_message, &r.run.abort_reason) {
            (Some(m), _) => m.clone().into(),
            (None, Some(text)) => quote(text).into(),
            (None, None) => msg::CERT_SOME_NOT_RUN.msg().into(),
        };
        out.push(msg::CERT_ABORTED.with("reason", reason));
    }
    if r.run.interrupted.is_some() {
        out.push(msg::CERT_ABORTED.with("reason", msg::CERT_SOME_NOT_RUN.msg()));
    }
    let inconclusive: Vec<&str> = r
        .cases
        .iter()
        .filter(|c| c.mandatory && c.verdict == Verdict::Inconclusive)
        .map(|c| c.id.as_str())
        .collect();
    if !inconclusive.is_empty() {
        out.push(msg::CERT_INCOMPLETE.with("cases", inconclusive.join(", ")));
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

/// A value from a record or the device, as a reason quotes it: controls shown, not obeyed,
/// and cut to a field's length, so a hostile file cannot make a reason a page long.
fn quote(s: &str) -> String {
    crate::text::clip(s, QUOTE_MAX)
}

const QUOTE_MAX: usize = 160;

/// The name of an identity field (`IdentityField::field`), in the reader's language; a
/// field this version does not know is shown as its key.
pub(crate) fn field_name(field: &str) -> Arg {
    let t: Template = match field {
        "vendor" => msg::ID_FIELD_VENDOR,
        "model" => msg::ID_FIELD_MODEL,
        "category" => msg::ID_FIELD_CATEGORY,
        "firmware" => msg::ID_FIELD_FIRMWARE,
        "build_fingerprint" => msg::ID_FIELD_BUILD,
        "serial" => msg::ID_FIELD_SERIAL,
        other => return other.into(),
    };
    t.msg().into()
}

/// The certificate for a run with no refusals: its number, the issue date (the day the run
/// finished, in the lab's zone) and, when the lab sets a validity, the last valid day.
pub fn issue(r: &Results) -> Result<Certificate, Vec<Message>> {
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
        .ok_or_else(|| vec![msg::CERT_BAD_TIME.with("time", &r.run.finished_at)])?;
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
