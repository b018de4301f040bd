//! The staff page (`ailevel catalog serve`) over HTTP and in a real browser, each on SQLite
//! and on PostgreSQL (the cluster `scripts/test.sh` starts; see tests/common/catalog.rs).
//!
//! The browser half drives Debian's headless Chromium through chromedriver with W3C
//! WebDriver commands sent by reqwest: search (full-width, odd spacing) → result → card →
//! report; a revoked model shows not eligible with its reason; a scanned certificate code
//! verifies; a model whose name is script runs none of it; the English switch. Screenshots
//! are kept under `target/tmp/catalog-web/`. `scripts/test.sh` installs chromium-driver;
//! with `CI` set a missing one fails the test, elsewhere the test says so and returns.
//!
//! The HTTP half needs no browser: the JSON API, bounded bodies, paths that name no file,
//! and revocation only with the admin token.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::ailevel;
use common::catalog::{Lab, backends, catalog, p};
use serde_json::{Value, json};

const TOKEN: &str = "counter-admin-token-0123456789";
/// Would set the page title to "pwned" if the browser ran any of it.
const HOSTILE_MODEL: &str =
    "Evil<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">";

/// The lab and the three certificates every catalogue here holds: the L3 phone on firmware
/// sim-1.0, the same on sim-2.0 (revoked once added), and a model named with script.
struct Certified {
    lab: Lab,
    docs: [(PathBuf, PathBuf); 3],
}

fn certified() -> Certified {
    let lab = Lab::new();
    let docs = [
        lab.certified("sim-1.0", 31),
        lab.certified("sim-2.0", 32),
        lab.certified_with(33, &|p: &str| {
            let model = HOSTILE_MODEL.replace('"', "\\\"");
            p.replace("model = \"SimPhone L3\"", &format!("model = \"{model}\""))
        }),
    ];
    Certified { lab, docs }
}

/// Those certificates in the catalogue `db`, served on 127.0.0.1:0.
struct Served {
    child: Child,
    url: String,
    cert1: String,
    cert2: String,
    hostile: String,
    results1: PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn added_id(out: &str) -> String {
    out.strip_prefix("added ")
        .and_then(|s| s.split(':').next())
        .unwrap_or_else(|| panic!("not added: {out}"))
        .to_string()
}

fn served(c: &Certified, db: &str) -> Served {
    let lab = &c.lab;
    let [(env1, res1), (env2, res2), (env3, res3)] = &c.docs;
    let (code, out) = catalog(db, &["trust", p(&lab.path("lab.pub"))]);
    assert_eq!(code, 0, "{db}: {out}");
    let (code, out) = catalog(
        db,
        &[
            "add",
            p(env1),
            p(res1),
            "--sku",
            "SP-L3-256",
            "--name-zh",
            "参考手机 L3 12+256GB",
        ],
    );
    assert_eq!(code, 0, "{db}: {out}");
    let cert1 = added_id(&out);
    let (code, out) = catalog(db, &["add", p(env2), p(res2)]);
    assert_eq!(code, 0, "{db}: {out}");
    let cert2 = added_id(&out);
    let (code, out) = catalog(db, &["add", p(env3), p(res3), "--name-zh", HOSTILE_MODEL]);
    assert_eq!(code, 0, "{db}: {out}");
    let hostile = added_id(&out);
    let (code, out) = catalog(db, &["revoke", &cert2, "--reason", "样品与量产机不符"]);
    assert_eq!(code, 0, "{db}: {out}");
    let mut child = ailevel()
        .args([
            "catalog",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--db",
            db,
            "--policy",
        ])
        .arg(lab.path("policy.toml"))
        .env("AILEVEL_CATALOG_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let read = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    let url = match (read, line.trim().strip_prefix("listening on ")) {
        (Ok(n), Some(u)) if n > 0 => u.to_string(),
        _ => {
            let _ = child.kill();
            panic!("{db}: catalog serve did not start: {line:?}");
        }
    };
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Served {
        child,
        url,
        cert1,
        cert2,
        hostile,
        results1: res1.clone(),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[test]
fn the_api_and_the_limits_over_http_on_every_backend() {
    let c = certified();
    for db in backends(c.lab.dir.path()) {
        api_and_limits(&served(&c, &db));
    }
}

fn api_and_limits(s: &Served) {
    let rt = rt();
    let c = http();
    let get = |path: &str| {
        rt.block_on(async {
            let r = c.get(format!("{}{path}", s.url)).send().await.unwrap();
            let status = r.status().as_u16();
            let csp = r
                .headers()
                .get("content-security-policy")
                .map(|v| v.to_str().unwrap().to_string());
            (status, csp, r.text().await.unwrap())
        })
    };
    let (status, _, body) = get(&format!("/api/v1/check?cert={}", s.cert1));
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["eligible"], true, "{body}");
    let (_, _, body) = get("/api/v1/check?model=SimPhone%20L3&firmware=sim-2.0");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["eligible"], false, "{body}");
    assert!(body.contains("revoked on"), "{body}");
    let (status, _, body) = get("/api/v1/search?q=%EF%BC%B3%EF%BC%A9%EF%BC%AD%20phone");
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2, "{body}");
    let (status, _, _) = get("/api/v1/check");
    assert_eq!(status, 400);
    let (status, _, _) = get("/api/v1/entries/NOPE");
    assert_eq!(status, 404);

