//! From results to text: the view models laid out by their templates, one registry per
//! format.

use std::sync::LazyLock;

use handlebars::Handlebars;

use super::html::{HeldTrials, TrialSource};
use super::{Format, Lang, ReportError, html, junit, markdown};
use crate::results::Results;

const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.hbs");
const EVIDENCE_TEMPLATE: &str = include_str!("../../templates/evidence.html.hbs");
const AUDIO_PARTIAL: &str = include_str!("../../templates/media-audio.hbs");
const IMAGE_PARTIAL: &str = include_str!("../../templates/media-image.hbs");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/summary.md.hbs");

/// Render `results` in `format`. For [`Format::Pdf`] this is the HTML the PDF is printed
/// from.
pub fn render(results: &Results, lang: Lang, format: Format) -> Result<String, ReportError> {
    match format {
        Format::Html | Format::Pdf => render_html(results, lang),
        Format::Junit => render_junit(results, lang),
        Format::Markdown => render_markdown(results, lang),
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
    let view = html::view(results, lang, trials)?;
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
    // Every interpolated string is escaped for HTML, and characters that reorder or hide
    // text are shown instead of obeyed: device and record text cannot rewrite the page.
    html.register_escape_fn(|s| handlebars::html_escape(&crate::text::visible_controls(s)));
    html.register_template_string("report", HTML_TEMPLATE)
        .map_err(|e| e.to_string())?;
    html.register_template_string("evidence", EVIDENCE_TEMPLATE)
        .map_err(|e| e.to_string())?;
    html.register_partial("audio", AUDIO_PARTIAL)
        .map_err(|e| e.to_string())?;
    html.register_partial("image", IMAGE_PARTIAL)
        .map_err(|e| e.to_string())?;

    let mut markdown = Handlebars::new();
    markdown.set_strict_mode(true);
    markdown.register_escape_fn(markdown::escape);
    markdown
        .register_template_string("summary", MARKDOWN_TEMPLATE)
        .map_err(|e| e.to_string())?;
    Ok(Engines { html, markdown })
});

/// The HTML registry, for the per-case evidence [`html`] packs into the page.
pub(super) fn html_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    Ok(&engines()?.html)
}

fn engines() -> Result<&'static Engines, ReportError> {
    ENGINES
        .as_ref()
        .map_err(|e| ReportError::Templates(e.clone()))
}
