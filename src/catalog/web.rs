//! The staff page at the counter and its JSON API (`ailevel catalog serve`).
//!
//! Server-rendered HTML that needs no JavaScript and carries none: search by brand, model,
//! SKU or certificate id; a card per certificate with its level, state, eligibility under the
//! policy and every reason; the stored report; a box to verify a scanned certificate code or
//! a pasted envelope. zh-CN by default, `?lang=en` for English.
//!
//! Everything shown is escaped ([`esc`]) and the Content-Security-Policy allows nothing but
//! the page's own stylesheet, so a hostile model name can neither run nor fetch anything.
//! Request bodies are bounded; no path names a file (certificates are looked up in the
//! database, never on disk). Read-only unless an admin token is configured; revocation then
//! needs it.
//!
//! JSON API, for a point-of-sale system (docs/catalog.md):
//! `GET /api/v1/check?cert=ID | model=M[&vendor=V] | sku=S [&firmware=F][&date=D]`,
//! `GET /api/v1/search?q=TEXT`, `GET /api/v1/entries/{id}`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Path, Query as Q, State as S};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256};

use super::check::{Outcome, Query, lookup as outcome};
use super::policy::Loaded;
use super::store::{Filter, Store};
use super::{Listed, State, key, listed};
use crate::attest::{dsse, qr, statement};
use crate::error::{Error, Result};

/// Largest request body: a pasted envelope fits, an upload does not.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Longest search text and pasted code read.
const MAX_QUERY_CHARS: usize = 200;
/// Results listed for one search.
const MAX_RESULTS: i64 = 50;

const CSS: &str = include_str!("../../templates/catalog.css");

/// What every request shares.
pub struct App {
    store: Mutex<Store>,
    policy: Loaded,
    /// When set, admin forms and actions need it.
    token: Option<String>,
}

impl App {
    pub fn new(store: Store, policy: Loaded, token: Option<String>) -> App {
        App {
            store: Mutex::new(store),
            policy,
            token,
        }
    }
}

type Shared = Arc<App>;

