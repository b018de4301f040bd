//! The blind device channel: nothing ailevel adds to what it sends a device lets the device
//! tell which case or trial it is in. An attacker knows the public suite and the run seed
//! (printed, recorded, 1 by default); a recording ATP server on a loopback port captures
//! every request of a real run, and the attacker tries to map each session back to its case.
//!
//! The content of a case — its text, event and setup — names its case by design; that is what
//! private variant pools are for. This test is about everything else: the seed in each
//! session request, the order sessions come in, and the other request fields.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use common::{ailevel, must, profile_like, root, write};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One request as the device saw it, in arrival order.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    body: Value,
}

struct Recorder {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    _rt: tokio::runtime::Runtime,
}

/// A minimal ATP/1 device that answers every turn with nothing and records every request.
fn recorder() -> Recorder {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let next = Arc::new(std::sync::atomic::AtomicU64::new(1));
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (log, next) = (log.clone(), next.clone());
        async move {
            use axum::http::StatusCode;
            use axum::response::IntoResponse;
            let method = req.method().to_string();
            let path = req.uri().path().to_string();
            let bytes = axum::body::to_bytes(req.into_body(), 1 << 24)
                .await
                .unwrap_or_default();
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            log.lock().unwrap().push(Seen {
                method: method.clone(),
                path: path.clone(),
                body,
            });
            let (status, answer) = match (method.as_str(), path.as_str()) {
                ("GET", "/atp/v1/info") => (
                    StatusCode::OK,
                    json!({"protocol": "atp/1", "vendor": "Rec", "model": "Order", "category": "phone",
                           "firmware": "1", "features": []}),
                ),
                ("POST", "/atp/v1/sessions") => {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    (StatusCode::CREATED, json!({"session": format!("r{n}")}))
                }
                ("POST", p) if p.ends_with("/turns") => (
                    StatusCode::OK,
                    json!({"output": {"text": "嗯"}, "actions": []}),
                ),
                ("GET", p) if p.ends_with("/state") => (StatusCode::OK, json!({})),
                ("DELETE", _) => return StatusCode::NO_CONTENT.into_response(),
                ("POST", "/atp/v1/control") => (StatusCode::OK, json!({"ok": true})),
                _ => (StatusCode::NOT_FOUND, json!({"error": {"code": "nf", "message": "?"}})),
            };
            (status, axum::Json(answer)).into_response()
        }
    });
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Recorder { url, seen, _rt: rt }
}

/// What a turn input says: its text, event and media (by hash; results record media so).
fn content_of(input: &Value) -> Value {
    let media = |m: &Value| match m["data_b64"].as_str() {
        Some(d) if d.starts_with("sha256:") => Value::String(d.to_string()),
        Some(d) => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD.decode(d).unwrap();
            Value::String(format!("sha256:{}", hex::encode(Sha256::digest(bytes))))
        }
        None => Value::Null,
    };
    json!([
        input["text"],
        input["event"],
        media(&input["audio"]),
        media(&input["image"])
    ])
}

/// A session as recorded: its request body and the inputs of its turns.
#[derive(Debug)]
struct Session {
    request: Value,
    /// What each turn said ([`content_of`]).
    content: Vec<Value>,
}

/// Sessions in the order they were opened.
fn sessions(seen: &[Seen]) -> Vec<Session> {
    let mut out: Vec<Session> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut opened = 0u64;
    for s in seen {
        if s.method == "POST" && s.path == "/atp/v1/sessions" {
            opened += 1;
            index.insert(format!("r{opened}"), out.len());
            out.push(Session {
                request: s.body.clone(),
                content: Vec::new(),
            });
        } else if let Some(id) = s
            .path
            .strip_prefix("/atp/v1/sessions/")
            .and_then(|p| p.strip_suffix("/turns"))
        {
            out[index[id]].content.push(content_of(&s.body["input"]));
        }
    }
    out
}

