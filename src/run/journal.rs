//! `trials.jsonl`, the run's journal: a header line saying which run this is (harness,
//! framework, suite, profile, variant pool, seed, settings, how the secret is kept), then
//! every finished trial appended and synced as it completes. An interrupted run keeps
//! everything that finished, `run --resume` continues it, and `regrade`/`report` can build
//! results from it. Format: docs/reports.md, "The journal".

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::device::protocol::Info;
use crate::error::{Error, Problem};
use crate::results::{DeviceSeeds, Harness, TrialRecord};

/// The value of a header's `journal` key.
pub const JOURNAL_SCHEMA: &str = "ailevel.journal/1";

/// The first line of `trials.jsonl`: everything that decides what the run's trials are, so
/// that a resumed run can refuse to continue a different one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always `ailevel.journal/1`; what tells a header line from a trial line.
    pub journal: String,
    pub harness: Harness,
    /// When the run began (RFC 3339); a resumed run keeps it.
    pub started_at: String,
    pub framework: Source,
    pub suite: Source,
    pub device: DeviceSource,
    /// The private variant pool (`run --variants`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Source>,
    /// The judge profile (`run --judge`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<Source>,
    pub seed: u64,
    pub secret: SecretRecord,
    pub settings: Settings,
}

/// An input file or directory: where it was given, and the hash of what was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// As given on the command line; absent for the suite's own framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceSource {
    /// The profile as given (`--device`).
    pub profile: String,
    pub profile_sha256: String,
    /// What the device answered to `info` before the first trial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
}

/// How the run's secret is kept. A secret `run --secret` pinned is known to whoever runs
/// ailevel and is recorded as given; a random one must not be readable while the run is
/// under way (it keys the session seeds and the run order), so only its SHA-256 is here and
/// the secret itself waits in `DIR/secret` (mode 0600) until results.json records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRecord {
    pub pinned: bool,
    /// SHA-256 of the secret's 32 bytes.
    pub sha256: String,
    /// The secret, 64 hex digits: only when pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub hex: Option<String>,
}

/// The options that shape the trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub locale: String,
    pub trials_override: Option<u32>,
    pub concurrency: u32,
    pub turn_timeout_ms: u64,
    pub retries: u32,
    pub retry_backoff_ms: u64,
    pub run_retries: Option<u64>,
    pub case_timeout_ms: Option<u64>,
    pub phrasing: crate::suite::phrasing::Phrasing,
    pub device_seeds: DeviceSeeds,
    /// `run --case/--level/--element/--clause/--shard`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<crate::suite::select::Selection>,
}

impl Header {
    /// What a resumed run must share with the journal, item by item, as text.
    fn identity(&self) -> Vec<(&'static str, String)> {
        let s = &self.settings;
        vec![
            ("journal format", self.journal.clone()),
            ("harness version", self.harness.version.clone()),
            ("framework SHA-256", self.framework.sha256.clone()),
            ("suite SHA-256", self.suite.sha256.clone()),
            ("profile SHA-256", self.device.profile_sha256.clone()),
            (
                "variant pool SHA-256",
                self.variants
                    .as_ref()
                    .map_or("none".into(), |v| v.sha256.clone()),
            ),
            (
                "judge profile SHA-256",
                self.judge
                    .as_ref()
                    .map_or("none".into(), |v| v.sha256.clone()),
            ),
            ("seed (--seed)", self.seed.to_string()),
            ("secret (SHA-256)", self.secret.sha256.clone()),
            ("locale (--locale)", s.locale.clone()),
            ("trials (--trials)", json(&s.trials_override)),
            ("concurrency (--concurrency)", s.concurrency.to_string()),
            (
                "turn timeout (--turn-timeout-ms)",
                s.turn_timeout_ms.to_string(),
            ),
            ("retries (--retries)", s.retries.to_string()),
            (
                "retry backoff (--retry-backoff-ms)",
                s.retry_backoff_ms.to_string(),
            ),
            ("run retries (--run-retries)", json(&s.run_retries)),
            ("case timeout (--case-timeout-ms)", json(&s.case_timeout_ms)),
            ("phrasing (--phrasing)", json(&s.phrasing)),
            ("device seeds", json(&s.device_seeds)),
            (
                "selection",
                s.selection
                    .as_ref()
                    .map_or("the whole suite".into(), |x| x.describe()),
            ),
        ]
    }

