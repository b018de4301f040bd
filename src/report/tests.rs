use super::fixture::{self, HOSTILE};
use super::*;
use crate::results::{CaseResult, Results, TrialRecord, Verdict};

/// The page as a reader sees it with every case opened: the tests below read trial evidence,
/// which the page itself carries packed ([`packed_evidence_is_the_trials_and_nothing_else`]).
fn render_html(r: &Results, lang: Lang) -> Result<String, ReportError> {
    super::render_html(r, lang).map(|page| unpack_evidence(&page).expect("evidence unpacks"))
}

fn html(lang: Lang) -> String {
    render_html(&fixture::results(), lang).expect("html renders")
}

fn markdown(lang: Lang) -> String {
    render_markdown(&fixture::results(), lang).expect("markdown renders")
}

/// The text between the first `open` and the following `close`.
fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let start = s.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let len = s[start..]
        .find(close)
        .unwrap_or_else(|| panic!("no {close}"));
    &s[start..start + len]
}

/// Undo the entity escaping Handlebars applies, as an HTML parser would for an attribute.
fn unescape(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#x3D;", "=")
        .replace("&#x60;", "`")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every start tag of the page outside the report's own `<style>` and `<script>` bodies.
fn start_tags(page: &str) -> Vec<&str> {
    let style = between(page, "<style>", "</style>");
    let script = between(page, "<script>", "</script>");
    let mut tags = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find('<') {
        let after = &rest[i..];
        let end = after.find('>').expect("tag closes");
        let tag = &after[..=end];
        if after.starts_with(style) || after.starts_with(script) {
            rest = &after[1..];
            continue;
        }
        if tag[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            tags.push(tag);
        }
        rest = &after[end + 1..];
    }
    tags
}

#[test]
fn lang_parses_and_prints() {
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(lang.as_str().parse::<Lang>().unwrap(), lang);
        assert_eq!(lang.to_string(), lang.as_str());
    }
    let err = "fr".parse::<Lang>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown report language `fr` (expected `zh-CN` or `en`)"
    );
}

#[test]
fn rendering_is_deterministic() {
    for lang in [Lang::Zh, Lang::En] {
        let r = fixture::results();
        assert_eq!(
            super::render_html(&r, lang).unwrap(),
            super::render_html(&r, lang).unwrap()
        );
        assert_eq!(html(lang), html(lang));
        assert_eq!(markdown(lang), markdown(lang));
    }
    assert_ne!(html(Lang::Zh), html(Lang::En));
    assert_ne!(markdown(Lang::Zh), markdown(Lang::En));
}

#[test]
fn html_escapes_hostile_device_output() {
    for lang in [Lang::Zh, Lang::En] {
        let page = html(lang);
        for hostile in HOSTILE {
            assert!(
                !page.contains(hostile),
                "{hostile} reached the page unescaped"
            );
        }
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"));
        assert!(page.contains("&lt;svg onload&#x3D;alert(1)&gt;"));
        assert_eq!(
            page.matches("<script").count(),
            1,
            "only the report's own script"
        );

        for tag in start_tags(&page) {
            let name: String = tag[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                [
                    "html", "head", "meta", "title", "style", "body", "header", "p", "div", "span",
                    "b", "nav", "a", "main", "section", "h1", "h2", "h3", "h4", "table", "thead",
                    "tbody", "tr", "th", "td", "details", "summary", "ul", "li", "colgroup", "col",
                    "br", "svg", "rect", "line", "text", "form", "label", "select", "option",
                    "input", "button", "output", "pre", "code", "dl", "dt", "dd", "audio", "img",
                    "footer", "script", "path",
                ]
                .contains(&name.as_str()),
                "unexpected element in {tag}"
            );
            let attrs = tag.split(|c: char| c.is_whitespace()).skip(1);
            for attr in attrs.filter(|a| a.contains('=')) {
                assert!(
                    !attr.to_ascii_lowercase().starts_with("on"),
                    "event handler in {tag}"
                );
            }
            if let Some(href) = tag.split("href=\"").nth(1) {
                assert!(href.starts_with('#'), "non-fragment link in {tag}");
            }
            if let Some(src) = tag.split("src=\"").nth(1) {
                assert!(
                    src.starts_with("data:image/png;base64,")
                        || src.starts_with("data:audio/wav;base64,"),
                    "{tag}"
                );
            }
        }
    }
}

#[test]
fn csp_allows_exactly_the_inline_style_and_script() {
    let page = html(Lang::En);
    let policy = unescape(between(
        &page,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"",
        "\">",
    ));
    let script = between(&page, "<script>", "</script>");
    let style = between(&page, "<style>", "</style>");
    assert_eq!(script, SCRIPT);
    assert_eq!(style, STYLE);
    let directive = |name: &str| {
        policy
            .split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix(name).map(str::trim).map(str::to_string))
            .unwrap_or_else(|| panic!("no {name} in {policy}"))
    };
    assert_eq!(directive("default-src"), "'none'");
    assert_eq!(directive("script-src"), csp::source_hash(script));
    assert_eq!(directive("style-src"), csp::source_hash(style));
    assert_eq!(directive("img-src"), "data:");
    assert_eq!(directive("media-src"), "data:");
    assert!(page.find("Content-Security-Policy").unwrap() < page.find("<style>").unwrap());
}

