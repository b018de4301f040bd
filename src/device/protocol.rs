//! ATP/1 message types (../shared/protocol.md). Unknown fields are ignored, as the protocol
//! requires of both sides; missing optional fields mean "not reported".

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `GET /atp/v1/info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Info {
    /// `atp/1`.
    pub protocol: String,
    pub vendor: String,
    pub model: String,
    /// A category of the framework the device is graded under (the first batch: `phone`,
    /// `pc`, `tv`, `glasses`, `car`, `speaker`, `earphone`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub category: String,
    pub firmware: String,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_info: Option<ModelInfo>,
    /// Optional (an addition to ATP/1): the firmware's build fingerprint, e.g. Android's
    /// `ro.build.fingerprint`, compared with the profile's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_fingerprint: Option<String>,
    /// Optional (an addition to ATP/1): the unit's serial number, compared with the lab's
    /// sample record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
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
#[schemars(extend("anyOf" = [
    {"required": ["text"]}, {"required": ["audio"]}, {"required": ["image"]}, {"required": ["event"]}
]))]
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

impl Input {
    pub fn is_empty(&self) -> bool {
        self.text.is_none() && self.audio.is_none() && self.image.is_none() && self.event.is_none()
    }
}

/// `POST /atp/v1/sessions` answer (status 201).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionResponse {
    pub session: String,
}

/// `POST /atp/v1/sessions/{id}/turns` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TurnRequest {
    pub input: Input,
}

/// `POST /atp/v1/control` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ControlResponse {
    #[schemars(extend("const" = true))]
    pub ok: bool,
}

/// The body of any non-2xx answer, where the device can give one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBody {
    /// One word, e.g. `unsupported`, `no_session`, `bad_request`.
    pub code: String,
    pub message: String,
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

/// Most actions one answer may report; a terminal that "did" more than this for one
/// request is broken or hostile, and keeping them all would let one answer cost hundreds
/// of MiB in memory and in every report.
pub const MAX_ACTIONS: usize = 64;
/// Longest answer text kept, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

impl Turn {
    /// Decode a turn answer from a device, keeping at most one action more than
    /// [`MAX_ACTIONS`] (enough for [`Turn::limit`] to see the excess) and skipping the rest
    /// unparsed, so memory stays bounded whatever the count.
    pub fn from_device_json(text: &str) -> serde_json::Result<Turn> {
        let w: DeviceTurn = serde_json::from_str(text)?;
        Ok(Turn {
            output: w.output,
            actions: w.actions,
            needs_confirmation: w.needs_confirmation,
            served_by: w.served_by,
            timing: w.timing,
        })
    }

    /// Cut the answer to what one answer may cost ([`MAX_ACTIONS`], [`MAX_TEXT_BYTES`]);
    /// the finding, when something was cut, says what.
    pub fn limit(&mut self) -> Option<String> {
        let mut cut = Vec::new();
        if self.actions.len() > MAX_ACTIONS {
            self.actions.truncate(MAX_ACTIONS);
            cut.push(format!(
                "more than {MAX_ACTIONS} actions (the first {MAX_ACTIONS} are kept)"
            ));
        }
        if let Some(text) = &mut self.output.text
            && text.len() > MAX_TEXT_BYTES
        {
            cut.push(format!(
                "a text of {} bytes, more than {MAX_TEXT_BYTES} (its start is kept)",
                text.len()
            ));
            *text = crate::text::truncate(text, MAX_TEXT_BYTES);
        }
        (!cut.is_empty()).then(|| format!("the answer has {}", cut.join(" and ")))
    }
}

/// [`Turn`] as read from a device: the same fields, the action list capped while parsing.
#[derive(Deserialize)]
struct DeviceTurn {
    #[serde(default)]
    output: Output,
    #[serde(default, deserialize_with = "capped_actions")]
    actions: Vec<Action>,
    #[serde(default)]
    needs_confirmation: Option<bool>,
    #[serde(default)]
    served_by: Option<ServedBy>,
    #[serde(default)]
    timing: Option<Timing>,
}

fn capped_actions<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Action>, D::Error> {
    struct Capped;
    impl<'de> serde::de::Visitor<'de> for Capped {
        type Value = Vec<Action>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of actions")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<Action>, A::Error> {
            let mut out = Vec::new();
            while out.len() <= MAX_ACTIONS {
                match seq.next_element::<Action>()? {
                    Some(a) => out.push(a),
                    None => return Ok(out),
                }
            }
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(out)
        }
    }
    d.deserialize_seq(Capped)
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

/// One request line of the `process` adapter's framing (docs/protocol.md): an ATP/1 call as
/// JSON on the bridge's stdin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineRequest {
    /// Sequence number; a bridge may echo it in its answer, and ailevel then checks it.
    pub id: u64,
    /// `GET`, `POST` or `DELETE`.
    pub method: String,
    /// The ATP/1 path, e.g. `/atp/v1/sessions/s1/turns`.
    pub path: String,
    /// The request body; absent for `GET` and `DELETE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// One response line: the HTTP status and body the call would have had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[schemars(range(min = 100, max = 599))]
    pub status: u16,
    /// Absent (or null) where HTTP would have no body, e.g. 204.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// The published schema of every ATP/1 message, by file name under `schemas/atp/`.
