//! Catalogue test helpers: a lab that certifies and signs the reference phone, the
//! `catalog` command, and PostgreSQL databases on the test cluster.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::{ailevel, root};

/// A lab with its key pair, a lab file naming the key, and a policy, in a temp directory.
pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new() -> Lab {
        let dir = tempfile::tempdir().unwrap();
        super::keyed_lab(dir.path());
        // The example policy, open-ended, so the test does not depend on today's date.
        let policy = std::fs::read_to_string(root().join("catalog/example-policy.toml"))
            .unwrap()
            .replace("effective_until = \"2026-12-31\"\n", "")
            .replace(
                "effective_from = \"2026-01-01\"",
                "effective_from = \"2020-01-01\"",
            );
        std::fs::write(dir.path().join("policy.toml"), policy).unwrap();
        Lab { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Certify and sign the L3 phone simulator reporting `firmware`, as the session
    /// numbered `seq`; returns (envelope, results).
    pub fn certified(&self, firmware: &str, seq: u32) -> (PathBuf, PathBuf) {
        self.certified_with(seq, &|p: &str| {
            p.replace(
                "firmware = \"sim-0.1.0\"",
                &format!("firmware = \"{firmware}\""),
            )
        })
    }

    /// The same with the profile's text edited by `edit` (a model name, a vendor).
    pub fn certified_with(&self, seq: u32, edit: &dyn Fn(&str) -> String) -> (PathBuf, PathBuf) {
        let profile =
            edit(&std::fs::read_to_string(root().join("devices/sim/phone-l3.toml")).unwrap());
        let latency = regex::Regex::new(r"(?m)^latency_ms\s*=.*$").unwrap();
        let profile_path = self.path(&format!("phone-{seq}.toml"));
        std::fs::write(
            &profile_path,
            latency.replace(&profile, "latency_ms = [0, 0]").as_ref(),
        )
        .unwrap();
        let session = std::fs::read_to_string(root().join("labs/example-session.toml"))
            .unwrap()
            .replace("sequence = 1", &format!("sequence = {seq}"));
        let session_path = self.path(&format!("session-{seq}.toml"));
        std::fs::write(&session_path, session).unwrap();
        let out = self.path(&format!("out-{seq}"));
        let o = ailevel()
            .args(["run", "--quiet", "--trials", "1", "--certify", "--device"])
            .arg(&profile_path)
            .arg("--lab")
            .arg(self.path("lab.toml"))
            .arg("--session")
            .arg(&session_path)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        let results = out.join("results.json");
        let s = ailevel()
            .arg("sign")
            .arg(&results)
            .arg("--key")
            .arg(self.path("lab.key"))
            .output()
            .unwrap();
        assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
        (out.join("results.dsse.json"), results)
    }
}

/// `ailevel catalog ARGS --db URL`: exit code and stdout + stderr.
pub fn catalog(db: &str, args: &[&str]) -> (i32, String) {
    let o = ailevel()
        .arg("catalog")
        .args(args)
        .args(["--db", db])
        .env_remove("AILEVEL_CATALOG")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A fresh PostgreSQL database on the test cluster, or `None` outside CI without one.
pub fn postgres_db() -> Option<String> {
    let Some(admin) = std::env::var("AILEVEL_TEST_POSTGRES").ok() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "AILEVEL_TEST_POSTGRES is not set: run the tests through scripts/test.sh, which starts a PostgreSQL cluster"
        );
        eprintln!("notice: AILEVEL_TEST_POSTGRES is not set, so the PostgreSQL half did not run");
        return None;
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "ailevel_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        chrono::Utc::now().timestamp_micros()
    );
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to AILEVEL_TEST_POSTGRES: {e}"));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// Every backend a catalogue test runs on: SQLite always, PostgreSQL when there is one.
pub fn backends(dir: &Path) -> Vec<String> {
    let mut v = vec![format!("sqlite:{}", dir.join("catalog.db").display())];
    v.extend(postgres_db());
    v
}
