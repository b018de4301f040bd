//! From check outcomes to trial outcomes, case verdicts and per-level element scores.

use crate::msg::{self, Message};
use crate::results::{
    CaseResult, ElementScore, LevelScore, TrialOutcome, TrialRecord, TrialStats, Verdict,
};
use crate::score::checks::{Evaluator, NextTurn, TurnView};
use crate::suite::model::{CaseTurn, Check, Framework, PassRule};

/// (Re)compute every check of a trial from its transcript, then its outcome.
pub fn score_trial(ev: &Evaluator, turns: &[CaseTurn], trial: &mut TrialRecord) {
    for i in 0..trial.turns.len().min(turns.len()) {
        let next = match (turns.get(i + 1), trial.turns.get(i + 1)) {
            (Some(spec), Some(rec)) => rec.response.as_ref().map(|response| NextTurn {
                response,
                expect: &spec.expect,
            }),
            _ => None,
        };
        let rec = &trial.turns[i];
        let checks = match &rec.response {
            Some(resp) => {
                let view = TurnView {
                    response: resp,
                    state: rec.state.as_ref(),
                    latency_ms: rec.latency_ms,
                    judgements: &rec.judgements,
                    next,
                    input: Some(&rec.input),
                    earlier: &trial.turns[..i],
                };
                // A state the device failed to give is the device's error, recorded with the
                // turn; its state checks are not evidence either way.
                if rec.state.is_none() && rec.error.is_some() {
                    let answerable: Vec<Check> = turns[i]
                        .expect
                        .iter()
                        .filter(|c| !matches!(c, Check::State(_)))
                        .cloned()
                        .collect();
                    ev.evaluate_all(&answerable, &view)
                } else {
                    ev.evaluate_all(&turns[i].expect, &view)
                }
            }
            None => Vec::new(),
        };
        trial.turns[i].checks = checks;
    }
    trial.outcome = trial_outcome(turns.len(), trial);
}

/// A trial fails when any answered turn failed a check — evidence of failure stands even if
/// the device errored afterwards; otherwise it errors when the device failed before every
/// turn was answered, and passes when every check of every turn passed.
pub fn trial_outcome(expected_turns: usize, trial: &TrialRecord) -> TrialOutcome {
    if trial
        .turns
        .iter()
        .any(|t| t.checks.iter().any(|c| !c.passed))
    {
        return TrialOutcome::Fail;
    }
    let answered = trial.turns.iter().filter(|t| t.response.is_some()).count();
    if trial.error.is_some()
        || trial.turns.iter().any(|t| t.error.is_some())
        || answered < expected_turns
    {
        return TrialOutcome::Error;
    }
    TrialOutcome::Pass
}

/// A case's verdict from its trials under the framework's pass rule.
pub fn case_verdict(
    rule: PassRule,
    planned: u32,
    trials: &[TrialRecord],
) -> (Verdict, Message, [u32; 3]) {
    let count = |o| trials.iter().filter(|t| t.outcome == o).count() as u32;
    let counts = [
        count(TrialOutcome::Pass),
        count(TrialOutcome::Fail),
        count(TrialOutcome::Error),
    ];
    verdict_of_counts(rule, planned, counts)
}

