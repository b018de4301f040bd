//! Reports rendered from a [`Results`] alone: a self-contained HTML report for people, JUnit
//! XML for CI test views, and a Markdown summary for CI job summaries and pull-request comments.
//!
//! Rendering is pure — no clock, no randomness, no I/O — so the same results and language
//! always give the same bytes. Rust builds a view model (every number, coordinate and label
//! already computed and ordered); the Handlebars templates in `templates/` only lay it out,
//! in strict mode so a misspelt field is an error rather than an empty cell. Device output is
//! untrusted: it reaches the page only through the templates' escaping.

mod charts;
mod csp;
mod html;
mod junit;
mod markdown;
mod messages;
mod names;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use handlebars::Handlebars;

use crate::results::Results;

const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.hbs");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/summary.md.hbs");
/// Inlined verbatim into the page; the CSP allows them by the hash of these exact bytes.
const STYLE: &str = include_str!("../../templates/report.css");
const SCRIPT: &str = include_str!("../../templates/report.js");

/// The language of a report's labels. Device output and suite text are shown as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The BCP 47 tag, as accepted by [`FromStr`] and written to `<html lang>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

impl FromStr for Lang {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh-CN" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(ReportError::UnknownLang(other.to_string())),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An output format, and the file `run` and `report` write it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Html,
    Junit,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Html, Format::Junit, Format::Markdown];

    /// The name `--format` accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Junit => "junit",
            Format::Markdown => "md",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Html => "report.html",
            Format::Junit => "junit.xml",
            Format::Markdown => "summary.md",
        }
    }
}

impl FromStr for Format {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
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
    #[error("unknown report format `{0}` (expected `html`, `junit` or `md`)")]
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
    #[error("failed to write the JUnit report")]
    Junit(#[source] quick_junit::SerializeError),
}

/// Render `results` in `format`.
pub fn render(results: &Results, lang: Lang, format: Format) -> Result<String, ReportError> {
    match format {
        Format::Html => render_html(results, lang),
        Format::Junit => render_junit(results, lang),
        Format::Markdown => render_markdown(results, lang),
    }
}

/// Render the self-contained HTML report.
pub fn render_html(results: &Results, lang: Lang) -> Result<String, ReportError> {
    let view = html::view(results, lang);
    engines()?
        .html
        .render("report", &view)
        .map_err(|source| ReportError::Render {
            format: "html",
            source,
        })
}

/// Render the JUnit XML report: one test suite per level, one test case per case.
pub fn render_junit(results: &Results, lang: Lang) -> Result<String, ReportError> {
    junit::render(results, lang)
}

/// Render the Markdown summary.
pub fn render_markdown(results: &Results, lang: Lang) -> Result<String, ReportError> {
    let view = markdown::view(results, lang);
    engines()?
        .markdown
        .render("summary", &view)
        .map_err(|source| ReportError::Render {
            format: "markdown",
            source,
        })
}

/// One registry per output format, because each escapes for its own syntax.
struct Engines {
    html: Handlebars<'static>,
    markdown: Handlebars<'static>,
}

/// Templates are parsed once per process. A parse failure is kept as text so every render
/// reports it instead of panicking.
static ENGINES: LazyLock<Result<Engines, String>> = LazyLock::new(|| {
    let mut html = Handlebars::new();
    html.set_strict_mode(true);
    html.register_template_string("report", HTML_TEMPLATE)
        .map_err(|e| e.to_string())?;

    let mut markdown = Handlebars::new();
    markdown.set_strict_mode(true);
    markdown.register_escape_fn(markdown::escape);
    markdown
        .register_template_string("summary", MARKDOWN_TEMPLATE)
        .map_err(|e| e.to_string())?;
    Ok(Engines { html, markdown })
});

fn engines() -> Result<&'static Engines, ReportError> {
    ENGINES
        .as_ref()
        .map_err(|e| ReportError::Templates(e.clone()))
}
