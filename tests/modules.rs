//! The module tree follows the data and has no cycles. This reads `src/` the way a reviewer
//! would — `use crate::…`, `super::…`, fully qualified `crate::…` paths, re-exports followed
//! to where the item is defined — and fails on:
//!
//! - an edge between components against [`LAYERS`] (lower layers never use higher ones),
//!   or from a module no layer lists (a new top-level module must be placed deliberately);
//! - the simulator depending on anything but the ATP/1 protocol types and text helpers, or
//!   anything but the `sim` adapter wiring (`device::sim`) depending on the simulator;
//! - a cycle between the files of one component.
//!
//! Test code (`#[cfg(test)]` items and the files they declare) is left out: tests may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Components from the bottom up: each may use only those before it. `protocol` is
/// `device::protocol` (the ATP/1 types the simulator also speaks), `sim` the reference
/// simulator, `crate` the root (`lib.rs`: `HARNESS_VERSION`, re-exports).
const LAYERS: &[&str] = &[
    "crate", "text", "msg", "hash", "error", "yaml", "schema", "files", "embedded", "protocol",
    "world", "suite", "sim", "device", "lab", "results", "score", "grade", "run", "attest",
    "report", "catalog", "commands",
];

/// What the simulator may use besides itself: it is a product that speaks ATP/1, not part of
/// the harness; its world model (`world`) is shared with adapters that give a real model one.
const SIM_MAY_USE: &[&str] = &["protocol", "text", "world"];

/// The one module of the harness that may use the simulator.
const SIM_WIRING: &str = "device::sim";

#[test]
fn module_dependencies_follow_the_data_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = check(&src);
    assert!(
        problems.is_empty(),
        "module dependencies:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn a_back_edge_between_layers_is_found() {
    let dir = tree(&[
        ("lib.rs", "pub mod suite;\npub mod run;\n"),
        ("suite/mod.rs", "pub mod load;\n"),
        // Written as a `use` with a group and as a qualified path in code: both count.
        (
            "suite/load.rs",
            "use crate::{error::Error, run::{plan::Plan}};\nfn f() { crate::run::go(); }\n",
        ),
        ("run/mod.rs", "pub mod plan;\npub fn go() {}\n"),
        ("run/plan.rs", "use crate::suite::load;\npub struct Plan;\n"),
    ]);
    let problems = check(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("src/suite/load.rs:1") && p.contains("suite → run")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("src/suite/load.rs:2")),
        "{problems:?}"
    );
    assert!(
        problems.iter().all(|p| !p.contains("run/plan.rs")),
        "{problems:?}"
    );
}

#[test]
fn a_cycle_between_files_of_one_component_is_found_through_a_re_export() {
    let dir = tree(&[
        ("lib.rs", "pub mod device;\n"),
        (
            "device/mod.rs",
            "mod openai;\nmod profile;\nmod wire;\npub use profile::Profile;\n",
        ),
        ("device/openai.rs", "use super::wire::get;\n"),
        ("device/wire.rs", "use super::Profile;\npub fn get() {}\n"),
        // A string and a comment naming a module are not uses.
        (
            "device/profile.rs",
            "// crate::device::wire\nconst S: &str = \"super::wire\";\npub struct Profile { x: crate::device::openai::X }\n",
        ),
    ]);
    let problems = check(dir.path());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("device::openai → device::wire → device::profile → device::openai"),
        "{problems:?}"
    );
}

#[test]
fn the_simulator_may_use_only_protocol_types() {
    let dir = tree(&[
        ("lib.rs", "pub mod device;\npub mod sim;\npub mod run;\n"),
        (
            "device/mod.rs",
            "pub mod protocol;\nmod sim;\npub trait Adapter {}\n",
        ),
        ("device/protocol.rs", "pub struct Turn;\n"),
        ("device/sim.rs", "use crate::sim::Simulator;\n"),
        (
            "sim/mod.rs",
            "use crate::device::protocol::Turn;\nuse crate::device::Adapter;\npub struct Simulator;\n#[cfg(test)]\nmod tests {\n    use crate::run::Whatever;\n}\n",
        ),
        ("run/mod.rs", "use crate::sim::Simulator;\n"),
    ]);
    let problems = check(dir.path());
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("src/run/mod.rs:1"), "{problems:?}");
    assert!(problems[1].contains("src/sim/mod.rs:2"), "{problems:?}");
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// One source file as a module.
struct Module {
    file: PathBuf,
    /// `pub use` names → the absolute path they stand for.
    reexports: BTreeMap<String, Vec<String>>,
    /// Every path it uses: (absolute path, line, whether it re-exports).
    uses: Vec<(Vec<String>, usize, bool)>,
}