/// The router: pages, API and limits.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(search_page))
        .route("/cert/{id}", get(card_page))
        .route("/cert/{id}/report", get(report_page))
        .route("/cert/{id}/results.json", get(results_file))
        .route("/cert/{id}/envelope.json", get(envelope_file))
        .route("/verify", post(verify_page))
        .route("/admin/revoke", post(revoke))
        .route("/api/v1/check", get(api_check))
        .route("/api/v1/search", get(api_search))
        .route("/api/v1/entries/{id}", get(api_entry))
        .fallback(|| async {
            page_error(StatusCode::NOT_FOUND, Lang::Zh, "页面不存在 / not found")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(Arc::new(app))
}

/// Serve on `listener` until it fails.
pub async fn serve(listener: tokio::net::TcpListener, app: App) -> std::io::Result<()> {
    axum::serve(listener, router(app)).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Zh,
    En,
}

impl Lang {
    fn of(params: &HashMap<String, String>) -> Lang {
        match params.get("lang").map(String::as_str) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn t(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// HTML-escape text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encode a query or path component.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'none'; script-src 'none'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
}

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

fn json_response(status: StatusCode, v: &impl serde::Serialize) -> Response {
    match serde_json::to_string_pretty(v) {
        Ok(s) => {
            let mut r = (status, s).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(
        status,
        &serde_json::json!({ "error": { "code": code, "message": message } }),
    )
}

/// The page frame: title, language switch, search box and the content.
fn frame(lang: Lang, title: &str, q: &str, switch_to: &str, content: &str) -> String {
    let other = match lang {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh-CN", "中文"),
    };
    let sep = if switch_to.contains('?') { '&' } else { '?' };
    format!(
        "<!doctype html>\n<html lang=\"{tag}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header><a class=\"home\" href=\"/?lang={tag}\">{brand}</a>\
         <a id=\"lang\" hreflang=\"{olang}\" href=\"{switch}{sep}lang={olang}\">{oname}</a></header>\n\
         <form class=\"search\" method=\"get\" action=\"/\">\
         <input type=\"hidden\" name=\"lang\" value=\"{tag}\">\
         <input id=\"q\" name=\"q\" type=\"search\" maxlength=\"{MAX_QUERY_CHARS}\" value=\"{q}\" \
         placeholder=\"{ph}\" aria-label=\"{ph}\">\
         <button id=\"search\" type=\"submit\">{go}</button></form>\n<main>\n{content}\n</main>\n\
         <footer>{foot}</footer>\n</body>\n</html>\n",
        tag = lang.tag(),
        title = esc(title),
        brand = lang.t("人工智能终端产品目录", "AI terminal product catalogue"),
        olang = other.0,
        oname = other.1,
        switch = esc(switch_to),
        q = esc(q),
        ph = lang.t(
            "品牌、型号、SKU 或证书编号",
            "Brand, model, SKU or certificate id"
        ),
        go = lang.t("搜索", "Search"),
        foot = lang.t(
            "等级依据 GB/Z 177—2026；阈值为 ailevel 暂定解读，资格由活动政策决定。",
            "Levels per GB/Z 177—2026; thresholds are ailevel's provisional reading; eligibility is the programme policy's."
        ),
    )
}

fn page_error(status: StatusCode, lang: Lang, message: &str) -> Response {
    html(
        status,
        frame(
            lang,
            message,
            "",
            "/",
            &format!("<p class=\"error\" id=\"error\">{}</p>", esc(message)),
        ),
    )
}

/// Run database work off the async threads.
async fn with_store<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&mut Store, &Loaded) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = app
            .store
            .lock()
            .map_err(|_| Error::Internal("the catalogue lock is poisoned".into()))?;
        f(&mut store, &app.policy)
    })
    .await
    .map_err(|e| Error::Internal(format!("a catalogue task failed: {e}")))?
}

fn clip(s: &str) -> String {
    s.chars().take(MAX_QUERY_CHARS).collect()
}

fn level_label(level: Option<&str>, lang: Lang) -> String {
    let name = match (level, lang) {
        (Some("L1"), Lang::Zh) => "响应级",
        (Some("L2"), Lang::Zh) => "工具级",
        (Some("L3"), Lang::Zh) => "辅助级",
        (Some("L4"), Lang::Zh) => "协同级",
        (Some("L1"), Lang::En) => "Responsive",
        (Some("L2"), Lang::En) => "Tool",
        (Some("L3"), Lang::En) => "Assistant",
        (Some("L4"), Lang::En) => "Collaborative",
        _ => "",
    };
    match level {
        Some(l) => format!("{} {name}", esc(l)),
        None => lang.t("未达 L1", "below L1").to_string(),
    }
}

fn state_label(s: &State, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.name_zh(),
        Lang::En => s.name(),
    }
}

/// A level's CSS class: only `L1`…`L9` reach the attribute.
fn level_class(level: Option<&str>) -> String {
    match level {
        Some(l) if l.len() == 2 && l.starts_with('L') && l.as_bytes()[1].is_ascii_digit() => {
            format!("level-{l}")
        }
        _ => "level-none".into(),
    }
}

async fn search_page(S(app): S<Shared>, Q(params): Q<HashMap<String, String>>) -> Response {
    let lang = Lang::of(&params);
    let q = clip(params.get("q").map(String::as_str).unwrap_or("").trim());
    let date = super::today();
    let results = if key(&q).is_empty() {
        Ok(Vec::new())
    } else {
        let text = q.clone();
        with_store(&app, move |s, _| {
            listed(
                s,
                &Filter::Search {
                    text,
                    limit: MAX_RESULTS,
                },
                date,
            )
        })
        .await
    };
    let rows = match results {
        Ok(r) => r,
        Err(e) => {
            return page_error(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                &crate::error::chain(&e),
            );
        }
    };
    let mut c = String::new();
    if !key(&q).is_empty() {
        if rows.is_empty() {
            c.push_str(&format!(
                "<p id=\"none\">{} “{}”</p>",
                lang.t("目录中没有匹配", "Nothing in the catalogue matches"),
                esc(&q)
            ));
        } else {
            c.push_str("<ul class=\"results\" id=\"results\">");
            for l in &rows {
                let e = &l.entry;
                c.push_str(&format!(
                    "<li><a class=\"result\" href=\"/cert/{id}?lang={tag}\">\
                     <span class=\"badge {lc}\">{level}</span> \
                     <span class=\"name\">{vendor} {model}</span> \
                     <span class=\"fw\">{fwl} {fw}</span> \
                     <span class=\"state state-{st}\">{stl}</span> \
                     <span class=\"cert\">{cert}</span></a></li>",
                    id = enc(&e.cert_id),
                    tag = lang.tag(),
                    lc = level_class(e.level.as_deref()),
                    level = level_label(e.level.as_deref(), lang),
                    vendor = esc(&e.vendor),
                    model = esc(&e.model),
                    fwl = lang.t("固件", "firmware"),
                    fw = esc(&e.firmware),
                    st = l.state.name(),
                    stl = state_label(&l.state, lang),
                    cert = esc(&e.cert_id),
                ));
            }
            c.push_str("</ul>");
        }
    }
    c.push_str(&verify_box(lang, ""));
    let switch = if q.is_empty() {
        "/".to_string()
    } else {
        format!("/?q={}", enc(&q))
    };
    html(
        StatusCode::OK,
        frame(
            lang,
            lang.t("产品目录查询", "Catalogue search"),
            &q,
            &switch,
            &c,
        ),
    )
}

