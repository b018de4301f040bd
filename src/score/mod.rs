//! Scoring: checks against what the device answered and did, trial outcomes, case verdicts
//! and element scores. Everything here is a pure function of data, so `regrade` can
//! recompute it from a results file.

pub mod checks;
pub mod verdict;

pub use checks::Evaluator;
pub use verdict::{case_verdict, level_scores, trial_outcome};
