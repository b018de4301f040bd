//! Devices under test: profiles, the ATP/1 message types, and the adapters that speak to a
//! device. The [`Adapter`] trait is deliberately narrow — exactly the protocol's operations —
//! so that every transport (in-process simulator, HTTP, stdio bridge) looks the same to the
//! runner.

pub mod atp;
mod connect;
pub mod identity;
pub mod load;
pub mod openai;
pub mod probe;
pub mod process;
pub mod profile;
pub mod protocol;
pub mod server;
pub mod sim;
mod wire;

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::suite::model::ActionVocabulary;
pub use connect::connect;
pub use load::load_profile;
pub use profile::{AdapterConfig, Profile};
pub use protocol::{Control, Info, Input, SessionRequest, Turn};

/// A session id as the device issued it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SessionId(pub String);

/// Why a device call failed. Recorded as evidence; never a pass.
#[derive(
    Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviceError {
    #[error("device did not answer within {ms} ms")]
    Timeout { ms: u64 },
    #[error("device unreachable: {message}")]
    Unreachable { message: String },
    /// The connection broke mid-call: reset, closed before or during the answer.
    #[error("connection to the device failed: {message}")]
    Transport { message: String },
    #[error("device broke the protocol: {message}")]
    Protocol {
        message: String,
        /// The device's bytes, truncated, as evidence.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    #[error("device answered with error {code}: {message}")]
    Device { code: String, message: String },
    /// An HTTP status that is not the device refusing the request: 5xx, 408, 429, or a
    /// redirect ailevel does not follow.
    #[error("device answered HTTP {status} ({code}): {message}")]
    Http {
        status: u16,
        code: String,
        message: String,
        /// How long the answer's `Retry-After` asked the client to wait, in ms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    #[error("device does not support control op `{op}`")]
    Unsupported { op: String },
}

impl DeviceError {
    /// Errors after which further calls to the device are pointless.
    pub fn is_fatal(&self) -> bool {
        matches!(self, DeviceError::Unreachable { .. })
    }

    /// Errors that say the call was disturbed rather than answered: everything
    /// [`is_transient`](Self::is_transient) covers, and answers that are not ATP/1 —
    /// malformed, cut, not UTF-8, too large. A safe call is repeated after any of them; a
    /// refusal (`Device`) or an unsupported op is an answer and is not.
    pub fn is_disturbance(&self) -> bool {
        self.is_transient() || matches!(self, DeviceError::Protocol { .. })
    }

    /// The wait the device asked for (`Retry-After` on a 429 or 503), when it did.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            DeviceError::Http {
                retry_after_ms: Some(ms),
                ..
            } => Some(std::time::Duration::from_millis(*ms)),
            _ => None,
        }
    }

    /// Errors of the path to the device rather than of its answer — refused, reset, timed
    /// out, 5xx, 408, 429 — that may not recur, so the call is worth repeating.
    pub fn is_transient(&self) -> bool {
        match self {
            DeviceError::Timeout { .. }
            | DeviceError::Unreachable { .. }
            | DeviceError::Transport { .. } => true,
            DeviceError::Http { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            DeviceError::Protocol { .. }
            | DeviceError::Device { .. }
            | DeviceError::Unsupported { .. } => false,
        }
    }
}

/// The protocol's operations, one method each.
#[async_trait]
pub trait Adapter: Send + Sync {
    async fn info(&self) -> Result<Info, DeviceError>;
    async fn open_session(&self, req: &SessionRequest) -> Result<SessionId, DeviceError>;
    async fn turn(&self, session: &SessionId, input: &Input) -> Result<Turn, DeviceError>;
    async fn state(&self, session: &SessionId) -> Result<serde_json::Value, DeviceError>;
    async fn control(&self, op: &Control) -> Result<(), DeviceError>;
    async fn close(&self, session: &SessionId) -> Result<(), DeviceError>;
}

/// What an adapter needs besides its profile.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// The run's seed.
    pub seed: u64,
    /// Per-call timeout when the profile gives none.
    pub call_timeout: Duration,
    /// The actions a device may report; the `openai` adapter offers them as tools.
    pub actions: ActionVocabulary,
}

impl ConnectOptions {
    pub fn new(seed: u64, actions: ActionVocabulary) -> Self {
        ConnectOptions {
            seed,
            call_timeout: Duration::from_secs(30),
            actions,
        }
    }
}

/// Why an adapter could not be built from its profile. Nothing has been sent to the device.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("`{field}` is not a usable URL: {message}")]
    BadUrl {
        field: &'static str,
        message: String,
    },
    #[error("environment variable `{var}` named by `token_env` is not set or not valid UTF-8")]
    MissingToken { var: String },
    #[error("the token in `{var}` cannot be sent as an HTTP header")]
    BadToken { var: String },
    #[error("`command` is empty")]
    EmptyCommand,
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
}
