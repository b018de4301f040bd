//! ATP/1 over HTTP, end to end: `ailevel sim serve` (the real binary, on a free loopback
//! port) driven by the `atp` adapter, honest and faulty; hostile answers from a scripted
//! server; `ailevel probe`; and the sim server's answers against the published schemas.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ailevel::device::protocol::{Input, SessionRequest};
use ailevel::device::{Adapter, ConnectOptions, DeviceError, Profile, SessionId};
use ailevel::suite::model::ActionVocabulary;
use common::*;
use serde_json::{Value, json};

const LEVELS: [&str; 3] = [
    "devices/sim/phone-l1.toml",
    "devices/sim/phone-l2.toml",
    "devices/sim/phone-l3.toml",
];

fn atp_adapter(url: &str, extra: &str) -> Arc<dyn Adapter> {
    let text = profile_like(
        LEVELS[2],
        &format!("kind = \"atp\"\nbase_url = \"{url}\"\n{extra}"),
    );
    let profile: Profile = toml::from_str(&text).unwrap();
    let vocabulary = ActionVocabulary {
        schema: "ailevel.actions/1".into(),
        actions: vec![],
    };
    let mut opts = ConnectOptions::new(1, vocabulary);
    opts.call_timeout = Duration::from_secs(5);
    ailevel::device::connect(&profile, &opts).unwrap()
}

