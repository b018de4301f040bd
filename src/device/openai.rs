//! The `openai` adapter: any OpenAI-compatible `/v1/chat/completions` endpoint (llama.cpp's
//! server, vLLM, Ollama, vendor clouds) as a device.
//!
//! A chat endpoint has no sessions, so ailevel keeps each session's message history. Inputs
//! become user messages (text and content parts; images as data URLs; events as a line
//! saying what the terminal noticed). Every action of the suite's vocabulary is offered as a
//! tool in every turn — offering only the actions a case expects would give the answer away
//! — and the model's tool calls come back as the turn's actions. Function names cannot hold
//! dots, so `alarm.create` is offered as `alarm__create` and mapped back through the
//! vocabulary. Arguments arrive as a JSON string; one that does not parse becomes an action
//! with args `{"_unparsed": <raw>, "_error": <why>}`, so its checks fail instead of the run.
//!
//! ailevel plays the terminal around the model: the adapter keeps a [`World`] (the same world
//! model the reference simulator lives in) that control ops change — clock, network, scene,
//! seeded memory, linked devices — and each session starts from a copy of it. What the
//! terminal knows goes into the session's system message (date and time, location, network,
//! what it remembers, contacts, linked devices); every tool call is executed against the
//! session's world and its JSON answer (a forecast, a dialled number, an error a model can
//! act on) is the tool result; `state` reads the session's world.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use reqwest::{Method, Url, header};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::profile::{OpenAiConfig, Profile, ToolChoice};
use super::protocol::{
    Action, Control, Info, Input, ModelInfo, Output, ServedBy, SessionRequest, Timing, Turn,
};
use super::wire::{self, Http, Limits};
use super::{Adapter, ConnectError, ConnectOptions, DeviceError, SessionId};
use crate::suite::model::ActionVocabulary;
use crate::world::World;

/// The tool a model calls to ask before acting: a turn with it is `needs_confirmation`.
pub const CONFIRM_TOOL: &str = "request_confirmation";
/// The optional argument every tool takes for an action meant for a linked device.
pub const TARGET_ARG: &str = "_target";
/// How much of an unparseable arguments string is kept.
const MAX_UNPARSED: usize = 2048;

pub struct OpenAiAdapter {
    http: Http,
    endpoint: Url,
    /// `GET …/models`, asked by `info` to see that the server is there and the key works.
    models: Option<Url>,
    cfg: OpenAiConfig,
    info: Info,
    run_seed: u64,
    tools: Vec<Value>,
    /// `tools` serialised once: every request carries them unchanged.
    tools_json: Option<Box<RawValue>>,
    /// [`estimate_tokens`] of `tools`, for the context budget.
    tools_tokens: usize,
    /// Function name → action name.
    names: HashMap<String, String>,
    sessions: Mutex<HashMap<String, History>>,
    /// The terminal as control ops left it; sessions open on a copy.
    device: Mutex<Terminal>,
    next_session: AtomicU64,
}

/// The terminal's world and, once a session has asked for it, what it tells the model of it:
/// the same for every session until a control op changes the world.
struct Terminal {
    world: World,
    context: Option<String>,
}

struct History {
    messages: Vec<Value>,
    seed: u64,
    /// This session's world: what its tool calls changed.
    world: World,
}

/// One function call the model made.
#[derive(Debug, Clone, Default, PartialEq)]
struct ToolCall {
    id: String,
    name: String,
    /// A JSON string as the API says, or an object as some servers send.
    arguments: Value,
}

/// One model answer.
#[derive(Debug, Default, PartialEq)]
struct Completion {
    content: String,
    tool_calls: Vec<ToolCall>,
}

