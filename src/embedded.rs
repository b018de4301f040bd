//! The default suites and the reference simulator profiles, built into the binary
//! (`build.rs`), so it works from any directory: `--suite suites` (the default) falls back to
//! them when there is no such directory, `--device sim:NAME` names one of the simulator
//! profiles, and `ailevel suites export DIR` writes them out for editing.
//!
//! The suite loader reads directories, so what a command needs is written once into a
//! private temporary directory, removed when the command ends ([`cleanup`]). The suite's
//! hash is over the files' contents, so an embedded run records the same suite hash as a run
//! from the checkout it was built from.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The directory of the default suites inside [`FILES`].
pub const SUITES: &str = "suites";
/// The directory of the simulator profiles inside [`FILES`].
pub const SIM_PROFILES: &str = "devices/sim";

/// The embedded files under `dir` (a prefix such as [`SUITES`]), with their paths relative
/// to it.
pub fn under(dir: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
    FILES.iter().filter_map(move |(path, bytes)| {
        path.strip_prefix(dir)
            .and_then(|p| p.strip_prefix('/'))
            .map(|rel| (rel, *bytes))
    })
}

/// The names of the embedded simulator profiles (`phone-l3`, …), sorted.
pub fn sim_profiles() -> Vec<&'static str> {
    under(SIM_PROFILES)
        .filter_map(|(rel, _)| rel.strip_suffix(".toml"))
        .filter(|n| !n.contains('/'))
        .collect()
}

/// Write every embedded file under `dir` into `dest`, creating folders; returns how many.
/// An existing file is overwritten only with `overwrite`, else it is an error naming it.
pub fn export(dir: &str, dest: &Path, overwrite: bool) -> io::Result<usize> {
    let mut n = 0;
    for (rel, bytes) in under(dir) {
        let path = dest.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if !overwrite && path.exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists (give --force to overwrite)", path.display()),
            ));
        }
        std::fs::write(&path, bytes)?;
        n += 1;
    }
    Ok(n)
}

static EXTRACTED: Mutex<Option<tempfile::TempDir>> = Mutex::new(None);

/// The embedded files written into this process's temporary directory (once), and the path
/// of `dir` there.
pub fn extracted(dir: &str) -> io::Result<PathBuf> {
    let mut guard = EXTRACTED.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        let tmp = tempfile::Builder::new()
            .prefix("ailevel-embedded-")
            .tempdir()?;
        for root in [SUITES, SIM_PROFILES] {
            export(root, &tmp.path().join(root), true)?;
        }
        *guard = Some(tmp);
    }
    Ok(guard.as_ref().expect("just set").path().join(dir))
}

/// Remove the temporary directory, if one was made. Called when a command ends.
pub fn cleanup() {
    let tmp = EXTRACTED.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(tmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_framework_and_every_reference_profile() {
        assert!(under(SUITES).any(|(rel, _)| rel == "framework.yaml"));
        let profiles = sim_profiles();
        for cat in ["phone", "pc", "tv", "glasses", "car", "speaker", "earphone"] {
            for l in 1..=4 {
                let name = format!("{cat}-l{l}");
                assert!(profiles.contains(&name.as_str()), "{name}");
            }
        }
    }

    #[test]
    fn the_embedded_files_are_the_checkouts() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (path, bytes) in FILES {
            assert_eq!(
                std::fs::read(root.join(path)).unwrap(),
                *bytes,
                "{path} differs from the checkout"
            );
        }
    }
}
