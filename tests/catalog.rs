//! The catalogue end to end through the real binary, on SQLite and on PostgreSQL: a
//! reference simulator certified and signed, `catalog trust`, `catalog add` refusing what
//! does not verify, `catalog check` eligible, a newer firmware superseding the older one, a
//! revocation making the unit ineligible with its reason, history and exports.
//!
//! PostgreSQL is the throwaway cluster `scripts/test.sh` starts (`scripts/pg-cluster.sh`),
//! named by `AILEVEL_TEST_POSTGRES` (an admin URL); each test makes a database of its own.
//! With `CI` set, a missing URL fails the test; elsewhere the PostgreSQL half says so and is
//! left out.

mod common;

use common::catalog::{Lab, backends, catalog, p};
use serde_json::Value;

#[test]
fn add_check_supersede_revoke_on_every_backend() {
    let lab = Lab::new();
    let (env1, res1) = lab.certified("sim-1.0", 11);
    let (env2, res2) = lab.certified("sim-2.0", 12);
    // A results file edited after signing: one changed byte.
    let tampered = lab.path("tampered.json");
    let text = std::fs::read_to_string(&res1).unwrap();
    std::fs::write(&tampered, text.replacen("SimPhone L3", "SimPhone L4", 1)).unwrap();
    let policy = lab.path("policy.toml");
    for db in backends(lab.dir.path()) {
        let db = db.as_str();
        let (code, out) = catalog(db, &["add", p(&env1), p(&res1)]);
        assert_eq!(code, 2, "{db}: {out}");
        assert!(out.contains("trusts no lab key"), "{db}: {out}");
        let (code, out) = catalog(db, &["trust", p(&lab.path("lab.pub"))]);
        assert_eq!(code, 0, "{db}: {out}");
        assert!(out.starts_with("trusted sha256:"), "{db}: {out}");

        let (code, out) = catalog(db, &["add", p(&env1), p(&tampered), "--lang", "en"]);
        assert_eq!(code, 7, "{db}: {out}");
        assert!(
            out.contains("FAIL subject") && out.contains("NOT added"),
            "{db}: {out}"
        );
        // In Chinese by default, as `verify` prints it.
        let (code, out) = catalog(db, &["add", p(&env1), p(&tampered)]);
        assert_eq!(code, 7, "{db}: {out}");
        assert!(
            out.lines()
                .any(|l| l.starts_with("失败  文件摘要：结果文件的 SHA-256 为 ")),
            "{db}: {out}"
        );
        assert_eq!(out.lines().last(), Some("未录入：证书未通过验证"), "{db}");
        // Another lab's key is not the catalogue's.
        let other = Lab::new();
        let (oenv, ores) = other.certified("sim-1.0", 13);
        let (code, out) = catalog(db, &["add", p(&oenv), p(&ores), "--lang", "en"]);
        assert_eq!(code, 7, "{db}: {out}");
        assert!(out.contains("FAIL signature"), "{db}: {out}");
        let (_, out) = catalog(db, &["list"]);
        assert!(out.ends_with("0 entries\n"), "{db}: {out}");

        let (code, out) = catalog(
            db,
            &[
                "add",
                p(&env1),
                p(&res1),
                "--sku",
                "SP-L3-256",
                "--name-zh",
                "参考手机 L3",
                "--by",
                "operator 1",
            ],
        );
        assert_eq!(code, 0, "{db}: {out}");
        let cert1 = out
            .strip_prefix("added ")
            .and_then(|s| s.split(':').next())
            .unwrap()
            .to_string();
        let (code, out) = catalog(db, &["add", p(&env1), p(&res1)]);
        assert_eq!(code, 2, "{db}: {out}");
        assert!(out.contains("never replaced"), "{db}: {out}");

        let check = |args: &[&str]| {
            let mut a = vec!["check", "--policy", p(&policy), "--lang", "en"];
            a.extend_from_slice(args);
            catalog(db, &a)
        };
        let (code, out) = check(&["--model", "ＳＩＭphone  l3", "--firmware", "sim-1.0"]);
        assert_eq!(code, 0, "{db}: {out}");
        assert!(out.starts_with("ELIGIBLE"), "{db}: {out}");
        let (code, out) = check(&["--sku", "sp-l3-256", "--firmware", "sim-1.0"]);
        assert_eq!(code, 0, "{db}: {out}");
        let (code, out) = check(&["--model", "SimPhone L3", "--firmware", "sim-9"]);
        assert_eq!(code, 1, "{db}: {out}");
        assert!(
            out.contains("FAIL the unit's firmware sim-9 is not certified"),
            "{db}: {out}"
        );

        let (code, out) = catalog(db, &["add", p(&env2), p(&res2)]);
        assert_eq!(code, 0, "{db}: {out}");
        let cert2 = out
            .strip_prefix("added ")
            .and_then(|s| s.split(':').next())
            .unwrap()
            .to_string();
        assert_ne!(cert1, cert2);
        let (_, out) = catalog(db, &["show", &cert1]);
        assert!(
            out.contains(&format!("state        superseded by {cert2}")),
            "{db}: {out}"
        );

        let (code, out) = catalog(
            db,
            &[
                "revoke",
                &cert2,
                "--reason",
                "样品与量产机不符 / sample differs from production",
                "--by",
                "programme office",
            ],
        );
        assert_eq!(code, 0, "{db}: {out}");
        let (code, out) = check(&["--model", "SimPhone L3", "--firmware", "sim-2.0"]);
        assert_eq!(code, 1, "{db}: {out}");
        assert!(out.starts_with("NOT ELIGIBLE"), "{db}: {out}");
        assert!(
            out.contains("FAIL revoked on") && out.contains("sample differs from production"),
            "{db}: {out}"
        );
        // With the newer firmware revoked, the older is certified again.
        let (code, out) = check(&["--cert", &cert1, "--json"]);
        assert_eq!(code, 0, "{db}: {out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["eligible"], true);
        assert_eq!(v["entries"][0]["status"]["state"], "provisional");
        let (code, out) = catalog(db, &["revoke", &cert2, "--reason", "again"]);
        assert_eq!(code, 2, "{db}: {out}");

        let (_, out) = catalog(db, &["show", &cert2, "--json"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        let kinds: Vec<&str> = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["added", "revoked"], "{db}");
        assert_eq!(v["events"][1]["actor"], "programme office");

        let (code, out) = catalog(db, &["export", "--csv"]);
        assert_eq!(code, 0, "{db}: {out}");
        let mut rows = csv::Reader::from_reader(out.as_bytes());
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2, "{db}: {out}");
        assert_eq!((&rows[0][0], &rows[0][1]), (cert1.as_str(), "provisional"));
        assert_eq!((&rows[1][0], &rows[1][1]), (cert2.as_str(), "revoked"));
        assert_eq!(&rows[0][16], "SP-L3-256");
        let (_, out) = catalog(db, &["export", "--json"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        let (_, out) = catalog(db, &["list", "--search", "ｓｐ-l3"]);
        assert!(
            out.contains(&cert1) && out.ends_with("1 entry\n"),
            "{db}: {out}"
        );
    }
}

#[test]
fn unusable_databases_have_their_own_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = catalog("mysql://x/y", &["list"]);
    assert_eq!(code, 2, "{out}");
    let port = common::closed_port();
    let (code, out) = catalog(
        &format!("postgres://u:secret@127.0.0.1:{port}/c"),
        &["list"],
    );
    assert_eq!(code, 8, "{out}");
    assert!(
        out.contains("cannot connect") && !out.contains("secret"),
        "{out}"
    );
    let not_a_db = dir.path().join("x.db");
    std::fs::write(
        &not_a_db,
        "not sqlite at all, just text that is long enough to be a header",
    )
    .unwrap();
    let (code, out) = catalog(&format!("sqlite:{}", not_a_db.display()), &["list"]);
    assert_eq!(code, 8, "{out}");
}
