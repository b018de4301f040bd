//! Device profiles (`devices/*.toml`): who the device is, what it declares, how to reach it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A device profile — the device's conformance statement plus its adapter settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub vendor: String,
    pub model: String,
    #[schemars(regex(pattern = r"^(phone|pc|tv|glasses|car|speaker|earphone)$"))]
    pub category: String,
    pub firmware: String,
    /// The level the manufacturer claims; the report says whether it was reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^L[1-9]$"))]
    pub declared_level: Option<String>,
    /// Declared features (screen, camera, offline_model…); cases needing others are not applicable.
    #[serde(default)]
    pub features: Vec<String>,
    /// Trials run at once on this device (default 1 for real devices; the sim allows more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 256))]
    pub concurrency: Option<u32>,
    pub adapter: AdapterConfig,
}

/// `[adapter]`: how ailevel reaches the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AdapterConfig {
    /// The in-process reference simulator.
    Sim(SimConfig),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// The capability level the simulated assistant is built to: L1, L2, L3 or L4.
    #[schemars(regex(pattern = r"^L[1-4]$"))]
    pub level: String,
    /// Simulated processing time per turn, in milliseconds (uniform in `[min, max]`).
    #[serde(default)]
    pub latency_ms: [u64; 2],
}

impl AdapterConfig {
    pub fn kind(&self) -> &'static str {
        match self {
            AdapterConfig::Sim(_) => "sim",
        }
    }
}
