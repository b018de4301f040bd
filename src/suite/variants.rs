//! Private variant pools (`run --variants DIR`): phrasings of the public cases' turns that a
//! lab keeps to itself. They are validated like suites — schema, then strict parsing, then
//! against the loaded suite (the case, the turn and the text being varied must exist) — with
//! every problem located by file and line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::files::read_text;
use crate::hash::{combined, sha256_hex};
use crate::schema::Kind;
use crate::suite::LoadedSuite;
use crate::suite::load::{Located, parse_yaml, rel, yaml_files};
use crate::suite::model::{Case, Phrasings, VariantFile};
use crate::yaml;

/// A loaded, validated pool.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantPool {
    /// The directory or file as given.
    pub path: PathBuf,
    /// Hash over every file's relative path and SHA-256, as for a suite.
    pub sha256: String,
    pub files: usize,
    /// Private phrasings in all.
    pub phrasings: usize,
    /// (case id, turn from 0) → phrasings.
    turns: HashMap<(String, usize), TurnPool>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct TurnPool {
    zh: Vec<String>,
    en: Vec<String>,
}

impl VariantPool {
    /// The private phrasings of a case's turn (from 0): the English ones (`text_en`) or the
    /// Chinese ones (`text`).
    pub fn phrasings_for(&self, case: &str, turn: usize, english: bool) -> &[String] {
        self.turns
            .get(&(case.to_string(), turn))
            .map_or(&[], |t| if english { &t.en } else { &t.zh })
    }

    /// How many private phrasings a case has, over all its turns and both languages.
    pub fn count_for(&self, case: &str) -> usize {
        self.turns
            .iter()
            .filter(|((c, _), _)| c == case)
            .map(|(_, t)| t.zh.len() + t.en.len())
            .sum()
    }
}

/// Load the pool at `path` (a directory of `*.yaml` files, or one file) against `suite`.
pub fn load_variants(path: &Path, suite: &LoadedSuite) -> Result<VariantPool> {
    let mut paths = Vec::new();
    let root = if path.is_dir() {
        yaml_files(path, &mut paths)?;
        paths.sort();
        path.to_path_buf()
    } else if path.is_file() {
        paths.push(path.to_path_buf());
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        return Err(Error::invalid(path, "no such variant directory or file"));
    };
    if paths.is_empty() {
        return Err(Error::invalid(path, "holds no variant files (*.yaml)"));
    }
    let cases: HashMap<&str, &Case> = suite
        .cases
        .iter()
        .map(|lc| (lc.case.id.as_str(), &lc.case))
        .collect();
    let mut problems = Vec::new();
    let mut parts = Vec::new();
    let mut turns: HashMap<(String, usize), TurnPool> = HashMap::new();
    // (case, turn, english, text) → the file that gave it first.
    let mut seen: HashMap<(String, usize, bool, String), String> = HashMap::new();
    for file in &paths {
        let relpath = rel(&root, file);
        let text = match read_text(file, yaml::MAX_YAML_BYTES as u64) {
            Ok(t) => t,
            Err(Error::Invalid(mut p)) => {
                problems.append(&mut p);
                continue;
            }
            Err(e) => return Err(e),
        };
        parts.push((relpath.clone(), sha256_hex(text.as_bytes())));
        let vf: VariantFile = match parse_yaml(file, &text, Kind::Variants) {
            Ok(v) => v,
            Err(mut p) => {
                problems.append(&mut p);
                continue;
            }
        };
        let mut loc = Located::new(file, &text);
        if vf.schema != "ailevel.variants/1" {
            loc.push(
                "/schema".into(),
                format!("expected `ailevel.variants/1`, found `{}`", vf.schema),
            );
        }
        for (i, cv) in vf.variants.iter().enumerate() {
            let Some(case) = cases.get(cv.case.as_str()) else {
                loc.push(
                    format!("/variants/{i}/case"),
                    format!("no case `{}` in the suite", cv.case),
                );
                continue;
            };
            let names: Vec<&String> = case
                .params
                .first()
                .map(|r| r.keys().collect())
                .unwrap_or_default();
            for (j, tv) in cv.turns.iter().enumerate() {
                let at = format!("/variants/{i}/turns/{j}");
                let n = tv.turn as usize;
                let Some(turn) = n.checked_sub(1).and_then(|t| case.turns.get(t)) else {
                    loc.push(
                        format!("{at}/turn"),
                        format!(
                            "case `{}` has {} turn(s); there is no turn {n}",
                            case.id,
                            case.turns.len()
                        ),
                    );
                    continue;
                };
                if tv.text.is_none() && tv.text_en.is_none() {
                    loc.push(at.clone(), "gives neither `text` nor `text_en`".into());
                }
                for (key, english, mine, public) in [
                    ("text", false, &tv.text, &turn.input.text),
                    ("text_en", true, &tv.text_en, &turn.input.text_en),
                ] {
                    let Some(mine) = mine else { continue };
                    let Some(public) = public else {
                        loc.push(
                            format!("{at}/{key}"),
                            format!(
                                "turn {n} of `{}` has no `{key}` in the suite, so there is nothing to vary",
                                case.id
                            ),
                        );
                        continue;
                    };
                    for (k, p) in mine.items().iter().enumerate() {
                        let here = match mine {
                            Phrasings::One(_) => format!("{at}/{key}"),
                            Phrasings::Many(_) => format!("{at}/{key}/{k}"),
                        };
                        if p.trim().is_empty() {
                            loc.push(here, "a phrasing cannot be empty".into());
                            continue;
                        }
                        if public.items().contains(p) {
                            loc.push(
                                here,
                                format!("`{p}` is already a public phrasing of this turn"),
                            );
                            continue;
                        }
                        if let Some(name) = crate::suite::params::placeholders(p)
                            .into_iter()
                            .find(|name| !names.contains(&name))
                        {
                            loc.push(
                                here,
                                format!(
                                    "`${{{name}}}` is not defined in the `params` of `{}`",
                                    case.id
                                ),
                            );
                            continue;
                        }
                        let key = (case.id.clone(), n - 1, english, p.clone());
                        if let Some(other) = seen.get(&key) {
                            loc.push(here, format!("`{p}` is listed twice (also in {other})"));
                            continue;
                        }
                        seen.insert(key, relpath.clone());
                        let pool = turns.entry((case.id.clone(), n - 1)).or_default();
                        if english { &mut pool.en } else { &mut pool.zh }.push(p.clone());
                    }
                }
            }
        }
        problems.append(&mut loc.problems);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let phrasings = turns.values().map(|t| t.zh.len() + t.en.len()).sum();
    Ok(VariantPool {
        path: path.to_path_buf(),
        sha256: combined(&parts),
        files: parts.len(),
        phrasings,
        turns,
    })
}