    /// Every item in which `now` (the run being started) differs from this journal's run,
    /// as "ITEM: journal has A, this run has B".
    pub fn differences(&self, now: &Header) -> Vec<String> {
        self.identity()
            .into_iter()
            .zip(now.identity())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((what, a), (_, b))| format!("{what}: the journal has {a}, this run has {b}"))
            .collect()
    }
}

/// A setting as text, for comparison and messages.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A journal as read back.
#[derive(Debug, Clone)]
pub struct Read {
    /// None when not even the header line was complete: nothing of the run was kept.
    pub header: Option<Header>,
    /// Each trial once (the first record of a case, index and retry round), in journal order.
    pub trials: Vec<TrialRecord>,
    /// Bytes of complete lines; a torn last line (the process killed mid-write) lies beyond.
    pub valid_len: u64,
    /// Whether a torn last line was dropped.
    pub torn: bool,
}

/// Largest journal read, as for results files.
pub const MAX_JOURNAL_BYTES: u64 = crate::results::MAX_RESULTS_BYTES;

/// Read `path`. Only the last line may be incomplete (a write cut short by kill -9); it is
/// dropped, and its trial runs again on resume. Any other bad line is an error naming it.
pub fn read(path: &Path) -> crate::error::Result<Read> {
    let bytes = crate::files::read_bytes(path, MAX_JOURNAL_BYTES)?;
    let bad = |line: usize, message: String| {
        Error::Invalid(vec![Problem {
            file: path.to_path_buf(),
            line: Some(line),
            column: None,
            field: None,
            message,
        }])
    };
    let mut out = Read {
        header: None,
        trials: Vec::new(),
        valid_len: 0,
        torn: false,
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut offset = 0usize;
    for (i, chunk) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let complete = chunk.ends_with(b"\n");
        let text = chunk.strip_suffix(b"\n").unwrap_or(chunk);
        let last = offset + chunk.len() == bytes.len();
        offset += chunk.len();
        if text.iter().all(u8::is_ascii_whitespace) && complete {
            out.valid_len = offset as u64;
            continue;
        }
        // Only a last line without its newline is a tear; anything else is damage.
        let torn = |e: String| {
            if last && !complete {
                Ok(())
            } else {
                Err(bad(line_no, e))
            }
        };
        if i == 0 {
            if !complete {
                out.torn = true;
                break;
            }
            out.header = Some(parse_header(path, text)?);
        } else {
            match serde_json::from_slice::<TrialRecord>(text) {
                Ok(t) if complete => {
                    // A retry round runs the same case and index again, as a new record.
                    if seen.insert((t.case.clone(), t.index, t.round)) {
                        out.trials.push(t);
                    }
                }
                Ok(_) => {
                    out.torn = true;
                    break;
                }
                Err(e) => {
                    torn(format!("not a trial record: {e}"))?;
                    out.torn = true;
                    break;
                }
            }
        }
        out.valid_len = offset as u64;
    }
    Ok(out)
}

fn parse_header(path: &Path, text: &[u8]) -> crate::error::Result<Header> {
    let bad = |message: String| {
        Error::Invalid(vec![Problem {
            file: path.to_path_buf(),
            line: Some(1),
            column: None,
            field: None,
            message,
        }])
    };
    let value: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| bad(format!("not a journal header: {e}")))?;
    if value.get("journal").is_none() {
        return Err(bad(
            if serde_json::from_value::<TrialRecord>(value).is_ok() {
                "a journal without a header (written by an ailevel before \
                 `ailevel.journal/1`): it does not say which suite, profile, seed and settings \
                 its trials ran with, so it cannot be resumed or graded; run again"
            } else {
                "not a journal header: no `journal` key"
            }
            .into(),
        ));
    }
    if value["journal"] != JOURNAL_SCHEMA {
        return Err(bad(format!(
            "journal format {}; this ailevel reads `{JOURNAL_SCHEMA}`",
            value["journal"]
        )));
    }
    let problems =
        crate::files::schema_problems(path, crate::schema::Kind::Journal, &value, |_| {
            (Some(1), None)
        });
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    serde_json::from_value(value).map_err(|e| bad(format!("journal header: {e}")))
}

