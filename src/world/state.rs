//! What the simulated terminal changes: device settings (shared by all sessions) and the items a
//! session created. Every change comes from applying a reported action, so the state a suite
//! reads back can never disagree with the actions the terminal claimed to take.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::device::protocol::Action;

/// Device settings. Field names are the `name` values of `settings.set`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub volume: i64,
    pub brightness: i64,
    pub wifi: bool,
    pub bluetooth: bool,
    pub mobile_data: bool,
    pub dnd: bool,
    pub flashlight: bool,
    pub airplane_mode: bool,
    pub power_saving: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            volume: 50,
            brightness: 50,
            wifi: true,
            bluetooth: false,
            mobile_data: true,
            dnd: false,
            flashlight: false,
            airplane_mode: false,
            power_saving: false,
        }
    }
}

/// Whether a setting is a 0–100 level or an on/off switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    Level,
    Switch,
}

/// A setting and the words users call it by (longest first where one contains another).
pub struct SettingDef {
    pub name: &'static str,
    pub kind: SettingKind,
    pub words: &'static [&'static str],
    pub zh: &'static str,
    pub en: &'static str,
}

pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        name: "volume",
        kind: SettingKind::Level,
        words: &["媒体音量", "音量", "声音", "volume"],
        zh: "音量",
        en: "volume",
    },
    SettingDef {
        name: "brightness",
        kind: SettingKind::Level,
        words: &["屏幕亮度", "亮度", "brightness"],
        zh: "亮度",
        en: "brightness",
    },
    SettingDef {
        name: "wifi",
        kind: SettingKind::Switch,
        words: &["wi-fi", "wifi", "wlan", "无线网络", "无线网"],
        zh: "WLAN",
        en: "Wi-Fi",
    },
    SettingDef {
        name: "bluetooth",
        kind: SettingKind::Switch,
        words: &["蓝牙", "bluetooth"],
        zh: "蓝牙",
        en: "Bluetooth",
    },
    SettingDef {
        name: "mobile_data",
        kind: SettingKind::Switch,
        words: &["移动数据", "流量", "mobile data"],
        zh: "移动数据",
        en: "mobile data",
    },
    SettingDef {
        name: "dnd",
        kind: SettingKind::Switch,
        words: &["勿扰模式", "免打扰模式", "免打扰", "勿扰", "do not disturb"],
        zh: "勿扰模式",
        en: "Do Not Disturb",
    },
    SettingDef {
        name: "flashlight",
        kind: SettingKind::Switch,
        words: &["手电筒", "闪光灯", "flashlight", "torch"],
        zh: "手电筒",
        en: "flashlight",
    },
    SettingDef {
        name: "airplane_mode",
        kind: SettingKind::Switch,
        words: &["飞行模式", "airplane mode", "flight mode"],
        zh: "飞行模式",
        en: "airplane mode",
    },
    SettingDef {
        name: "power_saving",
        kind: SettingKind::Switch,
        words: &[
            "省电模式",
            "低电量模式",
            "省电",
            "power saving",
            "low power mode",
            "battery saver",
        ],
        zh: "省电模式",
        en: "power saving mode",
    },
];

pub fn setting_def(name: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.name == name)
}

/// The setting a word or phrase names, if it is exactly one of its words.
pub fn setting_by_word(word: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.words.contains(&word))
}

/// The first setting named anywhere in the text.
pub fn find_setting(text: &str) -> Option<&'static SettingDef> {
    SETTINGS
        .iter()
        .filter_map(|d| {
            d.words
                .iter()
                .filter_map(|w| text.find(w))
                .min()
                .map(|p| (p, d))
        })
        .min_by_key(|(p, _)| *p)
        .map(|(_, d)| d)
}

impl Settings {
    pub fn level(&self, name: &str) -> Option<i64> {
        match name {
            "volume" => Some(self.volume),
            "brightness" => Some(self.brightness),
            _ => None,
        }
    }

    fn set(&mut self, name: &str, value: &Value) {
        let level = || value.as_f64().map(|v| v.round().clamp(0.0, 100.0) as i64);
        let switch = value.as_bool();
        match name {
            "volume" => self.volume = level().unwrap_or(self.volume),
            "brightness" => self.brightness = level().unwrap_or(self.brightness),
            "wifi" => self.wifi = switch.unwrap_or(self.wifi),
            "bluetooth" => self.bluetooth = switch.unwrap_or(self.bluetooth),
            "mobile_data" => self.mobile_data = switch.unwrap_or(self.mobile_data),
            "dnd" => self.dnd = switch.unwrap_or(self.dnd),
            "flashlight" => self.flashlight = switch.unwrap_or(self.flashlight),
            "airplane_mode" => self.airplane_mode = switch.unwrap_or(self.airplane_mode),
            "power_saving" => self.power_saving = switch.unwrap_or(self.power_saving),
            _ => {}
        }
    }
}

/// The items one session created or changed, in the order it did so.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionState {
    pub alarms: Vec<Value>,
    pub timers: Vec<Value>,
    pub reminders: Vec<Value>,
    pub calendar: Vec<Value>,
    pub calls: Vec<Value>,
    pub messages: Vec<Value>,
    pub payments: Vec<Value>,
    pub deleted: Vec<Value>,
    pub uploads: Vec<Value>,
    pub photos: Vec<Value>,
    pub apps: Vec<Value>,
    pub media: Value,
    pub navigation: Value,
    pub memory: Vec<Value>,
    pub handoffs: Vec<Value>,
    #[serde(skip)]
    next_id: u64,
}