fn verify_box(lang: Lang, value: &str) -> String {
    format!(
        "<section class=\"verify\"><h2>{h}</h2>\
         <form method=\"post\" action=\"/verify?lang={tag}\">\
         <textarea id=\"code\" name=\"code\" rows=\"3\" maxlength=\"{max}\" aria-label=\"{h}\" placeholder=\"ailevel:cert/1?id=…\">{v}</textarea>\
         <button id=\"verify\" type=\"submit\">{go}</button></form></section>",
        h = lang.t(
            "扫描或粘贴证书二维码内容、签名信封",
            "Scan or paste a certificate code or envelope"
        ),
        tag = lang.tag(),
        max = MAX_BODY_BYTES,
        v = esc(value),
        go = lang.t("核验", "Verify"),
    )
}

async fn card_page(
    S(app): S<Shared>,
    Path(id): Path<String>,
    Q(params): Q<HashMap<String, String>>,
) -> Response {
    let lang = Lang::of(&params);
    let date = super::today();
    let cert = clip(&id);
    let found = {
        let cert = cert.clone();
        with_store(&app, move |s, p| {
            let rows = listed(s, &Filter::Cert(cert.clone()), date)?;
            let o = outcome(
                s,
                p,
                &Query {
                    cert: Some(cert),
                    ..Query::default()
                },
                date,
            )?;
            Ok((rows, o))
        })
        .await
    };
    let (rows, o) = match found {
        Ok(x) => x,
        Err(e) => {
            return page_error(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                &crate::error::chain(&e),
            );
        }
    };
    let Some(l) = rows.first() else {
        return page_error(
            StatusCode::NOT_FOUND,
            lang,
            lang.t("目录中没有这张证书", "No such certificate in the catalogue"),
        );
    };
    let content = card(&app, l, &o, lang);
    html(
        StatusCode::OK,
        frame(
            lang,
            &format!("{} {} — {}", l.entry.vendor, l.entry.model, l.entry.cert_id),
            "",
            &format!("/cert/{}", enc(&l.entry.cert_id)),
            &content,
        ),
    )
}

