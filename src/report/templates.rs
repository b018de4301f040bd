//! The report templates, parsed once per process into one registry per output format. Its
//! own module so the page renderer and the evidence packer both use it without depending
//! on each other.

use std::sync::LazyLock;

use handlebars::Handlebars;

use super::{ReportError, markdown};

const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.hbs");
const EVIDENCE_TEMPLATE: &str = include_str!("../../templates/evidence.html.hbs");
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
    register_in_parts(&mut html, "report", HTML_TEMPLATE)?;
    html.register_template_string("evidence", EVIDENCE_TEMPLATE)
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

/// Where `templates/report.html.hbs` may be cut: a comment line between top-level sections.
const PART: &str = "{{!-- part --}}\n";

/// Register `source` as `name`, compiled part by part: handlebars works out the line and
/// column of every element by scanning from the start of its template, so compiling a long
/// template costs the square of its length, and its parts together a fraction of that. The
/// parts are partials the template renders in turn, byte for byte the whole (a test checks).
fn register_in_parts(
    registry: &mut Handlebars<'static>,
    name: &str,
    source: &str,
) -> Result<(), String> {
    let mut whole = String::new();
    for (i, part) in source.split(PART).enumerate() {
        let part_name = format!("{name}.{i}");
        registry
            .register_partial(&part_name, part)
            .map_err(|e| format!("{name}, part {i}: {e}"))?;
        whole.push_str(&format!("{{{{> {part_name}}}}}"));
    }
    registry
        .register_template_string(name, whole)
        .map_err(|e| e.to_string())
}

fn get(registry: &'static Registry) -> Result<&'static Handlebars<'static>, ReportError> {
    registry
        .as_ref()
        .map_err(|e| ReportError::Templates(e.clone()))
}

/// The HTML registry: the page and the per-case evidence `html` packs into it.
pub(super) fn html_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    get(&HTML)
}

/// The Markdown summary's registry.
pub(super) fn markdown_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    get(&MARKDOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page compiled in parts renders exactly what the one template renders.
    #[test]
    fn the_page_in_parts_is_the_page_whole() {
        assert!(
            HTML_TEMPLATE.matches(PART).count() >= 4,
            "the page is cut in parts"
        );
        let parts = get(&HTML).unwrap();
        let mut whole = parts.clone();
        whole
            .register_template_string("report", HTML_TEMPLATE.replace(PART, ""))
            .unwrap();
        let r = super::super::fixture::results();
        for lang in [super::super::Lang::Zh, super::super::Lang::En] {
            let view = super::super::html::view(&r, lang, &mut super::super::HeldTrials).unwrap();
            let a = parts.render("report", &view).unwrap();
            let b = whole.render("report", &view).unwrap();
            assert!(a == b, "the parts differ from the whole ({lang:?})");
            assert!(a.len() > 10_000);
        }
    }
}
