//! `ailevel validate [PATH…]`: suite directories, single suite files, frameworks, profiles,
//! lab files, session (run) files and catalogue policies, every problem reported with its
//! file, line and field. A file says what it is by its `schema` key (`--kind` overrides);
//! a TOML file without one is a device profile.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::Context;
use crate::error::{Error, Problem, Result, chain};
use crate::suite::{self, LoadedSuite};

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Suite directories, suite files, framework files, profiles, lab, session and policy
    /// files [default: suites devices, and labs when there is one].
    pub paths: Vec<PathBuf>,
    /// Check every file named (and every file in the directories named) as this kind,
    /// whatever its `schema` key or name says.
    #[arg(long, value_enum)]
    pub kind: Option<FileKind>,
    /// Suite directory giving the framework and action vocabulary for single files.
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    /// Also check a private variant pool (directory or file) against the suite.
    #[arg(long, value_name = "DIR")]
    pub variants: Option<PathBuf>,
}

/// What `--kind` makes of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileKind {
    Suite,
    Framework,
    Profile,
    Lab,
    /// A session file: one run's people, sample, environment and equipment.
    #[value(alias = "run")]
    Session,
    Policy,
}

impl ValidateArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let paths = if self.paths.is_empty() {
            let mut p = vec![PathBuf::from("suites"), PathBuf::from("devices")];
            if Path::new("labs").is_dir() {
                p.push(PathBuf::from("labs"));
            }
            p
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
        validate(&paths, &self.suite, self.kind, ctx.stdout).map(|_| ())
    }
}

/// Check every target below `paths`; returns the number of files checked.
fn validate(
    paths: &[PathBuf],
    suite_dir: &Path,
    kind: Option<FileKind>,
    w: &mut dyn Write,
) -> Result<usize> {
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
        collect_targets(p, kind, &mut files, &mut problems);
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
            Target::Lab(f) => crate::lab::load_lab(f).map(|_| {
                let _ = writeln!(w, "ok  {} (lab file)", f.display());
            }),
            Target::Session(f) => crate::lab::load_session(f).map(|_| {
                let _ = writeln!(w, "ok  {} (session file)", f.display());
            }),
            Target::Policy(f) => crate::catalog::policy::load(f).map(|_| {
                let _ = writeln!(w, "ok  {} (catalogue policy)", f.display());
            }),
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
    Lab(PathBuf),
    Session(PathBuf),
    Policy(PathBuf),
}

impl Target {
    fn path(&self) -> &Path {
        match self {
            Target::SuiteDir(p)
            | Target::SuiteFile(p)
            | Target::Framework(p)
            | Target::Profile(p)
            | Target::Lab(p)
            | Target::Session(p)
            | Target::Policy(p) => p,
        }
    }
}

fn collect_targets(
    p: &Path,
    kind: Option<FileKind>,
    out: &mut Vec<Target>,
    problems: &mut Vec<Problem>,
) {
    if p.is_dir() {
        if kind.is_none() && p.join("framework.yaml").is_file() {
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
                collect_targets(&e, kind, out, problems);
            }
        }
        return;
    }
    let owned = p.to_path_buf();
    if let Some(k) = kind {
        if !p.exists() {
            problems.push(problem(p, "no such file or directory"));
            return;
        }
        out.push(match k {
            FileKind::Suite => Target::SuiteFile(owned),
            FileKind::Framework => Target::Framework(owned),
            FileKind::Profile => Target::Profile(owned),
            FileKind::Lab => Target::Lab(owned),
            FileKind::Session => Target::Session(owned),
            FileKind::Policy => Target::Policy(owned),
        });
        return;
    }
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let yaml = matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml"));
    // A file says what it is by its `schema:` key; the name decides only when it does not.
    let schema = if yaml { schema_of(p) } else { None };
    match p.extension().and_then(|x| x.to_str()) {
        Some("toml") => match toml_schema_of(p).as_deref() {
            None => out.push(Target::Profile(owned)),
            Some(crate::lab::LAB_SCHEMA) => out.push(Target::Lab(owned)),
            Some(crate::lab::SESSION_SCHEMA) => out.push(Target::Session(owned)),
            Some(crate::catalog::policy::POLICY_SCHEMA) => out.push(Target::Policy(owned)),
            Some(other) => problems.push(Problem {
                line: toml_schema_line(p),
                field: Some("/schema".into()),
                ..problem(
                    p,
                    format!(
                        "unknown schema `{other}` (a TOML file is `{}`, `{}`, `{}`, or a device profile without `schema`; or pass --kind)",
                        crate::lab::LAB_SCHEMA,
                        crate::lab::SESSION_SCHEMA,
                        crate::catalog::policy::POLICY_SCHEMA
                    ),
                )
            }),
        },
        _ if schema.as_deref() == Some(FRAMEWORK_SCHEMA) => out.push(Target::Framework(owned)),
        // The vocabulary is checked with its suite directory.
        _ if schema.as_deref() == Some(ACTIONS_SCHEMA) => {}
        _ if schema.as_deref() == Some(SUITE_SCHEMA) => out.push(Target::SuiteFile(owned)),
        Some("yaml" | "yml") if name.starts_with("framework.") => {
            out.push(Target::Framework(owned))
        }
        Some("yaml" | "yml")
            if name.starts_with("actions.")
                || p.parent().is_some_and(|d| d.ends_with("actions")) => {}
        Some("yaml" | "yml") => out.push(Target::SuiteFile(owned)),
        _ if !p.exists() => problems.push(problem(p, "no such file or directory")),
        _ => problems.push(problem(
            p,
            "not a suite or framework (.yaml), nor a profile, lab, session or policy file (.toml); pass --kind to say which",
        )),
    }
}

/// The top-level `schema = "…"` of a TOML file, read before parsing (the file may be the
/// very thing that is broken): only lines before the first table header count.
fn toml_schema_of(path: &Path) -> Option<String> {
    let text = crate::files::read_text(path, 1 << 20).ok()?;
    toml_schema_in(&text).map(|(_, v)| v)
}

fn toml_schema_line(path: &Path) -> Option<usize> {
    let text = crate::files::read_text(path, 1 << 20).ok()?;
    toml_schema_in(&text).map(|(line, _)| line)
}

fn toml_schema_in(text: &str) -> Option<(usize, String)> {
    for (i, l) in text.lines().enumerate() {
        let l = l.trim();
        if l.starts_with('[') {
            return None;
        }
        let Some((key, value)) = l.split_once('=') else {
            continue;
        };
        if key.trim().trim_matches(['"', '\'']) == "schema" {
            let v = value.split(" #").next().unwrap_or(value).trim();
            return Some((i + 1, v.trim_matches(['"', '\'']).to_string()));
        }
    }
    None
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