/// Which case each recorded session belongs to, from the results (the ground truth the
/// attacker tries to reach): a session's turn contents against each trial's recorded inputs.
/// Contents shared by several cases are left out.
fn truth(results: &Value, sessions: &[Session]) -> Vec<Option<String>> {
    let mut by_content: HashMap<String, BTreeSet<String>> = HashMap::new();
    for case in results["cases"].as_array().unwrap() {
        for trial in case["trials"].as_array().unwrap() {
            let content: Vec<Value> = trial["turns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| content_of(&t["input"]))
                .collect();
            by_content
                .entry(Value::Array(content).to_string())
                .or_default()
                .insert(case["id"].as_str().unwrap().to_string());
        }
    }
    sessions
        .iter()
        .map(|s| {
            let ids = by_content.get(&Value::Array(s.content.clone()).to_string())?;
            (ids.len() == 1).then(|| ids.iter().next().unwrap().clone())
        })
        .collect()
}

/// The derivation ailevel used before the blind channel: sha256(seed ‖ case ‖ trial), written
/// out here rather than taken from the code under test.
fn naive_seed(run_seed: u64, case: &str, trial: u32) -> u64 {
    let d = Sha256::digest(format!("{run_seed}\0{case}\0{trial}").as_bytes());
    u64::from_be_bytes(d[..8].try_into().unwrap())
}

fn public_case_ids() -> Vec<String> {
    let suite = ailevel::suite::load_suite(&root().join("suites"), None).unwrap();
    suite
        .cases
        .iter()
        .filter(|c| c.category == "phone" || c.category == "common")
        .map(|c| c.case.id.clone())
        .collect()
}

/// Run the phone suite, two trials a case, against the recorder.
fn recorded_run(extra: &[&str]) -> (Value, Vec<Seen>) {
    let rec = recorder();
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "rec.toml",
        &profile_like(
            "devices/sim/phone-l3.toml",
            &format!("kind = \"atp\"\nbase_url = \"{}\"", rec.url),
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let output = ailevel()
        .args([
            "run",
            "--quiet",
            "--trials",
            "2",
            "--seed",
            "1",
            "--retries",
            "0",
        ])
        .args(["--concurrency", "1", "--device"])
        .arg(&profile)
        .arg("--out")
        .arg(out.path())
        .args(extra)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(out.path().join("results.json")).ok();
    let results = must(text.map(|t| serde_json::from_str(&t).unwrap()), &output);
    let seen = rec.seen.lock().unwrap().clone();
    (results, seen)
}

#[test]
fn no_field_sent_to_the_device_maps_back_to_a_case() {
    let (results, seen) = recorded_run(&[]);
    let sessions = sessions(&seen);
    let truth = truth(&results, &sessions);
    let known: Vec<(usize, &String)> = truth
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.as_ref().map(|t| (i, t)))
        .collect();
    assert!(sessions.len() > 150, "{} sessions", sessions.len());
    assert!(
        known.len() * 10 > sessions.len() * 9,
        "the ground truth covers most sessions: {} of {}",
        known.len(),
        sessions.len()
    );
    let ids = public_case_ids();

    // 1. The session seed, through the old derivation: a table of every (case, trial).
    let mut table: HashMap<u64, String> = HashMap::new();
    for id in &ids {
        for trial in 0..16 {
            table.insert(naive_seed(1, id, trial), id.clone());
        }
    }
    let seed_of = |s: &Session| s.request["seed"].as_u64();
    assert!(
        sessions.iter().all(|s| seed_of(s).is_some()),
        "every session request carries a seed"
    );
    let mapped = known
        .iter()
        .filter(|(i, id)| seed_of(&sessions[*i]).and_then(|s| table.get(&s)) == Some(*id))
        .count();
    let hits = sessions
        .iter()
        .filter(|s| table.contains_key(&seed_of(s).unwrap()))
        .count();
    // The same attack on the seeds the old derivation would have sent (each trial's own
    // seed, which results record) maps every one of them.
    let old: Vec<(u64, String)> = results["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["trials"].as_array().unwrap().iter().map(|t| {
                (
                    t["seed"].as_u64().unwrap(),
                    c["id"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    let old_mapped = old
        .iter()
        .filter(|(s, id)| table.get(s) == Some(id))
        .count();
    eprintln!(
        "session seeds mapped to their case: {mapped} of {} (old derivation: {old_mapped} of {})",
        known.len(),
        old.len()
    );
    assert_eq!(
        old_mapped,
        old.len(),
        "the attack works on the old derivation"
    );
    assert_eq!(
        (mapped, hits),
        (0, 0),
        "no session seed is in the attacker's table"
    );
    let distinct: BTreeSet<u64> = sessions.iter().filter_map(seed_of).collect();
    assert_eq!(distinct.len(), sessions.len(), "one seed per session");

    // 2. The order: the k-th session guessed as the k-th trial in suite order (shared cases
    // first, then the exclusive ones, as the runner used to go), and as the shuffle keyed
    // with a guessed (all-zero) secret.
    let suite = ailevel::suite::load_suite(&root().join("suites"), None).unwrap();
    let exclusive = |id: &str| {
        let c = &suite.cases.iter().find(|c| c.case.id == id).unwrap().case;
        !c.setup.is_empty() || c.mode == ailevel::suite::Mode::EndSide
    };
    let ran: Vec<(String, u32)> = results["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["trials_planned"].as_u64().unwrap() > 0)
        .flat_map(|c| {
            let id = c["id"].as_str().unwrap().to_string();
            (0..c["trials_planned"].as_u64().unwrap() as u32).map(move |t| (id.clone(), t))
        })
        .collect();
    let in_suite_order: Vec<&(String, u32)> = ran
        .iter()
        .filter(|(id, _)| !exclusive(id))
        .chain(ran.iter().filter(|(id, _)| exclusive(id)))
        .collect();
    let zero = ailevel::run::blind::Secret::from_hex(&"00".repeat(32)).unwrap();
    let mut keyed: Vec<&(String, u32)> = ran.iter().collect();
    keyed.sort_by_key(|(id, t)| (exclusive(id), zero.order_key(1, id, *t)));
    for (name, guess) in [("suite order", &in_suite_order), ("guessed secret", &keyed)] {
        let right = known
            .iter()
            .filter(|(i, id)| guess.get(*i).map(|g| &g.0) == Some(*id))
            .count();
        eprintln!("order attack ({name}): {right} of {} sessions", known.len());
        // In an order shuffled with the secret, a guess lands by chance: a few sessions of
        // 180 (two trials a case, the exclusive ones in a group of their own). In suite order
        // at concurrency 1 it would name every one.
        assert!(
            right * 5 < known.len(),
            "{name}: {right} of {} sessions in the guessed place",
            known.len()
        );
    }

    // 3. Nothing else in a session request varies between sessions.
    let others: BTreeSet<String> = sessions
        .iter()
        .map(|s| {
            let mut r = s.request.clone();
            r.as_object_mut().unwrap().remove("seed");
            r.to_string()
        })
        .collect();
    assert_eq!(others.len(), 1, "{others:?}");

    // 4. The secret is recorded after the run and was never sent.
    let secret = results["run"]["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert_eq!(results["run"]["device_seeds"], "secret");
    assert!(
        seen.iter().all(|s| !s.body.to_string().contains(secret)),
        "the secret went to the device"
    );
}

/// Where two JSON values first differ, for a readable failure.
fn first_difference(a: &Value, b: &Value, at: &str) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                if y.get(k) != Some(v) {
                    return first_difference(
                        v,
                        y.get(k).unwrap_or(&Value::Null),
                        &format!("{at}/{k}"),
                    );
                }
            }
            format!(
                "{at}: keys {:?} vs {:?}",
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>()
            )
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(v, w, &format!("{at}/{i}"));
                }
            }
            at.to_string()
        }
        _ => format!(
            "{at}: {} vs {}",
            ailevel::text::truncate(&a.to_string(), 300),
            ailevel::text::truncate(&b.to_string(), 300)
        ),
    }
}

