//! Fuzzing on stable Rust (issue 9.8): proptest feeds the loaders of every user file — suite,
//! device profile, results — and the ATP/1 turn decoder arbitrary and near-valid input. Each
//! must answer with a value or an error naming the file, never panic; inputs are bounded, so
//! each case is too. The OpenAI and SSE response parsers have their own properties beside
//! their code (`device::openai` tests). The whole file runs in a few seconds.

use std::path::Path;

use ailevel::device::{Profile, Turn};
use ailevel::schema::Kind;
use proptest::prelude::*;

/// Text that is almost a file of each kind: real lines of a valid one, shuffled, cut, doubled
/// or overwritten with hostile fragments.
fn near(valid: &'static str) -> impl Strategy<Value = String> {
    let lines: Vec<&'static str> = valid.lines().collect();
    let n = lines.len();
    let edit = prop_oneof![
        (0..n).prop_map(|i| (i, None)),
        (0..n, "[ -~好\u{202e}\t]{0,24}").prop_map(|(i, s)| (i, Some(s))),
    ];
    proptest::collection::vec(edit, 0..12).prop_map(move |edits| {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (i, s) in edits {
            let i = i % out.len();
            match s {
                Some(s) => out[i] = s,
                None => {
                    let l = out[i].clone();
                    out.insert(i, l);
                }
            }
        }
        out.join("\n")
    })
}

const PROFILE: &str = include_str!("../devices/sim/phone-l3.toml");
const RESULTS_FIXTURE: &str = include_str!("data/report-fixture.results.json");
const CASES: &str = "schema: ailevel.suite/1\ntitle: { zh-CN: 测, en: T }\ncategory: common\ncases:\n  - id: c.hello\n    title: { zh-CN: 测, en: T }\n    level: L1\n    element: execution\n    mandatory: true\n    clause: \"177.2 §9\"\n    turns:\n      - input: { text: 你好 }\n        expect:\n          - contains: [好]\n          - action: { name: alarm.create, args: { time: \"07:00\" } }\n";
const TURN: &str = r#"{"output": {"text": "好", "speech_b64": null},
"actions": [{"name": "alarm.create", "args": {"time": "07:00"}, "target": "phone"}],
"needs_confirmation": false, "served_by": "device", "timing": {"first_byte_ms": 3}}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn profile_loader_never_panics(text in prop_oneof![near(PROFILE), "\\PC{0,200}"]) {
        let _ = ailevel::files::parse_toml::<Profile>(Path::new("fuzz.toml"), &text, Kind::Profile);
    }

    #[test]
    fn results_loader_never_panics(bytes in prop_oneof![
        near(RESULTS_FIXTURE).prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..400),
    ]) {
        if let Err(e) = ailevel::results::parse(Path::new("fuzz.json"), &bytes) {
            prop_assert!(e.to_string().contains("fuzz.json"), "{e}");
        }
    }

    #[test]
    fn atp_turn_decoder_never_panics(text in prop_oneof![near(TURN), "\\PC{0,200}"]) {
        if let Ok(mut t) = Turn::from_device_json(&text) {
            prop_assert!(t.actions.len() <= ailevel::device::protocol::MAX_ACTIONS + 1);
            let _ = t.limit();
        }
    }
}

proptest! {
    // Each case writes a suite directory: fewer cases keep the file fast.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn suite_loader_never_panics(cases in prop_oneof![near(CASES), "\\PC{0,200}"]) {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("suites");
        for f in ["framework.yaml", "actions.yaml"] {
            std::fs::copy(root.join(f), dir.path().join(f)).unwrap();
        }
        std::fs::write(dir.path().join("cases.yaml"), &cases).unwrap();
        let _ = ailevel::suite::load_suite(dir.path(), None);
    }
}
