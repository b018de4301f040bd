//! A store's whole article list checked at once (`catalog import-skus store.csv`): one
//! result row per input row, in order. A row that cannot be read or names no unit is
//! reported with its line as an error row, never dropped.
//!
//! The catalogue is loaded once and indexed in memory, so a 10,000-row list costs one
//! database read, not 10,000.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::check::{Outcome, Query, evaluate};
use super::policy::Loaded;
use super::{Entry, Listed, key, model_key, state_of};

/// Every entry, indexed by what a row can name.
pub struct Index {
    entries: Vec<Entry>,
    by_cert: HashMap<String, usize>,
    by_sku: HashMap<String, Vec<usize>>,
    by_model: HashMap<String, Vec<usize>>,
    by_model_name: HashMap<String, Vec<usize>>,
}

impl Index {
    pub fn new(entries: Vec<Entry>) -> Index {
        let mut ix = Index {
            by_cert: HashMap::new(),
            by_sku: HashMap::new(),
            by_model: HashMap::new(),
            by_model_name: HashMap::new(),
            entries: Vec::new(),
        };
        for (i, e) in entries.iter().enumerate() {
            ix.by_cert.insert(e.cert_id.clone(), i);
            for s in &e.skus {
                ix.by_sku.entry(key(s)).or_default().push(i);
            }
            ix.by_model.entry(e.model_key()).or_default().push(i);
            ix.by_model_name.entry(key(&e.model)).or_default().push(i);
        }
        ix.entries = entries;
        ix
    }

    fn listed(&self, idx: &[usize], date: NaiveDate) -> Vec<Listed> {
        idx.iter()
            .map(|&i| {
                let e = &self.entries[i];
                let siblings: Vec<Entry> = self
                    .by_model
                    .get(&e.model_key())
                    .into_iter()
                    .flatten()
                    .map(|&j| self.entries[j].clone())
                    .collect();
                Listed {
                    entry: e.clone(),
                    state: state_of(e, &siblings, date),
                }
            })
            .collect()
    }

    /// What `check::lookup` finds for `q`, from memory.
    pub fn find(&self, q: &Query, date: NaiveDate) -> Vec<Listed> {
        let none = Vec::new();
        let idx: Vec<usize> = match (&q.cert, &q.sku, &q.vendor, &q.model) {
            (Some(c), ..) => self.by_cert.get(c.trim()).into_iter().copied().collect(),
            (None, Some(s), ..) => {
                let mut models: Vec<String> = self
                    .by_sku
                    .get(&key(s))
                    .unwrap_or(&none)
                    .iter()
                    .map(|&i| self.entries[i].model_key())
                    .collect();
                models.sort();
                models.dedup();
                let mut v: Vec<usize> = models
                    .iter()
                    .flat_map(|m| self.by_model.get(m).unwrap_or(&none).iter().copied())
                    .collect();
                v.sort_unstable();
                v
            }
            (None, None, Some(v), Some(m)) => self
                .by_model
                .get(&model_key(v, m))
                .cloned()
                .unwrap_or_default(),
            (None, None, None, Some(m)) => {
                self.by_model_name.get(&key(m)).cloned().unwrap_or_default()
            }
            _ => Vec::new(),
        };
        self.listed(&idx, date)
    }
}

/// One output row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The input's line number (the header is line 1).
    pub line: u64,
    pub sku: String,
    pub vendor: String,
    pub model: String,
    pub firmware: String,
    pub cert: String,
    /// `yes`, `no`, or `error` for a row that could not be checked.
    pub eligible: &'static str,
    /// The certificate that makes the unit eligible, else the newest one found.
    pub cert_id: String,
    pub level: String,
    pub state: String,
    /// Every reason not met (or, for an error row, what is wrong with it), `; `-joined.
    pub reasons: String,
}

/// The columns a store list may have; at least one of `sku`, `model`, `cert` per row.
pub const INPUT_COLUMNS: [&str; 5] = ["sku", "vendor", "model", "firmware", "cert"];

