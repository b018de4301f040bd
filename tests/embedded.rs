//! The binary carries its suites and simulator profiles: copied alone into an empty folder it
//! still grades `sim:phone-l3`; `suites export` writes the checkout's files byte for byte; an
//! explicit `--suite DIR` still wins.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn results(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

/// The binary copied into an empty folder, run from there.
fn lone_binary() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("ailevel");
    std::fs::copy(env!("CARGO_BIN_EXE_ailevel"), &bin).unwrap();
    (dir, bin)
}

/// Run a command, retrying while the kernel says the executable is busy (ETXTBSY): a
/// process another test thread forks while the copy is being written inherits its write
/// handle until it execs. Bounded: 100 tries, 20 ms apart.
trait Output {
    fn output_retrying(&mut self) -> std::process::Output;
}

impl Output for Command {
    fn output_retrying(&mut self) -> std::process::Output {
        for _ in 0..100 {
            match self.output() {
                Err(e) if e.raw_os_error() == Some(26) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                r => return r.unwrap(),
            }
        }
        panic!("the copied binary stayed busy");
    }
}

#[test]
fn the_binary_alone_in_an_empty_folder_grades_sim_phone_l3() {
    let (dir, bin) = lone_binary();
    let out = Command::new(&bin)
        .current_dir(dir.path())
        .args(["run", "--device", "sim:phone-l3", "--quiet"])
        .output_retrying();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let r = results(&dir.path().join("reports/phone-l3"));
    assert_eq!(r["grade"]["level"], "L3");
    assert_eq!(r["device"]["profile"], "sim:phone-l3");
    assert_eq!(r["suite"]["path"], "suites");
    // The same suite as the checkout's: every file recorded with the checkout's hash.
    for f in r["suite"]["files"].as_array().unwrap() {
        let path = common::root()
            .join("suites")
            .join(f["path"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            sha256_hex(&bytes),
            "{}",
            path.display()
        );
    }
    // Nothing but the binary and the run's output is left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["ailevel", "reports"]);

    let out = Command::new(&bin)
        .current_dir(dir.path())
        .args(["list", "--device", "sim:no-such-phone"])
        .output_retrying();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("phone-l3"));
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn export_writes_the_checkouts_files_and_an_exported_suite_can_be_edited() {
    let (dir, bin) = lone_binary();
    let ex = dir.path().join("mine");
    let out = Command::new(&bin)
        .current_dir(dir.path())
        .args(["suites", "export", "mine", "--profiles"])
        .output_retrying();
    assert!(out.status.success(), "{out:?}");
    let mut count = 0;
    for (sub, into) in [
        ("suites", ex.clone()),
        ("devices/sim", ex.join("devices/sim")),
    ] {
        for entry in walk(&common::root().join(sub)) {
            let rel = entry.strip_prefix(common::root().join(sub)).unwrap();
            let got = std::fs::read(into.join(rel))
                .unwrap_or_else(|e| panic!("{} not exported: {e}", rel.display()));
            assert_eq!(got, std::fs::read(&entry).unwrap(), "{}", rel.display());
            count += 1;
        }
    }
    assert!(count > 100);

    // Exporting again over it is refused without --force.
    let again = Command::new(&bin)
        .current_dir(dir.path())
        .args(["suites", "export", "mine"])
        .output_retrying();
    assert_eq!(again.status.code(), Some(2), "{again:?}");

    // An edited export is what --suite reads: drop the L3 case files and L3 is gone.
    let removed: Vec<_> = walk(&ex.join("phone"))
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("l3-"))
        .collect();
    assert!(!removed.is_empty());
    for p in &removed {
        std::fs::remove_file(p).unwrap();
    }
    let out = Command::new(&bin)
        .current_dir(dir.path())
        .args([
            "run",
            "--suite",
            "mine",
            "--device",
            "mine/devices/sim/phone-l3.toml",
            "--trials",
            "1",
            "--quiet",
            "--out",
            "r",
        ])
        .output_retrying();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let r = results(&dir.path().join("r"));
    assert_eq!(r["suite"]["path"], "mine");
    let files: Vec<&str> = r["suite"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        !files.iter().any(|f| f.starts_with("phone/l3-")),
        "{files:?}"
    );
    assert!(files.iter().any(|f| f.starts_with("phone/")));

    // A --suite that is not there is an error, not a silent fallback.
    let out = Command::new(&bin)
        .current_dir(dir.path())
        .args(["list", "--suite", "nowhere", "--device", "sim:phone-l3"])
        .output_retrying();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
