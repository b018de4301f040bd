//! The HTML report in a real browser (Debian's headless `chromium`): a report made from a
//! device that answered with script, event-handler, `javascript:` and SVG payloads — in its
//! replies, action arguments and targets, state, error evidence and reported model name, and in
//! a case title — runs none of them, while the report's own hashed script still runs under the
//! Content-Security-Policy. A screenshot of the page is kept under `target/tmp/browser/`.
//!
//! `scripts/test.sh` installs chromium when it is missing. With `CI` set, a missing chromium
//! fails the test; elsewhere the test says so and returns.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use ailevel::device::protocol::{Action, Info, Output, ServedBy};
use ailevel::device::{Adapter, Control, DeviceError, Input, SessionId, SessionRequest, Turn};
use ailevel::report::{Format, Lang};
use ailevel::run::{ProfileMeta, RunOptions};
use async_trait::async_trait;
use serde_json::json;

/// Each would set the page title to "pwned" if the browser ran it.
const SCRIPT: &str = "<script>document.title='pwned'</script>";
const IMG: &str = "<img src=x onerror=\"document.title='pwned'\">";
const LINK: &str = "<a href=\"javascript:document.title='pwned'\">click</a>";
const SVG: &str = "<svg onload=\"document.title='pwned'\"><circle r=\"9\"/></svg>";
const IFRAME: &str = "<iframe srcdoc=\"<script>parent.document.title='pwned'</script>\"></iframe>";
const CLOSERS: &str =
    "</pre></dd></dl></details></td></tr></tbody></table><body onload=\"document.title='pwned'\">";
const PAYLOADS: [&str; 6] = [SCRIPT, IMG, LINK, SVG, IFRAME, CLOSERS];

/// How long one chromium run may take before it is killed and the test fails.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);

/// A device that answers every turn with all the payloads, and breaks the protocol on a turn
/// that says "坏", quoting a payload as its evidence.
struct Hostile {
    sessions: AtomicU32,
}

#[async_trait]
impl Adapter for Hostile {
    async fn info(&self) -> Result<Info, DeviceError> {
        Ok(Info {
            protocol: "atp/1".into(),
            vendor: "Hostile".into(),
            model: IMG.into(),
            category: "phone".into(),
            firmware: SVG.into(),
            features: vec![],
            model_info: None,
            // Identity fields reach the certificate's identity table.
            build_fingerprint: Some(IMG.into()),
            serial: Some(SVG.into()),
        })
    }
    async fn open_session(&self, _: &SessionRequest) -> Result<SessionId, DeviceError> {
        Ok(SessionId(
            self.sessions.fetch_add(1, Ordering::SeqCst).to_string(),
        ))
    }
    async fn turn(&self, _: &SessionId, input: &Input) -> Result<Turn, DeviceError> {
        if input.text.as_deref().unwrap_or_default().contains('坏') {
            return Err(DeviceError::Protocol {
                message: format!("invalid JSON {SCRIPT}"),
                evidence: Some(IFRAME.into()),
            });
        }
        let args = json!({ "contact": SCRIPT, "body": IMG, "link": LINK });
        Ok(Turn {
            output: Output {
                text: Some(format!("好的 {}", PAYLOADS.join("\n"))),
                // Not base64: must be described, never placed in a `src`.
                speech_b64: Some(format!("\">{SCRIPT}")),
            },
            actions: vec![Action {
                name: "message.send".into(),
                args: args.as_object().cloned().unwrap_or_default(),
                target: Some(SVG.into()),
            }],
            needs_confirmation: Some(false),
            served_by: Some(ServedBy::Cloud),
            timing: None,
        })
    }
    async fn state(&self, _: &SessionId) -> Result<serde_json::Value, DeviceError> {
        Ok(json!({ "note": IFRAME, "html": SCRIPT }))
    }
    async fn control(&self, _: &Control) -> Result<(), DeviceError> {
        Ok(())
    }
    async fn close(&self, _: &SessionId) -> Result<(), DeviceError> {
        Ok(())
    }
}

/// Two cases: one whose title carries a payload and whose check fails (so its trial opens
/// with the device's answer on show), one the device answers with a protocol error.
const CASES: &str = r#"schema: ailevel.suite/1
title: { zh-CN: 恶意输出, en: Hostile output }
category: phone
cases:
  - id: phone.hostile.title
    title:
      zh-CN: '标题 <iframe srcdoc="<script>parent.document.title=''pwned''</script>"></iframe>'
      en: 'Title <img src=x onerror="document.title=''pwned''"> <a href="javascript:document.title=''pwned''">x</a>'
    level: L1
    element: execution
    mandatory: true
    clause: "177.3 §5.2"
    turns:
      - input: { text: 给张三发短信 }
        expect:
          - confirm_before: message.send
          - not_contains: "<script>"
  - id: phone.hostile.error
    title: { zh-CN: 协议错误, en: Protocol error }
    level: L1
    element: perception
    mandatory: true
    clause: "177.3 §5.2"
    turns:
      - input: { text: 坏了 }
        expect: [ { contains: 好的 } ]
