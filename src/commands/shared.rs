//! What several commands do the same way: load a suite with a profile, connect to the
//! device, write results and reports.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::device::{Adapter, ConnectOptions, Profile};
use crate::error::{Error, Result, chain};
use crate::report::{self, Format, Lang};
use crate::results::Results;
use crate::suite::{self, LoadedSuite};

/// Load the suite and the profile, checking the profile against the suite's framework. Of
/// the suite's media fixtures only those a device of the profile's category is sent (its own
/// cases' and the common ones') are read and checked: the others never travel in this run.
pub(super) fn load_inputs(
    suite_dir: &Path,
    framework: Option<&Path>,
    device: &Path,
) -> Result<(LoadedSuite, Profile, String)> {
    let (dir, embedded) = dir_of_suite(suite_dir, false)?;
    let mut suite = suite::load_suite_without_fixtures(&dir, framework)?;
    let (profile, sha) = crate::device::load_profile(&device_path(device)?, &suite.framework)?;
    if embedded {
        crate::embedded::extract_suite_fixtures(suite.fixture_paths_of(&profile.category))
            .map_err(|source| Error::Write {
                path: std::env::temp_dir(),
                source,
            })?;
    }
    suite.load_fixtures_of(&dir, &profile.category)?;
    suite.root = suite_dir.to_path_buf();
    Ok((suite, profile, sha))
}

/// The suite `--suite` names. The default, `suites`, is the built-in suites when there is no
/// suite directory of that name here, so the binary works from any directory; any other
/// path, or a `suites` directory that is there, is read as given. Recorded as given.
pub(super) fn load_suite(dir: &Path, framework: Option<&Path>) -> Result<LoadedSuite> {
    let mut suite = suite::load_suite(&suite_dir(dir)?, framework)?;
    suite.root = dir.to_path_buf();
    Ok(suite)
}

/// [`load_inputs`] for a command that only shows the cases (`list`): the suite's media
/// fixtures are neither written out nor read ([`suite::load_suite_without_fixtures`]).
pub(super) fn load_inputs_without_fixtures(
    suite_dir: &Path,
    framework: Option<&Path>,
    device: &Path,
) -> Result<(LoadedSuite, Profile, String)> {
    let mut suite =
        suite::load_suite_without_fixtures(&dir_of_suite(suite_dir, false)?.0, framework)?;
    suite.root = suite_dir.to_path_buf();
    let (profile, sha) = crate::device::load_profile(&device_path(device)?, &suite.framework)?;
    Ok((suite, profile, sha))
}

/// Where to read the suite `--suite DIR` names (see [`load_suite`]).
pub(super) fn suite_dir(dir: &Path) -> Result<std::path::PathBuf> {
    dir_of_suite(dir, true).map(|(dir, _)| dir)
}

/// The directory to read, and whether it is the built-in suites written out.
fn dir_of_suite(dir: &Path, fixtures: bool) -> Result<(std::path::PathBuf, bool)> {
    if dir == Path::new(crate::embedded::SUITES) && !dir.join("framework.yaml").is_file() {
        let extracted = if fixtures {
            crate::embedded::extracted(crate::embedded::SUITES)
        } else {
            crate::embedded::extracted_without_fixtures(crate::embedded::SUITES)
        };
        return extracted
            .map(|dir| (dir, true))
            .map_err(|source| Error::Write {
                path: std::env::temp_dir(),
                source,
            });
    }
    Ok((dir.to_path_buf(), false))
}

/// The profile file `--device` names: a path, or `sim:NAME` for a built-in reference
/// simulator profile (`sim:phone-l3`) when no file of that name exists.
pub(super) fn device_path(device: &Path) -> Result<std::path::PathBuf> {
    let text = device.to_string_lossy();
    let Some(name) = text.strip_prefix("sim:").filter(|_| !device.exists()) else {
        return Ok(device.to_path_buf());
    };
    let names = crate::embedded::sim_profiles();
    if !names.contains(&name) {
        return Err(Error::Usage(format!(
            "--device {text}: no built-in simulator profile `{name}` (there are {})",
            names.join(", ")
        )));
    }
    // A profile names no fixture; a command that needs them extracts them with the suite.
    let dir = crate::embedded::extracted_without_fixtures(crate::embedded::SIM_PROFILES).map_err(
        |source| Error::Write {
            path: std::env::temp_dir(),
            source,
        },
    )?;
    Ok(dir.join(format!("{name}.toml")))
}

