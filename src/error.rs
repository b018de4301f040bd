//! The top-level error and the documented exit codes it maps to.

use std::path::PathBuf;

/// Process exit codes. Documented in README.md; integration tests assert them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Done, and the level is at least `--require-level` when given.
    Ok = 0,
    /// The run finished but the level is below `--require-level`.
    BelowRequired = 1,
    /// Bad arguments, or an invalid suite, framework, profile or results file.
    Invalid = 2,
    /// The device was unreachable or broke the protocol, so the run could not finish.
    Device = 3,
    /// Results or reports could not be written (disk full, permissions), or an internal error.
    Io = 4,
    /// The run finished, but the grade is incomplete: a level is held back only by
    /// inconclusive cases, so rerunning them decides it.
    Incomplete = 5,
    /// `run --certify`: the run finished and its results and reports were written, but no
    /// certificate was issued (no lab file, an identity mismatch, an incomplete run…).
    CertificateRefused = 6,
    /// `verify`: at least one check failed; `catalog add`: the same, so nothing was added.
    NotVerified = 7,
    /// `catalog`: the catalogue database could not be opened, migrated, read or written.
    Catalog = 8,
    /// `diff --fail-on-regression`, `run --baseline --fail-on-regression`: the run regressed
    /// against the baseline (a lower level, or a case that newly fails).
    Regression = 9,
}

impl ExitCode {
    pub const ALL: [ExitCode; 10] = [
        ExitCode::Ok,
        ExitCode::BelowRequired,
        ExitCode::Invalid,
        ExitCode::Device,
        ExitCode::Io,
        ExitCode::Incomplete,
        ExitCode::CertificateRefused,
        ExitCode::NotVerified,
        ExitCode::Catalog,
        ExitCode::Regression,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    /// What the code means, word for word as README.md's table and the man page say it (a
    /// test holds the README to this).
    pub fn meaning(self) -> &'static str {
        match self {
            ExitCode::Ok => {
                "done, and the level is at least `--require-level` (or the declared level, `--require-declared`) when given"
            }
            ExitCode::BelowRequired => {
                "the run finished, but the level is below `--require-level` (or the declared level, `--require-declared`), and why is printed; `catalog check`: not eligible under the policy (every reason is printed)"
            }
            ExitCode::Invalid => {
                "bad arguments, or an invalid suite, framework, profile or results file (the message names the file, line and field)"
            }
            ExitCode::Device => {
                "the device could not be used: unreachable or broken from the start (`run`, `probe`), or it stopped answering mid-run — then the run finishes what it can, the rest of its cases are inconclusive, and results and reports are still written"
            }
            ExitCode::Io => "results or reports could not be written, or an internal error",
            ExitCode::Incomplete => {
                "the run finished, but its grade is incomplete: the next level (with `--require-level` or `--require-declared`: every level up to the required one that is not held) is held back only by inconclusive cases, which are listed — rerun them to decide; or the run was interrupted (SIGINT/SIGTERM) and `run --resume DIR` continues it; results and reports are still written"
            }
            ExitCode::CertificateRefused => {
                "`run --certify`: no certificate was issued — no lab or session file, an identity mismatch, an incomplete run (aborted, or a mandatory case inconclusive), equipment out of calibration, no report number; results and reports are still written"
            }
            ExitCode::NotVerified => {
                "`verify`: at least one check failed (each is printed); `catalog add`: the same, and nothing was added"
            }
            ExitCode::Regression => {
                "`diff --fail-on-regression`, `run --baseline … --fail-on-regression`: a lower level than the baseline's, or a case that newly fails or is inconclusive (each is printed)"
            }
            ExitCode::Catalog => {
                "`catalog`: the catalogue database could not be opened, migrated, read or written (the message names the database and the statement)"
            }
        }
    }
}

/// A problem found in a user-supplied file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path (JSON pointer style), when known.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(field) = &self.field
            && !field.is_empty()
        {
            write!(f, ": at `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", render_problems(.0))]
    Invalid(Vec<Problem>),
    #[error("could not read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("device unusable: {0}")]
    Device(String),
    /// A failure inside ailevel itself (report rendering, async runtime start).
    #[error("internal error: {0}")]
    Internal(String),
    #[error("{0}")]
    Usage(String),
    /// The catalogue database refused or failed: which database, and what it said.
    #[error("catalogue database {db}: {message}")]
    Catalog { db: String, message: String },
}

fn render_problems(problems: &[Problem]) -> String {
    let mut s = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&p.to_string());
    }
    if problems.len() > 1 {
        s.push_str(&format!("\n{} problems found", problems.len()));
    }
    s
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Invalid(_) | Error::Usage(_) => ExitCode::Invalid,
            Error::Read { .. } => ExitCode::Invalid,
            Error::Write { .. } | Error::Internal(_) => ExitCode::Io,
            Error::Device(_) => ExitCode::Device,
            Error::Catalog { .. } => ExitCode::Catalog,
        }
    }

    pub fn invalid(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Invalid(vec![Problem {
            file: file.into(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error and its causes on one line, `outer: inner: innermost`.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_exit_code_table_is_the_one_in_code() {
        let readme = include_str!("../README.md");
        let table = readme
            .split("### Exit codes")
            .nth(1)
            .expect("README has an exit-code section");
        let rows: Vec<(i32, &str)> = table
            .lines()
            .skip_while(|l| !l.starts_with("| 0 |"))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                let mut cells = l.trim_matches('|').split(" | ");
                Some((cells.next()?.trim().parse().ok()?, cells.next()?.trim()))
            })
            .collect();
        let code: Vec<(i32, &str)> = ExitCode::ALL
            .iter()
            .map(|c| (c.code(), c.meaning()))
            .collect();
        assert_eq!(rows, code);
    }
}
