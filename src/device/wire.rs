//! What the adapters that reach a real device share: an HTTP client that keeps the bearer
//! token to one origin, bodies read only up to a cap, and one mapping from what came back —
//! status, bytes, transport failure — to [`DeviceError`]. Everything a device sends is
//! treated as hostile: sizes are bounded, bytes are checked before they are parsed, and the
//! device's own bytes are kept, truncated, as evidence.

use std::time::Duration;

use reqwest::header::{self, HeaderValue};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{ConnectError, DeviceError};

pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How much of a device's bytes an error keeps as evidence.
pub const EVIDENCE_BYTES: usize = 2048;
/// How much of an error answer is read: enough for any sensible `{"error": …}`.
const ERROR_BODY_BYTES: usize = 64 * 1024;
/// Same-origin redirects followed before giving up (ATP/1 has none; gateways in front of
/// chat endpoints sometimes add a slash).
const MAX_REDIRECTS: usize = 3;

/// Bounds on one call.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connect_timeout: Duration,
    pub call_timeout: Duration,
    pub max_response_bytes: usize,
}

impl Limits {
    pub fn new(
        connect_ms: Option<u64>,
        call_ms: Option<u64>,
        max_bytes: Option<u64>,
        default_call: Duration,
    ) -> Self {
        Limits {
            connect_timeout: connect_ms.map_or(DEFAULT_CONNECT_TIMEOUT, Duration::from_millis),
            call_timeout: call_ms.map_or(default_call, Duration::from_millis),
            max_response_bytes: usize::try_from(max_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES))
                .unwrap_or(usize::MAX),
        }
    }

    pub fn timeout_ms(&self) -> u64 {
        u64::try_from(self.call_timeout.as_millis()).unwrap_or(u64::MAX)
    }
}

/// An HTTP client bound to one base URL.
pub struct Http {
    client: reqwest::Client,
    base: Url,
    /// Marked sensitive, so that reqwest never prints it.
    token: Option<HeaderValue>,
    pub limits: Limits,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("base", &super::profile::redact_url(self.base.as_str()))
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("limits", &self.limits)
            .finish()
    }
}

impl Http {
    /// `field` names the profile key `base_url` came from, for error messages.
    pub fn new(
        field: &'static str,
        base_url: &str,
        token_env: Option<&str>,
        limits: Limits,
        http1_only: bool,
    ) -> Result<Self, ConnectError> {
        let base = parse_base(field, base_url)?;
        let token =
            match token_env {
                None => None,
                Some(var) => {
                    let value = std::env::var(var).map_err(|_| ConnectError::MissingToken {
                        var: var.to_string(),
                    })?;
                    let mut h = HeaderValue::from_str(&format!("Bearer {}", value.trim()))
                        .map_err(|_| ConnectError::BadToken {
                            var: var.to_string(),
                        })?;
                    h.set_sensitive(true);
                    Some(h)
                }
            };
        let origin = base.origin();
        // A redirect could carry the bearer token to another host; follow same-origin ones only.
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS || attempt.url().origin() != origin {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.call_timeout)
            .redirect(policy)
            .user_agent(concat!("ailevel/", env!("CARGO_PKG_VERSION")))
            // Proxies from the environment would see the token and the device's traffic; a
            // device on the lab network is reached directly.
            .no_proxy();
        if http1_only {
            builder = builder.http1_only();
        }
        // Redirects stay on the origin, so a plain-HTTP device is never reached over TLS:
        // reading the system's certificate store (a sizeable part of starting a run) is
        // skipped, and an https URL it still met would fail verification, not go unchecked.
        if base.scheme() == "http" {
            builder = builder.tls_certs_only([]);
        }
        let client = builder
            .build()
            .map_err(|e| ConnectError::Client(chain(&e)))?;
        Ok(Http {
            client,
            base,
            token,
            limits,
        })
    }