    // Paths name certificates in the database, never files.
    for path in [
        "/cert/..%2F..%2F..%2Fetc%2Fpasswd",
        "/cert/%2Fetc%2Fpasswd/results.json",
        "/../../etc/passwd",
        "/static/../Cargo.toml",
    ] {
        let (status, _, body) = get(path);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("root:") && !body.contains("[package]"),
            "{path}"
        );
    }
    let (status, csp, body) = get(&format!("/cert/{}", s.hostile));
    assert_eq!(status, 200);
    let csp = csp.unwrap();
    assert!(
        csp.contains("script-src 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(
        !body.contains("<script>document") && !body.contains("<img src=x"),
        "{body}"
    );
    assert!(body.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));

    let post = |path: &str, form: &[(&str, &str)]| {
        rt.block_on(async {
            let body = form
                .iter()
                .map(|(k, v)| format!("{k}={}", urlencode(v)))
                .collect::<Vec<_>>()
                .join("&");
            let r = c
                .post(format!("{}{path}", s.url))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    };
    let big = "x".repeat(300 * 1024);
    let (status, _) = post("/verify", &[("code", big.as_str())]);
    assert_eq!(status, 413);
    let (status, body) = post(
        "/admin/revoke",
        &[
            ("cert", &s.cert1),
            ("reason", "test"),
            ("token", "wrong-token-wrong-token"),
        ],
    );
    assert_eq!(status, 403, "{body}");
    let (_, _, body) = get(&format!("/api/v1/entries/{}", s.cert1));
    assert!(!body.contains("\"revoked\""), "{body}");
    let (status, body) = post(
        "/admin/revoke",
        &[
            ("cert", &s.cert1),
            ("reason", "召回 recall"),
            ("token", TOKEN),
        ],
    );
    assert_eq!(status, 303, "{body}");
    let (_, _, body) = get(&format!("/api/v1/entries/{}", s.cert1));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"]["state"], "revoked", "{body}");
    assert_eq!(v["status"]["reason"], "召回 recall");
}

/// A W3C WebDriver session on chromedriver, both ended when dropped.
struct Driver {
    child: Child,
    base: String,
    session: String,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

impl Driver {
    /// `None` (after saying why) when chromedriver or chromium is missing outside CI.
    fn start() -> Option<Driver> {
        let (Some(driver), Some(chromium)) = (on_path("chromedriver"), on_path("chromium")) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromedriver or chromium is not installed; scripts/install-test-deps.sh installs them"
            );
            eprintln!("notice: chromedriver is not installed, so the browser test did not run");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let rt = rt();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let mut ready = false;
        for _ in 0..100 {
            let r = rt.block_on(async { http.get(format!("{base}/status")).send().await });
            if let Ok(r) = r
                && let Ok(v) = rt.block_on(r.json::<Value>())
                && v["value"]["ready"] == true
            {
                ready = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut d = Driver {
            child,
            base,
            session: String::new(),
            rt,
            http,
        };
        assert!(ready, "chromedriver did not become ready in 10 s");
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1100,1300", "--lang=zh-CN"]
            }
        }}});
        let v = d.cmd("POST", "/session", caps);
        d.session = v["sessionId"].as_str().expect("a session id").to_string();
        Some(d)
    }

    /// Send a command; its `value`, or a panic with WebDriver's error.
    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self.http.post(&url).json(&body),
        };
        let v: Value = self
            .rt
            .block_on(async { req.send().await?.json().await })
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        if v["value"]["error"].is_string() {
            panic!("{method} {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url }));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        self.cmd(
            "POST",
            "/elements",
            json!({ "using": "css selector", "value": css }),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e[ELEMENT]
                .as_str()
                .unwrap_or_else(|| panic!("find `{css}`: not an element: {e}"))
                .to_string()
        })
        .collect()
    }

    /// The first element matching `css`, waiting (bounded) for a navigation a click started.
    fn find(&self, css: &str) -> String {
        for _ in 0..50 {
            if let Some(first) = self.find_all(css).into_iter().next() {
                return first;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("no element matches `{css}`");
    }

    fn text_of(&self, element: &str) -> String {
        self.cmd("GET", &format!("/element/{element}/text"), Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn text(&self, css: &str) -> String {
        self.text_of(&self.find(css))
    }

    fn click(&self, element: &str) {
        self.cmd("POST", &format!("/element/{element}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/clear"), json!({}));
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            json!({ "text": text }),
        );
    }

    fn title(&self) -> String {
        self.cmd("GET", "/title", Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn attr(&self, css: &str, name: &str) -> String {
        let e = self.find(css);
        self.cmd(
            "GET",
            &format!("/element/{e}/attribute/{name}"),
            Value::Null,
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    fn screenshot(&self, name: &str) {
        use base64::Engine;
        let b64 = self.cmd("GET", "/screenshot", Value::Null);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("catalog-web");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = self
                .rt
                .block_on(async { self.http.delete(url).send().await });
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn counter_staff_search_check_and_verify_in_a_real_browser_on_every_backend() {
    let Some(d) = Driver::start() else {
        return;
    };
    let c = certified();
    for db in backends(c.lab.dir.path()) {
        let backend = db.split(':').next().unwrap().to_string();
        browse(&d, &served(&c, &db), &backend);
    }
}

/// Screenshots are named `BACKEND-N-what.png`.
fn browse(d: &Driver, s: &Served, backend: &str) {
    let shot = |name: &str| d.screenshot(&format!("{backend}-{name}"));

    d.go(&format!("{}/", s.url));
    assert_eq!(d.attr("html", "lang"), "zh-CN");
    d.type_into("#q", "ＳＩＭphone   l3");
    d.click(&d.find("#search"));
    d.find("a.result");
    let results = d.find_all("a.result");
    assert_eq!(results.len(), 2, "{}", d.text("main"));
    shot("1-search");
    let first = results
        .iter()
        .find(|e| d.text_of(e).contains("sim-1.0"))
        .expect("the sim-1.0 certificate is listed")
        .clone();
    d.click(&first);
    assert!(
        d.url().contains(&format!("/cert/{}", s.cert1)),
        "{}",
        d.url()
    );
    assert_eq!(d.text("#level"), "L3 辅助级");
    assert_eq!(
        d.text("#state"),
        "暂定",
        "provisional framework, the newer firmware revoked"
    );
    let eligibility = d.text("#eligibility");
    assert!(
        eligibility.contains("符合以旧换新条件") && !eligibility.contains("不符合"),
        "{eligibility}"
    );
    assert!(d.text("#card").contains("SP-L3-256"));
    shot("2-card-eligible");
    d.click(&d.find("#report"));
    assert!(d.url().ends_with("/report?lang=zh-CN"), "{}", d.url());
    assert!(d.text("body").contains("SimPhone L3"));
    shot("3-report");

    d.go(&format!("{}/cert/{}", s.url, s.cert2));
    let eligibility = d.text("#eligibility");
    assert!(eligibility.contains("不符合以旧换新条件"), "{eligibility}");
    assert_eq!(d.text("#state"), "已撤销");
    let reasons = d.text("#reasons");
    assert!(reasons.contains("撤销：样品与量产机不符"), "{reasons}");
    shot("4-card-revoked");

    // The QR payload printed on the certificate, as a scanner types it into the box.
    let r = ailevel::results::parse(&s.results1, &std::fs::read(&s.results1).unwrap()).unwrap();
    let code = ailevel::attest::qr_payload(&r).unwrap().encode();
    d.go(&format!("{}/", s.url));
    d.type_into("#code", &code);
    d.click(&d.find("#verify"));
    assert!(
        d.text("#verdict").contains("证书核验通过"),
        "{}",
        d.text("main")
    );
    d.click(&d.find("#verified-card"));
    assert!(d.url().contains(&s.cert1));
    d.go(&format!("{}/", s.url));
    d.type_into("#code", &code.replace("level=L3", "level=L4"));
    d.click(&d.find("#verify"));
    assert!(
        d.text("#verdict").contains("证书核验未通过"),
        "{}",
        d.text("main")
    );
    shot("5-verify-mismatch");

    // Script in a model name and a marketing name, shown as text.
    d.go(&format!("{}/?q=evil", s.url));
    assert_eq!(d.find_all("a.result").len(), 1);
    d.click(&d.find("a.result"));
    assert!(d.url().contains(&s.hostile));
    assert!(
        d.text("#product")
            .contains("<script>document.title='pwned'</script>")
    );
    assert_ne!(d.title(), "pwned");
    assert!(d.find_all("main img, main script, main iframe").is_empty());
    shot("6-hostile");

    d.go(&format!("{}/cert/{}", s.url, s.cert1));
    d.click(&d.find("#lang"));
    assert_eq!(d.attr("html", "lang"), "en");
    assert!(
        d.text("#eligibility")
            .contains("Eligible for the trade-in programme")
    );
    assert!(
        d.text("#reasons")
            .contains("level L3; phone needs at least L2")
    );
    shot("7-card-en");
    assert_ne!(d.title(), "pwned");
}
