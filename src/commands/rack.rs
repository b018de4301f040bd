//! `ailevel run --device A --device B …`: a rack of devices driven at once by one process.
//! Each device is an ordinary run — its own profile limits (`concurrency`), seed, secret,
//! journal, results and reports in `OUT/<profile name>/` — on its own thread and runtime, so a
//! slow or dead device holds up no other. `OUT/index.json` and `OUT/index.md` list them all.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Context;
use super::run::RunArgs;
use super::shared::write_file;
use crate::error::{Error, ExitCode, Result};

/// What `index.json` says about one device of the rack.
#[derive(Debug, Serialize)]
struct Member {
    /// The profile as given on the command line.
    device: String,
    /// Its run's folder, relative to the rack's.
    out: String,
    /// The exit code its run alone would have ended with, and what it means.
    exit_code: i32,
    exit_meaning: &'static str,
    /// Why it did not run (an error before or during the run), when so.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    firmware: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    /// The level reached, when the run was graded (`null`: below the lowest level).
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    declared_level: Option<String>,
    /// The level held back only by inconclusive cases, when so.
    #[serde(skip_serializing_if = "Option::is_none")]
    incomplete: Option<String>,
}

#[derive(Debug, Serialize)]
struct Index {
    /// Always `ailevel.rack/1`.
    schema: &'static str,
    /// The rack's exit code: 0 when every run's is, else the first non-zero one in
    /// `--device` order.
    exit_code: i32,
    devices: Vec<Member>,
}

/// Flags that name one device's evidence and cannot be shared by several runs.
fn refuse_shared_flags(args: &RunArgs) -> Result<()> {
    for (given, flag, why) in [
        (
            args.secret.is_some(),
            "--secret",
            "a secret keys one run and is never reused; rerun one device alone with its recorded secret",
        ),
        (
            args.baseline.is_some(),
            "--baseline",
            "a baseline belongs to one device; compare each device's results with `ailevel diff`",
        ),
        (
            args.session.is_some(),
            "--session",
            "a session file names one sample; run each sample with its own",
        ),
        (
            args.resume.is_some(),
            "--resume",
            "resume each interrupted member alone: `ailevel run --device PROFILE --resume OUT/NAME`",
        ),
    ] {
        if given {
            return Err(Error::Usage(format!("{flag} with several --device: {why}")));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for d in &args.devices {
        let key = std::fs::canonicalize(d).unwrap_or_else(|_| d.clone());
        if !seen.insert(key) {
            return Err(Error::Usage(format!(
                "--device {} is given twice: one device cannot be two members of a rack",
                d.display()
            )));
        }
    }
    Ok(())
}

/// Each device's folder name inside the rack: its profile's name, made unique with `-2`, `-3`…
fn member_dirs(devices: &[PathBuf]) -> Vec<String> {
    let mut used = std::collections::BTreeSet::new();
    devices
        .iter()
        .map(|d| {
            let stem = super::run::default_out_dir(d)
                .file_name()
                .map_or("device".into(), |s| s.to_string_lossy().into_owned());
            let name = std::iter::once(stem.clone())
                .chain((2..).map(|n| format!("{stem}-{n}")))
                .find(|n| !used.contains(n))
                .expect("an unused name");
            used.insert(name.clone());
            name
        })
        .collect()
}

/// Without `--out`: `reports/rack`, or the first `reports/rack-N` that holds no finished rack.
fn rack_dir(args: &RunArgs) -> Result<PathBuf> {
    let finished = |dir: &Path| dir.join("index.json").exists();
    let dir = match &args.out {
        Some(out) => out.clone(),
        None if args.force => PathBuf::from("reports/rack"),
        None => std::iter::once(PathBuf::from("reports/rack"))
            .chain((2..10_000).map(|n| PathBuf::from(format!("reports/rack-{n}"))))
            .find(|d| !finished(d))
            .unwrap_or_else(|| PathBuf::from("reports/rack")),
    };
    if finished(&dir) && !args.force {
        return Err(Error::Usage(format!(
            "--out {}: holds a finished rack ({}); pass --force to replace it, or choose another --out",
            dir.display(),
            dir.join("index.json").display()
        )));
    }
    Ok(dir)
}

pub fn exec(args: &RunArgs, ctx: &mut Context<'_>) -> Result<ExitCode> {
    refuse_shared_flags(args)?;
    // Every profile is read before any device is touched: a typo in the fifth costs no run.
    for d in &args.devices {
        super::shared::load_inputs(&args.suite, args.framework.as_deref(), d)?;
    }
    let dir = rack_dir(args)?;
    let names = member_dirs(&args.devices);
    let members: Vec<RunArgs> = args
        .devices
        .iter()
        .zip(&names)
        .map(|(device, name)| {
            let mut one = args.clone();
            one.devices = vec![device.clone()];
            one.device = device.clone();
            one.out = Some(dir.join(name));
            // Progress lines of several runs would interleave unlabelled; each run's end is
            // announced instead.
            one.quiet = true;
            one
        })
        .collect();
    let total = members.len();
    let finished = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: Vec<(Result<ExitCode>, Vec<u8>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = members
            .iter()
            .zip(&names)
            .map(|(one, name)| {
                let finished = &finished;
                let quiet = args.quiet;
                scope.spawn(move || {
                    let mut buf = Vec::new();
                    let code = {
                        let mut sub = Context {
                            stdout: &mut buf,
                            runtime: super::Runtime::default(),
                        };
                        one.exec_one(&mut sub)
                    };
                    let n = finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    if !quiet {
                        let how = match &code {
                            Ok(c) => format!("exit {}", c.code()),
                            Err(e) => format!("error (exit {}): {e}", e.exit_code().code()),
                        };
                        eprintln!("[{n}/{total}] {name}: {how}");
                    }
                    (code, buf)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    (
                        Err(Error::Internal("a rack member's thread panicked".into())),
                        Vec::new(),
                    )
                })
            })
            .collect()
    });

    let mut devices = Vec::new();
    for ((one, name), (code, _)) in members.iter().zip(&names).zip(&outcomes) {
        devices.push(member(one, name, code));
    }
    let exit = devices
        .iter()
        .map(|m| m.exit_code)
        .find(|c| *c != 0)
        .unwrap_or(0);
    let index = Index {
        schema: "ailevel.rack/1",
        exit_code: exit,
        devices,
    };
    std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    let json = serde_json::to_string_pretty(&index).map_err(|e| Error::Internal(e.to_string()))?;
    write_file(&dir.join("index.json"), format!("{json}\n").as_bytes())?;
    write_file(&dir.join("index.md"), index_md(&index).as_bytes())?;

    if args.json {
        let runs: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|(_, buf)| serde_json::from_slice(buf).unwrap_or(serde_json::Value::Null))
            .collect();
        let out = serde_json::json!({
            "index": dir.join("index.json").display().to_string(),
            "exit_code": exit,
            "devices": index.devices,
            "runs": runs,
        });
        let _ = writeln!(ctx.stdout, "{out}");
    } else {
        for ((one, (code, buf)), name) in members.iter().zip(&outcomes).zip(&names) {
            let _ = writeln!(ctx.stdout, "== {name} ({})", one.device.display());
            let _ = ctx.stdout.write_all(buf);
            if let Err(e) = code {
                let _ = writeln!(ctx.stdout, "  error: {e}");
            }
        }
        let _ = writeln!(ctx.stdout, "rack: {}", dir.join("index.md").display());
    }
    Ok(ExitCode::ALL
        .into_iter()
        .find(|c| c.code() == exit)
        .unwrap_or(ExitCode::Io))
}

