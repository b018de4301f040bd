//! Reading user-supplied files: a size cap before anything is read, UTF-8 required, and TOML
//! parsed against its published schema with every problem located by line.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Problem, Result};
use crate::schema::{self, Kind};

/// How many schema violations to report per file before giving up on it.
pub const MAX_VIOLATIONS: usize = 20;

/// The bytes of `path`, refused before reading when it is larger than `limit` bytes. Devices
/// (`/dev/zero`) and directories are refused outright; a pipe is read only up to the limit,
/// since its size is not known before reading.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if let Some(kind) = not_a_file(&meta.file_type()) {
        return Err(Error::invalid(
            path,
            format!("is {kind}, not a regular file"),
        ));
    }
    let too_big = |len: &str| {
        Error::invalid(
            path,
            format!("file is {len} bytes, more than the {limit}-byte limit"),
        )
    };
    if meta.len() > limit {
        return Err(too_big(&meta.len().to_string()));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(&format!("over {limit}")));
    }
    Ok(bytes)
}

/// What a file type is when it is one ailevel never reads as input.
fn not_a_file(t: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
    }
    t.is_dir().then_some("a directory")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_and_the_file_is_named() {
        for (path, kind) in [("/dev/zero", "character device"), ("/tmp", "directory")] {
            let e = read_bytes(Path::new(path), 1024).unwrap_err().to_string();
            assert!(e.contains(path) && e.contains(kind), "{e}");
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        std::fs::write(&path, vec![b'a'; 2000]).unwrap();
        let e = read_text(&path, 1000).unwrap_err().to_string();
        assert!(e.contains("big.toml") && e.contains("2000 bytes"), "{e}");
        assert_eq!(read_text(&path, 2000).unwrap().len(), 2000);
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_read_only_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let writer = {
            let fifo = fifo.clone();
            // Writes until the reader goes away (a broken pipe ends it).
            std::thread::spawn(move || {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
                let chunk = [b'x'; 4096];
                for _ in 0..10_000 {
                    if f.write_all(&chunk).is_err() {
                        break;
                    }
                }
            })
        };
        let e = read_bytes(&fifo, 10_000).unwrap_err().to_string();
        assert!(e.contains("over 10000"), "{e}");
        writer.join().unwrap();
    }
}
