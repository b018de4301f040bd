//! Reports rendered from a [`Results`](crate::results::Results) alone: a self-contained HTML report for people, JUnit
//! XML for CI test views, and a Markdown summary for CI job summaries and pull-request comments.
//!
//! Rendering is pure — no clock, no randomness, no I/O — so the same results and language
//! always give the same bytes. Rust builds a view model (every number, coordinate and label
//! already computed and ordered); the Handlebars templates in `templates/` only lay it out
//! (the per-case parts of the page are written by `evidence.rs`, for speed),
//! in strict mode so a misspelt field is an error rather than an empty cell. Device output is
//! untrusted: it reaches the page only through the templates' escaping.

mod certificate;
mod charts;
pub mod console;
mod csp;
pub mod diff;
mod evidence;
mod html;
mod junit;
mod markdown;
mod messages;
mod names;
mod render;
mod source;
mod templates;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

pub use html::unpack_evidence;
pub use markdown::escape as markdown_escape;
pub use render::{
    prepare, render, render_from, render_html, render_html_from, render_html_to, render_junit,
    render_markdown, render_markdown_from,
};
pub use source::{HeldTrials, TrialSource};

/// Inlined verbatim into the page; the CSP allows them by the hash of these exact bytes.
const STYLE: &str = include_str!("../../templates/report.css");
const SCRIPT: &str = include_str!("../../templates/report.js");

/// The language of a report's labels. Device output and suite text are shown as recorded.
pub use crate::msg::Lang;

impl FromStr for Lang {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s).ok_or_else(|| ReportError::UnknownLang(s.to_string()))
    }
}

/// An output format, and the file `run` and `report` write it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Html,
    Junit,
    Markdown,
    /// The HTML report printed by headless Chromium: not rendered here, but by the command
    /// that writes files (`commands::pdf`), from [`render_html`]'s output.
    Pdf,
}

impl Format {
    /// What `run` writes, and `report` by default.
    pub const ALL: [Format; 3] = [Format::Html, Format::Junit, Format::Markdown];
    /// Every format `--format` accepts.
    pub const NAMED: [Format; 4] = [Format::Html, Format::Junit, Format::Markdown, Format::Pdf];

    /// The name `--format` accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Junit => "junit",
            Format::Markdown => "md",
            Format::Pdf => "pdf",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Html => "report.html",
            Format::Junit => "junit.xml",
            Format::Markdown => "summary.md",
            Format::Pdf => "report.pdf",
        }
    }
}

impl FromStr for Format {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::NAMED
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| ReportError::UnknownFormat(s.to_string()))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(thiserror::Error, Debug)]
pub enum ReportError {
    #[error("unknown report language `{0}` (expected `zh-CN` or `en`)")]
    UnknownLang(String),
    #[error("unknown report format `{0}` (expected `html`, `junit`, `md` or `pdf`)")]
    UnknownFormat(String),
    /// The embedded templates do not parse: a build defect, caught by the tests.
    #[error("report templates are invalid: {0}")]
    Templates(String),
    #[error("failed to render the {format} report")]
    Render {
        format: &'static str,
        #[source]
        source: handlebars::RenderError,
    },
    /// A [`TrialSource`] could not give a case's trials.
    #[error("failed to read the trials of case `{case}`")]
    Trials {
        case: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("failed to write the {format} report")]
    Write {
        format: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to write the JUnit report")]
    Junit(#[source] quick_junit::SerializeError),
}