fn card(app: &App, l: &Listed, o: &Outcome, lang: Lang) -> String {
    let e = &l.entry;
    let pick = |r: &super::check::Reason| match lang {
        Lang::Zh => r.zh.clone(),
        Lang::En => r.en.clone(),
    };
    let mut reasons = String::new();
    for r in o
        .reasons
        .iter()
        .chain(o.entries.iter().flat_map(|v| &v.reasons))
    {
        reasons.push_str(&format!(
            "<li class=\"{}\">{}</li>",
            if r.ok { "ok" } else { "fail" },
            esc(&pick(r))
        ));
    }
    let state_detail = match &l.state {
        State::Superseded { by } => format!(
            " — {} <a href=\"/cert/{}?lang={}\">{}</a>",
            lang.t("取代者", "by"),
            enc(by),
            lang.tag(),
            esc(by)
        ),
        State::Revoked { date, reason } => format!(
            " — {} {}：{}",
            lang.t("撤销于", "on"),
            esc(date),
            esc(reason)
        ),
        State::Expired { on } => format!(" — {}", esc(on)),
        _ => String::new(),
    };
    let row = |k: &str, v: &str| format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    let mut dl = String::new();
    dl.push_str(&row(lang.t("证书编号", "Certificate"), &e.cert_id));
    dl.push_str(&row(lang.t("厂商", "Vendor"), &e.vendor));
    dl.push_str(&row(lang.t("型号", "Model"), &e.model));
    if let Some(n) = match lang {
        Lang::Zh => e.name_zh.as_ref().or(e.name_en.as_ref()),
        Lang::En => e.name_en.as_ref().or(e.name_zh.as_ref()),
    } {
        dl.push_str(&row(lang.t("销售名称", "Marketing name"), n));
    }
    dl.push_str(&row(lang.t("固件版本", "Firmware"), &e.firmware));
    dl.push_str(&row(lang.t("品类", "Category"), &e.category));
    if !e.skus.is_empty() {
        dl.push_str(&row("SKU", &e.skus.join(", ")));
    }
    dl.push_str(&row(
        lang.t("检测机构", "Lab"),
        &format!(
            "{} ({})",
            match lang {
                Lang::Zh => &e.lab_name_zh,
                Lang::En => &e.lab_name_en,
            },
            e.lab_accreditation
        ),
    ));
    dl.push_str(&row(lang.t("签发日期", "Issued"), &e.issued));
    dl.push_str(&row(
        lang.t("有效期至", "Valid until"),
        e.valid_until.as_deref().unwrap_or("—"),
    ));
    dl.push_str(&row(lang.t("评级框架", "Framework"), &e.framework));
    dl.push_str(&row(
        lang.t("结果文件 SHA-256", "Results SHA-256"),
        &e.results_sha256,
    ));
    dl.push_str(&row(lang.t("签名密钥", "Signing key"), &e.signing_key_id));
    let admin = match &app.token {
        Some(_) if !matches!(l.state, State::Revoked { .. }) => format!(
            "<details class=\"admin\"><summary>{s}</summary>\
             <form method=\"post\" action=\"/admin/revoke?lang={tag}\">\
             <input type=\"hidden\" name=\"cert\" value=\"{cert}\">\
             <label>{r} <input id=\"revoke-reason\" name=\"reason\" required maxlength=\"500\"></label>\
             <label>{t} <input id=\"revoke-token\" name=\"token\" type=\"password\" required></label>\
             <button id=\"revoke\" type=\"submit\">{s}</button></form></details>",
            s = lang.t("撤销证书（管理员）", "Revoke (admin)"),
            tag = lang.tag(),
            cert = esc(&e.cert_id),
            r = lang.t("理由", "Reason"),
            t = lang.t("管理令牌", "Admin token"),
        ),
        _ => String::new(),
    };
    format!(
        "<article class=\"card\" id=\"card\">\
         <h1 id=\"product\">{vendor} {model}</h1>\
         <p><span class=\"badge {lc}\" id=\"level\">{level}</span>{prov} \
         <span class=\"state state-{st}\" id=\"state\">{stl}</span>{detail}</p>\
         <p class=\"eligibility {ecls}\" id=\"eligibility\">{etext}</p>\
         <p class=\"policy\">{pl}: {pname} · {dl_}: {date}</p>\
         <ul class=\"reasons\" id=\"reasons\">{reasons}</ul>\
         <dl class=\"details\">{dl}</dl>\
         <p class=\"links\"><a id=\"report\" href=\"/cert/{id}/report?lang={tag}\">{rep}</a> · \
         <a href=\"/cert/{id}/results.json\">results.json</a> · \
         <a href=\"/cert/{id}/envelope.json\">{envl}</a></p>{admin}</article>",
        vendor = esc(&e.vendor),
        model = esc(&e.model),
        lc = level_class(e.level.as_deref()),
        level = level_label(e.level.as_deref(), lang),
        // The state says "provisional" already when nothing else overrides it.
        prov = if e.provisional && l.state != State::Provisional {
            format!(
                " <span class=\"provisional\">{}</span>",
                lang.t("暂定", "provisional")
            )
        } else {
            String::new()
        },
        st = l.state.name(),
        stl = state_label(&l.state, lang),
        detail = state_detail,
        ecls = if o.eligible {
            "eligible"
        } else {
            "not-eligible"
        },
        etext = if o.eligible {
            lang.t(
                "✔ 符合以旧换新条件",
                "✔ Eligible for the trade-in programme",
            )
        } else {
            lang.t(
                "✘ 不符合以旧换新条件",
                "✘ Not eligible for the trade-in programme",
            )
        },
        pl = lang.t("政策", "Policy"),
        pname = esc(match lang {
            Lang::Zh => &o.policy.name_zh,
            Lang::En => &o.policy.name_en,
        }),
        dl_ = lang.t("日期", "date"),
        date = esc(&o.date),
        id = enc(&e.cert_id),
        tag = lang.tag(),
        rep = lang.t("查看检测报告", "View the test report"),
        envl = lang.t("签名信封", "signed envelope"),
    )
}

