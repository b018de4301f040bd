//! The level decision. Cumulative, as in SAE J3016: a device holds level N when every
//! applicable mandatory case of level N passes and level N's score thresholds are met, and
//! its level is the highest N such that levels 1..N all hold. Pure: a function of the
//! framework and the case verdicts.

use crate::msg::{self, Arg, Message};
use crate::results::{CaseResult, Grade, Incomplete, LadderStep, LevelScore, Verdict};
use crate::suite::model::{Framework, Level, Mode};

pub fn grade(
    fw: &Framework,
    cases: &[CaseResult],
    scores: &[LevelScore],
    declared: Option<&str>,
) -> Grade {
    let mut undecided_at = Vec::with_capacity(fw.levels.len());
    let ladder: Vec<LadderStep> = fw
        .levels
        .iter()
        .map(|l| {
            let mut step = step_of(l, cases, scores);
            let undecided = undecided(fw, l, &step, cases);
            step.incomplete = undecided.is_some();
            undecided_at.push(undecided);
            step
        })
        .collect();
    let held = ladder.iter().take_while(|s| s.held).count();
    let level = held.checked_sub(1).map(|i| ladder[i].level.clone());
    let blocking = ladder
        .get(held)
        .map(|s| s.blocking_cases.clone())
        .unwrap_or_default();
    let provisional = held
        .checked_sub(1)
        .is_some_and(|i| fw.levels[i].provisional || fw.levels[i].thresholds.provisional);
    let meets_declared = declared.map(|d| rank(fw, Some(d)) <= held);
    let incomplete = undecided_at.into_iter().nth(held).flatten();
    Grade {
        level,
        provisional,
        declared_level: declared.map(str::to_string),
        meets_declared,
        ladder,
        blocking,
        partial: false,
        incomplete,
    }
}

/// The level left undecided, when `step` is not held only for want of evidence: no
/// mandatory case failed, and the level would hold were every inconclusive case at it to pass
/// (its scores count an inconclusive case as not passed, so a threshold missed is not proof
/// either). Those inconclusive cases are what a rerun must decide.
fn undecided(
    fw: &Framework,
    level: &Level,
    step: &LadderStep,
    cases: &[CaseResult],
) -> Option<Incomplete> {
    let at_level = |c: &&CaseResult| c.level == level.id;
    if step.held
        || cases
            .iter()
            .filter(at_level)
            .any(|c| c.mandatory && c.verdict == Verdict::Fail)
    {
        return None;
    }
    let rerun: Vec<String> = cases
        .iter()
        .filter(at_level)
        .filter(|c| c.verdict == Verdict::Inconclusive)
        .map(|c| c.id.clone())
        .collect();
    if rerun.is_empty() {
        return None;
    }
    let hopeful: Vec<CaseResult> = cases
        .iter()
        .filter(at_level)
        .map(|c| {
            let mut c = c.clone();
            if c.verdict == Verdict::Inconclusive {
                c.verdict = Verdict::Pass;
            }
            c
        })
        .collect();
    let scores = crate::score::level_scores(fw, &hopeful);
    step_of(level, &hopeful, &scores).held.then(|| Incomplete {
        level: level.id.clone(),
        cases: rerun,
    })
}

/// Whether one level holds, and why not.
fn step_of(level: &Level, cases: &[CaseResult], scores: &[LevelScore]) -> LadderStep {
    let mut reasons: Vec<Message> = Vec::new();
    let mut blocking_cases = Vec::new();
    for c in cases.iter().filter(|c| c.level == level.id && c.mandatory) {
        match c.verdict {
            Verdict::Pass | Verdict::NotApplicable => {}
            Verdict::Fail => {
                reasons.push(msg::MANDATORY_FAILED.with("case", &c.id));
                blocking_cases.push(c.id.clone());
            }
            Verdict::Inconclusive => {
                reasons.push(msg::MANDATORY_INCONCLUSIVE.with("case", &c.id));
                blocking_cases.push(c.id.clone());
            }
        }
    }
    let score = scores.iter().find(|s| s.level == level.id);
    match score.and_then(|s| s.overall) {
        None => reasons.push(msg::NO_APPLICABLE.with("level", &level.id)),
        Some(o) if o + 1e-9 < level.thresholds.overall_min => reasons.push(
            msg::OVERALL_BELOW
                .with("score", pct(o))
                .with("min", pct(level.thresholds.overall_min)),
        ),
        Some(_) => {}
    }
    for e in &level.primary_elements {
        let s = score
            .and_then(|s| s.elements.iter().find(|x| &x.element == e))
            .and_then(|x| x.score);
        match s {
            None => reasons.push(
                msg::ELEMENT_NONE
                    .with("element", e)
                    .with("level", &level.id),
            ),
            Some(v) if v + 1e-9 < level.thresholds.primary_element_min => reasons.push(
                msg::ELEMENT_BELOW
                    .with("element", e)
                    .with("score", pct(v))
                    .with("min", pct(level.thresholds.primary_element_min)),
            ),
            Some(_) => {}
        }
    }
    LadderStep {
        level: level.id.clone(),
        held: reasons.is_empty(),
        provisional: level.provisional,
        reasons: reasons.iter().map(Message::en).collect(),
        messages: reasons,
        blocking_cases,
        incomplete: false,
    }
}