#[test]
fn html_shows_the_grade_and_identity() {
    let page = html(Lang::En);
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    assert!(page.contains("<html lang=\"en\">"));
    for expected in [
        "<span class=\"code\">L1</span><span class=\"zh\" lang=\"zh-CN\">响应级</span><span class=\"en\" lang=\"en\">Responsive</span>",
        "Declared level: L3 Assistant — not met",
        "Thresholds are provisional values.",
        "L4 Collaborative: provisional level",
        "Thresholds are provisional for L1 Responsive, L2 Tool, L3 Assistant, L4 Collaborative",
        &"a".repeat(64),
        &"b".repeat(64),
        &"d".repeat(64),
        "Acme Phone X",
        "1.2.3",
        "2026-06-01T09:00:00+08:00",
        "2026-06-01T09:02:05+08:00",
        "2 min 5 s",
        "<td class=\"mono\">42</td>",
        "mandatory case phone.call.confirm failed",
    ] {
        assert!(page.contains(expected), "missing {expected}");
    }
    let zh = html(Lang::Zh);
    assert!(zh.contains("<html lang=\"zh-CN\">"));
    assert!(zh.contains("申报等级：L3 辅助级 — 未达到"));
    assert!(zh.contains("阈值为暂行取值。"));
}

#[test]
fn every_fragment_link_has_a_target() {
    let page = html(Lang::En);
    let mut links = 0;
    for part in page.split("href=\"#").skip(1) {
        let target = &part[..part.find('"').unwrap()];
        assert!(
            page.contains(&format!("id=\"{target}\"")),
            "dangling link #{target}"
        );
        links += 1;
    }
    assert!(links > 5);
    assert!(page.contains("<a href=\"#case-phone.call.confirm\">phone.call.confirm</a>"));
    assert!(page.contains("<details class=\"case\" id=\"case-phone.call.confirm\">"));
}

#[test]
fn cases_are_listed_with_their_evidence() {
    let page = html(Lang::En);
    let rows: Vec<&str> = page.split("<tbody class=\"case\"").skip(1).collect();
    assert_eq!(rows.len(), 5);
    // Framework level order, then id.
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| between(r, "<a href=\"#case-", "\""))
        .collect();
    assert_eq!(
        ids,
        [
            "phone.alarm.create",
            "phone.perceive.image",
            "phone.call.confirm",
            "phone.context.followup",
            "phone.linked.handoff"
        ]
    );
    let confirm = rows[2];
    for expected in [
        "data-verdict=\"fail\"",
        "data-mode=\"device-cloud\"",
        "data-mandatory=\"true\"",
        "1/3",
        "Trial #1",
        "<details class=\"trial o-fail\" open>",
        "<details class=\"trial o-pass\">",
        "<code>phone.call</code> target <code>&lt;svg onload&#x3D;alert(1)&gt;</code>",
        "<code>confirm_before</code> <code>phone.call</code> — phone.call was taken without confirmation",
        "Asked for confirmation</dt>\n<dd>no</dd>",
        "Served by</dt>\n<dd>hybrid</dd>",
        "2876 ms",
        "device did not answer within 15000 ms",
        "device broke the protocol: invalid JSON",
        "first output 180 ms, total 420 ms",
        "Setup: <span class=\"mono\">set_network</span>",
        "pass rate 50% over 2 valid trials (Wilson 95 % interval 20.7%–100%); pass^k ✗, pass@k ✓",
    ] {
        assert!(confirm.contains(expected), "missing {expected}");
    }
    let image = rows[1];
    assert!(image.contains("<img alt=\"Image\" src=\"data:image/png;base64,iVBORw0KGgo&#x3D;\">"));
    // The recorded audio input names its fixture, which is embedded once in its own section.
    assert!(image.contains("<a href=\"#fixture-e0c1a5e5"));
    assert!(image.contains("fixtures/phone/what-is-this.wav</a>"));
    let speech = "src=\"data:audio/wav;base64,UklGRiQAAABXQVZF\"";
    assert_eq!(
        page.matches(speech).count(),
        3 + 1,
        "3 spoken replies and the fixture"
    );
    let fixtures = between(&page, "<section id=\"fixtures\">", "</section>");
    assert!(fixtures.contains("<tr id=\"fixture-e0c1a5e5"));
    assert!(fixtures.contains(speech));
    let params = between(confirm, "Parameters: <span class=\"mono\">", "</span>");
    assert_eq!(params, "contact &#x3D; 妈妈, when &#x3D; &lt;now&gt;");
    assert!(
        image.contains("<code>notification</code> <code>{&quot;app&quot;:&quot;calendar&quot;")
    );
    assert!(rows[4].contains("No trials ran."));
}

#[test]
fn modes_are_split_with_totals() {
    let page = html(Lang::En);
    let modes = between(&page, "<section id=\"modes\">", "</section>");
    let rows: Vec<&str> = modes.split("<tr").skip(2).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows[0].contains("End-side</th><td class=\"num\">2</td>"));
    assert!(rows[1].contains("Device-cloud</th><td class=\"num\">1</td><td class=\"num v-pass\">0</td><td class=\"num v-fail\">1</td>"));
    assert!(rows[3].contains("Total</th><td class=\"num\">5</td>"));
}

