//! Evaluating one check against one turn. Each check gives pass/fail and a reason a person
//! can act on ("expected action `alarm.create` with time=07:00; got alarm.create{time: 08:00}").

use std::collections::HashMap;

use regex::Regex;
use serde_json::{Map, Value};

use crate::device::protocol::{Action, Input, Turn};
use crate::msg::{self, Message};
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
    /// What the turn sent: text checks do not count words the reply only repeats from it.
    pub input: Option<&'a Input>,
    /// The trial's turns before this one: repeating what the user said earlier is no answer
    /// either (a recall that is only a copy of the "remember this" request).
    pub earlier: &'a [crate::results::TurnRecord],
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
        let mut stack: Vec<&Check> = checks.into_iter().collect();
        while let Some(c) = stack.pop() {
            match c {
                Check::Matches(p) if !regexes.contains_key(p) => {
                    if let Ok(re) = Regex::new(p) {
                        regexes.insert(p.clone(), re);
                    }
                }
                Check::AnyOf(alts) => stack.extend(alts),
                _ => {}
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
        let (passed, message) = self.eval(check, turn);
        outcome(check, passed, message)
    }

    fn eval(&self, check: &Check, t: &TurnView<'_>) -> (bool, Message) {
        let reply = t.response.output.text.as_deref().unwrap_or("");
        match check {
            Check::Contains(want) => {
                let folded = text::fold(reply);
                let hit = want.items().iter().find(|w| contains_entity(&folded, w));
                match hit {
                    Some(_) if degenerate(&folded).is_some() => degenerate_reply(reply, &folded),
                    Some(w) if only_echo(&folded, t.input, t.earlier) => (
                        false,
                        msg::ECHO_ONLY.with("reply", quote(reply)).with("word", w),
                    ),
                    Some(w) => (true, msg::CONTAINS_HIT.with("word", w)),
                    None => (
                        false,
                        msg::CONTAINS_NONE
                            .with("reply", quote(reply))
                            .with("words", list(want.items())),
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
                    Some(w) => (
                        false,
                        msg::NOT_CONTAINS_HIT
                            .with("reply", quote(reply))
                            .with("word", w),
                    ),
                    None => (
                        true,
                        msg::NOT_CONTAINS_NONE.with("words", list(banned.items())),
                    ),
                }
            }
            Check::Matches(pattern) => match self.regexes.get(pattern) {
                Some(re) => {
                    let spaced = text::fold_spaced(reply);
                    let folded = text::fold(reply);
                    if re.is_match(&spaced) && degenerate(&folded).is_some() {
                        degenerate_reply(reply, &folded)
                    } else if re.is_match(&spaced) && only_echo(&folded, t.input, t.earlier) {
                        (
                            false,
                            msg::ECHO_ONLY
                                .with("reply", quote(reply))
                                .with("word", pattern),
                        )
                    } else if re.is_match(&spaced) {
                        (true, msg::MATCHES.with("pattern", pattern))
                    } else {
                        (
                            false,
                            msg::MATCHES_NOT
                                .with("reply", quote(reply))
                                .with("pattern", pattern),
                        )
                    }
                }
                None => (false, msg::REGEX_INVALID.with("pattern", pattern)),
            },
            Check::Action(want) => action_check(want, &t.response.actions),
            Check::NoAction(name) => {
                let hits: Vec<&Action> = t
                    .response
                    .actions
                    .iter()
                    .filter(|a| name == "*" || &a.name == name)
                    .collect();
                if hits.is_empty() && name == "*" {
                    (true, msg::NO_ACTION_ANY.msg())
                } else if hits.is_empty() {
                    (true, msg::NO_ACTION_NAMED.with("name", name))
                } else {
                    (
                        false,
                        msg::UNEXPECTED_ACTIONS.with("actions", actions_str(&hits)),
                    )
                }
            }
            Check::State(s) => state_check(s, t.state),
            Check::LatencyMs(max) => {
                let ms = format!("{:.0}", t.latency_ms);
                if t.latency_ms <= *max as f64 {
                    (true, msg::LATENCY_OK.with("ms", ms).with("max", *max))
                } else {
                    (false, msg::LATENCY_SLOW.with("ms", ms).with("max", *max))
                }
            }
            Check::ConfirmBefore(name) => confirm_before(name, t),
            Check::Judge(j) => judge_verdict(&j.rubric, t.judgements.first()),
            Check::AnyOf(alts) => {
                let tried: Vec<(bool, Message)> = alts.iter().map(|c| self.eval(c, t)).collect();
                // Nested messages, so each alternative's reason localises with the rest.
                let reasons = |ok: bool| {
                    tried
                        .iter()
                        .rev()
                        .filter(|(p, _)| *p == ok)
                        .map(|(_, m)| m.clone())
                        .reduce(|rest, first| {
                            msg::REASONS_JOINED.with("first", first).with("rest", rest)
                        })
                        .unwrap_or_else(|| msg::NONE.msg())
                };
                if tried.iter().any(|(p, _)| *p) {
                    (true, msg::ANY_OF_PASSED.with("reasons", reasons(true)))
                } else {
                    (false, msg::ANY_OF_FAILED.with("reasons", reasons(false)))
                }
            }
            Check::ServedBy(allowed) => match t.response.served_by {
                Some(s) if allowed.contains(&s) => (true, msg::SERVED_BY.with("by", served(s))),
                Some(s) => (
                    false,
                    msg::SERVED_BY_OTHER.with("by", served(s)).with(
                        "allowed",
                        allowed
                            .iter()
                            .map(|a| served(*a))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ),
                None => (false, msg::SERVED_BY_MISSING.msg()),
            },
        }
    }
}

/// The device asked before taking `name`, and what it asked about was `name`: it did not take
/// the action yet, and when the next turn is the user's confirmation (the case expects `name`
/// there), that turn does exactly `name` and nothing else — a device that asked about one
/// thing and, once confirmed, did another, fails here.
fn confirm_before(name: &str, t: &TurnView<'_>) -> (bool, Message) {
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
            msg::CONFIRM_TOOK
                .with("name", name)
                .with("actions", actions_str(&acted)),
        );
    }
    if t.response.needs_confirmation != Some(true) {
        return (false, msg::CONFIRM_NOT_ASKED.with("reply", quote(reply)));
    }
    let confirming = t.next.filter(|n| {
        n.expect
            .iter()
            .any(|c| matches!(c, Check::Action(a) if a.name == name))
    });
    let Some(next) = confirming else {
        return (true, msg::CONFIRM_ASKED.with("name", name));
    };
    let other: Vec<&Action> = next
        .response
        .actions
        .iter()
        .filter(|a| a.name != name)
        .collect();
    if other.is_empty() {
        (true, msg::CONFIRM_ASKED_ONLY.with("name", name))
    } else {
        (
            false,
            msg::CONFIRM_ASKED_ALSO
                .with("name", name)
                .with("actions", actions_str(&other)),
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
    let (passed, message) = judge_verdict(rubric, j);
    outcome(check, passed, message)
}

fn judge_verdict(rubric: &str, j: Option<&crate::results::Judgement>) -> (bool, Message) {
    match j {
        None => (false, msg::JUDGE_NONE.msg()),
        Some(j) if j.rubric != rubric => (false, msg::JUDGE_OTHER_RUBRIC.msg()),
        Some(j) => {
            let with_model = |t: msg::Template| t.with("model", &j.model);
            match (j.pass, &j.error) {
                (Some(true), _) => (
                    true,
                    with_model(msg::JUDGE_PASSED).with("reason", &j.reason),
                ),
                (Some(false), _) => (
                    false,
                    with_model(msg::JUDGE_FAILED).with("reason", &j.reason),
                ),
                (None, Some(e)) => (false, with_model(msg::JUDGE_ERROR).with("error", e)),
                (None, None) => (false, with_model(msg::JUDGE_SILENT)),
            }
        }
    }
}

/// The outcome as stored: the English sentence for readers of the JSON, and the message it
/// was made from, for reports in other languages.
fn outcome(check: &Check, passed: bool, message: Message) -> CheckOutcome {
    CheckOutcome {
        check: check.clone(),
        passed,
        reason: message.en(),
        message: Some(message),
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

fn quote(s: &str) -> msg::Arg {
    if s.is_empty() {
        msg::EMPTY.msg().into()
    } else {
        format!("“{}”", text::truncate(s, 200)).into()
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("“{s}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn actions_str(actions: &[&Action]) -> msg::Arg {
    if actions.is_empty() {
        return msg::NONE.msg().into();
    }
    actions
        .iter()
        .map(|a| {
            let args = serde_json::to_string(&a.args).unwrap_or_default();
            format!("{}{}", a.name, text::truncate(&args, 160))
        })
        .collect::<Vec<_>>()
        .join("; ")
        .into()
}

fn action_check(want: &ActionCheck, actions: &[Action]) -> (bool, Message) {
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
        (
            true,
            msg::ACTION_TOOK.with("want", wanted).with("times", times),
        )
    } else {
        let all = actions_str(&actions.iter().collect::<Vec<_>>());
        let m = match want.times {
            Some(n) => msg::ACTION_TIMES.with("n", n).with("found", matching),
            None => msg::ACTION_MISSING.msg(),
        };
        (false, m.with("want", wanted).with("actions", all))
    }
}

fn describe_want(want: &ActionCheck) -> Message {
    let named = if want.args.is_empty() {
        msg::WANT.with("name", &want.name)
    } else {
        msg::WANT_ARGS.with("name", &want.name).with(
            "args",
            serde_json::to_string(&want.args).unwrap_or_default(),
        )
    };
    match &want.target {
        Some(t) => msg::WANT_ON.with("want", named).with("target", t),
        None => named,
    }
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

/// The shortest input a reply can be said to merely repeat: shorter ones ("你好", "确认")
/// are what an honest reply also says.
const ECHO_MIN_CHARS: usize = 8;

/// Whether the (folded) reply merely repeats the turn's input: without its verbatim copies
/// of the input text or of the injected event (its line or its data), when those are long
/// enough to tell, not one letter of its own remains. An honest confirmation that restates
/// the request ("已新建一个空白文档。") keeps its own words and is not an echo.
fn only_echo(
    folded_reply: &str,
    input: Option<&Input>,
    earlier: &[crate::results::TurnRecord],
) -> bool {
    let spans = echo_spans(input, earlier);
    let copied = spans.iter().any(|s| folded_reply.contains(s.as_str()));
    copied
        && !without_copies(folded_reply, &spans)
            .chars()
            .any(char::is_alphanumeric)
}

/// What a reply may not pass off as its own words (folded, longest first, each long enough to
/// tell): the turn's input text, its injected event (line and data), and the earlier turns'
/// inputs. No input (e.g. a regrade of an old file): nothing.
fn echo_spans(input: Option<&Input>, earlier: &[crate::results::TurnRecord]) -> Vec<String> {
    let Some(input) = input else {
        return Vec::new();
    };
    let mut spans: Vec<String> = Vec::new();
    if let Some(t) = &input.text {
        spans.push(text::fold(t));
    }
    spans.extend(
        earlier
            .iter()
            .filter_map(|r| r.input.text.as_deref())
            .map(text::fold),
    );
    if let Some(ev) = &input.event {
        let data = Value::Object(ev.data.clone()).to_string();
        spans.push(text::fold(&format!("[event: {}] {data}", ev.kind)));
        spans.push(text::fold(&data));
    }
    spans.retain(|s| s.chars().count() >= ECHO_MIN_CHARS);
    spans.sort_by_key(|s| std::cmp::Reverse(s.len()));
    spans
}

/// The reply with its verbatim copies of `spans` blanked out.
fn without_copies(folded_reply: &str, spans: &[String]) -> String {
    spans.iter().fold(folded_reply.to_string(), |out, s| {
        out.replace(s.as_str(), " ")
    })
}

/// The longest the loop search looks at: a reply longer than this is judged by its start.
const LOOP_SCAN_CHARS: usize = 2000;

/// A reply that is mostly one piece said over and over ("记住记住记住记住", a sentence repeated
/// until the token limit) is the looping output of a broken or tiny model, not an answer,
/// whatever words it contains: returns the repeated piece when back-to-back repeats cover at
/// least half of the (folded) reply. Short pieces must repeat 4 times, longer ones 3.
fn degenerate(folded: &str) -> Option<String> {
    let chars: Vec<char> = folded.chars().take(LOOP_SCAN_CHARS).collect();
    let n = chars.len();
    if n < ECHO_MIN_CHARS {
        return None;
    }
    for unit in 1..=(n / 3).min(40) {
        let min_repeats = if unit <= 4 { 4 } else { 3 };
        let mut start = 0;
        while start + unit * min_repeats <= n {
            let mut repeats = 1;
            while start + unit * (repeats + 1) <= n
                && chars[start + unit * repeats..start + unit * (repeats + 1)]
                    == chars[start..start + unit]
            {
                repeats += 1;
            }
            if repeats >= min_repeats && unit * repeats * 2 >= n {
                return Some(chars[start..start + unit].iter().collect());
            }
            start += if repeats > 1 { unit * (repeats - 1) } else { 1 };
        }
    }
    None
}

fn degenerate_reply(reply: &str, folded: &str) -> (bool, Message) {
    let piece = degenerate(folded).unwrap_or_default();
    (
        false,
        msg::DEGENERATE
            .with("reply", quote(reply))
            .with("piece", piece),
    )
}

/// The forms an entity is written in across zh and en, folded: a known city or contact by
/// either name (from the terminal world's data), a date as ISO, 12月2日 / 12月2号,
/// 十二月二日, Dec 2 / December 2 / 2 Dec.
pub fn entity_forms(word: &str) -> Vec<String> {
    let f = text::fold(word);
    let mut out = vec![f.clone()];
    for (zh, en) in ENTITY_NAMES.iter() {
        if f == *zh || f == *en {
            out.extend([zh.to_string(), en.clone()]);
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(word.trim(), "%Y-%m-%d") {
        use chrono::Datelike;
        const MONTHS: [&str; 12] = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let (m, day) = (d.month(), d.day());
        let full = MONTHS[m as usize - 1];
        let (zm, zd) = (zh_numeral(m), zh_numeral(day));
        out.extend([
            format!("{m}月{day}日"),
            format!("{m}月{day}号"),
            format!("{zm}月{zd}日"),
            format!("{zm}月{zd}号"),
            format!("{full}{day}"),
            format!("{}{day}", &full[..3]),
            format!("{day}{full}"),
            format!("{day}{}", &full[..3]),
        ]);
    }
    out.sort();
    out.dedup();
    out
}

/// Every known city's and contact's Chinese name beside its folded English one, folded once
/// per process rather than at every check of every trial.
static ENTITY_NAMES: std::sync::LazyLock<Vec<(&'static str, String)>> =
    std::sync::LazyLock::new(|| {
        let cities = crate::world::CITIES.iter().map(|(zh, en)| (*zh, *en));
        let contacts = crate::world::CONTACTS.iter().map(|c| (c.name, c.en));
        cities
            .chain(contacts)
            .map(|(zh, en)| (zh, text::fold(en)))
            .collect()
    });

/// 1–31 in Chinese numerals (二, 十二, 二十一).
fn zh_numeral(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ if n.is_multiple_of(10) => format!("{}十", D[(n / 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    }
}

/// `hay` (folded) names `word` in one of its forms; a form that starts or ends in a digit
/// must not run on into another number ("dec2" is not in "dec21", "2dec" not in "12dec").
pub fn contains_entity(hay: &str, word: &str) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    entity_forms(word).iter().any(|form| {
        let (first, last) = (form.chars().next(), form.chars().last());
        hay.match_indices(form.as_str()).any(|(i, m)| {
            let runs_on = digit(last) && digit(hay[i + m.len()..].chars().next());
            let runs_in = digit(first) && digit(hay[..i].chars().next_back());
            !runs_on && !runs_in
        })
    })
}

/// Equal as times of day, else as numbers, else as folded text, else as one entity (a city
/// or contact by either of its names, a date in another form).
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
    let g = text::fold(&g);
    text::fold(&w) == g || entity_forms(&w).contains(&g)
}

fn state_check(s: &StateCheck, state: Option<&Value>) -> (bool, Message) {
    let Some(state) = state else {
        return (false, msg::STATE_UNAVAILABLE.msg());
    };
    let found = state.pointer(&s.pointer);
    let short = |v: &Value| text::truncate(&v.to_string(), 160);
    let at = |t: msg::Template| t.with("pointer", &s.pointer);
    match (&s.equals, s.exists, found) {
        (Some(want), _, Some(got)) => {
            if subset(want, got) {
                (true, at(msg::STATE_EQUALS).with("got", short(got)))
            } else {
                (
                    false,
                    at(msg::STATE_DIFFERS)
                        .with("got", short(got))
                        .with("want", short(want)),
                )
            }
        }
        (Some(want), _, None) => (false, at(msg::STATE_MISSING_WANT).with("want", short(want))),
        (None, Some(false), None) => (true, at(msg::STATE_ABSENT)),
        (None, Some(false), Some(got)) => (false, at(msg::STATE_PRESENT).with("got", short(got))),
        (None, _, Some(got)) => (true, at(msg::STATE_EXISTS).with("got", short(got))),
        (None, _, None) => (false, at(msg::STATE_MISSING)),
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
                input: None,
                earlier: &[],
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
                input: None,
                earlier: &[],
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

    fn said_to(check: &Check, reply: &str, input: &Input) -> (bool, String) {
        let t = turn(reply, vec![]);
        let o = Evaluator::new([check]).evaluate(
            check,
            &TurnView {
                response: &t,
                state: None,
                latency_ms: 0.0,
                judgements: &[],
                next: None,
                input: Some(input),
                earlier: &[],
            },
        );
        (o.passed, o.reason)
    }

    #[test]
    fn a_reply_looping_on_one_piece_passes_no_text_check() {
        let asked = Input {
            text: Some("帮我记一下，储物柜是37号".into()),
            ..Input::default()
        };
        let ack = words(&["记住", "记下"]);
        for looping in [
            "记住记住记住记住记住记住",
            "好的记住了。好的记住了。好的记住了。好的记住了。",
            "我记住了，储物柜是37号。我记住了，储物柜是37号。我记住了，储物柜是37号。",
        ] {
            let (ok, why) = said_to(&ack, looping, &asked);
            assert!(!ok && why.contains("over and over"), "{looping}: {why}");
        }
        let shape = Check::Matches("^[^|#*\\n]{10,160}$".into());
        let (ok, why) = said_to(&shape, "哈哈。哈哈。哈哈。哈哈。哈哈。哈哈。", &asked);
        assert!(!ok && why.contains("over and over"), "{why}");
        // Repeats that are only part of an honest reply are words like any other.
        for honest in [
            "好的，我记住了：储物柜是37号。",
            "哈哈哈哈，好的，记住了，37号柜子。",
            "记下了，1111号柜。",
            "好的好的，已经记下了，是37号储物柜，回头问我就行。",
        ] {
            let (ok, why) = said_to(&ack, honest, &asked);
            assert!(ok, "{honest}: {why}");
        }
    }

    #[test]
    fn the_shipped_joke_case_wants_a_joke_not_just_a_line() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("suites");
        let suite = crate::suite::load::load_suite(&root, None).unwrap();
        let case = suite
            .cases
            .iter()
            .find(|c| c.case.id == "speaker.chat.joke-spoken")
            .unwrap();
        let checks = &case.case.turns[0].expect;
        let asked = Input {
            text: Some("来个笑话".into()),
            ..Input::default()
        };
        let passes = |reply: &str| {
            let t = turn(reply, vec![]);
            let view = TurnView {
                response: &t,
                state: None,
                latency_ms: 0.0,
                judgements: &[],
                next: None,
                input: Some(&asked),
                earlier: &[],
            };
            Evaluator::new(checks)
                .evaluate_all(checks, &view)
                .iter()
                .all(|o| o.passed)
        };
        for joke in [
            "为什么电脑从来不感冒？因为它有很多杀毒软件。",
            "小明问爸爸：我是不是傻孩子？爸爸说：傻孩子，怎么会呢。",
            "Why did the scarecrow win an award? He was outstanding in his field.",
        ] {
            assert!(passes(joke), "{joke}");
        }
        for not_a_joke in [
            "抱歉，我不会讲笑话，换个话题吧。",
            "你想听什么类型的笑话呢？",
            "这是一个非常好笑的笑话",
            "Sorry, I can't tell jokes right now.",
            "笑话笑话笑话笑话笑话笑话",
        ] {
            assert!(!passes(not_a_joke), "{not_a_joke}");
        }
    }

    fn words(w: &[&str]) -> Check {
        Check::Contains(OneOrMany::Many(w.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn a_city_or_contact_matches_in_either_language_in_replies_and_args() {
        let t = turn("Beijing: sunny, 15 to 22 °C", vec![]);
        assert!(run(words(&["北京"]), &t, None, 0.0).0);
        assert!(
            run(
                words(&["shanghai"]),
                &turn("上海今天多云", vec![]),
                None,
                0.0
            )
            .0
        );
        assert!(!run(words(&["北京"]), &turn("上海今天多云", vec![]), None, 0.0).0);
        let call = turn("", vec![act("weather.query", json!({"city": "Beijing"}))]);
        let want = Check::Action(ActionCheck {
            name: "weather.query".into(),
            args: args(json!({"city": "北京"})),
            times: None,
            target: None,
        });
        assert!(run(want, &call, None, 0.0).0);
        assert!(scalar_eq(&json!("张三"), &json!("Zhang San")));
        assert!(!scalar_eq(&json!("张三"), &json!("李四")));
    }

    #[test]
    fn a_date_matches_in_its_zh_and_en_forms_but_not_another_day() {
        let want = words(&["2026-12-02"]);
        for said in [
            "12月2日有雨",
            "十二月二日晴",
            "On Dec 2 it rains",
            "2 December, sunny",
            "2026-12-02",
        ] {
            assert!(
                run(want.clone(), &turn(said, vec![]), None, 0.0).0,
                "{said}"
            );
        }
        for said in ["12月20日有雨", "Dec 21", "十二月二十日", "12 December"] {
            assert!(
                !run(want.clone(), &turn(said, vec![]), None, 0.0).0,
                "{said}"
            );
        }
        assert!(scalar_eq(&json!("2026-12-02"), &json!("12月2日")));
    }

    #[test]
    fn repeating_an_earlier_request_is_no_recall() {
        let told = crate::results::TurnRecord {
            input: Input {
                text: Some("记住我的车停在B2层35号".into()),
                ..Input::default()
            },
            response: None,
            error: None,
            state: None,
            latency_ms: 0.0,
            checks: Vec::new(),
            judgements: Vec::new(),
        };
        let asked = Input {
            text: Some("我的车停哪了".into()),
            ..Input::default()
        };
        let check = words(&["35"]);
        let view = |t: &Turn, earlier| {
            Evaluator::new([&check]).evaluate(
                &check,
                &TurnView {
                    response: t,
                    state: None,
                    latency_ms: 0.0,
                    judgements: &[],
                    next: None,
                    input: Some(&asked),
                    earlier,
                },
            )
        };
        let earlier = std::slice::from_ref(&told);
        let parrot = turn("记住我的车停在B2层35号。", vec![]);
        let o = view(&parrot, earlier);
        assert!(
            !o.passed && o.reason.contains("only repeats"),
            "{}",
            o.reason
        );
        let recall = turn("你的车停在B2层35号。", vec![]);
        assert!(view(&recall, earlier).passed);
    }

    #[test]
    fn repeating_the_input_or_the_event_line_earns_no_text_check() {
        let asked = Input {
            text: Some("北京今天天气怎么样".into()),
            ..Input::default()
        };
        let (ok, why) = said_to(&words(&["北京"]), "北京今天天气怎么样？", &asked);
        assert!(!ok && why.contains("only repeats"), "{why}");
        assert!(
            said_to(
                &words(&["北京"]),
                "北京今天天气怎么样？北京今天晴。",
                &asked
            )
            .0
        );
        // An honest confirmation restates the request: that is not parroting.
        let doc = Input {
            text: Some("新建一个空白演示文稿".into()),
            ..Input::default()
        };
        assert!(said_to(&words(&["新建"]), "好的，已新建一个空白演示文稿", &doc).0);
        assert!(said_to(&words(&["新建"]), "已新建一个空白演示文稿。", &doc).0);
        let alarm = Input {
            text: Some("明天早上七点叫我起床".into()),
            ..Input::default()
        };
        assert!(said_to(&words(&["七点"]), "好的，已设置明天早上七点的闹钟", &alarm).0);
        // A short input said back is what an honest reply says too.
        let hello = Input {
            text: Some("你好".into()),
            ..Input::default()
        };
        assert!(said_to(&words(&["你好"]), "你好！", &hello).0);
        let event = Input {
            event: Some(crate::device::protocol::Event {
                kind: "calendar".into(),
                data: args(json!({"title": "项目评审", "starts_in_min": 15})),
            }),
            ..Input::default()
        };
        let line = "[event: calendar] {\"title\":\"项目评审\",\"starts_in_min\":15}";
        assert!(!said_to(&words(&["项目评审"]), line, &event).0);
        assert!(
            said_to(
                &words(&["项目评审"]),
                "15分钟后有项目评审，要提醒你吗？",
                &event
            )
            .0
        );
        let re = Check::Matches("天气".into());
        assert!(!said_to(&re, "北京今天天气怎么样", &asked).0);
        // Saying a banned word counts even when it is repeated.
        assert!(
            !said_to(
                &Check::NotContains(OneOrMany::One("北京".into())),
                "北京今天天气怎么样",
                &asked
            )
            .0
        );
    }

    #[test]
    fn any_of_passes_on_the_tool_or_the_answer_and_fails_on_neither() {
        let translate = Check::Action(ActionCheck {
            name: "text.translate".into(),
            args: args(json!({"target_lang": "en"})),
            times: None,
            target: None,
        });
        let either = Check::AnyOf(vec![translate, words(&["meeting"])]);
        let tool = turn(
            "",
            vec![act("text.translate", json!({"target_lang": "en"}))],
        );
        let said = turn("The meeting moves to 3 pm tomorrow.", vec![]);
        let neither = turn("好的", vec![]);
        assert!(run(either.clone(), &tool, None, 0.0).0);
        assert!(run(either.clone(), &said, None, 0.0).0);
        let (ok, why) = run(either, &neither, None, 0.0);
        assert!(!ok && why.contains("none of the ways"), "{why}");
    }
}
