//! `ailevel probe`: ask a device what it is and try each protocol operation once, so a lab
//! knows before a run which cases the device can take and which will be not applicable.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::protocol::{Control, Info, Input, SessionRequest};
use super::{Adapter, DeviceError, Profile};

/// How one operation went.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Works,
    /// 501, or the adapter cannot do it: cases needing it are not applicable.
    Unsupported,
    Failed(DeviceError),
    /// Not tried, because an earlier step failed.
    Skipped,
}

impl Outcome {
    fn of(r: Result<(), DeviceError>) -> Self {
        match r {
            Ok(()) => Outcome::Works,
            Err(DeviceError::Unsupported { .. }) => Outcome::Unsupported,
            Err(e) => Outcome::Failed(e),
        }
    }

    fn label(&self) -> String {
        match self {
            Outcome::Works => "works".into(),
            Outcome::Unsupported => "unsupported".into(),
            Outcome::Failed(e) => format!("FAILED: {e}"),
            Outcome::Skipped => "not tried".into(),
        }
    }
}

/// What the probe found.
#[derive(Debug, Clone)]
pub struct ProbeReport {
    pub info: Result<Info, DeviceError>,
    pub open_session: Outcome,
    /// A one-word turn, with the harness-measured time.
    pub turn: Outcome,
    pub turn_ms: Option<f64>,
    pub state: Outcome,
    pub close: Outcome,
    /// Each control op by wire name.
    pub controls: Vec<(&'static str, Outcome)>,
    /// Turns with a small picture and a short silence, when asked for: a chat endpoint
    /// that refuses them needs them left out of its profile's `inputs`.
    pub inputs: Vec<(&'static str, Outcome)>,
    /// Whether tools work, for an `openai` endpoint.
    pub tools: Option<ToolProbe>,
}

/// What a chat endpoint did when offered tools.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolProbe {
    /// With `tool_choice: "required"`: the tool the model called, or the error.
    pub forced: Result<Option<String>, DeviceError>,
    /// With the profile's own settings, on a request a terminal would act on.
    pub unforced: Result<Option<String>, DeviceError>,
    /// The number of tools offered.
    pub offered: usize,
}

/// A 1×1 PNG.
const PROBE_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// 0.1 s of silence as 16 kHz mono 16-bit WAV.
fn probe_wav() -> String {
    use base64::Engine as _;
    let samples = 1600u32;
    let data = samples * 2;
    let mut w = Vec::with_capacity(44 + data as usize);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&16_000u32.to_le_bytes());
    w.extend_from_slice(&32_000u32.to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data.to_le_bytes());
    w.resize(44 + data as usize, 0);
    base64::engine::general_purpose::STANDARD.encode(w)
}

/// One turn each with a picture and with audio, in fresh sessions.
pub async fn probe_inputs(dev: &dyn Adapter, limit: Duration) -> Vec<(&'static str, Outcome)> {
    use super::protocol::Media;
    let mut out = Vec::new();
    for kind in ["image", "audio"] {
        let mut input = Input {
            text: Some("这是什么？".into()),
            ..Input::default()
        };
        if kind == "image" {
            input.image = Some(Media {
                format: "png".into(),
                data_b64: PROBE_PNG.into(),
            });
        } else {
            input.audio = Some(Media {
                format: "wav".into(),
                data_b64: probe_wav(),
            });
        }
        let req = SessionRequest {
            locale: Some("zh-CN".into()),
            user: None,
            seed: Some(1),
        };
        let outcome = match timed(limit, dev.open_session(&req)).await {
            Ok(s) => {
                let o = Outcome::of(timed(limit, dev.turn(&s, &input)).await.map(|_| ()));
                let _ = timed(limit, dev.close(&s)).await;
                o
            }
            Err(_) => Outcome::Skipped,
        };
        out.push((kind, outcome));
    }
    out
}

/// The ops tried, with harmless arguments; a final `reset` puts the device back.
fn control_ops(category: &str) -> Vec<Control> {
    vec![
        Control::Reset,
        Control::SetNetwork { online: true },
        Control::SetClock {
            now: "2026-06-01T09:00:00+08:00".into(),
        },
        Control::SetScene {
            scene: "home".into(),
            noise_db: None,
        },
        Control::SeedMemory { facts: Vec::new() },
        Control::LinkDevice {
            id: "ailevel-probe".into(),
            category: category.to_string(),
        },
    ]
}

