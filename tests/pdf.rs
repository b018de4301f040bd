//! `report --format pdf` through headless Chromium, read back with poppler's pdfinfo and
//! pdftotext: A4, numbered pages, the certificate on pages 1–2 and the evidence annex after
//! it. Fails when `CI` is set and a tool is missing (scripts/install-test-deps.sh installs
//! them); elsewhere it says so and returns.

mod common;

use std::path::Path;
use std::process::Command;

use common::{ailevel, root};

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tools_present() -> bool {
    let missing: Vec<&str> = ["pdfinfo", "pdftotext", "pdftoppm"]
        .into_iter()
        .filter(|t| !have(t))
        .chain((!Path::new("/usr/bin/chromium").is_file()).then_some("chromium"))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set and {missing:?} are missing: run scripts/install-test-deps.sh"
    );
    eprintln!("notice: {missing:?} not installed, so the PDF test did not run");
    false
}

fn page_text(pdf: &Path, page: usize) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn pages(pdf: &Path) -> (usize, String) {
    let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&o.stdout).into_owned();
    let n = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    (n, info)
}

/// A certified phone-l3 run, written to `dir`.
fn certified_run(dir: &Path) -> std::path::PathBuf {
    common::keyed_lab(dir);
    let profile = std::fs::read_to_string(root().join("devices/sim/phone-l3.toml"))
        .unwrap()
        .replace("latency_ms = [5, 40]", "latency_ms = [0, 0]");
    std::fs::write(dir.join("phone-l3.toml"), profile).unwrap();
    let out = dir.join("run");
    let o = ailevel()
        .args(["run", "--quiet", "--certify", "--device"])
        .arg(dir.join("phone-l3.toml"))
        .arg("--lab")
        .arg(dir.join("lab.toml"))
        .arg("--session")
        .arg(root().join("labs/example-session.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    out.join("results.json")
}

#[test]
fn the_phone_l3_certificate_prints_on_two_numbered_a4_pages_before_its_annex() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let results = certified_run(dir.path());
    for (lang, title, annex) in [
        ("zh-CN", "人工智能终端智能化分级检验证书", "附录 A"),
        ("en", "Certificate of intelligence grading", "Annex A"),
    ] {
        let out = dir.path().join(lang);
        let o = ailevel()
            .arg("report")
            .arg(&results)
            .args(["--format", "pdf", "--lang", lang, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let pdf = out.join("report.pdf");
        let (n, info) = pages(&pdf);
        assert!(info.contains("(A4)"), "A4: {info}");
        assert!(n > 3, "{lang}: {n} pages");
        let first = page_text(&pdf, 1);
        // No blank first page: the certificate starts on page 1.
        assert!(first.contains(title), "{lang} page 1:\n{first}");
        assert!(
            first.contains("AIL-"),
            "{lang}: the report number is on page 1"
        );
        assert!(
            first.contains(&format!("1 / {n}")),
            "{lang}: page number on page 1"
        );
        // The certificate ends by page 2: the annex starts on page 3.
        let third = page_text(&pdf, 3);
        assert!(third.contains(annex), "{lang} page 3:\n{third}");
        assert!(
            !page_text(&pdf, 2).contains(annex),
            "{lang}: the annex starts on page 3"
        );
        // The clause table is one row per clause: no combined clause strings.
        assert!(!first.contains("§5.2, "), "{lang}:\n{first}");
    }
    // The QR code as printed: page 1 rasterised the way a scanner sees it, decoded by rqrr,
    // carries the certificate id and the SHA-256 of the results file.
    let pgm = dir.path().join("page1");
    let o = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(dir.path().join("en/report.pdf"))
        .arg(&pgm)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (w, h, luma) = common::qr::read_pgm(&std::fs::read(pgm.with_extension("pgm")).unwrap());
    let codes = common::qr::decode_luma(w, h, &luma);
    let bytes = std::fs::read(&results).unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let r: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let id = r["certification"]["certificate"]["id"].as_str().unwrap();
    assert_eq!(codes.len(), 1, "one QR code on page 1: {codes:?}");
    assert!(
        codes[0].starts_with(&format!("ailevel:cert/1?id={id}&"))
            && codes[0].ends_with(&format!("&sha256={sha}")),
        "{}",
        codes[0]
    );

    // A picture of page 1, to look at.
    let shots = root().join("target/tmp/pdf");
    std::fs::create_dir_all(&shots).unwrap();
    let o = Command::new("pdftoppm")
        .args(["-r", "80", "-f", "1", "-l", "2", "-png"])
        .arg(dir.path().join("zh-CN/report.pdf"))
        .arg(shots.join("phone-l3-certificate"))
        .output()
        .unwrap();
    assert!(o.status.success());
}

#[test]
fn without_a_browser_pdf_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = || {
        ailevel()
            .arg("report")
            .arg(root().join("tests/data/report-fixture.results.json"))
            .args(["--format", "html,pdf", "--out"])
            .arg(&out)
            .env("AILEVEL_CHROMIUM", dir.path().join("no-such-browser"))
            .output()
            .unwrap()
    };
    let o = report();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("needs headless Chromium"), "{err}");
    assert!(
        !out.exists(),
        "the directory the report was to make is left behind"
    );
    // Over an earlier report: it stays as it was, and no half-written page is left beside it.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("report.html"), "earlier").unwrap();
    let o = report();
    assert_eq!(o.status.code(), Some(4));
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        "earlier"
    );
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["report.html"], "{left:?}");
}
