//! The report templates, parsed once per process into one registry per output format. Its
//! own module so each format's renderer reaches its registry the same way.

use std::sync::LazyLock;

use handlebars::Handlebars;

use super::{ReportError, markdown};

pub(super) const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.hbs");
pub(super) const AUDIO_PARTIAL: &str = include_str!("../../templates/media-audio.hbs");
pub(super) const IMAGE_PARTIAL: &str = include_str!("../../templates/media-image.hbs");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/summary.md.hbs");

/// Where `templates/report.html.hbs` is cut into the parts it is compiled as, each marker
/// line dropped: Handlebars finds each element's line and column by scanning from its
/// template's start, so one long template cost time growing with the square of its length
/// (a tenth of a 1,000-case run's instructions). The marker is a comment, so the file is still
/// one template to read; rendered one after another on one context, the parts give what the
/// whole gives.
const PAGE_PART: &str = "{{!-- part --}}\n";

/// Where code writes into the page, as a line `{{!-- slot: NAME --}}` between parts: the
/// case table's rows and the fixtures' rows, megabytes of text that would otherwise be copied
/// into the template's context and escaped again.
const SLOT: &str = "{{!-- slot: ";
const SLOT_END: &str = " --}}\n";

/// A piece of the page: a part of the template, with the name it is registered under, or
/// the name of a slot.
pub(super) enum Piece {
    Part(String, &'static str),
    Slot(&'static str),
}

/// The page's pieces, in order.
pub(super) fn page_pieces() -> Vec<Piece> {
    let mut pieces = Vec::new();
    for part in HTML_TEMPLATE.split(PAGE_PART) {
        let mut rest = part;
        loop {
            let slot = rest.find(SLOT).and_then(|at| {
                let name_at = at + SLOT.len();
                let end = rest[name_at..].find(SLOT_END)? + name_at;
                Some((at, &rest[name_at..end], end + SLOT_END.len()))
            });
            let Some((at, name, after)) = slot else {
                break;
            };
            pieces.push(Piece::Part(String::new(), &rest[..at]));
            pieces.push(Piece::Slot(name));
            rest = &rest[after..];
        }
        pieces.push(Piece::Part(String::new(), rest));
    }
    let mut n = 0;
    for piece in &mut pieces {
        if let Piece::Part(name, _) = piece {
            n += 1;
            *name = format!("report.html.hbs part {n}");
        }
    }
    pieces
}

/// Render the page's parts in order into `out`, and between them what `slot` writes for
/// each slot.
pub(super) fn render_page(
    context: &handlebars::Context,
    out: &mut dyn std::io::Write,
    slot: &mut dyn FnMut(&str, &mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    let html = html_registry()?;
    for piece in page_pieces() {
        match piece {
            Piece::Part(name, _) => html
                .render_with_context_to_write(&name, context, &mut *out)
                .map_err(|source| ReportError::Render {
                    format: "html",
                    source,
                })?,
            Piece::Slot(name) => slot(name, &mut *out).map_err(|source| ReportError::Write {
                format: "html",
                source,
            })?,
        }
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
    for piece in page_pieces() {
        if let Piece::Part(name, part) = piece {
            html.register_template_string(&name, part)
                .map_err(|e| e.to_string())?;
        }
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
pub(super) fn prepare(html: bool, markdown: bool) {
    if html {
        LazyLock::force(&HTML);
    }
    if markdown {
        LazyLock::force(&MARKDOWN);
    }
}

/// The Markdown summary's registry.
pub(super) fn markdown_registry() -> Result<&'static Handlebars<'static>, ReportError> {
    get(&MARKDOWN)
}