/// Results without the wall-clock values.
fn timeless(mut r: Value) -> Value {
    for key in ["started_at", "finished_at", "duration_ms"] {
        r["run"][key] = Value::Null;
    }
    // Each run has its own recorder, on its own port, behind its own profile file.
    r["device"]["profile"] = Value::Null;
    r["device"]["profile_sha256"] = Value::Null;
    r["device"]["adapter_settings"] = Value::Null;
    for case in r["cases"].as_array_mut().unwrap() {
        for trial in case["trials"].as_array_mut().unwrap() {
            trial["duration_ms"] = Value::Null;
            for turn in trial["turns"].as_array_mut().unwrap() {
                turn["latency_ms"] = Value::Null;
                for check in turn["checks"].as_array_mut().unwrap() {
                    // A latency check quotes the time measured.
                    if check["reason"]
                        .as_str()
                        .is_some_and(|r| r.starts_with("answered in"))
                    {
                        check["reason"] = Value::Null;
                        check["message"] = Value::Null;
                    }
                }
            }
        }
    }
    r
}

#[test]
fn a_pinned_secret_reproduces_the_run_and_another_secret_changes_every_seed() {
    let secret = "a1".repeat(32);
    let (a, seen_a) = recorded_run(&["--secret", &secret]);
    let (b, seen_b) = recorded_run(&["--secret", &secret]);
    assert_eq!(a["run"]["secret"], secret.as_str());
    let (ta, tb) = (timeless(a.clone()), timeless(b));
    assert!(
        ta == tb,
        "same secret, same results: {}",
        first_difference(&ta, &tb, "")
    );
    let seeds = |seen: &[Seen]| -> BTreeSet<(String, u64)> {
        sessions(seen)
            .iter()
            .map(|s| {
                let content = Value::Array(s.content.clone()).to_string();
                (content, s.request["seed"].as_u64().unwrap())
            })
            .collect()
    };
    assert_eq!(
        seeds(&seen_a),
        seeds(&seen_b),
        "same secret, same session seeds"
    );
    let (c, seen_c) = recorded_run(&["--secret", &"a2".repeat(32)]);
    let only = |s: BTreeSet<(String, u64)>| s.into_iter().map(|x| x.1).collect::<BTreeSet<_>>();
    let (sa, sc) = (only(seeds(&seen_a)), only(seeds(&seen_c)));
    assert_eq!(
        sa.intersection(&sc).count(),
        0,
        "another secret, other seeds"
    );
    assert_eq!(
        timeless(a)["cases"],
        timeless(c)["cases"],
        "the secret changes nothing the device did not see"
    );
}

#[test]
fn a_malformed_secret_is_refused_with_exit_2() {
    for bad in ["abc", &"zz".repeat(32), &"0".repeat(65)] {
        let out = tempfile::tempdir().unwrap();
        let output = ailevel()
            .args(["run", "--quiet", "--device", "devices/sim/phone-l1.toml"])
            .args(["--secret", bad, "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("--secret"), "{stderr}");
        assert!(!out.path().join("results.json").exists());
    }
}
