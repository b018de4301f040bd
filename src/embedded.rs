//! The default suites and the reference simulator profiles, built into the binary
//! (`build.rs`), so it works from any directory: `--suite suites` (the default) falls back to
//! them when there is no such directory, `--device sim:NAME` names one of the simulator
//! profiles, and `ailevel suites export DIR` writes them out for editing.
//!
//! The suite loader reads directories, so what a command needs is written once into a
//! private temporary directory, removed when the command ends ([`cleanup`]). The suite's
//! hash is over the files' contents, so an embedded run records the same suite hash as a run
//! from the checkout it was built from.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use crate::schema::Kind;

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

/// The schema the suite loader checks an embedded default suite file against, by its path
/// under [`SUITES`]; `None` for what it does not read as YAML (fixtures).
fn suite_kind(rel: &str) -> Option<Kind> {
    if !rel.ends_with(".yaml") || rel.starts_with("fixtures/") {
        return None;
    }
    Some(match rel {
        "framework.yaml" => Kind::Framework,
        "actions.yaml" => Kind::Actions,
        r if r.starts_with("actions/") => Kind::Actions,
        _ => Kind::Suite,
    })
}

/// Whether `text` is, byte for byte, an embedded default suite file read as `kind`. Those
/// pass their schema (a test below checks every one), so the loader skips validating them
/// again at run time; a user's suite, or an edited copy of the default, is always validated.
pub fn is_default_suite_file(kind: Kind, text: &str) -> bool {
    // Keyed by length, so a lookup compares bytes only with the files of that length and the
    // embedded suites (half a megabyte) are neither hashed nor paged in to build the table.
    type Files = Vec<(&'static [u8], Kind)>;
    static BY_LEN: LazyLock<HashMap<usize, Files>> = LazyLock::new(|| {
        let mut by_len: HashMap<usize, Files> = HashMap::new();
        for (rel, bytes) in under(SUITES) {
            if let Some(k) = suite_kind(rel) {
                by_len.entry(bytes.len()).or_default().push((bytes, k));
            }
        }
        by_len
    });
    BY_LEN.get(&text.len()).is_some_and(|files| {
        files
            .iter()
            .any(|(bytes, k)| *k == kind && *bytes == text.as_bytes())
    })
}

/// The temporary directory, and whether the suites' media fixtures are in it yet.
static EXTRACTED: Mutex<Option<(tempfile::TempDir, bool)>> = Mutex::new(None);

/// The embedded files written into this process's temporary directory (once), and the path
/// of `dir` there.
pub fn extracted(dir: &str) -> io::Result<PathBuf> {
    extract(dir, true)
}

/// [`extracted`] without the media fixtures (about 10 MB), for a command that does not read
/// them; a later [`extracted`] adds them.
pub fn extracted_without_fixtures(dir: &str) -> io::Result<PathBuf> {
    extract(dir, false)
}

fn is_fixture(rel: &str) -> bool {
    rel.split('/').any(|part| part == "fixtures")
}

fn extract(dir: &str, fixtures: bool) -> io::Result<PathBuf> {
    let mut guard = EXTRACTED.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        let tmp = tempfile::Builder::new()
            .prefix("ailevel-embedded-")
            .tempdir()?;
        for root in [SUITES, SIM_PROFILES] {
            write_files(root, &tmp.path().join(root), |rel| !is_fixture(rel))?;
        }
        *guard = Some((tmp, false));
    }
    let (tmp, has_fixtures) = guard.as_mut().expect("just set");
    if fixtures && !*has_fixtures {
        for root in [SUITES, SIM_PROFILES] {
            write_files(root, &tmp.path().join(root), is_fixture)?;
        }
        *has_fixtures = true;
    }
    Ok(tmp.path().join(dir))
}

/// Write the default suites' media fixtures named in `paths` (relative to [`SUITES`]) into
/// the temporary directory beside the suites [`extracted_without_fixtures`] wrote, each once:
/// a run needs only its category's, and each fixture read from the binary is resident memory.
pub fn extract_suite_fixtures<'a>(paths: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
    let wanted: std::collections::BTreeSet<&str> = paths.into_iter().collect();
    extract(SUITES, false)?;
    // Under the lock, so another thread never reads a fixture half-written.
    let guard = EXTRACTED.lock().unwrap_or_else(|e| e.into_inner());
    let Some((tmp, _)) = guard.as_ref() else {
        return Err(io::Error::other("the embedded files were removed"));
    };
    let dest = tmp.path().join(SUITES);
    for (rel, bytes) in under(SUITES).filter(|(rel, _)| wanted.contains(rel)) {
        let path = dest.join(rel);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
    }
    Ok(())
}

/// Write the embedded files under `dir` that `pick` chooses into `dest`, creating folders.
fn write_files(dir: &str, dest: &Path, pick: fn(&str) -> bool) -> io::Result<()> {
    for (rel, bytes) in under(dir).filter(|(rel, _)| pick(rel)) {
        let path = dest.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
    }
    Ok(())
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
    fn every_embedded_suite_file_passes_the_schema_it_is_trusted_for() {
        let mut checked = 0;
        for (rel, bytes) in under(SUITES) {
            let Some(kind) = suite_kind(rel) else {
                continue;
            };
            let text = std::str::from_utf8(bytes).unwrap();
            let value: serde_json::Value = crate::yaml::from_str(Path::new(rel), text).unwrap();
            let violations = crate::schema::validate(kind, &value, 5);
            assert!(violations.is_empty(), "{rel} ({kind:?}): {violations:?}");
            assert!(is_default_suite_file(kind, text), "{rel}");
            checked += 1;
        }
        assert!(checked >= 40, "only {checked} suite files embedded");
        assert_eq!(suite_kind("framework.yaml"), Some(Kind::Framework));
        assert_eq!(suite_kind("actions/pc.yaml"), Some(Kind::Actions));
        assert_eq!(suite_kind("fixtures/a.yaml"), None);
    }

    #[test]
    fn an_edited_default_file_is_not_trusted() {
        let (_, bytes) = under(SUITES)
            .find(|(rel, _)| *rel == "phone/l1-commands.yaml")
            .unwrap();
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(is_default_suite_file(Kind::Suite, text));
        assert!(!is_default_suite_file(Kind::Framework, text));
        assert!(!is_default_suite_file(
            Kind::Suite,
            &format!("{text}\n# edited\n")
        ));
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
