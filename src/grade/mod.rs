//! The level decision. Cumulative, as in SAE J3016: a device holds level N when every
//! applicable mandatory case of level N passes and level N's score thresholds are met, and
//! its level is the highest N such that levels 1..N all hold. Pure: a function of the
//! framework and the case verdicts.

use crate::results::{CaseResult, Grade, LadderStep, LevelScore, Verdict};
use crate::suite::model::Framework;

pub fn grade(fw: &Framework, cases: &[CaseResult], scores: &[LevelScore], declared: Option<&str>) -> Grade {
    let mut ladder = Vec::with_capacity(fw.levels.len());
    for level in &fw.levels {
        let mut reasons = Vec::new();
        let mut blocking_cases = Vec::new();
        for c in cases.iter().filter(|c| c.level == level.id && c.mandatory) {
            match c.verdict {
                Verdict::Pass | Verdict::NotApplicable => {}
                Verdict::Fail => {
                    reasons.push(format!("mandatory case {} failed", c.id));
                    blocking_cases.push(c.id.clone());
                }
                Verdict::Inconclusive => {
                    reasons.push(format!("mandatory case {} is inconclusive", c.id));
                    blocking_cases.push(c.id.clone());
                }
            }
        }
        let score = scores.iter().find(|s| s.level == level.id);
        match score.and_then(|s| s.overall) {
            None => reasons.push(format!("no applicable cases at {}", level.id)),
            Some(o) if o + 1e-9 < level.thresholds.overall_min => reasons.push(format!(
                "overall score {} below the threshold {}",
                pct(o),
                pct(level.thresholds.overall_min)
            )),
            Some(_) => {}
        }
        for e in &level.primary_elements {
            let s = score.and_then(|s| s.elements.iter().find(|x| &x.element == e)).and_then(|x| x.score);
            match s {
                None => reasons.push(format!("primary element {e} has no applicable cases at {}", level.id)),
                Some(v) if v + 1e-9 < level.thresholds.primary_element_min => reasons.push(format!(
                    "primary element {e} scored {} below the threshold {}",
                    pct(v),
                    pct(level.thresholds.primary_element_min)
                )),
                Some(_) => {}
            }
        }
        ladder.push(LadderStep {
            level: level.id.clone(),
            held: reasons.is_empty(),
            provisional: level.provisional,
            reasons,
            blocking_cases,
        });
    }
    let held = ladder.iter().take_while(|s| s.held).count();
    let level = held.checked_sub(1).map(|i| ladder[i].level.clone());
    let blocking = ladder.get(held).map(|s| s.blocking_cases.clone()).unwrap_or_default();
    let provisional = held
        .checked_sub(1)
        .is_some_and(|i| fw.levels[i].provisional || fw.levels[i].thresholds.provisional);
    let meets_declared = declared.map(|d| rank(fw, Some(d)) <= held);
    Grade {
        level,
        provisional,
        declared_level: declared.map(str::to_string),
        meets_declared,
        ladder,
        blocking,
    }
}

/// 1-based rank of a level id in the framework; 0 for none or unknown.
pub fn rank(fw: &Framework, level: Option<&str>) -> usize {
    level
        .and_then(|l| fw.levels.iter().position(|x| x.id == l))
        .map_or(0, |i| i + 1)
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// Re-derive every check, trial outcome, case verdict, score, the grade and the summary from
/// the transcripts in `results`, under `fw`. The runner and `regrade` both end here, so a
/// results file re-graded with its own framework reproduces itself.
pub fn derive(fw: &Framework, results: &mut crate::results::Results) {
    use crate::score::{Evaluator, case_verdict, level_scores, verdict::score_trial};

    let ev = Evaluator::new(results.cases.iter().flat_map(|c| c.turns.iter().flat_map(|t| t.expect.iter())));
    for case in &mut results.cases {
        if case.trials_planned == 0 {
            // Not applicable before any trial ran; the reason was recorded at planning.
            case.verdict = Verdict::NotApplicable;
            continue;
        }
        case.trials.sort_by_key(|t| t.index);
        for trial in &mut case.trials {
            score_trial(&ev, &case.turns, trial);
        }
        let unsupported = case.trials.iter().find_map(|t| match &t.error {
            Some(crate::device::DeviceError::Unsupported { op }) => Some(op.clone()),
            _ => None,
        });
        let level = fw.levels.iter().find(|l| l.id == case.level);
        let (verdict, reason, [p, f, e]) = match (unsupported, level) {
            (Some(op), _) => (
                Verdict::NotApplicable,
                format!("the device does not support control op `{op}`, which this case needs"),
                [0, 0, case.trials.len() as u32],
            ),
            (None, None) => (
                Verdict::Inconclusive,
                format!("level {} is not in the framework", case.level),
                [0, 0, 0],
            ),
            (None, Some(level)) => {
                let rule = if case.mandatory { level.pass_rules.mandatory } else { level.pass_rules.optional };
                case_verdict(rule, case.trials_planned, &case.trials)
            }
        };
        case.verdict = verdict;
        case.reason = reason;
        case.passed = p;
        case.failed = f;
        case.errored = e;
    }
    results.scores = level_scores(fw, &results.cases);
    results.grade = grade(fw, &results.cases, &results.scores, results.device.declared_level.as_deref());
    let count = |v: Verdict| results.cases.iter().filter(|c| c.verdict == v).count() as u32;
    results.summary = crate::results::Summary {
        cases: results.cases.len() as u32,
        pass: count(Verdict::Pass),
        fail: count(Verdict::Fail),
        inconclusive: count(Verdict::Inconclusive),
        not_applicable: count(Verdict::NotApplicable),
        trials: results.cases.iter().map(|c| c.trials.len() as u32).sum(),
        trial_errors: results
            .cases
            .iter()
            .flat_map(|c| &c.trials)
            .filter(|t| t.outcome == crate::results::TrialOutcome::Error)
            .count() as u32,
    };
}