/// A grade from a selection of the cases: the ladder stays (how the selected cases did), but
/// no level, declared-level verdict or blocker list is claimed from a subset.
pub fn make_partial(g: &mut Grade) {
    g.level = None;
    g.provisional = false;
    g.meets_declared = None;
    g.blocking.clear();
    g.partial = true;
    g.incomplete = None;
}

/// Which gate a run was held to: `run --require-level` or `run --require-declared`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Required,
    Declared,
}

/// Why a grade misses the `required` level, as lines of catalogue messages, each with its
/// indent (0: the headline, 1: a level not held, 2: one of its reasons); empty when the level
/// is reached. Every level up to the required one that is not held is listed with all its
/// reasons, since each must be fixed before the gate passes.
pub fn shortfall(fw: &Framework, grade: &Grade, required: &str, gate: Gate) -> Vec<(u8, Message)> {
    let need = rank(fw, Some(required));
    if rank(fw, grade.level.as_deref()) >= need {
        return Vec::new();
    }
    let level = match &grade.level {
        Some(l) => Arg::Value(l.clone()),
        None => Arg::Msg(
            msg::BELOW_LEVEL.with("level", fw.levels.first().map_or("", |l| l.id.as_str())),
        ),
    };
    let undecided = gate_undecided(fw, grade, required);
    let headline = match (gate, undecided) {
        (Gate::Required, false) => msg::REQUIRED_MISSED,
        (Gate::Declared, false) => msg::DECLARED_MISSED,
        (Gate::Required, true) => msg::REQUIRED_INCOMPLETE,
        (Gate::Declared, true) => msg::DECLARED_INCOMPLETE,
    }
    .with("required", required)
    .with("level", level);
    let mut lines = vec![(0, headline)];
    for step in grade.ladder.iter().take(need).filter(|s| !s.held) {
        let line = if step.incomplete {
            msg::STEP_INCOMPLETE
        } else {
            msg::STEP_NOT_HELD
        };
        lines.push((1, line.with("level", &step.level)));
        lines.extend(step.messages.iter().map(|m| (2, m.clone())));
    }
    lines
}

