//! YAML input: parsing with budgets (no alias bombs, no runaway nesting) and mapping a JSON
//! pointer from a schema error back to the line and column it came from.

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::Options;
use serde_saphyr::granit_parser::{Event, Parser};

use crate::error::Problem;

/// Largest YAML file we read; suites are small, and this bounds work on hostile input.
pub const MAX_YAML_BYTES: usize = 8 * 1024 * 1024;

fn options() -> Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_depth: 48,
            max_nodes: 500_000,
            max_documents: 1,
        },
    }
}

/// Deserialize `text` (the content of `path`) into `T`, with a located error.
pub fn from_str<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Problem> {
    if text.len() > MAX_YAML_BYTES {
        return Err(Problem {
            file: path.to_path_buf(),
            line: None,
            column: None,
            field: None,
            message: format!(
                "file is {} bytes, more than the {MAX_YAML_BYTES}-byte limit",
                text.len()
            ),
        });
    }
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| {
        let loc = e.location();
        Problem {
            file: path.to_path_buf(),
            line: loc.map(|l| l.line() as usize),
            column: loc.map(|l| l.column() as usize),
            field: None,
            message: first_line_of(&e.to_string()),
        }
    })
}

/// serde-saphyr errors carry a rendered snippet; the location is reported separately, so
/// keep the message itself and the snippet lines that follow it.
fn first_line_of(s: &str) -> String {
    s.trim_end().to_string()
}

/// Map every node of a YAML document to the (line, column) where it starts, keyed by JSON
/// pointer. Used only after a schema error, so its cost is off the happy path.
pub fn locations(text: &str) -> HashMap<String, (usize, usize)> {
    enum Frame {
        Map {
            pointer: String,
            key: Option<String>,
        },
        Seq {
            pointer: String,
            index: usize,
        },
    }
    let mut out = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    // The pointer of the node about to start, given the enclosing container.
    fn next_pointer(stack: &mut [Frame]) -> Option<String> {
        match stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { pointer, key }) => {
                key.take().map(|k| format!("{pointer}/{}", escape(&k)))
            }
            Some(Frame::Seq { pointer, index }) => {
                let p = format!("{pointer}/{index}");
                *index += 1;
                Some(p)
            }
        }
    }
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { break };
        let at = (span.start.line(), span.start.col() + 1);
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { key, .. }) = stack.last_mut()
                    && key.is_none()
                {
                    *key = Some(value.to_string());
                    // Point a missing-or-wrong key error at the key itself.
                    if let Some(Frame::Map { pointer, .. }) = stack.last() {
                        out.entry(format!("{pointer}/{}", escape(&value)))
                            .or_insert(at);
                    }
                    continue;
                }
                if let Some(p) = next_pointer(&mut stack) {
                    out.entry(p).or_insert(at);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let p = next_pointer(&mut stack).unwrap_or_default();
                out.entry(p.clone()).or_insert(at);
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map {
                        pointer: p,
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        pointer: p,
                        index: 0,
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::Alias(_) => {
                if let Some(p) = next_pointer(&mut stack) {
                    out.entry(p).or_insert(at);
                }
            }
            _ => {}
        }
    }
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The location of `pointer`, or of its nearest located ancestor.
pub fn locate(map: &HashMap<String, (usize, usize)>, pointer: &str) -> Option<(usize, usize)> {
    let mut p = pointer.to_string();
    loop {
        if let Some(at) = map.get(&p) {
            return Some(*at);
        }
        let cut = p.rfind('/')?;
        p.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "a: 1\nlist:\n  - x: 2\n    y: [3, 4]\n  - z: {k: v}\n";

    #[test]
    fn locations_follow_pointers() {
        let m = locations(DOC);
        assert_eq!(m.get("/a"), Some(&(1, 1)));
        assert_eq!(m.get("/list/0/x"), Some(&(3, 5)));
        assert_eq!(m.get("/list/0/y/1").map(|l| l.0), Some(4));
        assert_eq!(m.get("/list/1/z/k").map(|l| l.0), Some(5));
        assert_eq!(locate(&m, "/list/1/missing").map(|l| l.0), Some(5));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            s.push_str(&format!(
                "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let r: Result<serde_json::Value, _> = from_str(Path::new("bomb.yaml"), &s);
        assert!(r.is_err());
    }

    #[test]
    fn syntax_error_has_a_line() {
        let r: Result<serde_json::Value, _> = from_str(Path::new("bad.yaml"), "a: 1\nb: [\n");
        let e = r.unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }
}
