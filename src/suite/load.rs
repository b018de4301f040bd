//! Loading and validating suite directories and frameworks.
//!
//! Every problem is collected (not just the first), each with its file, line and field, so a
//! suite author fixes a file in one pass.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use base64::Engine;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Problem, Result, chain};
use crate::files::{read_text, schema_problems};
use crate::hash::{combined, sha256_hex};
use crate::schema::Kind;
use crate::suite::model::{
    ActionVocabulary, Case, Check, FileRef, FixtureData, Framework, SetupOp, SuiteFile,
};
use crate::yaml;

/// Largest fixture (audio or image) we read.
const MAX_FIXTURE_BYTES: u64 = 4 * 1024 * 1024;

/// A case together with the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    pub case: Case,
    /// Path relative to the suite directory, with `/` separators.
    pub file: String,
    /// The file's category: a device category or `common`.
    pub category: String,
}

/// A whole suite directory, validated.
#[derive(Debug, Clone)]
pub struct LoadedSuite {
    pub root: PathBuf,
    pub framework: Framework,
    pub framework_sha256: String,
    pub actions: ActionVocabulary,
    pub cases: Vec<LoadedCase>,
    pub files: Vec<FileRef>,
    pub sha256: String,
    /// Audio and image fixtures the cases use, verified against their hashes, by path.
    pub fixtures: BTreeMap<String, FixtureData>,
    /// Which vocabulary file defines each action, by action name.
    pub action_files: BTreeMap<String, String>,
}

impl LoadedSuite {
    /// The actions a device of `category` has: the shared vocabulary, the category's own
    /// file, and any other action its cases (or the common ones) name in a check — a phone
    /// controls media like earphones do, but has no car doors or TV channels. This is what
    /// the `openai` adapter offers a model as tools: the whole category's toolset, never
    /// one case's expected actions.
    /// The media fixtures a device of `category` is sent: those its own cases and the common
    /// ones name.
    pub fn fixture_paths_of(&self, category: &str) -> BTreeSet<&str> {
        self.cases
            .iter()
            .filter(|lc| lc.category == crate::suite::COMMON || lc.category == category)
            .flat_map(|lc| &lc.case.turns)
            .flat_map(|t| [&t.input.audio, &t.input.image])
            .flatten()
            .map(|m| m.file.as_str())
            .collect()
    }

    /// Read, from the suite directory `dir`, the fixtures a device of `category` is sent,
    /// each checked as [`load_suite`] checks them; the others (megabytes of base64 in the
    /// default suites) are never read. For a suite loaded without fixtures.
    pub fn load_fixtures_of(&mut self, dir: &Path, category: &str) -> Result<()> {
        let mut problems = Vec::new();
        let cases = self
            .cases
            .iter()
            .filter(|lc| lc.category == crate::suite::COMMON || lc.category == category);
        self.fixtures = load_fixtures(dir, cases, &mut problems);
        match problems.is_empty() {
            true => Ok(()),
            false => Err(Error::Invalid(problems)),
        }
    }

    pub fn actions_for(&self, category: &str) -> ActionVocabulary {
        let own = self
            .framework
            .categories
            .iter()
            .find(|c| c.id == category)
            .and_then(|c| c.actions.as_deref());
        let mut named: BTreeSet<&str> = BTreeSet::new();
        for lc in self
            .cases
            .iter()
            .filter(|lc| lc.category == category || lc.category == super::COMMON)
        {
            let mut checks: Vec<&Check> = lc.case.turns.iter().flat_map(|t| &t.expect).collect();
            while let Some(check) = checks.pop() {
                match check {
                    Check::Action(a) => named.insert(a.name.as_str()),
                    Check::NoAction(n) | Check::ConfirmBefore(n) => named.insert(n.as_str()),
                    Check::AnyOf(alts) => {
                        checks.extend(alts);
                        false
                    }
                    _ => false,
                };
            }
        }
        let keep = |name: &str| match self.action_files.get(name).map(String::as_str) {
            Some("actions.yaml") | None => true,
            Some(file) => Some(file) == own || named.contains(name),
        };
        ActionVocabulary {
            schema: self.actions.schema.clone(),
            actions: self
                .actions
                .actions
                .iter()
                .filter(|a| keep(&a.name))
                .cloned()
                .collect(),
        }
    }
}