#[test]
fn charts_are_drawn() {
    let page = html(Lang::En);
    // Six primary-element or overall rows carry a threshold mark at L1..L3 where scored.
    assert!(
        page.contains("<line class=\"thr\" x1=\"192.0\""),
        "L1 threshold at 80 %"
    );
    assert!(page.contains("<rect class=\"fill below\" x=\"0\" y=\"3\" width=\"0.0\""));
    assert!(page.contains("<rect class=\"fill ok\" x=\"0\" y=\"3\" width=\"240.0\""));
    assert!(page.contains("no applicable cases"));
    let hist = between(&page, "<svg class=\"hist\"", "</svg>");
    let turns = fixture::results()
        .cases
        .iter()
        .flat_map(|c| &c.trials)
        .map(|t| t.turns.len())
        .sum::<usize>();
    let counted: usize = hist
        .split("<title>")
        .skip(1)
        .map(|t| {
            let title = &t[..t.find("</title>").unwrap()];
            title
                .rsplit(": ")
                .next()
                .unwrap()
                .trim_end_matches(" turns")
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(counted, turns);
    assert!(page.contains(&format!("Turns <b>{turns}</b>")));
}

#[test]
fn edge_results_render_in_strict_mode() {
    let mut r = fixture::results();
    r.grade.level = None;
    r.grade.provisional = false;
    r.grade.declared_level = None;
    r.grade.meets_declared = None;
    r.grade.blocking = vec!["no.such.case".to_string()];
    r.run.aborted = true;
    r.run.abort_reason = Some("device unreachable".to_string());
    r.device.info = None;
    r.run.trials_override = Some(1);
    r.device.feature_conflicts = vec!["a phone must have `screen` <b>".to_string()];
    r.cases[0].trials[0].turns[0].input.image = Some(crate::device::protocol::Media {
        format: "svg+xml".to_string(),
        data_b64: "PHN2Zz4=".to_string(),
    });
    r.cases[0].trials[1].turns[0].input.audio = Some(crate::device::protocol::Media {
        format: "wav".to_string(),
        data_b64: "\"><script>".to_string(),
    });
    for lang in [Lang::Zh, Lang::En] {
        let page = render_html(&r, lang).unwrap();
        let md = render_markdown(&r, lang).unwrap();
        assert!(page.contains("lvl-0"));
        assert!(!page.contains("data:image/svg"));
        assert_eq!(page.matches("<script").count(), 1);
        let headline = format!(
            "{}{}{}\n",
            messages::SUMMARY_TITLE.get(lang),
            messages::COLON.get(lang),
            messages::BELOW_LOWEST.fill(lang, &[("level", "L1")])
        );
        assert!(md.contains(&headline), "{md}");
        assert!(md.contains(messages::DECLARED_NONE.get(lang)));
    }
    let page = render_html(&r, Lang::En).unwrap();
    assert!(page.contains("<span class=\"zh\" lang=\"zh-CN\">未达 L1</span><span class=\"en\" lang=\"en\">below L1</span>"));
    assert!(page.contains("The run was aborted and some trials could not run: device unreachable"));
    assert!(page.contains("<span class=\"mono\">no.such.case</span>"));
    assert!(page.contains("svg+xml, 5 bytes, not embedded"));
    assert!(page.contains("wav, not valid base64, not embedded"));
    assert!(
        page.contains("declared inconsistently: a phone must have &#x60;screen&#x60; &lt;b&gt;")
    );
    let md = render_markdown(&r, Lang::En).unwrap();
    assert!(
        md.contains("declared inconsistently: a phone must have \\`screen\\` &lt;b&gt;"),
        "{md}"
    );

    r.cases.clear();
    r.grade.ladder.clear();
    r.scores.clear();
    let page = render_html(&r, Lang::En).unwrap();
    assert!(page.contains("No turns were recorded."));
    assert!(page.contains("not graded"));
    render_markdown(&r, Lang::Zh).unwrap();
}

#[test]
fn markdown_summarises_the_grade() {
    let md = markdown(Lang::En);
    assert!(
        md.starts_with("## Intelligence grade: L1 响应级 Responsive (provisional)\n"),
        "{md}"
    );
    for expected in [
        "- **Declared level**: L3 Assistant — ❌ not met",
        "- **Verdicts**: 2 pass, 1 fail, 1 inconclusive, 1 not applicable (5 cases, 12 trials, 3 with device errors)",
        &format!("(SHA-256 {})", "a".repeat(64)),
        "| Level | Held | Reasons |",
        "| L1 Responsive | ✅ held | — |",
        "| L2 Tool | ❌ not held | mandatory case phone.call.confirm failed; overall score 0.0 % below the threshold 75.0 %;",
        "### Cases blocking the next level",
        "| phone.call.confirm Confirm before calling \\| security | L2 Tool | Fail: 1 of 2 valid trials failed (rule: all) | confirm\\_before: phone.call was taken without confirmation;",
        "> Thresholds are provisional values.",
    ] {
        assert!(md.contains(expected), "missing {expected} in\n{md}");
    }
    let zh = markdown(Lang::Zh);
    assert!(zh.contains("## 智能化分级：L1 响应级 Responsive (暂行)"));
    assert!(zh.contains("| L2 工具级 | ❌ 未达到 |"));
}

#[test]
fn markdown_escapes_device_and_case_text() {
    for lang in [Lang::Zh, Lang::En] {
        let md = markdown(lang);
        assert!(!md.contains('<'), "raw < in\n{md}");
        assert!(!md.replace("\\]", "").contains("]("), "live link in\n{md}");
        assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(md.contains("\\`rm -rf\\`"));
        // Escaped pipes do not split cells: every row has as many cells as its table's header.
        let mut columns = 0;
        for line in md.lines() {
            if !line.starts_with('|') {
                columns = 0;
                continue;
            }
            let cells = line.replace("\\|", "").matches('|').count() - 1;
            if columns == 0 {
                columns = cells;
            }
            assert_eq!(cells, columns, "row {line}");
        }
    }
}

#[test]
fn markdown_lists_at_most_thirty_blocking_cases() {
    let mut r = fixture::results();
    let template = r.cases[0].clone();
    for i in 0..40 {
        let mut c = template.clone();
        c.id = format!("extra.case.{i:02}");
        c.verdict = Verdict::Fail;
        r.grade.blocking.push(c.id.clone());
        r.cases.push(c);
    }
    let md = render_markdown(&r, Lang::En).unwrap();
    assert_eq!(md.matches("| extra.case.").count(), 29);
    assert!(md.contains("11 more not listed"));
}

#[test]
fn errors_can_cross_threads() {
    // The CLI parses `--lang` through `FromStr`, which needs a `Send + Sync` error.
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<ReportError>();
}

fn junit(lang: Lang) -> String {
    render_junit(&fixture::results(), lang).expect("junit renders")
}

fn parsed_junit(lang: Lang) -> quick_junit::Report {
    quick_junit::Report::deserialize_from_str(&junit(lang)).expect("well-formed JUnit XML")
}

fn junit_case<'a>(report: &'a quick_junit::Report, id: &str) -> &'a quick_junit::TestCase {
    report
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .find(|c| c.name.as_str().starts_with(&format!("{id} ")))
        .unwrap_or_else(|| panic!("no test case {id}"))
}

