//! Evaluating one check against one turn. Each check gives pass/fail and a reason a person
//! can act on ("expected action `alarm.create` with time=07:00; got alarm.create{time: 08:00}").

use std::collections::HashMap;

use regex::Regex;
use serde_json::{Map, Value};

use crate::device::protocol::{Action, Turn};
use crate::results::CheckOutcome;
use crate::suite::model::{ActionCheck, Check, StateCheck};
use crate::text;

/// Evaluates checks; holds the regexes compiled once at load time.
#[derive(Debug, Default, Clone)]
pub struct Evaluator {
    regexes: HashMap<String, Regex>,
}

/// What a check sees of a turn.
pub struct TurnView<'a> {
    pub response: &'a Turn,
    pub state: Option<&'a Value>,
    pub latency_ms: f64,
    /// Judge verdicts for the turn's `judge` checks, in order.
    pub judgements: &'a [crate::results::Judgement],
    /// The case's next turn, when it was answered: a `confirm_before` check looks at what the
    /// device did once the user answered.
    pub next: Option<NextTurn<'a>>,
}

/// The turn after the one being checked: what the device answered, and what was expected.
#[derive(Clone, Copy)]
pub struct NextTurn<'a> {
    pub response: &'a Turn,
    pub expect: &'a [Check],
}

