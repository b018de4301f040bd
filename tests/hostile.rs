//! Hostile input, end to end through the real binary: files that never end, devices that
//! answer too much, profiles holding secrets, tampered results, device text aimed at the
//! places reports are pasted. Each test is one finding of issue 9.

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ailevel() -> Command {
    let mut c = Command::cargo_bin("ailevel").expect("binary built");
    c.current_dir(root());
    // A file read without a limit would run until memory is gone; the limit ends it at once.
    c.timeout(Duration::from_secs(60));
    c
}

/// Endless inputs (`/dev/zero`) are refused at once, naming the file, with exit 2.
#[cfg(unix)]
#[test]
fn endless_input_files_are_refused_naming_the_file() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    // `validate` picks a file's kind by its name.
    let zero_toml = out.path().join("zero.toml");
    let zero_yaml = out.path().join("zero.yaml");
    std::os::unix::fs::symlink("/dev/zero", &zero_toml).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &zero_yaml).unwrap();
    let (zt, zy) = (zero_toml.to_str().unwrap(), zero_yaml.to_str().unwrap());
    let commands: [&[&str]; 6] = [
        &["run", "--quiet", "--device", "/dev/zero", "--out", o],
        &["validate", zt],
        &["validate", zy],
        &["run", "--quiet", "--device", zt, "--out", o],
        &["regrade", "/dev/zero", "--out", o],
        &["report", "/dev/zero", "--out", o],
    ];
    for args in commands {
        let o = ailevel().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("zero") && stderr.contains("not a regular file"),
            "{args:?}: {stderr}"
        );
    }
}