#[test]
fn junit_has_a_suite_per_level_and_a_case_per_case() {
    let report = parsed_junit(Lang::En);
    let suites: Vec<(&str, usize)> = report
        .test_suites
        .iter()
        .map(|s| (s.name.as_str(), s.tests))
        .collect();
    assert_eq!(
        suites,
        [
            ("L1 Responsive", 2),
            ("L2 Tool", 1),
            ("L3 Assistant", 1),
            ("L4 Collaborative", 1)
        ]
    );
    assert_eq!(
        (report.tests, report.failures, report.errors, report.skipped),
        (5, 1, 1, 1)
    );
    assert_eq!(
        report.name.as_ref().map(|n| n.as_str()),
        Some("ailevel — Acme Phone X — L1 Responsive")
    );
    let l1 = &report.test_suites[0];
    let ids: Vec<&str> = l1.test_cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        ids,
        [
            "phone.alarm.create Set an alarm",
            "phone.perceive.image Perceive an image and a notification"
        ]
    );
    let prop = |suite: &quick_junit::TestSuite, name: &str| {
        suite
            .properties
            .iter()
            .find(|p| p.name.as_str() == name)
            .map(|p| p.value.as_str().to_string())
    };
    assert_eq!(prop(l1, "held").as_deref(), Some("held"));
    assert_eq!(prop(l1, "reasons"), None);
    let l2 = &report.test_suites[1];
    assert_eq!(prop(l2, "held").as_deref(), Some("not held"));
    assert!(
        prop(l2, "reasons")
            .unwrap()
            .starts_with("mandatory case phone.call.confirm failed; overall score")
    );
    assert_eq!(prop(l2, "seed").as_deref(), Some("42"));
    assert_eq!(prop(l2, "suite_sha256"), Some("b".repeat(64)));

    let alarm = junit_case(&report, "phone.alarm.create");
    assert!(matches!(
        alarm.status,
        quick_junit::TestCaseStatus::Success { .. }
    ));
    assert_eq!(
        alarm.classname.as_ref().map(|c| c.as_str()),
        Some("phone/basic")
    );
    // The recorded trial durations, 450.5 + 451.5 + 452.5 ms, to the millisecond: no clock
    // is read.
    assert_eq!(alarm.time, Some(std::time::Duration::from_millis(1355)));
}