impl OpenAiAdapter {
    pub fn new(
        profile: &Profile,
        cfg: &OpenAiConfig,
        opts: &ConnectOptions,
    ) -> Result<Self, ConnectError> {
        let limits = Limits::new(
            cfg.connect_timeout_ms,
            cfg.timeout_ms,
            cfg.max_response_bytes,
            opts.call_timeout,
        );
        let http = Http::new(
            "base_url",
            &cfg.base_url,
            cfg.token_env.as_deref(),
            limits,
            false,
        )?;
        let path = cfg.api_path();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let endpoint = http.url(&segments);
        let models = match segments.as_slice() {
            [prefix @ .., "chat", "completions"] => Some(http.url(&[prefix, &["models"]].concat())),
            _ => None,
        };
        let (tools, names) = if cfg.tools.unwrap_or(true) {
            tools_for(&opts.actions)
        } else {
            (Vec::new(), HashMap::new())
        };
        let tools_tokens = estimate_tokens(&Value::Array(tools.clone()));
        // Serialising a JSON value cannot fail; the error arm is only the type's.
        let tools_json = match tools.is_empty() {
            true => None,
            false => Some(serde_json::value::to_raw_value(&tools).map_err(|e| {
                ConnectError::Client(format!("the tool definitions do not serialise: {e}"))
            })?),
        };
        let info = Info {
            protocol: "atp/1".into(),
            vendor: profile.vendor.clone(),
            model: profile.model.clone(),
            category: profile.category.clone(),
            firmware: profile.firmware.clone(),
            features: profile.features.clone(),
            model_info: Some(ModelInfo {
                name: cfg.model.clone(),
                version: format!(
                    "openai-compatible; temperature {}; seed {}",
                    cfg.temperature.unwrap_or(0.0),
                    cfg.seed.map_or("per trial".to_string(), |s| s.to_string())
                ),
                on_device: cfg.served_by == Some(ServedBy::Device),
            }),
            build_fingerprint: None,
            serial: None,
        };
        Ok(OpenAiAdapter {
            http,
            endpoint,
            models,
            cfg: cfg.clone(),
            info,
            run_seed: opts.seed,
            tools,
            tools_json,
            tools_tokens,
            names,
            sessions: Mutex::new(HashMap::new()),
            device: Mutex::new(Terminal {
                world: World::new(),
                context: None,
            }),
            next_session: AtomicU64::new(1),
        })
    }

    fn system_prompt(&self, locale: &str) -> String {
        if let Some(p) = &self.cfg.system_prompt {
            return p.clone();
        }
        let mut p = format!(
            "You are the assistant built into a {} ({} {}). The user's locale is {locale}; answer in the user's language, briefly.",
            self.info.category, self.info.vendor, self.info.model
        );
        if !self.tools.is_empty() {
            p.push_str(&format!(
                " When the user asks for something the terminal can do, call the matching function; its result comes back to you. \
                 When you need the user's agreement before acting, call `{CONFIRM_TOOL}` instead of acting, and act only once they agree."
            ));
        }
        p.push_str(" A message that starts with `[event: …]` is something the terminal noticed, not words from the user.");
        p
    }

