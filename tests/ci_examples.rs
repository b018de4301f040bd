//! The CI examples shipped in the repository (action.yml, docs/examples, deploy/) parse as
//! YAML, have the structure their engine needs, and every `ailevel` command they run is one
//! the binary accepts, flags included.

use std::path::Path;

use clap::Parser;
use serde_json::Value;

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

/// Every command line the file runs that starts with `ailevel` (or a path ending in it), as
/// words: from script strings (continuations joined) and from exec-form arrays.
fn ailevel_commands(v: &Value, out: &mut Vec<Vec<String>>) {
    match v {
        Value::String(s) => {
            let joined = s.replace("\\\n", " ");
            for line in joined.lines() {
                let mut words = shell_words(&substitute(line.trim()));
                // A redirection or a following command is the shell's, not ailevel's.
                if let Some(end) = words
                    .iter()
                    .position(|w| matches!(w.as_str(), ">" | ">>" | "|" | "||" | "&&" | ";"))
                {
                    words.truncate(end);
                }
                // A bare `ailevel` is a name (of a job, a container), not a command.
                if words.len() > 1
                    && words
                        .first()
                        .is_some_and(|w| w == "ailevel" || w.ends_with("/ailevel"))
                {
                    out.push(words);
                }
            }
        }
        Value::Array(items) => {
            if items.first().and_then(Value::as_str) == Some("ailevel") {
                out.push(
                    items
                        .iter()
                        .map(|i| substitute(i.as_str().unwrap_or_default()))
                        .collect(),
                );
            } else {
                items.iter().for_each(|i| ailevel_commands(i, out));
            }
        }
        Value::Object(m) => m.values().for_each(|i| ailevel_commands(i, out)),
        _ => {}
    }
}

/// CI variables as a value a run would get: `${{ expr }}`, `${NAME}` and `$NAME` become `1`.
fn substitute(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let skip = if let Some(inner) = after.strip_prefix("{{") {
            2 + inner.find("}}").map_or(inner.len(), |e| e + 2)
        } else if let Some(inner) = after.strip_prefix('{') {
            1 + inner.find('}').map_or(inner.len(), |e| e + 1)
        } else {
            after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len())
        };
        out.push('1');
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// Words as sh splits them, for the quoting these files use (double and single quotes).
fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn check_commands(path: &str, v: &Value) -> Vec<Vec<String>> {
    let mut cmds = Vec::new();
    ailevel_commands(v, &mut cmds);
    assert!(!cmds.is_empty(), "{path} runs no ailevel command");
    for words in &cmds {
        let mut argv = vec!["ailevel".to_string()];
        argv.extend(words[1..].iter().cloned());
        if let Err(e) = ailevel::commands::Cli::try_parse_from(&argv) {
            panic!(
                "{path}: `{}` is not a valid ailevel command: {e}",
                argv.join(" ")
            );
        }
    }
    cmds
}

fn has(cmds: &[Vec<String>], sub: &str, flag: &str) -> bool {
    cmds.iter()
        .any(|w| w.get(1).map(String::as_str) == Some(sub) && w.iter().any(|x| x == flag))
}

#[test]
fn the_github_workflow_shards_in_a_matrix_and_merges() {
    let path = "docs/examples/github-workflow.yml";
    let v = load(path);
    let shards = &v["jobs"]["shard"]["strategy"]["matrix"]["shard"];
    assert_eq!(shards.as_array().map(Vec::len), Some(4));
    assert_eq!(v["jobs"]["merge"]["needs"], "shard");
    let cmds = check_commands(path, &v);
    assert!(has(&cmds, "run", "--shard"));
    assert!(cmds.iter().any(|w| w[1] == "merge"));
    assert!(has(&cmds, "diff", "--fail-on-regression"));
    // The baseline is the artifact the merge job uploads, fetched from main's last good run.
    let steps = v["jobs"]["merge"]["steps"].as_array().unwrap();
    let uploaded = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact"))
        })
        .map(|s| s["with"]["name"].as_str().unwrap().to_string())
        .unwrap();
    let fetch = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("gh run download"))
        .expect("a step downloads the baseline");
    assert!(fetch.contains(&format!("--name {uploaded}")), "{fetch}");
    assert!(fetch.contains("--branch main --status success"), "{fetch}");
}

#[test]
fn the_gitlab_example_runs_parallel_shards_and_reports_junit() {
    let path = "docs/examples/gitlab-ci.yml";
    let v = load(path);
    assert_eq!(v["ailevel-shard"]["parallel"], 4);
    assert_eq!(
        v["ailevel-merge"]["artifacts"]["reports"]["junit"],
        "merged/junit.xml"
    );
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    assert!(text.contains("--shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\""));
    let cmds = check_commands(path, &v);
    assert!(has(&cmds, "run", "--shard"));
    assert!(cmds.iter().any(|w| w[1] == "merge"));
}

#[test]
fn the_kubernetes_indexed_job_maps_the_completion_index_to_a_shard() {
    let path = "deploy/ailevel-shards.yaml";
    let v = load(path);
    assert_eq!(v["kind"], "Job");
    assert_eq!(v["spec"]["completionMode"], "Indexed");
    assert_eq!(v["spec"]["completions"], 4);
    let script = v["spec"]["template"]["spec"]["containers"][0]["command"][2]
        .as_str()
        .unwrap();
    assert!(script.contains("$((JOB_COMPLETION_INDEX + 1))"));
    let cmds = check_commands(path, &v);
    assert!(has(&cmds, "run", "--shard"));
    assert!(cmds.iter().any(|w| w[1] == "sim" && w[2] == "serve"));
    let merge = "deploy/ailevel-merge.yaml";
    let cmds = check_commands(merge, &load(merge));
    assert!(cmds.iter().any(|w| w[1] == "merge"));
}

#[test]
fn the_composite_action_passes_only_real_run_flags() {
    let v = load("action.yml");
    assert_eq!(v["runs"]["using"], "composite");
    let script = v["runs"]["steps"][1]["run"].as_str().unwrap();
    assert!(script.contains("\"$AILEVEL\" run \"${args[@]}\""));
    let run = <ailevel::commands::Cli as clap::CommandFactory>::command();
    let run = run.find_subcommand("run").unwrap();
    let mut flags = 0;
    for word in shell_words(script) {
        let word = word
            .trim_start_matches("args+=(")
            .trim_start_matches("args=(")
            .trim_end_matches(';')
            .trim_end_matches(')');
        if let Some(flag) = word.strip_prefix("--") {
            assert!(
                run.get_arguments().any(|a| a.get_long() == Some(flag)),
                "action.yml passes --{flag}, which `ailevel run` does not take"
            );
            flags += 1;
        }
    }
    assert!(flags >= 6, "{flags}");
}

#[test]
fn a_wrong_flag_is_caught() {
    let v: Value =
        serde_saphyr::from_str("script:\n  - ailevel run --device x --shards 1/4\n").unwrap();
    let mut cmds = Vec::new();
    ailevel_commands(&v, &mut cmds);
    assert_eq!(cmds.len(), 1);
    let argv: Vec<String> = std::iter::once("ailevel".to_string())
        .chain(cmds[0][1..].iter().cloned())
        .collect();
    assert!(ailevel::commands::Cli::try_parse_from(&argv).is_err());
    assert_eq!(substitute("--shard ${{ matrix.shard }}/4"), "--shard 1/4");
    assert_eq!(shell_words("a \"b c\" 'd'"), ["a", "b c", "d"]);
}