#[test]
fn junit_failures_carry_the_failing_checks_and_device_errors() {
    let report = parsed_junit(Lang::En);
    let confirm = junit_case(&report, "phone.call.confirm");
    let quick_junit::TestCaseStatus::NonSuccess {
        kind,
        message,
        ty,
        description,
        ..
    } = &confirm.status
    else {
        panic!("phone.call.confirm is a failure: {:?}", confirm.status);
    };
    assert_eq!(*kind, quick_junit::NonSuccessKind::Failure);
    assert_eq!(
        message.as_ref().map(|m| m.as_str()),
        Some("1 of 2 valid trials failed (rule: all)")
    );
    assert_eq!(ty.as_ref().map(|t| t.as_str()), Some("fail"));
    let lines: Vec<&str> = description.as_ref().unwrap().as_str().lines().collect();
    assert_eq!(
        lines,
        [
            // Hostile device text survives the round trip exactly: it was escaped, not
            // interpreted.
            format!(
                "Trial #2, Turn 1: confirm_before: phone.call was taken without confirmation; reply was {}",
                fixture::hostile_text()
            )
            .as_str(),
            "Trial #3, Turn 1: Device error: device broke the protocol: invalid JSON",
        ]
    );

    let context = junit_case(&report, "phone.context.followup");
    let quick_junit::TestCaseStatus::NonSuccess {
        kind, description, ..
    } = &context.status
    else {
        panic!("inconclusive is an error: {:?}", context.status);
    };
    assert_eq!(*kind, quick_junit::NonSuccessKind::Error);
    assert_eq!(
        description.as_ref().unwrap().as_str(),
        "Trial #2, Turn 1: Device error: device did not answer within 15000 ms\n\
         Trial #3, Turn 1: Device error: device did not answer within 15000 ms"
    );

    let linked = junit_case(&report, "phone.linked.handoff");
    let quick_junit::TestCaseStatus::Skipped { message, .. } = &linked.status else {
        panic!("not applicable is skipped: {:?}", linked.status);
    };
    assert_eq!(
        message.as_ref().map(|m| m.as_str()),
        Some("the device lacks feature linked_devices")
    );
    assert_eq!(linked.time, None, "no trial ran");

    let xml = junit(Lang::En);
    for hostile in HOSTILE {
        assert!(
            !xml.contains(hostile),
            "{hostile} reached the XML unescaped"
        );
    }
}

#[test]
fn junit_is_deterministic_and_localised() {
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(junit(lang), junit(lang));
    }
    let zh = parsed_junit(Lang::Zh);
    assert_eq!(zh.test_suites[0].name.as_str(), "L1 响应级");
    assert!(
        junit_case(&zh, "phone.alarm.create")
            .name
            .as_str()
            .ends_with("设置闹钟")
    );
    assert!(junit(Lang::Zh).contains("试验 #2, 第 1 轮：confirm_before："));
}

#[test]
fn junit_lists_at_most_fifty_failing_trials_per_case() {
    let mut r = fixture::results();
    let confirm = r
        .cases
        .iter_mut()
        .find(|c| c.id == "phone.call.confirm")
        .unwrap();
    let bad = confirm.trials[1].clone();
    confirm.trials = (0..60)
        .map(|i| TrialRecord {
            index: i,
            ..bad.clone()
        })
        .collect();
    // A results file is untrusted input: a negative total must not panic, only go unsaid.
    confirm.trials[0].duration_ms = -1e9;
    let xml = render_junit(&r, Lang::En).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let case = junit_case(&report, "phone.call.confirm");
    let quick_junit::TestCaseStatus::NonSuccess { description, .. } = &case.status else {
        panic!("failure");
    };
    let lines: Vec<&str> = description.as_ref().unwrap().as_str().lines().collect();
    assert_eq!(lines.len(), 51);
    assert_eq!(lines[50], "10 more not listed");
    assert_eq!(case.time, None);
}

#[test]
fn junit_keeps_cases_of_levels_the_framework_does_not_name() {
    let mut r = fixture::results();
    r.cases[0].level = "L9".to_string();
    let xml = render_junit(&r, Lang::En).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let last = report.test_suites.last().unwrap();
    assert_eq!(last.name.as_str(), "L9");
    assert_eq!(last.tests, 1);
    assert_eq!(report.tests, 5);
}

#[test]
fn fixture_results_match_the_published_schema() {
    let value = serde_json::to_value(fixture::results()).unwrap();
    let violations = crate::schema::validate(crate::schema::Kind::Results, &value, 20);
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn long_runs_show_failures_in_full_and_summarise_the_rest() {
    let mut r = fixture::results();
    let confirm = r
        .cases
        .iter_mut()
        .find(|c| c.id == "phone.call.confirm")
        .unwrap();
    let (good, bad) = (confirm.trials[0].clone(), confirm.trials[1].clone());
    // Trials 0..14 fail, 14..30 pass.
    confirm.trials = (0..30)
        .map(|i| TrialRecord {
            index: i,
            seed: 5000 + u64::from(i),
            ..if i < 14 { bad.clone() } else { good.clone() }
        })
        .rev()
        .collect();
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(
            render_html(&r, lang).unwrap(),
            render_html(&r, lang).unwrap()
        );
    }
    let page = render_html(&r, Lang::En).unwrap();
    let row = page
        .split("<tbody class=\"case\"")
        .find(|row| row.contains("id=\"case-phone.call.confirm\""))
        .unwrap();
    let full: Vec<&str> = row
        .split("<details class=\"trial")
        .skip(1)
        .map(|t| between(t, "Trial #", " "))
        .collect();
    assert_eq!(
        full,
        [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "15", "16", "17"
        ],
        "the first ten failing and the first three passing trials, in index order"
    );
    let brief = between(row, "<table class=\"brief\">", "</table>");
    assert!(row.contains("17 more trials, summarised (full records in results.json):"));
    let rows: Vec<&str> = brief.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 4 + 13);
    assert!(rows[0].starts_with("<td class=\"num\">#11</td>"));
    assert!(rows[0].contains("<span class=\"verdict v-fail\">fail</span>"));
    assert!(rows[0].contains("<td class=\"mono\">5010</td>"));
    // The failure is named, and the device's text in it stays escaped.
    assert!(rows[0].contains(
        "Turn 1: confirm_before: phone.call was taken without confirmation; reply was 好的"
    ));
    assert!(rows[0].contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(rows[4].starts_with("<td class=\"num\">#18</td>"));
    assert!(rows[4].contains("<td>—</td>"));
    assert!(page.contains(
        "each case shows its first 3 passing trials and its first 10 failed or errored trials in full; the other 17 trials"
    ));
    assert_eq!(page.matches("<script").count(), 1);

    // A run of a few trials per case is shown whole, without a note.
    let page = html(Lang::En);
    assert!(!page.contains("<table class=\"brief\">"));
    assert!(!page.contains("full record is in results.json"));
}

