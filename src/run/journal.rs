//! `trials.jsonl`: every finished trial appended and synced as it completes, so an
//! interrupted run keeps everything that finished (and a later resume can pick it up).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use crate::results::TrialRecord;

pub struct Journal {
    tx: Option<mpsc::Sender<TrialRecord>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
    path: PathBuf,
}

impl Journal {
    /// A journal at `path`, created (truncating what was there) only when the first trial
    /// record arrives: a run that fails before any trial ran — a dead port, a bad URL —
    /// leaves the previous run's journal as it was. Writing happens on its own thread so
    /// that a slow disk never stalls the async runner.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<TrialRecord>();
        let target = path.to_path_buf();
        let handle = std::thread::spawn(move || {
            let mut file: Option<std::fs::File> = None;
            // Group commit: everything that finished while the last sync ran goes to disk
            // with one sync, so many fast trials do not wait on one fsync each.
            while let Ok(first) = rx.recv() {
                let mut buf = String::new();
                for trial in std::iter::once(first).chain(rx.try_iter()) {
                    buf.push_str(&serde_json::to_string(&trial).map_err(std::io::Error::other)?);
                    buf.push('\n');
                }
                let f = match &mut file {
                    Some(f) => f,
                    None => file.insert(std::fs::File::create(&target)?),
                };
                f.write_all(buf.as_bytes())?;
                f.sync_data()?;
            }
            Ok(())
        });
        Ok(Journal {
            tx: Some(tx),
            handle: Some(handle),
            path: path.to_path_buf(),
        })
    }

    pub fn record(&self, trial: &TrialRecord) {
        if let Some(tx) = &self.tx {
            // A closed channel means the writer failed; `finish` reports it.
            let _ = tx.send(trial.clone());
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