impl Evaluator {
    /// Compile every regex the checks use. Invalid ones were rejected when the suite loaded;
    /// here (e.g. regrading an edited results file) they make the check fail with the reason.
    pub fn new<'a>(checks: impl IntoIterator<Item = &'a Check>) -> Self {
        let mut regexes = HashMap::new();
        for c in checks {
            if let Check::Matches(p) = c
                && !regexes.contains_key(p)
                && let Ok(re) = Regex::new(p)
            {
                regexes.insert(p.clone(), re);
            }
        }
        Evaluator { regexes }
    }

    /// Evaluate the checks of one turn, in order.
    pub fn evaluate_all(&self, checks: &[Check], turn: &TurnView<'_>) -> Vec<CheckOutcome> {
        let mut judged = turn.judgements.iter();
        checks
            .iter()
            .map(|c| match c {
                Check::Judge(j) => judge_outcome(c, &j.rubric, judged.next()),
                _ => self.evaluate(c, turn),
            })
            .collect()
    }

    pub fn evaluate(&self, check: &Check, turn: &TurnView<'_>) -> CheckOutcome {
        let (passed, reason) = self.eval(check, turn);
        CheckOutcome {
            check: check.clone(),
            passed,
            reason,
        }
    }

    fn eval(&self, check: &Check, t: &TurnView<'_>) -> (bool, String) {
        let reply = t.response.output.text.as_deref().unwrap_or("");
        match check {
            Check::Contains(want) => {
                let folded = text::fold(reply);
                match want
                    .items()
                    .iter()
                    .find(|w| folded.contains(&text::fold(w)))
                {
                    Some(w) => (true, format!("reply contains “{w}”")),
                    None => (
                        false,
                        format!(
                            "reply {} contains none of {}",
                            quote(reply),
                            list(want.items())
                        ),
                    ),
                }
            }
            Check::NotContains(banned) => {
                let folded = text::fold(reply);
                match banned
                    .items()
                    .iter()
                    .find(|w| folded.contains(&text::fold(w)))
                {
                    Some(w) => (false, format!("reply {} contains “{w}”", quote(reply))),
                    None => (
                        true,
                        format!("reply contains none of {}", list(banned.items())),
                    ),
                }
            }
            Check::Matches(pattern) => match self.regexes.get(pattern) {
                Some(re) => {
                    let spaced = text::fold_spaced(reply);
                    if re.is_match(&spaced) {
                        (true, format!("reply matches /{pattern}/"))
                    } else {
                        (
                            false,
                            format!("reply {} does not match /{pattern}/", quote(reply)),
                        )
                    }
                }
                None => (false, format!("invalid regex /{pattern}/")),
            },
            Check::Action(want) => action_check(want, &t.response.actions),
            Check::NoAction(name) => {
                let hits: Vec<&Action> = t
                    .response
                    .actions
                    .iter()
                    .filter(|a| name == "*" || &a.name == name)
                    .collect();
                if hits.is_empty() {
                    (
                        true,
                        format!("no {} action taken", if name == "*" { "" } else { name })
                            .replace("no  ", "no "),
                    )
                } else {
                    (
                        false,
                        format!("unexpected action(s): {}", actions_str(&hits)),
                    )
                }
            }
            Check::State(s) => state_check(s, t.state),
            Check::LatencyMs(max) => {
                if t.latency_ms <= *max as f64 {
                    (
                        true,
                        format!("answered in {:.0} ms (≤ {max} ms)", t.latency_ms),
                    )
                } else {
                    (
                        false,
                        format!("answered in {:.0} ms, more than {max} ms", t.latency_ms),
                    )
                }
            }
            Check::ConfirmBefore(name) => confirm_before(name, t),
            Check::Judge(j) => {
                let outcome = judge_outcome(check, &j.rubric, t.judgements.first());
                (outcome.passed, outcome.reason)
            }
            Check::ServedBy(allowed) => match t.response.served_by {
                Some(s) if allowed.contains(&s) => (true, format!("served by {}", served(s))),
                Some(s) => (
                    false,
                    format!(
                        "served by {}, expected one of {}",
                        served(s),
                        allowed
                            .iter()
                            .map(|a| served(*a))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                None => (false, "device did not report `served_by`".into()),
            },
        }
    }
}

/// The device asked before taking `name`, and what it asked about was `name`: it did not take
/// the action yet, and when the next turn is the user's confirmation (the case expects `name`
/// there), that turn does exactly `name` and nothing else — a device that asked about one
/// thing and, once confirmed, did another, fails here.
fn confirm_before(name: &str, t: &TurnView<'_>) -> (bool, String) {
    let reply = t.response.output.text.as_deref().unwrap_or("");
    let acted: Vec<&Action> = t
        .response
        .actions
        .iter()
        .filter(|a| a.name == name)
        .collect();
    if !acted.is_empty() {
        return (
            false,
            format!(
                "took `{name}` without confirmation: {}",
                actions_str(&acted)
            ),
        );
    }
    if t.response.needs_confirmation != Some(true) {
        return (
            false,
            format!(
                "did not ask for confirmation (needs_confirmation not true); reply {}",
                quote(reply)
            ),
        );
    }
    let confirming = t.next.filter(|n| {
        n.expect
            .iter()
            .any(|c| matches!(c, Check::Action(a) if a.name == name))
    });
    let Some(next) = confirming else {
        return (true, format!("asked for confirmation before `{name}`"));
    };
    let other: Vec<&Action> = next
        .response
        .actions
        .iter()
        .filter(|a| a.name != name)
        .collect();
    if other.is_empty() {
        (
            true,
            format!("asked for confirmation before `{name}`, and once confirmed did only that"),
        )
    } else {
        (
            false,
            format!(
                "asked for confirmation before `{name}`, but once confirmed also did {}",
                actions_str(&other)
            ),
        )
    }
}

/// A judge check passes only on the judge's explicit yes; no judgement is a failure with
/// the cause, never a pass.
fn judge_outcome(
    check: &Check,
    rubric: &str,
    j: Option<&crate::results::Judgement>,
) -> CheckOutcome {
    let (passed, reason) = match j {
        None => (
            false,
            "no judgement recorded (run with --judge PROFILE)".to_string(),
        ),
        Some(j) if j.rubric != rubric => (
            false,
            "the recorded judgement is for another rubric".to_string(),
        ),
        Some(j) => match (j.pass, &j.error) {
            (Some(true), _) => (true, format!("judge {} passed it: {}", j.model, j.reason)),
            (Some(false), _) => (false, format!("judge {} failed it: {}", j.model, j.reason)),
            (None, Some(e)) => (false, format!("judge {} gave no verdict: {e}", j.model)),
            (None, None) => (false, format!("judge {} gave no verdict", j.model)),
        },
    };
    CheckOutcome {
        check: check.clone(),
        passed,
        reason,
    }
}

fn served(s: crate::device::protocol::ServedBy) -> &'static str {
    use crate::device::protocol::ServedBy::*;
    match s {
        Device => "device",
        Cloud => "cloud",
        Hybrid => "hybrid",
    }
}