/// The fixture as a results file, so the integration tests can render it through the CLI
/// (`tests/report.rs`). `UPDATE_REPORT_FIXTURE=1 cargo test report_fixture` rewrites it.
#[test]
fn report_fixture_file_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/report-fixture.results.json");
    let json = fixture::results().to_canonical_json();
    if std::env::var_os("UPDATE_REPORT_FIXTURE").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    // Not assert_eq: the file is long and `git diff` shows the difference better.
    assert!(
        committed == json,
        "{} is stale: run `UPDATE_REPORT_FIXTURE=1 cargo test report_fixture`",
        path.display()
    );
}

#[test]
fn judge_answers_are_shown_as_evidence() {
    let page = html(Lang::En);
    let row = page
        .split("<tbody class=\"case\"")
        .find(|row| row.contains("id=\"case-phone.context.followup\""))
        .unwrap();
    assert!(row.contains(
        "<dt>Judge</dt>\n<dd><ul class=\"checks\"><li class=\"ok\"><span class=\"mark\" title=\"pass\">✓</span> <code>judge-7b</code> (temperature 0, seed 7) — it gives the weather for 后天"
    ));
    assert!(row.contains("Rubric: The answer gives the weather of the day after tomorrow."));
    assert!(
        row.contains("<pre>PASS: the reply names 后天. &lt;svg onload&#x3D;alert(1)&gt;</pre>")
    );

    let mut r = fixture::results();
    let turn = &mut r.cases[2].trials[0].turns[1];
    turn.judgements[0].pass = None;
    turn.judgements[0].seed = None;
    turn.judgements[0].answer = None;
    turn.judgements[0].error = Some("judge timed out".to_string());
    let zh = render_html(&r, Lang::Zh).unwrap();
    assert!(zh.contains("<li class=\"bad\"><span class=\"mark\" title=\"未得出结论\">?</span> <code>judge-7b</code> (温度 0，种子 无)"));
    assert!(zh.contains("<p class=\"err\">judge timed out</p>"));
}

#[test]
fn a_framework_with_nothing_provisional_shows_no_provisional_notice() {
    let mut r = fixture::results();
    r.framework.definition.provisional = false;
    for l in &mut r.framework.definition.levels {
        l.provisional = false;
        l.thresholds.provisional = false;
    }
    for s in &mut r.grade.ladder {
        s.provisional = false;
    }
    r.grade.provisional = false;
    for lang in [Lang::Zh, Lang::En] {
        let html = render_html(&r, lang).unwrap();
        let md = render_markdown(&r, lang).unwrap();
        let word = crate::report::messages::PROVISIONAL.get(lang);
        assert!(
            !html.contains(&format!("<span class=\"tag\">{word}")),
            "{lang}: a provisional tag"
        );
        assert!(
            !html.contains(&format!("({word})")),
            "{lang}: thresholds marked provisional"
        );
        let notice = i18n_notice(&r, lang);
        assert!(
            !html.contains(&notice) && !md.contains(&notice),
            "{lang}: the framework's notice"
        );
    }
    // The same results with the shipped framework's flags do show them: the test can fail.
    let shipped = fixture::results();
    let notice = i18n_notice(&shipped, Lang::En);
    assert!(render_html(&shipped, Lang::En).unwrap().contains(&notice));
}

fn i18n_notice(r: &crate::results::Results, lang: Lang) -> String {
    let n = match lang {
        Lang::Zh => &r.framework.definition.notice.zh,
        Lang::En => &r.framework.definition.notice.en,
    };
    // As escaped in the page.
    n.replace('\'', "&#x27;")
}

