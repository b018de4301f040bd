//! The catalogue's store on SQLite and on PostgreSQL (the cluster `scripts/test.sh` starts):
//! the counter's substring search through each backend's trigram index, with the results a
//! plain scan gives, and writers adding and revoking at once.

mod common;

use ailevel::catalog::store::Filter;
use ailevel::catalog::{Entry, NewEntry, Store};
use common::catalog::backends;

fn entry(cert: &str, vendor: &str, model: &str, skus: &[&str], zh: Option<&str>) -> NewEntry {
    NewEntry {
        entry: Entry {
            seq: 0,
            cert_id: cert.into(),
            vendor: vendor.into(),
            model: model.into(),
            firmware: "1.0".into(),
            category: "phone".into(),
            level: Some("L3".into()),
            provisional: false,
            framework: "test 1".into(),
            lab_accreditation: "CNAS L0000".into(),
            lab_name_zh: "实验室".into(),
            lab_name_en: "Lab".into(),
            signing_key_id: "sha256:00".into(),
            issued: "2026-06-01".into(),
            valid_until: None,
            name_zh: zh.map(Into::into),
            name_en: None,
            skus: skus.iter().map(|s| s.to_string()).collect(),
            results_sha256: format!("{:0>64}", cert.len()),
            added_at: "2026-06-01T00:00:00Z".into(),
            added_by: None,
            events: vec![],
        },
        envelope: "{}".into(),
        results: "{}".into(),
    }
}

fn search(store: &mut Store, text: &str, limit: i64) -> Vec<String> {
    store
        .load(&Filter::Search {
            text: text.into(),
            limit,
        })
        .unwrap_or_else(|e| panic!("{}: search {text:?}: {e}", store.shown()))
        .into_iter()
        .map(|e| e.cert_id)
        .collect()
}

#[test]
fn search_finds_substrings_of_names_skus_and_ids_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()) {
        let mut s = Store::open(&db).unwrap();
        for e in [
            entry(
                "CAT-0001",
                "Example",
                "Phone X1",
                &["HW-ENJOY-70"],
                Some("畅享 70 手机"),
            ),
            entry("CAT-0002", "Acme", "SimPhone L3", &["SP-L3-256"], None),
            entry(
                "CAT-0003",
                "Acme",
                "Tablet 9",
                &["TB_9%x"],
                Some("平板电脑"),
            ),
            entry("AIL-20260601-0007", "Other", "Watch", &[], Some("手表")),
        ] {
            s.add(&e).unwrap();
        }
        let cases: &[(&str, &[&str])] = &[
            // Chinese substrings, spacing ignored; two characters or one scan.
            ("畅享70", &["CAT-0001"]),
            ("享 7", &["CAT-0001"]),
            ("手机", &["CAT-0001"]),
            ("机", &["CAT-0001"]),
            ("板电脑", &["CAT-0003"]),
            ("手", &["CAT-0001", "AIL-20260601-0007"]),
            // Latin in any case and width.
            ("SIMPHONE", &["CAT-0002"]),
            ("ｓｉｍＰｈｏｎｅ　ｌ３", &["CAT-0002"]),
            ("phone", &["CAT-0001", "CAT-0002"]),
            ("l3", &["CAT-0002"]),
            ("x", &["CAT-0001", "CAT-0003"]),
            // Vendor and model run together, SKUs, certificate ids.
            ("meSimph", &["CAT-0002"]),
            ("sp-l3-2", &["CAT-0002"]),
            ("20260601", &["AIL-20260601-0007"]),
            ("cat-000", &["CAT-0001", "CAT-0002", "CAT-0003"]),
            // LIKE's wildcards and FTS5's syntax are plain characters.
            ("_9%", &["CAT-0003"]),
            ("9%", &["CAT-0003"]),
            ("b_9", &["CAT-0003"]),
            ("a_9", &[]),
            ("b%x", &[]),
            ("b%", &[]),
            ("%", &["CAT-0003"]),
            ("a\"b", &[]),
            ("\"", &[]),
            ("OR", &[]),
            ("phone OR tablet", &[]),
            ("tab*", &[]),
            // The parts of the key are not run together.
            ("l3cat", &[]),
            ("xyz", &[]),
        ];
        for (q, want) in cases {
            assert_eq!(search(&mut s, q, 50), *want, "{db}: search {q:?}");
        }
        assert_eq!(
            search(&mut s, "cat-000", 2),
            ["CAT-0001", "CAT-0002"],
            "{db}"
        );
        assert_eq!(search(&mut s, "c", 1), ["CAT-0001"], "{db}");
        // Entries added after the index was built are found too.
        s.add(&entry(
            "CAT-0004",
            "Acme",
            "SimPhone L4",
            &[],
            Some("新款手机"),
        ))
        .unwrap();
        assert_eq!(
            search(&mut s, "simphone", 50),
            ["CAT-0002", "CAT-0004"],
            "{db}"
        );
        assert_eq!(search(&mut s, "款手机", 50), ["CAT-0004"], "{db}");
        assert_eq!(s.schema_versions().unwrap(), [1, 2], "{db}");
    }
}