async fn timed<T>(
    limit: Duration,
    fut: impl Future<Output = Result<T, DeviceError>>,
) -> Result<T, DeviceError> {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or(Err(DeviceError::Timeout {
            ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
        }))
}

/// Try every operation once, each bounded by `limit`. Never fails: what went wrong is in
/// the report.
pub async fn probe(dev: &dyn Adapter, limit: Duration) -> ProbeReport {
    let mut report = ProbeReport {
        info: timed(limit, dev.info()).await,
        open_session: Outcome::Skipped,
        turn: Outcome::Skipped,
        turn_ms: None,
        state: Outcome::Skipped,
        close: Outcome::Skipped,
        controls: Vec::new(),
        inputs: Vec::new(),
        tools: None,
    };
    let category = match &report.info {
        Ok(info) => info.category.clone(),
        Err(_) => return report,
    };
    let req = SessionRequest {
        locale: Some("zh-CN".into()),
        user: None,
        seed: Some(1),
    };
    match timed(limit, dev.open_session(&req)).await {
        Ok(session) => {
            report.open_session = Outcome::Works;
            let input = Input {
                text: Some("你好".into()),
                ..Input::default()
            };
            let t0 = Instant::now();
            report.turn = Outcome::of(timed(limit, dev.turn(&session, &input)).await.map(|_| ()));
            report.turn_ms = Some((t0.elapsed().as_secs_f64() * 10_000.0).round() / 10.0);
            report.state = Outcome::of(timed(limit, dev.state(&session)).await.map(|_| ()));
            report.close = Outcome::of(timed(limit, dev.close(&session)).await);
        }
        Err(e) => report.open_session = Outcome::Failed(e),
    }
    for op in control_ops(&category) {
        let outcome = Outcome::of(timed(limit, dev.control(&op)).await);
        report.controls.push((op.op_name(), outcome));
    }
    if report
        .controls
        .first()
        .is_some_and(|(_, o)| *o == Outcome::Works)
    {
        let _ = timed(limit, dev.control(&Control::Reset)).await;
    }
    report
}

impl ProbeReport {
    /// Why a run on this device cannot work, if it cannot.
    pub fn unusable(&self) -> Option<String> {
        match &self.info {
            Err(e) => return Some(format!("`info` failed: {e}")),
            Ok(info) if info.protocol != "atp/1" && !info.protocol.starts_with("atp/1.") => {
                return Some(format!("the device speaks `{}`, not atp/1", info.protocol));
            }
            Ok(_) => {}
        }
        for (name, outcome) in [
            ("opening a session", &self.open_session),
            ("a turn", &self.turn),
        ] {
            match outcome {
                Outcome::Failed(e) => return Some(format!("{name} failed: {e}")),
                Outcome::Unsupported => return Some(format!("{name} is not supported")),
                Outcome::Works | Outcome::Skipped => {}
            }
        }
        None
    }