    /// The base URL with these path segments appended, each percent-encoded, so a
    /// device-issued session id cannot climb out of its path.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    pub fn request(&self, method: Method, url: Url) -> reqwest::RequestBuilder {
        let mut rb = self
            .client
            .request(method, url)
            .header(header::ACCEPT, "application/json");
        if let Some(t) = &self.token {
            rb = rb.header(header::AUTHORIZATION, t.clone());
        }
        rb
    }

    pub async fn send(
        &self,
        rb: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, DeviceError> {
        rb.send()
            .await
            .map_err(|e| transport_error(e, self.limits.timeout_ms()))
    }

    /// The whole body, or a protocol error once it passes the cap.
    pub async fn read_body(&self, resp: &mut reqwest::Response) -> Result<Vec<u8>, DeviceError> {
        let cap = self.limits.max_response_bytes;
        if let Some(len) = resp.content_length()
            && len > cap as u64
        {
            return Err(DeviceError::Protocol {
                message: format!("the answer declares {len} bytes, more than the {cap}-byte limit"),
                evidence: None,
            });
        }
        // Sized once when the length is declared: growing by doubling would hold two
        // copies of a large answer for a moment.
        let declared = resp.content_length().map_or(0, |l| l as usize);
        let mut buf = Vec::with_capacity(declared.min(cap));
        while let Some(chunk) = self.next_chunk(resp).await? {
            if buf.len() + chunk.len() > cap {
                let room = cap - buf.len();
                buf.extend_from_slice(&chunk[..room]);
                return Err(too_large(cap, &buf));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf)
    }

    /// The first bytes of an error answer; the rest is not read.
    pub async fn read_error_body(&self, resp: &mut reqwest::Response) -> Vec<u8> {
        let mut buf = Vec::new();
        while buf.len() < ERROR_BODY_BYTES {
            match self.next_chunk(resp).await {
                Ok(Some(chunk)) => {
                    buf.extend_from_slice(&chunk[..chunk.len().min(ERROR_BODY_BYTES - buf.len())])
                }
                Ok(None) | Err(_) => break,
            }
        }
        buf
    }

    pub async fn next_chunk(
        &self,
        resp: &mut reqwest::Response,
    ) -> Result<Option<axum::body::Bytes>, DeviceError> {
        resp.chunk()
            .await
            .map_err(|e| transport_error(e, self.limits.timeout_ms()))
    }
}

fn parse_base(field: &'static str, raw: &str) -> Result<Url, ConnectError> {
    let bad = |message: &str| ConnectError::BadUrl {
        field,
        message: message.to_string(),
    };
    let url = Url::parse(raw).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http and https are supported"));
    }
    if url.host().is_none() {
        return Err(bad("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "credentials do not belong in a URL; name an environment variable in `token_env`",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or fragment"));
    }
    Ok(url)
}

pub fn too_large(cap: usize, prefix: &[u8]) -> DeviceError {
    DeviceError::Protocol {
        message: format!("the answer is larger than the {cap}-byte limit"),
        evidence: Some(evidence(prefix)),
    }
}

/// The device's bytes as evidence: at most [`EVIDENCE_BYTES`], invalid UTF-8 replaced, and
/// a note of the full length when cut.
pub fn evidence(bytes: &[u8]) -> String {
    if bytes.len() <= EVIDENCE_BYTES {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut s = String::from_utf8_lossy(&bytes[..EVIDENCE_BYTES]).into_owned();
    // The cut may split a character; drop the replacement char it leaves.
    if s.ends_with('\u{FFFD}') {
        s.pop();
    }
    s.push_str(&format!("… [{} bytes in all]", bytes.len()));
    s
}

/// Bytes → `T`, with every way it can go wrong named: not UTF-8, not JSON, wrong shape.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, DeviceError> {
    let value = decode_json(bytes, what)?;
    serde_json::from_value(value).map_err(|e| DeviceError::Protocol {
        message: format!("{what} has the wrong shape: {e}"),
        evidence: Some(evidence(bytes)),
    })
}

/// A turn answer, decoded without building a JSON tree first (see [`Turn::from_device_json`]).
pub fn decode_turn(bytes: &[u8]) -> Result<super::Turn, DeviceError> {
    let what = "the turn";
    let text = std::str::from_utf8(bytes).map_err(|e| DeviceError::Protocol {
        message: format!("{what} is not UTF-8 ({e})"),
        evidence: Some(evidence(bytes)),
    })?;
    super::Turn::from_device_json(text).map_err(|e| {
        let message = if e.is_data() {
            format!("{what} has the wrong shape: {e}")
        } else {
            format!("{what} is not valid JSON ({e})")
        };
        DeviceError::Protocol {
            message,
            evidence: Some(evidence(bytes)),
        }
    })
}

pub fn decode_json(bytes: &[u8], what: &str) -> Result<Value, DeviceError> {
    let text = std::str::from_utf8(bytes).map_err(|e| DeviceError::Protocol {
        message: format!("{what} is not UTF-8 ({e})"),
        evidence: Some(evidence(bytes)),
    })?;
    serde_json::from_str(text).map_err(|e| DeviceError::Protocol {
        message: format!("{what} is not valid JSON ({e})"),
        evidence: Some(evidence(bytes)),
    })
}