"#;

/// The one action the cases name, so the test does not depend on the shipped vocabulary.
const ACTIONS: &str = r#"schema: ailevel.actions/1
actions:
  - name: message.send
    description: { zh-CN: 发送短信, en: Send a message }
    args: { type: object }
"#;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the two cases against the hostile device and write report.html in `lang` to `out`.
fn hostile_report(out: &Path, lang: Lang) -> PathBuf {
    let suite_dir = out.join("suite");
    std::fs::create_dir_all(suite_dir.join("phone")).unwrap();
    std::fs::copy(
        root().join("suites/framework.yaml"),
        suite_dir.join("framework.yaml"),
    )
    .unwrap();
    std::fs::write(suite_dir.join("actions.yaml"), ACTIONS).unwrap();
    std::fs::write(suite_dir.join("phone/hostile.yaml"), CASES).unwrap();
    let suite = ailevel::suite::load_suite(&suite_dir, None).expect("the hostile suite loads");
    let (profile, sha) =
        ailevel::device::load_profile(&root().join("devices/sim/phone-l3.toml"), &suite.framework)
            .unwrap();
    let opts = RunOptions {
        trials_override: Some(2),
        turn_timeout: Duration::from_secs(5),
        retries: 0,
        device_seeds: ailevel::results::DeviceSeeds::Trial,
        ..RunOptions::new(
            1,
            ailevel::run::blind::Secret::from_hex(&"5e".repeat(32)).unwrap(),
        )
    };
    let meta = ProfileMeta {
        path: "devices/hostile.toml".into(),
        sha256: sha,
    };
    let adapter = Arc::new(Hostile {
        sessions: AtomicU32::new(0),
    });
    let results = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(ailevel::run::run(
            &suite, &profile, meta, adapter, opts, None,
        ))
        .expect("the run finishes");
    ailevel::commands::write_outputs(&results, out, lang, &[Format::Html]).unwrap();
    out.join("report.html")
}

/// The chromium to use, or `None` (after saying why) when it is missing outside CI.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed; scripts/install-test-deps.sh installs it"
        );
        eprintln!("notice: chromium is not installed, so the browser test did not run");
    }
    found
}

/// Run headless chromium on `page` (then `#fragment` when not empty) with `args`; its
/// standard output. Killed, with its whole process group, and failed if it takes longer than
/// [`CHROMIUM_TIMEOUT`].
fn run_chromium(chromium: &Path, page: &Path, fragment: &str, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Let timers and image errors fire before the DOM is dumped.
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}{fragment}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + CHROMIUM_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            // The group holds chromium's helper processes too; it is ours alone.
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!("chromium did not finish within {CHROMIUM_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = err.join().unwrap();
    assert!(status.success(), "chromium failed ({status}): {stderr}");
    out.join().unwrap().expect("chromium's output is UTF-8")
}

fn title(dom: &str) -> &str {
    let start = dom.find("<title>").expect("a <title>") + "<title>".len();
    &dom[start..start + dom[start..].find("</title>").expect("</title>")]
}

/// Every start tag of a serialised DOM, skipping the raw text of `<style>` and `<script>`:
/// in a serialisation every other `<` that is not a tag is written `&lt;`.
fn start_tags(dom: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = dom;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            rest = &rest[1..];
            continue;
        }
        // The tag ends at the first `>` outside a quoted attribute value.
        let mut quote = None;
        let end = rest
            .char_indices()
            .find(|&(_, c)| match (quote, c) {
                (None, '"' | '\'') => {
                    quote = Some(c);
                    false
                }
                (Some(q), c) if c == q => {
                    quote = None;
                    false
                }
                (None, '>') => true,
                _ => false,
            })
            .map(|(i, _)| i)
            .expect("tag closes");
        let tag = rest[..=end].to_string();
        rest = &rest[end + 1..];
        let name = tag_name(&tag);
        if name == "style" || name == "script" {
            let close = format!("</{name}>");
            rest = &rest[rest.find(&close).expect("raw text element closes")..];
        }
        tags.push(tag);
    }
    tags
}

fn tag_name(tag: &str) -> String {
    tag[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Attribute names of a start tag, outside quoted values.
fn attribute_names(tag: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = tag[1..tag.len() - 1].chars().peekable();
    // Skip the tag name.
    while chars.peek().is_some_and(|c| !c.is_whitespace()) {
        chars.next();
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '/') {
            chars.next();
        }
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            break;
        }
        names.push(name.to_ascii_lowercase());
        if chars.next_if_eq(&'=').is_some() {
            match chars.next() {
                Some(q @ ('"' | '\'')) => while chars.next().is_some_and(|c| c != q) {},
                _ => while chars.next_if(|c| !c.is_whitespace()).is_some() {},
            }
        }
    }
    names
}