    /// The report as one JSON object (`probe --json`), under fixed English keys: each
    /// operation's `status` is `works`, `unsupported`, `failed` (with `error`) or `not_tried`.
    pub fn to_json(&self, profile: &Profile) -> serde_json::Value {
        use serde_json::{Value, json};
        fn outcome(o: &Outcome) -> Value {
            match o {
                Outcome::Works => json!({"status": "works"}),
                Outcome::Unsupported => json!({"status": "unsupported"}),
                Outcome::Failed(e) => {
                    json!({"status": "failed", "error": e, "message": e.to_string()})
                }
                Outcome::Skipped => json!({"status": "not_tried"}),
            }
        }
        fn named(list: &[(&'static str, Outcome)]) -> Value {
            Value::Object(
                list.iter()
                    .map(|(name, o)| ((*name).to_string(), outcome(o)))
                    .collect(),
            )
        }
        let said = |r: &Result<Option<String>, DeviceError>| match r {
            Ok(tool) => json!({"status": "works", "called": tool}),
            Err(e) => json!({"status": "failed", "error": e, "message": e.to_string()}),
        };
        let (info, info_error) = match &self.info {
            Ok(i) => (json!(i), Value::Null),
            Err(e) => (Value::Null, json!({"error": e, "message": e.to_string()})),
        };
        json!({
            "profile": {
                "vendor": profile.vendor,
                "model": profile.model,
                "category": profile.category,
                "adapter": profile.adapter.kind(),
            },
            "info": info,
            "info_error": info_error,
            "open_session": outcome(&self.open_session),
            "turn": outcome(&self.turn),
            "turn_ms": self.turn_ms,
            "state": outcome(&self.state),
            "close": outcome(&self.close),
            "controls": named(&self.controls),
            "inputs": named(&self.inputs),
            "tools": self.tools.as_ref().map(|t| json!({
                "offered": t.offered,
                "forced": said(&t.forced),
                "unforced": said(&t.unforced),
            })),
            "usable": self.unusable().is_none(),
            "unusable_reason": self.unusable(),
        })
    }

    /// The report as text, for the terminal.
    pub fn render(&self, profile: &Profile) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "profile: {} {} ({}), adapter {}",
            profile.vendor,
            profile.model,
            profile.category,
            profile.adapter.kind()
        );
        match &self.info {
            Err(e) => {
                let _ = writeln!(s, "info: FAILED: {e}");
            }
            Ok(i) => {
                let _ = writeln!(
                    s,
                    "info: {} {} ({}, firmware {}), protocol {}",
                    i.vendor, i.model, i.category, i.firmware, i.protocol
                );
                let features = if i.features.is_empty() {
                    "(none reported)".to_string()
                } else {
                    i.features.join(", ")
                };
                let _ = writeln!(s, "  features: {features}");
                if let Some(m) = &i.model_info {
                    let place = if m.on_device {
                        "on device"
                    } else {
                        "not on device"
                    };
                    let _ = writeln!(s, "  model: {} {} ({place})", m.name, m.version);
                }
                if i.category != profile.category {
                    let _ = writeln!(
                        s,
                        "  note: the device reports category `{}`, the profile says `{}`",
                        i.category, profile.category
                    );
                }
            }
        }
        let _ = writeln!(s, "session: open {}", self.open_session.label());
        let ms = self
            .turn_ms
            .map(|m| format!(" ({m} ms)"))
            .unwrap_or_default();
        let _ = writeln!(s, "  turn {}{ms}", self.turn.label());
        let _ = writeln!(s, "  state {}", self.state.label());
        let _ = writeln!(s, "  close {}", self.close.label());
        let _ = writeln!(s, "control ops:");
        for (name, o) in &self.controls {
            let _ = writeln!(s, "  {name:<12} {}", o.label());
        }
        if !self.inputs.is_empty() {
            let _ = writeln!(s, "inputs:");
            for (name, o) in &self.inputs {
                let _ = writeln!(s, "  {name:<12} {}", o.label());
                if let Outcome::Failed(_) = o {
                    let _ = writeln!(
                        s,
                        "  warning: the endpoint refuses {name} input; leave `{name}` out of the profile's `inputs`, so cases that send it are not applicable instead of inconclusive"
                    );
                }
            }
        }
        if let Some(t) = &self.tools {
            let _ = writeln!(s, "tools: {} offered", t.offered);
            let said = |r: &Result<Option<String>, DeviceError>| match r {
                Ok(Some(name)) => format!("called `{name}`"),
                Ok(None) => "answered without calling a tool".into(),
                Err(e) => format!("FAILED: {e}"),
            };
            let _ = writeln!(s, "  forced (tool_choice \"required\") {}", said(&t.forced));
            let _ = writeln!(s, "  profile's settings  {}", said(&t.unforced));
            if !matches!(t.forced, Ok(Some(_))) {
                let _ = writeln!(
                    s,
                    "  warning: the server ignores tools even when one is required: its actions will all be missing (check the server's tool-calling support, e.g. llama.cpp `--jinja`, llama-cpp-python `chat_format = \"chatml-function-calling\"`)"
                );
            } else if !matches!(t.unforced, Ok(Some(_))) {
                let _ = writeln!(
                    s,
                    "  warning: with the profile's settings the model called no tool for a request a terminal acts on; if the server needs it, set `tool_choice = \"auto\"`"
                );
            }
        }
        let working = self
            .controls
            .iter()
            .filter(|(_, o)| *o == Outcome::Works)
            .count();
        match self.unusable() {
            Some(why) => {
                let _ = writeln!(s, "not usable: {why}");
            }
            None => {
                let _ = writeln!(
                    s,
                    "usable: {working} of {} control ops work; cases needing the others will be not applicable",
                    self.controls.len()
                );
            }
        }
        s
    }
}
