//! What report.html shows of each case — its row in the case table and its trials, shown when
//! the case is opened: the views the page module builds from the records, and the HTML
//! written straight from them.
//!
//! Written by code rather than through Handlebars templates because it is rendered once per
//! case: at 1,000 cases the templates (each view converted to a JSON tree, then navigated
//! helper by helper) were over a third of a whole run's instructions. The escaping is the page
//! template's, character for character: controls that reorder or hide text made visible,
//! then `handlebars::html_escape`'s seven characters.

use serde::Serialize;

use super::Lang;
use super::messages::{self as m, Msg};

/// A case's row in the page's case table, and its evidence.
pub(super) struct CaseView {
    pub(super) id: String,
    pub(super) anchor: String,
    pub(super) title: String,
    pub(super) level: String,
    pub(super) level_name: String,
    pub(super) element: String,
    pub(super) element_name: String,
    pub(super) mandatory: bool,
    pub(super) mandatory_label: &'static str,
    pub(super) mode: &'static str,
    pub(super) mode_label: &'static str,
    pub(super) clause: String,
    pub(super) file: String,
    pub(super) weight: String,
    pub(super) verdict: &'static str,
    pub(super) verdict_label: &'static str,
    pub(super) reason: String,
    pub(super) passed: u32,
    pub(super) planned: u32,
    pub(super) counts: String,
    pub(super) stats: Option<String>,
    pub(super) blocking: bool,
    /// The case's trials as [`evidence::write`] lays them out: packed, or as they
    /// are when packing would not make them smaller.
    pub(super) evidence: Evidence,
}

/// A case's evidence in the page.
pub(super) enum Evidence {
    /// Deflated and in base64: a big run's page stays small, and the browser inflates a case
    /// when it is opened.
    Packed(String),
    /// Short evidence (a single-turn case's one trial), which deflate and base64 would hardly
    /// shrink, written as the page shows it once inflated — what unpacking the packed form
    /// gives, without a compressor's set-up for every case.
    Inline(String),
}

/// What a case's evidence shows.
pub(super) struct EvidenceView {
    /// Trials shown in full, by index.
    pub(super) trials: Vec<TrialView>,
    /// The other trials, one line each, by index.
    pub(super) brief: Vec<BriefTrial>,
    pub(super) brief_note: Option<String>,
}

pub(super) struct BriefTrial {
    /// The trial's number as people count, from 1 (results store indexes from 0).
    pub(super) number: u32,
    pub(super) seed: u64,
    pub(super) outcome: &'static str,
    pub(super) outcome_label: &'static str,
    pub(super) duration: String,
    pub(super) turn: Option<String>,
    pub(super) failure: Option<String>,
}

pub(super) struct TrialView {
    /// The trial's number as people count, from 1 (results store indexes from 0).
    pub(super) number: u32,
    pub(super) seed: u64,
    pub(super) outcome: &'static str,
    pub(super) outcome_label: &'static str,
    /// Failed and errored trials start expanded: they are the evidence a reader looks for.
    pub(super) open: bool,
    pub(super) duration: String,
    pub(super) setup: Option<String>,
    pub(super) params: Option<String>,
    pub(super) error: Option<ErrorView>,
    pub(super) turns: Vec<TurnView>,
}

pub(super) struct ErrorView {
    pub(super) message: String,
    pub(super) evidence: Option<String>,
}

pub(super) struct TurnView {
    pub(super) label: String,
    pub(super) ok: bool,
    pub(super) input: InputView,
    pub(super) response: Option<ResponseView>,
    pub(super) error: Option<ErrorView>,
    pub(super) latency: String,
    pub(super) checks: Vec<CheckView>,
    /// What a judge model answered for the turn's `judge` checks: the evidence behind them.
    pub(super) judgements: Vec<JudgementView>,
    pub(super) state: Option<String>,
}

pub(super) struct JudgementView {
    /// `ok`, or `bad` for a failed or undecided judgement.
    pub(super) class: &'static str,
    pub(super) mark: &'static str,
    pub(super) status_label: &'static str,
    pub(super) model: String,
    pub(super) settings: String,
    pub(super) rubric: String,
    pub(super) reason: String,
    pub(super) answer: Option<String>,
    pub(super) error: Option<String>,
}