/// The adapter for a loaded profile. A profile that cannot become one — a bad URL, a token
/// variable that is not set — is invalid input, named by its file; nothing was sent yet.
pub(super) fn connect(
    profile: &Profile,
    path: &Path,
    suite: &LoadedSuite,
    seed: u64,
    call_timeout: Duration,
) -> Result<Arc<dyn Adapter>> {
    let opts = ConnectOptions {
        seed,
        call_timeout,
        actions: suite.actions_for(&profile.category),
    };
    crate::device::connect(profile, &opts)
        .map_err(|e| Error::invalid(path, format!("adapter: {e}")))
}

/// Render `formats` from `results` and write each into `out` under its file name
/// (`report.html`, `junit.xml`, `summary.md`). `run` and `report` both end here, so a report
/// re-rendered from results.json is the one the run wrote. Every format is rendered before any
/// file is written: a rendering failure leaves the directory as it was.
pub fn write_outputs(results: &Results, out: &Path, lang: Lang, formats: &[Format]) -> Result<()> {
    write_outputs_from(results, out, lang, formats, &mut report::HeldTrials, None)
}

/// [`write_outputs`], with each case's trials from `trials` (a streamed run's journal), read
/// a case at a time by each format in turn. The rendered texts are still all held until they
/// are written, so that a failure leaves the directory as it was: that memory is the size of
/// the reports, not of the trials.
///
/// Given `page_trials`, a second source of the same trials, the page (HTML, and the PDF's
/// HTML) is rendered from it on another thread while the other formats are rendered here:
/// the same bytes, in about the time of the longest.
pub fn write_outputs_from(
    results: &Results,
    out: &Path,
    lang: Lang,
    formats: &[Format],
    trials: &mut dyn report::TrialSource,
    page_trials: Option<&mut (dyn report::TrialSource + Send)>,
) -> Result<()> {
    let mut formats = formats.to_vec();
    formats.sort_unstable();
    formats.dedup();
    let created = !out.exists();
    std::fs::create_dir_all(out).map_err(|source| Error::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let page = Staged::new(out.join(Format::Html.file_name()));
    let rendered = render_outputs(results, lang, &formats, trials, page_trials, &page);
    // A rendering failure leaves the directory as it was: the page written so far is removed,
    // and the directory too when this call made it.
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(e) => {
            page.discard();
            if created {
                let _ = std::fs::remove_dir(out);
            }
            return Err(e);
        }
    };
    for (f, bytes) in rendered {
        write_file(&out.join(f.file_name()), &bytes).inspect_err(|_| page.discard())?;
    }
    if formats.contains(&Format::Html) {
        page.commit()?;
    }
    Ok(())
}

/// Every format but the page rendered to bytes (a PDF printed from its HTML), and the page,
/// when asked for, written into `page` as it is rendered, on a second thread when there is
/// other work and `page_trials` to read its trials from.
fn render_outputs(
    results: &Results,
    lang: Lang,
    formats: &[Format],
    trials: &mut dyn report::TrialSource,
    page_trials: Option<&mut (dyn report::TrialSource + Send)>,
    page: &Staged,
) -> Result<Vec<(Format, Vec<u8>)>> {
    let failed = |f: Format| {
        move |e: report::ReportError| {
            Error::Internal(format!("could not render the {f} report: {}", chain(&e)))
        }
    };
    let render = |formats: &[Format], trials: &mut dyn report::TrialSource| {
        formats
            .iter()
            .map(|&f| {
                let text = report::render_from(results, lang, f, trials).map_err(failed(f))?;
                let bytes = match f {
                    // Printed before anything is written, so a missing browser leaves the
                    // directory as it was too.
                    Format::Pdf => super::pdf::print(&text)?,
                    _ => text.into_bytes(),
                };
                Ok((f, bytes))
            })
            .collect::<Result<Vec<_>>>()
    };
    let write_page = |trials: &mut dyn report::TrialSource| -> Result<()> {
        page.write(|w| {
            report::render_html_to(results, lang, trials, w).map_err(|e| match e {
                report::ReportError::Write { source, .. } => PageError::Io(source),
                e => PageError::Render(failed(Format::Html)(e)),
            })
        })
    };
    let html = formats.contains(&Format::Html);
    let rest: Vec<Format> = formats
        .iter()
        .copied()
        .filter(|f| *f != Format::Html)
        .collect();
    match page_trials {
        Some(page_trials) if html && !rest.is_empty() => std::thread::scope(|scope| {
            let page = scope.spawn(|| write_page(page_trials));
            let rendered = render(&rest, trials);
            let page = page
                .join()
                .map_err(|_| Error::Internal("the report page's renderer panicked".into()))?;
            page?;
            rendered
        }),
        _ => {
            if html {
                write_page(trials)?;
            }
            render(&rest, trials)
        }
    }
}