async fn documents(app: &Shared, id: String) -> Result<Option<(String, String)>> {
    with_store(app, move |s, _| s.documents(&clip(&id))).await
}

async fn report_page(
    S(app): S<Shared>,
    Path(id): Path<String>,
    Q(params): Q<HashMap<String, String>>,
) -> Response {
    let lang = Lang::of(&params);
    let docs = match documents(&app, id).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            return page_error(
                StatusCode::NOT_FOUND,
                lang,
                lang.t("目录中没有这张证书", "No such certificate"),
            );
        }
        Err(e) => {
            return page_error(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                &crate::error::chain(&e),
            );
        }
    };
    let rendered = crate::results::parse(std::path::Path::new("results.json"), docs.1.as_bytes())
        .map_err(|e| crate::error::chain(&e))
        .and_then(|r| {
            crate::report::render_html(
                &r,
                match lang {
                    Lang::Zh => crate::report::Lang::Zh,
                    Lang::En => crate::report::Lang::En,
                },
            )
            .map_err(|e| crate::error::chain(&e))
        });
    match rendered {
        // The report carries its own hash-based policy in a meta tag; this header forbids
        // everything else (the browser enforces both).
        Ok(page) => document(
            page,
            "text/html; charset=utf-8",
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; media-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
        Err(e) => page_error(StatusCode::INTERNAL_SERVER_ERROR, lang, &e),
    }
}

fn download(body: String) -> Response {
    document(body, "application/json", "default-src 'none'")
}

/// A stored document served as is: its type, never sniffed, under `csp`.
fn document(body: String, content_type: &'static str, csp: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    r
}

async fn results_file(S(app): S<Shared>, Path(id): Path<String>) -> Response {
    match documents(&app, id).await {
        Ok(Some((_, results))) => download(results),
        Ok(None) => api_error(StatusCode::NOT_FOUND, "not_found", "no such certificate"),
        Err(e) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "database",
            &crate::error::chain(&e),
        ),
    }
}

async fn envelope_file(S(app): S<Shared>, Path(id): Path<String>) -> Response {
    match documents(&app, id).await {
        Ok(Some((envelope, _))) => download(envelope),
        Ok(None) => api_error(StatusCode::NOT_FOUND, "not_found", "no such certificate"),
        Err(e) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "database",
            &crate::error::chain(&e),
        ),
    }
}

/// What a pasted code or envelope turned out to be.
struct Verified {
    ok: bool,
    cert: Option<String>,
    lines: Vec<(bool, String)>,
}