pub(super) struct InputView {
    pub(super) text: Option<String>,
    pub(super) event: Option<EventView>,
    pub(super) audio: Option<MediaView>,
    pub(super) image: Option<MediaView>,
}

pub(super) struct EventView {
    pub(super) kind: String,
    pub(super) data: Option<String>,
}

/// A stimulus or a spoken answer; also the page's fixture section shows one per fixture,
/// through `templates/media-*.hbs`, which [`media`] follows.
#[derive(Serialize)]
pub(super) struct MediaView {
    /// A `data:` URI built from validated base64 and a whitelisted MIME type.
    pub(super) src: Option<String>,
    pub(super) note: Option<String>,
    /// The suite fixture a recorded input refers to by hash, shown once in its own section.
    pub(super) fixture: Option<FixtureLink>,
}

#[derive(Serialize)]
pub(super) struct FixtureLink {
    pub(super) anchor: String,
    pub(super) path: String,
}

pub(super) struct ResponseView {
    pub(super) text: Option<String>,
    pub(super) speech: Option<MediaView>,
    pub(super) actions: Vec<ActionView>,
    pub(super) needs_confirmation: &'static str,
    pub(super) served_by: &'static str,
    pub(super) timing: Option<String>,
}

pub(super) struct ActionView {
    pub(super) name: String,
    pub(super) target: Option<String>,
    pub(super) args: String,
}

pub(super) struct CheckView {
    pub(super) passed: bool,
    pub(super) mark: &'static str,
    pub(super) status_label: &'static str,
    pub(super) kind: String,
    pub(super) spec: String,
    pub(super) reason: String,
}

/// Text with the page's escaping applied as it is appended.
struct Html<'a> {
    out: &'a mut String,
    lang: Lang,
}

impl Html<'_> {
    /// Markup, written as it is.
    fn raw(&mut self, s: &str) -> &mut Self {
        self.out.push_str(s);
        self
    }

    /// Text, escaped.
    fn text(&mut self, s: &str) -> &mut Self {
        let s = crate::text::visible_controls(s);
        let mut rest: &str = &s;
        while let Some(at) = rest.find(['<', '>', '"', '&', '\'', '`', '=']) {
            self.out.push_str(&rest[..at]);
            self.out.push_str(match rest.as_bytes()[at] {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'&' => "&amp;",
                b'\'' => "&#x27;",
                b'`' => "&#x60;",
                _ => "&#x3D;",
            });
            rest = &rest[at + 1..];
        }
        self.out.push_str(rest);
        self
    }

    /// A label from the message catalogue, escaped like any text.
    fn msg(&mut self, msg: Msg) -> &mut Self {
        self.text(msg.get(self.lang))
    }

    /// A label followed by the catalogue's colon.
    fn label(&mut self, msg: Msg) -> &mut Self {
        self.msg(msg).msg(m::COLON)
    }

    fn num(&mut self, n: impl std::fmt::Display) -> &mut Self {
        use std::fmt::Write;
        let _ = write!(self.out, "{n}");
        self
    }
}

/// Append the case's rows of the page's case table: its line, and the details opened from
/// it with its evidence, packed or as it is.
pub(super) fn case_row(c: &CaseView, lang: Lang, out: &mut String) {
    let h = &mut Html { out, lang };
    h.raw("<tbody class=\"case\" data-level=\"")
        .text(&c.level)
        .raw("\" data-element=\"")
        .text(&c.element)
        .raw("\" data-verdict=\"")
        .text(c.verdict)
        .raw("\" data-mode=\"")
        .text(c.mode)
        .raw("\" data-mandatory=\"")
        .raw(if c.mandatory { "true" } else { "false" })
        .raw("\">\n<tr class=\"case-row");
    if c.blocking {
        h.raw(" blocking");
    }
    h.raw("\"><td class=\"mono id\"><a href=\"#")
        .text(&c.anchor)
        .raw("\">")
        .text(&c.id)
        .raw("</a></td>");
    for cell in [
        c.title.as_str(),
        &c.level_name,
        &c.element_name,
        c.mandatory_label,
        c.mode_label,
        &c.clause,
    ] {
        h.raw("<td>").text(cell).raw("</td>");
    }
    h.raw("<td><span class=\"verdict v-")
        .text(c.verdict)
        .raw("\">")
        .text(c.verdict_label)
        .raw("</span></td><td class=\"num\">")
        .num(c.passed)
        .raw("/")
        .num(c.planned)
        .raw("</td></tr>\n<tr class=\"case-detail\"><td colspan=\"9\">\n<details class=\"case\" id=\"")
        .text(&c.anchor)
        .raw("\">\n<summary>")
        .text(&c.reason)
        .raw("</summary>\n<p class=\"meta\">")
        .text(&c.counts)
        .raw(" · ")
        .msg(m::FILE)
        .raw(" <span class=\"mono\">")
        .text(&c.file)
        .raw("</span> · ")
        .msg(m::WEIGHT)
        .raw(" ")
        .text(&c.weight)
        .raw("</p>\n");
    if let Some(stats) = given(&c.stats) {
        h.raw("<p class=\"meta\">").text(stats).raw("</p>\n");
    }
    match &c.evidence {
        Evidence::Packed(b64) if !b64.is_empty() => {
            h.raw("<div class=\"evidence\" data-z=\"")
                .text(b64)
                .raw("\"><p class=\"meta\">")
                .msg(m::EVIDENCE_PACKED)
                .raw("</p></div>");
        }
        Evidence::Packed(html) | Evidence::Inline(html) => {
            // Already escaped: written by [`write`].
            h.raw("<div class=\"evidence\">").raw(html).raw("</div>");
        }
    }
    h.raw("\n</details>\n</td></tr>\n</tbody>\n");
}

