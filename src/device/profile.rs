//! Device profiles (`devices/*.toml`): who the device is, what it declares, how to reach it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A device profile — the device's conformance statement plus its adapter settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub vendor: String,
    pub model: String,
    /// A category of the framework, e.g. `phone`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub category: String,
    pub firmware: String,
    /// The firmware's build fingerprint, when the device has one (Android's
    /// `ro.build.fingerprint`); compared with what the device reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_fingerprint: Option<String>,
    /// Serial number of the unit under test (SN), when the profile describes one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// IMEI of the unit under test, for devices with a cellular modem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{14,16}$"))]
    pub imei: Option<String>,
    /// The level the manufacturer claims; the report says whether it was reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"))]
    pub declared_level: Option<String>,
    /// Declared features (screen, camera, offline_model…); cases needing others are not applicable.
    #[serde(default)]
    pub features: Vec<String>,
    /// Trials run at once on this device (default 1 for real devices; the sim allows more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 256))]
    pub concurrency: Option<u32>,
    pub adapter: AdapterConfig,
    /// Faults `ailevel sim serve` injects when it serves this profile (flags override them).
    /// Ignored by `ailevel run`: they shape a test server, not the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults: Option<Faults>,
}

/// `[adapter]`: how ailevel reaches the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
// One profile per run: the size of the largest variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum AdapterConfig {
    /// The in-process reference simulator.
    Sim(SimConfig),
    /// A device (or a bridge on the host) that speaks ATP/1 over HTTP.
    Atp(AtpConfig),
    /// Any OpenAI-compatible `/v1/chat/completions` endpoint.
    Openai(OpenAiConfig),
    /// A command that speaks ATP/1 as JSON lines on its stdin and stdout.
    Process(ProcessConfig),
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

/// `kind = "atp"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtpConfig {
    /// Where the device's ATP/1 server listens, e.g. `http://192.168.1.20:8700`.
    #[schemars(regex(pattern = r"^https?://[^\s]+$"))]
    pub base_url: String,
    /// Name of the environment variable holding a bearer token. The token itself never goes
    /// into a profile, results or logs, and is sent to `base_url`'s origin only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub token_env: Option<String>,
    /// Time allowed to open a TCP (and TLS) connection (default 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub connect_timeout_ms: Option<u64>,
    /// Time allowed for one call, body included (default: `run --turn-timeout-ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_ms: Option<u64>,
    /// Largest response body read; a longer one is a protocol error (default 16 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_response_bytes: Option<u64>,
}

/// `kind = "openai"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenAiConfig {
    /// The server's root, e.g. `http://127.0.0.1:8080` (llama.cpp) or `http://127.0.0.1:11434` (Ollama).
    #[schemars(regex(pattern = r"^https?://[^\s]+$"))]
    pub base_url: String,
    /// Path of the chat-completions endpoint under `base_url` (default `/v1/chat/completions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^/[^\s]*$"))]
    pub api_path: Option<String>,
    /// The `model` sent with every request; recorded in results.
    pub model: String,
    /// Sampling temperature (default 0, for repeatable answers); recorded in results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 2.0))]
    pub temperature: Option<f64>,
    /// Sampling seed; default: each session's seed (keyed with the run's secret), so trials
    /// differ but replay exactly under the same secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Stream the answer (server-sent events) to measure time to first output (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Offer the action vocabulary as tools (default true). Servers without tool support
    /// need `false`; the device then reports no actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<bool>,
    /// Model calls per turn when the model calls tools: after the tool results go back, the
    /// model may answer in words or call more tools (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 8))]
    pub max_tool_rounds: Option<u32>,
    /// `max_tokens` sent with every request (default: none, the server's own limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_tokens: Option<u32>,
    /// `tool_choice` sent with every request that offers tools (default: not sent). Some
    /// servers (llama-cpp-python) ignore tools unless it is sent; `ailevel probe` tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// More fields for every request body, for what a server needs that ailevel does not
    /// know (`top_k`, `repeat_penalty`, `chat_template_kwargs`…). They never replace a field
    /// ailevel sets itself; recorded in results.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra_body: serde_json::Map<String, serde_json::Value>,
    /// The model's context window, in tokens. When a session's history would not fit (the
    /// tools and the answer's `max_tokens` counted), its oldest turns are left out of the
    /// request, never the system prompt or the current turn (default: everything is sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 256))]
    pub context_tokens: Option<u32>,
    /// The inputs the endpoint takes besides text: `image` (content parts `image_url`) and
    /// `audio` (`input_audio`). Cases that send what it does not take are not applicable,
    /// for that reason, decided before the run (default: `["image", "audio"]`; `ailevel
    /// probe` tries each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<MediaInput>>,
    /// Replaces the built-in system prompt (see docs/protocol.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// Where the model runs, reported as every turn's `served_by` (a chat endpoint cannot say);
    /// a `device` turn whose tool calls reached an online service is `hybrid`. Unset, cases
    /// that check `served_by` are not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<crate::device::protocol::ServedBy>,
    /// Name of the environment variable holding the API key, sent as a bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub token_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub connect_timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_response_bytes: Option<u64>,
}

/// `tool_choice`: let the model decide (`auto`), make it call a tool (`required`), or
/// forbid tools (`none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ToolChoice {
    Auto,
    Required,
    None,
}

impl ToolChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ToolChoice::Auto => "auto",
            ToolChoice::Required => "required",
            ToolChoice::None => "none",
        }
    }
}

/// An input a chat endpoint may take besides text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MediaInput {
    Image,
    Audio,
}

impl MediaInput {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaInput::Image => "image",
            MediaInput::Audio => "audio",
        }
    }
}

