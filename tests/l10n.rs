//! The zh-CN reports and console say everything in Chinese: a real run of the reference L1
//! phone over the whole phone suite (passes, failures, not-applicable cases, a missed
//! declared level) is rendered in zh-CN, and no English sentence of the harness may appear
//! in the HTML report, the JUnit file, the Markdown summary or the console summary. Device
//! and suite text of that run is Chinese or bare identifiers, so anything English that is
//! left came from the harness.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Three or more English words in a row: a sentence or a phrase, not an identifier.
fn english_runs(text: &str) -> Vec<String> {
    let re = Regex::new(r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:()/]+[A-Za-z][A-Za-z'’-]*){2,}").unwrap();
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

/// The text a reader sees in an HTML or XML page: no style, script, drawings or tags, and
/// the entities that can stand for punctuation decoded.
fn visible_text(html: &str) -> String {
    let html = Regex::new(r"(?s)<style.*?</style>|<script.*?</script>|<svg.*?</svg>")
        .unwrap()
        .replace_all(html, " ");
    let text = Regex::new(r"(?s)<[^>]*>")
        .unwrap()
        .replace_all(&html, "\n")
        .into_owned();
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every string of the results that the harness did not write: suite text, the framework,
/// the device's identity and answers, file names. English found in the reports is allowed
/// when it is quoted from here.
fn corpus(results: &Value) -> String {
    fn walk(v: &Value, key: &str, out: &mut String) {
        const HARNESS: &[&str] = &["reason", "reasons", "message", "messages", "abort_reason"];
        if HARNESS.contains(&key) {
            return;
        }
        match v {
            Value::String(s) => {
                out.push_str(&s.to_lowercase());
                out.push('\n');
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, k, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(results, "", &mut out);
    // Reports name the product as vendor and model together.
    let d = &results["device"];
    out.push_str(
        &format!(
            "{} {}",
            d["vendor"].as_str().unwrap_or(""),
            d["model"].as_str().unwrap_or("")
        )
        .to_lowercase(),
    );
    out
}

/// Text that is English by nature in any language: the tool's and the protocol's names.
fn allowed(run: &str, corpus: &str) -> bool {
    const NAMES: &[&str] = &[
        "GB/Z",
        "ailevel",
        "needs_confirmation",
        "served_by",
        "PROFILE",
    ];
    let words: Vec<&str> = run
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '/')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().all(|w| NAMES.contains(w) || w.len() <= 1) || corpus.contains(&run.to_lowercase())
}

fn leaks(what: &str, text: &str, corpus: &str) -> Vec<String> {
    english_runs(text)
        .into_iter()
        .filter(|r| !allowed(r, corpus))
        .map(|r| format!("{what}: {r}"))
        .collect()
}

fn run_zh(out: &Path) -> String {
    let output = Command::cargo_bin("ailevel")
        .unwrap()
        .current_dir(root())
        .env("LC_ALL", "zh_CN.UTF-8")
        .args([
            "run",
            "--device",
            "devices/sim/phone-l1.toml",
            "--trials",
            "1",
        ])
        .args(["--seed", "7", "--lang", "zh-CN"])
        // A lab run with no session: the certificate is refused, and the reasons are
        // sentences of the harness too.
        .args(["--certify", "--lab", "labs/example-lab.toml"])
        .env_remove("AILEVEL_LAB")
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn zh_cn_reports_and_console_carry_no_english_sentence_of_the_harness() {
    let dir = tempfile::tempdir().unwrap();
    let console = run_zh(dir.path());
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    // Every case's trials too, which the page carries packed until a case is opened.
    let html = ailevel::report::unpack_evidence(&read("report.html")).expect("evidence unpacks");
    assert!(html.contains("lang=\"zh-CN\""));
    let results: Value = serde_json::from_str(&read("results.json")).unwrap();
    let corpus = corpus(&results);
    let mut found = Vec::new();
    found.extend(leaks("report.html", &visible_text(&html), &corpus));
    found.extend(leaks("summary.md", &read("summary.md"), &corpus));
    found.extend(leaks(
        "junit.xml",
        &visible_text(&read("junit.xml")),
        &corpus,
    ));
    found.extend(leaks("console", &console, &corpus));
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "{} English runs in zh-CN output:\n{}",
        found.len(),
        found.join("\n")
    );
    // The run had something to say: failures and not-applicable cases, in Chinese.
    assert!(console.contains("未达到"), "{console}");
    assert!(html.contains("必测用例"), "ladder reasons in Chinese");
    assert!(console.contains("未提供检验记录文件"), "{console}");
    assert!(
        html.contains("未提供检验记录文件"),
        "refusals in the report"
    );
}

#[test]
fn the_detector_finds_an_english_sentence() {
    assert_eq!(
        leaks("x", "等级 L2 未达到：mandatory case a.b failed", ""),
        vec!["x: mandatory case a"]
    );
    assert!(leaks("x", "执行 `alarm.create` 前请求了确认 GB/Z 177", "").is_empty());
    assert!(leaks("x", "回复包含“Nice to meet you”", "nice to meet you\n").is_empty());
}