/// Check every record of a CSV store list read from `input`.
pub fn check_csv(
    input: &[u8],
    index: &Index,
    policy: &Loaded,
    date: NaiveDate,
    en: bool,
) -> Result<Vec<Row>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = rdr
        .byte_headers()
        .map_err(|e| format!("line 1: the header row cannot be read: {e}"))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .to_lowercase()
        })
        .collect();
    let col = |n: &str| names.iter().position(|h| h == n);
    let cols: Vec<Option<usize>> = INPUT_COLUMNS.iter().map(|c| col(c)).collect();
    if cols[0].is_none() && cols[2].is_none() && cols[4].is_none() {
        return Err(format!(
            "line 1: the header names none of `sku`, `model`, `cert` (it has: {})",
            names.join(", ")
        ));
    }
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut line = 1;
    loop {
        let read = rdr.read_byte_record(&mut record);
        line = record.position().map_or(line + 1, |p| p.line());
        let mut row = Row {
            line,
            sku: String::new(),
            vendor: String::new(),
            model: String::new(),
            firmware: String::new(),
            cert: String::new(),
            eligible: "error",
            cert_id: String::new(),
            level: String::new(),
            state: String::new(),
            reasons: String::new(),
        };
        match read {
            Ok(false) => break,
            Err(e) => {
                line = e.position().map_or(line, csv::Position::line);
                row.line = line;
                row.reasons = format!("line {line}: unreadable CSV: {e}");
                out.push(row);
                // A broken quote can swallow the rest; the reader resynchronises on the
                // next record, and an error at the end stops.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
            Ok(true) => {}
        }
        let mut fields = Vec::with_capacity(5);
        let mut bad = None;
        for c in &cols {
            let v = match c.and_then(|i| record.get(i)) {
                Some(b) => match std::str::from_utf8(b) {
                    Ok(s) => s.to_string(),
                    Err(_) => {
                        bad = Some(format!("line {line}: not UTF-8"));
                        String::from_utf8_lossy(b).into_owned()
                    }
                },
                None => String::new(),
            };
            fields.push(v);
        }
        [row.sku, row.vendor, row.model, row.firmware, row.cert] =
            <[String; 5]>::try_from(fields).unwrap_or_default();
        if record.len() != headers.len() {
            bad.get_or_insert(format!(
                "line {line}: {} fields, the header has {}",
                record.len(),
                headers.len()
            ));
        }
        if row.sku.is_empty() && row.model.is_empty() && row.cert.is_empty() {
            bad.get_or_insert(format!("line {line}: no sku, model or cert"));
        }
        if let Some(b) = bad {
            row.reasons = b;
            out.push(row);
            continue;
        }
        let opt = |s: &String| (!s.is_empty()).then(|| s.clone());
        let q = Query {
            cert: opt(&row.cert),
            sku: opt(&row.sku),
            vendor: opt(&row.model).and(opt(&row.vendor)),
            model: opt(&row.model),
            firmware: opt(&row.firmware),
        };
        let o = evaluate(policy, &q, &index.find(&q, date), date);
        fill(&mut row, &o, en);
        out.push(row);
    }
    Ok(out)
}

fn fill(row: &mut Row, o: &Outcome, en: bool) {
    row.eligible = if o.eligible { "yes" } else { "no" };
    let pick = o
        .entries
        .iter()
        .rev()
        .find(|v| v.eligible)
        .or(o.entries.last());
    if let Some(v) = pick {
        row.cert_id = v.cert_id.clone();
        row.level = v.level.clone().unwrap_or_default();
        row.state = v.state.name().to_string();
    }
    let failed: Vec<String> = o
        .reasons
        .iter()
        .chain(pick.into_iter().flat_map(|v| &v.reasons))
        .filter(|r| !r.ok)
        .map(|r| if en { r.en.clone() } else { r.zh.clone() })
        .collect();
    row.reasons = failed.join("; ");
}

#[cfg(test)]
mod tests {
    use super::super::entry::tests::entry;
    use super::*;

    #[test]
    fn every_row_gets_a_result_and_bad_rows_keep_their_line() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let policy = super::super::policy::load(&root.join("catalog/example-policy.toml")).unwrap();
        let mut a = entry(1, "A-1", "1.0", "2026-03-01");
        a.skus = vec!["SKU-1".into()];
        let ix = Index::new(vec![a]);
        let csv = "sku,model,firmware,price\n\
                   SKU-1,,1.0,3999\n\
                   ,Phone X1,2.0,1\n\
                   ,,,\n\
                   \"SKU-1,1.0\n";
        let date = super::super::parse_date("2026-06-01").unwrap();
        let rows = check_csv(csv.as_bytes(), &ix, &policy, date, true).unwrap();
        let got: Vec<(u64, &str)> = rows.iter().map(|r| (r.line, r.eligible)).collect();
        assert_eq!(
            got,
            vec![(2, "yes"), (3, "no"), (4, "error"), (5, "error")],
            "{rows:?}"
        );
        assert_eq!(rows[0].cert_id, "A-1");
        assert!(
            rows[1].reasons.contains("firmware 2.0 is not certified"),
            "{rows:?}"
        );
        assert!(
            rows[2].reasons.contains("line 4: no sku, model or cert"),
            "{rows:?}"
        );
        assert!(rows[3].reasons.starts_with("line 5:"), "{rows:?}");
        assert!(
            check_csv(b"price\n1\n", &ix, &policy, date, true)
                .unwrap_err()
                .contains("line 1")
        );
    }
}
