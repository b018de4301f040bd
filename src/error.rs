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
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
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
