//! The report templates, parsed once per process into one registry per output format. Its
//! own module so each format's renderer reaches its registry the same way.

use std::sync::LazyLock;

use handlebars::Handlebars;

use super::{ReportError, markdown};

const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.hbs");
const AUDIO_PARTIAL: &str = include_str!("../../templates/media-audio.hbs");
const IMAGE_PARTIAL: &str = include_str!("../../templates/media-image.hbs");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/summary.md.hbs");

/// Where `templates/report.html.hbs` is cut into the parts it is compiled as, each marker
/// line dropped: Handlebars finds each element's line and column by scanning from its
/// template's start, so one long template cost time growing with the square of its length
/// (a tenth of a 1,000-case run's instructions). The marker is a comment, so the file is still
/// one template to read; rendered one after another on one context, the parts give what the
/// whole gives.
const PAGE_PART: &str = "{{!-- part --}}\n";

/// The page's parts, each with the name it is registered under.
fn page_parts() -> impl Iterator<Item = (String, &'static str)> {
    HTML_TEMPLATE
        .split(PAGE_PART)
        .enumerate()
        .map(|(i, part)| (format!("report.html.hbs part {}", i + 1), part))
}

/// Render the page's parts in order into `out`.
pub(super) fn render_page(
    context: &handlebars::Context,
    out: &mut Vec<u8>,
) -> Result<(), ReportError> {
    let html = html_registry()?;
    for (name, _) in page_parts() {
        html.render_with_context_to_write(&name, context, &mut *out)
            .map_err(|source| ReportError::Render {
                format: "html",
                source,
            })?;
    }
    Ok(())
}

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
    for (name, part) in page_parts() {
        html.register_template_string(&name, part)
            .map_err(|e| e.to_string())?;
    }
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

/// The HTML registry: the page's parts and the media partials.
fn html_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    get(&HTML)
}

/// Parse the templates of `formats` now (see [`crate::schema::prepare`]).
pub(super) fn prepare(formats: &[super::Format]) {
    use super::Format;
    for format in formats {
        match format {
            Format::Html | Format::Pdf => LazyLock::force(&HTML),
            Format::Markdown => LazyLock::force(&MARKDOWN),
            Format::Junit => continue,
        };
    }
}

/// The Markdown summary's registry.
pub(super) fn markdown_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    get(&MARKDOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts, rendered in turn, give the bytes the whole file gives as one template.
    #[test]
    fn the_page_in_parts_renders_as_the_whole_template() {
        let whole = {
            let mut h = Handlebars::new();
            h.set_strict_mode(true);
            h.register_escape_fn(|s| handlebars::html_escape(&crate::text::visible_controls(s)));
            h.register_template_string("whole", HTML_TEMPLATE).unwrap();
            h.register_partial("audio", AUDIO_PARTIAL).unwrap();
            h.register_partial("image", IMAGE_PARTIAL).unwrap();
            h
        };
        assert!(page_parts().count() > 1, "the page is cut into parts");
        for lang in [super::super::Lang::En, super::super::Lang::Zh] {
            let results = super::super::fixture::results();
            let view =
                super::super::html::view(&results, lang, &mut super::super::HeldTrials).unwrap();
            let context = handlebars::Context::wraps(&view).unwrap();
            let mut parts = Vec::new();
            render_page(&context, &mut parts).unwrap();
            let want = whole.render_with_context("whole", &context).unwrap();
            assert!(String::from_utf8(parts).unwrap() == want, "{lang:?}");
        }
    }
}