/// Present and not empty: what the template's `{{#if}}` tested of a string.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// Append `ev` as the opened case shows it.
pub(super) fn write(ev: &EvidenceView, lang: Lang, out: &mut String) {
    let h = &mut Html { out, lang };
    for t in &ev.trials {
        trial(h, t);
    }
    if ev.trials.is_empty() {
        h.raw("<p class=\"meta\">").msg(m::NO_TRIALS).raw("</p>\n");
    }
    if ev.brief.is_empty() {
        return;
    }
    h.raw("<p class=\"meta\">")
        .text(ev.brief_note.as_deref().unwrap_or_default())
        .raw("</p>\n<table class=\"brief\">\n<thead><tr><th class=\"num\">")
        .msg(m::TRIAL)
        .raw("</th><th>")
        .msg(m::OUTCOME)
        .raw("</th><th class=\"num\">")
        .msg(m::DURATION)
        .raw("</th><th>")
        .msg(m::SEED)
        .raw("</th><th>")
        .msg(m::FIRST_FAILING_CHECK)
        .raw("</th></tr></thead>\n<tbody>\n");
    for b in &ev.brief {
        h.raw("<tr><td class=\"num\">#")
            .num(b.number)
            .raw("</td><td><span class=\"verdict v-")
            .text(b.outcome)
            .raw("\">")
            .text(b.outcome_label)
            .raw("</span></td><td class=\"num\">")
            .text(&b.duration)
            .raw("</td><td class=\"mono\">")
            .num(b.seed)
            .raw("</td><td>");
        match given(&b.failure) {
            Some(failure) => {
                if let Some(turn) = given(&b.turn) {
                    h.text(turn).msg(m::COLON);
                }
                h.text(failure);
            }
            None => {
                h.raw("—");
            }
        }
        h.raw("</td></tr>\n");
    }
    h.raw("</tbody>\n</table>\n");
}

fn trial(h: &mut Html, t: &TrialView) {
    h.raw("<details class=\"trial o-").text(t.outcome).raw("\"");
    if t.open {
        h.raw(" open");
    }
    h.raw(">\n<summary>")
        .msg(m::TRIAL)
        .raw(" #")
        .num(t.number)
        .raw(" — <span class=\"verdict v-")
        .text(t.outcome)
        .raw("\">")
        .text(t.outcome_label)
        .raw("</span> · ")
        .text(&t.duration)
        .raw(" · ")
        .msg(m::SEED)
        .raw(" <span class=\"mono\">")
        .num(t.seed)
        .raw("</span></summary>\n");
    for (msg, value) in [(m::SETUP, &t.setup), (m::PARAMS, &t.params)] {
        if let Some(value) = given(value) {
            h.raw("<p class=\"meta\">")
                .label(msg)
                .raw("<span class=\"mono\">")
                .text(value)
                .raw("</span></p>\n");
        }
    }
    if let Some(e) = &t.error {
        h.raw("<p class=\"err\">")
            .label(m::DEVICE_ERROR)
            .text(&e.message)
            .raw("</p>\n");
        error_evidence(h, e);
        h.raw("\n");
    }
    for turn in &t.turns {
        self::turn(h, turn);
    }
    h.raw("</details>\n");
}