/// [`case_verdict`] from the trials' outcome counts (passed, failed, errored), which is all it
/// depends on: a streamed run keeps only these.
pub fn verdict_of_counts(
    rule: PassRule,
    planned: u32,
    [passed, failed, errored]: [u32; 3],
) -> (Verdict, Message, [u32; 3]) {
    let valid = passed + failed;
    let (min_valid, desc) = match rule {
        PassRule::All { min_valid } => (min_valid, msg::RULE_ALL.msg()),
        PassRule::Rate {
            min_rate,
            min_valid,
        } => (
            min_valid,
            msg::RULE_RATE.with("rate", format!("{:.0}", min_rate * 100.0)),
        ),
    };
    let needed = min_valid.min(planned).max(1);
    let counts = [passed, failed, errored];
    if valid < needed {
        return (
            Verdict::Inconclusive,
            msg::TOO_FEW_VALID
                .with("valid", valid)
                .with("planned", planned)
                .with("needed", needed)
                .with("errored", errored),
            counts,
        );
    }
    let ok = match rule {
        PassRule::All { .. } => failed == 0,
        PassRule::Rate { min_rate, .. } => f64::from(passed) / f64::from(valid) >= min_rate - 1e-12,
    };
    let verdict = if ok { Verdict::Pass } else { Verdict::Fail };
    let template = if ok {
        msg::VERDICT_PASS
    } else {
        msg::VERDICT_FAIL
    };
    let reason = template
        .with("passed", passed)
        .with("valid", valid)
        .with("rule", desc);
    (verdict, reason, counts)
}

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` successes in `n` trials; `None` when `n` is 0. Preferred to
/// the normal approximation because trial counts are small and rates often 0 or 1.
pub fn wilson(k: u32, n: u32) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let (k, n) = (f64::from(k), f64::from(n));
    let p = k / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

/// Statistics over a case's valid trials.
pub fn trial_stats(passed: u32, failed: u32) -> Option<TrialStats> {
    let k = passed + failed;
    let (lo, hi) = wilson(passed, k)?;
    Some(TrialStats {
        k,
        pass_rate: round4(f64::from(passed) / f64::from(k)),
        wilson_low: round4(lo),
        wilson_high: round4(hi),
        pass_hat_k: failed == 0,
        pass_at_k: passed > 0,
    })
}

/// Per level, per element: the weighted share of passed applicable cases.
pub fn level_scores(fw: &Framework, cases: &[CaseResult]) -> Vec<LevelScore> {
    fw.levels
        .iter()
        .map(|level| {
            let at_level: Vec<&CaseResult> = cases
                .iter()
                .filter(|c| c.level == level.id && c.verdict != Verdict::NotApplicable)
                .collect();
            let share = |cs: &[&CaseResult]| -> Option<f64> {
                let total: f64 = cs.iter().map(|c| c.weight).sum();
                (total > 0.0).then(|| {
                    cs.iter()
                        .filter(|c| c.verdict == Verdict::Pass)
                        .map(|c| c.weight)
                        .sum::<f64>()
                        / total
                })
            };
            let elements = fw
                .elements
                .iter()
                .map(|e| {
                    let cs: Vec<&CaseResult> = at_level
                        .iter()
                        .copied()
                        .filter(|c| c.element == e.id)
                        .collect();
                    ElementScore {
                        element: e.id.clone(),
                        primary: level.primary_elements.contains(&e.id),
                        score: share(&cs).map(round4),
                        applicable: cs.len() as u32,
                        passed: cs.iter().filter(|c| c.verdict == Verdict::Pass).count() as u32,
                    }
                })
                .collect();
            LevelScore {
                level: level.id.clone(),
                elements,
                overall: share(&at_level).map(round4),
                applicable: at_level.len() as u32,
                passed: at_level
                    .iter()
                    .filter(|c| c.verdict == Verdict::Pass)
                    .count() as u32,
            }
        })
        .collect()
}

/// Scores are stored rounded so that their text form is stable across platforms.
fn round4(x: f64) -> f64 {
    // `+ 0.0` turns the -0.0 an empty float sum yields into 0.0, so it never prints as "-0".
    (x * 10_000.0).round() / 10_000.0 + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(outcome: TrialOutcome) -> TrialRecord {
        TrialRecord {
            case: "c".into(),
            index: 0,
            seed: 0,
            outcome,
            setup: vec![],
            params: Default::default(),
            phrasings: Vec::new(),
            turns: vec![],
            error: None,
            attempts: Vec::new(),
            duration_ms: 0.0,
            round: 0,
        }
    }

    #[test]
    fn a_confirmation_that_does_something_else_fails_the_asking_turn() {
        use crate::device::protocol::{Action, Input, Turn};
        use crate::results::TurnRecord;
        let turns: Vec<CaseTurn> = serde_saphyr::from_str(
            "- input: { text: 给李四发短信说我到了 }\n  expect: [ { confirm_before: message.send } ]\n\
             - input: { text: 确认 }\n  expect: [ { action: { name: message.send, times: 1 } } ]\n",
        )
        .unwrap();
        let answer = |confirm: bool, actions: &[&str]| TurnRecord {
            input: Input::default(),
            response: Some(Turn {
                needs_confirmation: Some(confirm),
                actions: actions
                    .iter()
                    .map(|n| Action {
                        name: n.to_string(),
                        args: Default::default(),
                        target: None,
                    })
                    .collect(),
                ..Turn::default()
            }),
            error: None,
            state: None,
            latency_ms: 1.0,
            checks: vec![],
            judgements: vec![],
        };
        let ev = Evaluator::new(turns.iter().flat_map(|t| &t.expect));
        let mut honest = trial(TrialOutcome::Error);
        honest.turns = vec![answer(true, &[]), answer(false, &["message.send"])];
        score_trial(&ev, &turns, &mut honest);
        assert_eq!(honest.outcome, TrialOutcome::Pass);
        // Asked about the message; on "确认" sent it and also paid.
        let mut other = trial(TrialOutcome::Error);
        other.turns = vec![
            answer(true, &[]),
            answer(false, &["message.send", "payment.transfer"]),
        ];
        score_trial(&ev, &turns, &mut other);
        assert_eq!(other.outcome, TrialOutcome::Fail);
        let why = &other.turns[0].checks[0];
        assert!(
            !why.passed && why.reason.contains("payment.transfer"),
            "{why:?}"
        );
        assert!(other.turns[1].checks[0].passed, "the send itself happened");
    }

    #[test]
    fn wilson_matches_known_values() {
        // Reference values computed independently (z = 1.96, rounded to 4 places).
        for (k, n, lo, hi) in [
            (8, 10, 0.4902, 0.9433),
            (3, 3, 0.4385, 1.0),
            (0, 10, 0.0, 0.2775),
            (10, 20, 0.2993, 0.7007),
            (1, 1, 0.2065, 1.0),
            (0, 1, 0.0, 0.7935),
            (5, 5, 0.5655, 1.0),
            (95, 100, 0.8882, 0.9785),
        ] {
            let (l, h) = wilson(k, n).unwrap();
            assert!(
                (round4(l) - lo).abs() < 1e-9 && (round4(h) - hi).abs() < 1e-9,
                "{k}/{n}: {l} {h}"
            );
        }
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    #[test]
    fn pass_hat_k_and_pass_at_k() {
        let s = trial_stats(2, 1).unwrap();
        assert!(!s.pass_hat_k && s.pass_at_k);
        assert_eq!(s.k, 3);
        let s = trial_stats(3, 0).unwrap();
        assert!(s.pass_hat_k && s.pass_at_k);
        let s = trial_stats(0, 3).unwrap();
        assert!(!s.pass_hat_k && !s.pass_at_k);
        assert_eq!(trial_stats(0, 0), None);
    }

    #[test]
    fn pass_rules() {
        use TrialOutcome::*;
        let all = PassRule::All { min_valid: 2 };
        let t = |o: &[TrialOutcome]| o.iter().map(|o| trial(*o)).collect::<Vec<_>>();
        assert_eq!(
            case_verdict(all, 3, &t(&[Pass, Pass, Pass])).0,
            Verdict::Pass
        );
        assert_eq!(
            case_verdict(all, 3, &t(&[Pass, Fail, Pass])).0,
            Verdict::Fail
        );
        assert_eq!(
            case_verdict(all, 3, &t(&[Pass, Error, Pass])).0,
            Verdict::Pass
        );
        assert_eq!(
            case_verdict(all, 3, &t(&[Pass, Error, Error])).0,
            Verdict::Inconclusive
        );
        // --trials 1 lowers the valid-trial requirement with it.
        assert_eq!(case_verdict(all, 1, &t(&[Pass])).0, Verdict::Pass);
        assert_eq!(case_verdict(all, 1, &t(&[Error])).0, Verdict::Inconclusive);
        let rate = PassRule::Rate {
            min_rate: 0.67,
            min_valid: 2,
        };
        assert_eq!(
            case_verdict(rate, 3, &t(&[Pass, Fail, Pass])).0,
            Verdict::Fail
        );
        let rate = PassRule::Rate {
            min_rate: 2.0 / 3.0,
            min_valid: 2,
        };
        assert_eq!(
            case_verdict(rate, 3, &t(&[Pass, Fail, Pass])).0,
            Verdict::Pass
        );
    }
}
