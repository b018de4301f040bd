//! The terminal world model: what a simulated terminal knows and changes — its clock and
//! network, the contact book a lab provisions, the weather service, the user's facts, device
//! settings, the items a conversation creates (alarms, timers, reminders, calendar entries),
//! calls, messages, payments, media, navigation, and the state of category hardware (a car's
//! climate, windows and seats; a home's appliances).
//!
//! The reference simulator keeps its sessions in these types, and an adapter that lets a real
//! model act through tool calls (the OpenAI adapter) can give it the same world: build a
//! [`World`], [`World::execute`] every action the model calls and hand the returned JSON back
//! to it as the tool result, and answer `state()` with [`World::state`]. This API is kept
//! stable: fields and functions are added, never changed or removed.
//!
//! ```
//! use ailevel::world::World;
//! use ailevel::device::protocol::Action;
//!
//! let mut w = World::new();
//! let dial = Action {
//!     name: "call.dial".into(),
//!     args: serde_json::json!({"contact": "张三"}).as_object().unwrap().clone(),
//!     target: None,
//! };
//! let r = w.execute(&dial);
//! assert_eq!(r["ok"], true);
//! assert_eq!(r["number"], "13912340001");
//! assert_eq!(w.state()["calls"][0]["contact"], "张三");
//! ```

pub mod directory;
pub mod state;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value, json};

use crate::device::protocol::{Action, Control};
pub use directory::{
    CITIES, CONTACTS, Contact, Forecast, Person, contact_exact, find_city, forecast,
};
pub use state::{SETTINGS, SessionState, SettingKind, Settings, setting_def};

/// The fixed clock of a fresh device: runs never depend on the wall clock.
pub const DEFAULT_NOW: &str = "2026-05-08T09:00:00+08:00";

/// Where a fresh device is.
pub const DEFAULT_LOCATION: &str = "北京";

/// Actions whose service is online: offline, the terminal answers them with an error.
const NEEDS_NETWORK: &[&str] = &["weather.query", "data.upload", "web.search"];

/// Whether `action` is an online service: it fails offline, and a turn that used it was
/// served partly by the cloud. A title of an on-demand catalogue (`media.play` with a `kind`,
/// as a TV plays one) streams from it.
pub fn needs_network(action: &Action) -> bool {
    NEEDS_NETWORK.contains(&action.name.as_str())
        || (action.name == "media.play" && action.args.contains_key("kind"))
}

/// Local wall time of an RFC 3339 timestamp (the terminal lives in the offset it is given).
pub fn parse_clock(s: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.naive_local())
}

/// One terminal's world as a conversation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    /// Local wall time.
    pub now: NaiveDateTime,
    pub online: bool,
    pub settings: Settings,
    /// What the conversation created and did, in `state()` form.
    pub items: SessionState,
    /// Facts the terminal holds about its user (`seed_memory`, and `memory.save`).
    pub facts: Vec<String>,
    /// Category hardware the shared model has no fields for, by action name and then by the
    /// part it addresses (`climate.set` → `driver` → the settings last applied to it).
    pub controls: Map<String, Value>,
    /// Where the terminal is: the city its weather service answers for when none is named.
    pub location: &'static str,
    /// The scene a lab set (`set_scene`): `driving`, `parked`, `street`, with its noise level.
    pub scene: Option<(String, Option<f64>)>,
    /// Linked devices (`link_device`), as (id, category), in the order they were linked.
    pub links: Vec<(String, String)>,
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

/// The argument that names which part of the hardware an action addresses.
const PART_ARGS: &[&str] = &[
    "zone",
    "window",
    "seat",
    "door",
    "feature",
    "device",
    "room",
    "light",
    "target_device",
];

impl World {
    /// A fresh or reset terminal: online, default settings, no memory, clock at
    /// [`DEFAULT_NOW`].
    pub fn new() -> World {
        World {
            now: parse_clock(DEFAULT_NOW).unwrap_or_default(),
            online: true,
            settings: Settings::default(),
            items: SessionState::default(),
            facts: Vec::new(),
            controls: Map::new(),
            location: DEFAULT_LOCATION,
            scene: None,
            links: Vec::new(),
        }
    }

