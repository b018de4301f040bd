//! From results to text: the view models laid out by their templates, one registry per
//! format.

use super::source::{HeldTrials, TrialSource};
use super::templates::markdown_registry;
use super::{Format, Lang, ReportError, html, junit, markdown};
use crate::results::Results;

/// Render `results` in `format`. For [`Format::Pdf`] this is the HTML the PDF is printed
/// from.
pub fn render(results: &Results, lang: Lang, format: Format) -> Result<String, ReportError> {
    render_from(results, lang, format, &mut HeldTrials)
}

/// [`render`], taking each case's trials from `trials`, one case at a time, rather than from
/// `results`, whose cases' `trials` are then not read: the same bytes for the same trials.
pub fn render_from(
    results: &Results,
    lang: Lang,
    format: Format,
    trials: &mut dyn TrialSource,
) -> Result<String, ReportError> {
    match format {
        Format::Html | Format::Pdf => render_html_from(results, lang, trials),
        Format::Junit => junit::render(results, lang, trials),
        Format::Markdown => render_markdown_from(results, lang, trials),
    }
}

/// Render the self-contained HTML report.
pub fn render_html(results: &Results, lang: Lang) -> Result<String, ReportError> {
    render_html_from(results, lang, &mut HeldTrials)
}

/// Render the self-contained HTML report, taking each case's trials from `trials`, one case
/// at a time, rather than from `results`, whose cases' `trials` are then not read.
pub fn render_html_from(
    results: &Results,
    lang: Lang,
    trials: &mut dyn TrialSource,
) -> Result<String, ReportError> {
    let mut out = Vec::with_capacity(1 << 16);
    render_html_to(results, lang, trials, &mut out)?;
    String::from_utf8(out).map_err(|e| ReportError::Render {
        format: "html",
        source: handlebars::RenderErrorReason::Other(e.to_string()).into(),
    })
}

/// [`render_html_from`] written into `out` as it is rendered, not held: the page of a big
/// run is megabytes.
pub fn render_html_to(
    results: &Results,
    lang: Lang,
    trials: &mut dyn TrialSource,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    let view = html::view(results, lang, trials)?;
    let context = handlebars::Context::wraps(&view).map_err(|source| ReportError::Render {
        format: "html",
        source,
    })?;
    super::templates::render_page(&context, out, &mut |name, out| view.write_slot(name, out))
}

/// Render the JUnit XML report: one test suite per level, one test case per case.
pub fn render_junit(results: &Results, lang: Lang) -> Result<String, ReportError> {
    junit::render(results, lang, &mut HeldTrials)
}

/// Render the Markdown summary.
pub fn render_markdown(results: &Results, lang: Lang) -> Result<String, ReportError> {
    render_markdown_from(results, lang, &mut HeldTrials)
}

/// [`render_markdown`], with each case's trials from `trials`.
pub fn render_markdown_from(
    results: &Results,
    lang: Lang,
    trials: &mut dyn TrialSource,
) -> Result<String, ReportError> {
    let view = markdown::view(results, lang, trials)?;
    markdown_registry()?
        .render("summary", &view)
        .map_err(|source| ReportError::Render {
            format: "markdown",
            source,
        })
}

/// Parse the templates `formats` are rendered with now, on the calling thread, rather than
/// at the first render: a command calls it on another thread while it reads its input.
pub fn prepare(formats: &[Format]) {
    let has = |f: &[Format]| formats.iter().any(|x| f.contains(x));
    super::templates::prepare(has(&[Format::Html, Format::Pdf]), has(&[Format::Markdown]));
}
