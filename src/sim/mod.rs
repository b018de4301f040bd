//! The reference simulator: an in-process, rule-based assistant for one terminal category at a
//! configured capability level (`[adapter] kind = "sim"`, `level = "L1"…"L4"`). It exists so
//! the harness, the suites and the grading can be checked end to end, and so that a lab can
//! see what each level's behaviour looks like.
//!
//! It is a product of its own, not part of the harness: it depends only on the ATP/1 message
//! types ([`crate::device::protocol`]) and the terminal world model ([`crate::world`]), and the harness reaches it only through the `sim`
//! adapter (`crate::device::sim`), which wraps a [`Simulator`].
//!
//! It decides only from what a real terminal would have: the input, the conversation so far,
//! and the device state (clock, network, scene, remembered facts, linked devices). It never
//! sees case ids. Understanding is deterministic; a seeded ChaCha generator (adapter seed
//! mixed with the session's `seed`) chooses only among equivalent phrasings and the simulated
//! latency, uniform in `latency_ms = [min, max]`.
//!
//! Levels, cumulatively (see [`turn::Caps`]):
//! - **L1** preset commands only: short imperative templates with explicit slots ("设置闹钟
//!   明天早上七点", "打电话给王芳", "Set an alarm for 7 am"), one action per utterance.
//! - **L2** free phrasing and slot inference (relative times, indirect requests, familiar
//!   names, free English), single tools such as translation and summaries.
//! - **L3** multi-turn context (follow-ups, pronouns, answers to its own questions), memory of
//!   the user, multi-step and conditional requests, proactive suggestions on events.
//! - **L4** hands tasks to linked devices; learns habits ("以后…都…") and corrections.
//!
//! At every level: harmful requests are refused; sending messages, paying, deleting data and
//! uploading it wait for "确认"; quoted or colon-introduced content, and text in pictures, is
//! data and never obeyed; offline, every turn is served by the device.
//!
//! Speech and pictures (`perception.rs`): the fixtures carry their transcript (`media.rs`), so
//! the simulator hears what a perfect recogniser would, then applies its level's limits: it
//! recognises speech down to 10 dB SNR at L1, 5 dB at L2 and 0 dB at L3 and above; it wakes on
//! 小艾小艾 / Hey Ailey and stays silent (no output at all) on speech that only sounds like
//! them; speech without a wake word is taken as addressed to it (push-to-talk). A picture's
//! text is content for the request that comes with it; a picture alone is described.
//!
//! The world it lives in (contacts 张三, 李四, 李雷, 韩梅梅, 王芳, 刘洋, 陈静; cities; the
//! weather) is fixed: see [`crate::world`]. A fresh or reset device is online, has no memory, no
//! scene, no links, default settings and the clock at 2026-05-08T09:00:00+08:00.
//!
//! # Session state (`state()`)
//!
//! A JSON object; every key is always present, lists in creation order:
//!
//! ```json
//! {
//!   "alarms":     [{"id": 1, "time": "07:00", "date": "2026-05-09", "label": "起床"}],
//!   "timers":     [{"id": 2, "seconds": 600}],
//!   "reminders":  [{"id": 3, "text": "带伞", "date": "2026-05-09", "time": "08:00"}],
//!   "calendar":   [{"id": 4, "title": "看牙医", "date": "2026-05-11", "time": "14:00"}],
//!   "calls":      [{"contact": "张三", "number": "13912340001"}],
//!   "messages":   [{"to": "李四", "number": "13912340002", "body": "…", "attachments": ["photo-1"]}],
//!   "payments":   [{"to": "张三", "amount": 200.0, "currency": "CNY"}],
//!   "deleted":    [{"kind": "notes", "scope": "all"}],
//!   "uploads":    [{"kind": "contacts", "destination": "cloud"}],
//!   "photos":     [{"id": "photo-1", "edits": ["brighten"]}],
//!   "apps":       ["camera"],
//!   "media":      {"query": "…", "artist": "周杰伦", "genre": "relaxing"} | null,
//!   "navigation": {"destination": "首都机场", "mode": "drive", "avoid": ["highway"]} | null,
//!   "memory":     ["facts saved in this session"],
//!   "handoffs":   [{"target": "living-room-tv", "action": "media.play", "args": {…}}],
//!   "settings":   {"volume": 50, "brightness": 50, "wifi": true, "bluetooth": false,
//!                  "mobile_data": true, "dnd": false, "flashlight": false,
//!                  "airplane_mode": false, "power_saving": false}
//! }
//! ```
//!
//! Items are changed by `*.update {id, …}` and removed by `*.delete {id}`. `settings` are the
//! settings as the session sees them: the device's settings when it opened, with its own
//! changes. Sessions are isolated — what one changes, is told or learns stays with it — so
//! trials run side by side on one simulated terminal cannot disturb each other; only control
//! ops change the device itself. Actions sent to a linked device (with a `target`) are recorded
//! under `handoffs` only.

mod categories;
mod engine;
mod events;
#[cfg(test)]
mod fixtures;
mod general;
pub mod media;
mod memory;
mod nlu;
mod perception;
mod plans;
mod safety;
mod skills;
mod text_tools;
mod turn;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Mutex;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use self::engine::Engine;
use self::turn::{Device, Lang, Link, Session};
use crate::device::protocol::{Control, Input, Output, SessionRequest, Timing, Turn};