/// A non-2xx answer as an error. 501 is an op the device does not support; other 4xx
/// (except 408 and 429) are the device refusing the request; the rest — 5xx, 408, 429,
/// unfollowed redirects — are [`DeviceError::Http`], of which 5xx, 408 and 429 are transient.
pub fn status_error(status: u16, body: &[u8], op: &str) -> DeviceError {
    if status == 501 {
        return DeviceError::Unsupported { op: op.to_string() };
    }
    let (code, message) = error_fields(status, body);
    if (400..500).contains(&status) && status != 408 && status != 429 {
        DeviceError::Device { code, message }
    } else {
        DeviceError::Http {
            status,
            code,
            message,
            retry_after_ms: None,
        }
    }
}

/// The longest `Retry-After` taken as given: a device asking for more is waited this long
/// and tried again (the retry budgets bound the rest), so one answer cannot stall a run.
pub const MAX_RETRY_AFTER_MS: u64 = 30_000;

/// A `Retry-After` header in ms: delay-seconds (`120`, also `1.5`) or an HTTP date (waited
/// until then from now), at most [`MAX_RETRY_AFTER_MS`]; `None` when absent or unreadable.
pub fn retry_after_ms(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let raw = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let ms = if let Ok(secs) = raw.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return None;
        }
        (secs * 1000.0).min(MAX_RETRY_AFTER_MS as f64) as u64
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
        let wait = at
            .signed_duration_since(chrono::Utc::now())
            .num_milliseconds();
        wait.clamp(0, MAX_RETRY_AFTER_MS as i64) as u64
    };
    Some(ms.min(MAX_RETRY_AFTER_MS))
}

/// [`status_error`] with the wait a 429 or 503 asked for attached.
pub fn status_error_after(
    status: u16,
    body: &[u8],
    op: &str,
    retry_after: Option<u64>,
) -> DeviceError {
    match status_error(status, body, op) {
        DeviceError::Http {
            status,
            code,
            message,
            ..
        } => DeviceError::Http {
            status,
            code,
            message,
            retry_after_ms: retry_after.filter(|_| status == 429 || status == 503),
        },
        e => e,
    }
}

/// `code` and `message` from `{"error": {"code", "message"}}` (or OpenAI's
/// `{"error": {"type", "message"}}`), else from the status and the raw body.
fn error_fields(status: u16, body: &[u8]) -> (String, String) {
    let parsed = serde_json::from_slice::<Value>(body).ok();
    let err = parsed.as_ref().and_then(|v| v.get("error"));
    let field = |k: &str| match err.and_then(|e| e.get(k)) {
        Some(Value::String(s)) if !s.is_empty() => Some(crate::text::truncate(s, 200)),
        Some(v @ Value::Number(_)) => Some(v.to_string()),
        _ => None,
    };
    let code = field("code")
        .or_else(|| field("type"))
        .unwrap_or_else(|| format!("http_{status}"));
    let message = field("message")
        .or_else(|| match err {
            Some(Value::String(s)) => Some(crate::text::truncate(s, 500)),
            _ => None,
        })
        .unwrap_or_else(|| {
            let raw = evidence(&body[..body.len().min(500)]);
            if raw.trim().is_empty() {
                reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("no reason given")
                    .to_string()
            } else {
                raw
            }
        });
    (code, message)
}

/// A failure to get an answer at all. The URL is left out: it is in the profile, and
/// leaving it out keeps any secret that slipped into it out of results.
pub fn transport_error(e: reqwest::Error, timeout_ms: u64) -> DeviceError {
    let e = e.without_url();
    if e.is_timeout() {
        DeviceError::Timeout { ms: timeout_ms }
    } else if e.is_connect() {
        DeviceError::Unreachable { message: chain(&e) }
    } else {
        DeviceError::Transport { message: chain(&e) }
    }
}

/// An error and its sources in one line, e.g. `error sending request: connection reset`.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let text = inner.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        src = inner.source();
    }
    crate::text::truncate(&s, 500)
}