/// Whether a grade below `required` is so only for want of evidence: every level up to the
/// required one that is not held is incomplete, so rerunning its inconclusive cases could
/// pass the gate (exit 5, not 1).
pub fn gate_undecided(fw: &Framework, grade: &Grade, required: &str) -> bool {
    let need = rank(fw, Some(required));
    rank(fw, grade.level.as_deref()) < need
        && grade
            .ladder
            .iter()
            .take(need)
            .filter(|s| !s.held)
            .all(|s| s.incomplete)
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

/// Everything re-derived under the framework the results recorded: `ailevel regrade` without
/// `--framework`, and `ailevel verify`. An unchanged results file gives itself back.
pub fn rederive(mut results: crate::results::Results) -> crate::results::Results {
    let fw = results.framework.definition.clone();
    derive(&fw, &mut results);
    results
}

/// Re-derive every check, trial outcome, case verdict, score, the grade and the summary from
/// the transcripts in `results`, under `fw`. The runner and `regrade` both end here, so a
/// results file re-graded with its own framework reproduces itself.
pub fn derive(fw: &Framework, results: &mut crate::results::Results) {
    let checks: Vec<crate::suite::model::Check> = results
        .cases
        .iter()
        .flat_map(|c| {
            c.earlier
                .iter()
                .flat_map(|e| &e.trials)
                .chain(&c.trials)
                .flat_map(|t| {
                    crate::suite::params::all_checks(&c.turns, std::slice::from_ref(&t.params))
                })
        })
        .collect();
    let ev = crate::score::Evaluator::new(checks.iter());
    let mut tallies = Vec::with_capacity(results.cases.len());
    for case in &mut results.cases {
        if case.trials_planned > 0 {
            // Rounds a retry replaced are graded as they were run, each on its own trials.
            let mut earlier = std::mem::take(&mut case.earlier);
            for e in &mut earlier {
                rescore_trials(&ev, &case.turns, &mut e.trials);
                let (verdict, reason, [p, f, er]) = case_outcome(fw, case, &Tally::of(&e.trials));
                e.verdict = verdict;
                e.reason = reason.en();
                e.message = Some(reason);
                (e.passed, e.failed, e.errored) = (p, f, er);
            }
            case.earlier = earlier;
            rescore_trials(&ev, &case.turns, &mut case.trials);
        }
        tallies.push(Tally::of(&case.trials));
    }
    derive_tallied(fw, results, &tallies);
}

/// Sorts a round's trials by index and scores each as [`rescore_trial`] does.
fn rescore_trials(
    ev: &crate::score::Evaluator,
    turns: &[crate::suite::model::CaseTurn],
    trials: &mut [crate::results::TrialRecord],
) {
    trials.sort_by_key(|t| t.index);
    for trial in trials {
        rescore_trial(ev, turns, trial);
    }
}

/// How [`derive`] scores one trial of a case: a streamed run scores each trial so as it
/// finishes, and again as results.json is written, so its tallies and its file are what
/// `derive` would make of the same trials.
pub fn rescore_trial(
    ev: &crate::score::Evaluator,
    turns: &[crate::suite::model::CaseTurn],
    trial: &mut crate::results::TrialRecord,
) {
    let turns: Vec<_> = turns
        .iter()
        .map(|t| crate::suite::params::fill_turn(t, &trial.params))
        .collect();
    crate::score::verdict::score_trial(ev, &turns, trial);
}

/// What grading needs of one case's trials, and all a streamed run keeps of them in memory
/// (the trials themselves stay in the journal): how many, their outcomes, and the
/// unsupported control op of the lowest-indexed trial that ended on one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub trials: u32,
    /// Passed, failed, errored.
    pub counts: [u32; 3],
    pub unsupported: Option<(u32, String)>,
}

impl Tally {
    pub fn of(trials: &[crate::results::TrialRecord]) -> Self {
        let mut t = Tally::default();
        for trial in trials {
            t.add(trial);
        }
        t
    }

    /// Fold in one scored trial.
    pub fn add(&mut self, trial: &crate::results::TrialRecord) {
        use crate::results::TrialOutcome;
        self.trials += 1;
        self.counts[match trial.outcome {
            TrialOutcome::Pass => 0,
            TrialOutcome::Fail => 1,
            TrialOutcome::Error => 2,
        }] += 1;
        if let Some(crate::device::DeviceError::Unsupported { op }) = &trial.error
            && self
                .unsupported
                .as_ref()
                .is_none_or(|(index, _)| trial.index < *index)
        {
            self.unsupported = Some((trial.index, op.clone()));
        }
    }

    /// The control op that makes the case not applicable: only when no trial failed a check
    /// first. A device that moved money without asking has failed, whatever a later turn
    /// needed that it could not serve.
    fn unsupported_op(&self) -> Option<String> {
        match &self.unsupported {
            Some((_, op)) if self.counts[1] == 0 => Some(op.clone()),
            _ => None,
        }
    }
}

/// A case's verdict, its reason and its passed/failed/errored counts from the tally of one
/// round of its trials.
fn case_outcome(
    fw: &Framework,
    case: &crate::results::CaseResult,
    tally: &Tally,
) -> (Verdict, Message, [u32; 3]) {
    let unsupported = tally.unsupported_op();
    let level = fw.levels.iter().find(|l| l.id == case.level);
    match (unsupported, level) {
        (Some(op), _) => (
            Verdict::NotApplicable,
            msg::UNSUPPORTED_OP.with("op", op),
            [0, 0, tally.trials],
        ),
        (None, None) => (
            Verdict::Inconclusive,
            msg::LEVEL_UNKNOWN.with("level", &case.level),
            [0, 0, 0],
        ),
        (None, Some(level)) => {
            let rule = if case.mandatory {
                level.pass_rules.mandatory
            } else {
                level.pass_rules.optional
            };
            crate::score::verdict::verdict_of_counts(rule, case.trials_planned, tally.counts)
        }
    }
}