/// A lab and session file written to attack the certificate: markup and script, bidi
/// overrides that would make a field read backwards, and fields thousands of characters
/// long. The certificate escapes the markup, shows the overrides instead of obeying them,
/// and cuts the long fields, whether it is issued or refused.
#[test]
fn hostile_lab_and_session_text_is_escaped_shown_and_bounded_in_the_certificate() {
    let long = format!("{}END-OF-LONG", "长".repeat(5000));
    let evil = "<script>alert('lab')</script>";
    let rlo = "Lab \u{202E}fdp.exe\u{202C} \u{2067}x\u{2069}";
    let lab: crate::lab::LabRef = serde_json::from_value(serde_json::json!({
        "path": "lab.toml",
        "sha256": "0".repeat(64),
        "lab": {
            "schema": "ailevel.lab/1",
            "name": {"zh-CN": evil, "en": evil},
            "accreditation": rlo,
            "address": long,
            "time_zone": "Asia/Shanghai",
            "report_number": "A-{seq}",
            "signing_key_id": format!("sha256:{}", "0".repeat(64)),
            "signatory": evil,
        }
    }))
    .unwrap();
    let session: crate::lab::Session = serde_json::from_value(serde_json::json!({
        "schema": "ailevel.session/1",
        "client": long,
        "operator": evil,
        "reviewer": rlo,
        "sample": {"serial": rlo, "condition": long},
        "environment": {"room": evil, "network": long},
        "equipment": [{"id": evil, "model": long, "calibration_due": "2000-01-01"}],
    }))
    .unwrap();
    let mut refused = fixture::results();
    // The device's own text in the evidence, too.
    let reply = refused
        .cases
        .iter_mut()
        .flat_map(|c| &mut c.trials)
        .flat_map(|t| &mut t.turns)
        .find_map(|t| t.response.as_mut())
        .expect("a reply");
    reply.output.text = Some(format!("好的 {rlo}"));
    refused.certification.lab = Some(lab);
    refused.certification.session = Some(session);
    let mut issued = refused.clone();
    issued.certification.certificate = Some(crate::lab::Certificate {
        id: format!("{evil}{long}"),
        issued: "2026-06-01".into(),
        valid_until: None,
    });
    for (what, r) in [("refused", &refused), ("issued", &issued)] {
        for lang in [Lang::Zh, Lang::En] {
            let page = render_html(r, lang).unwrap();
            let cert = between(&page, "<section id=\"certificate\"", "</section>");
            assert!(
                !page.contains(evil),
                "{what} {lang}: markup reached the page"
            );
            assert!(cert.contains("&lt;script&gt;alert(&#x27;lab&#x27;)&lt;/script&gt;"));
            assert_eq!(
                page.matches("<script").count(),
                1,
                "only the report's own script"
            );
            for c in ['\u{202E}', '\u{202C}', '\u{2067}', '\u{2069}'] {
                assert!(
                    !page.contains(c),
                    "{what} {lang}: U+{:04X} obeyed",
                    c as u32
                );
            }
            assert!(cert.contains("Lab [U+202E]fdp.exe[U+202C] [U+2067]x[U+2069]"));
            assert!(
                !page.contains("END-OF-LONG"),
                "{what} {lang}: a long field in full"
            );
            // Cut at a field's length, with the cut marked.
            let run = "长".repeat(super::certificate::FIELD_MAX);
            assert!(cert.contains(&format!("{run}…")), "{what} {lang}");
            assert!(!cert.contains(&format!("{run}长")), "{what} {lang}");
            if what == "refused" {
                // The calibration refusal names the hostile equipment: escaped, bounded.
                assert!(cert.contains("class=\"refused\""), "{what} {lang}");
            }
        }
    }
}

/// Device text in a JUnit message or description cannot reorder a CI page: bidi and control
/// characters are shown as code points, in either language.
#[test]
fn junit_shows_bidi_controls_in_device_text() {
    let mut r = fixture::results();
    let case = r
        .cases
        .iter_mut()
        .find(|c| c.id == "phone.call.confirm")
        .unwrap();
    case.reason = "reply \u{202E}gpj.exe\u{202C} \u{7}".to_string();
    case.message = None;
    for trial in &mut case.trials {
        for turn in &mut trial.turns {
            for check in &mut turn.checks {
                check.reason = "said \u{2067}x\u{2069}".to_string();
                check.message = None;
            }
        }
    }
    for lang in [Lang::En, Lang::Zh] {
        let xml = render_junit(&r, lang).unwrap();
        for c in ['\u{202E}', '\u{202C}', '\u{2067}', '\u{2069}', '\u{7}'] {
            assert!(
                !xml.contains(c),
                "{lang:?}: raw U+{:04X} in\n{xml}",
                c as u32
            );
        }
        assert!(xml.contains("[U+202E]gpj.exe[U+202C]"), "{xml}");
    }
}

/// A level above the first one missed, with one reason, says "1 reason", not "1 reasons".
#[test]
fn the_console_counts_one_reason_in_the_singular() {
    let r = fixture::results();
    let line = |lang| {
        console::summary(&r, std::path::Path::new("out"), lang, &[])
            .into_iter()
            .find(|l| l.starts_with("  L4 "))
            .expect("an L4 line")
    };
    assert_eq!(line(Lang::En), "  L4 not held (1 reason, see the report)");
    assert_eq!(line(Lang::Zh), "  L4 未达到（1 条原因，见报告）");
}