/// How long a batch of records may gather before it is written and synced. A process killed
/// within the window loses those trials' records; they run again on resume.
const COMMIT_WINDOW: Duration = Duration::from_millis(50);

enum Msg {
    Info(Box<Info>),
    Trial(Box<TrialRecord>),
}

pub struct Journal {
    /// Stamped on every trial recorded: the `ailevel retry` round (0 for the run itself).
    round: u32,
    tx: Option<mpsc::Sender<Msg>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
    path: PathBuf,
}

/// Where the journal goes and what it continues.
pub enum Target {
    /// A new journal, created (truncating what was there) with its header only when the first
    /// trial record arrives: a run that fails before any trial ran — a dead port, a bad URL —
    /// leaves the previous run's journal as it was.
    Fresh {
        header: Box<Header>,
        secret: Option<String>,
    },
    /// An existing journal continued: cut to its complete lines, then appended to.
    Append { valid_len: u64 },
}

impl Journal {
    /// Writing happens on its own thread so that a slow disk never stalls the async runner.
    pub fn create(path: &Path, target: Target) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Msg>();
        let target_path = path.to_path_buf();
        let mut file: Option<std::fs::File> = None;
        let mut header = None;
        let mut secret = None;
        match target {
            Target::Fresh {
                header: h,
                secret: s,
            } => {
                header = Some(h);
                secret = s;
            }
            Target::Append { valid_len } => {
                let f = std::fs::OpenOptions::new().write(true).open(path)?;
                f.set_len(valid_len)?;
                let mut f = f;
                std::io::Seek::seek(&mut f, std::io::SeekFrom::End(0))?;
                file = Some(f);
            }
        }
        let handle = std::thread::spawn(move || {
            // Group commit bounded by time: whatever arrives within COMMIT_WINDOW of a batch's
            // first record goes to disk with it in one sync, so fast trials share a sync
            // instead of paying one each, and none waits on disk longer than the window.
            while let Ok(first) = rx.recv() {
                let mut buf = String::new();
                let until = Instant::now() + COMMIT_WINDOW;
                let batch = std::iter::once(first).chain(std::iter::from_fn(|| {
                    rx.recv_timeout(until.saturating_duration_since(Instant::now()))
                        .ok()
                }));
                for msg in batch {
                    match msg {
                        Msg::Info(info) => {
                            if let Some(h) = &mut header {
                                h.device.info = Some(*info);
                            }
                        }
                        Msg::Trial(trial) => {
                            buf.push_str(
                                &serde_json::to_string(&trial).map_err(std::io::Error::other)?,
                            );
                            buf.push('\n');
                        }
                    }
                }
                if buf.is_empty() {
                    continue;
                }
                let f = match &mut file {
                    Some(f) => f,
                    None => {
                        if let Some(s) = secret.take() {
                            write_secret(&target_path, &s)?;
                        }
                        let mut f = std::fs::File::create(&target_path)?;
                        if let Some(h) = header.take() {
                            let mut line =
                                serde_json::to_string(&h).map_err(std::io::Error::other)?;
                            line.push('\n');
                            f.write_all(line.as_bytes())?;
                        }
                        file.insert(f)
                    }
                };
                f.write_all(buf.as_bytes())?;
                f.sync_data()?;
            }
            Ok(())
        });
        Ok(Journal {
            round: 0,
            tx: Some(tx),
            handle: Some(handle),
            path: path.to_path_buf(),
        })
    }

    /// What the device answered to `info`, for the header.
    pub fn device_info(&self, info: &Info) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Info(Box::new(info.clone())));
        }
    }

    /// Trials recorded from here on belong to `ailevel retry` round `round`.
    pub fn for_round(mut self, round: u32) -> Self {
        self.round = round;
        self
    }

    pub fn record(&self, trial: &TrialRecord) {
        if let Some(tx) = &self.tx {
            let mut trial = Box::new(trial.clone());
            trial.round = self.round;
            // A closed channel means the writer failed; `finish` reports it.
            let _ = tx.send(Msg::Trial(trial));
        }
    }

    /// Wait for every record to be on disk.
    pub fn finish(mut self) -> Result<(), crate::Error> {
        drop(self.tx.take());
        let result = match self.handle.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(std::io::Error::other("journal writer panicked")),
            None => Ok(()),
        };
        result.map_err(|source| crate::Error::Write {
            path: self.path.clone(),
            source,
        })
    }
}

