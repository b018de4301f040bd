//! Where reports get each case's trials: the results themselves, or the run's journal, read
//! one case at a time.

use crate::results::{CaseResult, Results, TrialRecord};

use super::ReportError;

/// Where the HTML report gets each case's trials: the results themselves ([`HeldTrials`]), or
/// a store that reads one case at a time, such as the run's journal, so that a run's trials
/// need not all be in memory while its report is written.
pub trait TrialSource {
    /// Call `f` once with all the trials of `case`, in any order.
    fn with_trials(
        &mut self,
        case: &CaseResult,
        f: &mut dyn FnMut(&[TrialRecord]) -> Result<(), ReportError>,
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
    fn with_trials(
        &mut self,
        case: &CaseResult,
        f: &mut dyn FnMut(&[TrialRecord]) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        f(&case.trials)
    }
}

impl TrialSource for crate::run::journal::ByCase<'_> {
    fn with_trials(
        &mut self,
        case: &CaseResult,
        f: &mut dyn FnMut(&[TrialRecord]) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        let trials = self.trials_of(case).map_err(|e| ReportError::Trials {
            case: case.id.clone(),
            source: e.into(),
        })?;
        f(trials)
    }

    fn results_digest(&mut self, _results: &Results) -> String {
        self.results_sha256().to_string()
    }
}