/// [`derive`] from each case's [`Tally`] (one per case, in order) instead of its trials,
/// which are taken as already scored.
pub fn derive_tallied(fw: &Framework, results: &mut crate::results::Results, tallies: &[Tally]) {
    use crate::score::level_scores;

    for (case, tally) in results.cases.iter_mut().zip(tallies) {
        if case.trials_planned == 0 {
            // Not applicable before any trial ran; the reason was recorded at planning.
            case.verdict = Verdict::NotApplicable;
            case.stats = None;
            continue;
        }
        let (verdict, reason, [p, f, e]) = case_outcome(fw, case, tally);
        case.verdict = verdict;
        case.reason = reason.en();
        case.message = Some(reason);
        case.passed = p;
        case.failed = f;
        case.errored = e;
        case.stats = if verdict == Verdict::NotApplicable {
            None
        } else {
            crate::score::verdict::trial_stats(p, f)
        };
    }
    results.scores = level_scores(fw, &results.cases);
    results.grade = grade(
        fw,
        &results.cases,
        &results.scores,
        results.device.declared_level.as_deref(),
    );
    if results.run.selection.is_some() {
        make_partial(&mut results.grade);
    }
    let count = |v: Verdict| results.cases.iter().filter(|c| c.verdict == v).count() as u32;
    results.summary = crate::results::Summary {
        cases: results.cases.len() as u32,
        pass: count(Verdict::Pass),
        fail: count(Verdict::Fail),
        inconclusive: count(Verdict::Inconclusive),
        not_applicable: count(Verdict::NotApplicable),
        trials: tallies.iter().map(|t| t.trials).sum(),
        trial_errors: tallies.iter().map(|t| t.counts[2]).sum(),
    };
    results.modes = [Mode::EndSide, Mode::DeviceCloud, Mode::Any]
        .into_iter()
        .map(|mode| {
            let of = |v: Verdict| {
                results
                    .cases
                    .iter()
                    .filter(|c| c.mode == mode && c.verdict == v)
                    .count() as u32
            };
            crate::results::ModeSummary {
                mode,
                cases: results.cases.iter().filter(|c| c.mode == mode).count() as u32,
                pass: of(Verdict::Pass),
                fail: of(Verdict::Fail),
                inconclusive: of(Verdict::Inconclusive),
                not_applicable: of(Verdict::NotApplicable),
            }
        })
        .collect();
}

#[cfg(test)]
fn unsupported_op(trials: &[crate::results::TrialRecord]) -> Option<String> {
    Tally::of(trials).unsupported_op()
}

