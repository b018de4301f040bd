//! ATP/1 message types (../shared/protocol.md). Unknown fields are ignored, as the protocol
//! requires of both sides; missing optional fields mean "not reported".

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `GET /atp/v1/info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Info {
    pub protocol: String,
    pub vendor: String,
    pub model: String,
    pub category: String,
    pub firmware: String,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_info: Option<ModelInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelInfo {
    pub name: String,
    pub version: String,
    pub on_device: bool,
}

/// `POST /atp/v1/sessions` body. `seed` is an optional field ailevel adds so that a device
/// with randomness (the reference simulator) can be replayed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// One input to a turn: at least one of the fields is present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Input {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Media {
    pub format: String,
    pub data_b64: String,
}

/// Something the terminal perceives without being asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    pub kind: String,
    #[serde(default)]
    pub data: Map<String, Value>,
}

/// `POST /atp/v1/sessions/{id}/turns` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Turn {
    #[serde(default)]
    pub output: Output,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_confirmation: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<ServedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Output {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speech_b64: Option<String>,
}

/// Something the terminal did or started, `domain.verb`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Action {
    pub name: String,
    #[serde(default)]
    pub args: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServedBy {
    Device,
    Cloud,
    Hybrid,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Timing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_output_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_ms: Option<f64>,
}

/// `POST /atp/v1/control` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Control {
    Reset,
    SetNetwork {
        online: bool,
    },
    SetClock {
        now: String,
    },
    SetScene {
        scene: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        noise_db: Option<f64>,
    },
    SeedMemory {
        facts: Vec<String>,
    },
    LinkDevice {
        id: String,
        category: String,
    },
}

impl Control {
    /// The op's wire name, as in the protocol's `"op"` field.
    pub fn op_name(&self) -> &'static str {
        match self {
            Control::Reset => "reset",
            Control::SetNetwork { .. } => "set_network",
            Control::SetClock { .. } => "set_clock",
            Control::SetScene { .. } => "set_scene",
            Control::SeedMemory { .. } => "seed_memory",
            Control::LinkDevice { .. } => "link_device",
        }
    }
}
