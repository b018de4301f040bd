//! The reference simulator holds no suite sentence (issue #11): no phrasing of any turn of
//! any suite — Chinese or English, 4 characters or longer — occurs in the simulator's source,
//! compared after folding width and case (so "行，发送" in a suite and "行,发送" in code count
//! as the same text). A simulator that recognises the published inputs would pass the suite
//! without understanding anything. One English word ("Confirm", "Cancel") is vocabulary, not
//! a sentence, and is not counted.
//!
//! The simulator meets this: [`KNOWN`], the count of distinct phrasings it may still hold, is 0.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fold(s: &str) -> String {
    s.nfkc().flat_map(char::to_lowercase).collect()
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Distinct suite phrasings allowed in the simulator's source: none.
const KNOWN: usize = 0;

fn phrasings(suite: &ailevel::suite::LoadedSuite) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for lc in &suite.cases {
        for t in &lc.case.turns {
            for p in [&t.input.text, &t.input.text_en].into_iter().flatten() {
                for s in p.items() {
                    out.push((lc.case.id.clone(), s.clone()));
                }
            }
        }
    }
    out
}

/// Where suite phrasings of 4 characters or more occur in the files: (file, case, text).
fn hits(files: &[(String, String)], texts: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (case, text) in texts {
        let t = fold(text.trim());
        let one_word = t.is_ascii() && !t.trim().contains(' ');
        if t.chars().count() < 4 || one_word {
            continue;
        }
        for (name, body) in files {
            if body.contains(&t) {
                found.push(format!("{name}: `{text}` ({case})"));
            }
        }
    }
    found
}

#[test]
fn no_suite_phrasing_appears_in_the_simulator_source() {
    let suite = ailevel::suite::load_suite(&root().join("suites"), None).unwrap();
    let texts = phrasings(&suite);
    assert!(texts.len() > 2000, "only {} phrasings read", texts.len());
    let mut paths = Vec::new();
    sources(&root().join("src/sim"), &mut paths);
    assert!(paths.len() > 10, "{paths:?}");
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let name = p.strip_prefix(root()).unwrap().display().to_string();
            (name, fold(&std::fs::read_to_string(p).unwrap()))
        })
        .collect();
    let found = hits(&files, &texts);
    let mut distinct: Vec<&str> = found.iter().filter_map(|f| f.split('`').nth(1)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    println!(
        "{} distinct suite phrasings in the simulator (at most {KNOWN} allowed):\n{}",
        distinct.len(),
        found.join("\n")
    );
    // KNOWN is 0, so "no more than known" is "exactly known".
    assert!(
        distinct.len() == KNOWN,
        "{} distinct suite phrasings in the simulator, more than the {KNOWN} known:\n{}",
        distinct.len(),
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_a_planted_sentence_whatever_its_width_and_case() {
    let texts = vec![
        ("c".to_string(), "行，发送".to_string()),
        ("d".to_string(), "Send It Now".to_string()),
        ("e".to_string(), "好的".to_string()),
    ];
    let files = vec![(
        "x.rs".to_string(),
        fold("const A: &str = \"行,发送\"; // send it now; 好的"),
    )];
    let found = hits(&files, &texts);
    assert_eq!(found.len(), 2, "{found:?}");
    // One English word is vocabulary.
    let word = vec![("f".to_string(), "Confirm".to_string())];
    assert!(hits(&[("y.rs".into(), "confirm".into())], &word).is_empty());
    assert!(found[0].contains("行，发送") && found[1].contains("Send It Now"));
}