fn member(one: &RunArgs, name: &str, code: &Result<ExitCode>) -> Member {
    let (exit, error) = match code {
        Ok(c) => (*c, None),
        Err(e) => (e.exit_code(), Some(e.to_string())),
    };
    let mut m = Member {
        device: one.device.display().to_string(),
        out: name.to_string(),
        exit_code: exit.code(),
        exit_meaning: exit.meaning(),
        error,
        vendor: None,
        model: None,
        firmware: None,
        category: None,
        level: None,
        declared_level: None,
        incomplete: None,
    };
    let results = one
        .out
        .as_ref()
        .map(|o| o.join("results.json"))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str::<crate::results::Results>(&t).ok());
    if let (Some(r), true) = (results, m.error.is_none()) {
        m.vendor = Some(r.device.vendor.clone());
        m.model = Some(r.device.model.clone());
        m.firmware = Some(r.device.firmware.clone());
        m.category = Some(r.device.category.clone());
        m.level = Some(r.grade.level.clone());
        m.declared_level = r.grade.declared_level.clone();
        m.incomplete = r.grade.incomplete.as_ref().map(|i| i.level.clone());
    }
    m
}

/// The rack at a glance, for a CI summary or a lab's job sheet. Device text is escaped as in
/// summary.md.
fn index_md(index: &Index) -> String {
    let esc = crate::report::markdown_escape;
    let mut s = String::from(
        "# ailevel rack\n\n| device | product | category | level | exit | run |\n|---|---|---|---|---|---|\n",
    );
    for m in &index.devices {
        let product = match (&m.vendor, &m.model, &m.firmware) {
            (Some(v), Some(model), Some(f)) => format!("{v} {model} {f}"),
            _ => "—".into(),
        };
        let level = match (&m.level, &m.incomplete) {
            (Some(Some(l)), Some(i)) => format!("{l} ({i} incomplete)"),
            (Some(Some(l)), None) => l.clone(),
            (Some(None), _) => "below the lowest level".into(),
            (None, _) => m.error.clone().unwrap_or_else(|| "—".into()),
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | [{}]({}/summary.md) |\n",
            esc(&m.device),
            esc(&product),
            esc(m.category.as_deref().unwrap_or("—")),
            esc(&level),
            m.exit_code,
            esc(&m.out),
            url_path(&m.out)
        ));
    }
    s.push_str(&format!("\nRack exit code: {}.\n", index.exit_code));
    s
}

/// A folder name as a relative link: anything but unreserved characters percent-encoded.
fn url_path(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}