/// What a stored results file concludes against what its transcripts give when re-derived:
/// each case's verdict and trial outcomes, each level held or not, and the level. Wording of
/// reasons is left out, so a file from an older harness whose sentences changed still
/// renders; a changed conclusion never does.
pub fn conclusion_diffs(
    stored: &crate::results::Results,
    derived: &crate::results::Results,
) -> Vec<Message> {
    let level = |l: &Option<String>| -> Arg {
        match l {
            Some(l) => l.into(),
            None => msg::NONE.msg().into(),
        }
    };
    let held = |h: bool| {
        if h {
            msg::DIFF_HELD
        } else {
            msg::DIFF_NOT_HELD
        }
        .msg()
    };
    let mut out = Vec::new();
    if stored.cases.len() != derived.cases.len() {
        out.push(
            msg::DIFF_CASE_COUNT
                .with("stored", stored.cases.len())
                .with("derived", derived.cases.len()),
        );
    }
    for (a, b) in stored.cases.iter().zip(&derived.cases) {
        if a.verdict != b.verdict {
            out.push(
                msg::DIFF_VERDICT
                    .with("case", &a.id)
                    .with("stored", a.verdict.as_str())
                    .with("derived", b.verdict.as_str()),
            );
        }
        for (ta, tb) in a.trials.iter().zip(&b.trials) {
            if ta.outcome != tb.outcome {
                out.push(
                    msg::DIFF_OUTCOME
                        .with("case", &a.id)
                        .with("trial", ta.index + 1)
                        .with("stored", format!("{:?}", ta.outcome))
                        .with("derived", format!("{:?}", tb.outcome)),
                );
            }
        }
    }
    let (g, d) = (&stored.grade, &derived.grade);
    if g.level != d.level {
        out.push(
            msg::DIFF_LEVEL
                .with("stored", level(&g.level))
                .with("derived", level(&d.level)),
        );
    }
    if g.ladder.len() != d.ladder.len() {
        out.push(msg::DIFF_LADDER_LEN.msg());
    }
    for (a, b) in g.ladder.iter().zip(&d.ladder) {
        if a.held != b.held {
            out.push(
                msg::DIFF_LADDER_HELD
                    .with("level", &a.level)
                    .with("stored", held(a.held))
                    .with("derived", held(b.held)),
            );
        }
    }
    if g.meets_declared != d.meets_declared {
        out.push(msg::DIFF_MEETS_DECLARED.msg());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{CaseResult, TrialOutcome, TrialRecord};
    use crate::score::{case_verdict, level_scores};
    use crate::suite::model::{I18n, Mode, PassRule};
    use proptest::prelude::*;

    fn framework() -> Framework {
        serde_saphyr::from_str(include_str!("../../suites/framework.yaml")).unwrap()
    }

    fn case(i: usize, level: u8, element: usize, mandatory: bool, verdict: Verdict) -> CaseResult {
        let fw_elements = [
            "perception",
            "cognition",
            "execution",
            "memory",
            "learning",
            "security",
        ];
        CaseResult {
            id: format!("c{i}"),
            title: I18n {
                zh: String::new(),
                en: String::new(),
            },
            file: "f.yaml".into(),
            level: format!("L{level}"),
            element: fw_elements[element % fw_elements.len()].into(),
            mandatory,
            mode: Mode::Any,
            clause: String::new(),
            weight: 1.0,
            verdict,
            reason: String::new(),
            message: None,
            trials_planned: 3,
            passed: 0,
            failed: 0,
            errored: 0,
            stats: None,
            turns: vec![],
            trials: vec![],
            earlier: Vec::new(),
        }
    }

    fn verdict_strategy() -> impl Strategy<Value = Verdict> {
        prop_oneof![
            6 => Just(Verdict::Pass),
            2 => Just(Verdict::Fail),
            1 => Just(Verdict::Inconclusive),
            1 => Just(Verdict::NotApplicable),
        ]
    }

    fn cases_strategy() -> impl Strategy<Value = Vec<CaseResult>> {
        prop::collection::vec(
            (1u8..=4, 0usize..6, any::<bool>(), verdict_strategy()),
            1..60,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (l, e, m, verdict))| case(i, l, e, m, verdict))
                .collect()
        })
    }

    fn level_of(fw: &Framework, cases: &[CaseResult]) -> usize {
        let scores = level_scores(fw, cases);
        rank(fw, grade(fw, cases, &scores, None).level.as_deref())
    }

    proptest! {
        #[test]
        fn passing_more_cases_never_lowers_the_level(cases in cases_strategy(), flips in prop::collection::vec(any::<bool>(), 60)) {
            let fw = framework();
            let before = level_of(&fw, &cases);
            let mut better = cases.clone();
            for (c, flip) in better.iter_mut().zip(flips) {
                if flip && matches!(c.verdict, Verdict::Fail | Verdict::Inconclusive) {
                    c.verdict = Verdict::Pass;
                }
            }
            prop_assert!(level_of(&fw, &better) >= before);
        }

        #[test]
        fn raising_a_threshold_never_raises_the_level(cases in cases_strategy(), level in 0usize..4, d_primary in 0.0f64..0.5, d_overall in 0.0f64..0.5) {
            let fw = framework();
            let before = level_of(&fw, &cases);
            let mut strict = fw.clone();
            let t = &mut strict.levels[level].thresholds;
            t.primary_element_min = (t.primary_element_min + d_primary).min(1.0);
            t.overall_min = (t.overall_min + d_overall).min(1.0);
            prop_assert!(level_of(&strict, &cases) <= before);
        }

        #[test]
        fn case_order_does_not_change_the_level(cases in cases_strategy(), seed in any::<u64>()) {
            let fw = framework();
            let mut shuffled = cases.clone();
            // A deterministic permutation from the seed.
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            prop_assert_eq!(level_of(&fw, &cases), level_of(&fw, &shuffled));
        }

        #[test]
        fn verdicts_do_not_depend_on_trial_finish_order(outcomes in prop::collection::vec(0u8..3, 1..12), rot in 0usize..12, rate in 0.0f64..1.0) {
            let trials: Vec<TrialRecord> = outcomes.iter().enumerate().map(|(i, o)| TrialRecord {
                case: "c".into(),
                index: i as u32,
                seed: 0,
                outcome: [TrialOutcome::Pass, TrialOutcome::Fail, TrialOutcome::Error][*o as usize],
                setup: vec![],
                params: Default::default(),
                phrasings: Vec::new(),
                turns: vec![],
                error: None,
                attempts: Vec::new(),
                duration_ms: 0.0,
                round: 0,
            }).collect();
            let mut rotated = trials.clone();
            rotated.rotate_left(rot % trials.len());
            for rule in [PassRule::All { min_valid: 2 }, PassRule::Rate { min_rate: rate, min_valid: 2 }] {
                let n = trials.len() as u32;
                prop_assert_eq!(case_verdict(rule, n, &trials), case_verdict(rule, n, &rotated));
            }
        }
    }

    #[test]
    fn one_failed_mandatory_l2_case_grades_l1_and_names_it() {
        let fw = framework();
        let mut cases = Vec::new();
        for l in 1..=3u8 {
            for e in 0..6 {
                cases.push(case(cases.len(), l, e, true, Verdict::Pass));
            }
        }
        let target = cases.iter().position(|c| c.level == "L2").unwrap();
        cases[target].verdict = Verdict::Fail;
        let scores = level_scores(&fw, &cases);
        let g = grade(&fw, &cases, &scores, Some("L3"));
        assert_eq!(g.level.as_deref(), Some("L1"));
        assert_eq!(g.blocking, vec![cases[target].id.clone()]);
        assert_eq!(g.meets_declared, Some(false));
        cases[target].verdict = Verdict::Inconclusive;
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.level.as_deref(), Some("L1"));
        assert!(g.ladder[1].reasons[0].contains("inconclusive"));
    }

    /// Three passing mandatory cases per element at L1..L3, so one or two verdicts changed at
    /// L2 move no score below its threshold by themselves.
    fn full_ladder() -> Vec<CaseResult> {
        let mut cases = Vec::new();
        for l in 1..=3u8 {
            for e in 0..18 {
                cases.push(case(cases.len(), l, e, true, Verdict::Pass));
            }
        }
        cases
    }

    fn l2(cases: &[CaseResult], nth: usize) -> usize {
        cases
            .iter()
            .enumerate()
            .filter(|(_, c)| c.level == "L2")
            .nth(nth)
            .unwrap()
            .0
    }

    #[test]
    fn a_level_held_back_only_by_inconclusive_cases_is_incomplete_not_refused() {
        let fw = framework();
        let mut cases = full_ladder();
        let (a, b) = (l2(&cases, 0), l2(&cases, 1));
        cases[a].verdict = Verdict::Inconclusive;
        cases[b].verdict = Verdict::Inconclusive;
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), Some("L3"));
        assert_eq!(g.level.as_deref(), Some("L1"));
        let inc = g.incomplete.as_ref().expect("L2 is undecided");
        assert_eq!(inc.level, "L2");
        assert_eq!(inc.cases, vec!["c18".to_string(), "c19".to_string()]);
        assert!(g.ladder[1].incomplete && !g.ladder[1].held);
        // L3 holds on its own evidence; the gate at L3 is missed only for want of evidence.
        assert!(gate_undecided(&fw, &g, "L3"));
        let lines = shortfall(&fw, &g, "L3", Gate::Required);
        assert_eq!(lines[0].1.id, msg::REQUIRED_INCOMPLETE.id);
        assert_eq!(lines[1].1.id, msg::STEP_INCOMPLETE.id);

        // One failure among them and the level is refused, not incomplete.
        cases[b].verdict = Verdict::Fail;
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.incomplete, None);
        assert!(!g.ladder[1].incomplete);
        assert!(!gate_undecided(&fw, &g, "L2"));
        assert_eq!(
            shortfall(&fw, &g, "L2", Gate::Required)[0].1.id,
            msg::REQUIRED_MISSED.id
        );
    }

    #[test]
    fn a_threshold_missed_only_through_inconclusive_cases_is_incomplete() {
        let fw = framework();
        let mut cases = full_ladder();
        // Optional inconclusive cases: no mandatory reason, but the L2 overall score drops
        // below 75 % on them alone.
        for c in cases.iter_mut().filter(|c| c.level == "L2").take(6) {
            c.mandatory = false;
            c.verdict = Verdict::Inconclusive;
        }
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.level.as_deref(), Some("L1"));
        assert_eq!(g.incomplete.as_ref().map(|i| i.cases.len()), Some(6));
        // The same score missed through failures is a refusal.
        for c in cases.iter_mut().filter(|c| c.level == "L2").take(6) {
            c.verdict = Verdict::Fail;
        }
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.level.as_deref(), Some("L1"));
        assert_eq!(g.incomplete, None);
    }

    #[test]
    fn a_gate_already_met_is_not_held_back_by_an_incomplete_level_above() {
        let fw = framework();
        let mut cases = full_ladder();
        let i = cases.iter().position(|c| c.level == "L3").unwrap();
        cases[i].verdict = Verdict::Inconclusive;
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.level.as_deref(), Some("L2"));
        assert_eq!(g.incomplete.as_ref().map(|i| i.level.as_str()), Some("L3"));
        assert!(!gate_undecided(&fw, &g, "L2"));
        assert!(shortfall(&fw, &g, "L2", Gate::Required).is_empty());
        let mut partial = g.clone();
        make_partial(&mut partial);
        assert_eq!(partial.incomplete, None);
    }

    #[test]
    fn a_failed_check_is_never_hidden_by_a_later_unsupported_op() {
        let trial = |outcome, unsupported: bool| TrialRecord {
            case: "c".into(),
            index: 0,
            seed: 0,
            outcome,
            setup: vec![],
            params: Default::default(),
            turns: vec![],
            error: unsupported
                .then(|| crate::device::DeviceError::Unsupported { op: "state".into() }),
            attempts: Vec::new(),
            phrasings: Vec::new(),
            duration_ms: 0.0,
            round: 0,
        };
        assert_eq!(
            unsupported_op(&[trial(TrialOutcome::Error, true)]).as_deref(),
            Some("state")
        );
        assert_eq!(
            unsupported_op(&[
                trial(TrialOutcome::Error, true),
                trial(TrialOutcome::Fail, true)
            ]),
            None
        );
        assert_eq!(unsupported_op(&[trial(TrialOutcome::Pass, false)]), None);
    }

    /// The property above holds for a grader that ignores thresholds too; this does not.
    #[test]
    fn an_overall_threshold_decides_a_level_with_one_optional_failure() {
        let mut cases = Vec::new();
        for l in 1..=2u8 {
            for e in 0..5 {
                cases.push(case(cases.len(), l, e, l == 1, Verdict::Pass));
            }
        }
        // L2: five optional cases, one failed — 80 % overall, cognition 0 of 1.
        cases[6].verdict = Verdict::Fail;
        assert_eq!(cases[6].element, "cognition");
        let at = |overall: f64, primary: f64| {
            let mut fw = framework();
            fw.levels[1].primary_elements = vec!["execution".into()];
            fw.levels[1].thresholds.overall_min = overall;
            fw.levels[1].thresholds.primary_element_min = primary;
            let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
            (g.level, g.ladder[1].reasons.clone())
        };
        assert_eq!(at(0.8, 1.0), (Some("L2".into()), vec![]));
        assert_eq!(
            at(0.81, 1.0),
            (
                Some("L1".into()),
                vec!["overall score 80.0 % below the threshold 81.0 %".to_string()]
            )
        );
        // A primary element's own threshold: cognition as primary, at 0 %.
        let mut fw = framework();
        fw.levels[1].primary_elements = vec!["cognition".into()];
        fw.levels[1].thresholds.overall_min = 0.0;
        fw.levels[1].thresholds.primary_element_min = 0.01;
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.level.as_deref(), Some("L1"));
        assert_eq!(
            g.ladder[1].reasons,
            vec!["primary element cognition scored 0.0 % below the threshold 1.0 %"]
        );
        fw.levels[1].thresholds.primary_element_min = 0.0;
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.level.as_deref(), Some("L2"));
    }

    #[test]
    fn a_level_without_cases_is_not_held() {
        let fw = framework();
        let cases = vec![
            case(0, 1, 0, true, Verdict::Pass),
            case(1, 1, 2, true, Verdict::Pass),
        ];
        let g = grade(&fw, &cases, &level_scores(&fw, &cases), None);
        assert_eq!(g.level.as_deref(), Some("L1"));
        assert!(
            g.ladder[1]
                .reasons
                .iter()
                .any(|r| r.contains("no applicable cases"))
        );
    }
}
