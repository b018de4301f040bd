//! The `atp` adapter: a client of ATP/1 (docs/protocol.md). The protocol's meaning — which
//! status each call expects, what its answer must look like — is written once here, over a
//! [`Transport`] that carries one call: HTTP for `atp`, JSON lines on a child's stdin and
//! stdout for `process`.

use async_trait::async_trait;
use reqwest::Method;
use serde_json::Value;

use super::profile::AtpConfig;
use super::protocol::{Control, Info, Input, SessionRequest, SessionResponse, Turn, TurnRequest};
use super::wire::{self, Http, Limits};
use super::{Adapter, ConnectError, ConnectOptions, DeviceError, SessionId};

/// Longest session id accepted from a device; it goes into every later URL.
const MAX_SESSION_ID_BYTES: usize = 256;

/// Carries one ATP/1 call to the device and brings back the status and the body's bytes.
/// Transport failures come back as errors; every status, 2xx or not, comes back as data.
#[async_trait]
pub trait Transport: Send + Sync {
    async fn call(
        &self,
        method: Method,
        path: &[&str],
        body: Option<Value>,
    ) -> Result<Reply, DeviceError>;
}

/// What came back: the status, the body (capped) and the wait a 429 or 503 asked for.
pub struct Reply {
    pub status: u16,
    pub bytes: Vec<u8>,
    pub retry_after_ms: Option<u64>,
}

/// ATP/1 over some transport.
pub struct AtpAdapter<T> {
    transport: T,
}

impl<T: Transport> AtpAdapter<T> {
    pub fn over(transport: T) -> Self {
        AtpAdapter { transport }
    }

    /// One call whose answer must be 2xx; `op` names it in an `Unsupported` error.
    async fn call(
        &self,
        method: Method,
        path: &[&str],
        body: Option<Value>,
        op: &str,
    ) -> Result<Vec<u8>, DeviceError> {
        let Reply {
            status,
            bytes,
            retry_after_ms,
        } = self.transport.call(method, path, body).await?;
        if (200..300).contains(&status) {
            Ok(bytes)
        } else {
            Err(wire::status_error_after(status, &bytes, op, retry_after_ms))
        }
    }
}

impl AtpAdapter<HttpTransport> {
    pub fn new(cfg: &AtpConfig, opts: &ConnectOptions) -> Result<Self, ConnectError> {
        let limits = Limits::new(
            cfg.connect_timeout_ms,
            cfg.timeout_ms,
            cfg.max_response_bytes,
            opts.call_timeout,
        );
        // ATP/1 is HTTP/1.1 by contract.
        let http = Http::new(
            "base_url",
            &cfg.base_url,
            cfg.token_env.as_deref(),
            limits,
            true,
        )?;
        Ok(AtpAdapter::over(HttpTransport { http }))
    }
}

/// ATP/1 over HTTP.
#[derive(Debug)]
pub struct HttpTransport {
    http: Http,
}

#[async_trait]
impl Transport for HttpTransport {
    async fn call(
        &self,
        method: Method,
        path: &[&str],
        body: Option<Value>,
    ) -> Result<Reply, DeviceError> {
        let mut rb = self.http.request(method, self.http.url(path));
        if let Some(body) = &body {
            rb = rb.json(body);
        }
        let mut resp = self.http.send(rb).await?;
        let status = resp.status().as_u16();
        let retry_after_ms = wire::retry_after_ms(resp.headers());
        let bytes = if resp.status().is_success() {
            self.http.read_body(&mut resp).await?
        } else {
            self.http.read_error_body(&mut resp).await
        };
        Ok(Reply {
            status,
            bytes,
            retry_after_ms,
        })
    }
}

fn to_value<S: serde::Serialize>(v: &S) -> Result<Value, DeviceError> {
    serde_json::to_value(v).map_err(|e| DeviceError::Protocol {
        message: format!("could not encode the request: {e}"),
        evidence: None,
    })
}

#[async_trait]
impl<T: Transport> Adapter for AtpAdapter<T> {
    async fn info(&self) -> Result<Info, DeviceError> {
        let bytes = self
            .call(Method::GET, &["atp", "v1", "info"], None, "info")
            .await?;
        let info: Info = wire::decode(&bytes, "`info`")?;
        if info.protocol != "atp/1" && !info.protocol.starts_with("atp/1.") {
            return Err(DeviceError::Protocol {
                message: format!(
                    "the device speaks `{}`, not atp/1",
                    crate::text::truncate(&info.protocol, 64)
                ),
                evidence: Some(wire::evidence(&bytes)),
            });
        }
        Ok(info)
    }

    async fn open_session(&self, req: &SessionRequest) -> Result<SessionId, DeviceError> {
        let bytes = self
            .call(
                Method::POST,
                &["atp", "v1", "sessions"],
                Some(to_value(req)?),
                "open_session",
            )
            .await?;
        let resp: SessionResponse = wire::decode(&bytes, "the new session")?;
        let id = resp.session;
        // `.` and `..` would be dropped from the URL path, sending later calls elsewhere.
        if id.is_empty()
            || id.len() > MAX_SESSION_ID_BYTES
            || id == "."
            || id == ".."
            || id.chars().any(char::is_control)
        {
            return Err(DeviceError::Protocol {
                message: format!(
                    "unusable session id (empty, `.`, `..`, control characters or over {MAX_SESSION_ID_BYTES} bytes)"
                ),
                evidence: Some(wire::evidence(&bytes)),
            });
        }
        Ok(SessionId(id))
    }

    async fn turn(&self, session: &SessionId, input: &Input) -> Result<Turn, DeviceError> {
        let body = to_value(&TurnRequest {
            input: input.clone(),
        })?;
        let bytes = self
            .call(
                Method::POST,
                &["atp", "v1", "sessions", &session.0, "turns"],
                Some(body),
                "turn",
            )
            .await?;
        wire::decode_turn(&bytes)
    }

    async fn state(&self, session: &SessionId) -> Result<Value, DeviceError> {
        let bytes = self
            .call(
                Method::GET,
                &["atp", "v1", "sessions", &session.0, "state"],
                None,
                "state",
            )
            .await?;
        let v = wire::decode_json(&bytes, "the state")?;
        if v.is_object() {
            Ok(v)
        } else {
            Err(DeviceError::Protocol {
                message: "the state is not a JSON object".into(),
                evidence: Some(wire::evidence(&bytes)),
            })
        }
    }

    async fn control(&self, op: &Control) -> Result<(), DeviceError> {
        let bytes = self
            .call(
                Method::POST,
                &["atp", "v1", "control"],
                Some(to_value(op)?),
                op.op_name(),
            )
            .await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let v = wire::decode_json(&bytes, "the control answer")?;
        if v.get("ok") == Some(&Value::Bool(false)) {
            return Err(DeviceError::Device {
                code: "not_ok".into(),
                message: format!("`{}` answered {{\"ok\": false}}", op.op_name()),
            });
        }
        Ok(())
    }

    async fn close(&self, session: &SessionId) -> Result<(), DeviceError> {
        self.call(
            Method::DELETE,
            &["atp", "v1", "sessions", &session.0],
            None,
            "close",
        )
        .await
        .map(|_| ())
    }
}