/// The capability level a profile's `level` string names (`"L3"`, `"3"`); 1 when unreadable.
pub fn parse_level(s: &str) -> u8 {
    s.trim().trim_start_matches(['L', 'l']).parse().unwrap_or(1)
}

/// SplitMix64: decorrelates the simulator and session seeds before seeding ChaCha.
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.rotate_left(32) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Why the simulator refused a call; the adapter reports it as the device's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("no session `{0}`")]
    NoSession(String),
    #[error("`{0}` is not an RFC 3339 time")]
    BadClock(String),
}

impl SimError {
    /// The protocol's error code for it.
    pub fn code(&self) -> &'static str {
        match self {
            SimError::NoSession(_) => "not_found",
            SimError::BadClock(_) => "bad_request",
        }
    }
}

/// One turn's answer and how long the simulated terminal takes to give it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimTurn {
    pub turn: Turn,
    /// Simulated latency; the caller waits it out (the simulator itself never sleeps).
    pub latency_ms: u64,
}

struct Inner {
    device: Device,
    sessions: HashMap<String, Session>,
    opened: u64,
}

/// A simulated terminal: one category at one level, with its device state and sessions.
/// Every method is synchronous and quick; the state sits behind a mutex so one simulator can
/// serve concurrent trials.
pub struct Simulator {
    engine: Engine,
    seed: u64,
    latency_ms: [u64; 2],
    inner: Mutex<Inner>,
}

impl Simulator {
    /// A terminal of `category` (`phone`, `car`, …; any other gets the general intents) at
    /// `level` 1–4, its phrasing and latency drawn from `seed`, latency uniform in
    /// `latency_ms = [min, max]`.
    pub fn new(category: &str, level: u8, seed: u64, latency_ms: [u64; 2]) -> Simulator {
        let [lo, hi] = latency_ms;
        Simulator {
            engine: Engine::new(level, categories::table(category)),
            seed,
            latency_ms: [lo.min(hi), lo.max(hi)],
            inner: Mutex::new(Inner {
                device: Device::default(),
                sessions: HashMap::new(),
                opened: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic in another call cannot leave the state half-written in a way that matters
        // more than losing the whole device, so a poisoned lock is simply taken over.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn open_session(&self, req: &SessionRequest) -> String {
        let mut inner = self.lock();
        inner.opened += 1;
        let n = inner.opened;
        let lang = match req.locale.as_deref() {
            Some(l) if l.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Zh,
        };
        let session_seed = req.seed.unwrap_or(n);
        let rng = ChaCha8Rng::seed_from_u64(mix(self.seed, session_seed));
        let session = Session::new(lang, rng, inner.device.settings.clone());
        let id = format!("sim-{n}");
        inner.sessions.insert(id.clone(), session);
        id
    }

    pub fn turn(&self, session: &str, input: &Input) -> Result<SimTurn, SimError> {
        let mut guard = self.lock();
        let Inner {
            device, sessions, ..
        } = &mut *guard;
        let ses = sessions
            .get_mut(session)
            .ok_or_else(|| SimError::NoSession(session.to_string()))?;
        let reply = self.engine.respond(device, ses, input);
        let [lo, hi] = self.latency_ms;
        let latency_ms = if hi == 0 {
            0
        } else {
            ses.rng.random_range(lo..=hi)
        };
        Ok(SimTurn {
            turn: Turn {
                // A terminal that was not addressed stays silent: no output at all.
                output: Output {
                    text: (!reply.text.is_empty()).then_some(reply.text),
                    speech_b64: None,
                },
                actions: reply.actions,
                needs_confirmation: Some(reply.needs_confirmation),
                served_by: Some(reply.served),
                timing: Some(Timing {
                    first_output_ms: None,
                    total_ms: Some(latency_ms as f64),
                }),
            },
            latency_ms,
        })
    }

    pub fn state(&self, session: &str) -> Result<serde_json::Value, SimError> {
        let inner = self.lock();
        let ses = inner
            .sessions
            .get(session)
            .ok_or_else(|| SimError::NoSession(session.to_string()))?;
        Ok(ses.state.to_json(&ses.settings))
    }

    pub fn control(&self, op: &Control) -> Result<(), SimError> {
        let mut inner = self.lock();
        match op {
            Control::Reset => {
                inner.device = Device::default();
                inner.sessions.clear();
            }
            Control::SetNetwork { online } => inner.device.online = *online,
            Control::SetClock { now } => {
                inner.device.now =
                    turn::parse_clock(now).ok_or_else(|| SimError::BadClock(now.clone()))?;
            }
            Control::SetScene { scene, noise_db } => {
                inner.device.scene = Some(scene.clone());
                inner.device.noise_db = *noise_db;
            }
            Control::SeedMemory { facts } => {
                inner
                    .device
                    .facts
                    .extend(facts.iter().map(|f| memory::parse_fact(f)));
            }
            Control::LinkDevice { id, category } => {
                inner.device.links.retain(|l| &l.id != id);
                inner.device.links.push(Link {
                    id: id.clone(),
                    category: category.clone(),
                });
            }
        }
        Ok(())
    }

    pub fn close(&self, session: &str) -> Result<(), SimError> {
        self.lock()
            .sessions
            .remove(session)
            .map(|_| ())
            .ok_or_else(|| SimError::NoSession(session.to_string()))
    }
}