/// The ATP/1 path of these segments, percent-encoded as in a URL.
pub fn encoded_path(segments: &[&str]) -> String {
    let mut url = Url::parse("http://localhost/").expect("a constant URL parses");
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url.path().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_as_seconds_or_a_date_and_capped() {
        let with = |v: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(header::RETRY_AFTER, v.parse().unwrap());
            retry_after_ms(&h)
        };
        assert_eq!(retry_after_ms(&reqwest::header::HeaderMap::new()), None);
        assert_eq!(with("2"), Some(2_000));
        assert_eq!(with(" 1.5 "), Some(1_500));
        assert_eq!(with("0"), Some(0));
        assert_eq!(with("86400"), Some(30_000), "capped");
        assert_eq!(with("-3"), None);
        assert_eq!(with("soon"), None);
        assert_eq!(
            with("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(0),
            "a date gone by"
        );
        let later = (chrono::Utc::now() + chrono::Duration::seconds(20)).to_rfc2822();
        let ms = with(&later).unwrap();
        assert!((15_000..=20_000).contains(&ms), "{ms}");
        // Only a 429 or 503 carries it into the error.
        let e = status_error_after(429, b"", "turn", Some(1_000));
        assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(1)));
        assert_eq!(
            status_error_after(500, b"", "turn", Some(1_000)).retry_after(),
            None
        );
    }

    #[test]
    fn evidence_is_cut_on_a_character_boundary_with_the_length() {
        let long = "好".repeat(2000);
        let e = evidence(long.as_bytes());
        assert!(e.ends_with("… [6000 bytes in all]"), "{e}");
        assert!(e.len() < EVIDENCE_BYTES + 40);
        assert_eq!(evidence(b"\xff\xfe{"), "\u{FFFD}\u{FFFD}{");
    }

    #[test]
    fn status_errors_keep_the_device_code_and_say_what_is_transient() {
        let body = br#"{"error": {"code": "no_session", "message": "unknown session s9"}}"#;
        assert_eq!(
            status_error(404, body, "turn"),
            DeviceError::Device {
                code: "no_session".into(),
                message: "unknown session s9".into()
            }
        );
        assert_eq!(
            status_error(501, b"", "set_clock"),
            DeviceError::Unsupported {
                op: "set_clock".into()
            }
        );
        let e = status_error(503, b"<html>busy</html>", "turn");
        assert!(
            matches!(&e, DeviceError::Http { status: 503, code, message, .. } if code == "http_503" && message.contains("busy"))
        );
        assert!(e.is_transient());
        assert!(status_error(429, b"", "turn").is_transient());
        assert!(!status_error(400, b"", "turn").is_transient());
        assert!(!status_error(302, b"", "turn").is_transient());
        let openai = br#"{"error": {"message": "model not found", "type": "invalid_request_error", "code": null}}"#;
        assert_eq!(
            status_error(404, openai, "turn"),
            DeviceError::Device {
                code: "invalid_request_error".into(),
                message: "model not found".into()
            }
        );
    }

    #[test]
    fn decode_names_each_way_a_body_can_be_wrong() {
        let msg = |r: Result<super::super::Info, DeviceError>| match r {
            Err(DeviceError::Protocol { message, evidence }) => {
                (message, evidence.unwrap_or_default())
            }
            other => panic!("{other:?}"),
        };
        let (m, e) = msg(decode(b"\xff{}", "info"));
        assert!(m.contains("not UTF-8"), "{m}");
        assert!(e.contains('\u{FFFD}'));
        assert!(
            msg(decode(b"{\"protocol\":", "info"))
                .0
                .contains("not valid JSON")
        );
        assert!(
            msg(decode(b"{\"protocol\": 1}", "info"))
                .0
                .contains("wrong shape")
        );
    }

    #[test]
    fn base_urls_with_credentials_or_odd_schemes_are_refused() {
        let limits = Limits::new(None, None, None, Duration::from_secs(1));
        for bad in [
            "ftp://x",
            "http://user:pw@host",
            "http://host/?key=1",
            "not a url",
        ] {
            assert!(
                Http::new("base_url", bad, None, limits, true).is_err(),
                "{bad}"
            );
        }
        let http = Http::new("base_url", "http://127.0.0.1:1/prefix/", None, limits, true).unwrap();
        assert_eq!(
            http.url(&["atp", "v1", "sessions", "../../x y", "turns"])
                .as_str(),
            "http://127.0.0.1:1/prefix/atp/v1/sessions/..%2F..%2Fx%20y/turns"
        );
        assert_eq!(
            encoded_path(&["atp", "v1", "sessions", "a/b"]),
            "/atp/v1/sessions/a%2Fb"
        );
    }

    #[test]
    fn a_missing_token_variable_is_named() {
        let limits = Limits::new(None, None, None, Duration::from_secs(1));
        let e = Http::new(
            "base_url",
            "http://127.0.0.1:1",
            Some("AILEVEL_TEST_SURELY_UNSET_VAR"),
            limits,
            true,
        )
        .unwrap_err();
        assert!(e.to_string().contains("AILEVEL_TEST_SURELY_UNSET_VAR"));
    }
}