    fn device(&self) -> std::sync::MutexGuard<'_, Terminal> {
        self.device
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, History>> {
        // A panic elsewhere cannot leave a history half-written (it is replaced whole).
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// One call to the endpoint. `first` is set at the first streamed output, from `t0`.
    async fn complete(
        &self,
        messages: &[Value],
        tool_choice: Option<ToolChoice>,
        seed: u64,
        t0: Instant,
        first: &mut Option<f64>,
    ) -> Result<Completion, DeviceError> {
        let body = Body {
            cfg: &self.cfg,
            messages,
            seed,
            stream: self.cfg.stream.unwrap_or(true),
            tools: self.tools_json.as_deref(),
            tool_choice: tool_choice.or(self.cfg.tool_choice),
        };
        let rb = self
            .http
            .request(Method::POST, self.endpoint.clone())
            .json(&body);
        let mut resp = self.http.send(rb).await?;
        if !resp.status().is_success() {
            let status = resp.status().as_u16();
            let after = wire::retry_after_ms(resp.headers());
            let bytes = self.http.read_error_body(&mut resp).await;
            return Err(wire::status_error_after(status, &bytes, "turn", after));
        }
        let is_sse = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/event-stream"));
        if is_sse {
            self.read_stream(&mut resp, t0, first).await
        } else {
            // Also the answer of a server that ignores `stream: true`.
            let bytes = self.http.read_body(&mut resp).await?;
            parse_completion(&bytes)
        }
    }

    /// Server-sent events, to `data: [DONE]` or the end of the body, within the size cap.
    async fn read_stream(
        &self,
        resp: &mut reqwest::Response,
        t0: Instant,
        first: &mut Option<f64>,
    ) -> Result<Completion, DeviceError> {
        let cap = self.http.limits.max_response_bytes;
        let mut acc = StreamState::default();
        let mut line = Vec::new();
        let mut total = 0usize;
        while let Some(chunk) = self.http.next_chunk(resp).await? {
            total += chunk.len();
            if total > cap {
                return Err(wire::too_large(cap, &line));
            }
            for &b in chunk.iter() {
                if b != b'\n' {
                    line.push(b);
                    continue;
                }
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                let done = acc.line(&line)?;
                line.clear();
                if first.is_none() && acc.has_output() {
                    *first = Some(ms_since(t0));
                }
                if done {
                    return acc.finish();
                }
            }
        }
        if !line.is_empty() {
            acc.line(&line)?;
        }
        acc.line(b"")?;
        if first.is_none() && acc.has_output() {
            *first = Some(ms_since(t0));
        }
        acc.finish()
    }

    /// The number of tools offered to the model.
    pub fn tools_offered(&self) -> usize {
        self.tools.len()
    }

    /// Whether the server lets the model call tools: one request a terminal acts on with
    /// `tool_choice: "required"`, one with the profile's settings.
    pub async fn probe_tools(&self) -> super::probe::ToolProbe {
        let messages = [
            json!({"role": "system", "content": self.system_prompt("zh-CN")}),
            json!({"role": "user", "content": "明天早上七点叫我起床"}),
        ];
        let called = async |choice| {
            let mut first = None;
            self.complete(&messages, choice, 1, Instant::now(), &mut first)
                .await
                .map(|c| c.tool_calls.first().map(|t| t.name.clone()))
        };
        let forced = called(Some(ToolChoice::Required)).await;
        let unforced = called(None).await;
        super::probe::ToolProbe {
            forced,
            unforced,
            offered: self.tools.len(),
        }
    }

    /// The messages of a request within the context budget: the system prompt, then the
    /// newest messages that fit, whole turns only (a turn starts at a user message, so a
    /// tool result never loses the call it answers).
    fn fit(&self, messages: &[Value]) -> Vec<Value> {
        let Some(budget) = self.cfg.context_tokens else {
            return messages.to_vec();
        };
        let fixed = self.tools_tokens
            + self.cfg.max_tokens.unwrap_or(0) as usize
            + messages.first().map_or(0, estimate_tokens);
        let mut room = (budget as usize).saturating_sub(fixed);
        let rest = &messages[1.min(messages.len())..];
        let mut start = rest.len();
        let mut turn_start = rest.len();
        let mut cost = 0;
        for (i, m) in rest.iter().enumerate().rev() {
            cost += estimate_tokens(m);
            if m["role"] == "user" {
                if cost > room && turn_start < rest.len() {
                    break;
                }
                room = room.saturating_sub(cost);
                cost = 0;
                turn_start = i;
                start = i;
            }
        }
        messages[..1.min(messages.len())]
            .iter()
            .chain(&rest[start..])
            .cloned()
            .collect()
    }

    fn to_action(&self, call: &ToolCall) -> Action {
        let name = self
            .names
            .get(&call.name)
            .cloned()
            .unwrap_or_else(|| action_name(&call.name));
        let mut args = parse_arguments(&call.arguments);
        let target = match args.remove(TARGET_ARG) {
            Some(Value::String(t)) if !t.is_empty() => Some(t),
            _ => None,
        };
        Action { name, args, target }
    }
}

fn no_session(session: &SessionId) -> DeviceError {
    DeviceError::Device {
        code: "no_session".into(),
        message: format!("unknown session `{}`", session.0),
    }
}

/// What the terminal knows when a session opens, for the model's system message: the facts a
/// real terminal hands its assistant (clock, place, network, memory, contacts, links, what
/// is already set), never anything about the test.
pub fn terminal_context(w: &World, tools: bool) -> String {
    use chrono::Datelike;
    const WEEKDAYS: [(&str, &str); 7] = [
        ("Monday", "星期一"),
        ("Tuesday", "星期二"),
        ("Wednesday", "星期三"),
        ("Thursday", "星期四"),
        ("Friday", "星期五"),
        ("Saturday", "星期六"),
        ("Sunday", "星期日"),
    ];
    let (en, zh) = WEEKDAYS[w.now.weekday().num_days_from_monday() as usize];
    let mut lines = vec![
        "What the terminal knows now:".to_string(),
        format!(
            "- Local date and time: {} ({en}, {zh}).",
            w.now.format("%Y-%m-%d %H:%M")
        ),
        format!(
            "- Location: {} ({}).",
            w.location,
            crate::world::directory::city_en(w.location)
        ),
        if w.online {
            "- Network: online.".to_string()
        } else {
            "- Network: OFFLINE. Online services (weather, uploads) fail; everything else runs on the device.".to_string()
        },
    ];
    if let Some((scene, noise)) = &w.scene {
        let noise = noise
            .map(|n| format!(", ambient noise {n} dB"))
            .unwrap_or_default();
        lines.push(format!("- Scene: {scene}{noise}."));
    }
    if !w.facts.is_empty() {
        let facts: Vec<String> = w.facts.iter().map(|f| format!("“{f}”")).collect();
        lines.push(format!(
            "- What the user told the terminal before: {}.",
            facts.join("; ")
        ));
    }
    let contacts: Vec<String> = crate::world::CONTACTS
        .iter()
        .map(|c| format!("{} ({})", c.name, c.en))
        .collect();
    lines.push(format!("- Contacts: {}.", contacts.join(", ")));
    if !w.links.is_empty() {
        let links: Vec<String> = w
            .links
            .iter()
            .map(|(id, cat)| format!("`{id}` ({cat})"))
            .collect();
        let how = if tools {
            format!("; to have one act, pass its id as `{TARGET_ARG}`")
        } else {
            String::new()
        };
        lines.push(format!("- Linked devices: {}{how}.", links.join(", ")));
    }
    let state = w.state();
    let set: Vec<String> = ["alarms", "timers", "reminders", "calendar"]
        .iter()
        .filter(|k| state[**k].as_array().is_some_and(|a| !a.is_empty()))
        .map(|k| format!("{k} {}", state[*k]))
        .collect();
    if !set.is_empty() {
        lines.push(format!("- Already set: {}.", set.join("; ")));
    }
    lines.join("\n")
}

/// A chat completion request, written from borrowed parts. Keys `extra_body` repeats are the
/// adapter's own and are not sent twice.
struct Body<'a> {
    cfg: &'a OpenAiConfig,
    messages: &'a [Value],
    seed: u64,
    stream: bool,
    tools: Option<&'a RawValue>,
    tool_choice: Option<ToolChoice>,
}