/// Four threads, each with its own connection, add 40 entries each (and all try to add one shared
/// certificate) and revoke some of theirs, while eight `ailevel catalog revoke` processes
/// revoke four older entries, two processes per entry. Every write either happens once or
/// is refused by name; no history row is lost or doubled.
#[test]
fn concurrent_writers_lose_and_double_nothing_on_every_backend() {
    const THREADS: usize = 4;
    const EACH: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()) {
        let mut s = Store::open(&db).unwrap();
        for k in 0..8 {
            s.add(&entry(&format!("BASE-{k}"), "Acme", "Base", &[], None))
                .unwrap();
        }
        drop(s);
        let start = std::sync::Arc::new(std::sync::Barrier::new(THREADS + 1));
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (db, start) = (db.clone(), start.clone());
                std::thread::spawn(move || {
                    let mut s = Store::open(&db).unwrap();
                    start.wait();
                    let mut shared = None;
                    for i in 0..EACH {
                        let cert = format!("T{t}-{i:02}");
                        s.add(&entry(&cert, "Acme", &format!("M{t}"), &[], None))
                            .unwrap_or_else(|e| panic!("{db}: add {cert}: {e}"));
                        if i % 3 == 0 {
                            s.revoke(&cert, "2026-07-01", "own", None)
                                .unwrap_or_else(|e| panic!("{db}: revoke {cert}: {e}"));
                        }
                        if i == EACH / 2 {
                            shared = Some(
                                s.add(&entry("SHARED", "Acme", "Shared", &[], None))
                                    .map_err(|e| e.to_string()),
                            );
                        }
                    }
                    shared.unwrap()
                })
            })
            .collect();
        let revokers: Vec<_> = (0..8)
            .map(|p| {
                common::ailevel()
                    .args(["catalog", "revoke", &format!("BASE-{}", p % 4)])
                    .args(["--reason", &format!("by process {p}"), "--db", &db])
                    .env_remove("AILEVEL_CATALOG")
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        start.wait();
        let shared: Vec<Result<i64, String>> =
            threads.into_iter().map(|t| t.join().unwrap()).collect();
        let outcomes: Vec<(i32, String)> = revokers
            .into_iter()
            .map(|c| {
                let o = c.wait_with_output().unwrap();
                (
                    o.status.code().unwrap_or(-1),
                    String::from_utf8_lossy(&o.stderr).into_owned(),
                )
            })
            .collect();

        assert_eq!(
            shared.iter().filter(|r| r.is_ok()).count(),
            1,
            "{db}: {shared:?}"
        );
        for r in shared.iter().filter_map(|r| r.as_ref().err()) {
            assert!(r.contains("never replaced"), "{db}: {r}");
        }
        assert_eq!(
            outcomes.iter().filter(|o| o.0 == 0).count(),
            4,
            "{db}: {outcomes:?}"
        );
        for (code, err) in outcomes.iter().filter(|o| o.0 != 0) {
            assert!(
                *code == 2 && err.contains("already revoked"),
                "{db}: {code} {err}"
            );
        }

        let mut s = Store::open(&db).unwrap();
        let all = s.load(&Filter::All).unwrap();
        let n = 8 + THREADS * EACH + 1;
        assert_eq!(all.len(), n, "{db}");
        let seqs: Vec<i64> = all.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=n as i64).collect::<Vec<_>>(), "{db}");
        let mut event_seqs = std::collections::BTreeSet::new();
        for e in &all {
            let kinds: Vec<&str> = e.events.iter().map(|v| v.kind.as_str()).collect();
            let revoked = match e.cert_id.split_once('-') {
                Some(("BASE", k)) => k.parse::<usize>().unwrap() < 4,
                Some((t, i)) if t.starts_with('T') => i.parse::<usize>().unwrap() % 3 == 0,
                _ => false,
            };
            let want: &[&str] = if revoked {
                &["added", "revoked"]
            } else {
                &["added"]
            };
            assert_eq!(kinds, want, "{db}: {}", e.cert_id);
            for v in &e.events {
                assert!(event_seqs.insert(v.seq), "{db}: event {} twice", v.seq);
            }
        }
        assert_eq!(event_seqs.len(), n + 4 + THREADS * EACH.div_ceil(3), "{db}");
    }
}