/// Parse a YAML file as `T`: schema first (located, every violation), then serde.
pub(crate) fn parse_yaml<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    kind: Kind,
) -> Result<T, Vec<Problem>> {
    // The embedded default passes its schemas (a test checks), so its unchanged bytes skip
    // validation: most of a default run's start-up time.
    if crate::embedded::is_default_suite_file(kind, text) {
        return yaml::from_str(path, text).map_err(|p| vec![p]);
    }
    // A large suite file is parsed on every core, a run of its cases on each.
    let parse = || match kind {
        Kind::Suite => yaml::value_from_str(path, text, "cases"),
        _ => yaml::from_str(path, text),
    };
    // The schema this file is checked against is compiled on another core while the text is
    // parsed on this one, the first time a file of its kind is not the default.
    let value: Value = if crate::schema::is_ready(kind) {
        parse()
    } else {
        std::thread::scope(|scope| {
            let _ =
                std::thread::Builder::new().spawn_scoped(scope, || crate::schema::prepare(&[kind]));
            parse()
        })
    }
    .map_err(|p| vec![p])?;
    let map = std::cell::OnceCell::new();
    let problems = schema_problems(path, kind, &value, |pointer| {
        let at = yaml::locate(map.get_or_init(|| yaml::locations(text)), pointer);
        (at.map(|a| a.0), at.map(|a| a.1))
    });
    if !problems.is_empty() {
        return Err(problems);
    }
    // The checked tree gives the typed value without parsing the text again; only when it
    // does not fit is the text parsed again, for the error's line and column.
    match serde_json::from_value(value) {
        Ok(parsed) => Ok(parsed),
        Err(_) => yaml::from_str(path, text).map_err(|p| vec![p]),
    }
}

/// Problems found after parsing, located through the document's pointer map.
pub(crate) struct Located<'a> {
    path: &'a Path,
    text: &'a str,
    map: Option<HashMap<String, (usize, usize)>>,
    pub(crate) problems: Vec<Problem>,
}