impl Body<'_> {
    fn has(&self, key: &str) -> bool {
        match key {
            "model" | "messages" | "temperature" | "seed" | "stream" => true,
            "tools" => self.tools.is_some(),
            "tool_choice" => self.tools.is_some() && self.tool_choice.is_some(),
            "max_tokens" => self.cfg.max_tokens.is_some(),
            _ => false,
        }
    }
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("model", &self.cfg.model)?;
        m.serialize_entry("messages", self.messages)?;
        m.serialize_entry("temperature", &self.cfg.temperature.unwrap_or(0.0))?;
        m.serialize_entry("seed", &self.seed)?;
        m.serialize_entry("stream", &self.stream)?;
        if let Some(tools) = self.tools {
            m.serialize_entry("tools", tools)?;
            if let Some(choice) = self.tool_choice {
                m.serialize_entry("tool_choice", choice.as_str())?;
            }
        }
        if let Some(n) = self.cfg.max_tokens {
            m.serialize_entry("max_tokens", &n)?;
        }
        for (k, v) in &self.cfg.extra_body {
            if !self.has(k) {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// A rough token count of a message: one per CJK character, one per four other
/// characters — what a budget needs, with no tokenizer at hand.
fn estimate_tokens(v: &Value) -> usize {
    let text = v.to_string();
    let (cjk, other) = text.chars().fold((0usize, 0usize), |(c, o), ch| {
        if ch > '\u{2E80}' {
            (c + 1, o)
        } else {
            (c, o + 1)
        }
    });
    cjk + other.div_ceil(4)
}

fn ms_since(t0: Instant) -> f64 {
    (t0.elapsed().as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

/// Tool definitions for every action of the vocabulary, plus [`CONFIRM_TOOL`].
fn tools_for(actions: &ActionVocabulary) -> (Vec<Value>, HashMap<String, String>) {
    let mut tools = Vec::new();
    let mut names = HashMap::new();
    for def in &actions.actions {
        let fname = function_name(&def.name);
        let mut params = match &def.args {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        params.entry("type").or_insert_with(|| json!("object"));
        if let Value::Object(props) = params.entry("properties").or_insert_with(|| json!({})) {
            props.insert(
                TARGET_ARG.into(),
                json!({"type": "string", "description": "Only when another linked device should do this: that device's id."}),
            );
        }
        tools.push(json!({
            "type": "function",
            "function": {
                "name": fname,
                "description": format!("{} / {}", def.description.en, def.description.zh),
                "parameters": params,
            }
        }));
        names.insert(fname, def.name.clone());
    }
    tools.push(json!({
        "type": "function",
        "function": {
            "name": CONFIRM_TOOL,
            "description": "Ask the user to agree before doing something; call this instead of the action, then wait for the answer.",
            "parameters": {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]},
        }
    }));
    (tools, names)
}

/// `alarm.create` → `alarm__create`: OpenAI function names allow `[A-Za-z0-9_-]` only.
pub fn function_name(action: &str) -> String {
    action.replacen('.', "__", 1)
}

/// The inverse of [`function_name`] for a name not in the vocabulary (a model's invention).
fn action_name(function: &str) -> String {
    function.replacen("__", ".", 1)
}

/// A tool call's arguments as action args; anything but a JSON object is kept, marked.
fn parse_arguments(raw: &Value) -> Map<String, Value> {
    let unparsed = |text: &str, why: String| {
        let mut m = Map::new();
        m.insert(
            "_unparsed".into(),
            Value::String(crate::text::truncate(text, MAX_UNPARSED)),
        );
        m.insert("_error".into(), Value::String(why));
        m
    };
    match raw {
        Value::Object(m) => m.clone(),
        Value::Null => Map::new(),
        Value::String(s) if s.trim().is_empty() => Map::new(),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => m,
            Ok(_) => unparsed(s, "the arguments are JSON but not an object".into()),
            Err(e) => unparsed(s, format!("the arguments are not valid JSON: {e}")),
        },
        other => unparsed(
            &other.to_string(),
            "the arguments are not a JSON string or object".into(),
        ),
    }
}

/// The user message for one input: plain text when that is all there is, content parts
/// otherwise.
fn user_message(input: &Input) -> Value {
    let mut parts = Vec::new();
    if let Some(ev) = &input.event {
        parts.push(json!({"type": "text", "text": format!("[event: {}] {}", ev.kind, Value::Object(ev.data.clone()))}));
    }
    if let Some(t) = &input.text {
        parts.push(json!({"type": "text", "text": t}));
    }
    if let Some(img) = &input.image {
        let fmt = if img.format.chars().all(|c| c.is_ascii_alphanumeric()) {
            img.format.as_str()
        } else {
            "png"
        };
        parts.push(json!({"type": "image_url", "image_url": {"url": format!("data:image/{fmt};base64,{}", img.data_b64)}}));
    }
    if let Some(audio) = &input.audio {
        parts.push(json!({"type": "input_audio", "input_audio": {"data": audio.data_b64, "format": audio.format}}));
    }
    let only_text = parts.iter().all(|p| p["type"] == "text");
    let content = if only_text {
        Value::String(
            parts
                .iter()
                .filter_map(|p| p["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    } else {
        Value::Array(parts)
    };
    json!({"role": "user", "content": content})
}

fn assistant_message(c: &Completion) -> Value {
    let mut m = json!({"role": "assistant", "content": c.content});
    if !c.tool_calls.is_empty() {
        m["tool_calls"] = c
            .tool_calls
            .iter()
            .map(|t| {
                let args = match &t.arguments {
                    Value::String(s) => s.clone(),
                    Value::Null => "{}".into(),
                    other => other.to_string(),
                };
                json!({"id": t.id, "type": "function", "function": {"name": t.name, "arguments": args}})
            })
            .collect();
    }
    m
}

// ---------------------------------------------------------------- wire format

#[derive(Deserialize)]
struct WireCompletion {
    #[serde(default)]
    choices: Vec<WireChoice>,
}

#[derive(Deserialize)]
struct WireChoice {
    #[serde(default)]
    message: WireMessage,
}

#[derive(Deserialize, Default)]
struct WireMessage {
    #[serde(default)]
    content: Value,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
}

#[derive(Deserialize)]
struct WireToolCall {
    #[serde(default)]
    id: Option<String>,
    function: WireFunction,
}

#[derive(Deserialize)]
struct WireFunction {
    #[serde(default)]
    name: String,
    #[serde(default)]
    arguments: Value,
}

/// Text of a `content` that is a string, null, or a list of parts.
fn content_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

fn parse_completion(bytes: &[u8]) -> Result<Completion, DeviceError> {
    let value = wire::decode_json(bytes, "the completion")?;
    if let Some(e) = value.get("error") {
        return Err(stream_error(e));
    }
    let wc: WireCompletion = serde_json::from_value(value).map_err(|e| DeviceError::Protocol {
        message: format!("the completion has the wrong shape: {e}"),
        evidence: Some(wire::evidence(bytes)),
    })?;
    let Some(choice) = wc.choices.into_iter().next() else {
        return Err(DeviceError::Protocol {
            message: "the completion has no choices".into(),
            evidence: Some(wire::evidence(bytes)),
        });
    };
    Ok(Completion {
        content: content_text(&choice.message.content),
        tool_calls: choice
            .message
            .tool_calls
            .into_iter()
            .enumerate()
            .map(|(i, t)| ToolCall {
                id: t
                    .id
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("call_{i}")),
                name: t.function.name,
                arguments: t.function.arguments,
            })
            .collect(),
    })
}

/// An `{"error": …}` sent inside a 200 answer or stream.
fn stream_error(e: &Value) -> DeviceError {
    let body = serde_json::to_vec(&json!({ "error": e })).unwrap_or_default();
    match wire::status_error(500, &body, "turn") {
        DeviceError::Http { code, message, .. } => DeviceError::Device { code, message },
        other => other,
    }
}

/// The pieces of a streamed answer, put together.
#[derive(Default)]
struct StreamState {
    data: Vec<u8>,
    events: usize,
    content: String,
    /// By the `index` the server gives each call.
    calls: Vec<(u64, ToolCall)>,
}

impl StreamState {
    /// Feed one line (without its end); true at `data: [DONE]`.
    fn line(&mut self, line: &[u8]) -> Result<bool, DeviceError> {
        if line.is_empty() {
            return self.dispatch();
        }
        if let Some(rest) = line.strip_prefix(b"data:") {
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            if !self.data.is_empty() {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(rest);
        }
        // Comments (`:`) and `event:`, `id:`, `retry:` fields carry nothing we use.
        Ok(false)
    }

    fn dispatch(&mut self) -> Result<bool, DeviceError> {
        if self.data.is_empty() {
            return Ok(false);
        }
        let data = std::mem::take(&mut self.data);
        if data.trim_ascii() == b"[DONE]" {
            return Ok(true);
        }
        self.events += 1;
        let v = wire::decode_json(&data, "a streamed event")?;
        if let Some(e) = v.get("error") {
            return Err(stream_error(e));
        }
        let Some(delta) = v
            .get("choices")
            .and_then(|c| c.get(0))
            .and_then(|c| c.get("delta"))
        else {
            return Ok(false);
        };
        self.content
            .push_str(&content_text(delta.get("content").unwrap_or(&Value::Null)));
        if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
            for (pos, c) in calls.iter().enumerate() {
                let index = c.get("index").and_then(Value::as_u64).unwrap_or(pos as u64);
                let slot = match self.calls.iter().position(|(i, _)| *i == index) {
                    Some(p) => &mut self.calls[p].1,
                    None => {
                        self.calls.push((index, ToolCall::default()));
                        &mut self.calls.last_mut().expect("just pushed").1
                    }
                };
                if let Some(id) = c.get("id").and_then(Value::as_str) {
                    slot.id = id.to_string();
                }
                let f = c.get("function");
                if let Some(name) = f.and_then(|f| f.get("name")).and_then(Value::as_str)
                    && slot.name != name
                {
                    slot.name.push_str(name);
                }
                match f.and_then(|f| f.get("arguments")) {
                    Some(Value::String(piece)) => match &mut slot.arguments {
                        Value::String(s) => s.push_str(piece),
                        other => *other = Value::String(piece.clone()),
                    },
                    Some(obj @ Value::Object(_)) => slot.arguments = obj.clone(),
                    _ => {}
                }
            }
        }
        Ok(false)
    }

    fn has_output(&self) -> bool {
        !self.content.is_empty() || !self.calls.is_empty()
    }

    fn finish(self) -> Result<Completion, DeviceError> {
        if self.events == 0 {
            return Err(DeviceError::Protocol {
                message: "the stream ended without an answer".into(),
                evidence: None,
            });
        }
        let mut calls = self.calls;
        calls.sort_by_key(|(i, _)| *i);
        Ok(Completion {
            content: self.content,
            tool_calls: calls
                .into_iter()
                .enumerate()
                .map(|(n, (_, mut c))| {
                    if c.id.is_empty() {
                        c.id = format!("call_{n}");
                    }
                    c
                })
                .collect(),
        })
    }
}

#[async_trait]
impl Adapter for OpenAiAdapter {
    async fn info(&self) -> Result<Info, DeviceError> {
        if let Some(url) = &self.models {
            let resp = self
                .http
                .send(self.http.request(Method::GET, url.clone()))
                .await?;
            // Servers without a model list are fine; a refused key is not.
            if matches!(resp.status().as_u16(), 401 | 403) {
                let status = resp.status().as_u16();
                let mut resp = resp;
                let bytes = self.http.read_error_body(&mut resp).await;
                return Err(wire::status_error(status, &bytes, "info"));
            }
        }
        Ok(self.info.clone())
    }

    async fn open_session(&self, req: &SessionRequest) -> Result<SessionId, DeviceError> {
        let id = format!("s{}", self.next_session.fetch_add(1, Ordering::Relaxed));
        let locale = req.locale.as_deref().unwrap_or("zh-CN");
        let (world, context) = {
            let mut t = self.device();
            let context = match &t.context {
                Some(c) => c.clone(),
                None => {
                    let c = terminal_context(&t.world, !self.tools.is_empty());
                    t.context.insert(c).clone()
                }
            };
            (t.world.clone(), context)
        };
        let mut system = self.system_prompt(locale);
        system.push_str("\n\n");
        system.push_str(&context);
        let history = History {
            messages: vec![json!({"role": "system", "content": system})],
            seed: self.cfg.seed.or(req.seed).unwrap_or(self.run_seed),
            world,
        };
        self.lock().insert(id.clone(), history);
        Ok(SessionId(id))
    }

    async fn turn(&self, session: &SessionId, input: &Input) -> Result<Turn, DeviceError> {
        let (mut messages, seed, mut world) = match self.lock().get(&session.0) {
            Some(h) => (h.messages.clone(), h.seed, h.world.clone()),
            None => return Err(no_session(session)),
        };
        messages.push(user_message(input));
        let t0 = Instant::now();
        let mut first = None;
        let mut texts: Vec<String> = Vec::new();
        let mut actions = Vec::new();
        let mut needs_confirmation = false;
        let mut used_cloud = false;
        let rounds = self.cfg.max_tool_rounds().max(1);
        for _ in 0..rounds {
            let sent = self.fit(&messages);
            let answer = self.complete(&sent, None, seed, t0, &mut first).await?;
            if !answer.content.trim().is_empty() {
                texts.push(answer.content.clone());
            }
            messages.push(assistant_message(&answer));
            if answer.tool_calls.is_empty() {
                break;
            }
            for call in &answer.tool_calls {
                let result = if call.name == CONFIRM_TOOL {
                    needs_confirmation = true;
                    if answer.content.trim().is_empty()
                        && let Some(q) = parse_arguments(&call.arguments)
                            .get("question")
                            .and_then(Value::as_str)
                    {
                        texts.push(q.to_string());
                    }
                    json!({"asked": true, "note": "the user's answer comes in the next message"})
                } else {
                    let action = self.to_action(call);
                    let result = if action.args.contains_key("_unparsed") {
                        json!({"ok": false, "error": action.args.get("_error")})
                    } else {
                        world.execute(&action)
                    };
                    if result["ok"] == true && crate::world::needs_network(&action) {
                        used_cloud = true;
                    }
                    actions.push(action);
                    result
                };
                let result = result.to_string();
                messages.push(json!({"role": "tool", "tool_call_id": call.id, "content": result}));
            }
            if needs_confirmation {
                break;
            }
        }
        let total = ms_since(t0);
        if let Some(h) = self.lock().get_mut(&session.0) {
            h.messages = messages;
            h.world = world;
        }
        Ok(Turn {
            output: Output {
                text: (!texts.is_empty()).then(|| texts.join("\n")),
                speech_b64: None,
            },
            actions,
            needs_confirmation: needs_confirmation.then_some(true),
            // A model on the device that reached an online service was helped by the cloud.
            served_by: match self.cfg.served_by {
                Some(ServedBy::Device) if used_cloud => Some(ServedBy::Hybrid),
                other => other,
            },
            timing: Some(Timing {
                first_output_ms: first,
                total_ms: Some(total),
            }),
        })
    }

    async fn state(&self, session: &SessionId) -> Result<Value, DeviceError> {
        match self.lock().get(&session.0) {
            Some(h) => Ok(h.world.state()),
            None => Err(no_session(session)),
        }
    }

    async fn control(&self, op: &Control) -> Result<(), DeviceError> {
        if matches!(op, Control::Reset) {
            self.lock().clear();
        }
        let mut t = self.device();
        t.context = None;
        t.world.control(op).map_err(|message| DeviceError::Device {
            code: "bad_request".into(),
            message,
        })
    }

    async fn close(&self, session: &SessionId) -> Result<(), DeviceError> {
        self.lock().remove(&session.0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON fragments a hostile or broken server might send, glued at random: the parsers
    /// must answer each with a completion or an error, never a panic.
    fn fragments() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(",".to_string()),
            Just("\"choices\":".to_string()),
            Just("\"delta\":".to_string()),
            Just("\"message\":".to_string()),
            Just("\"content\":".to_string()),
            Just("\"tool_calls\":".to_string()),
            Just("\"function\":".to_string()),
            Just("\"arguments\":".to_string()),
            Just("\"index\":".to_string()),
            Just("\"name\":".to_string()),
            Just("\"error\":".to_string()),
            Just("data: ".to_string()),
            Just("data: [DONE]".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("null".to_string()),
            Just("-1".to_string()),
            Just("18446744073709551616".to_string()),
            Just("\"\\ud800\"".to_string()),
            "\"[a-z好\\\\]{0,8}\"".prop_map(|s| s),
            any::<u8>().prop_map(|b| char::from(b).to_string()),
        ];
        proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn completion_parser_never_panics(text in fragments(), raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse_completion(text.as_bytes());
            let _ = parse_completion(&raw);
        }

        #[test]
        fn stream_parser_never_panics(text in fragments()) {
            let _ = feed(&text);
            let _ = feed(&format!("data: {text}\n\n"));
        }
    }

    fn feed(lines: &str) -> Result<Completion, DeviceError> {
        let mut s = StreamState::default();
        for l in lines.split('\n') {
            if s.line(l.as_bytes())? {
                break;
            }
        }
        s.line(b"")?;
        s.finish()
    }

    #[test]
    fn streamed_text_and_tool_calls_are_put_together() {
        let c = feed(concat!(
            ": keep-alive\n\n",
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"好\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"的\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"function\":{\"name\":\"alarm__create\",\"arguments\":\"{\\\"ti\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"me\\\": \\\"07:00\\\"}\"}}]}}]}\n\n",
            "data: [DONE]\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"after done\"}}]}\n\n",
        ))
        .unwrap();
        assert_eq!(c.content, "好的");
        assert_eq!(
            c.tool_calls,
            vec![ToolCall {
                id: "c1".into(),
                name: "alarm__create".into(),
                arguments: json!("{\"time\": \"07:00\"}")
            }]
        );
    }

    #[test]
    fn a_stream_error_or_an_empty_stream_is_an_error() {
        assert!(matches!(
            feed("data: {\"error\": {\"message\": \"overloaded\"}}\n"),
            Err(DeviceError::Device { .. })
        ));
        assert!(matches!(
            feed(": nothing\n"),
            Err(DeviceError::Protocol { .. })
        ));
        assert!(matches!(
            feed("data: {not json\n"),
            Err(DeviceError::Protocol {
                evidence: Some(_),
                ..
            })
        ));
    }

    #[test]
    fn arguments_that_do_not_parse_are_kept_and_marked() {
        let m = parse_arguments(&json!("{\"time\": 07:00"));
        assert_eq!(m["_unparsed"], json!("{\"time\": 07:00"));
        assert!(m["_error"].as_str().unwrap().contains("not valid JSON"));
        assert!(parse_arguments(&json!("[1]")).contains_key("_unparsed"));
        assert_eq!(parse_arguments(&json!({"a": 1}))["a"], json!(1));
        assert!(parse_arguments(&json!("")).is_empty());
    }

    #[test]
    fn function_names_round_trip_without_dots() {
        assert_eq!(function_name("alarm.create"), "alarm__create");
        assert_eq!(action_name("alarm__create"), "alarm.create");
        assert_eq!(function_name("text.summarize_long"), "text__summarize_long");
        assert_eq!(action_name("text__summarize_long"), "text.summarize_long");
    }

    #[test]
    fn inputs_become_text_or_content_parts() {
        let text = user_message(&Input {
            text: Some("你好".into()),
            ..Input::default()
        });
        assert_eq!(text, json!({"role": "user", "content": "你好"}));
        let image = user_message(&Input {
            text: Some("这是什么".into()),
            image: Some(super::super::protocol::Media {
                format: "png".into(),
                data_b64: "AAAA".into(),
            }),
            ..Input::default()
        });
        assert_eq!(
            image["content"][1]["image_url"]["url"],
            json!("data:image/png;base64,AAAA")
        );
        let event = user_message(&Input {
            event: Some(super::super::protocol::Event {
                kind: "notification".into(),
                data: json!({"app": "mail"}).as_object().unwrap().clone(),
            }),
            ..Input::default()
        });
        assert_eq!(
            event["content"],
            json!("[event: notification] {\"app\":\"mail\"}")
        );
    }

    #[test]
    fn non_streamed_completions_parse_with_tool_calls_as_string_or_object() {
        let c = parse_completion(
            br#"{"choices":[{"message":{"content":null,"tool_calls":[
                {"id":"a","type":"function","function":{"name":"timer__start","arguments":"{\"minutes\":5}"}},
                {"type":"function","function":{"name":"media__play","arguments":{"title":"x"}}}]}}]}"#,
        )
        .unwrap();
        assert_eq!(c.content, "");
        assert_eq!(c.tool_calls[0].arguments, json!("{\"minutes\":5}"));
        assert_eq!(c.tool_calls[1].id, "call_1");
        assert_eq!(c.tool_calls[1].arguments, json!({"title": "x"}));
        assert!(matches!(
            parse_completion(br#"{"choices": []}"#),
            Err(DeviceError::Protocol { .. })
        ));
    }
}
