//! Where reports get each case's trials: the results themselves, or the run's journal, read
//! one case at a time.

use crate::results::{CaseResult, Results, TrialRecord};

use super::ReportError;

/// Where the HTML report gets each case's trials: the results themselves ([`HeldTrials`]), or
/// a store that reads one case at a time, such as the run's journal, so that a run's trials
/// need not all be in memory while its report is written.
pub trait TrialSource {
    /// Call `f` with each trial of `case` in turn, in index order. A report folds what it
    /// needs from each, so a source need not hold a case's trials (thousands, at high trial
    /// counts) at once.
    fn each_trial(
        &mut self,
        case: &CaseResult,
        f: &mut dyn FnMut(&TrialRecord) -> Result<(), ReportError>,
    ) -> Result<(), ReportError>;

    /// The SHA-256 of the results file the report is of, which the certificate names. By
    /// default the digest of `results` serialised with its cases' trials; a source whose
    /// trials are elsewhere gives the digest of the file it wrote.
    fn results_digest(&mut self, results: &Results) -> String {
        crate::attest::results_digest(results)
    }
}

/// The trials a [`Results`] holds in its cases.
pub struct HeldTrials;

impl TrialSource for HeldTrials {
    fn each_trial(
        &mut self,
        case: &CaseResult,
        f: &mut dyn FnMut(&TrialRecord) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        in_index_order(&case.trials, f)
    }
}

/// `f` over `trials` in index order, whatever order they are held in.
fn in_index_order(
    trials: &[TrialRecord],
    f: &mut dyn FnMut(&TrialRecord) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    if trials.is_sorted_by_key(|t| t.index) {
        return trials.iter().try_for_each(f);
    }
    let mut sorted: Vec<&TrialRecord> = trials.iter().collect();
    sorted.sort_by_key(|t| t.index);
    sorted.into_iter().try_for_each(f)
}

impl TrialSource for crate::run::journal::ByCase<'_> {
    fn each_trial(
        &mut self,
        case: &CaseResult,
        f: &mut dyn FnMut(&TrialRecord) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        let read_err = |e: String| ReportError::Trials {
            case: case.id.clone(),
            source: e.into(),
        };
        crate::run::journal::ByCase::each_trial(self, case, read_err, f)
    }

    fn results_digest(&mut self, _results: &Results) -> String {
        self.results_sha256().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_trials_are_given_in_index_order_however_held() {
        let mut case = crate::report::fixture::results().cases.remove(0);
        let trial = case.trials[0].clone();
        case.trials = [2, 0, 3, 1]
            .map(|index| TrialRecord {
                index,
                ..trial.clone()
            })
            .to_vec();
        let mut seen = Vec::new();
        HeldTrials
            .each_trial(&case, &mut |t| {
                seen.push(t.index);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, [0, 1, 2, 3]);
    }
}