/// Check a scanned QR payload against the entry it names, or a pasted envelope's signature
/// against the trusted keys and its subject against the entries.
fn verify_code(store: &mut Store, code: &str, lang: Lang) -> Result<Verified> {
    let code = code.trim();
    let mut lines = Vec::new();
    if code.starts_with(qr::PREFIX) {
        let p = match qr::Payload::parse(code) {
            Ok(p) => p,
            Err(e) => {
                return Ok(Verified {
                    ok: false,
                    cert: None,
                    lines: vec![(false, e)],
                });
            }
        };
        let Some(e) = store.load(&Filter::Cert(p.id.clone()))?.into_iter().next() else {
            return Ok(Verified {
                ok: false,
                cert: None,
                lines: vec![(
                    false,
                    format!(
                        "{} {}",
                        lang.t("目录中没有证书", "No certificate in the catalogue with id"),
                        p.id
                    ),
                )],
            });
        };
        let checks = [
            (
                p.sha256 == e.results_sha256,
                lang.t(
                    "结果文件摘要与目录记录一致",
                    "results digest matches the catalogue's",
                ),
            ),
            (
                key(&p.lab) == key(&e.lab_accreditation),
                lang.t("检测机构与目录记录一致", "lab matches the catalogue's"),
            ),
            (
                p.level == e.level,
                lang.t("等级与目录记录一致", "level matches the catalogue's"),
            ),
        ];
        for (ok, what) in checks {
            lines.push((
                ok,
                if ok {
                    what.to_string()
                } else {
                    format!("{} ✘ {what}", lang.t("不一致：", "mismatch:"))
                },
            ));
        }
        let ok = lines.iter().all(|l| l.0);
        return Ok(Verified {
            ok,
            cert: Some(e.cert_id),
            lines,
        });
    }
    let env: dsse::Envelope = match serde_json::from_str(code) {
        Ok(env) => env,
        Err(_) => {
            return Ok(Verified {
                ok: false,
                cert: None,
                lines: vec![(
                    false,
                    lang.t(
                        "既不是证书二维码内容（ailevel:cert/1?…），也不是签名信封（DSSE JSON）",
                        "Neither a certificate code (ailevel:cert/1?…) nor a signed envelope (DSSE JSON)",
                    )
                    .to_string(),
                )],
            });
        }
    };
    let keys: Vec<VerifyingKey> = store
        .trusted_keys()?
        .iter()
        .filter_map(|(_, pem)| VerifyingKey::from_public_key_pem(pem).ok())
        .collect();
    let verified = match dsse::verify(&env, &keys) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Verified {
                ok: false,
                cert: None,
                lines: vec![(
                    false,
                    format!(
                        "{} {}",
                        lang.t("签名无效：", "signature:"),
                        e.render(match lang {
                            Lang::Zh => crate::msg::Lang::Zh,
                            Lang::En => crate::msg::Lang::En,
                        })
                        .unwrap_or_else(|| e.en())
                    ),
                )],
            });
        }
    };
    lines.push((
        true,
        format!(
            "{} {}",
            lang.t("签名有效，密钥", "signature valid, key"),
            verified.key_id
        ),
    ));
    let st: statement::Statement = match serde_json::from_slice(&verified.body) {
        Ok(st) => st,
        Err(e) => {
            lines.push((false, format!("statement: {e}")));
            return Ok(Verified {
                ok: false,
                cert: None,
                lines,
            });
        }
    };
    let digest = st
        .subject
        .first()
        .and_then(|s| s.digest.get("sha256"))
        .cloned()
        .unwrap_or_default();
    let cert = store.by_digest(&digest)?;
    match &cert {
        Some(c) => lines.push((
            true,
            format!("{} {c}", lang.t("目录中的证书", "catalogue entry")),
        )),
        None => lines.push((
            false,
            lang.t(
                "签名的结果文件不在目录中",
                "the signed results are not in the catalogue",
            )
            .to_string(),
        )),
    }
    Ok(Verified {
        ok: cert.is_some(),
        cert,
        lines,
    })
}

