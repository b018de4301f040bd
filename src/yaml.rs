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

const MAX_ALIASES: usize = 1_000;
const MAX_ANCHORS: usize = 1_000;
const MAX_NODES: usize = 500_000;

const MAX_DEPTH: usize = 48;

fn options() -> Options {
    options_for_part(1)
}

/// The budget of one of `parts` pieces of a document parsed apart (see [`value_from_str`]):
/// the pieces together get no more than the whole document would, and each no deeper (a
/// piece of items starts two levels below the document's root; stricter is safe, as a piece
/// over budget only means the whole document is parsed, against the whole budget).
fn options_for_part(parts: usize) -> Options {
    let depth = if parts == 1 { MAX_DEPTH } else { MAX_DEPTH - 2 };
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: MAX_ALIASES / parts,
            max_anchors: MAX_ANCHORS / parts,
            max_depth: depth,
            max_nodes: MAX_NODES / parts,
            max_documents: 1,
        },
    }
}

/// Below this size a document is parsed in one piece: threads would cost more than they save.
const PARALLEL_MIN_BYTES: usize = 128 * 1024;
/// Most pieces one document is parsed in.
const MAX_PARTS: usize = 8;

/// [`from_str`] into a JSON value, for a document whose bulk is a block sequence under the
/// top-level key `key` that ends the document (a suite file's `cases:`). A large one is parsed
/// in pieces on every core: the part before `key`, and runs of whole items cut at the lines
/// where an item starts. The result is the one parsing it whole gives; a document the pieces
/// do not reproduce exactly — any piece fails (an alias to an anchor in another piece, a
/// string or flow collection cut apart, more after the sequence, a budget share exceeded) —
/// is parsed whole, so its error, and its line, are the usual ones.
pub fn value_from_str(path: &Path, text: &str, key: &str) -> Result<serde_json::Value, Problem> {
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_PARTS));
    if text.len() >= PARALLEL_MIN_BYTES
        && parts > 1
        && let Some(value) = in_pieces(text, key, parts)
    {
        return Ok(value);
    }
    from_str(path, text)
}

/// The document parsed in at most `parts` pieces, or `None` when it cannot be (see
/// [`value_from_str`]).
fn in_pieces(text: &str, key: &str, parts: usize) -> Option<serde_json::Value> {
    use serde_json::Value;
    if text.len() > MAX_YAML_BYTES {
        return None;
    }
    let (head_end, starts) = sequence_items(text, key)?;
    // Runs of whole items of about equal size; the head is one more piece.
    let body = text.len() - starts[0];
    let mut cuts = vec![starts[0]];
    for &at in &starts[1..] {
        if at - cuts[cuts.len() - 1] >= body / parts && cuts.len() < parts {
            cuts.push(at);
        }
    }
    cuts.push(text.len());
    let pieces: Vec<&str> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let share = pieces.len() + 1;
    let parse = |piece: &str| -> Option<Value> {
        serde_saphyr::from_str_with_options(piece, options_for_part(share)).ok()
    };
    let head = format!("{}{key}: []\n", &text[..head_end]);
    let (head, items) = std::thread::scope(|scope| {
        let others: Vec<_> = pieces[1..]
            .iter()
            .map(|piece| scope.spawn(move || parse(piece)))
            .collect();
        let head = parse(&head);
        let mut items = vec![parse(pieces[0])];
        items.extend(others.into_iter().map(|h| h.join().ok().flatten()));
        (head, items)
    });
    let Value::Object(mut map) = head? else {
        return None;
    };
    if map.get(key) != Some(&Value::Array(Vec::new())) {
        return None;
    }
    let mut all = Vec::with_capacity(starts.len());
    for piece in items {
        let Value::Array(mut list) = piece? else {
            return None;
        };
        all.append(&mut list);
    }
    if all.len() != starts.len() {
        return None;
    }
    map.insert(key.to_string(), Value::Array(all));
    Some(Value::Object(map))
}