/// A one-case suite in `dir`: say 好, expect 好 back.
fn tiny_suite(dir: &std::path::Path) {
    for f in ["framework.yaml", "actions.yaml"] {
        std::fs::copy(root().join("suites").join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("cases.yaml"),
        "schema: ailevel.suite/1\ntitle: { zh-CN: 测, en: T }\ncategory: common\ncases:\n  - id: c.hello\n    title: { zh-CN: 测, en: T }\n    level: L1\n    element: execution\n    mandatory: true\n    clause: \"177.2 §9\"\n    turns:\n      - input: { text: 你好 }\n        expect:\n          - contains: [好]\n",
    )
    .unwrap();
}

/// An ATP/1 device on a loopback port whose every turn answers `turn` (bytes); it lives as
/// long as the returned runtime.
fn device_answering(turn: Vec<u8>) -> (tokio::runtime::Runtime, String) {
    use axum::routing::{delete, get, post};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let turn = axum::body::Bytes::from(turn);
    let app = axum::Router::new()
        .route(
            "/atp/v1/info",
            get(|| async {
                axum::Json(
                    serde_json::json!({"protocol": "atp/1", "vendor": "v", "model": "m",
                    "category": "phone", "firmware": "1", "features": []}),
                )
            }),
        )
        .route(
            "/atp/v1/sessions",
            post(|| async {
                (
                    axum::http::StatusCode::CREATED,
                    axum::Json(serde_json::json!({"session": "s1"})),
                )
            }),
        )
        .route(
            "/atp/v1/sessions/{id}/turns",
            post(move || {
                let turn = turn.clone();
                async move { ([("content-type", "application/json")], turn) }
            }),
        )
        .route(
            "/atp/v1/sessions/{id}",
            delete(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .route(
            "/atp/v1/control",
            post(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (rt, url)
}

fn atp_profile(dir: &std::path::Path, url: &str) -> PathBuf {
    let p = dir.join("device.toml");
    std::fs::write(
        &p,
        format!("vendor = \"v\"\nmodel = \"m\"\ncategory = \"phone\"\nfirmware = \"1\"\nfeatures = [\"screen\", \"touch\", \"microphone\", \"speaker\", \"camera\", \"telephony\", \"messaging\", \"location\"]\n\n[adapter]\nkind = \"atp\"\nbase_url = \"{url}\"\n"),
    )
    .unwrap();
    p
}

/// 300,000 actions (about 13 MB, under the 16 MiB body cap) in every answer: each answer is
/// kept cut to the first 64 with a protocol finding, the trials never pass, the results stay
/// small and the answer adds under 64 MiB to the run's peak resident memory.
#[test]
fn an_answer_with_300000_actions_is_recorded_cut_and_never_passes() {
    let action = r#"{"name": "alarm.create", "args": {"time": "07:00"}},"#;
    let mut body = String::from(r#"{"output": {"text": "好"}, "actions": ["#);
    for _ in 0..300_000 {
        body.push_str(action);
    }
    body.pop();
    body.push_str("]}");
    assert!(body.len() > 13_000_000 && body.len() < 16 * 1024 * 1024);
    let small = r#"{"output": {"text": "好"}, "actions": [{"name": "alarm.create", "args": {"time": "07:00"}}]}"#;
    let (baseline_kib, _, _) = run_measured(small.as_bytes().to_vec());
    let (peak_kib, stderr, dir) = run_measured(body.into_bytes());
    let out = dir.path().join("out");
    eprintln!(
        "peak resident memory: {peak_kib} KiB with 300,000 actions, {baseline_kib} KiB with one"
    );
    if cfg!(target_os = "linux") {
        assert!(
            baseline_kib > 0 && peak_kib > 0,
            "no memory reading: {stderr}"
        );
        // The unoptimised binary alone keeps about 35 MiB resident; what the answer may add
        // is bounded, not the binary.
        assert!(
            peak_kib.saturating_sub(baseline_kib) < 64 * 1024,
            "the answer cost {} KiB, over 64 MiB",
            peak_kib - baseline_kib
        );
    }
    let text = std::fs::read_to_string(out.join("results.json"))
        .unwrap_or_else(|_| panic!("no results: {stderr}"));
    assert!(
        text.len() < 2_000_000,
        "results.json is {} bytes",
        text.len()
    );
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    let case = &r["cases"][0];
    assert_eq!(case["passed"], 0, "{}", case["trials"][0]);
    assert_ne!(case["verdict"], "pass");
    let turn = &case["trials"][0]["turns"][0];
    assert_eq!(turn["response"]["actions"].as_array().unwrap().len(), 64);
    let finding = turn["error"]["message"].as_str().unwrap_or_default();
    assert!(finding.contains("more than 64 actions"), "{turn}");
    let html = std::fs::metadata(out.join("report.html")).unwrap().len();
    assert!(html < 5_000_000, "report.html is {html} bytes");
}

/// A results file whose stored grade was edited (L4 written over the L2 its transcripts give)
/// and one whose case verdict was edited are refused by `report` with exit 2, naming what
/// disagrees, and nothing is rendered; the untouched file renders.
#[test]
fn report_refuses_a_stored_grade_or_verdict_the_transcripts_do_not_give() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    ailevel()
        .args([
            "run",
            "--quiet",
            "--device",
            "devices/sim/phone-l2.toml",
            "--out",
        ])
        .arg(&run)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(run.join("results.json")).unwrap();
    let honest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(honest["grade"]["level"], "L2");

    let mut graded_up = honest.clone();
    graded_up["grade"]["level"] = "L4".into();
    for rung in graded_up["grade"]["ladder"].as_array_mut().unwrap() {
        rung["held"] = true.into();
    }
    let mut verdict_up = honest.clone();
    let failed = verdict_up["cases"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["verdict"] == "fail")
        .unwrap();
    failed["verdict"] = "pass".into();
    let failed_id = failed["id"].as_str().unwrap().to_string();

    let cases: [(&str, serde_json::Value, Vec<String>); 2] = [
        (
            "grade",
            graded_up,
            vec![
                "grade: level stored L4, re-derived L2".into(),
                "grade: L3 stored held, re-derived not held".into(),
                "grade: L4 stored held, re-derived not held".into(),
            ],
        ),
        (
            "verdict",
            verdict_up,
            vec![format!(
                "case {failed_id}: verdict stored pass, re-derived fail"
            )],
        ),
    ];
    for (name, value, expected) in cases {
        let path = dir.path().join(format!("{name}.results.json"));
        std::fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
        let out = dir.path().join(format!("{name}-out"));
        let o = ailevel()
            .arg("report")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
        for line in &expected {
            assert!(
                stderr.contains(line.as_str()),
                "{name}: no `{line}` in {stderr}"
            );
        }
        assert!(stderr.contains("regrade"), "{stderr}");
        assert!(!out.join("report.html").exists(), "{name}: rendered anyway");
    }

    let out = dir.path().join("honest-out");
    ailevel()
        .arg("report")
        .arg(run.join("results.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("report.html").exists());
}

/// A token written into a profile, where only the name of its variable belongs, is never
/// printed: not by `validate`, `list`, `probe` or `run`, not for an ATP token, an OpenAI key,
/// a token pasted into `token_env` or a judge profile's key; the key holding it is named.
#[test]
fn a_literal_secret_in_a_profile_never_appears_in_an_error() {
    const SECRET: &str = "sk-LEAK-Zq9x7Wv2";
    let dir = tempfile::tempdir().unwrap();
    let head = "vendor = \"v\"\nmodel = \"m\"\ncategory = \"phone\"\nfirmware = \"1\"\nfeatures = []\n\n[adapter]\n";
    let profiles: [(&str, String, Option<&str>); 5] = [
        (
            "atp-token",
            format!(
                "{head}kind = \"atp\"\nbase_url = \"http://127.0.0.1:1\"\ntoken = \"{SECRET}\"\n"
            ),
            Some("`adapter.token` holds a secret"),
        ),
        (
            "openai-key",
            format!(
                "{head}kind = \"openai\"\nbase_url = \"http://127.0.0.1:1/v1\"\nmodel = \"x\"\napi_key = \"{SECRET}\"\n"
            ),
            Some("`adapter.api_key` holds a secret"),
        ),
        (
            "token-in-env",
            format!(
                "{head}kind = \"atp\"\nbase_url = \"http://127.0.0.1:1\"\ntoken_env = \"{SECRET}\"\n"
            ),
            Some("value of `adapter.token_env` not shown"),
        ),
        (
            "nested-headers",
            format!(
                "{head}kind = \"atp\"\nbase_url = \"http://127.0.0.1:1\"\n[adapter.headers]\nAuthorization = \"Bearer {SECRET}\"\n"
            ),
            Some("`adapter.headers.Authorization` holds a secret"),
        ),
        (
            "syntax-after-token",
            format!(
                "{head}kind = \"atp\"\nbase_url = \"http://127.0.0.1:1\"\ntoken = \"{SECRET}\n"
            ),
            None,
        ),
    ];
    for (name, text, says) in &profiles {
        let p = dir.path().join(format!("{name}.toml"));
        std::fs::write(&p, text).unwrap();
        let p = p.to_str().unwrap();
        let out = dir.path().join("out");
        let o = out.to_str().unwrap();
        let commands: [&[&str]; 4] = [
            &["validate", p],
            &["list", "--device", p],
            &["probe", "--device", p],
            &["run", "--quiet", "--device", p, "--out", o],
        ];
        for args in commands {
            let r = ailevel().args(args).output().unwrap();
            let (stdout, stderr) = (
                String::from_utf8_lossy(&r.stdout),
                String::from_utf8_lossy(&r.stderr),
            );
            assert_eq!(r.status.code(), Some(2), "{name} {args:?}: {stderr}");
            assert!(
                !stderr.contains("LEAK") && !stdout.contains("LEAK"),
                "{name} {args:?} printed the secret: {stderr}{stdout}"
            );
            if let Some(says) = says {
                assert!(stderr.contains(says), "{name} {args:?}: {stderr}");
            }
        }
    }
    let judge = dir.path().join("judge.toml");
    std::fs::write(
        &judge,
        format!("base_url = \"http://127.0.0.1:1/v1\"\nmodel = \"j\"\napi_key = \"{SECRET}\"\n"),
    )
    .unwrap();
    let r = ailevel()
        .args([
            "run",
            "--quiet",
            "--device",
            "devices/sim/phone-l1.toml",
            "--judge",
        ])
        .arg(&judge)
        .arg("--out")
        .arg(dir.path().join("judged"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("LEAK"), "{stderr}");
    assert!(stderr.contains("`api_key` holds a secret"), "{stderr}");
}

/// Device text bound for a pull-request comment (summary.md and the GitHub step summary) can
/// mention no one, emphasise nothing, link nowhere and inject no HTML; Chinese stays readable.
#[test]
fn device_text_in_markdown_mentions_links_and_emphasises_nothing() {
    let reply = "@everyone **bold** _it_ ~~gone~~ [x](http://evil) <img src=x onerror=alert(1)> 中文保持可读 see #1 www.evil.example";
    let body = serde_json::json!({"output": {"text": reply}, "actions": []});
    let (_rt, url) = device_answering(serde_json::to_vec(&body).unwrap());
    let dir = tempfile::tempdir().unwrap();
    tiny_suite(dir.path());
    let profile = atp_profile(dir.path(), &url);
    let out = dir.path().join("out");
    let step = dir.path().join("step-summary.md");
    let o = ailevel()
        .args(["run", "--quiet", "--lang", "en", "--suite"])
        .arg(dir.path())
        .arg("--device")
        .arg(&profile)
        .arg("--out")
        .arg(&out)
        .env("GITHUB_STEP_SUMMARY", &step)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let summary = std::fs::read_to_string(out.join("summary.md"))
        .unwrap_or_else(|_| panic!("no summary: {stderr}"));
    let step = std::fs::read_to_string(&step).unwrap();
    assert_eq!(
        step.trim_end(),
        summary.trim_end(),
        "the step summary is summary.md"
    );
    assert!(summary.contains("中文保持可读"), "{summary}");
    assert!(summary.contains("@\u{2060}everyone"), "{summary}");
    for raw in [
        "@everyone",
        "**bold**",
        " _it_",
        "~~gone~~",
        "http://",
        "<img",
        "#1",
        "www.evil",
    ] {
        assert!(!summary.contains(raw), "`{raw}` passed through:\n{summary}");
    }
    assert!(
        !summary.replace("\\]", "").contains("]("),
        "live link:\n{summary}"
    );
    assert!(summary.contains("\\*\\*bold\\*\\*"), "{summary}");
    assert!(
        summary.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{summary}"
    );
}

/// `run --trials 4` of the tiny suite against a device answering `turn`, with the kernel's
/// high-water mark of the run's resident memory (KiB), read until it exits: a reading is lost
/// only for growth in its last few milliseconds.
fn run_measured(turn: Vec<u8>) -> (u64, String, tempfile::TempDir) {
    let (_rt, url) = device_answering(turn);
    let dir = tempfile::tempdir().unwrap();
    tiny_suite(dir.path());
    let profile = atp_profile(dir.path(), &url);
    // AILEVEL_MEASURE_BIN measures another build (e.g. target/release/ailevel) the same way.
    let bin = std::env::var_os("AILEVEL_MEASURE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("ailevel"));
    let mut child = std::process::Command::new(bin)
        .current_dir(root())
        .args(["run", "--quiet", "--trials", "4", "--suite"])
        .arg(dir.path())
        .arg("--device")
        .arg(&profile)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "run did not end"
        );
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let o = child.wait_with_output().unwrap();
    (
        peak_kib,
        String::from_utf8_lossy(&o.stderr).into_owned(),
        dir,
    )
}