/// Why the page could not be written: a failed render, or the file.
enum PageError {
    Render(Error),
    Io(std::io::Error),
}

impl From<std::io::Error> for PageError {
    fn from(e: std::io::Error) -> Self {
        PageError::Io(e)
    }
}

/// A file written in full to a temporary name beside `path`, and renamed over it only when
/// everything else is ready too.
struct Staged {
    path: std::path::PathBuf,
    tmp: std::path::PathBuf,
}

impl Staged {
    fn new(path: std::path::PathBuf) -> Self {
        let tmp = path.with_extension("tmp");
        Staged { path, tmp }
    }

    fn write(
        &self,
        fill: impl FnOnce(&mut dyn Write) -> std::result::Result<(), PageError>,
    ) -> Result<()> {
        let write = || -> std::result::Result<(), PageError> {
            let file = std::fs::File::create(&self.tmp)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            fill(&mut w)?;
            let f = w
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            f.sync_all()?;
            Ok(())
        };
        write().map_err(|e| match e {
            PageError::Render(e) => e,
            PageError::Io(source) => Error::Write {
                path: self.path.clone(),
                source,
            },
        })
    }

    fn commit(&self) -> Result<()> {
        std::fs::rename(&self.tmp, &self.path).map_err(|source| Error::Write {
            path: self.path.clone(),
            source,
        })
    }

    fn discard(&self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Write via a temporary file and rename, so a reader never sees half a file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// [`write_file`] for bytes made as they are written: `fill` writes into a buffered
/// temporary file, renamed over `path` once complete and synced.
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
        fill(&mut w)?;
        let f = w
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Write to the command's stdout; a closed or full stdout is a write error like any file's.
pub(super) fn print(stdout: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })
}

/// `--case`, `--level`, `--element`, `--clause`: which cases `run` and `list` cover.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SelectArgs {
    /// Only cases whose id matches this glob (`*`, `?`); repeat for more.
    #[arg(long = "case", value_name = "GLOB")]
    pub cases: Vec<String>,
    /// Only cases of this level (e.g. L2); repeat for more.
    #[arg(long = "level", value_name = "LEVEL")]
    pub levels: Vec<String>,
    /// Only cases of this element (e.g. memory); repeat for more.
    #[arg(long = "element", value_name = "ELEMENT")]
    pub elements: Vec<String>,
    /// Only cases tracing to this clause or a subclause of it (e.g. "177.2 §6.3").
    #[arg(long = "clause", value_name = "CLAUSE")]
    pub clauses: Vec<String>,
    /// Only shard K of N (a stable hash of the case id); N processes with K = 1..N cover every
    /// case once, and `ailevel merge` puts their results together.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<suite::select::Shard>,
}

fn parse_shard(s: &str) -> std::result::Result<suite::select::Shard, String> {
    suite::select::Shard::parse(s)
}

impl SelectArgs {
    pub fn selection(&self) -> suite::select::Selection {
        suite::select::Selection {
            case: self.cases.clone(),
            level: self.levels.clone(),
            element: self.elements.clone(),
            clause: self.clauses.clone(),
            shard: self.shard,
        }
    }
}

/// Keep the suite's cases `sel` selects; `None` when it selects every case by giving no
/// flag. A level or element the framework does not have, or a selection that leaves no
/// case, is a usage error: a typo must not turn into an empty, green run.
pub(super) fn apply_selection(
    suite: &mut LoadedSuite,
    sel: suite::select::Selection,
) -> Result<Option<suite::select::Selection>> {
    if sel.is_empty() {
        return Ok(None);
    }
    let fw = &suite.framework;
    for l in &sel.level {
        if !fw.levels.iter().any(|x| x.id.eq_ignore_ascii_case(l)) {
            let known: Vec<&str> = fw.levels.iter().map(|x| x.id.as_str()).collect();
            return Err(Error::Usage(format!(
                "--level {l}: no such level in the framework (it has {})",
                known.join(", ")
            )));
        }
    }
    for e in &sel.element {
        if !fw.elements.iter().any(|x| &x.id == e) {
            let known: Vec<&str> = fw.elements.iter().map(|x| x.id.as_str()).collect();
            return Err(Error::Usage(format!(
                "--element {e}: no such element in the framework (it has {})",
                known.join(", ")
            )));
        }
    }
    suite.cases.retain(|c| sel.matches(&c.case));
    // An empty shard is not a typo: a small suite over many machines leaves some idle.
    if suite.cases.is_empty() && sel.shard.is_none() {
        return Err(Error::Usage(format!(
            "{}: selects no case of the suite",
            sel.describe()
        )));
    }
    Ok(Some(sel))
}