/// Which list an item-creating action adds to, and its update and delete verbs.
pub fn item_list(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "alarm" => "alarms",
        "timer" => "timers",
        "reminder" => "reminders",
        "calendar" => "calendar",
        _ => return None,
    })
}

impl SessionState {
    /// The id the next created item will get.
    pub fn peek_id(&self) -> u64 {
        self.next_id + 1
    }

    pub fn next_photo_id(&self) -> String {
        format!("photo-{}", self.photos.len() + 1)
    }

    fn list_mut(&mut self, name: &str) -> Option<&mut Vec<Value>> {
        Some(match name {
            "alarms" => &mut self.alarms,
            "timers" => &mut self.timers,
            "reminders" => &mut self.reminders,
            "calendar" => &mut self.calendar,
            _ => return None,
        })
    }

    pub fn list(&self, name: &str) -> &[Value] {
        match name {
            "alarms" => &self.alarms,
            "timers" => &self.timers,
            "reminders" => &self.reminders,
            "calendar" => &self.calendar,
            _ => &[],
        }
    }

    /// Record the effect of a performed action.
    pub fn apply(&mut self, action: &Action, settings: &mut Settings) {
        let args = &action.args;
        let obj = |keys: &[&str]| -> Value {
            let mut m = Map::new();
            for k in keys {
                if let Some(v) = args.get(*k) {
                    m.insert((*k).to_string(), v.clone());
                }
            }
            Value::Object(m)
        };
        let (domain, verb) = action.name.split_once('.').unwrap_or((&action.name, ""));
        if let Some(target) = &action.target {
            self.handoffs
                .push(json!({"target": target, "action": action.name, "args": args}));
            return;
        }
        match (domain, verb) {
            (kind, "create" | "start") if item_list(kind).is_some() => {
                self.next_id += 1;
                let mut item = obj(&[
                    "time", "date", "label", "text", "title", "location", "seconds",
                ]);
                item["id"] = json!(self.next_id);
                if let Some(list) = item_list(kind).and_then(|l| self.list_mut(l)) {
                    list.push(item);
                }
            }
            (kind, "update") => {
                let id = args.get("id").cloned();
                if let Some(list) = item_list(kind).and_then(|l| self.list_mut(l))
                    && let Some(item) = list.iter_mut().find(|i| i.get("id") == id.as_ref())
                {
                    for (k, v) in args.iter().filter(|(k, _)| k.as_str() != "id") {
                        item[k.as_str()] = v.clone();
                    }
                }
            }
            (kind, "delete") if item_list(kind).is_some() => {
                let id = args.get("id").cloned();
                if let Some(list) = item_list(kind).and_then(|l| self.list_mut(l)) {
                    list.retain(|i| i.get("id") != id.as_ref());
                }
            }
            ("call", "dial") => self.calls.push(obj(&["contact", "number"])),
            ("message", "send") => {
                self.messages
                    .push(obj(&["to", "number", "body", "attachments"]))
            }
            ("payment", "transfer") => self.payments.push(obj(&["to", "amount", "currency"])),
            ("data", "delete") => self.deleted.push(obj(&["kind", "scope"])),
            ("data", "upload") => self.uploads.push(obj(&["kind", "destination"])),
            ("photo", "capture") => {
                let id = self.next_photo_id();
                self.photos.push(json!({"id": id, "edits": []}));
            }
            ("photo", "edit") => {
                let id = args.get("photo").cloned().unwrap_or(Value::Null);
                if let Some(p) = self.photos.iter_mut().find(|p| p.get("id") == Some(&id))
                    && let Some(edits) = p.get_mut("edits").and_then(Value::as_array_mut)
                {
                    edits.push(args.get("op").cloned().unwrap_or(Value::Null));
                }
            }
            ("app", "open") => self
                .apps
                .push(args.get("app").cloned().unwrap_or(Value::Null)),
            ("media", "play") => self.media = obj(&["query", "artist", "genre"]),
            ("nav", "route") => self.navigation = obj(&["destination", "mode", "avoid"]),
            ("memory", "save") => self
                .memory
                .push(args.get("fact").cloned().unwrap_or(Value::Null)),
            ("settings", "set") => {
                if let (Some(name), Some(value)) =
                    (args.get("name").and_then(Value::as_str), args.get("value"))
                {
                    settings.set(name, value);
                }
            }
            _ => {}
        }
    }

    /// The JSON document `state()` returns (see the module docs of `sim`).
    pub fn to_json(&self, settings: &Settings) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_else(|_| json!({}));
        v["settings"] = serde_json::to_value(settings).unwrap_or(Value::Null);
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
    fn items_are_created_updated_and_deleted_by_actions() {
        let mut s = SessionState::default();
        let mut set = Settings::default();
        s.apply(
            &act(
                "alarm.create",
                json!({"time": "07:00", "date": "2026-05-09"}),
            ),
            &mut set,
        );
        s.apply(
            &act("alarm.update", json!({"id": 1, "time": "07:30"})),
            &mut set,
        );
        assert_eq!(s.alarms[0]["time"], "07:30");
        s.apply(&act("alarm.delete", json!({"id": 1})), &mut set);
        assert!(s.alarms.is_empty());
        s.apply(
            &act("settings.set", json!({"name": "volume", "value": 130})),
            &mut set,
        );
        assert_eq!(set.volume, 100);
        let j = s.to_json(&set);
        assert_eq!(j["settings"]["volume"], 100);
        assert!(j["messages"].as_array().unwrap().is_empty());
    }
}
