//! `ailevel run` keeps its trials only in the journal and streams them into results.json:
//! for every reference simulator, the file must be exactly what the in-memory way gives —
//! every trial re-derived from its transcript and the whole serialised at once — and hold
//! exactly the journal's trials.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ailevel::results::{Results, TrialRecord};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The journal's trials by case, in index order, first record of a case and index kept.
fn journal_trials(path: &Path) -> BTreeMap<String, Vec<TrialRecord>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out: BTreeMap<String, BTreeMap<u32, TrialRecord>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let t: TrialRecord = serde_json::from_str(line).unwrap();
        out.entry(t.case.clone())
            .or_default()
            .entry(t.index)
            .or_insert(t);
    }
    out.into_iter()
        .map(|(case, trials)| (case, trials.into_values().collect()))
        .collect()
}

/// What a trial says, leaving out its scored checks (the results re-derive them).
fn unscored(t: &TrialRecord) -> TrialRecord {
    let mut t = t.clone();
    for turn in &mut t.turns {
        turn.checks.clear();
    }
    t
}

#[test]
fn a_streamed_run_equals_the_in_memory_results_for_every_reference_sim() {
    let dir = tempfile::tempdir().unwrap();
    let latency = regex::Regex::new(r"(?m)^latency_ms\s*=.*$").unwrap();
    let mut profiles: Vec<PathBuf> = std::fs::read_dir(root().join("devices/sim"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    profiles.sort();
    assert!(profiles.len() >= 28, "{profiles:?}");
    let mut trials_seen = 0;
    for profile in &profiles {
        let name = profile.file_stem().unwrap().to_string_lossy().into_owned();
        // No simulated latency: the run's bytes do not depend on it, only its time does.
        let text = std::fs::read_to_string(profile).unwrap();
        let fast = dir.path().join(format!("{name}.toml"));
        std::fs::write(
            &fast,
            latency.replace(&text, "latency_ms = [0, 0]").as_ref(),
        )
        .unwrap();
        let out = dir.path().join(&name);
        let run = assert_cmd::Command::cargo_bin("ailevel")
            .unwrap()
            .current_dir(root())
            .args(["run", "--quiet", "--trials", "2", "--format", "md"])
            .args(["--secret", &"a7".repeat(32), "--device"])
            .arg(&fast)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            matches!(run.status.code(), Some(0 | 5)),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let bytes = std::fs::read(out.join("results.json")).unwrap();
        let streamed = ailevel::results::parse(&out.join("results.json"), &bytes).unwrap();
        // The in-memory way: every case's trials re-scored and graded from the transcripts,
        // the whole serialised at once.
        let derived: Results = ailevel::grade::rederive(streamed.clone());
        let canonical = derived.to_canonical_json();
        assert!(
            canonical.as_bytes() == bytes.as_slice(),
            "{name}: the streamed results.json differs from the in-memory one"
        );
        let journal = journal_trials(&out.join("trials.jsonl"));
        for case in &streamed.cases {
            let kept: Vec<TrialRecord> = case.trials.iter().map(unscored).collect();
            let logged: Vec<TrialRecord> = journal
                .get(&case.id)
                .map(|ts| ts.iter().map(unscored).collect())
                .unwrap_or_default();
            assert_eq!(kept, logged, "{name}: {}", case.id);
            trials_seen += kept.len();
        }
        assert_eq!(
            streamed.cases.iter().map(|c| c.trials.len()).sum::<usize>(),
            journal.values().map(Vec::len).sum::<usize>(),
            "{name}: every trial of the journal is in the results"
        );
    }
    assert!(trials_seen > 1000, "{trials_seen}");
}