/// Where the line `key:` at the top level starts, and where each item of the block sequence
/// that follows it to the end of the document starts (its `-` line). `None` unless the text
/// has exactly that shape, line by line: the key alone on its line (a comment may follow),
/// then only item lines at one indentation, lines indented deeper, blank lines and comments.
fn sequence_items(text: &str, key: &str) -> Option<(usize, Vec<usize>)> {
    let mut at = 0;
    let mut head_end = None;
    let mut indent = None;
    let mut starts = Vec::new();
    for line in text.split_inclusive('\n') {
        let here = at;
        at += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if head_end.is_none() {
            if let Some(rest) = content.strip_prefix(key).and_then(|r| r.strip_prefix(':'))
                && (rest.trim().is_empty() || rest.trim_start().starts_with('#'))
            {
                head_end = Some(here);
            }
            continue;
        }
        let trimmed = content.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let col = content.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ");
        match indent {
            None if is_item => indent = Some(col),
            None => return None,
            Some(c) if col < c => return None,
            Some(_) => {}
        }
        if indent == Some(col) {
            if !is_item {
                return None;
            }
            starts.push(here);
        }
    }
    let head_end = head_end?;
    (!starts.is_empty()).then_some((head_end, starts))
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

    /// The document parsed in `parts` pieces, from any size.
    fn pieces(text: &str, parts: usize) -> Option<serde_json::Value> {
        in_pieces(text, "cases", parts)
    }

    fn whole(text: &str) -> Option<serde_json::Value> {
        from_str(Path::new("t.yaml"), text).ok()
    }

    #[test]
    fn every_default_suite_file_parses_the_same_in_pieces() {
        let mut cut = 0;
        for (rel, bytes) in crate::embedded::under(crate::embedded::SUITES) {
            if !rel.ends_with(".yaml")
                || rel.starts_with("actions")
                || rel.starts_with("fixtures/")
                || rel == "framework.yaml"
            {
                continue;
            }
            let text = std::str::from_utf8(bytes).unwrap();
            for parts in [2, 3, 8] {
                let got = pieces(text, parts);
                assert!(got.is_some(), "{rel} in {parts} pieces");
                assert_eq!(got, whole(text), "{rel} in {parts} pieces");
                cut += 1;
            }
        }
        assert!(cut > 20, "{cut}");
    }

    const SUITE: &str = "schema: ailevel.suite/1\ntitle: {en: t}\ncases:\n  # first\n  - id: a\n    turns:\n      - say: |\n          - not an item\n        text: x\n\n  - id: b\n    note: >\n      folded\n  - {id: c}\n  - id: d\n";

    #[test]
    fn pieces_reproduce_the_whole_document() {
        for parts in 2..=5 {
            let got = pieces(SUITE, parts).expect("the shape is recognised");
            assert_eq!(Some(got), whole(SUITE), "{parts}");
        }
        let crlf = SUITE.replace('\n', "\r\n");
        assert_eq!(pieces(&crlf, 3), whole(&crlf));
        let compact = "a: 1\ncases:\n- id: a\n- id: b\n  x: [1,\n    2]\n- id: c\n";
        assert_eq!(pieces(compact, 3), whole(compact));
        assert!(pieces(compact, 3).is_some());
    }

    #[test]
    fn what_pieces_cannot_reproduce_is_left_to_the_whole_parse() {
        let cases = [
            // an alias to an anchor in an earlier item, and one in the head
            "cases:\n  - &x {id: a}\n  - id: b\n  - *x\n",
            "base: &b {k: v}\ncases:\n  - *b\n  - id: b\n  - id: c\n",
            // a quoted string whose continuation line looks like an item
            "cases:\n  - id: \"a\n  - b\"\n  - id: c\n  - id: d\n",
            // a flow sequence cut at a line that looks like an item
            "cases:\n  - [a,\n  - b]\n  - id: c\n",
            // more after the sequence, a second document, no items, an inline value
            "cases:\n  - id: a\n  - id: b\nafter: 1\n",
            "cases:\n  - id: a\n  - id: b\n---\ncases: []\n",
            "cases:\n  # nothing\n",
            "cases: [a, b]\n",
            "cases:\n    id: a\n  - id: b\n",
        ];
        for text in cases {
            if let Some(v) = pieces(text, 3) {
                assert_eq!(Some(v), whole(text), "{text}");
            }
        }
        // The aliases above cross pieces: those documents go to the whole parse.
        assert_eq!(pieces(cases[0], 3), None);
        assert_eq!(pieces(cases[1], 3), None);
        assert_eq!(pieces(cases[4], 3), None);
    }

    #[test]
    fn pieces_keep_within_the_whole_budget() {
        // Four items of 200,000 nodes each: under the budget one by one, over it together.
        let item = format!("  - [{}]\n", vec!["1"; 200_000].join(","));
        let text = format!("cases:\n{}", item.repeat(4));
        assert_eq!(whole(&text), None, "the whole document is over budget");
        assert_eq!(pieces(&text, 4), None);
    }

    #[test]
    fn syntax_error_has_a_line() {
        let r: Result<serde_json::Value, _> = from_str(Path::new("bad.yaml"), "a: 1\nb: [\n");
        let e = r.unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }
}