/// Generated from the types above; a test keeps the committed files in step.
pub fn message_schemas() -> Vec<(&'static str, Value)> {
    use schemars::schema_for;
    let state = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "State",
        "description": "`GET /atp/v1/sessions/{id}/state` answer: any JSON object, the device state the session changed.",
        "type": "object"
    });
    vec![
        ("info.schema.json", schema_for!(Info).to_value()),
        (
            "session-request.schema.json",
            schema_for!(SessionRequest).to_value(),
        ),
        (
            "session-response.schema.json",
            schema_for!(SessionResponse).to_value(),
        ),
        (
            "turn-request.schema.json",
            schema_for!(TurnRequest).to_value(),
        ),
        ("input.schema.json", schema_for!(Input).to_value()),
        ("turn.schema.json", schema_for!(Turn).to_value()),
        ("state.schema.json", state),
        ("control.schema.json", schema_for!(Control).to_value()),
        (
            "control-response.schema.json",
            schema_for!(ControlResponse).to_value(),
        ),
        ("error.schema.json", schema_for!(ErrorResponse).to_value()),
        (
            "line-request.schema.json",
            schema_for!(LineRequest).to_value(),
        ),
        (
            "line-response.schema.json",
            schema_for!(LineResponse).to_value(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_atp_schemas_match_the_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/atp");
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
        }
        for (name, schema) in message_schemas() {
            let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            let path = dir.join(name);
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::write(&path, &generated).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                committed, generated,
                "schemas/atp/{name} is stale: run `UPDATE_SCHEMAS=1 cargo test --lib schema`"
            );
        }
    }

    #[test]
    fn atp_schemas_compile_and_accept_the_protocol_examples() {
        let schemas: std::collections::BTreeMap<_, _> = message_schemas().into_iter().collect();
        let examples = [
            (
                "info.schema.json",
                serde_json::json!({"protocol": "atp/1", "vendor": "v", "model": "m", "category": "phone",
                    "firmware": "1", "features": ["screen"], "model_info": {"name": "n", "version": "1", "on_device": true}}),
            ),
            (
                "session-request.schema.json",
                serde_json::json!({"locale": "zh-CN", "user": {"name": "王"}}),
            ),
            (
                "session-response.schema.json",
                serde_json::json!({"session": "s1"}),
            ),
            (
                "turn-request.schema.json",
                serde_json::json!({"input": {"text": "你好"}}),
            ),
            (
                "input.schema.json",
                serde_json::json!({"event": {"kind": "notification", "data": {}}}),
            ),
            (
                "turn.schema.json",
                serde_json::json!({"output": {"text": "好的"}, "actions": [{"name": "alarm.create", "args": {"time": "07:00"}}],
                    "needs_confirmation": false, "served_by": "device", "timing": {"first_output_ms": 120, "total_ms": 300}}),
            ),
            ("state.schema.json", serde_json::json!({"alarms": []})),
            (
                "control.schema.json",
                serde_json::json!({"op": "set_scene", "scene": "driving", "noise_db": 70}),
            ),
            (
                "control-response.schema.json",
                serde_json::json!({"ok": true}),
            ),
            (
                "error.schema.json",
                serde_json::json!({"error": {"code": "unsupported", "message": "no"}}),
            ),
            (
                "line-request.schema.json",
                serde_json::json!({"id": 1, "method": "GET", "path": "/atp/v1/info"}),
            ),
            (
                "line-response.schema.json",
                serde_json::json!({"id": 1, "status": 204}),
            ),
        ];
        for (name, example) in examples {
            let v = jsonschema::validator_for(&schemas[name]).unwrap();
            let errors: Vec<String> = v.iter_errors(&example).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
        }
        let empty_input = jsonschema::validator_for(&schemas["input.schema.json"]).unwrap();
        assert!(
            !empty_input.is_valid(&serde_json::json!({})),
            "an input needs at least one field"
        );
        let not_ok = jsonschema::validator_for(&schemas["control-response.schema.json"]).unwrap();
        assert!(!not_ok.is_valid(&serde_json::json!({"ok": false})));
    }
}
