//! Generalisation of the reference simulators (issue #11): the real runner sends EVERY
//! phrasing of every case at or below a simulator's level — the suite's pools and the
//! held-out rewordings in `tests/data/heldout/` (a private variant pool nobody tunes the
//! simulators to) — in Chinese and, where a case has it, English, and counts the trials that
//! pass, per category and level.
//!
//! A second, blind set, `tests/data/heldout-b/`, was written by someone who never read the
//! simulators or the first set, and is never looked at by whoever tunes them: its failures
//! are not printed (only the figures), so it stays a measure of rewordings nobody fitted.
//!
//! How every phrasing gets sent: a case is given as many trials as its largest turn pool, and
//! the runner's draw gives trial *i* the *i*-th entry of a seeded order of each turn's pool,
//! so every entry of that pool is sent once (shorter pools of other turns wrap round).
//!
//! `GENERALISATION_VERBOSE=1` prints every failing trial's texts and first failed check
//! (of the suite pools and the first held-out set, never of the blind set).

#[path = "support/sims.rs"]
mod sims;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ailevel::results::{TrialOutcome, TrialRecord};
use ailevel::run::{ProfileMeta, RunOptions};
use ailevel::suite::model::Phrasings;
use ailevel::suite::phrasing::{Phrasing, PhrasingPool};
use ailevel::suite::{LoadedSuite, VariantPool};

/// The share of trials every L2+ simulator must pass, on its own pools and on held-out ones.
/// Issue #11 asks for 0.90; this is the floor reached so far (97–100 % per simulator, L2–L4,
/// 2026-12-04, late; car lowest), raised as the simulators learn.
const MIN_SHARE: f64 = 0.97;

/// The floor on held-out rewordings (tests/data/heldout): 91–97 % per simulator, L2–L4
/// (2026-12-04, late; car lowest), kept as a ratchet so understanding cannot silently get
/// worse.
const MIN_SHARE_HELDOUT: f64 = 0.91;

/// The floor on the blind set (tests/data/heldout-b): 61–86 % per simulator when it was
/// first measured, 77–93 % now (2026-12-04, late; earphone lowest), kept as a ratchet like
/// the one above.
const MIN_SHARE_BLIND: f64 = 0.76;

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    passed: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, pass: bool) {
        self.total += 1;
        self.passed += usize::from(pass);
    }

    fn share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.passed as f64 / self.total as f64
        }
    }

    fn cell(&self) -> String {
        if self.total == 0 {
            "—".into()
        } else {
            format!(
                "{}/{} ({:.0} %)",
                self.passed,
                self.total,
                self.share() * 100.0
            )
        }
    }
}

/// Which of the suite's own phrasings a measurement sends besides the private pool's.
#[derive(Clone, Copy, PartialEq)]
enum Public {
    /// Every entry of every pool.
    All,
    /// Only each turn's canonical phrasing: the measurement is of the private pool.
    Canonical,
}

/// The suite reduced to the text cases at or below `level`, each with one trial per entry of
/// its largest pool in `locale`'s language (public and private); `None` when none apply.
fn subset(
    suite: &LoadedSuite,
    pool: Option<&VariantPool>,
    level: usize,
    english: bool,
    public: Public,
) -> LoadedSuite {
    let mut s = suite.clone();
    s.cases.retain_mut(|lc| {
        if public == Public::Canonical {
            for t in &mut lc.case.turns {
                for text in [&mut t.input.text, &mut t.input.text_en]
                    .into_iter()
                    .flatten()
                {
                    *text = Phrasings::One(text.first().to_string());
                }
            }
        }
        let rank = ailevel::grade::rank(&suite.framework, Some(&lc.case.level));
        if rank == 0 || rank > level {
            return false;
        }
        let mut largest = 0;
        for (ti, t) in lc.case.turns.iter().enumerate() {
            let en = english && t.input.text_en.is_some();
            let public = if en {
                t.input.text_en.as_ref()
            } else {
                t.input.text.as_ref()
            };
            let Some(public) = public else { continue };
            let private = pool.map_or(0, |p| p.phrasings_for(&lc.case.id, ti, en).len());
            largest = largest.max(public.items().len() + private);
        }
        // In English, only cases that have English: the rest would repeat the Chinese run.
        let has_en = lc.case.turns.iter().any(|t| t.input.text_en.is_some());
        lc.case.trials = Some(largest as u32);
        largest > 0 && (!english || has_en)
    });
    s
}

fn heldout(suite: &LoadedSuite, set: &str) -> Option<VariantPool> {
    let dir = sims::root().join("tests/data").join(set);
    dir.is_dir()
        .then(|| ailevel::suite::load_variants(&dir, suite).expect("the held-out pool is valid"))
}

fn fast_profile(dir: &Path, cat: &str, level: usize) -> PathBuf {
    sims::fast_profile(dir, &format!("{cat}-l{level}"))
}

fn first_failure(t: &TrialRecord) -> String {
    if let Some(e) = &t.error {
        return format!("device error: {e}");
    }
    for (i, turn) in t.turns.iter().enumerate() {
        if let Some(c) = turn.checks.iter().find(|c| !c.passed) {
            return format!("turn {}: {}", i + 1, c.reason);
        }
    }
    "?".into()
}

