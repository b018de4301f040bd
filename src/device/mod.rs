//! Devices under test: profiles, the ATP/1 message types, and the adapters that speak to a
//! device. The [`Adapter`] trait is deliberately narrow — exactly the protocol's operations —
//! so that every transport (in-process simulator, HTTP, stdio bridge) looks the same to the
//! runner.

pub mod profile;
pub mod protocol;
pub mod sim;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use profile::{AdapterConfig, Profile};
pub use protocol::{Control, Info, Input, SessionRequest, Turn};

/// A session id as the device issued it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SessionId(pub String);

/// Why a device call failed. Recorded as evidence; never a pass.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviceError {
    #[error("device did not answer within {ms} ms")]
    Timeout { ms: u64 },
    #[error("device unreachable: {message}")]
    Unreachable { message: String },
    #[error("device broke the protocol: {message}")]
    Protocol {
        message: String,
        /// The device's bytes, truncated, as evidence.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    #[error("device answered with error {code}: {message}")]
    Device { code: String, message: String },
    #[error("device does not support control op `{op}`")]
    Unsupported { op: String },
}

impl DeviceError {
    /// Errors after which further calls to the device are pointless.
    pub fn is_fatal(&self) -> bool {
        matches!(self, DeviceError::Unreachable { .. })
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

/// Build the adapter a profile asks for. `seed` is the run's seed.
pub fn connect(profile: &Profile, seed: u64) -> Arc<dyn Adapter> {
    match &profile.adapter {
        AdapterConfig::Sim(cfg) => Arc::new(sim::SimAdapter::new(profile, cfg, seed)),
    }
}