/// A trial's line in the journal: offset and length (without the newline).
type Span = (u64, usize);

/// Where each trial kept in a journal is: by case, each index with its line's span. The first
/// record of a case and index wins, as in [`read`]. Kept as one sorted list per case rather
/// than a map entry per trial, which cost about four times the memory on a long run.
#[derive(Debug, Default)]
pub struct Index {
    cases: std::collections::HashMap<String, Vec<(u32, Span)>>,
}

impl Index {
    /// The span of `case`'s trial `index`, if the journal holds it.
    pub fn get(&self, case: &str, index: u32) -> Option<Span> {
        let spans = self.cases.get(case)?;
        let at = spans.binary_search_by_key(&index, |&(i, _)| i).ok()?;
        Some(spans[at].1)
    }

    /// The spans of `case`'s trials below `planned`, in index order.
    fn spans(&self, case: &str, planned: u32) -> impl Iterator<Item = Span> + '_ {
        self.cases
            .get(case)
            .into_iter()
            .flatten()
            .take_while(move |&&(i, _)| i < planned)
            .map(|&(_, span)| span)
    }
}

/// Index the journal at `path` in one streaming pass, holding one line at a time.
pub fn index(path: &Path) -> crate::error::Result<Index> {
    use std::io::BufRead;
    #[derive(Deserialize)]
    struct Key {
        case: String,
        index: u32,
    }
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut r = std::io::BufReader::with_capacity(1 << 16, file);
    let mut out = Index::default();
    let (mut line, mut offset, mut line_no) = (Vec::new(), 0u64, 0usize);
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line).map_err(read_err)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let at = offset;
        offset += n as u64;
        let Some(text) = line.strip_suffix(b"\n") else {
            // A torn last line holds no trial.
            break;
        };
        if line_no == 1 || text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let key: Key = serde_json::from_slice(text).map_err(|e| {
            Error::Invalid(vec![Problem {
                file: path.to_path_buf(),
                line: Some(line_no),
                column: None,
                field: None,
                message: format!("not a trial record: {e}"),
            }])
        })?;
        let spans = match out.cases.get_mut(&key.case) {
            Some(spans) => spans,
            None => out.cases.entry(key.case).or_default(),
        };
        spans.push((key.index, (at, text.len())));
    }
    for spans in out.cases.values_mut() {
        // Stable: of the records of one index, the first in the file stays first.
        spans.sort_by_key(|&(i, _)| i);
        spans.dedup_by_key(|&mut (i, _)| i);
        spans.shrink_to_fit();
    }
    Ok(out)
}

type Turns = Vec<crate::suite::model::CaseTurn>;

/// `buf.len()` bytes of `file` from byte `at`: one positioned read where the platform has it,
/// rather than a seek and a read per trial.
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read as _, Seek, SeekFrom};
        let mut file = file;
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(buf)
    }
}

/// Reads trial lines of a journal by their spans, one at a time into one buffer.
struct Lines {
    file: std::fs::File,
    path: PathBuf,
    buf: Vec<u8>,
    /// Score each trial read again; off only for the journal this process is writing, whose
    /// trials it scored with the same evaluator before recording them.
    rescore: bool,
}