/// Every rule broken in the tree at `src`, one message each.
fn check(src: &Path) -> Vec<String> {
    let modules = load(src);
    let sim_root = sim_root(src);
    let mut problems = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (path, m) in &modules {
        let from = component(path, &sim_root);
        for (used, line, reexport) in &m.uses {
            let Some(target) = resolve(&modules, used, 0) else {
                continue;
            };
            // A module re-exporting its own children is a table of contents, not a use.
            if target == *path || (*reexport && target.starts_with(path)) {
                continue;
            }
            let to = component(&target, &sim_root);
            let at = format!("{}:{line}", m.file.display());
            let (p, t) = (join(path), join(&target));
            if from == to {
                edges.entry(path.clone()).or_default().insert(target);
                continue;
            }
            if from == "sim" && !SIM_MAY_USE.contains(&to.as_str()) {
                problems.push(format!(
                    "{at}: {p} uses {t}: the simulator may use only {SIM_MAY_USE:?}"
                ));
            } else if to == "sim" && p != SIM_WIRING {
                problems.push(format!(
                    "{at}: {p} uses {t}: only {SIM_WIRING} may use the simulator"
                ));
            } else {
                let rank = |c: &str| LAYERS.iter().position(|l| *l == c);
                match (rank(&from), rank(&to)) {
                    (Some(a), Some(b)) if b < a => {}
                    (Some(_), Some(_)) => problems.push(format!(
                        "{at}: {p} uses {t}, a back edge {from} → {to} (layers, bottom up: {})",
                        LAYERS.join(" < ")
                    )),
                    (None, _) | (_, None) => problems.push(format!(
                        "{at}: {p} uses {t}: place `{}` in the LAYERS of tests/modules.rs",
                        if rank(&from).is_none() { &from } else { &to }
                    )),
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems.extend(cycles(&edges));
    problems
}

fn join(path: &[String]) -> String {
    if path.is_empty() {
        "crate".into()
    } else {
        path.join("::")
    }
}

/// The simulator's module path: `sim`, or `device::sim` before it moved out of `device`.
fn sim_root(src: &Path) -> Vec<String> {
    if src.join("device/sim").is_dir() {
        vec!["device".into(), "sim".into()]
    } else {
        vec!["sim".into()]
    }
}

fn component(path: &[String], sim_root: &[String]) -> String {
    if path.starts_with(sim_root) {
        return "sim".into();
    }
    match path {
        [] => "crate".into(),
        [d, p, ..] if d == "device" && p == "protocol" => "protocol".into(),
        [first, ..] => first.clone(),
    }
}

/// The module an absolute path lands in: its longest module prefix, or, when the next segment
/// is a name that module re-exports, wherever that name comes from.
fn resolve(
    modules: &BTreeMap<Vec<String>, Module>,
    path: &[String],
    depth: usize,
) -> Option<Vec<String>> {
    let n = (0..=path.len())
        .rev()
        .find(|&n| modules.contains_key(&path[..n]))?;
    let (prefix, rest) = path.split_at(n);
    if let (Some(name), true) = (rest.first(), depth < 8)
        && let Some(source) = modules[prefix].reexports.get(name)
    {
        let mut full = source.clone();
        full.extend(rest[1..].iter().cloned());
        return resolve(modules, &full, depth + 1).or(Some(prefix.to_vec()));
    }
    Some(prefix.to_vec())
}

/// Every module file below `src` (except `main.rs`, which is the binary), parsed.
fn load(src: &Path) -> BTreeMap<Vec<String>, Module> {
    let mut files = Vec::new();
    walk(src, &mut files);
    // Per module: its file, its code, and the files it declares under `#[cfg(test)]`.
    let mut parsed = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap();
        let mut path: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if path.last().is_some_and(|l| l == "mod" || l == "lib") {
            path.pop();
        }
        if path == ["main"] {
            continue;
        }
        let (code, test_files) = without_tests(&blank(&std::fs::read_to_string(&f).unwrap()));
        parsed.insert(path, (Path::new("src").join(rel), code, test_files));
    }
    let test_only: Vec<Vec<String>> = parsed
        .iter()
        .flat_map(|(path, (_, _, tests))| {
            tests
                .iter()
                .map(move |t| [path.clone(), vec![t.clone()]].concat())
        })
        .collect();
    parsed.retain(|path, _| !test_only.iter().any(|t| path.starts_with(t)));
    let mut modules = BTreeMap::new();
    for (path, (file, code, _)) in parsed {
        let children = declared_children(&code);
        let mut uses = Vec::new();
        let mut reexports = BTreeMap::new();
        for (segments, line, public, alias) in paths(&code, &children) {
            let Some(abs) = absolute(&path, &children, &segments) else {
                continue;
            };
            if public && let Some(name) = alias.or_else(|| abs.last().cloned()) {
                reexports.insert(name, abs.clone());
            }
            uses.push((abs, line, public));
        }
        modules.insert(
            path,
            Module {
                file,
                reexports,
                uses,
            },
        );
    }
    modules
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// A path written relative to `module` made absolute (from the crate root); `None` for
/// paths into other crates.
fn absolute(
    module: &[String],
    children: &BTreeSet<String>,
    segments: &[String],
) -> Option<Vec<String>> {
    let mut base = module.to_vec();
    let mut rest = segments;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) if children.contains(first) => {}
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// `mod x;` declarations.
fn declared_children(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ';' || c == '{'))
        .filter(|w| !w.is_empty())
        .collect();
    for w in words.windows(2) {
        if w[0] == "mod" {
            let name = w[1].trim_end_matches(';');
            if w[1].ends_with(';') && !name.is_empty() {
                out.insert(name.to_string());
            }
        }
    }
    out
}

/// Every path in `code` that could name a module of this crate: the trees of `use`
/// declarations, and `crate::`, `super::`, `self::` or `child::` paths in code. Each with its
/// line, whether it is a `pub use`, and its `as` alias.
fn paths(
    code: &str,
    children: &BTreeSet<String>,
) -> Vec<(Vec<String>, usize, bool, Option<String>)> {
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let c = bytes[i];
        if !(c.is_ascii_alphabetic() || c == b'_')
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
        {
            i += 1;
            continue;
        }
        let end = i + code[i..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(code.len() - i);
        let word = &code[i..end];
        if word == "use" {
            let stop = i + code[i..].find(';').unwrap_or(code.len() - i);
            let before = code[..i].trim_end();
            let public = before.ends_with("pub")
                || before.ends_with(')')
                    && before
                        .rfind('(')
                        .is_some_and(|o| before[..o].trim_end().ends_with("pub"));
            for (path, alias) in use_tree(&code[end..stop]) {
                out.push((path, line_of(i), public, alias));
            }
            i = stop;
            continue;
        }
        let preceded_by_path = code[..i].ends_with("::");
        if !preceded_by_path
            && (matches!(word, "crate" | "super" | "self") || children.contains(word))
            && code[end..].starts_with("::")
        {
            let mut j = end;
            let mut segments = vec![word.to_string()];
            while code[j..].starts_with("::") {
                let k = j + 2;
                let e = k + code[k..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(code.len() - k);
                if e == k {
                    break;
                }
                segments.push(code[k..e].to_string());
                j = e;
            }
            out.push((segments, line_of(i), false, None));
            i = j;
            continue;
        }
        i = end;
    }
    out
}

/// `a::b::{c, d::e as f, g::*}` → `a::b::c`, `a::b::d::e` (alias f), `a::b::g`.
fn use_tree(tree: &str) -> Vec<(Vec<String>, Option<String>)> {
    fn parse(
        tokens: &[String],
        at: &mut usize,
        prefix: &[String],
        out: &mut Vec<(Vec<String>, Option<String>)>,
    ) {
        let mut path = prefix.to_vec();
        while *at < tokens.len() {
            let t = &tokens[*at];
            *at += 1;
            match t.as_str() {
                "::" => {}
                "{" => loop {
                    parse(tokens, at, &path, out);
                    match tokens.get(*at).map(String::as_str) {
                        Some(",") => *at += 1,
                        Some("}") => {
                            *at += 1;
                            return;
                        }
                        _ => return,
                    }
                    if tokens.get(*at).map(String::as_str) == Some("}") {
                        *at += 1;
                        return;
                    }
                },
                "*" => {
                    out.push((path, None));
                    return;
                }
                "as" => {
                    let alias = tokens.get(*at).cloned();
                    *at += 1;
                    out.push((path, alias));
                    return;
                }
                "," | "}" => {
                    *at -= 1;
                    if path.len() > prefix.len() {
                        out.push((path, None));
                    }
                    return;
                }
                word => path.push(word.to_string()),
            }
        }
        if path.len() > prefix.len() {
            out.push((path, None));
        }
    }
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut chars = tree.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        match c {
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                tokens.push("::".into());
            }
            '{' | '}' | ',' | '*' => tokens.push(c.to_string()),
            _ => {}
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        let before = at;
        parse(&tokens, &mut at, &[], &mut out);
        if at == before {
            at += 1;
        }
    }
    out
}

/// `code` with comments and the contents of string and char literals replaced by spaces,
/// newlines kept so that offsets still give line numbers.
fn blank(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let keep = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                        out.push_str("  ");
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        out.push_str("  ");
                        if depth == 0 {
                            break;
                        }
                    } else {
                        keep(&mut out, c[i]);
                        i += 1;
                    }
                }
            }
            'r' if !c[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
                && (c.get(i + 1) == Some(&'"')
                    || (c.get(i + 1) == Some(&'#')
                        && c[i + 1..].iter().find(|x| **x != '#') == Some(&'"'))) =>
            {
                let hashes = c[i + 1..].iter().take_while(|x| **x == '#').count();
                i += 2 + hashes;
                out.push('"');
                while i < c.len() {
                    if c[i] == '"'
                        && c[i + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|x| **x == '#')
                            .count()
                            == hashes
                    {
                        i += 1 + hashes;
                        break;
                    }
                    keep(&mut out, c[i]);
                    i += 1;
                }
                out.push('"');
            }
            '"' => {
                i += 1;
                out.push('"');
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        keep(&mut out, c[i]);
                        i += 1;
                    }
                    if i < c.len() {
                        keep(&mut out, c[i]);
                        i += 1;
                    }
                }
                i += 1;
                out.push('"');
            }
            '\'' if c.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            }
            '\'' if c.get(i + 2) == Some(&'\'') => {
                i += 3;
                out.push_str("' '");
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// `code` without the items under `#[cfg(test)]` (lines kept), and the names of the files
/// such items declare (`#[cfg(test)] mod tests;`).
fn without_tests(code: &str) -> (String, BTreeSet<String>) {
    const ATTR: &str = "#[cfg(test)]";
    let mut out = code.to_string();
    let mut test_files = BTreeSet::new();
    let mut from = 0;
    while let Some(at) = out[from..].find(ATTR).map(|a| a + from) {
        let bytes = out.as_bytes();
        let mut j = at + ATTR.len();
        let mut depth = 0usize;
        let mut end = out.len();
        while j < bytes.len() {
            match bytes[j] {
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let item = &out[at + ATTR.len()..end];
        let words: Vec<&str> = item
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        if item.trim_end().ends_with(';')
            && let Some(i) = words.iter().position(|w| *w == "mod")
            && let Some(name) = words.get(i + 1)
        {
            test_files.insert(name.to_string());
        }
        let blanked: String = out[at..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(at..end, &blanked);
        from = at + blanked.len();
    }
    (out, test_files)
}

/// Cycles in each component's file graph, one message per cycle found.
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        n: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        marks: &mut BTreeMap<Vec<String>, Mark>,
        stack: &mut Vec<Vec<String>>,
        out: &mut Vec<String>,
    ) {
        match marks.get(n) {
            Some(Mark::Done) => return,
            Some(Mark::Open) => {
                let start = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut path: Vec<String> = stack[start..].iter().map(|p| join(p)).collect();
                path.push(join(n));
                out.push(format!("cycle: {}", path.join(" → ")));
                return;
            }
            None => {}
        }
        marks.insert(n.clone(), Mark::Open);
        stack.push(n.clone());
        for next in edges.get(n).into_iter().flatten() {
            visit(next, edges, marks, stack, out);
        }
        stack.pop();
        marks.insert(n.clone(), Mark::Done);
    }
    let mut marks = BTreeMap::new();
    let mut out = Vec::new();
    for n in edges.keys() {
        visit(n, edges, &mut marks, &mut Vec::new(), &mut out);
    }
    out
}
