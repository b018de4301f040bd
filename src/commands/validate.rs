//! `ailevel validate [PATH…]`: suite directories, single suite files, frameworks and
//! profiles, every problem reported with its file, line and field.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::Context;
use crate::error::{Error, Problem, Result, chain};
use crate::suite::{self, LoadedSuite};

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Suite directories, suite files, framework files or profiles [default: suites devices].
    pub paths: Vec<PathBuf>,
    /// Suite directory giving the framework and action vocabulary for single files.
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    /// Also check a private variant pool (directory or file) against the suite.
    #[arg(long, value_name = "DIR")]
    pub variants: Option<PathBuf>,
}

impl ValidateArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let paths = if self.paths.is_empty() {
            vec![PathBuf::from("suites"), PathBuf::from("devices")]
        } else {
            self.paths.clone()
        };
        if let Some(pool) = &self.variants {
            let suite = suite::load_suite(&self.suite, None)?;
            let pool = suite::load_variants(pool, &suite)?;
            let _ = writeln!(
                ctx.stdout,
                "ok  {} ({} private phrasings in {} files, SHA-256 {})",
                pool.path.display(),
                pool.phrasings,
                pool.files,
                pool.sha256
            );
            if self.paths.is_empty() {
                return Ok(());
            }
        }
        validate(&paths, &self.suite, ctx.stdout).map(|_| ())
    }
}

/// Check every target below `paths`; returns the number of files checked.
fn validate(paths: &[PathBuf], suite_dir: &Path, w: &mut dyn Write) -> Result<usize> {
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut context: Option<LoadedSuite> = None;
    let mut context_for = |problems: &mut Vec<Problem>| -> Option<LoadedSuite> {
        if context.is_none() {
            match suite::load_suite(suite_dir, None) {
                Ok(s) => context = Some(s),
                Err(Error::Invalid(mut p)) => problems.append(&mut p),
                Err(e) => problems.push(problem_of(suite_dir, &e)),
            }
        }
        context.clone()
    };
    let mut files = Vec::new();
    for p in paths {
        collect_targets(p, &mut files, &mut problems);
    }
    for target in files {
        let result = match &target {
            Target::SuiteDir(d) => suite::load_suite(d, None).map(|s| {
                let _ = writeln!(
                    w,
                    "ok  {} ({} cases in {} files)",
                    d.display(),
                    s.cases.len(),
                    s.files.len()
                );
            }),
            Target::Framework(f) => suite::load_framework(f).map(|_| {
                let _ = writeln!(w, "ok  {}", f.display());
            }),
            Target::SuiteFile(f) => match context_for(&mut problems) {
                Some(ctx) => suite::check_suite_file(f, &ctx).map(|n| {
                    let _ = writeln!(w, "ok  {} ({n} cases)", f.display());
                }),
                None => continue,
            },
            Target::Profile(f) => match context_for(&mut problems) {
                Some(ctx) => crate::device::load_profile(f, &ctx.framework).map(|_| {
                    let _ = writeln!(w, "ok  {}", f.display());
                }),
                None => continue,
            },
        };
        checked += 1;
        match result {
            Ok(()) => {}
            Err(Error::Invalid(mut p)) => problems.append(&mut p),
            Err(e) => problems.push(problem_of(target.path(), &e)),
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        problems.dedup();
        Err(Error::Invalid(problems))
    }
}

fn problem_of(path: &Path, e: &Error) -> Problem {
    problem(path, chain(e))
}

fn problem(path: &Path, message: impl Into<String>) -> Problem {
    Problem {
        file: path.to_path_buf(),
        line: None,
        column: None,
        field: None,
        message: message.into(),
    }
}

enum Target {
    SuiteDir(PathBuf),
    SuiteFile(PathBuf),
    Framework(PathBuf),
    Profile(PathBuf),
}

impl Target {
    fn path(&self) -> &Path {
        match self {
            Target::SuiteDir(p)
            | Target::SuiteFile(p)
            | Target::Framework(p)
            | Target::Profile(p) => p,
        }
    }
}

fn collect_targets(p: &Path, out: &mut Vec<Target>, problems: &mut Vec<Problem>) {
    if p.is_dir() {
        if p.join("framework.yaml").is_file() {
            out.push(Target::SuiteDir(p.to_path_buf()));
            return;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                problems.push(problem_of(
                    p,
                    &Error::Read {
                        path: p.to_path_buf(),
                        source: e,
                    },
                ));
                return;
            }
        };
        entries.sort();
        for e in entries {
            if e.is_dir()
                || matches!(
                    e.extension().and_then(|x| x.to_str()),
                    Some("yaml" | "yml" | "toml")
                )
            {
                collect_targets(&e, out, problems);
            }
        }
        return;
    }
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let yaml = matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml"));
    // A file says what it is by its `schema:` key; the name decides only when it does not.
    let schema = if yaml { schema_of(p) } else { None };
    match p.extension().and_then(|x| x.to_str()) {
        Some("toml") => out.push(Target::Profile(p.to_path_buf())),
        _ if schema.as_deref() == Some(FRAMEWORK_SCHEMA) => {
            out.push(Target::Framework(p.to_path_buf()))
        }
        // The vocabulary is checked with its suite directory.
        _ if schema.as_deref() == Some(ACTIONS_SCHEMA) => {}
        _ if schema.as_deref() == Some(SUITE_SCHEMA) => {
            out.push(Target::SuiteFile(p.to_path_buf()))
        }
        Some("yaml" | "yml") if name.starts_with("framework.") => {
            out.push(Target::Framework(p.to_path_buf()))
        }
        Some("yaml" | "yml")
            if name.starts_with("actions.")
                || p.parent().is_some_and(|d| d.ends_with("actions")) => {}
        Some("yaml" | "yml") => out.push(Target::SuiteFile(p.to_path_buf())),
        _ if !p.exists() => problems.push(problem(p, "no such file or directory")),
        _ => problems.push(problem(p, "not a suite (.yaml) or profile (.toml)")),
    }
}

const FRAMEWORK_SCHEMA: &str = "ailevel.framework/1";
const ACTIONS_SCHEMA: &str = "ailevel.actions/1";
const SUITE_SCHEMA: &str = "ailevel.suite/1";

/// The value of a YAML file's top-level `schema:` key, read without parsing the document
/// (it may be the very thing that is broken).
fn schema_of(path: &Path) -> Option<String> {
    let text = crate::files::read_text(path, crate::yaml::MAX_YAML_BYTES as u64).ok()?;
    text.lines().find_map(|l| {
        let v = l.strip_prefix("schema:")?;
        let v = v.split(" #").next().unwrap_or(v).trim();
        Some(v.trim_matches(['"', '\'']).to_string())
    })
}