fn text(s: &str) -> Input {
    Input {
        text: Some(s.into()),
        ..Input::default()
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn atp_against_the_served_simulator_gives_the_in_process_verdicts_and_grade() {
    let dir = tempfile::tempdir().unwrap();
    for sim in LEVELS {
        let server = SimServer::start(sim, &[]);
        let atp = server.profile(dir.path(), sim);
        let (_a, local, out_a) = run(&root().join(sim), &[]);
        let (_b, remote, out_b) = run(&atp, &[]);
        let (local, remote) = (must(local, &out_a), must(remote, &out_b));
        assert_eq!(verdicts(&local), verdicts(&remote), "{sim}");
        assert_eq!(local["grade"], remote["grade"], "{sim}");
        assert_eq!(remote["device"]["adapter"], "atp");
        assert_eq!(
            remote["device"]["adapter_settings"]["base_url"],
            format!("{}/", server.url)
        );
        assert_eq!(out_b.status.code(), Some(0));
    }
}

#[test]
fn twenty_percent_5xx_and_dropped_connections_with_retries_give_the_same_grade() {
    let dir = tempfile::tempdir().unwrap();
    let sim = LEVELS[2];
    let (_a, local, out_a) = run(&root().join(sim), &[]);
    let local = must(local, &out_a);
    let server = SimServer::start(
        sim,
        &[
            "--error-rate",
            "0.1",
            "--drop-rate",
            "0.1",
            "--fault-seed",
            "3",
        ],
    );
    let atp = server.profile(dir.path(), sim);
    // One trial at a time: the server draws faults by request number, so a fixed request
    // order makes the fault pattern, and so this test, deterministic.
    let (_b, remote, out_b) = run(
        &atp,
        &[
            "--retries",
            "8",
            "--retry-backoff-ms",
            "1",
            "--concurrency",
            "1",
        ],
    );
    let remote = must(remote, &out_b);
    assert_eq!(verdicts(&local), verdicts(&remote));
    assert_eq!(local["grade"]["level"], remote["grade"]["level"]);
    assert_eq!(remote["run"]["retries"], 8);
    let attempts: Vec<&Value> = remote["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["trials"].as_array().unwrap())
        .flat_map(|t| t["attempts"].as_array().into_iter().flatten())
        .collect();
    // Every retry is on record: idempotent calls repeated in place, and trials restarted
    // from scratch after a failed turn with the abandoned turns kept.
    assert!(
        attempts.iter().any(|a| a["restarted"] == false),
        "no in-place retry recorded"
    );
    let restarts: Vec<&&Value> = attempts.iter().filter(|a| a["restarted"] == true).collect();
    assert!(!restarts.is_empty(), "no restart recorded");
    assert!(
        restarts
            .iter()
            .all(|a| a["call"] == "turn" || a["turns"].as_array().is_none())
    );
    assert!(attempts.iter().all(|a| matches!(
        a["error"]["kind"].as_str(),
        Some("http" | "transport" | "timeout" | "unreachable")
    )));
}

#[test]
fn hanging_turns_time_out_and_their_cases_are_inconclusive() {
    let dir = tempfile::tempdir().unwrap();
    let sim = LEVELS[0];
    let server = SimServer::start(sim, &["--hang-rate", "1", "--fault-scope", "turns"]);
    let atp = server.profile(dir.path(), sim);
    let (out, results, output) = run(
        &atp,
        &[
            "--turn-timeout-ms",
            "300",
            "--retries",
            "0",
            "--concurrency",
            "16",
            "--require-level",
            "L1",
        ],
    );
    let r = must(results, &output);
    // Sessions open, so the device is alive: the run finishes, below the required level, but
    // only for want of evidence — every case is inconclusive — so incomplete (exit 5, README).
    assert_eq!(
        output.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(r["run"]["aborted"], false);
    assert!(
        verdicts(&r)
            .iter()
            .all(|(_, v)| v == "inconclusive" || v == "not_applicable")
    );
    let errors = trial_errors(&r);
    assert!(
        !errors.is_empty() && errors.iter().all(|k| k == "timeout"),
        "{errors:?}"
    );
    assert!(out.path().join("report.html").is_file());
}

#[test]
fn a_case_timeout_bounds_a_trial_and_all_its_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let sim = LEVELS[0];
    let server = SimServer::start(sim, &["--hang-rate", "1", "--fault-scope", "turns"]);
    let atp = server.profile(dir.path(), sim);
    let started = std::time::Instant::now();
    let (_out, results, output) = run(
        &atp,
        &[
            "--turn-timeout-ms",
            "10000",
            "--case-timeout-ms",
            "250",
            "--concurrency",
            "64",
        ],
    );
    let r = must(results, &output);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(r["run"]["case_timeout_ms"], 250);
    let errors = trial_errors(&r);
    assert!(errors.iter().all(|k| k == "timeout"), "{errors:?}");
}

#[test]
fn a_device_that_dies_mid_run_aborts_it_with_exit_3_and_results_written() {
    let dir = tempfile::tempdir().unwrap();
    let sim = LEVELS[2];
    let mut server = SimServer::start(sim, &["--die-after", "60"]);
    let atp = server.profile(dir.path(), sim);
    let (out, results, output) = run(&atp, &["--retry-backoff-ms", "5"]);
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let r = must(results, &output);
    assert_eq!(r["run"]["aborted"], true);
    assert!(
        r["run"]["abort_reason"]
            .as_str()
            .unwrap()
            .contains("consecutive trials")
    );
    let v = verdicts(&r);
    assert!(
        v.iter().any(|(_, v)| v == "pass"),
        "the cases before the death were graded"
    );
    assert!(
        v.iter().any(|(_, v)| v == "inconclusive"),
        "the rest are inconclusive"
    );
    assert!(out.path().join("report.html").is_file());
    assert!(out.path().join("trials.jsonl").is_file());
    assert!(server.exited());
}

#[test]
fn malformed_truncated_non_utf8_and_oversized_answers_are_protocol_errors_with_evidence() {
    let cases: [(&[&str], &str, &str); 4] = [
        (&["--malformed-rate", "1"], "", "not valid JSON"),
        (&["--truncate-rate", "1"], "", "not valid JSON"),
        (&["--bad-utf8-rate", "1"], "", "not UTF-8"),
        (
            &["--oversize-rate", "1", "--oversize-bytes", "1000000"],
            "max_response_bytes = 65536",
            "larger than the 65536-byte limit",
        ),
    ];
    let rt = rt();
    for (flags, extra, wanted) in cases {
        let mut args = flags.to_vec();
        args.extend(["--fault-scope", "turns"]);
        let server = SimServer::start(LEVELS[2], &args);
        let dev = atp_adapter(&server.url, extra);
        let err = rt.block_on(async {
            dev.info().await.expect("info is outside the fault scope");
            let s = dev.open_session(&SessionRequest::default()).await.unwrap();
            dev.turn(&s, &text("你好")).await.unwrap_err()
        });
        match err {
            DeviceError::Protocol { message, evidence } => {
                assert!(message.contains(wanted), "{flags:?}: {message}");
                let evidence = evidence.expect("the device's bytes are kept");
                assert!(
                    !evidence.is_empty() && evidence.len() <= 2048 + 64,
                    "{flags:?}: {} bytes",
                    evidence.len()
                );
            }
            other => panic!("{flags:?}: {other:?}"),
        }
    }
}

#[test]
fn the_default_size_cap_stops_a_20_mib_answer() {
    let server = SimServer::start(
        LEVELS[2],
        &["--oversize-rate", "1", "--fault-scope", "turns"],
    );
    let dev = atp_adapter(&server.url, "");
    let err = rt().block_on(async {
        let s = dev.open_session(&SessionRequest::default()).await.unwrap();
        dev.turn(&s, &text("你好")).await.unwrap_err()
    });
    assert!(
        matches!(&err, DeviceError::Protocol { message, .. } if message.contains("16777216")),
        "{err:?}"
    );
}

/// What a test expects of an error.
type Expect = fn(&DeviceError) -> bool;

/// A loopback server answering every request with one scripted answer, recording requests.
struct Scripted {
    url: String,
    seen: Arc<Mutex<Vec<(String, axum::http::HeaderMap)>>>,
    _task: tokio::task::JoinHandle<()>,
}

async fn scripted(status: u16, headers: &[(&'static str, String)], body: Vec<u8>) -> Scripted {
    use axum::response::IntoResponse;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let headers: Vec<(&'static str, String)> = headers.to_vec();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (log, headers, body) = (log.clone(), headers.clone(), body.clone());
        async move {
            log.lock()
                .unwrap()
                .push((req.uri().path().to_string(), req.headers().clone()));
            let mut resp =
                (axum::http::StatusCode::from_u16(status).unwrap(), body).into_response();
            for (k, v) in headers {
                resp.headers_mut().insert(k, v.parse().unwrap());
            }
            resp
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Scripted {
        url,
        seen,
        _task: task,
    }
}

#[test]
fn wrong_shapes_bad_ids_and_error_statuses_are_told_apart() {
    let rt = rt();
    rt.block_on(async {
        let s = SessionId("s1".into());
        let json_ct = [("content-type", "application/json".to_string())];
        let cases: Vec<(u16, &[u8], Expect)> = vec![
            (200, br#"{"output": 5, "actions": []}"#, |e| matches!(e, DeviceError::Protocol { message, evidence: Some(_) } if message.contains("wrong shape"))),
            (503, b"<html>upstream busy</html>", |e| matches!(e, DeviceError::Http { status: 503, .. }) && e.is_transient()),
            (404, br#"{"error": {"code": "no_session", "message": "gone"}}"#, |e| *e == DeviceError::Device { code: "no_session".into(), message: "gone".into() }),
            (501, b"", |e| *e == DeviceError::Unsupported { op: "turn".into() }),
        ];
        for (status, body, ok) in cases {
            let server = scripted(status, &json_ct, body.to_vec()).await;
            let dev = atp_adapter(&server.url, "");
            let err = dev.turn(&s, &text("你好")).await.unwrap_err();
            assert!(ok(&err), "{status}: {err:?}");
        }
        for bad in [r#"{"session": ".."}"#, r#"{"session": ""}"#, r#"{"session": 7}"#] {
            let server = scripted(201, &json_ct, bad.as_bytes().to_vec()).await;
            let err = atp_adapter(&server.url, "").open_session(&SessionRequest::default()).await.unwrap_err();
            assert!(matches!(err, DeviceError::Protocol { .. }), "{bad}: {err:?}");
        }
        let server = scripted(200, &json_ct, br#"{"protocol": "atp/2", "vendor": "v", "model": "m", "category": "phone", "firmware": "1"}"#.to_vec()).await;
        let err = atp_adapter(&server.url, "").info().await.unwrap_err();
        assert!(matches!(&err, DeviceError::Protocol { message, .. } if message.contains("atp/2")), "{err:?}");
    });
}

#[test]
fn refused_connections_and_silent_servers_are_transient_errors() {
    let rt = rt();
    let refused = atp_adapter(&format!("http://127.0.0.1:{}", closed_port()), "");
    let err = rt.block_on(refused.info()).unwrap_err();
    assert!(
        matches!(err, DeviceError::Unreachable { .. }) && err.is_transient() && err.is_fatal(),
        "{err:?}"
    );

    let server = SimServer::start(LEVELS[0], &["--hang-rate", "1"]);
    let silent = atp_adapter(&server.url, "timeout_ms = 200");
    let started = std::time::Instant::now();
    let err = rt.block_on(silent.info()).unwrap_err();
    assert_eq!(err, DeviceError::Timeout { ms: 200 });
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_redirect_to_another_origin_is_not_followed_so_the_token_stays_home() {
    let rt = rt();
    rt.block_on(async {
        let elsewhere = scripted(200, &[], b"{}".to_vec()).await;
        let redirecting = scripted(
            307,
            &[("location", format!("{}/atp/v1/info", elsewhere.url))],
            Vec::new(),
        )
        .await;
        let dev = atp_adapter(&redirecting.url, "");
        let err = dev.info().await.unwrap_err();
        assert!(
            matches!(err, DeviceError::Http { status: 307, .. }),
            "{err:?}"
        );
        assert!(elsewhere.seen.lock().unwrap().is_empty());
    });
}

#[test]
fn the_bearer_token_is_sent_to_the_device_and_written_nowhere() {
    let secret = "s3cret-token-Zq9";
    let dir = tempfile::tempdir().unwrap();
    let server = SimServer::start_with_env(
        LEVELS[0],
        &["--token-env", "ATP_TEST_TOKEN"],
        &[("ATP_TEST_TOKEN", secret)],
    );
    let with_token = write(
        dir.path(),
        "atp.toml",
        &profile_like(
            LEVELS[0],
            &format!(
                "kind = \"atp\"\nbase_url = \"{}\"\ntoken_env = \"ATP_TEST_TOKEN\"",
                server.url
            ),
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let output = ailevel()
        .args(["run", "--quiet", "--trials", "1", "--device"])
        .arg(&with_token)
        .arg("--out")
        .arg(out.path())
        .env("ATP_TEST_TOKEN", secret)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(secret));
    }
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains(secret)
            && !String::from_utf8_lossy(&output.stderr).contains(secret)
    );

    // The variable unset: a usage problem named before anything is sent (exit 2).
    let unset = ailevel()
        .args(["probe", "--device"])
        .arg(&with_token)
        .env_remove("ATP_TEST_TOKEN")
        .output()
        .unwrap();
    assert_eq!(unset.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unset.stderr).contains("ATP_TEST_TOKEN"));

    // A wrong token: the device refuses, and the probe says the device cannot be used.
    let wrong = ailevel()
        .args(["probe", "--device"])
        .arg(&with_token)
        .env("ATP_TEST_TOKEN", "nope")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("unauthorized"));
}

#[test]
fn probe_reports_a_working_device_and_exits_3_on_a_closed_port() {
    let dir = tempfile::tempdir().unwrap();
    let server = SimServer::start(LEVELS[2], &[]);
    let good = write(
        dir.path(),
        "good.toml",
        &profile_like(
            LEVELS[2],
            &format!("kind = \"atp\"\nbase_url = \"{}\"", server.url),
        ),
    );
    let ok = ailevel()
        .args(["probe", "--device"])
        .arg(&good)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("protocol atp/1"), "{stdout}");
    for op in [
        "reset",
        "set_network",
        "set_clock",
        "set_scene",
        "seed_memory",
        "link_device",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(op) && l.contains("works")),
            "{op}: {stdout}"
        );
    }
    assert!(stdout.contains("usable"), "{stdout}");

    let closed = write(
        dir.path(),
        "closed.toml",
        &profile_like(
            LEVELS[2],
            &format!(
                "kind = \"atp\"\nbase_url = \"http://127.0.0.1:{}\"",
                closed_port()
            ),
        ),
    );
    let bad = ailevel()
        .args(["probe", "--device"])
        .arg(&closed)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("unreachable"), "{stderr}");
    assert!(String::from_utf8_lossy(&bad.stdout).contains("not usable"));

    // The same device for `run`: it cannot start, so no grade — exit 3.
    let (_out, _, output) = run(&closed, &["--retry-backoff-ms", "1"]);
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn the_served_simulator_answers_match_the_published_schemas() {
    let server = SimServer::start(LEVELS[2], &[]);
    let schema = |name: &str| {
        let text = std::fs::read_to_string(root().join("schemas/atp").join(name)).unwrap();
        jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
    };
    let check = |name: &str, v: &Value| {
        let errors: Vec<String> = schema(name).iter_errors(v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}\n{v}");
    };
    rt().block_on(async {
        let http = reqwest::Client::new();
        let url = |p: &str| format!("{}{p}", server.url);
        let get = |p: String| http.get(p).send();
        let info = get(url("/atp/v1/info")).await.unwrap();
        assert_eq!(info.status(), 200);
        check("info.schema.json", &info.json().await.unwrap());

        let request = json!({"locale": "zh-CN", "seed": 5, "unknown": "ignored"});
        check("session-request.schema.json", &request);
        let created = http
            .post(url("/atp/v1/sessions"))
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        check("session-response.schema.json", &created);
        let id = created["session"].as_str().unwrap().to_string();

        let turn_request = json!({"input": {"text": "明天早上七点叫我起床"}});
        check("turn-request.schema.json", &turn_request);
        let turn = http
            .post(url(&format!("/atp/v1/sessions/{id}/turns")))
            .json(&turn_request)
            .send()
            .await
            .unwrap();
        assert_eq!(turn.status(), 200);
        check("turn.schema.json", &turn.json().await.unwrap());

        let state = get(url(&format!("/atp/v1/sessions/{id}/state")))
            .await
            .unwrap();
        assert_eq!(state.status(), 200);
        check("state.schema.json", &state.json().await.unwrap());

        let closed = http
            .delete(url(&format!("/atp/v1/sessions/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(closed.status(), 204);

        for op in [
            json!({"op": "set_network", "online": false}),
            json!({"op": "reset"}),
        ] {
            check("control.schema.json", &op);
            let r = http
                .post(url("/atp/v1/control"))
                .json(&op)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            check("control-response.schema.json", &r.json().await.unwrap());
        }
        for (req, status) in [
            (
                http.post(url("/atp/v1/sessions/nope/turns"))
                    .json(&turn_request),
                None,
            ),
            (
                http.post(url("/atp/v1/control")).body("{not json"),
                Some(400),
            ),
            (http.get(url("/atp/v1/nothing-here")), Some(404)),
        ] {
            let r = req.send().await.unwrap();
            assert!(!r.status().is_success());
            if let Some(s) = status {
                assert_eq!(r.status(), s);
            }
            check("error.schema.json", &r.json().await.unwrap());
        }
    });
}