/// (own pools, held-out) per simulator, and the failing trials' descriptions.
fn measure(
    rt: &tokio::runtime::Runtime,
    suite: &LoadedSuite,
    pool: Option<&Arc<VariantPool>>,
    profile_path: &Path,
    level: usize,
    public: Public,
) -> ((Tally, Tally), Vec<String>) {
    let (profile, sha) = ailevel::device::load_profile(profile_path, &suite.framework).unwrap();
    let mut own = Tally::default();
    let mut held = Tally::default();
    let mut failures = Vec::new();
    for locale in ["zh-CN", "en"] {
        let sub = subset(
            suite,
            pool.map(|p| p.as_ref()),
            level,
            locale == "en",
            public,
        );
        let adapter = ailevel::device::connect(
            &profile,
            &ailevel::device::ConnectOptions::new(1, sub.actions.clone()),
        )
        .unwrap();
        let opts = RunOptions {
            seed: 1,
            trials_override: None,
            concurrency: 8,
            turn_timeout: Duration::from_secs(10),
            locale: locale.into(),
            quiet: true,
            console_lang: ailevel::msg::Lang::En,
            judge: None,
            retries: 0,
            retry_backoff: Duration::from_millis(1),
            run_retries: None,
            case_timeout: None,
            secret: ailevel::run::blind::Secret::from_hex(&"6a".repeat(32)).unwrap(),
            device_seeds: ailevel::results::DeviceSeeds::Trial,
            phrasing: Phrasing::Drawn,
            variants: pool.cloned(),
        };
        let meta = ProfileMeta {
            path: profile_path.display().to_string(),
            sha256: sha.clone(),
        };
        let r = rt
            .block_on(ailevel::run::run(&sub, &profile, meta, adapter, opts, None))
            .unwrap();
        for c in &r.cases {
            for t in &c.trials {
                let pass = t.outcome == TrialOutcome::Pass;
                let private = t.phrasings.iter().any(|p| p.pool == PhrasingPool::Private);
                if private { &mut held } else { &mut own }.add(pass);
                if !pass {
                    let texts: Vec<&str> = t
                        .turns
                        .iter()
                        .filter_map(|x| x.input.text.as_deref())
                        .collect();
                    failures.push(format!(
                        "{} [{locale}{}] {:?}: {}",
                        c.id,
                        if private { ", held-out" } else { "" },
                        texts,
                        first_failure(t)
                    ));
                }
            }
        }
    }
    ((own, held), failures)
}

#[test]
fn reference_simulators_understand_every_phrasing_within_their_level() {
    let suite = ailevel::suite::load_suite(&sims::root().join("suites"), None).unwrap();
    let pool = heldout(&suite, "heldout").map(Arc::new);
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let verbose = std::env::var_os("GENERALISATION_VERBOSE").is_some();
    let mut table: BTreeMap<(usize, &str), (Tally, Tally)> = BTreeMap::new();
    let mut below = Vec::new();
    for cat in sims::CATEGORIES {
        for level in 2..=4 {
            let profile = fast_profile(dir.path(), cat, level);
            let ((own, held), failures) =
                measure(&rt, &suite, pool.as_ref(), &profile, level, Public::All);
            if verbose {
                for f in &failures {
                    println!("{cat}-l{level}: {f}");
                }
            }
            for (what, t, min) in [
                ("own", own, MIN_SHARE),
                ("held-out", held, MIN_SHARE_HELDOUT),
            ] {
                if t.total > 0 && t.share() < min {
                    below.push(format!("{cat}-l{level} {what}: {}", t.cell()));
                }
            }
            table.insert((level, cat), (own, held));
        }
    }
    println!("\nphrasings passed / sent, cases at or below the simulator's level");
    println!(
        "{:<10} {:<5} {:>22} {:>22}",
        "category", "sim", "own pools", "held-out"
    );
    for ((level, cat), (own, held)) in &table {
        println!(
            "{cat:<10} L{level:<4} {:>22} {:>22}",
            own.cell(),
            held.cell()
        );
    }
    let sent: usize = table.values().map(|(o, h)| o.total + h.total).sum();
    assert!(sent > 5000, "only {sent} trials were sent");
    assert!(
        below.is_empty(),
        "below {:.0} %:\n{}",
        MIN_SHARE * 100.0,
        below.join("\n")
    );
}

/// The blind set: only its phrasings are counted (each case also sends its canonical
/// phrasing once, which is not), and no failing text is printed.
#[test]
fn reference_simulators_understand_rewordings_nobody_tuned_them_to() {
    let suite = ailevel::suite::load_suite(&sims::root().join("suites"), None).unwrap();
    let pool = Arc::new(heldout(&suite, "heldout-b").expect("tests/data/heldout-b exists"));
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut below = Vec::new();
    println!("\nblind rewordings passed / sent, cases at or below the simulator's level");
    for cat in sims::CATEGORIES {
        for level in 2..=4 {
            let profile = fast_profile(dir.path(), cat, level);
            let ((_, blind), _) =
                measure(&rt, &suite, Some(&pool), &profile, level, Public::Canonical);
            println!("{cat:<10} L{level:<4} {:>22}", blind.cell());
            assert!(
                blind.total > 20,
                "{cat}-l{level}: only {} sent",
                blind.total
            );
            if blind.share() < MIN_SHARE_BLIND {
                below.push(format!("{cat}-l{level}: {}", blind.cell()));
            }
        }
    }
    assert!(
        below.is_empty(),
        "below {:.0} % on the blind set:\n{}",
        MIN_SHARE_BLIND * 100.0,
        below.join("\n")
    );
}