fn error_evidence(h: &mut Html, e: &ErrorView) {
    if let Some(evidence) = given(&e.evidence) {
        h.raw("<p class=\"meta\">")
            .label(m::EVIDENCE)
            .raw("</p><pre>")
            .text(evidence)
            .raw("</pre>");
    }
}

fn turn(h: &mut Html, t: &TurnView) {
    h.raw("<div class=\"turn");
    if !t.ok {
        h.raw(" bad");
    }
    h.raw("\">\n<h4>")
        .text(&t.label)
        .raw(" · ")
        .msg(m::LATENCY)
        .raw(" ")
        .text(&t.latency)
        .raw("</h4>\n<dl>\n<dt>")
        .msg(m::INPUT)
        .raw("</dt>\n<dd>\n");
    if let Some(text) = given(&t.input.text) {
        h.raw("<pre>").text(text).raw("</pre>");
    }
    h.raw("\n");
    if let Some(e) = &t.input.event {
        h.raw("<p>")
            .label(m::EVENT)
            .raw("<code>")
            .text(&e.kind)
            .raw("</code>");
        if let Some(data) = given(&e.data) {
            h.raw(" <code>").text(data).raw("</code>");
        }
        h.raw("</p>");
    }
    h.raw("\n");
    for (msg, kind, item) in [
        (m::AUDIO, Kind::Audio, &t.input.audio),
        (m::IMAGE, Kind::Image, &t.input.image),
    ] {
        if let Some(item) = item {
            h.raw("<p class=\"media\">").label(msg);
            media(h, item, kind);
            h.raw("</p>");
        }
        h.raw("\n");
    }
    h.raw("</dd>\n");
    match &t.response {
        Some(r) => response(h, r),
        None => {
            h.raw("<dt>")
                .msg(m::OUTPUT)
                .raw("</dt>\n<dd>")
                .msg(m::NO_RESPONSE)
                .raw("</dd>\n");
        }
    }
    if let Some(e) = &t.error {
        h.raw("<dt>")
            .msg(m::DEVICE_ERROR)
            .raw("</dt>\n<dd class=\"err\">")
            .text(&e.message);
        error_evidence(h, e);
        h.raw("</dd>\n");
    }
    h.raw("<dt>").msg(m::CHECKS).raw("</dt>\n<dd>");
    if t.checks.is_empty() {
        h.msg(m::NO_CHECKS);
    } else {
        h.raw("<ul class=\"checks\">");
        for c in &t.checks {
            h.raw("<li class=\"")
                .raw(if c.passed { "ok" } else { "bad" })
                .raw("\"><span class=\"mark\" title=\"")
                .text(c.status_label)
                .raw("\">")
                .text(c.mark)
                .raw("</span> <code>")
                .text(&c.kind)
                .raw("</code> <code>")
                .text(&c.spec)
                .raw("</code> — ")
                .text(&c.reason)
                .raw("</li>");
        }
        h.raw("</ul>");
    }
    h.raw("</dd>\n");
    if !t.judgements.is_empty() {
        h.raw("<dt>")
            .msg(m::JUDGE)
            .raw("</dt>\n<dd><ul class=\"checks\">");
        for j in &t.judgements {
            h.raw("<li class=\"")
                .text(j.class)
                .raw("\"><span class=\"mark\" title=\"")
                .text(j.status_label)
                .raw("\">")
                .text(j.mark)
                .raw("</span> <code>")
                .text(&j.model)
                .raw("</code> (")
                .text(&j.settings)
                .raw(") — ")
                .text(&j.reason)
                .raw("<p class=\"meta\">")
                .label(m::RUBRIC)
                .text(&j.rubric)
                .raw("</p>");
            if let Some(answer) = given(&j.answer) {
                h.raw("<pre>").text(answer).raw("</pre>");
            }
            if let Some(error) = given(&j.error) {
                h.raw("<p class=\"err\">").text(error).raw("</p>");
            }
            h.raw("</li>");
        }
        h.raw("</ul></dd>\n");
    }
    h.raw("</dl>\n");
    if let Some(state) = given(&t.state) {
        h.raw("<details class=\"state\">\n<summary>")
            .msg(m::STATE)
            .raw("</summary>\n<pre>")
            .text(state)
            .raw("</pre>\n</details>\n");
    }
    h.raw("</div>\n");
}