async fn verify_page(
    S(app): S<Shared>,
    Q(params): Q<HashMap<String, String>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = Lang::of(&params);
    let code = form.get("code").cloned().unwrap_or_default();
    let shown: String = code.chars().take(2000).collect();
    let result = with_store(&app, move |s, _| verify_code(s, &code, lang)).await;
    let v = match result {
        Ok(v) => v,
        Err(e) => {
            return page_error(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                &crate::error::chain(&e),
            );
        }
    };
    let mut c = format!(
        "<section class=\"verdict {}\" id=\"verdict\"><h1>{}</h1><ul class=\"reasons\">",
        if v.ok { "eligible" } else { "not-eligible" },
        if v.ok {
            lang.t("✔ 证书核验通过", "✔ Certificate verified")
        } else {
            lang.t("✘ 证书核验未通过", "✘ Certificate not verified")
        }
    );
    for (ok, line) in &v.lines {
        c.push_str(&format!(
            "<li class=\"{}\">{}</li>",
            if *ok { "ok" } else { "fail" },
            esc(line)
        ));
    }
    c.push_str("</ul>");
    if let Some(cert) = &v.cert {
        c.push_str(&format!(
            "<p><a id=\"verified-card\" href=\"/cert/{}?lang={}\">{} {}</a></p>",
            enc(cert),
            lang.tag(),
            lang.t("查看证书", "Open certificate"),
            esc(cert)
        ));
    }
    c.push_str("</section>");
    c.push_str(&verify_box(lang, &shown));
    html(
        StatusCode::OK,
        frame(lang, lang.t("证书核验", "Certificate check"), "", "/", &c),
    )
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn revoke(
    S(app): S<Shared>,
    Q(params): Q<HashMap<String, String>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = Lang::of(&params);
    let Some(expected) = &app.token else {
        return page_error(
            StatusCode::FORBIDDEN,
            lang,
            lang.t(
                "本服务为只读：未配置管理令牌",
                "This service is read-only: no admin token is configured",
            ),
        );
    };
    let given = form.get("token").map(String::as_str).unwrap_or("");
    if !same(given, expected) {
        return page_error(
            StatusCode::FORBIDDEN,
            lang,
            lang.t("管理令牌不正确", "Wrong admin token"),
        );
    }
    let cert = clip(form.get("cert").map(String::as_str).unwrap_or(""));
    let reason: String = form
        .get("reason")
        .map(String::as_str)
        .unwrap_or("")
        .trim()
        .chars()
        .take(500)
        .collect();
    if reason.is_empty() {
        return page_error(
            StatusCode::BAD_REQUEST,
            lang,
            lang.t("请填写撤销理由", "Give a reason"),
        );
    }
    let date = super::today().to_string();
    let c = cert.clone();
    let done = with_store(&app, move |s, _| {
        s.revoke(&c, &date, &reason, Some(&"staff page".to_string()))
    })
    .await;
    match done {
        Ok(()) => {
            let mut r = StatusCode::SEE_OTHER.into_response();
            if let Ok(v) =
                HeaderValue::from_str(&format!("/cert/{}?lang={}", enc(&cert), lang.tag()))
            {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Err(Error::Usage(m)) => page_error(StatusCode::CONFLICT, lang, &m),
        Err(e) => page_error(
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            &crate::error::chain(&e),
        ),
    }
}

/// `?date=`, default today; `Err` for a value that is not a date.
fn api_date(params: &HashMap<String, String>) -> std::result::Result<chrono::NaiveDate, ()> {
    match params.get("date") {
        None => Ok(super::today()),
        Some(d) => super::parse_date(d).ok_or(()),
    }
}

async fn api_check(S(app): S<Shared>, Q(params): Q<HashMap<String, String>>) -> Response {
    let date = match api_date(&params) {
        Ok(d) => d,
        Err(()) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "bad_date",
                "date is not YYYY-MM-DD",
            );
        }
    };
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| clip(v))
            .filter(|v| !v.trim().is_empty())
    };
    let q = Query {
        cert: get("cert"),
        vendor: get("vendor"),
        model: get("model"),
        sku: get("sku"),
        firmware: get("firmware"),
    };
    if q.cert.is_none() && q.model.is_none() && q.sku.is_none() {
        return api_error(
            StatusCode::BAD_REQUEST,
            "no_unit",
            "give cert, model or sku",
        );
    }
    match with_store(&app, move |s, p| outcome(s, p, &q, date)).await {
        Ok(o) => json_response(StatusCode::OK, &o),
        Err(e) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "database",
            &crate::error::chain(&e),
        ),
    }
}

async fn api_search(S(app): S<Shared>, Q(params): Q<HashMap<String, String>>) -> Response {
    let date = match api_date(&params) {
        Ok(d) => d,
        Err(()) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "bad_date",
                "date is not YYYY-MM-DD",
            );
        }
    };
    let text = clip(params.get("q").map(String::as_str).unwrap_or(""));
    if key(&text).is_empty() {
        return api_error(StatusCode::BAD_REQUEST, "no_query", "give q");
    }
    let r = with_store(&app, move |s, _| {
        listed(
            s,
            &Filter::Search {
                text,
                limit: MAX_RESULTS,
            },
            date,
        )
    })
    .await;
    match r {
        Ok(rows) => json_response(StatusCode::OK, &rows),
        Err(e) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "database",
            &crate::error::chain(&e),
        ),
    }
}

async fn api_entry(
    S(app): S<Shared>,
    Path(id): Path<String>,
    Q(params): Q<HashMap<String, String>>,
) -> Response {
    let date = match api_date(&params) {
        Ok(d) => d,
        Err(()) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "bad_date",
                "date is not YYYY-MM-DD",
            );
        }
    };
    let id = clip(&id);
    match with_store(&app, move |s, _| listed(s, &Filter::Cert(id), date)).await {
        Ok(rows) => match rows.first() {
            Some(l) => json_response(StatusCode::OK, l),
            None => api_error(StatusCode::NOT_FOUND, "not_found", "no such certificate"),
        },
        Err(e) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "database",
            &crate::error::chain(&e),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_levels_never_reach_a_class_raw() {
        assert_eq!(
            esc("<img src=x onerror=\"a('b')\">&"),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(level_class(Some("L3")), "level-L3");
        assert_eq!(level_class(Some("L3\" onclick=\"x")), "level-none");
        assert_eq!(enc("a/../b c"), "a%2F..%2Fb%20c");
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
