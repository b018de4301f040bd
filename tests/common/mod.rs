//! Helpers shared by the device tests: the real binary, `ailevel sim serve` on a free
//! loopback port, and profiles pointing at it.

#![allow(dead_code)] // each test binary uses its own subset

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub mod catalog;
pub mod qr;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn ailevel() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ailevel"));
    c.current_dir(root());
    c
}

/// A lab in `dir`: a fresh key pair (`lab.key`, `lab.pub`) and `lab.toml`, the example lab
/// file naming that key. Returns the key id `keygen` printed.
pub fn keyed_lab(dir: &Path) -> String {
    let o = ailevel()
        .args(["keygen", "--out"])
        .arg(dir.join("lab"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let id = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("key id:").map(|s| s.trim().to_string()))
        .expect("keygen prints the key id");
    let lab = std::fs::read_to_string(root().join("labs/example-lab.toml"))
        .unwrap()
        .replace(&format!("sha256:{}", "0".repeat(64)), &id);
    std::fs::write(dir.join("lab.toml"), lab).unwrap();
    id
}

/// `ailevel sim serve` on 127.0.0.1:0, killed when dropped.
pub struct SimServer {
    child: Child,
    pub url: String,
}

impl SimServer {
    pub fn start(profile: &str, extra: &[&str]) -> SimServer {
        Self::start_with_env(profile, extra, &[])
    }

    pub fn start_with_env(profile: &str, extra: &[&str], env: &[(&str, &str)]) -> SimServer {
        let mut child = ailevel()
            .args(["sim", "serve", "--device", profile, "--addr", "127.0.0.1:0"])
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ailevel starts");
        let mut line = String::new();
        // The first line is printed before the server takes requests; EOF means it failed.
        let read = BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line);
        let url = match (read, line.trim().strip_prefix("listening on ")) {
            (Ok(n), Some(url)) if n > 0 => url.to_string(),
            _ => {
                let _ = child.kill();
                panic!("sim serve did not start: {line:?}");
            }
        };
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        SimServer { child, url }
    }

    /// An `atp` profile (written as DIR/atp.toml) pointing at this server, with the same
    /// conformance statement as `sim_profile`.
    pub fn profile(&self, dir: &Path, sim_profile: &str) -> PathBuf {
        write(
            dir,
            "atp.toml",
            &profile_like(
                sim_profile,
                &format!("kind = \"atp\"\nbase_url = \"{}\"", self.url),
            ),
        )
    }

    /// Whether the server process has ended (for `--die-after`).
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A profile with the same conformance statement as `sim_profile` (so the same cases apply)
/// and the given `[adapter]` body.
pub fn profile_like(sim_profile: &str, adapter: &str) -> String {
    let text = std::fs::read_to_string(root().join(sim_profile)).unwrap();
    let head = &text[..text.find("[adapter]").expect("an [adapter] table")];
    format!("{head}[adapter]\n{adapter}\n")
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `ailevel run --quiet --trials 1` on a profile; the results and the process output.
pub fn run(profile: &Path, extra: &[&str]) -> (tempfile::TempDir, Option<Value>, Output) {
    let out = tempfile::tempdir().unwrap();
    let output = ailevel()
        .args(["run", "--quiet", "--trials", "1", "--device"])
        .arg(profile)
        .arg("--out")
        .arg(out.path())
        .args(extra)
        .output()
        .unwrap();
    let results = std::fs::read_to_string(out.path().join("results.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (out, results, output)
}

pub fn must(results: Option<Value>, output: &Output) -> Value {
    results.unwrap_or_else(|| {
        panic!(
            "no results.json (exit {:?})\nstdout: {}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `(case id, verdict)` in results order.
pub fn verdicts(r: &Value) -> Vec<(String, String)> {
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every trial's `error.kind`, where there is one.
pub fn trial_errors(r: &Value) -> Vec<String> {
    r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["trials"].as_array().unwrap())
        .filter_map(|t| t["error"]["kind"].as_str().map(str::to_string))
        .collect()
}

/// A loopback port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// `f` of each item, at most `at_once` at a time, each on a thread of its own, the results in
/// the items' order: for runs that mostly wait (on a sim's latency, back-offs, hung calls).
/// A panic in `f` is the caller's panic.
pub fn side_by_side<T: Sync, R: Send>(
    items: &[T],
    at_once: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..at_once.clamp(1, items.len().max(1)))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return done;
                        };
                        done.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}