    /// Apply a device control op (`reset` makes a fresh world); `Err` says why an op's value
    /// was refused.
    pub fn control(&mut self, op: &Control) -> Result<(), String> {
        match op {
            Control::Reset => *self = World::new(),
            Control::SetNetwork { online } => self.online = *online,
            Control::SetClock { now } => {
                if !self.set_clock(now) {
                    return Err(format!("`{now}` is not an RFC 3339 time"));
                }
            }
            Control::SetScene { scene, noise_db } => self.scene = Some((scene.clone(), *noise_db)),
            Control::SeedMemory { facts } => self.facts.extend(facts.iter().cloned()),
            Control::LinkDevice { id, category } => {
                self.links.retain(|(i, _)| i != id);
                self.links.push((id.clone(), category.clone()));
            }
        }
        Ok(())
    }

    /// The date a service is asked about: `YYYY-MM-DD`, or today / tomorrow / the day after
    /// in zh or en, relative to the terminal's clock.
    pub fn date_arg(&self, s: &str) -> Option<NaiveDate> {
        let today = self.now.date();
        let days = match s.trim().to_lowercase().as_str() {
            "today" | "今天" | "今日" => 0,
            "tomorrow" | "明天" | "明日" => 1,
            "day after tomorrow" | "后天" => 2,
            other => return NaiveDate::parse_from_str(other, "%Y-%m-%d").ok(),
        };
        today.checked_add_days(chrono::Days::new(days))
    }

    /// Set the clock from an RFC 3339 time; `false` (clock unchanged) when it does not parse.
    pub fn set_clock(&mut self, rfc3339: &str) -> bool {
        match parse_clock(rfc3339) {
            Some(t) => {
                self.now = t;
                true
            }
            None => false,
        }
    }