fn response(h: &mut Html, r: &ResponseView) {
    h.raw("<dt>").msg(m::OUTPUT).raw("</dt>\n<dd>\n");
    match given(&r.text) {
        Some(text) => h.raw("<pre>").text(text).raw("</pre>"),
        None => h.raw("<p>").msg(m::NO_OUTPUT_TEXT).raw("</p>"),
    };
    h.raw("\n");
    if let Some(speech) = &r.speech {
        h.raw("<p class=\"media\">").label(m::SPEECH);
        media(h, speech, Kind::Audio);
        h.raw("</p>");
    }
    h.raw("\n</dd>\n<dt>").msg(m::ACTIONS).raw("</dt>\n<dd>");
    if r.actions.is_empty() {
        h.msg(m::NO_ACTIONS);
    } else {
        h.raw("<ul class=\"actions\">");
        for a in &r.actions {
            h.raw("<li><code>").text(&a.name).raw("</code>");
            if let Some(target) = given(&a.target) {
                h.raw(" ")
                    .msg(m::TARGET)
                    .raw(" <code>")
                    .text(target)
                    .raw("</code>");
            }
            h.raw(" <code>").text(&a.args).raw("</code></li>");
        }
        h.raw("</ul>");
    }
    h.raw("</dd>\n<dt>")
        .msg(m::NEEDS_CONFIRMATION)
        .raw("</dt>\n<dd>")
        .text(r.needs_confirmation)
        .raw("</dd>\n<dt>")
        .msg(m::SERVED_BY)
        .raw("</dt>\n<dd>")
        .text(r.served_by)
        .raw("</dd>\n");
    if let Some(timing) = given(&r.timing) {
        h.raw("<dt>")
            .msg(m::DEVICE_TIMING)
            .raw("</dt>\n<dd>")
            .text(timing)
            .raw("</dd>\n");
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Audio,
    Image,
}

/// Append a row of the page's fixture table: its anchor, path, format and hash, and the
/// fixture itself as `templates/media-*.hbs` lay it out.
pub(super) fn fixture_row(
    anchor: &str,
    f: &crate::results::FixtureData,
    audio: bool,
    v: &MediaView,
    lang: Lang,
    out: &mut String,
) {
    let h = &mut Html { out, lang };
    h.raw("<tr id=\"")
        .text(anchor)
        .raw("\"><td class=\"mono\">")
        .text(&f.path)
        .raw("</td><td>")
        .text(&f.format)
        .raw("</td><td class=\"mono\">")
        .text(&f.sha256)
        .raw("</td><td>");
    media(h, v, if audio { Kind::Audio } else { Kind::Image });
    h.raw("</td></tr>\n");
}

/// As `templates/media-audio.hbs` and `templates/media-image.hbs` lay out a fixture.
fn media(h: &mut Html, v: &MediaView, kind: Kind) {
    if let Some(src) = given(&v.src) {
        match kind {
            Kind::Audio => h.raw("<audio controls preload=\"none\" src=\""),
            Kind::Image => h.raw("<img alt=\"").msg(m::IMAGE).raw("\" src=\""),
        };
        h.text(src).raw(match kind {
            Kind::Audio => "\"></audio>",
            Kind::Image => "\">",
        });
    } else if let Some(f) = &v.fixture {
        h.raw("<a href=\"#")
            .text(&f.anchor)
            .raw("\">")
            .text(&f.path)
            .raw("</a>");
    } else if let Some(note) = &v.note {
        h.text(note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        Html {
            out: &mut out,
            lang: Lang::En,
        }
        .text(s);
        out
    }

    #[test]
    fn text_is_escaped_as_the_page_template_escapes_it() {
        for s in [
            "",
            "plain 中文",
            "<script>alert('x')</script>",
            "a=b&c`d\"e",
            "\u{202E}reversed\u{0007}",
            "==",
        ] {
            let want = handlebars::html_escape(&crate::text::visible_controls(s));
            assert_eq!(escaped(s), want, "{s:?}");
        }
        assert_eq!(escaped("<a href='x'>"), "&lt;a href&#x3D;&#x27;x&#x27;&gt;");
    }
}
