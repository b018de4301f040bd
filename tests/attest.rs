//! Certificates end to end through the real binary: keygen → run --certify → sign → verify on
//! every reference simulator, verify failing by name on every kind of edit, and a device
//! that is not what its profile says refused a certificate.

mod common;

use std::path::{Path, PathBuf};

use common::{SimServer, ailevel, root};
use serde_json::Value;

const CATEGORIES: [&str; 7] = ["phone", "pc", "tv", "glasses", "car", "speaker", "earphone"];

/// A lab in a temporary directory: its key pair and a lab file naming the key.
struct Lab {
    dir: tempfile::TempDir,
    /// The id `keygen` printed for the lab's key.
    key_id: String,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::tempdir().unwrap();
        let key_id = common::keyed_lab(dir.path());
        Lab { dir, key_id }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A sim profile with its latency set to zero, written beside the lab.
fn fast_profile(lab: &Lab, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join(format!("devices/sim/{name}.toml"))).unwrap();
    let latency = regex::Regex::new(r"(?m)^latency_ms\s*=.*$").unwrap();
    let path = lab.path(&format!("{name}.toml"));
    std::fs::write(
        &path,
        latency.replace(&text, "latency_ms = [0, 0]").as_ref(),
    )
    .unwrap();
    path
}

fn certify(lab: &Lab, profile: &Path, out: &Path) -> std::process::Output {
    ailevel()
        .env("LC_ALL", "C")
        .args(["run", "--quiet", "--trials", "1", "--certify", "--device"])
        .arg(profile)
        .arg("--lab")
        .arg(lab.path("lab.toml"))
        .arg("--session")
        .arg(root().join("labs/example-session.toml"))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn sign(lab: &Lab, results: &Path) -> std::process::Output {
    ailevel()
        .arg("sign")
        .arg(results)
        .arg("--key")
        .arg(lab.path("lab.key"))
        .output()
        .unwrap()
}

fn verify(lab: &Lab, results: &Path, envelope: &Path) -> (i32, String) {
    let o = ailevel()
        .arg("verify")
        .arg(results)
        .arg("--sig")
        .arg(envelope)
        .arg("--trust")
        .arg(lab.path("lab.pub"))
        .arg("--suite")
        .arg(root().join("suites"))
        .args(["--lang", "en"])
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

fn failed_checks(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("FAIL "))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn every_reference_simulator_signs_and_verifies() {
    let lab = Lab::new();
    let mut wrong = Vec::new();
    for cat in CATEGORIES {
        for n in 1..=4 {
            let name = format!("{cat}-l{n}");
            let out = lab.path(&format!("out-{name}"));
            let o = certify(&lab, &fast_profile(&lab, &name), &out);
            if o.status.code() != Some(0) {
                wrong.push(format!(
                    "{name}: run exited {:?}: {}",
                    o.status.code(),
                    String::from_utf8_lossy(&o.stdout)
                ));
                continue;
            }
            let results = out.join("results.json");
            let s = sign(&lab, &results);
            if !s.status.success() {
                wrong.push(format!(
                    "{name}: sign: {}",
                    String::from_utf8_lossy(&s.stderr)
                ));
                continue;
            }
            let (code, text) = verify(&lab, &results, &out.join("results.dsse.json"));
            if code != 0 || !text.contains("verified:") {
                wrong.push(format!("{name}: verify exited {code}:\n{text}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// One certified, signed phone-l3 run, and a way to edit its results and verify again.
struct Signed {
    lab: Lab,
    results: PathBuf,
    envelope: PathBuf,
    original: String,
}

impl Signed {
    fn new() -> Signed {
        let lab = Lab::new();
        let out = lab.path("out");
        let o = certify(&lab, &fast_profile(&lab, "phone-l3"), &out);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        let results = out.join("results.json");
        assert!(sign(&lab, &results).status.success());
        let original = std::fs::read_to_string(&results).unwrap();
        Signed {
            envelope: out.join("results.dsse.json"),
            lab,
            results,
            original,
        }
    }

    /// Apply `edit` to the results as JSON, write them back the way ailevel writes them,
    /// and verify; returns the exit code and the output.
    fn verify_edited(&self, edit: impl FnOnce(&mut Value)) -> (i32, String) {
        let mut v: Value = serde_json::from_str(&self.original).unwrap();
        edit(&mut v);
        let path = self.lab.path("edited.json");
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        verify(&self.lab, &path, &self.envelope)
    }
}

#[test]
fn editing_the_signed_results_fails_verify_naming_what_changed() {
    let s = Signed::new();
    // The unedited file, round-tripped as the edits are, still verifies: so each failure
    // below is the edit's.
    let (code, text) = s.verify_edited(|_| {});
    assert_eq!(code, 0, "{text}");

    let first_pass = |v: &Value| {
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["verdict"] == "pass" && !c["trials"].as_array().unwrap().is_empty())
            .unwrap()
    };

    // A verdict.
    let (code, text) = s.verify_edited(|v| {
        let i = first_pass(v);
        v["cases"][i]["verdict"] = "fail".into();
    });
    assert_eq!(code, 7, "{text}");
    assert_eq!(failed_checks(&text), ["subject", "regrade"], "{text}");
    assert!(
        text.contains("verdict stored fail, re-derived pass"),
        "{text}"
    );

    // The grade.
    let (code, text) = s.verify_edited(|v| v["grade"]["level"] = "L4".into());
    assert_eq!(code, 7, "{text}");
    assert!(
        failed_checks(&text).contains(&"regrade".to_string()),
        "{text}"
    );
    assert!(
        text.contains("grade: level stored L4, re-derived L3"),
        "{text}"
    );
    assert!(
        text.contains("/grade/level (signed \"L3\", recorded \"L4\")"),
        "{text}"
    );

    // A transcript: the device's reply in a passing trial.
    let (code, text) = s.verify_edited(|v| {
        let i = first_pass(v);
        let turn = &mut v["cases"][i]["trials"][0]["turns"][0];
        turn["response"]["output"]["text"] = "（被改过的回答）".into();
        turn["response"]["actions"] = Value::Array(vec![]);
    });
    assert_eq!(code, 7, "{text}");
    assert!(
        failed_checks(&text).contains(&"subject".to_string()),
        "{text}"
    );
    assert!(
        regex::Regex::new(r"trial #1 turn 1 check \d+: stored pass \(.*\), re-derived fail")
            .unwrap()
            .is_match(&text),
        "the regrade names the check: {text}"
    );

    // A hash.
    let (code, text) = s.verify_edited(|v| {
        v["suite"]["files"][0]["sha256"] = "0".repeat(64).into();
    });
    assert_eq!(code, 7, "{text}");
    let failed = failed_checks(&text);
    assert!(
        failed.contains(&"suite".to_string()) && failed.contains(&"subject".to_string()),
        "{text}"
    );
    assert!(text.contains("hashes recorded give"), "{text}");
}

/// `verify` in the reader's language: zh-CN by default, English with `--lang en`, the check
/// lines and the footer (singular and plural) as written out here.
#[test]
fn verify_prints_its_checks_in_chinese_by_default_and_in_english_on_request() {
    use sha2::Digest;
    let s = Signed::new();
    let hex = |b: &[u8]| {
        sha2::Sha256::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    let run = |results: &Path, key: &Path, lang: &[&str]| {
        let o = ailevel()
            .arg("verify")
            .arg(results)
            .arg("--sig")
            .arg(&s.envelope)
            .arg("--trust")
            .arg(key)
            .args(lang)
            .output()
            .unwrap();
        let text = String::from_utf8(o.stdout).unwrap();
        (o.status.code().unwrap_or(-1), text)
    };
    let has_line = |text: &str, line: &str| {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in:\n{text}"
        );
    };
    let key = s.lab.path("lab.pub");
    let d = hex(&std::fs::read(&s.results).unwrap());
    let k = &s.lab.key_id;
    let shown = s.results.display();

    let (code, zh) = run(&s.results, &key, &[]);
    assert_eq!(code, 0, "{zh}");
    has_line(
        &zh,
        "通过  签名信封：DSSE 信封，载荷类型 application/vnd.in-toto+json",
    );
    has_line(&zh, &format!("通过  签名：Ed25519 签名，密钥 {k}"));
    has_line(
        &zh,
        "通过  声明：in-toto v1 声明，内容类型 https://ailevel.dev/attestation/gbz177-grade/v1",
    );
    has_line(&zh, &format!("通过  文件摘要：结果文件 SHA-256 为 {d}"));
    has_line(&zh, "通过  结果文件：符合结果文件的 JSON Schema");
    has_line(&zh, "通过  实验室密钥：以 CNAS L0000 (example) 的密钥签名");
    has_line(&zh, "通过  产品身份：申报的与设备报告的身份一致");
    assert_eq!(
        zh.lines().last(),
        Some(format!("验证通过：{shown}").as_str())
    );

    let (code, en) = run(&s.results, &key, &["--lang", "en"]);
    assert_eq!(code, 0, "{en}");
    has_line(
        &en,
        "ok   envelope          DSSE, application/vnd.in-toto+json",
    );
    has_line(&en, &format!("ok   signature         Ed25519, key {k}"));
    has_line(
        &en,
        &format!("ok   subject           results file SHA-256 {d}"),
    );
    has_line(
        &en,
        "ok   lab key           signed with the key of CNAS L0000 (example)",
    );
    has_line(
        &en,
        "ok   identity          declared and reported identity agree",
    );
    assert_eq!(
        en.lines().last(),
        Some(format!("verified: {shown}").as_str())
    );

    // One byte more: only the digest fails.
    let longer = s.lab.path("longer.json");
    std::fs::write(&longer, format!("{}\n", s.original)).unwrap();
    let d2 = hex(&std::fs::read(&longer).unwrap());
    let (code, zh) = run(&longer, &key, &["--lang", "zh-CN"]);
    assert_eq!(code, 7, "{zh}");
    has_line(
        &zh,
        &format!(
            "失败  文件摘要：结果文件的 SHA-256 为 {d2}，而声明签署的是 {d}：文件在签名后被改动过"
        ),
    );
    assert_eq!(zh.lines().last(), Some("验证未通过：1 项检查失败"));
    let (_, en) = run(&longer, &key, &["--lang", "en"]);
    has_line(
        &en,
        &format!(
            "FAIL subject           the results file's SHA-256 is {d2}, the statement signed {d}: the file was changed after signing"
        ),
    );
    assert_eq!(en.lines().last(), Some("NOT verified: 1 check failed"));

    // An edited grade: the re-derivation names it in the reader's language.
    let mut v: Value = serde_json::from_str(&s.original).unwrap();
    v["grade"]["level"] = "L4".into();
    let edited = s.lab.path("edited-grade.json");
    std::fs::write(&edited, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
    let (code, zh) = run(&edited, &key, &[]);
    assert_eq!(code, 7, "{zh}");
    assert!(
        zh.lines().any(|l| l
            .starts_with("失败  重新判定：重新判定与记录不一致：等级：存储为 L4，重新判定为 L3")),
        "{zh}"
    );

    // Another lab's key: the signature, and so the digest, cannot be checked.
    let other = Lab::new();
    let (code, zh) = run(&s.results, &other.path("lab.pub"), &[]);
    assert_eq!(code, 7, "{zh}");
    has_line(&zh, "失败  文件摘要：没有通过验证的声明可供比对");
    has_line(
        &zh,
        &format!("失败  签名：受信任的公钥无法验证任何签名（签名者：{k}）"),
    );
    assert_eq!(zh.lines().last(), Some("验证未通过：2 项检查失败"));
    let (_, en) = run(&s.results, &other.path("lab.pub"), &["--lang", "en"]);
    has_line(
        &en,
        "FAIL subject           no verified statement to compare with",
    );
    has_line(
        &en,
        &format!(
            "FAIL signature         no signature verifies with the trusted key (signed by {k})"
        ),
    );
    assert_eq!(en.lines().last(), Some("NOT verified: 2 checks failed"));
}

#[test]
fn a_changed_envelope_or_an_untrusted_key_fails_verify() {
    let s = Signed::new();
    let mut env: Value =
        serde_json::from_str(&std::fs::read_to_string(&s.envelope).unwrap()).unwrap();
    let sig = env["signatures"][0]["sig"].as_str().unwrap().to_string();
    // Flip one base64 character of the signature.
    let flipped: String = sig
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 5 {
                if c == 'A' { 'B' } else { 'A' }
            } else {
                c
            }
        })
        .collect();
    env["signatures"][0]["sig"] = flipped.into();
    let bad = s.lab.path("bad.dsse.json");
    std::fs::write(&bad, env.to_string()).unwrap();
    let (code, text) = verify(&s.lab, &s.results, &bad);
    assert_eq!(code, 7, "{text}");
    assert!(
        failed_checks(&text).contains(&"signature".to_string()),
        "{text}"
    );

    let other = Lab::new();
    let o = ailevel()
        .arg("verify")
        .arg(&s.results)
        .arg("--sig")
        .arg(&s.envelope)
        .arg("--trust")
        .arg(other.path("lab.pub"))
        .args(["--lang", "en"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(7), "{text}");
    assert!(text.contains("FAIL signature"), "{text}");
}

/// The issue's case: a profile saying "Acme Phone X1, fw 1.4.2" pointed at a simulator
/// that reports itself as SimPhone L3.
#[test]
fn a_device_that_is_not_what_its_profile_says_is_flagged_and_refused_a_certificate() {
    let lab = Lab::new();
    let server = SimServer::start("devices/sim/phone-l3.toml", &[]);
    let profile = lab.path("acme.toml");
    std::fs::write(
        &profile,
        format!(
            "vendor = \"Acme\"\nmodel = \"Phone X1\"\ncategory = \"phone\"\nfirmware = \"1.4.2\"\nserial = \"SN-1\"\nfeatures = [\"screen\"]\n\n[adapter]\nkind = \"atp\"\nbase_url = \"{}\"\n",
            server.url
        ),
    )
    .unwrap();
    let out = lab.path("acme");
    let o = certify(&lab, &profile, &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(6), "{stdout}");
    for (field, reported, declared) in [
        ("vendor", "ailevel reference", "Acme"),
        ("model", "SimPhone L3", "Phone X1"),
        ("firmware", "sim-0.1.0", "1.4.2"),
    ] {
        assert!(
            stdout.contains(&format!(
                "the device reports {field} `{reported}`, declared `{declared}`"
            )),
            "{stdout}"
        );
    }
    // Nothing is lost: results and reports are written, the mismatches recorded.
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let mismatches: Vec<&str> = r["certification"]["identity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "mismatch")
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(mismatches, ["vendor", "model", "firmware"]);
    assert!(r["certification"].get("certificate").is_none());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("SimPhone L3") && html.contains("Phone X1"));

    // Without a lab file there is no certificate either.
    let o = ailevel()
        .args(["run", "--quiet", "--trials", "1", "--certify", "--device"])
        .arg(fast_profile(&lab, "phone-l1"))
        .arg("--out")
        .arg(lab.path("nolab"))
        .env_remove("AILEVEL_LAB")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&o.stdout).contains("no lab file"));
    assert!(lab.path("nolab/report.html").is_file());
}

/// The printable certificate's QR code, rasterised from report.html and decoded by rqrr,
/// carries what a verifier needs to find and check the certificate: its id, the lab, the
/// level and the SHA-256 of the results file — the subject of the signed statement.
#[test]
fn the_certificate_qr_code_decodes_to_the_signed_subject() {
    use base64::Engine;
    use sha2::Digest;
    let s = Signed::new();
    let html = std::fs::read_to_string(s.results.with_file_name("report.html")).unwrap();
    let decoded = common::qr::decode_report_svg(&html, 4);
    assert_eq!(decoded.len(), 1, "one readable QR code in the certificate");
    let code = &decoded[0];

    let file_sha = hex::encode(sha2::Sha256::digest(s.original.as_bytes()));
    let envelope: Value =
        serde_json::from_str(&std::fs::read_to_string(&s.envelope).unwrap()).unwrap();
    let statement: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(envelope["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        statement["subject"][0]["digest"]["sha256"].as_str(),
        Some(file_sha.as_str())
    );
    let r: Value = serde_json::from_str(&s.original).unwrap();
    let id = r["certification"]["certificate"]["id"].as_str().unwrap();
    assert!(id.starts_with("AIL-"), "{id}");
    let level = r["grade"]["level"].as_str().unwrap();
    // Written out by hand from the documented grammar (src/attest/qr.rs), not encoded by it:
    // the example lab's accreditation is `CNAS L0000 (example)`.
    let want = format!(
        "ailevel:cert/1?id={id}&lab=CNAS%20L0000%20%28example%29&level={level}&sha256={file_sha}"
    );
    assert_eq!(code, &want);

    // What is read is the drawing: the text label beside it plays no part.
    let relabelled = html.replace(&file_sha, &"0".repeat(64));
    assert_eq!(common::qr::decode_report_svg(&relabelled, 4), decoded);
}