impl Lines {
    fn open(path: &Path) -> crate::error::Result<Self> {
        let file = std::fs::File::open(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Lines {
            file,
            path: path.to_path_buf(),
            buf: Vec::new(),
            rescore: true,
        })
    }

    /// The trial at `span`, scored against `turns` as [`crate::grade::derive`] scores it.
    fn trial(
        &mut self,
        (at, len): Span,
        turns: &[crate::suite::model::CaseTurn],
        evaluator: &crate::score::Evaluator,
    ) -> Result<TrialRecord, String> {
        let where_ =
            |e: &dyn std::fmt::Display| format!("{} at byte {at}: {e}", self.path.display());
        self.buf.resize(len, 0);
        read_at(&self.file, &mut self.buf, at).map_err(|e| where_(&e))?;
        let mut trial: TrialRecord = serde_json::from_slice(&self.buf).map_err(|e| where_(&e))?;
        if self.rescore {
            crate::grade::rescore_trial(evaluator, turns, &mut trial);
        }
        Ok(trial)
    }
}

/// A streamed run's trials, read back from its journal one at a time: each case's kept
/// trials in index order, scored as [`crate::grade::derive`] scores them.
pub struct Stored {
    lines: Lines,
    /// Per case, in results order: its turns and its trials' spans in index order.
    cases: std::vec::IntoIter<(Turns, Vec<Span>)>,
    current: Option<(Turns, std::vec::IntoIter<Span>)>,
    evaluator: crate::score::Evaluator,
}

impl Stored {
    /// The trials `index` holds for each case of `results` (by id, indices below its
    /// planned count) — the ones the run kept.
    pub fn open(
        path: &Path,
        index: &Index,
        results: &crate::results::Results,
        evaluator: crate::score::Evaluator,
    ) -> crate::error::Result<Self> {
        let cases = results
            .cases
            .iter()
            .map(|c| {
                let spans = index.spans(&c.id, c.trials_planned).collect();
                (c.turns.clone(), spans)
            })
            .collect::<Vec<_>>()
            .into_iter();
        Ok(Stored {
            lines: Lines::open(path)?,
            cases,
            current: None,
            evaluator,
        })
    }

    /// For the journal of a run this process made from start to end: its trials were scored
    /// with this evaluator just before they were recorded, so they are read as written
    /// rather than scored again (a resumed run's earlier trials were not).
    pub fn scored_here(mut self) -> Self {
        self.lines.rescore = false;
        self
    }
}

impl crate::results::TrialSource for Stored {
    fn next_case(&mut self) -> Result<usize, String> {
        let (turns, spans) = self
            .cases
            .next()
            .ok_or("more cases than the journal index has")?;
        let n = spans.len();
        self.current = Some((turns, spans.into_iter()));
        Ok(n)
    }

    fn next_trial(&mut self) -> Result<TrialRecord, String> {
        let (turns, spans) = self.current.as_mut().ok_or("no case under way")?;
        let span = spans.next().ok_or("more trials than the case has")?;
        self.lines.trial(span, turns, &self.evaluator)
    }
}

/// A streamed run's trials for its reports: any case's kept trials on request, read from the
/// journal and scored as [`Stored`] gives them to results.json. The results file the reports
/// are of is the one written from the same journal; its digest is given, not recomputed from
/// trials held in memory.
///
/// Every report reads every case again, so the first cases' trials read, up to
/// [`KEEP_BYTES`] of journal lines, stay read for the next report: a small run is read and
/// scored once for all its reports, a large one still holds at most that much.
pub struct ByCase<'a> {
    lines: Lines,
    index: &'a Index,
    evaluator: crate::score::Evaluator,
    results_sha256: String,
    kept: HashMap<(String, u32), Vec<TrialRecord>>,
    kept_bytes: usize,
    keep_limit: usize,
}

