//! The `process` adapter: ATP/1 as JSON lines through a child process. The reference bridge
//! (devices/examples/atp_relay.py) relays to `ailevel sim serve`, and small inline bridges
//! misbehave: garbage, over-long lines, wrong ids, silence, dying after every answer.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ailevel::device::{Adapter, ConnectOptions, DeviceError, Profile};
use ailevel::suite::model::ActionVocabulary;
use common::*;

const RELAY: &str = "devices/examples/atp_relay.py";

/// A TOML array of strings, each a literal string (no escapes needed for inline Python).
fn command(parts: &[&str]) -> String {
    let quoted: Vec<String> = parts.iter().map(|p| format!("'{p}'")).collect();
    format!("[{}]", quoted.join(", "))
}

fn bridge(parts: &[&str], extra: &str) -> Arc<dyn Adapter> {
    let text = profile_like(
        "devices/sim/phone-l3.toml",
        &format!("kind = \"process\"\ncommand = {}\n{extra}", command(parts)),
    );
    let profile: Profile = toml::from_str(&text).unwrap();
    let vocabulary = ActionVocabulary {
        schema: "ailevel.actions/1".into(),
        actions: vec![],
    };
    let mut opts = ConnectOptions::new(1, vocabulary);
    opts.call_timeout = Duration::from_secs(10);
    ailevel::device::connect(&profile, &opts).unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_run_through_the_relay_bridge_gives_the_in_process_verdicts() {
    let sim = "devices/sim/phone-l2.toml";
    let server = SimServer::start(sim, &[]);
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "bridge.toml",
        &profile_like(
            sim,
            &format!(
                "kind = \"process\"\ncommand = {}",
                command(&["python3", RELAY, "--base-url", &server.url])
            ),
        ),
    );
    let (_a, local, out_a) = run(&root().join(sim), &[]);
    let (_b, bridged, out_b) = run(&profile, &[]);
    let (local, bridged) = (must(local, &out_a), must(bridged, &out_b));
    assert_eq!(verdicts(&local), verdicts(&bridged));
    assert_eq!(local["grade"]["level"], bridged["grade"]["level"]);
    assert_eq!(bridged["device"]["adapter"], "process");
    assert_eq!(out_b.status.code(), Some(0));
}

#[test]
fn a_bridge_that_exits_after_every_answer_is_restarted() {
    let server = SimServer::start("devices/sim/phone-l3.toml", &[]);
    let dev = bridge(
        &[
            "python3",
            RELAY,
            "--base-url",
            &server.url,
            "--exit-after",
            "1",
        ],
        "",
    );
    rt().block_on(async {
        let (mut answered, mut failed) = (0, 0);
        for _ in 0..6 {
            // A call can race the child's exit and fail transiently; the next one restarts it.
            match dev.info().await {
                Ok(i) => {
                    assert_eq!(i.protocol, "atp/1");
                    answered += 1;
                }
                Err(e) => {
                    assert!(e.is_transient(), "{e:?}");
                    failed += 1;
                }
            }
        }
        assert!(answered >= 3, "{answered} answered, {failed} failed");
    });
}

#[test]
fn garbage_long_lines_and_wrong_ids_are_protocol_errors_with_evidence() {
    let rt = rt();
    let cases: [(&str, &str, &str); 3] = [
        (
            "import sys; [print('hello, not json', flush=True) for l in sys.stdin]",
            "",
            "not valid JSON",
        ),
        (
            "import sys; [print('x' * 200000, flush=True) for l in sys.stdin]",
            "max_response_bytes = 65536",
            "65536-byte limit",
        ),
        (
            "import sys, json; [print(json.dumps({'id': 999, 'status': 200, 'body': {}}), flush=True) for l in sys.stdin]",
            "",
            "answered request 999",
        ),
    ];
    for (script, extra, wanted) in cases {
        let dev = bridge(&["python3", "-c", &script.replace('\'', "\"")], extra);
        match rt.block_on(dev.info()) {
            Err(DeviceError::Protocol { message, evidence }) => {
                assert!(message.contains(wanted), "{message}");
                assert!(evidence.is_some_and(|e| !e.is_empty() && e.len() < 2200));
            }
            other => panic!("{script}: {other:?}"),
        }
    }
}

#[test]
fn a_silent_bridge_times_out_and_a_missing_one_is_unreachable() {
    let rt = rt();
    let silent = bridge(
        &[
            "python3",
            "-c",
            "import sys, time; [time.sleep(60) for l in sys.stdin]",
        ],
        "timeout_ms = 300",
    );
    let started = Instant::now();
    assert_eq!(
        rt.block_on(silent.info()).unwrap_err(),
        DeviceError::Timeout { ms: 300 }
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    let missing = bridge(&["/nonexistent/ailevel-bridge"], "");
    let err = rt.block_on(missing.info()).unwrap_err();
    assert!(matches!(err, DeviceError::Unreachable { .. }), "{err:?}");
}

#[test]
fn the_bridge_stderr_goes_to_the_log_prefixed() {
    let dir = tempfile::tempdir().unwrap();
    let script = "import sys, json; [(print(\"bridge says hi\", file=sys.stderr, flush=True), print(json.dumps({\"status\": 501}), flush=True)) for l in sys.stdin]";
    let profile = write(
        dir.path(),
        "noisy.toml",
        &profile_like(
            "devices/sim/phone-l3.toml",
            &format!(
                "kind = \"process\"\ncommand = {}",
                command(&["python3", "-c", script])
            ),
        ),
    );
    let out = ailevel()
        .args(["probe", "--device"])
        .arg(&profile)
        .output()
        .unwrap();
    // Every call is 501, `info` included: not usable.
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[device stderr] bridge says hi"),
        "{stderr}"
    );
}