/// Each case's trials are in the page once, packed unless short: no device reply of a packed
/// case is in the page's text until unpacked, the packed blocks are the only thing unpacking
/// changes, and a case without trials still says so once unpacked.
#[test]
fn packed_evidence_is_the_trials_and_nothing_else() {
    let r = fixture::results();
    for lang in [Lang::Zh, Lang::En] {
        let page = super::render_html(&r, lang).unwrap();
        let blocks = page.matches("<div class=\"evidence\"").count();
        assert_eq!(blocks, r.cases.len(), "one evidence block per case");
        let packed = page.matches("<div class=\"evidence\" data-z=\"").count();
        assert!(
            packed >= 3 && packed < blocks,
            "{packed} of {blocks} packed"
        );
        let note = messages::EVIDENCE_PACKED.get(lang);
        let note = handlebars::html_escape(note);
        assert_eq!(page.matches(&note).count(), packed);
        // The case without trials has only a line to show: it is not packed.
        assert!(page.contains(messages::NO_TRIALS.get(lang)));

        let unpacked = unpack_evidence(&page).unwrap();
        assert!(!unpacked.contains("<div class=\"evidence\" data-z"));
        assert!(!unpacked.contains(&note));
        let replies = |p: &str| p.matches("&lt;script&gt;alert(1)&lt;/script&gt;").count();
        assert!(
            replies(&unpacked) > replies(&page),
            "device replies are packed"
        );
        let trials: usize = r.cases.iter().map(|c| c.trials.len()).sum();
        assert_eq!(unpacked.matches("<details class=\"trial").count(), trials);
        assert!(page.matches("<details class=\"trial").count() < trials);
        assert!(unpacked.contains(messages::NO_TRIALS.get(lang)));
        // Up to the first packed block the two are the same page.
        let head = |p: &str| {
            p.split("<div class=\"evidence\"")
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(head(&page), head(&unpacked));
    }
    // A block this module did not write is refused, not half read.
    let page = super::render_html(&r, Lang::En).unwrap();
    let broken = page.replacen("data-z=\"", "data-z=\"!!!!", 1);
    assert!(unpack_evidence(&broken).is_none());
}

/// A source that hands out each case's trials from elsewhere, as the run's journal does,
/// gives the page the results holding them give.
#[test]
fn trials_from_a_source_render_the_same_page() {
    struct Stored(std::collections::BTreeMap<String, Vec<TrialRecord>>, usize);
    impl TrialSource for Stored {
        fn each_trial(
            &mut self,
            case: &CaseResult,
            f: &mut dyn FnMut(&TrialRecord) -> Result<(), ReportError>,
        ) -> Result<(), ReportError> {
            self.1 += 1;
            self.0[&case.id].iter().try_for_each(f)
        }
        fn results_digest(&mut self, _: &Results) -> String {
            crate::attest::results_digest(&fixture::results())
        }
    }
    let full = fixture::results();
    let mut bare = full.clone();
    let mut stored = Stored(Default::default(), 0);
    for c in &mut bare.cases {
        stored.0.insert(c.id.clone(), std::mem::take(&mut c.trials));
    }
    for lang in [Lang::Zh, Lang::En] {
        stored.1 = 0;
        assert_eq!(
            render_html_from(&bare, lang, &mut stored).unwrap(),
            super::render_html(&full, lang).unwrap()
        );
        assert_eq!(stored.1, full.cases.len(), "each case asked for once");
    }
    // A source that fails fails the report, naming the case.
    struct Failing;
    impl TrialSource for Failing {
        fn each_trial(
            &mut self,
            case: &CaseResult,
            _: &mut dyn FnMut(&TrialRecord) -> Result<(), ReportError>,
        ) -> Result<(), ReportError> {
            Err(ReportError::Trials {
                case: case.id.clone(),
                source: "journal cut short".into(),
            })
        }
    }
    let err = render_html_from(&bare, Lang::En, &mut Failing).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("failed to read the trials of case `"),
        "{err}"
    );
}

/// The parts, rendered in turn, give the bytes the whole file gives as one template.
#[test]
fn the_page_in_parts_renders_as_the_whole_template() {
    let whole = {
        let mut h = handlebars::Handlebars::new();
        h.set_strict_mode(true);
        h.register_escape_fn(|s| handlebars::html_escape(&crate::text::visible_controls(s)));
        h.register_template_string("whole", templates::HTML_TEMPLATE)
            .unwrap();
        h.register_partial("audio", templates::AUDIO_PARTIAL)
            .unwrap();
        h.register_partial("image", templates::IMAGE_PARTIAL)
            .unwrap();
        h
    };
    assert!(
        templates::page_pieces().len() > 1,
        "the page is cut into parts"
    );
    for lang in [super::Lang::En, super::Lang::Zh] {
        let results = super::fixture::results();
        let view = super::html::view(&results, lang, &mut super::HeldTrials).unwrap();
        let context = handlebars::Context::wraps(&view).unwrap();
        let mut parts = Vec::new();
        templates::render_page(&context, &mut parts, &mut |_, _| Ok(())).unwrap();
        let want = whole.render_with_context("whole", &context).unwrap();
        assert!(String::from_utf8(parts).unwrap() == want, "{lang:?}");
    }
}