impl<'a> Located<'a> {
    pub(crate) fn new(path: &'a Path, text: &'a str) -> Self {
        Located {
            path,
            text,
            map: None,
            problems: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, pointer: String, message: String) {
        let map = self.map.get_or_insert_with(|| yaml::locations(self.text));
        let at = yaml::locate(map, &pointer);
        self.problems.push(Problem {
            file: self.path.to_path_buf(),
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
            field: Some(pointer),
            message,
        });
    }
}

/// The suite category of cases every device category runs.
pub const COMMON: &str = "common";

/// A relative path that cannot leave the directory it is relative to.
fn inside(rel: &Path) -> bool {
    !rel.is_absolute()
        && rel.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

/// Load and check `framework.yaml`.
pub fn load_framework(path: &Path) -> Result<(Framework, String)> {
    let text = read_text(path, yaml::MAX_YAML_BYTES as u64)?;
    let fw: Framework = parse_yaml(path, &text, Kind::Framework).map_err(Error::Invalid)?;
    let mut loc = Located::new(path, &text);
    if fw.schema != "ailevel.framework/1" {
        loc.push(
            "/schema".into(),
            format!("expected `ailevel.framework/1`, found `{}`", fw.schema),
        );
    }
    let elements: BTreeSet<&str> = fw.elements.iter().map(|e| e.id.as_str()).collect();
    if elements.len() != fw.elements.len() {
        loc.push("/elements".into(), "element ids are not unique".into());
    }
    let mut levels = BTreeSet::new();
    for (i, level) in fw.levels.iter().enumerate() {
        if !levels.insert(level.id.as_str()) {
            loc.push(
                format!("/levels/{i}/id"),
                format!("level `{}` is listed twice", level.id),
            );
        }
        for (j, e) in level.primary_elements.iter().enumerate() {
            if !elements.contains(e.as_str()) {
                loc.push(
                    format!("/levels/{i}/primary_elements/{j}"),
                    format!("unknown element `{e}`"),
                );
            }
        }
        if level.default_trials == 0 {
            loc.push(
                format!("/levels/{i}/default_trials"),
                "must be at least 1".into(),
            );
        }
    }
    if fw.levels.is_empty() {
        loc.push("/levels".into(), "at least one level is required".into());
    }
    let features: BTreeSet<&str> = fw.features.iter().map(|f| f.id.as_str()).collect();
    let mut categories = BTreeSet::new();
    for (i, c) in fw.categories.iter().enumerate() {
        if c.id == COMMON {
            loc.push(
                format!("/categories/{i}/id"),
                format!("`{COMMON}` names the suites every category runs; it cannot be a category"),
            );
        } else if !categories.insert(c.id.as_str()) {
            loc.push(
                format!("/categories/{i}/id"),
                format!("category `{}` is listed twice", c.id),
            );
        }
        for (j, f) in c.required_features.iter().enumerate() {
            if !features.contains(f.as_str()) {
                loc.push(
                    format!("/categories/{i}/required_features/{j}"),
                    format!("unknown feature `{f}`"),
                );
            }
        }
        if let Some(a) = &c.actions
            && !inside(Path::new(a))
        {
            loc.push(
                format!("/categories/{i}/actions"),
                format!("`{a}` must be a path inside the suite directory"),
            );
        }
    }
    if !loc.problems.is_empty() {
        return Err(Error::Invalid(loc.problems));
    }
    Ok((fw, sha256_hex(text.as_bytes())))
}

pub(crate) fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        // `fixtures/` holds media and the generator's own manifests, not cases.
        if path.is_dir() && path.file_name().is_some_and(|n| n == "fixtures") {
            continue;
        }
        if path.is_dir() {
            yaml_files(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

pub(crate) fn rel(root: &Path, path: &Path) -> String {
    let r = path.strip_prefix(root).unwrap_or(path);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Load a suite directory: `framework.yaml` (unless `framework` overrides it), the action
/// vocabulary (`actions.yaml`, `actions/*.yaml`), and every other `*.yaml` below it, except
/// under `fixtures/`, as a suite file.
pub fn load_suite(root: &Path, framework: Option<&Path>) -> Result<LoadedSuite> {
    load(root, framework, true)
}

/// [`load_suite`] without reading the media fixtures the cases name (about 10 MB for the
/// default suites): for commands that only show the cases, such as `list`. Its `fixtures`
/// are empty and the cases' fixture references are not checked.
pub fn load_suite_without_fixtures(root: &Path, framework: Option<&Path>) -> Result<LoadedSuite> {
    load(root, framework, false)
}

fn load(root: &Path, framework: Option<&Path>, with_fixtures: bool) -> Result<LoadedSuite> {
    if !root.is_dir() {
        return Err(Error::invalid(root, "not a suite directory"));
    }
    let fw_path = framework
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join("framework.yaml"));
    let (fw, fw_hash) = load_framework(&fw_path)?;
    let (actions, action_files, mut files) = load_actions(root, &fw)?;
    let vocabularies: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();

    let mut paths = Vec::new();
    yaml_files(root, &mut paths)?;
    paths.sort();
    let mut problems = Vec::new();
    let mut cases = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    let ctx = CaseContext::new(&fw, &actions);
    let suite_files: Vec<(PathBuf, String)> = paths
        .into_iter()
        .map(|path| {
            let relpath = rel(root, &path);
            (path, relpath)
        })
        .filter(|(path, relpath)| {
            !(*path == fw_path
                || relpath == "framework.yaml"
                || relpath.starts_with("actions/")
                || vocabularies.contains(relpath))
        })
        .collect();
    // Reading and parsing the files is most of a load: it runs on every core; the checks,
    // which see every file before it (duplicate ids), then run in path order.
    let parsed = on_every_core(&suite_files, |(path, _)| parse_suite_file(path));
    for ((path, relpath), parsed) in suite_files.into_iter().zip(parsed) {
        match parsed.and_then(|(text, file)| {
            check_suite_file_cases(&path, &relpath, text, file, &ctx, &mut seen)
        }) {
            Ok((mut loaded, file_ref)) => {
                cases.append(&mut loaded);
                files.push(file_ref);
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    let fixtures = if problems.is_empty() && with_fixtures {
        load_fixtures(root, cases.iter(), &mut problems)
    } else {
        BTreeMap::new()
    };
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let parts: Vec<(String, String)> = std::iter::once(("framework".to_string(), fw_hash.clone()))
        .chain(files.iter().map(|f| (f.path.clone(), f.sha256.clone())))
        .collect();
    Ok(LoadedSuite {
        root: root.to_path_buf(),
        framework: fw,
        framework_sha256: fw_hash,
        actions,
        cases,
        sha256: combined(&parts),
        files,
        fixtures,
        action_files,
    })
}

/// Read every fixture the cases name, once, checking its hash: a fixture that does not
/// match its recorded SHA-256 is a suite error, never a silently different test.
fn load_fixtures<'a>(
    root: &Path,
    cases: impl Iterator<Item = &'a LoadedCase>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, FixtureData> {
    let mut out = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut jobs = Vec::new();
    for lc in cases {
        for (t, turn) in lc.case.turns.iter().enumerate() {
            for (kind, media) in [("audio", &turn.input.audio), ("image", &turn.input.image)] {
                let Some(m) = media else { continue };
                if seen.contains(&m.file) {
                    continue;
                }
                let problem = |message: String| Problem {
                    file: root.join(&lc.file),
                    line: None,
                    column: None,
                    field: Some(format!("case {} turn {} input.{kind}", lc.case.id, t + 1)),
                    message,
                };
                let rel = Path::new(&m.file);
                if rel.is_absolute()
                    || rel
                        .components()
                        .any(|c| matches!(c, std::path::Component::ParentDir))
                {
                    problems.push(problem(format!(
                        "fixture path `{}` must stay inside the suite directory",
                        m.file
                    )));
                    continue;
                }
                let format = match rel.extension().and_then(|e| e.to_str()) {
                    Some("wav") if kind == "audio" => "wav",
                    Some("png") if kind == "image" => "png",
                    Some("jpg" | "jpeg") if kind == "image" => "jpeg",
                    _ => {
                        problems.push(problem(format!(
                            "`{}`: {kind} fixtures must be .wav (audio) or .png/.jpg (image)",
                            m.file
                        )));
                        continue;
                    }
                };
                seen.insert(m.file.clone());
                jobs.push((problem(String::new()), m, format));
            }
        }
    }
    // Reading, hashing and encoding the fixtures (about 10 MB for the default suites) is most
    // of a load's time after parsing; it runs on every core, then merges in case order.
    let done = on_every_core(&jobs, |(_, m, format)| fixture(root, m, format));
    for ((mut problem, m, _), result) in jobs.into_iter().zip(done) {
        match result {
            Ok(data) => {
                out.insert(m.file.clone(), data);
            }
            Err(message) => {
                problem.message = message;
                problems.push(problem);
            }
        }
    }
    out
}

/// `f` of each item, each taken by the next free core, the results in the items' order.
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    // Each thread takes the next item when it is free, so one large file does not leave the
    // other cores idle behind a fixed share.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut all = std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in others {
            all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// One fixture read and checked against the hash its case records.
fn fixture(
    root: &Path,
    m: &crate::suite::model::MediaRef,
    format: &str,
) -> std::result::Result<FixtureData, String> {
    let bytes =
        read_fixture(root, Path::new(&m.file)).map_err(|why| format!("`{}` {why}", m.file))?;
    let actual = sha256_hex(&bytes);
    if actual != m.sha256 {
        return Err(format!(
            "`{}` has SHA-256 {actual}, the suite says {}; regenerate the fixture or fix the hash",
            m.file, m.sha256
        ));
    }
    Ok(FixtureData {
        path: m.file.clone(),
        sha256: actual,
        format: format.to_string(),
        data_b64: base64::engine::general_purpose::STANDARD
            .encode(&bytes)
            .into(),
    })
}

/// A fixture's bytes: a regular file (not a symlink, a device or a pipe) whose real path is
/// inside the suite directory, of at most [`MAX_FIXTURE_BYTES`]. A suite is input from
/// whoever wrote it; a fixture linked to `/etc/passwd` would otherwise travel to the device
/// and into every report.
fn read_fixture(root: &Path, rel: &Path) -> std::result::Result<Vec<u8>, String> {
    let path = root.join(rel);
    let meta = std::fs::symlink_metadata(&path).map_err(|e| format!("cannot be read: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err("is a symbolic link; fixtures must be regular files in the suite".into());
    }
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    let real = std::fs::canonicalize(&path).map_err(|e| format!("cannot be read: {e}"))?;
    let real_root = std::fs::canonicalize(root).map_err(|e| format!("cannot be read: {e}"))?;
    if !real.starts_with(&real_root) {
        return Err(format!(
            "resolves to `{}`, outside the suite directory",
            real.display()
        ));
    }
    crate::files::read_bytes(&real, MAX_FIXTURE_BYTES).map_err(|e| match e {
        Error::Invalid(p) => p
            .into_iter()
            .map(|p| p.message)
            .collect::<Vec<_>>()
            .join("; "),
        e => chain(&e),
    })
}

/// Parse and check one suite file; `seen` maps case ids to files, to catch duplicates.
/// A suite file read and parsed, not yet checked.
fn parse_suite_file(path: &Path) -> Result<(String, SuiteFile), Vec<Problem>> {
    let text = match read_text(path, yaml::MAX_YAML_BYTES as u64) {
        Ok(t) => t,
        Err(Error::Invalid(p)) => return Err(p),
        Err(e) => {
            return Err(vec![Problem {
                file: path.to_path_buf(),
                line: None,
                column: None,
                field: None,
                message: chain(&e),
            }]);
        }
    };
    let file: SuiteFile = parse_yaml(path, &text, Kind::Suite)?;
    Ok((text, file))
}

/// A parsed suite file's cases checked against the framework, the vocabulary and the case
/// ids of the files before it (`seen`).
fn check_suite_file_cases(
    path: &Path,
    relpath: &str,
    text: String,
    file: SuiteFile,
    ctx: &CaseContext<'_>,
    seen: &mut HashMap<String, String>,
) -> Result<(Vec<LoadedCase>, FileRef), Vec<Problem>> {
    let mut loc = Located::new(path, &text);
    if file.schema != "ailevel.suite/1" {
        loc.push(
            "/schema".into(),
            format!("expected `ailevel.suite/1`, found `{}`", file.schema),
        );
    }
    if file.category != COMMON && !ctx.fw.categories.iter().any(|c| c.id == file.category) {
        loc.push(
            "/category".into(),
            format!("category `{}` is not in the framework", file.category),
        );
    }
    for (i, case) in file.cases.iter().enumerate() {
        ctx.check_case(case, &format!("/cases/{i}"), &mut loc);
        if let Some(other) = seen.insert(case.id.clone(), relpath.to_string()) {
            loc.push(
                format!("/cases/{i}/id"),
                format!("duplicate case id `{}` (also in {other})", case.id),
            );
        }
    }
    if !loc.problems.is_empty() {
        return Err(loc.problems);
    }
    let file_ref = FileRef {
        path: relpath.to_string(),
        sha256: sha256_hex(text.as_bytes()),
    };
    let cases = file
        .cases
        .into_iter()
        .map(|case| LoadedCase {
            case,
            file: relpath.to_string(),
            category: file.category.clone(),
        })
        .collect();
    Ok((cases, file_ref))
}

/// Check a single suite file against an already loaded suite's framework and vocabulary
/// (ids may repeat those of the loaded suite: the file is usually part of it).
pub fn check_suite_file(path: &Path, suite: &LoadedSuite) -> Result<usize> {
    let ctx = CaseContext::new(&suite.framework, &suite.actions);
    let mut seen = HashMap::new();
    let (cases, _) = parse_suite_file(path)
        .and_then(|(text, file)| {
            check_suite_file_cases(
                path,
                &path.display().to_string(),
                text,
                file,
                &ctx,
                &mut seen,
            )
        })
        .map_err(Error::Invalid)?;
    Ok(cases.len())
}

/// The action vocabulary: `actions.yaml`, shared by all categories, plus each category's own
/// file as the framework names it (`categories[].actions`; one file per category keeps the
/// vocabulary reviewable), when it is there: a suite directory may hold only some
/// categories. A file in `actions/` that no category names is an error, never silently
/// left out, and a name defined twice is an error naming both files.
type Vocabulary = (ActionVocabulary, BTreeMap<String, String>, Vec<FileRef>);

fn load_actions(root: &Path, fw: &Framework) -> Result<Vocabulary> {
    let named: BTreeSet<&str> = fw
        .categories
        .iter()
        .filter_map(|c| c.actions.as_deref())
        .collect();
    let mut paths = vec![root.join("actions.yaml")];
    paths.extend(
        named
            .iter()
            .map(|rel| root.join(rel))
            .filter(|p| p.is_file()),
    );
    let mut problems = Vec::new();
    if let Ok(rd) = std::fs::read_dir(root.join("actions")) {
        let mut unnamed: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml"))
                    && !named.contains(rel(root, p).as_str())
            })
            .collect();
        unnamed.sort();
        for p in unnamed {
            problems.push(Problem {
                file: p,
                line: None,
                column: None,
                field: None,
                message:
                    "no category of the framework names this vocabulary (`categories[].actions`)"
                        .into(),
            });
        }
    }
    let mut merged = ActionVocabulary {
        schema: "ailevel.actions/1".into(),
        actions: Vec::new(),
    };
    let mut files = Vec::new();
    let mut origins = BTreeMap::new();
    let mut defined: HashMap<String, String> = HashMap::new();
    for path in paths {
        let text = read_text(&path, yaml::MAX_YAML_BYTES as u64)?;
        let vocab: ActionVocabulary = match parse_yaml(&path, &text, Kind::Actions) {
            Ok(v) => v,
            Err(mut p) => {
                problems.append(&mut p);
                continue;
            }
        };
        let relpath = rel(root, &path);
        if let Err(Error::Invalid(mut p)) =
            check_actions(&path, &text, &vocab, &relpath, &mut defined)
        {
            problems.append(&mut p);
        }
        for a in &vocab.actions {
            origins.insert(a.name.clone(), relpath.clone());
        }
        files.push(FileRef {
            path: relpath,
            sha256: sha256_hex(text.as_bytes()),
        });
        merged.actions.extend(vocab.actions);
    }
    if problems.is_empty() {
        Ok((merged, origins, files))
    } else {
        Err(Error::Invalid(problems))
    }
}

fn check_actions(
    path: &Path,
    text: &str,
    actions: &ActionVocabulary,
    relpath: &str,
    defined: &mut HashMap<String, String>,
) -> Result<()> {
    let mut loc = Located::new(path, text);
    if actions.schema != "ailevel.actions/1" {
        loc.push(
            "/schema".into(),
            format!("expected `ailevel.actions/1`, found `{}`", actions.schema),
        );
    }
    for (i, a) in actions.actions.iter().enumerate() {
        if let Some(other) = defined.insert(a.name.clone(), relpath.to_string()) {
            loc.push(
                format!("/actions/{i}/name"),
                format!("duplicate action `{}` (also in {other})", a.name),
            );
        }
        if let Err(e) = jsonschema::validator_for(&a.args) {
            loc.push(
                format!("/actions/{i}/args"),
                format!("not a valid JSON Schema: {e}"),
            );
        }
    }
    if loc.problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(loc.problems))
    }
}

/// What a case may refer to: the framework's ids and the action vocabulary.
struct CaseContext<'a> {
    fw: &'a Framework,
    actions: BTreeSet<&'a str>,
    features: BTreeSet<&'a str>,
}

impl<'a> CaseContext<'a> {
    fn new(fw: &'a Framework, actions: &'a ActionVocabulary) -> Self {
        CaseContext {
            fw,
            actions: actions.actions.iter().map(|a| a.name.as_str()).collect(),
            features: fw.features.iter().map(|f| f.id.as_str()).collect(),
        }
    }

    fn check_case(&self, case: &Case, at: &str, loc: &mut Located<'_>) {
        if !self.fw.levels.iter().any(|l| l.id == case.level) {
            loc.push(
                format!("{at}/level"),
                format!("level `{}` is not in the framework", case.level),
            );
        }
        if !self.fw.elements.iter().any(|e| e.id == case.element) {
            loc.push(
                format!("{at}/element"),
                format!("element `{}` is not in the framework", case.element),
            );
        }
        for (i, f) in case.features.iter().enumerate() {
            if !self.features.contains(f.as_str()) {
                loc.push(
                    format!("{at}/features/{i}"),
                    format!("unknown feature `{f}`"),
                );
            }
        }
        let names: BTreeSet<&String> = case
            .params
            .first()
            .map(|r| r.keys().collect())
            .unwrap_or_default();
        for (i, row) in case.params.iter().enumerate() {
            if row.keys().collect::<BTreeSet<_>>() != names {
                loc.push(
                    format!("{at}/params/{i}"),
                    "every params row must have the same names as the first".into(),
                );
            }
        }
        for name in crate::suite::params::used(case) {
            if !names.contains(&name) {
                loc.push(
                    format!("{at}/turns"),
                    format!("`${{{name}}}` is used but not defined in `params`"),
                );
            }
        }
        for (i, op) in case.setup.iter().enumerate() {
            if let SetupOp::SetClock { now } = op
                && !now.contains("${")
                && chrono::DateTime::parse_from_rfc3339(now).is_err()
            {
                loc.push(
                    format!("{at}/setup/{i}/now"),
                    format!("`{now}` is not an RFC 3339 time"),
                );
            }
        }
        let checks = case.turns.iter().flat_map(|t| &t.expect);
        if case.mandatory
            && checks.clone().any(|c| matches!(c, Check::Judge(_)))
            && checks.clone().all(|c| matches!(c, Check::Judge(_)))
        {
            loc.push(
                format!("{at}/mandatory"),
                "a mandatory case cannot rest on judge checks alone: add a deterministic check"
                    .into(),
            );
        }
        for (t, turn) in case.turns.iter().enumerate() {
            let input = &turn.input;
            if input.text.is_none()
                && input.event.is_none()
                && input.audio.is_none()
                && input.image.is_none()
            {
                loc.push(
                    format!("{at}/turns/{t}/input"),
                    "an input needs `text`, `event`, `audio` or `image`".into(),
                );
            }
            for (key, phrasings) in [("text", &input.text), ("text_en", &input.text_en)] {
                let Some(phrasings) = phrasings else { continue };
                let items = phrasings.items();
                for (i, p) in items.iter().enumerate() {
                    let here = match phrasings {
                        crate::suite::model::Phrasings::One(_) => {
                            format!("{at}/turns/{t}/input/{key}")
                        }
                        crate::suite::model::Phrasings::Many(_) => {
                            format!("{at}/turns/{t}/input/{key}/{i}")
                        }
                    };
                    if p.trim().is_empty() {
                        loc.push(here, "a phrasing cannot be empty".into());
                    } else if items[..i].contains(p) {
                        loc.push(here, format!("phrasing `{p}` is listed twice"));
                    }
                }
            }
            for (c, check) in turn.expect.iter().enumerate() {
                let here = format!("{at}/turns/{t}/expect/{c}");
                self.check_check(check, &here, loc);
            }
        }
    }

    fn check_check(&self, check: &Check, at: &str, loc: &mut Located<'_>) {
        match check {
            Check::Matches(re) => {
                // Parsed, not compiled: the same syntax errors, with the same text, as
                // `Regex::new` gives, for a fraction of the cost; a run compiles the patterns
                // of the cases it runs (`score::Evaluator`).
                if let Err(e) = regex_syntax::Parser::new().parse(re) {
                    loc.push(format!("{at}/matches"), format!("invalid regex: {e}"));
                }
            }
            Check::Action(a) => {
                if !self.actions.contains(a.name.as_str()) {
                    loc.push(
                        format!("{at}/action/name"),
                        format!("action `{}` is not in actions.yaml", a.name),
                    );
                }
            }
            Check::NoAction(name) | Check::ConfirmBefore(name) => {
                if name != "*" && !self.actions.contains(name.as_str()) {
                    loc.push(
                        at.to_string(),
                        format!("action `{name}` is not in actions.yaml"),
                    );
                }
            }
            Check::State(s) => {
                if !(s.pointer.is_empty() || s.pointer.starts_with('/')) {
                    loc.push(
                        format!("{at}/state/pointer"),
                        format!(
                            "`{}` is not a JSON pointer (must start with `/`)",
                            s.pointer
                        ),
                    );
                }
            }
            Check::Contains(v) | Check::NotContains(v) => {
                if v.items().iter().any(|s| crate::text::fold(s).is_empty()) {
                    loc.push(at.to_string(), "an empty string matches every reply".into());
                }
            }
            Check::AnyOf(alts) => {
                if alts.len() < 2 {
                    loc.push(
                        format!("{at}/any_of"),
                        "`any_of` needs at least two ways".into(),
                    );
                }
                for (i, c) in alts.iter().enumerate() {
                    let here = format!("{at}/any_of/{i}");
                    if matches!(c, Check::Judge(_)) {
                        loc.push(here, "a `judge` check cannot be one way of `any_of`".into());
                    } else {
                        self.check_check(c, &here, loc);
                    }
                }
            }
            Check::LatencyMs(_) | Check::ServedBy(_) | Check::Judge(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_refused_as_the_regex_crate_refuses_it() {
        for p in [
            "(unclosed",
            "[z-a]",
            r"\p{NoSuchClass}",
            "a{2,1}",
            "(?P<n>a)(?P<n>b)",
            "*",
        ] {
            let ours = regex_syntax::Parser::new()
                .parse(p)
                .map_err(|e| e.to_string());
            let theirs = regex::Regex::new(p).map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(ours.err(), theirs.err(), "{p}");
        }
        for p in [r"^\d{2}:\d{2}$", r"(?i)\bhello\b", "天气|气温"] {
            assert!(regex_syntax::Parser::new().parse(p).is_ok(), "{p}");
        }
    }

    /// `parse_yaml` takes the typed value from the schema-checked tree, not from a second
    /// parse of the text: for every suite, vocabulary, framework and variant file we ship or
    /// test with, both give the same value.
    #[test]
    fn the_checked_tree_gives_what_parsing_the_text_gives() {
        fn same<T: DeserializeOwned + PartialEq + std::fmt::Debug>(rel: &str, text: &str) {
            let path = Path::new(rel);
            let direct: T = yaml::from_str(path, text).unwrap();
            let value: Value = yaml::from_str(path, text).unwrap();
            let via_tree: T = serde_json::from_value(value).unwrap();
            assert_eq!(direct, via_tree, "{rel}");
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["suites", "tests/data/heldout", "tests/data/heldout-b"] {
            yaml_files(&root.join(dir), &mut files).unwrap();
        }
        let mut kinds = BTreeMap::new();
        for path in files {
            let rel = rel(root, &path);
            let text = std::fs::read_to_string(&path).unwrap();
            let kind = if rel.starts_with("tests/") {
                same::<crate::suite::model::VariantFile>(&rel, &text);
                "variants"
            } else if rel.ends_with("framework.yaml") {
                same::<Framework>(&rel, &text);
                "framework"
            } else if rel.contains("actions") {
                same::<ActionVocabulary>(&rel, &text);
                "actions"
            } else {
                same::<SuiteFile>(&rel, &text);
                "suite"
            };
            *kinds.entry(kind).or_insert(0) += 1;
        }
        assert!(kinds["suite"] >= 35 && kinds["variants"] >= 10, "{kinds:?}");
    }

    #[test]
    fn a_run_reads_only_the_fixtures_its_category_and_common_send() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("suites");
        let mut suite = load_suite_without_fixtures(&root, None).unwrap();
        assert!(suite.fixtures.is_empty());
        let sent_by = |suite: &LoadedSuite, cat: &str| -> BTreeSet<String> {
            suite
                .cases
                .iter()
                .filter(|lc| lc.category == cat)
                .flat_map(|lc| &lc.case.turns)
                .flat_map(|t| [&t.input.audio, &t.input.image])
                .flatten()
                .map(|m| m.file.clone())
                .collect()
        };
        let phone = sent_by(&suite, "phone");
        let common = sent_by(&suite, crate::suite::COMMON);
        let glasses = sent_by(&suite, "glasses");
        let only_glasses: Vec<&String> = glasses
            .iter()
            .filter(|f| !phone.contains(*f) && !common.contains(*f))
            .collect();
        assert!(!phone.is_empty() && !only_glasses.is_empty());
        suite.load_fixtures_of(&root, "phone").unwrap();
        for f in phone.iter().chain(&common) {
            assert!(suite.fixtures.contains_key(f), "{f} dropped");
        }
        for f in &only_glasses {
            assert!(!suite.fixtures.contains_key(*f), "{f} kept");
        }
        // A tampered fixture fails the run of the category that sends it, and only that one.
        let tamper = |suite: &mut LoadedSuite, file: &str| {
            for lc in &mut suite.cases {
                for t in &mut lc.case.turns {
                    for m in [&mut t.input.audio, &mut t.input.image]
                        .into_iter()
                        .flatten()
                    {
                        if m.file == file {
                            m.sha256 = "0".repeat(64);
                        }
                    }
                }
            }
        };
        let glasses_only = only_glasses[0].clone();
        tamper(&mut suite, &glasses_only);
        suite.load_fixtures_of(&root, "phone").unwrap();
        let err = suite
            .load_fixtures_of(&root, "glasses")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&glasses_only) && err.contains("SHA-256"),
            "{err}"
        );
        let phone_one = phone.iter().next().unwrap().clone();
        tamper(&mut suite, &phone_one);
        let err = suite
            .load_fixtures_of(&root, "phone")
            .unwrap_err()
            .to_string();
        assert!(err.contains(&phone_one), "{err}");
    }
}
