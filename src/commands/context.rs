//! What every command is given: where to print, and the process's async runtime.

use std::io::Write;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// What every command gets: where to print, and the one async runtime of the process.
pub struct Context<'a> {
    pub stdout: &'a mut dyn Write,
    pub runtime: Runtime,
}

/// The process's tokio runtime, built on first use: commands that need no I/O with a device
/// (validate, list, report) never start one.
#[derive(Default)]
pub struct Runtime(OnceLock<tokio::runtime::Runtime>);

impl Runtime {
    pub fn get(&self) -> Result<&tokio::runtime::Runtime> {
        if let Some(rt) = self.0.get() {
            return Ok(rt);
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("could not start the async runtime: {e}")))?;
        Ok(self.0.get_or_init(|| rt))
    }

    /// Stop without waiting for tasks still running, as a server must: a connection still
    /// open (a hang being served) must not keep the process alive. Other commands let the
    /// runtime drop, which lets a task in the middle of a step (a bridge's stderr line being
    /// relayed) finish it.
    pub fn shutdown_background(self) {
        if let Some(rt) = self.0.into_inner() {
            rt.shutdown_background();
        }
    }
}