fn quote(s: &str) -> String {
    if s.is_empty() {
        "(empty)".into()
    } else {
        format!("“{}”", text::truncate(s, 200))
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("“{s}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn actions_str(actions: &[&Action]) -> String {
    if actions.is_empty() {
        return "none".into();
    }
    actions
        .iter()
        .map(|a| {
            let args = serde_json::to_string(&a.args).unwrap_or_default();
            format!("{}{}", a.name, text::truncate(&args, 160))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn action_check(want: &ActionCheck, actions: &[Action]) -> (bool, String) {
    let named: Vec<&Action> = actions.iter().filter(|a| a.name == want.name).collect();
    let matching = named
        .iter()
        .filter(|a| {
            want.target
                .as_ref()
                .is_none_or(|t| a.target.as_ref() == Some(t))
        })
        .filter(|a| {
            subset(
                &Value::Object(want.args.clone()),
                &Value::Object(a.args.clone()),
            )
        })
        .count() as u32;
    let wanted = describe_want(want);
    let ok = match want.times {
        Some(n) => matching == n,
        None => matching >= 1,
    };
    if ok {
        let times = want.times.map(|n| format!(" ×{n}")).unwrap_or_default();
        (true, format!("took {wanted}{times}"))
    } else if let Some(n) = want.times {
        (
            false,
            format!(
                "expected {wanted} exactly {n} time(s), found {matching}; actions: {}",
                actions_str(&actions.iter().collect::<Vec<_>>())
            ),
        )
    } else {
        (
            false,
            format!(
                "expected {wanted}; actions: {}",
                actions_str(&actions.iter().collect::<Vec<_>>())
            ),
        )
    }
}

fn describe_want(want: &ActionCheck) -> String {
    let mut s = format!("`{}`", want.name);
    if !want.args.is_empty() {
        s.push_str(&format!(
            " with {}",
            serde_json::to_string(&want.args).unwrap_or_default()
        ));
    }
    if let Some(t) = &want.target {
        s.push_str(&format!(" on `{t}`"));
    }
    s
}

/// `want` is contained in `got`: objects by key subset, arrays by each expected item
/// matching some actual item, scalars by normalised equality.
pub fn subset(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w
            .iter()
            .all(|(k, wv)| g.get(k).is_some_and(|gv| subset(wv, gv))),
        (Value::Array(w), Value::Array(g)) => w.iter().all(|wv| g.iter().any(|gv| subset(wv, gv))),
        _ => scalar_eq(want, got),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Equal as times of day, else as numbers, else as folded text.
pub fn scalar_eq(want: &Value, got: &Value) -> bool {
    if want == got {
        return true;
    }
    let (Some(w), Some(g)) = (scalar_text(want), scalar_text(got)) else {
        return false;
    };
    if let (Some(a), Some(b)) = (text::parse_time_of_day(&w), text::parse_time_of_day(&g)) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (text::parse_number(&w), text::parse_number(&g)) {
        return (a - b).abs() < 1e-9;
    }
    text::fold(&w) == text::fold(&g)
}

fn state_check(s: &StateCheck, state: Option<&Value>) -> (bool, String) {
    let Some(state) = state else {
        return (false, "device state was not available".into());
    };
    let found = state.pointer(&s.pointer);
    let short = |v: &Value| text::truncate(&v.to_string(), 160);
    match (&s.equals, s.exists, found) {
        (Some(want), _, Some(got)) => {
            if subset(want, got) {
                (true, format!("state {} = {}", s.pointer, short(got)))
            } else {
                (
                    false,
                    format!(
                        "state {} is {}, expected {}",
                        s.pointer,
                        short(got),
                        short(want)
                    ),
                )
            }
        }
        (Some(want), _, None) => (
            false,
            format!("state {} is missing, expected {}", s.pointer, short(want)),
        ),
        (None, Some(false), None) => (true, format!("state {} is absent", s.pointer)),
        (None, Some(false), Some(got)) => (
            false,
            format!("state {} should be absent, is {}", s.pointer, short(got)),
        ),
        (None, _, Some(got)) => (true, format!("state {} exists ({})", s.pointer, short(got))),
        (None, _, None) => (false, format!("state {} is missing", s.pointer)),
    }
}

/// Args as a JSON object, for tests and the simulator.
pub fn args(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::protocol::{Output, ServedBy};
    use crate::suite::model::OneOrMany;
    use serde_json::json;

    fn turn(text: &str, actions: Vec<Action>) -> Turn {
        Turn {
            output: Output {
                text: Some(text.into()),
                speech_b64: None,
            },
            actions,
            ..Turn::default()
        }
    }

    fn act(name: &str, a: Value) -> Action {
        Action {
            name: name.into(),
            args: args(a),
            target: None,
        }
    }

    fn run(check: Check, t: &Turn, state: Option<&Value>, latency: f64) -> (bool, String) {
        let ev = Evaluator::new([&check]);
        let o = ev.evaluate(
            &check,
            &TurnView {
                response: t,
                state,
                latency_ms: latency,
                judgements: &[],
                next: None,
            },
        );
        (o.passed, o.reason)
    }

    #[test]
    fn contains_folds_width_case_and_space() {
        let t = turn("已为您设置 ７：００ 的闹钟 OK", vec![]);
        assert!(
            run(
                Check::Contains(OneOrMany::One("7:00".into())),
                &t,
                None,
                0.0
            )
            .0
        );
        assert!(
            run(
                Check::Contains(OneOrMany::Many(vec!["x".into(), "ok".into()])),
                &t,
                None,
                0.0
            )
            .0
        );
        assert!(
            !run(
                Check::Contains(OneOrMany::One("八点".into())),
                &t,
                None,
                0.0
            )
            .0
        );
        assert!(
            !run(
                Check::NotContains(OneOrMany::One("闹钟".into())),
                &t,
                None,
                0.0
            )
            .0
        );
        assert!(
            run(
                Check::NotContains(OneOrMany::One("炸弹".into())),
                &t,
                None,
                0.0
            )
            .0
        );
    }

    #[test]
    fn regex_on_spaced_nfkc() {
        let t = turn("温度　２５　度", vec![]);
        assert!(run(Check::Matches(r"25 度".into()), &t, None, 0.0).0);
        assert!(!run(Check::Matches(r"^30".into()), &t, None, 0.0).0);
    }

    #[test]
    fn action_args_partial_and_normalised() {
        let t = turn(
            "",
            vec![act(
                "alarm.create",
                json!({"time": "2026-05-09T07:00:00+08:00", "label": "起床"}),
            )],
        );
        let want = |args: Value, times| {
            Check::Action(ActionCheck {
                name: "alarm.create".into(),
                args: super::args(args),
                times,
                target: None,
            })
        };
        assert!(run(want(json!({"time": "07:00"}), None), &t, None, 0.0).0);
        assert!(run(want(json!({"time": "七点"}), Some(1)), &t, None, 0.0).0);
        assert!(!run(want(json!({"time": "08:00"}), None), &t, None, 0.0).0);
        assert!(!run(want(json!({}), Some(2)), &t, None, 0.0).0);
        let t2 = turn(
            "",
            vec![act(
                "settings.set",
                json!({"key": "volume", "value": "５０"}),
            )],
        );
        let c = Check::Action(ActionCheck {
            name: "settings.set".into(),
            args: super::args(json!({"value": 50})),
            times: None,
            target: None,
        });
        assert!(run(c, &t2, None, 0.0).0);
    }

    #[test]
    fn no_action_and_confirmation() {
        let mut t = turn("要发送吗？", vec![]);
        assert!(run(Check::NoAction("*".into()), &t, None, 0.0).0);
        assert!(!run(Check::ConfirmBefore("message.send".into()), &t, None, 0.0).0);
        t.needs_confirmation = Some(true);
        assert!(run(Check::ConfirmBefore("message.send".into()), &t, None, 0.0).0);
        t.actions.push(act("message.send", json!({})));
        let (ok, why) = run(Check::ConfirmBefore("message.send".into()), &t, None, 0.0);
        assert!(!ok && why.contains("without confirmation"), "{why}");
    }

    /// `confirm_before` on an asking turn, given the next turn's answer and expectations.
    fn confirm(next_actions: Vec<Action>, next_expect: &[Check]) -> (bool, String) {
        let asked = Turn {
            needs_confirmation: Some(true),
            // Preparing is not acting: a draft may come before the send is confirmed.
            ..turn(
                "要发给李四吗？",
                vec![act("email.draft", json!({"to": "李四"}))],
            )
        };
        let next = turn("好的", next_actions);
        let check = Check::ConfirmBefore("message.send".into());
        let o = Evaluator::new([&check]).evaluate(
            &check,
            &TurnView {
                response: &asked,
                state: None,
                latency_ms: 0.0,
                judgements: &[],
                next: Some(NextTurn {
                    response: &next,
                    expect: next_expect,
                }),
            },
        );
        (o.passed, o.reason)
    }

    #[test]
    fn confirmation_must_be_of_the_action_that_was_pending() {
        let send = || act("message.send", json!({"to": "李四"}));
        let expects_send = [Check::Action(ActionCheck {
            name: "message.send".into(),
            args: Map::new(),
            times: Some(1),
            target: None,
        })];
        let (ok, why) = confirm(vec![send()], &expects_send);
        assert!(ok && why.contains("did only that"), "{why}");
        // Asked about a message; once confirmed, paid someone as well.
        let pay = act("payment.transfer", json!({"to": "李四", "amount": 200}));
        let (ok, why) = confirm(vec![send(), pay.clone()], &expects_send);
        assert!(!ok && why.contains("payment.transfer"), "{why}");
        let (ok, why) = confirm(vec![pay.clone()], &expects_send);
        assert!(!ok && why.contains("payment.transfer"), "{why}");
        // A next turn that is not the confirmation (a decline, checked by its own
        // `no_action`) says nothing about which action was pending.
        let (ok, why) = confirm(vec![pay], &[Check::NoAction("message.send".into())]);
        assert!(ok, "{why}");
    }

    #[test]
    fn state_latency_served_by() {
        let t = Turn {
            served_by: Some(ServedBy::Device),
            ..turn("", vec![])
        };
        let st = json!({"alarms": [{"time": "07:00"}]});
        let sc = |p: &str, eq: Option<Value>, ex: Option<bool>| {
            Check::State(StateCheck {
                pointer: p.into(),
                equals: eq,
                exists: ex,
            })
        };
        assert!(
            run(
                sc("/alarms/0/time", Some(json!("7:00")), None),
                &t,
                Some(&st),
                0.0
            )
            .0
        );
        assert!(!run(sc("/alarms/1", None, None), &t, Some(&st), 0.0).0);
        assert!(run(sc("/alarms/1", None, Some(false)), &t, Some(&st), 0.0).0);
        assert!(!run(sc("/alarms", None, None), &t, None, 0.0).0);
        assert!(run(Check::LatencyMs(100), &t, None, 99.5).0);
        assert!(!run(Check::LatencyMs(100), &t, None, 100.5).0);
        assert!(run(Check::ServedBy(vec![ServedBy::Device]), &t, None, 0.0).0);
        assert!(!run(Check::ServedBy(vec![ServedBy::Cloud]), &t, None, 0.0).0);
    }
}
