//! Shell completions and manual pages come from the parser's own definitions: every command
//! and flag is in them, enumerated flags complete to their values, and the scripts parse.

mod common;

use common::ailevel;

fn stdout_of(args: &[&str]) -> String {
    let out = ailevel().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_cover_every_command_flag_and_value() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for word in [
            "run",
            "regrade",
            "serve",
            "require-level",
            "fault-scope",
            "group-by",
        ] {
            assert!(script.contains(word), "{shell} completion lacks `{word}`");
        }
    }
    let bash = stdout_of(&["completions", "bash"]);
    // Values of enumerated flags, including those parsed by the library's own FromStr.
    for values in [
        "clause level element",
        "zh-CN en",
        "html junit md",
        "info sessions turns",
    ] {
        assert!(bash.contains(values), "bash completion lacks `{values}`");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ailevel.bash");
    std::fs::write(&path, &bash).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .expect("bash is installed");
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = ailevel().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_lists_commands_and_exit_codes() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH ailevel 1"), "{page}");
    for cmd in [
        "run", "probe", "sim", "validate", "list", "regrade", "report",
    ] {
        assert!(page.contains(&format!("ailevel\\-{cmd}(1)")), "lacks {cmd}");
    }
    let status = page
        .split(".SH \"EXIT STATUS\"")
        .nth(1)
        .expect("EXIT STATUS");
    for code in 0..=4 {
        assert!(
            status.contains(&format!(".TP\n{code}\n")),
            "lacks exit code {code}"
        );
    }
}

#[test]
fn man_out_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    stdout_of(&["man", "--out", out.to_str().unwrap()]);
    for page in [
        "ailevel.1",
        "ailevel-run.1",
        "ailevel-sim-serve.1",
        "ailevel-report.1",
    ] {
        assert!(out.join(page).is_file(), "{page} not written");
    }
    let run = std::fs::read_to_string(out.join("ailevel-run.1")).unwrap();
    assert!(run.contains("\\-\\-require\\-level"), "{run}");
    let top = std::fs::read_to_string(out.join("ailevel.1")).unwrap();
    assert!(top.contains("EXIT STATUS"));
}