/// How much of the journal, in line bytes, [`ByCase`] keeps read between reports.
const KEEP_BYTES: usize = 512 << 10;

impl<'a> ByCase<'a> {
    pub fn open(
        path: &Path,
        index: &'a Index,
        evaluator: crate::score::Evaluator,
        results_sha256: String,
    ) -> crate::error::Result<Self> {
        Ok(ByCase {
            lines: Lines::open(path)?,
            index,
            evaluator,
            results_sha256,
            kept: HashMap::new(),
            kept_bytes: 0,
            keep_limit: KEEP_BYTES,
        })
    }

    /// Keeps no trial read: for a report that reads each case once and is the only one
    /// reading from this source.
    pub fn keeping_nothing(mut self) -> Self {
        self.keep_limit = 0;
        self
    }

    /// As [`Stored::scored_here`].
    pub fn scored_here(mut self) -> Self {
        self.lines.rescore = false;
        self
    }
}

impl ByCase<'_> {
    /// Calls `f` with each trial of `case` in index order, read from the journal and scored
    /// as results.json has them. A case whose lines fit in what is kept is read once and
    /// kept for the reports after; any other is read a trial at a time and not held, so a
    /// case of thousands of trials costs one trial's memory. `read_err` says why the journal
    /// could not give a trial.
    pub fn each_trial<E>(
        &mut self,
        case: &crate::results::CaseResult,
        read_err: impl Fn(String) -> E,
        f: &mut dyn FnMut(&TrialRecord) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each(&case.id, case.trials_planned, &case.turns, read_err, f)
    }

    fn each<E>(
        &mut self,
        id: &str,
        planned: u32,
        turns: &[crate::suite::model::CaseTurn],
        read_err: impl Fn(String) -> E,
        f: &mut dyn FnMut(&TrialRecord) -> Result<(), E>,
    ) -> Result<(), E> {
        let key = (id.to_string(), planned);
        if let Some(kept) = self.kept.get(&key) {
            return kept.iter().try_for_each(f);
        }
        let spans: Vec<Span> = self.index.spans(id, planned).collect();
        let bytes: usize = spans.iter().map(|s| s.1).sum();
        if self.kept_bytes + bytes <= self.keep_limit {
            let trials = spans
                .into_iter()
                .map(|span| self.lines.trial(span, turns, &self.evaluator))
                .collect::<Result<Vec<_>, _>>()
                .map_err(read_err)?;
            self.kept_bytes += bytes;
            return self
                .kept
                .entry(key)
                .or_insert(trials)
                .iter()
                .try_for_each(f);
        }
        for span in spans {
            let trial = self
                .lines
                .trial(span, turns, &self.evaluator)
                .map_err(&read_err)?;
            f(&trial)?;
        }
        Ok(())
    }

    /// The SHA-256 of the results.json written from this journal.
    pub fn results_sha256(&self) -> &str {
        &self.results_sha256
    }
}

/// The file next to the journal that keeps an unpinned secret until results.json records it.
pub fn secret_path(journal: &Path) -> PathBuf {
    journal.with_file_name("secret")
}

