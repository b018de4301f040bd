//! The report templates, parsed once per process into one registry per output format. Its
//! own module so each format's renderer reaches its registry the same way.

use std::sync::LazyLock;

use handlebars::Handlebars;

use super::{ReportError, markdown};

const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.hbs");
const AUDIO_PARTIAL: &str = include_str!("../../templates/media-audio.hbs");
const IMAGE_PARTIAL: &str = include_str!("../../templates/media-image.hbs");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/summary.md.hbs");

/// One registry per output format, because each escapes for its own syntax; each is parsed
/// the first time its format is rendered, so a run that writes only Markdown never parses
/// the page's templates. A parse failure is kept as text so every render reports it instead
/// of panicking.
type Registry = LazyLock<Result<Handlebars<'static>, String>>;

static HTML: Registry = LazyLock::new(|| {
    let mut html = Handlebars::new();
    html.set_strict_mode(true);
    // Every interpolated string is escaped for HTML, and characters that reorder or hide
    // text are shown instead of obeyed: device and record text cannot rewrite the page.
    html.register_escape_fn(|s| handlebars::html_escape(&crate::text::visible_controls(s)));
    html.register_template_string("report", HTML_TEMPLATE)
        .map_err(|e| e.to_string())?;
    html.register_partial("audio", AUDIO_PARTIAL)
        .map_err(|e| e.to_string())?;
    html.register_partial("image", IMAGE_PARTIAL)
        .map_err(|e| e.to_string())?;
    Ok(html)
});

static MARKDOWN: Registry = LazyLock::new(|| {
    let mut markdown = Handlebars::new();
    markdown.set_strict_mode(true);
    markdown.register_escape_fn(markdown::escape);
    markdown
        .register_template_string("summary", MARKDOWN_TEMPLATE)
        .map_err(|e| e.to_string())?;
    Ok(markdown)
});

fn get(registry: &'static Registry) -> Result<&'static Handlebars<'static>, ReportError> {
    registry
        .as_ref()
        .map_err(|e| ReportError::Templates(e.clone()))
}

/// The HTML registry: the page.
pub(super) fn html_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    get(&HTML)
}

/// The Markdown summary's registry.
pub(super) fn markdown_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    get(&MARKDOWN)
}