    /// Carry out `action` and say what happened, as a terminal's service would answer: always
    /// an object with `ok`, and on failure an `error` a model can act on (an unknown contact,
    /// a missing item). Confirmation of sensitive actions is the caller's business: this
    /// executes.
    pub fn execute(&mut self, action: &Action) -> Value {
        let args = &action.args;
        let text = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_string);
        if let Some(target) = &action.target {
            self.items.apply(action, &mut self.settings);
            return json!({"ok": true, "handed_to": target});
        }
        let (domain, verb) = action.name.split_once('.').unwrap_or((&action.name, ""));
        if !self.online && needs_network(action) {
            return json!({"ok": false, "error": "the terminal is offline: this service needs the network"});
        }
        match (domain, verb) {
            ("call", "dial") | ("message", "send") | ("payment", "transfer") => {
                let key = if domain == "call" { "contact" } else { "to" };
                let name = text(key);
                let number = text("number").or_else(|| {
                    name.as_deref()
                        .and_then(contact_exact)
                        .map(|c| c.number.to_string())
                });
                // A payee need not be a contact (a shop, a membership) but must be named.
                let number = match domain {
                    "payment" => name.as_ref().map(|_| number.unwrap_or_default()),
                    _ => number,
                };
                let Some(number) = number else {
                    return json!({"ok": false, "error": format!(
                        "no contact named `{}` and no number given",
                        name.unwrap_or_default()
                    )});
                };
                let mut done = action.clone();
                let canonical = name.as_deref().and_then(contact_exact).map(|c| c.name);
                if let Some(c) = canonical {
                    done.args.insert(key.into(), json!(c));
                }
                if domain != "payment" {
                    done.args.insert("number".into(), json!(number));
                }
                self.items.apply(&done, &mut self.settings);
                let status = match domain {
                    "call" => "dialling",
                    "message" => "sent",
                    _ => "transferred",
                };
                let mut out = done.args.clone();
                out.insert("ok".into(), json!(true));
                out.insert("status".into(), json!(status));
                Value::Object(out)
            }
            ("weather", "query") => {
                let city = text("city").unwrap_or_else(|| self.location.into());
                let date = match text("date") {
                    None => self.now.date(),
                    Some(d) => match self.date_arg(&d) {
                        Some(d) => d,
                        None => {
                            return json!({"ok": false, "error": format!("`{d}` is not a date (YYYY-MM-DD)")});
                        }
                    },
                };
                let folded = city.trim().to_lowercase();
                let known = CITIES
                    .iter()
                    .find(|(zh, en)| *zh == city.trim() || *en == folded);
                let Some((zh, _)) = known else {
                    return json!({"ok": false, "error": format!("no forecast for `{city}`")});
                };
                let f = forecast(zh, date);
                json!({"ok": true, "city": zh, "city_en": directory::city_en(zh), "date": date.to_string(), "sky": f.zh,
                       "sky_en": f.en, "rain": f.rain, "low": f.low, "high": f.high})
            }
            (kind, "create" | "start") if state::item_list(kind).is_some() => {
                let id = self.items.peek_id();
                self.items.apply(action, &mut self.settings);
                let mut out = args.clone();
                out.insert("ok".into(), json!(true));
                out.insert("id".into(), json!(id));
                Value::Object(out)
            }
            (kind, "update" | "delete") if state::item_list(kind).is_some() => {
                let list = state::item_list(kind).unwrap_or_default();
                let exists = self
                    .items
                    .list(list)
                    .iter()
                    .any(|i| i.get("id") == args.get("id"));
                if !exists {
                    return json!({"ok": false, "error": format!("no {kind} with that id")});
                }
                self.items.apply(action, &mut self.settings);
                json!({"ok": true})
            }
            ("settings", "set") => {
                let known = text("name").as_deref().and_then(setting_def).is_some();
                if !known {
                    return json!({"ok": false, "error": "no such setting"});
                }
                self.items.apply(action, &mut self.settings);
                json!({"ok": true, "settings": self.settings})
            }
            ("memory", "save") => {
                if let Some(f) = text("fact") {
                    self.facts.push(f);
                }
                self.items.apply(action, &mut self.settings);
                json!({"ok": true})
            }
            ("time" | "datetime", _) => json!({"ok": true, "now": self.now.to_string()}),
            // The terminal shows a translation or summary itself; answering with the request's
            // own text would hand the model a "result" that is only its input.
            ("text", "translate" | "summarize") => {
                json!({"ok": true, "status": "shown to the user on the terminal"})
            }
            _ => {
                let before = self.items.clone();
                self.items.apply(action, &mut self.settings);
                if self.items == before {
                    // Hardware the shared model has no fields for: remember the settings per
                    // addressed part, merged with what was set before.
                    let part = PART_ARGS
                        .iter()
                        .find_map(|k| text(k))
                        .unwrap_or_else(|| "all".into());
                    let entry = self
                        .controls
                        .entry(action.name.clone())
                        .or_insert_with(|| json!({}));
                    if let Some(parts) = entry.as_object_mut() {
                        let slot = parts.entry(part).or_insert_with(|| json!({}));
                        if let Some(m) = slot.as_object_mut() {
                            m.extend(args.clone());
                        }
                    }
                }
                let mut out = args.clone();
                out.insert("ok".into(), json!(true));
                Value::Object(out)
            }
        }
    }

    /// The `state()` document: the simulator's (see [`crate::sim`]) with `facts` and
    /// `controls` added.
    pub fn state(&self) -> Value {
        let mut v = self.items.to_json(&self.settings);
        v["facts"] = json!(self.facts);
        v["controls"] = Value::Object(self.controls.clone());
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(name: &str, args: Value) -> Action {
        Action {
            name: name.into(),
            args: args.as_object().cloned().unwrap_or_default(),
            target: None,
        }
    }

    #[test]
    fn a_translation_or_summary_answer_is_not_the_text_sent() {
        let mut w = World::new();
        for name in ["text.translate", "text.summarize"] {
            let r = w.execute(&act(
                name,
                json!({"text": "谢谢你的帮助", "target_lang": "en"}),
            ));
            assert_eq!(r["ok"], true);
            assert!(!r.to_string().contains("谢谢你的帮助"), "{name}: {r}");
        }
    }

    #[test]
    fn actions_change_the_world_and_say_what_happened() {
        let mut w = World::new();
        let r = w.execute(&act(
            "alarm.create",
            json!({"time": "07:00", "date": "2026-05-09"}),
        ));
        assert_eq!((r["ok"].clone(), r["id"].clone()), (json!(true), json!(1)));
        assert_eq!(w.state()["alarms"][0]["time"], "07:00");
        let r = w.execute(&act("alarm.delete", json!({"id": 9})));
        assert_eq!(r["ok"], false, "{r}");
        assert_eq!(
            w.execute(&act("alarm.delete", json!({"id": 1})))["ok"],
            true
        );
        assert_eq!(w.state()["alarms"], json!([]));

        let r = w.execute(&act("message.send", json!({"to": "li si", "body": "到了"})));
        assert_eq!(r["number"], "13912340002");
        assert_eq!(w.state()["messages"][0]["to"], "李四");
        let r = w.execute(&act("call.dial", json!({"contact": "王五"})));
        assert_eq!(r["ok"], false);
        assert!(w.state()["calls"].as_array().unwrap().is_empty());

        let r = w.execute(&act("settings.set", json!({"name": "volume", "value": 80})));
        assert_eq!(r["settings"]["volume"], 80);
        assert_eq!(
            w.execute(&act("settings.set", json!({"name": "warp", "value": 1})))["ok"],
            false
        );

        let r = w.execute(&act(
            "weather.query",
            json!({"city": "上海", "date": "2026-05-09"}),
        ));
        let f = forecast("上海", NaiveDate::from_ymd_opt(2026, 5, 9).unwrap());
        assert_eq!(
            (r["sky"].as_str(), r["high"].as_i64()),
            (Some(f.zh), Some(i64::from(f.high)))
        );
        assert_eq!(
            w.execute(&act("weather.query", json!({"city": "Atlantis"})))["ok"],
            false
        );
    }

    #[test]
    fn control_ops_set_the_terminal_and_services_answer_from_it() {
        let mut w = World::new();
        let clock = Control::SetClock {
            now: "2026-12-02T08:30:00+08:00".into(),
        };
        w.control(&clock).unwrap();
        assert!(w.control(&Control::SetClock { now: "x".into() }).is_err());
        let r = w.execute(&act(
            "weather.query",
            json!({"city": "Beijing", "date": "tomorrow"}),
        ));
        assert_eq!(
            (r["city"].as_str(), r["date"].as_str()),
            (Some("北京"), Some("2026-12-03"))
        );
        let r = w.execute(&act("weather.query", json!({"date": "12/03"})));
        assert_eq!(r["ok"], false, "{r}");
        w.control(&Control::SetNetwork { online: false }).unwrap();
        let r = w.execute(&act("weather.query", json!({"city": "上海"})));
        assert!(r["error"].as_str().unwrap().contains("offline"), "{r}");
        assert_eq!(
            w.execute(&act("alarm.create", json!({"time": "07:00"})))["ok"],
            true
        );
        w.control(&Control::SeedMemory {
            facts: vec!["我住在杭州".into()],
        })
        .unwrap();
        w.control(&Control::LinkDevice {
            id: "tv".into(),
            category: "tv".into(),
        })
        .unwrap();
        w.control(&Control::LinkDevice {
            id: "tv".into(),
            category: "tv".into(),
        })
        .unwrap();
        assert_eq!((w.facts.len(), w.links.len()), (1, 1));
        w.control(&Control::Reset).unwrap();
        assert_eq!(w, World::new());
    }

    #[test]
    fn category_hardware_is_kept_per_part_and_merged() {
        let mut w = World::new();
        w.execute(&act(
            "climate.set",
            json!({"zone": "driver", "temperature": 22}),
        ));
        w.execute(&act(
            "climate.set",
            json!({"zone": "driver", "power": true}),
        ));
        w.execute(&act(
            "window.set",
            json!({"window": "all", "open_percent": 0}),
        ));
        let s = w.state();
        assert_eq!(
            s["controls"]["climate.set"]["driver"],
            json!({"zone": "driver", "temperature": 22, "power": true})
        );
        assert_eq!(s["controls"]["window.set"]["all"]["open_percent"], 0);
        assert!(w.set_clock("2026-05-08T22:00:00+08:00"));
        assert!(!w.set_clock("tonight"));
        assert_eq!(w.now.to_string(), "2026-05-08 22:00:00");
    }
}