/// The checks on a dumped DOM: the title is the report's, no payload became an element or an
/// attribute, and the report's own script ran.
fn assert_inert(dom: &str, expected_title: &str) {
    assert_eq!(title(dom), expected_title, "the page title changed");
    assert!(!title(dom).contains("pwned"));
    let allowed = [
        "html", "head", "meta", "title", "style", "body", "header", "p", "div", "span", "b", "nav",
        "a", "main", "section", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th",
        "td", "details", "summary", "ul", "li", "colgroup", "col", "br", "svg", "rect", "line",
        "text", "title", "form", "label", "select", "option", "input", "button", "output", "pre",
        "code", "dl", "dt", "dd", "audio", "img", "footer", "script", "path",
    ];
    let tags = start_tags(dom);
    assert!(tags.len() > 100, "{} tags: is this the report?", tags.len());
    let mut scripts = 0;
    for tag in &tags {
        let name = tag_name(tag);
        assert!(allowed.contains(&name.as_str()), "injected element {tag}");
        scripts += usize::from(name == "script");
        for attr in attribute_names(tag) {
            assert!(!attr.starts_with("on"), "event handler in {tag}");
            assert!(attr != "srcdoc", "{tag}");
        }
        assert!(!tag.contains("javascript:"), "javascript: URL in {tag}");
        if name == "img" {
            assert!(tag.contains("src=\"data:image/"), "{tag}");
        }
        if name == "svg" {
            assert!(
                tag.contains("class=\""),
                "only the report's own charts: {tag}"
            );
        }
    }
    assert_eq!(scripts, 1, "only the report's own script");
    // The payloads are on the page as text, which is what the reader must see.
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(dom.contains("&lt;iframe srcdoc="));
    // The report's script ran, allowed by its CSP hash: it reveals the filter form and counts
    // the cases. So scripts do run on this page, only not the device's.
    assert!(
        dom.contains("<form id=\"filters\" class=\"filters\">"),
        "filters stayed hidden"
    );
    assert!(dom.contains("<output id=\"filter-count\">2 / 2</output>"));
}

#[test]
fn hostile_device_output_runs_no_script_in_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    // A control: the same kind of payload, live on a page without escaping or CSP, does
    // change the title, so an unchanged title below means something.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        format!(
            "<!DOCTYPE html><html><head><title>control</title></head><body>{IMG}</body></html>"
        ),
    )
    .unwrap();
    let dom = run_chromium(&chromium, &control, "", &["--dump-dom".into()]);
    assert_eq!(title(&dom), "pwned", "chromium ran no script at all: {dom}");

    let dump = ["--dump-dom".to_string()];
    for lang in [Lang::En, Lang::Zh] {
        let out = dir.path().join(lang.as_str());
        let page = hostile_report(&out, lang);
        let html = std::fs::read_to_string(&page).unwrap();
        // Opened at a case, the page unpacks that case's trials: the device's reply and its
        // protocol error are on show, as text.
        let dom = run_chromium(&chromium, &page, "#case-phone.hostile.title", &dump);
        assert_inert(&dom, title(&html));
        let opened = dom
            .split("<tbody class=\"case\"")
            .find(|c| c.contains("id=\"case-phone.hostile.title\""))
            .expect("the opened case");
        assert!(!opened.contains("data-z="), "its trials stayed packed");
        assert_eq!(
            opened
                .matches("<details class=\"trial o-fail\" open=\"\">")
                .count(),
            2
        );
        assert!(opened.contains("<pre>好的 &lt;script&gt;document.title='pwned'&lt;/script&gt;"));
        let dom = run_chromium(&chromium, &page, "#case-phone.hostile.error", &dump);
        assert_inert(&dom, title(&html));
        assert!(dom.contains("invalid JSON &lt;script&gt;document.title='pwned'&lt;/script&gt;"));
        // A case nobody opened keeps its trials packed.
        let closed = dom
            .split("<tbody class=\"case\"")
            .find(|c| c.contains("id=\"case-phone.hostile.title\""))
            .expect("the other case");
        assert!(
            closed.contains("<div class=\"evidence\" data-z=\""),
            "{closed}"
        );
        assert!(!closed.contains("<details class=\"trial"));
    }
}

#[test]
fn report_screenshot_in_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = hostile_report(dir.path(), Lang::En);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    let png = shots.join("report.png");
    let _ = std::fs::remove_file(&png);
    run_chromium(
        &chromium,
        &page,
        "#case-phone.hostile.title",
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".into(),
            "--hide-scrollbars".into(),
        ],
    );
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    println!("screenshot: {}", png.display());
}