fn write_secret(journal: &Path, hex: &str) -> std::io::Result<()> {
    let path = secret_path(journal);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&path)?;
    f.write_all(hex.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            journal: JOURNAL_SCHEMA.into(),
            harness: Harness {
                name: "ailevel".into(),
                version: "0".into(),
            },
            started_at: "2026-01-01T00:00:00.000Z".into(),
            framework: Source {
                path: None,
                sha256: "f".into(),
            },
            suite: Source {
                path: Some("suites".into()),
                sha256: "s".into(),
            },
            device: DeviceSource {
                profile: "p.toml".into(),
                profile_sha256: "p".into(),
                info: None,
            },
            variants: None,
            judge: None,
            seed: 1,
            secret: SecretRecord {
                pinned: false,
                sha256: "x".into(),
                hex: None,
            },
            settings: Settings {
                locale: "zh-CN".into(),
                trials_override: Some(1),
                concurrency: 1,
                turn_timeout_ms: 1,
                retries: 0,
                retry_backoff_ms: 0,
                run_retries: None,
                case_timeout_ms: None,
                phrasing: Default::default(),
                device_seeds: DeviceSeeds::Trial,
                selection: None,
            },
        }
    }

    fn trial(case: &str, index: u32) -> String {
        serde_json::to_string(&TrialRecord {
            case: case.into(),
            index,
            seed: 0,
            outcome: crate::results::TrialOutcome::Pass,
            setup: Vec::new(),
            params: Default::default(),
            phrasings: Vec::new(),
            turns: Vec::new(),
            error: None,
            attempts: Vec::new(),
            duration_ms: 0.0,
            round: 0,
        })
        .unwrap()
    }

    fn read_text(text: &str) -> crate::error::Result<Read> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("trials.jsonl");
        std::fs::write(&p, text).unwrap();
        read(&p)
    }

    #[test]
    fn reports_get_the_same_trials_whether_kept_or_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("trials.jsonl");
        let mut text = format!("{}\n", serde_json::to_string(&header()).unwrap());
        for (case, index) in [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2)] {
            text += &format!("{}\n", trial(case, index));
        }
        std::fs::write(&p, text).unwrap();
        let index = super::index(&p).unwrap();
        let eval = crate::score::Evaluator::default();
        let ids = |source: &mut ByCase, case: &str, planned| {
            let mut ids = Vec::new();
            source
                .each(case, planned, &[], |e| e, &mut |t| {
                    ids.push((t.case.clone(), t.index));
                    Ok(())
                })
                .unwrap();
            ids
        };
        let mut keeping = ByCase::open(&p, &index, eval.clone(), String::new()).unwrap();
        let mut reading = ByCase::open(&p, &index, eval, String::new()).unwrap();
        reading.keep_limit = 0;
        for _ in 0..2 {
            for (case, planned) in [("a", 3), ("b", 2), ("a", 2)] {
                let kept = ids(&mut keeping, case, planned);
                let read = ids(&mut reading, case, planned);
                assert_eq!(kept, read, "{case}");
                assert_eq!(kept.len(), planned as usize, "{case}");
            }
        }
        assert_eq!(keeping.kept.len(), 3);
        assert!(reading.kept.is_empty());
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_duplicates_kept_once() {
        let h = serde_json::to_string(&header()).unwrap();
        let (a, b) = (trial("a", 0), trial("b", 1));
        let good = format!("{h}\n{a}\n{b}\n{a}\n");
        let torn = format!("{good}{}", &b[..b.len() / 2]);
        let r = read_text(&torn).unwrap();
        assert!(r.torn);
        assert_eq!(r.valid_len, good.len() as u64);
        let keys: Vec<_> = r
            .trials
            .iter()
            .map(|t| (t.case.as_str(), t.index))
            .collect();
        assert_eq!(keys, [("a", 0), ("b", 1)]);
        // A complete line that is not JSON, before the end, is corruption, not a tear.
        let err = read_text(&format!("{h}\n{{oops\n{a}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(":2: not a trial record"), "{err}");
    }

    #[test]
    fn a_journal_without_a_header_is_refused_clearly() {
        let err = read_text(&format!("{}\n", trial("a", 0)))
            .unwrap_err()
            .to_string();
        assert!(err.contains(":1: a journal without a header"), "{err}");
    }

    #[test]
    fn a_torn_header_keeps_nothing() {
        let h = serde_json::to_string(&header()).unwrap();
        let r = read_text(&h[..h.len() - 3]).unwrap();
        assert!(r.header.is_none() && r.torn && r.valid_len == 0);
    }

    #[test]
    fn differences_name_the_item() {
        let a = header();
        let mut b = header();
        b.suite.sha256 = "t".into();
        b.settings.retries = 3;
        let d = a.differences(&b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("suite SHA-256: the journal has s, this run has t"));
        assert!(d[1].starts_with("retries (--retries)"));
        assert!(a.differences(&a.clone()).is_empty());
    }
}
