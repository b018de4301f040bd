//! `report --format pdf`: the HTML report printed to A4 by headless Chromium. The page
//! layout (A4, page numbers, the certificate on its own pages, the evidence as an annex) is
//! the report's print stylesheet; this only runs the browser, in a fresh profile with
//! networking features off, and bounds how long it may take.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Longest a print may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Where Chromium is looked for: `$AILEVEL_CHROMIUM`, then these.
const CANDIDATES: [&str; 4] = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
];

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AILEVEL_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    CANDIDATES.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// Print `html` to PDF bytes.
pub(super) fn print(html: &str) -> Result<Vec<u8>> {
    let browser = chromium().ok_or_else(|| {
        Error::Internal(
            "`--format pdf` needs headless Chromium, and none was found (looked for \
             $AILEVEL_CHROMIUM, /usr/bin/chromium, chromium-browser, google-chrome); on \
             Debian: apt-get install chromium fonts-noto-cjk"
                .into(),
        )
    })?;
    let dir = tempfile::tempdir()
        .map_err(|e| Error::Internal(format!("no temporary directory for printing: {e}")))?;
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&page, html).map_err(|source| Error::Write {
        path: page.clone(),
        source,
    })?;
    run(&browser, dir.path(), &page, &pdf)?;
    std::fs::read(&pdf)
        .map_err(|e| Error::Internal(format!("{} wrote no PDF ({e})", browser.display())))
}

fn run(browser: &Path, dir: &Path, page: &Path, pdf: &Path) -> Result<()> {
    // To a file, not a pipe: a pipe nobody reads while the browser runs can fill and stall it.
    let log = dir.join("chromium.log");
    let stderr = std::fs::File::create(&log).map_err(|source| Error::Write {
        path: log.clone(),
        source,
    })?;
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr))
        .spawn()
        .map_err(|e| Error::Internal(format!("could not start {}: {e}", browser.display())))?;
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let err = std::fs::read_to_string(&log).unwrap_or_default();
                let last = err
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                return Err(Error::Internal(format!(
                    "{} failed to print the report ({status}): {}",
                    browser.display(),
                    crate::text::truncate(last, 300)
                )));
            }
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Internal(format!(
                    "{} did not finish printing within {} s",
                    browser.display(),
                    TIMEOUT.as_secs()
                )));
            }
            Err(e) => return Err(Error::Internal(format!("waiting for the browser: {e}"))),
        }
    }
}