impl OpenAiConfig {
    /// The inputs besides text the endpoint takes, by name.
    pub fn inputs_taken(&self) -> Vec<&'static str> {
        [MediaInput::Image, MediaInput::Audio]
            .into_iter()
            .filter(|i| self.takes(*i))
            .map(MediaInput::as_str)
            .collect()
    }

    /// Whether the endpoint takes this input (see `inputs`).
    pub fn takes(&self, input: MediaInput) -> bool {
        self.inputs.as_ref().is_none_or(|i| i.contains(&input))
    }

    /// `api_path`, or the path OpenAI-compatible servers use.
    pub fn api_path(&self) -> &str {
        self.api_path.as_deref().unwrap_or("/v1/chat/completions")
    }

    /// `max_tool_rounds`, or 2: one call that may use tools, one that answers with their results.
    pub fn max_tool_rounds(&self) -> u32 {
        self.max_tool_rounds.unwrap_or(2)
    }
}

/// `kind = "process"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessConfig {
    /// The program and its arguments, e.g. `["python3", "bridges/adb_bridge.py", "--serial", "R58M"]`.
    /// Relative paths are resolved from ailevel's working directory.
    #[schemars(length(min = 1))]
    pub command: Vec<String>,
    /// Time allowed for one request line to be answered (default: `run --turn-timeout-ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_ms: Option<u64>,
    /// Longest response line read (default 16 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_response_bytes: Option<u64>,
}

/// `[faults]`: what `ailevel sim serve` does wrong on purpose. Every draw comes from a
/// counter-based generator keyed by `seed` and the request's sequence number, so the same
/// request sequence meets the same faults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    #[serde(default)]
    pub seed: u64,
    /// Added delay per request in milliseconds, uniform in `[min, max]`.
    #[serde(default)]
    pub latency_ms: [u64; 2],
    /// Share of requests answered 503 with an ATP error body.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub error_rate: f64,
    /// Share of requests whose connection is closed without an answer.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub drop_rate: f64,
    /// Share answered 200 with a body that is not JSON.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub malformed_rate: f64,
    /// Share answered 200 with the real answer cut in half.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub truncate_rate: f64,
    /// Share answered 200 with a body of `oversize_bytes`.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub oversize_rate: f64,
    /// Share answered 200 with the real answer made invalid UTF-8.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub bad_utf8_rate: f64,
    /// Share of requests never answered.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub hang_rate: f64,
    /// Share of requests whose connection is reset (TCP RST) instead of answered.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub reset_rate: f64,
    /// Share answered 429 Too Many Requests with `Retry-After: 1`, as a rate-limited
    /// device or gateway.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub throttle_rate: f64,
    /// Size of an oversized body (default 20 MiB, above the client's default cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oversize_bytes: Option<u64>,
    /// Endpoints faults apply to: `info`, `sessions`, `turns`, `state`, `close`, `control`
    /// (default: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<Endpoint>,
    /// Answer this many requests, then stop listening, as a device that dies mid-run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub die_after: Option<u64>,
}

/// The ATP/1 endpoints, as named in fault scopes and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Info,
    Sessions,
    Turns,
    State,
    Close,
    Control,
}

impl Endpoint {
    pub const ALL: [Endpoint; 6] = [
        Endpoint::Info,
        Endpoint::Sessions,
        Endpoint::Turns,
        Endpoint::State,
        Endpoint::Close,
        Endpoint::Control,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Info => "info",
            Endpoint::Sessions => "sessions",
            Endpoint::Turns => "turns",
            Endpoint::State => "state",
            Endpoint::Close => "close",
            Endpoint::Control => "control",
        }
    }
}

impl std::str::FromStr for Endpoint {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Endpoint::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| format!("unknown endpoint `{s}` (expected one of info, sessions, turns, state, close, control)"))
    }
}

impl AdapterConfig {
    pub fn kind(&self) -> &'static str {
        match self {
            AdapterConfig::Sim(_) => "sim",
            AdapterConfig::Atp(_) => "atp",
            AdapterConfig::Openai(_) => "openai",
            AdapterConfig::Process(_) => "process",
        }
    }

    /// The settings that shape the device's answers, for the results file. Secrets are not
    /// among them: `token_env` is recorded by name only, and URLs lose any user info and query.
    pub fn recorded_settings(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        use serde_json::json;
        let v = match self {
            AdapterConfig::Sim(_) => return None,
            AdapterConfig::Atp(c) => json!({ "base_url": redact_url(&c.base_url) }),
            AdapterConfig::Openai(c) => json!({
                "base_url": redact_url(&c.base_url),
                "api_path": c.api_path(),
                "model": c.model,
                "temperature": c.temperature.unwrap_or(0.0),
                "seed": c.seed.map_or(json!("per-trial"), |s| json!(s)),
                "stream": c.stream.unwrap_or(true),
                "tools": c.tools.unwrap_or(true),
                "max_tool_rounds": c.max_tool_rounds(),
                "max_tokens": c.max_tokens,
                "tool_choice": c.tool_choice.map(ToolChoice::as_str),
                "extra_body": c.extra_body,
                "context_tokens": c.context_tokens,
                "inputs": c.inputs_taken(),
                "system_prompt": if c.system_prompt.is_some() { "profile" } else { "built-in" },
            }),
            AdapterConfig::Process(c) => json!({ "command": c.command }),
        };
        match v {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// A URL without user info, query or fragment: what may be written to results and logs.
pub fn redact_url(raw: &str) -> String {
    match reqwest::Url::parse(raw) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "<invalid url>".into(),
    }
}
