//! Reading user-supplied files: a size cap before anything is read, UTF-8 required, and TOML
//! parsed against its published schema with every problem located by line.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Problem, Result};
use crate::schema::{self, Kind};

/// How many schema violations to report per file before giving up on it.
pub const MAX_VIOLATIONS: usize = 20;

/// The bytes of `path`, refused before reading when it is larger than `limit` bytes.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > limit {
        return Err(Error::invalid(
            path,
            format!(
                "file is {} bytes, more than the {limit}-byte limit",
                meta.len()
            ),
        ));
    }
    std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The text of `path`, refused when it is larger than `limit` bytes or not UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String> {
    String::from_utf8(read_bytes(path, limit)?).map_err(|e| {
        Error::invalid(
            path,
            format!(
                "not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Parse TOML `text` (the content of `path`) as `T`: syntax, then the schema of `kind` (every
/// violation, each located), then serde.
pub fn parse_toml<T: DeserializeOwned>(path: &Path, text: &str, kind: Kind) -> Result<T> {
    let value: toml::Value = toml::from_str(text).map_err(|e| toml_problem(path, text, &e))?;
    let json = serde_json::to_value(&value).map_err(|e| Error::invalid(path, e.to_string()))?;
    let problems = schema_problems(path, kind, &json, |pointer| {
        (toml_line_of(text, pointer), None)
    });
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    toml::from_str(text).map_err(|e| toml_problem(path, text, &e))
}

/// `value`'s violations of the schema of `kind` (at most [`MAX_VIOLATIONS`]) as problems of
/// `path`, each at the line and column `locate` finds for its JSON pointer.
pub fn schema_problems(
    path: &Path,
    kind: Kind,
    value: &serde_json::Value,
    locate: impl Fn(&str) -> (Option<usize>, Option<usize>),
) -> Vec<Problem> {
    schema::validate(kind, value, MAX_VIOLATIONS)
        .into_iter()
        .map(|v| {
            let (line, column) = locate(&v.pointer);
            Problem {
                file: path.to_path_buf(),
                line,
                column,
                field: Some(v.pointer),
                message: v.message,
            }
        })
        .collect()
}

fn toml_problem(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let (line, column) = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (Some(line), Some(col))
        }
        None => (None, None),
    };
    Error::Invalid(vec![Problem {
        file: path.to_path_buf(),
        line,
        column,
        field: None,
        message: e.message().to_string(),
    }])
}

/// The line of the TOML key a pointer ends in (`/adapter/level` → the `level =` line after
/// `[adapter]`). TOML has no pointer map, so this scans keys; good enough to point at.
pub fn toml_line_of(text: &str, pointer: &str) -> Option<usize> {
    let segs: Vec<&str> = pointer
        .split('/')
        .filter(|s| !s.is_empty() && s.parse::<usize>().is_err())
        .collect();
    let (table, key) = match segs.as_slice() {
        [] => return None,
        [k] => (None, *k),
        [.., t, k] => (Some(*t), *k),
    };
    let mut in_table = table.is_none();
    let mut table_line = None;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') {
            in_table = table.is_some_and(|t| l.trim_matches(['[', ']']).trim() == t);
            if in_table {
                table_line = Some(i + 1);
            }
            continue;
        }
        if in_table && l.split('=').next().map(str::trim) == Some(key) {
            return Some(i + 1);
        }
    }
    table_line
}
