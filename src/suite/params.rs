//! Parameterised cases: `${name}` placeholders filled from one row of a case's `params`,
//! drawn per trial from the trial's seed. Regex checks get the value escaped, so a drawn
//! value is always matched literally.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::suite::model::{Case, CaseTurn, Check, SetupOp};

pub type Row = BTreeMap<String, String>;

/// The row a trial uses: a pure function of the trial seed, so regrading redraws nothing.
pub fn draw(case: &Case, trial_seed: u64) -> Row {
    if case.params.is_empty() {
        return Row::new();
    }
    // splitmix64 finaliser: spreads consecutive seeds over the rows.
    let mut z = trial_seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    case.params[(z % case.params.len() as u64) as usize].clone()
}

/// Replace `${name}` in `s` by the row's values (`escape` applied to each value).
pub fn fill(s: &str, row: &Row, escape: fn(&str) -> String) -> String {
    if row.is_empty() || !s.contains("${") {
        return s.to_string();
    }
    let mut out = s.to_string();
    for (k, v) in row {
        out = out.replace(&format!("${{{k}}}"), &escape(v));
    }
    out
}

fn plain(s: &str) -> String {
    s.to_string()
}

fn fill_value(v: &Value, row: &Row) -> Value {
    match v {
        Value::String(s) => Value::String(fill(s, row, plain)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill_value(x, row)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), fill_value(x, row)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Apply `f` to a serde value's strings by round-tripping through JSON; the types here
/// are plain data, so the round trip cannot fail on a value that came from them.
fn map_strings<T: serde::Serialize + serde::de::DeserializeOwned + Clone>(x: &T, row: &Row) -> T {
    serde_json::to_value(x)
        .ok()
        .and_then(|v| serde_json::from_value(fill_value(&v, row)).ok())
        .unwrap_or_else(|| x.clone())
}

/// A turn with the row filled in.
pub fn fill_turn(turn: &CaseTurn, row: &Row) -> CaseTurn {
    if row.is_empty() {
        return turn.clone();
    }
    CaseTurn {
        input: map_strings(&turn.input, row),
        expect: turn
            .expect
            .iter()
            .map(|c| match c {
                Check::Matches(p) => Check::Matches(fill(p, row, regex::escape)),
                other => map_strings(other, row),
            })
            .collect(),
    }
}

pub fn fill_setup(op: &SetupOp, row: &Row) -> SetupOp {
    if row.is_empty() {
        op.clone()
    } else {
        map_strings(op, row)
    }
}

/// Every check of every row's expansion: what the evaluator must compile up front.
pub fn all_checks(case_turns: &[CaseTurn], params: &[Row]) -> Vec<Check> {
    if params.is_empty() {
        return case_turns
            .iter()
            .flat_map(|t| t.expect.iter().cloned())
            .collect();
    }
    params
        .iter()
        .flat_map(|row| {
            case_turns
                .iter()
                .flat_map(move |t| fill_turn(t, row).expect)
        })
        .collect()
}

/// Names used as `${name}` in a string.
pub fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) => {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

/// Every placeholder a case uses anywhere.
pub fn used(case: &Case) -> Vec<String> {
    let mut names = Vec::new();
    let mut walk = |v: &Value| collect(v, &mut names);
    if let Ok(v) = serde_json::to_value(&case.turns) {
        walk(&v);
    }
    if let Ok(v) = serde_json::to_value(&case.setup) {
        walk(&v);
    }
    names.sort();
    names.dedup();
    names
}

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.extend(placeholders(s)),
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Row {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_text_and_escapes_regex() {
        let r = row(&[("who", "张三"), ("t", "7.30")]);
        assert_eq!(fill("给${who}打电话", &r, plain), "给张三打电话");
        let turn: CaseTurn = serde_saphyr::from_str(
            "input: { text: \"${who} ${t}\" }\nexpect:\n  - matches: \"^${t}$\"\n  - action: { name: call.dial, args: { contact: \"${who}\" } }\n",
        )
        .unwrap();
        let f = fill_turn(&turn, &r);
        assert_eq!(f.input.text.as_ref().map(|p| p.first()), Some("张三 7.30"));
        assert_eq!(f.expect[0], Check::Matches("^7\\.30$".into()));
        let Check::Action(a) = &f.expect[1] else {
            panic!()
        };
        assert_eq!(a.args["contact"], "张三");
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(placeholders("a ${x} b ${y}z ${"), vec!["x", "y"]);
    }
}
