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
///
/// A profile may hold a secret where it should only name one (`token = "sk-…"` instead of
/// `token_env = "VAR"`). No error shows such a value: each key that holds one is named in its
/// own problem and its value is cut out of every other message.
pub fn parse_toml<T: DeserializeOwned>(path: &Path, text: &str, kind: Kind) -> Result<T> {
    let secrets = match toml::from_str::<toml::Value>(text) {
        Ok(v) => secret_values(&v),
        Err(_) => Vec::new(),
    };
    parse_toml_unguarded(path, text, kind).map_err(|e| hide_secrets(path, text, &secrets, e))
}

fn parse_toml_unguarded<T: DeserializeOwned>(path: &Path, text: &str, kind: Kind) -> Result<T> {
    let value: toml::Value = toml::from_str(text).map_err(|e| toml_problem(path, text, &e))?;
    let json = serde_json::to_value(&value).map_err(|e| Error::invalid(path, e.to_string()))?;
    let mut problems = schema_problems(path, kind, &json, |_| (None, None));
    for p in &mut problems {
        p.line = toml_line_of_violation(text, p.field.as_deref().unwrap_or(""), &p.message);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    toml::from_str(text).map_err(|e| toml_problem(path, text, &e))
}

/// Whether a key's name says its value is a credential (`token`, `api_key`, `password`…). The
/// `*_env` keys name a variable, but a token pasted into one is hidden just the same.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    const WORDS: [&str; 9] = [
        "token",
        "secret",
        "password",
        "passwd",
        "api_key",
        "apikey",
        "authorization",
        "bearer",
        "credential",
    ];
    WORDS.iter().any(|w| k.contains(w)) || matches!(k.as_str(), "key" | "auth" | "access_key")
}

/// Every string held under a secret-named key, with its dotted key path.
fn secret_values(value: &toml::Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &toml::Value, secret: bool, out: &mut Vec<(String, String)>) {
        match v {
            toml::Value::String(s) if secret && !s.is_empty() => {
                out.push((prefix.to_string(), s.clone()))
            }
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, secret || is_secret_key(k), out);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), v, secret, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", value, false, &mut out);
    out
}

/// `e` with every secret value replaced by the name of the key holding it, and a problem of
/// its own for each key that holds a literal secret.
fn hide_secrets(path: &Path, text: &str, secrets: &[(String, String)], e: Error) -> Error {
    if secrets.is_empty() {
        return e;
    }
    let hide = |msg: &str| {
        let mut msg = msg.to_string();
        // A value this short is no credential, and cutting it out would garble the message.
        for (key, value) in secrets.iter().filter(|(_, v)| v.chars().count() >= 4) {
            let mark = format!("<value of `{key}` not shown>");
            msg = msg.replace(value.as_str(), &mark);
            let escaped = serde_json::to_string(value).unwrap_or_default();
            let escaped = escaped.trim_matches('"');
            if !escaped.is_empty() {
                msg = msg.replace(escaped, &mark);
            }
        }
        msg
    };
    match e {
        Error::Invalid(problems) => {
            let mut out: Vec<Problem> = secrets
                .iter()
                .filter(|(key, _)| !key.ends_with("_env"))
                .map(|(key, _)| Problem {
                    file: path.to_path_buf(),
                    line: toml_line_of(text, &format!("/{}", key.replace('.', "/"))),
                    column: None,
                    field: Some(format!("/{}", key.replace('.', "/"))),
                    message: format!(
                        "`{key}` holds a secret (its value is not shown); a file never holds one: put it in an environment variable and name the variable (`token_env`)"
                    ),
                })
                .collect();
            out.extend(problems.into_iter().map(|p| Problem {
                message: hide(&p.message),
                field: p.field.map(|f| hide(&f)),
                ..p
            }));
            Error::Invalid(out)
        }
        Error::Usage(m) => Error::Usage(hide(&m)),
        other => other,
    }
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

/// The line of the TOML key a JSON pointer ends in (`/adapter/level` → the `level =` line of
/// `[adapter]`, `/equipment/1/id` → the `id` of the second `[[equipment]]`), from the
/// parser's spans; where the pointer leaves the document, the last line it reached.
pub fn toml_line_of(text: &str, pointer: &str) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut at: Option<usize> = None;
    let mut table = Some(root.get_ref());
    let mut array: Option<&[toml::Spanned<toml::de::DeValue<'_>>]> = None;
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        let value = if let Some(t) = table {
            let Some((k, v)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == seg) else {
                break;
            };
            at = Some(k.span().start);
            v
        } else if let Some(items) = array {
            let Some(v) = seg.parse::<usize>().ok().and_then(|i| items.get(i)) else {
                break;
            };
            at = Some(v.span().start);
            v
        } else {
            break;
        };
        (table, array) = match value.get_ref() {
            toml::de::DeValue::Table(t) => (Some(t), None),
            toml::de::DeValue::Array(a) => (None, Some(a.as_ref())),
            _ => (None, None),
        };
    }
    at.map(|offset| line_at(text, offset))
}

/// The line of the key a schema violation names: the unexpected property itself when the
/// violation is an unknown key (jsonschema reports those at the enclosing object).
pub fn toml_line_of_violation(text: &str, pointer: &str, message: &str) -> Option<usize> {
    // `('colour' was unexpected)`, `('a', 'b' were unexpected)`: the first is enough.
    let unexpected = message
        .contains(" unexpected)")
        .then(|| message.split_once("('"))
        .flatten()
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(name, _)| name);
    unexpected
        .and_then(|name| {
            toml_line_of(
                text,
                &format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1")),
            )
        })
        .or_else(|| toml_line_of(text, pointer))
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_lines_follow_tables_arrays_of_tables_and_quoted_keys() {
        let text = "a = 1\n[t]\nb = 2\n\n[[e]]\nid = \"x\"\n[[e]]\nid = \"y\"\n[\"q/r\"]\nz = 0\n";
        assert_eq!(toml_line_of(text, "/a"), Some(1));
        assert_eq!(toml_line_of(text, "/t/b"), Some(3));
        assert_eq!(toml_line_of(text, "/e/0/id"), Some(6));
        assert_eq!(toml_line_of(text, "/e/1/id"), Some(8));
        assert_eq!(toml_line_of(text, "/q~1r/z"), Some(10));
        // Beyond the document: the last line the pointer reached.
        assert_eq!(toml_line_of(text, "/t/missing"), Some(2));
        assert_eq!(toml_line_of(text, "/missing"), None);
        assert_eq!(
            toml_line_of_violation(
                text,
                "/t",
                "Additional properties are not allowed ('b' was unexpected)"
            ),
            Some(3)
        );
    }

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
