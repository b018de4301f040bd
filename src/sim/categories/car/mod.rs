//! The car-cockpit category (GB/Z 177.7): climate by zone, windows, seats, doors, driver
//! assistance, road signs, navigation, calls and media — with the driving scene in mind.
//!
//! What the scene changes, at every level (it is the safety baseline, not a capability): while
//! the car is driving (`set_scene driving`), video is not played and the trunk or other openings
//! are not opened; turning a driver-assistance function off is confirmed first whatever the
//! scene. Parked (or with no scene), video plays and the tailgate lifts.
//!
//! The cabin's own state (set temperatures per seat, seat heating, what was last adjusted) is
//! kept per session in `Session.learned.prefs` under [`CABIN`]: the engine's `SessionState` has
//! no place for category state, and the map is the session's only free-form store. Habits the
//! terminal learns (L4) sit beside it under their own keys.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use crate::device::protocol::Action;
use crate::sim::events;
use crate::sim::general::{self, CALENDAR, CALL, CHAT, MESSAGE, SUMMARIZE, TRANSLATE};
use crate::sim::nlu;
use crate::sim::plans::{
    ask, cannot_hand_off, confirm_first, has_any, is_correction, move_playing, re, targeted,
};
use crate::sim::skills;
use crate::sim::turn::{Category, Frame, IntentDef, Plan, action, has_cue, more_cues};
use crate::sim::turn::{Ctx, say};
use crate::world::directory as world;

// ------------------------------------------------------------------ cabin state

/// Where the cabin state lives in `Session.learned.prefs`.
pub const CABIN: &str = "car.cabin";
/// The set temperature of every zone of a fresh cabin, in °C.
const DEFAULT_TEMP: f64 = 24.0;
const SEATS: [&str; 4] = ["driver", "passenger", "rear_left", "rear_right"];

/// What was adjusted last (`kind`: climate, window, seat), when this level follows context.
fn last(ctx: &Ctx, kind: &str) -> Option<Map<String, Value>> {
    if !ctx.caps.context {
        return None;
    }
    ctx.kept(CABIN)
        .get("last")
        .and_then(Value::as_object)
        .filter(|l| l.get("kind").and_then(Value::as_str) == Some(kind))
        .cloned()
}

fn remember_last(ctx: &mut Ctx, kind: &str, args: &Value) {
    let mut c = ctx.kept(CABIN);
    let mut l = args.as_object().cloned().unwrap_or_default();
    l.insert("kind".into(), json!(kind));
    c.insert("last".into(), Value::Object(l));
    ctx.keep(CABIN, c);
    // "再调高两度" now refers to the cabin, not to the volume set earlier.
    ctx.ses.context.last_setting = None;
}

fn seat_value(ctx: &Ctx, table: &str, seat: &str, default: f64) -> f64 {
    ctx.kept(CABIN)
        .get(table)
        .and_then(|t| t.get(seat))
        .and_then(Value::as_f64)
        .unwrap_or(default)
}

fn set_seat_values(ctx: &mut Ctx, table: &str, zone: &str, v: f64) {
    let mut c = ctx.kept(CABIN);
    let mut t = c
        .get(table)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for s in seats_of(zone) {
        t.insert((*s).to_string(), json!(v));
    }
    c.insert(table.into(), Value::Object(t));
    ctx.keep(CABIN, c);
}

/// Whether the car is moving: the scene the lab set (`driving`, `highway`, …).
pub fn driving(ctx: &Ctx) -> bool {
    ctx.dev.scene.as_deref().is_some_and(|s| {
        let s = s.to_ascii_lowercase();
        ["driving", "highway", "moving", "city_traffic", "行驶"]
            .iter()
            .any(|w| s.contains(w))
    })
}

// ------------------------------------------------------------------ zones

/// A place in the cabin: one seat, a row, or all of it.
pub struct Zone {
    pub id: &'static str,
    words: &'static [&'static str],
    zh: &'static str,
    en: &'static str,
}

const ZONES: &[Zone] = &[
    Zone {
        id: "driver",
        words: &[
            "主驾驶",
            "主驾",
            "驾驶位",
            "驾驶座",
            "司机",
            "driver",
            "driver's",
        ],
        zh: "主驾",
        en: "driver",
    },
    Zone {
        id: "passenger",
        words: &[
            "副驾驶位",
            "副驾驶座",
            "副驾驶",
            "副驾座",
            "副驾位",
            "副驾",
            "passenger",
            "passenger's",
            "front passenger",
        ],
        zh: "副驾",
        en: "passenger",
    },
    Zone {
        id: "rear_left",
        words: &[
            "后排左侧",
            "后排左边",
            "后排左",
            "左后方",
            "左后",
            "rear left",
            "back left",
        ],
        zh: "左后",
        en: "rear left",
    },
    Zone {
        id: "rear_right",
        words: &[
            "后排右侧",
            "后排右边",
            "后排右",
            "右后方",
            "右后",
            "rear right",
            "back right",
        ],
        zh: "右后",
        en: "rear right",
    },
    Zone {
        id: "rear",
        words: &[
            "后排",
            "后座",
            "后面",
            "孩子",
            "小孩",
            "宝宝",
            "rear",
            "back seat",
            "backseat",
            "in the back",
            "back row",
            "kids",
            "children",
        ],
        zh: "后排",
        en: "rear",
    },
    Zone {
        id: "front",
        words: &["前排", "front seats", "front row"],
        zh: "前排",
        en: "front",
    },
    Zone {
        id: "all",
        words: &[
            "全车",
            "所有",
            "全部",
            "四个",
            "车里",
            "车内",
            "everyone",
            "whole car",
            "all seats",
            "all zones",
            "all windows",
            "all the windows",
            "all of them",
            "in here",
        ],
        zh: "全车",
        en: "all zones",
    },
];

/// The zone named in the text; the longest name wins ("副驾驶位" over "驾驶位").
pub fn find_zone(text: &str) -> Option<&'static Zone> {
    ZONES
        .iter()
        .flat_map(|z| z.words.iter().map(move |w| (z, *w)))
        .filter(|(_, w)| has_cue(text, w))
        // Between equally long names, the first in the table.
        .max_by(|(_, a), (_, b)| {
            a.chars()
                .count()
                .cmp(&b.chars().count())
                .then(std::cmp::Ordering::Greater)
        })
        .map(|(z, _)| z)
}

fn zone(id: &str) -> &'static Zone {
    ZONES
        .iter()
        .find(|z| z.id == id)
        .unwrap_or(&ZONES[ZONES.len() - 1])
}

fn seats_of(id: &str) -> &'static [&'static str] {
    match id {
        "driver" => &SEATS[0..1],
        "passenger" => &SEATS[1..2],
        "rear_left" => &SEATS[2..3],
        "rear_right" => &SEATS[3..4],
        "rear" => &SEATS[2..4],
        "front" => &SEATS[0..2],
        _ => &SEATS,
    }
}

fn zone_words(ctx: &Ctx, id: &str) -> String {
    let z = zone(id);
    if ctx.en() {
        z.en.to_string()
    } else {
        z.zh.to_string()
    }
}

// ------------------------------------------------------------------ numbers

/// A number as said in a slot, Chinese, Arabic or English words.
fn number(s: &str) -> Option<f64> {
    let s = s
        .trim()
        .trim_end_matches(['度', '℃', '°'])
        .trim_end_matches(" degrees")
        .trim();
    nlu::number_strict(s).or_else(|| nlu::en_number(s))
}

static ABS_TEMP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?P<n>[0-9]{2}(?:\.5)?|[一二三四五六七八九十两]{2,4}(?:点五)?)(?:度|℃|°)|(?:\bto |\bat )(?P<e>[0-9]{2}|(?:twenty|thirty|sixteen|seventeen|eighteen|nineteen)(?:[ -][a-z]+)?)(?: ?degrees| ?°c)?|\b(?P<f>[0-9]{2}) ?(?:degrees|°c)",
    )
});
static REL_TEMP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?P<dir>调高|升高|提高|加|升|高|调低|降低|降|低|减|往上|往下|上调|下调)(?P<n>[0-9]|[一二两三四五])度|\b(?P<en>up|down|higher|lower|warmer|cooler) (?:by )?(?P<m>[0-9]|one|two|three|four|five)(?: more)? degrees?\b|\b(?P<m2>[0-9]|an?|one|two|three|four|five)(?: more)? degrees? (?P<en2>up|down|higher|lower|warmer|cooler)\b",
    )
});

fn cn_or_en_small(s: &str) -> Option<f64> {
    nlu::cn_number(s)
        .map(|n| n as f64)
        .or_else(|| nlu::en_number(s))
}

fn find_abs_temp(text: &str) -> Option<f64> {
    let c = ABS_TEMP.captures(text)?;
    if let Some(n) = c.name("n") {
        let s = n.as_str();
        if let Some(whole) = s.strip_suffix("点五") {
            return nlu::cn_number(whole).map(|n| n as f64 + 0.5);
        }
        return number(s);
    }
    nlu::en_number(c.name("e").or_else(|| c.name("f"))?.as_str())
}

fn find_rel_temp(text: &str) -> Option<f64> {
    if let Some(c) = REL_TEMP.captures(text) {
        let n = c
            .name("n")
            .or_else(|| c.name("m"))
            .or_else(|| c.name("m2"))
            .and_then(|m| match m.as_str() {
                "a" | "an" => Some(1.0),
                s => cn_or_en_small(s),
            })?;
        let up = c.name("dir").map_or_else(
            || {
                c.name("en")
                    .or_else(|| c.name("en2"))
                    .is_some_and(|m| matches!(m.as_str(), "up" | "higher" | "warmer"))
            },
            |d| {
                matches!(
                    d.as_str(),
                    "调高" | "升高" | "提高" | "加" | "升" | "高" | "往上" | "上调"
                )
            },
        );
        return Some(if up { n } else { -n });
    }
    // "高些", "再暖和点儿", "凉快一些": a step by the direction and a small amount.
    static STEP: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?P<d>高|低|暖和|暖|凉快|凉|热|冷)(?:一)?(?:点|些)"));
    if let Some(c) = STEP.captures(text) {
        let up = matches!(&c["d"], "高" | "暖和" | "暖" | "热");
        return Some(if up { 1.0 } else { -1.0 });
    }
    if has_any(
        text,
        &[
            "高一点",
            "高点",
            "调高",
            "升高",
            "暖和一点",
            "暖一点",
            "暖和点",
            "热一点",
            "往上",
            "上调",
            "warmer",
            "turn up the heat",
            "higher",
            "raise",
            "turn it up",
            "turn up",
            "bump it up",
            "increase",
        ],
    ) {
        return Some(1.0);
    }
    if has_any(
        text,
        &[
            "低一点",
            "低点",
            "调低",
            "降低",
            "凉快一点",
            "凉一点",
            "凉快点",
            "冷一点",
            "往下",
            "下调",
            "cooler",
            "a bit cooler",
            "lower",
            "turn it down",
            "turn down",
            "decrease",
        ],
    ) {
        return Some(-1.0);
    }
    None
}

fn show_temp(t: f64) -> String {
    if t.fract() == 0.0 {
        format!("{}", t as i64)
    } else {
        format!("{t:.1}")
    }
}

fn temp_json(t: f64) -> Value {
    if t.fract() == 0.0 {
        json!(t as i64)
    } else {
        json!(t)
    }
}

// ------------------------------------------------------------------ climate

/// The zone names a preset command may use (a macro, so templates can be `concat!`-ed).
macro_rules! zones {
    () => {
        "主驾驶|主驾|驾驶位|驾驶座|副驾驶位|副驾驶座|副驾驶|副驾座|副驾|后排左侧|后排左边|后排右侧|后排右边|左后|右后|后排|前排|全车"
    };
}

const ON: &[&str] = &[
    "打开",
    "开启",
    "开一下",
    "开开",
    "开起来",
    "启动",
    "turn on",
    "switch on",
    "start",
];
const OFF: &[&str] = &[
    "关闭",
    "关掉",
    "关上",
    "关了",
    "关一下",
    "停掉",
    "turn off",
    "switch off",
    "shut off",
    "stop",
];
const COLD: &[&str] = &[
    "冷",
    "冻",
    "凉飕飕",
    "好凉",
    "有点凉",
    "cold",
    "freezing",
    "chilly",
];
const HOT: &[&str] = &["热", "晒", "出汗", "hot", "boiling", "sweating", "too warm"];
/// The air in the cabin said to be bad, with a degree word inside ("空气不太好", "空气有点差").
const BAD_AIR: &str = r"空气[^,]{0,3}(?:不好|不太好|不怎么好|差|不新鲜|浑浊|闷)|\b(?:air|it)(?:'s| is)? (?:so |really |a bit |kind of )?(?:stale|musty|stuffy|thick)\b";
const STUFFY: &[&str] = &[
    "闷",
    "空气不好",
    "不新鲜",
    "换换气",
    "stuffy",
    "fresh air",
    "stale",
    "musty",
];
const DEFROST: &[&str] = &[
    "起雾",
    "除雾",
    "雾气",
    "有雾",
    "看不清前面",
    "看不清路",
    "fogged",
    "foggy",
    "defog",
    "defrost",
    "demist",
    "misted",
];
/// Fog or mist on the glass in English, in any of its word forms ("misting", "fogs up").
const FOG: &str = r"\b(?:fog|mist|steam)(?:s|gy|ged|ging|y|ed|ing)?\b|\bcondensation\b";
const ALSO: &[&str] = &[
    "也",
    "一样",
    "同样",
    "照这样",
    "照这个",
    "照着",
    "按这个",
    "same",
    "too",
    "as well",
    "match",
    "likewise",
];
/// "后排也这样", "same for the rear": the last cabin setting, for another place.
const SAME_FOR: &str = r"(?:主驾|副驾|后排|前排|左后|右后|孩子)[^,]{0,3}(?:也|一样|同样)|\bsame (?:for|goes for) (?:the )?(?:driver|passenger|rear|back)";

pub const CLIMATE: IntentDef = IntentDef {
    name: "climate.set",
    templates: &[
        concat!(
            r"^(?:把)?(?:(?P<zone>",
            zones!(),
            r")的?)?(?:空调温度|空调|温度)(?:调到|调至|调成|设为|设置为|设置成|设成|设置到)(?P<t>[0-9]{2}|[一二三四五六七八九十两]{2,4})(?:度|℃)$"
        ),
        concat!(
            r"^(?P<op>打开|开启|关闭|关掉|关上)(?:(?P<zone>",
            zones!(),
            r")的?)?空调$"
        ),
        concat!(
            r"^(?:把)?(?:(?P<zone>",
            zones!(),
            r")的?)?空调(?P<op>打开|开启|关闭|关掉|关了|关上)$"
        ),
        r"^(?P<op>打开|开启|关闭|关掉)(?P<defrost>前挡风|前挡|前风挡|后挡风|后挡|后风挡)?除雾$",
    ],
    templates_en: &[
        r"^set (?:the )?(?:(?P<zone>driver|driver's|passenger|passenger's|rear) )?temperature to (?P<t>[a-z0-9 .-]+?)(?: degrees)?$",
        r"^turn (?P<op>on|off) (?:the )?(?:(?P<zone>driver|driver's|passenger|passenger's|rear) )?(?:air conditioning|air conditioner|ac|a/c|climate control)$",
        r"^turn (?P<op>on|off) (?:the )?(?:(?P<defrost>front|rear) )?(?:defroster|defogger|defrost)$",
    ],
    cues: &[
        ("空调", 5),
        ("温度", 4),
        ("冷", 3),
        ("热", 3),
        ("凉快", 4),
        ("暖和", 4),
        ("除雾", 6),
        ("起雾", 6),
        ("雾", 3),
        ("闷", 4),
        ("暖风", 5),
        ("冷风", 5),
        ("制冷", 5),
        ("制热", 5),
        ("内循环", 6),
        ("外循环", 6),
        ("晒", 3),
        ("冻", 4),
        ("air conditioning", 5),
        ("air conditioner", 5),
        ("air con", 5),
        ("aircon", 5),
        ("ac", 4),
        ("a/c", 4),
        ("temperature", 4),
        ("cold", 3),
        ("hot", 3),
        ("freezing", 5),
        ("chilly", 4),
        ("warmer", 4),
        ("cooler", 4),
        ("stuffy", 4),
        ("stale", 4),
        ("musty", 4),
        ("defog", 6),
        ("defrost", 6),
        ("foggy", 5),
        ("fogged", 5),
        ("degrees", 3),
        ("a bit cold", 6),
        ("is cold", 6),
        ("feels cold", 6),
        ("too cold", 6),
        ("a bit hot", 6),
        ("too hot", 6),
    ],
    patterns: &[
        (r"[0-9一二三四五六七八九十两]度", 3),
        (
            r"^(?:再|还是)?(?:调)?(?:高|低|暖和|凉快)(?:一)?(?:点|些)",
            3,
        ),
        (SAME_FOR, 3),
        (FOG, 6),
        (BAD_AIR, 5),
        // A zone set to a temperature with neither word said: "副驾调成二十二", "rear to 23".
        (
            concat!(
                "(?:",
                zones!(),
                r")[^,]{0,4}(?:调到|调成|设到|设成|到)(?:[0-9]{2}|[一二三四五六七八九十两]{2,4})度?$"
            ),
            4,
        ),
        (
            r"\b(?:driver|passenger|rear|front|back)\b[a-z' ]{0,14}\b(?:to|at) [0-9]{2}\b",
            4,
        ),
    ],
    skill: climate_set,
};

#[derive(Debug, Default)]
struct ClimateReq {
    zone: Option<&'static str>,
    power: Option<bool>,
    abs: Option<f64>,
    rel: Option<f64>,
    circulation: Option<&'static str>,
    defrost: Option<&'static str>,
}

fn zone_word(word: &str) -> Option<&'static str> {
    find_zone(word).map(|z| z.id)
}

fn defrost_side(text: &str) -> &'static str {
    if has_any(text, &["后挡", "后风挡", "后窗", "rear"]) {
        "rear"
    } else {
        "front"
    }
}

/// A personal preference for the cabin temperature: a learned habit (L4) or a remembered fact
/// (L3: "我喜欢把空调开到24度").
fn preferred_temp(ctx: &Ctx) -> Option<f64> {
    if let Some(v) = ctx.learned("climate.temperature").and_then(|v| v.as_f64()) {
        return Some(v);
    }
    ctx.facts()
        .iter()
        .filter(|f| {
            has_any(
                &f.text,
                &["空调", "温度", "air conditioning", "temperature"],
            )
        })
        .find_map(|f| find_abs_temp(&nlu::normalize(&f.text)))
}

pub fn climate_set(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.text.as_str();
    let mut r = ClimateReq::default();
    let last = last(ctx, "climate");
    if f.strict {
        r.zone = f.slot("zone").and_then(zone_word);
        if let Some(op) = f.slot("op") {
            r.power = Some(has_any(op, ON) || op == "on");
        }
        if let Some(t) = f.slot("t") {
            let Some(t) = number(t) else {
                return Plan::NotUnderstood;
            };
            r.abs = Some(t);
        }
        if ["除雾", "defrost", "defog"]
            .iter()
            .any(|w| text.contains(w))
        {
            r.defrost = Some(defrost_side(f.slot("defrost").unwrap_or_default()));
        }
    } else {
        // A question about the weather outside is not a climate request.
        if nlu::is_question(text)
            && (world::find_city(text).is_some()
                || has_any(text, &["明天", "今天", "外面", "tomorrow", "outside"]))
        {
            return Plan::NotUnderstood;
        }
        r.zone = find_zone(text).map(|z| z.id);
        let off = has_any(text, OFF) && !has_any(text, &["打开", "开启", "turn on"]);
        if off {
            r.power = Some(false);
        } else if has_any(
            text,
            &[
                "空调",
                "air conditioning",
                "air conditioner",
                "air con",
                "aircon",
                "ac",
                "a/c",
            ],
        ) && (has_any(text, ON) || text.starts_with('开'))
        {
            r.power = Some(true);
        }
        // "heater on", "AC back on": the English switch word after the thing.
        static SWITCHED_ON: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"\b(?:air conditioning|air conditioner|air con|aircon|ac|a/c|climate control|climate)(?: back)? on\b",
            )
        });
        if r.power.is_none() && SWITCHED_ON.is_match(text) {
            r.power = Some(true);
        }
        r.abs = find_abs_temp(text);
        r.rel = find_rel_temp(text);
        if r.abs.is_none() && r.rel.is_none() && !off {
            if has_any(text, COLD) && !has_any(text, &["冷风", "制冷"]) {
                r.rel = Some(2.0);
            } else if has_any(text, HOT) {
                r.rel = Some(-2.0);
            }
        }
        static BAD: LazyLock<Regex> = LazyLock::new(|| re(BAD_AIR));
        if has_any(text, STUFFY) || BAD.is_match(text) {
            r.circulation = Some("outside");
        } else if has_any(text, &["内循环", "recirculat"]) {
            r.circulation = Some("inside");
        } else if has_any(text, &["外循环"]) {
            r.circulation = Some("outside");
        }
        // Fog in the cabin is on the glass, however it is said ("雾蒙蒙", "全是雾"); smog is air.
        static FOGGED: LazyLock<Regex> = LazyLock::new(|| re(FOG));
        if has_any(text, DEFROST)
            || FOGGED.is_match(text)
            || (text.contains('雾') && !text.contains("雾霾"))
        {
            r.defrost = Some(defrost_side(text));
        }
        let follows = last.is_some()
            && (r.rel.is_some()
                || is_correction(text)
                || (r.abs.is_some() && !has_any(text, &["空调", "温度"])));
        if r.zone.is_none() && follows {
            r.zone = last
                .as_ref()
                .and_then(|l| l.get("zone"))
                .and_then(Value::as_str)
                .map(|z| zone(z).id);
        }
        // "后排也这样": the last setting, for another zone (L3 context).
        if let (Some(l), Some(z)) = (&last, r.zone)
            && has_any(text, ALSO)
            && r.abs.is_none()
            && r.rel.is_none()
            && r.power != Some(false)
        {
            r.abs = l.get("temperature").and_then(Value::as_f64);
            r.power = Some(true);
            r.zone = Some(z);
        }
        let anything = r.power.is_some()
            || r.abs.is_some()
            || r.rel.is_some()
            || r.circulation.is_some()
            || r.defrost.is_some();
        if !anything {
            if nlu::is_question(text) && has_any(text, &["温度", "几度", "多少度", "temperature"])
            {
                let z = r.zone.unwrap_or("driver");
                let t = show_temp(seat_value(ctx, "temp", seats_of(z)[0], DEFAULT_TEMP));
                let zw = zone_words(ctx, z);
                let s = say!(
                    ctx,
                    ["{zw}空调当前设定为{t}度。"],
                    ["The {zw} temperature is set to {t}°C."]
                );
                return Plan::Answer(s);
            }
            return Plan::NotUnderstood;
        }
        // "我有点冷": the speaker's seat, taken to be the driver's when nobody else is named.
        if r.zone.is_none() && (r.rel.is_some() && has_any(text, &["我", "i'm", "i am", " me"])) {
            r.zone = Some("driver");
        }
    }
    plan_climate(ctx, f, r)
}

fn plan_climate(ctx: &mut Ctx, f: &Frame, mut r: ClimateReq) -> Plan {
    let zone_id = r.zone.unwrap_or("all");
    let zw = zone_words(ctx, zone_id);
    let mut args = json!({ "zone": zone_id });
    let mut extra = Vec::new();
    if r.power == Some(false) {
        args["power"] = json!(false);
        let s = say!(
            ctx,
            ["已关闭{zw}空调。"],
            ["Turned off the {zw} climate control."]
        );
        remember_last(ctx, "climate", &args);
        return Plan::act_for(f, action("climate.set", args), s);
    }
    let current = seat_value(ctx, "temp", seats_of(zone_id)[0], DEFAULT_TEMP);
    if r.abs.is_none() && r.rel.is_none() && r.power == Some(true) && r.defrost.is_none() {
        r.abs = preferred_temp(ctx);
    }
    // "不对，我要26度" right after the climate was set: a correction the terminal learns (L4).
    if ctx.caps.learning && is_correction(&f.text) && r.abs.is_some() {
        extra.push(ctx.learn(
            "climate.temperature",
            temp_json(r.abs.unwrap_or(DEFAULT_TEMP)),
        ));
    }
    let target = r.abs.or_else(|| r.rel.map(|d| current + d));
    if let Some(t) = target {
        if !(16.0..=32.0).contains(&t) {
            let s = say!(
                ctx,
                ["空调温度可调范围是16到32度。"],
                ["The temperature can be set between 16 and 32 °C."]
            );
            return Plan::Answer(s);
        }
        args["temperature"] = temp_json(t);
        set_seat_values(ctx, "temp", zone_id, t);
    }
    args["power"] = json!(true);
    if let Some(c) = r.circulation {
        args["circulation"] = json!(c);
    }
    if let Some(d) = r.defrost {
        args["defrost"] = json!(d);
    }
    remember_last(ctx, "climate", &args);
    let mut parts = Vec::new();
    if let Some(d) = r.defrost {
        let (zh, en) = if d == "rear" {
            ("后挡", "rear")
        } else {
            ("前挡", "front")
        };
        parts.push(say!(
            ctx,
            ["已打开{zh}除雾，出风对准玻璃。"],
            ["Turned on the {en} defroster."]
        ));
    }
    if let Some(t) = target.map(show_temp) {
        let s = match r.rel {
            Some(d) if d > 0.0 && r.abs.is_none() => say!(
                ctx,
                ["好的，{zw}温度调高到{t}度。"],
                ["OK, raised the {zw} temperature to {t}°C."]
            ),
            Some(_) if r.abs.is_none() => say!(
                ctx,
                ["好的，{zw}温度调低到{t}度。"],
                ["OK, lowered the {zw} temperature to {t}°C."]
            ),
            _ => say!(
                ctx,
                ["好的，{zw}空调温度已调到{t}度。", "{zw}空调已设为{t}度。"],
                [
                    "OK, the {zw} temperature is set to {t}°C.",
                    "{zw} climate set to {t}°C."
                ]
            ),
        };
        parts.push(s);
    } else if r.defrost.is_none() && r.circulation.is_none() {
        let t = show_temp(current);
        parts.push(say!(
            ctx,
            ["已打开{zw}空调，温度{t}度。"],
            ["Turned on the {zw} climate control at {t}°C."]
        ));
    }
    if r.circulation == Some("outside") {
        parts.push(say!(
            ctx,
            ["已切换到外循环，给车内换换新鲜空气。"],
            ["Switched to fresh-air mode."]
        ));
    } else if r.circulation == Some("inside") {
        parts.push(say!(
            ctx,
            ["已切换到内循环。"],
            ["Switched to recirculation."]
        ));
    }
    if !extra.is_empty() {
        let t = target.map(show_temp).unwrap_or_default();
        parts.push(say!(
            ctx,
            ["记住了，以后开空调就按{t}度。"],
            ["Noted: I'll use {t}°C from now on."]
        ));
    }
    let s = parts.join(if ctx.en() { " " } else { "" });
    let mut actions = targeted(vec![action("climate.set", args)], f);
    actions.extend(extra);
    Plan::Act { actions, say: s }
}

// ------------------------------------------------------------------ windows

macro_rules! windows {
    () => {
        "主驾驶|主驾|驾驶位|副驾驶|副驾|后排左侧|后排左边|后排左|后排右侧|后排右边|后排右|左后|右后|后排|前排|所有|全部|四个"
    };
}

pub const WINDOW: IntentDef = IntentDef {
    name: "window.set",
    templates: &[
        concat!(
            r"^(?P<op>打开|关上|关闭|关掉|升起|降下)(?P<pos>",
            windows!(),
            r")?(?:的)?(?:车窗|窗户)$"
        ),
        concat!(
            r"^(?:把)?(?P<pos>",
            windows!(),
            r")?(?:的)?(?:车窗|窗户)(?P<op>打开|关上|关闭|关掉|升起|降下)(?P<amt>一半|三分之一|[0-9]{1,3}%|百分之[零一二两三四五六七八九十百]+)?$"
        ),
        r"^(?P<op>打开|开启|关闭|关上|关掉)(?P<pos>天窗)$",
    ],
    templates_en: &[
        r"^(?P<op>open|close|roll down|roll up) (?:the )?(?:(?P<pos>all|all the|driver's|driver|passenger's|passenger|rear left|rear right|rear|front) )?windows?$",
        r"^(?P<op>open|close) the (?P<pos>sunroof)$",
    ],
    cues: &[
        ("车窗", 6),
        ("窗户", 5),
        ("天窗", 6),
        ("窗", 3),
        ("透气", 4),
        ("透透气", 5),
        ("开条缝", 5),
        ("window", 6),
        ("windows", 6),
        ("sunroof", 6),
    ],
    patterns: &[(SAME_FOR, 3)],
    skill: window_set,
};

fn window_id(pos: &str) -> &'static str {
    if has_any(pos, &["天窗", "sunroof"]) {
        return "sunroof";
    }
    if pos.starts_with("all") {
        return "all";
    }
    find_zone(pos).map_or("driver", |z| z.id)
}

fn window_amount(text: &str) -> Option<i64> {
    if has_any(text, &["一半", "half", "halfway"]) {
        return Some(50);
    }
    if text.contains("三分之一") {
        return Some(33);
    }
    if has_any(
        text,
        &[
            "一条缝",
            "条缝",
            "一点点",
            "一点",
            "透气",
            "透透气",
            "a crack",
            "a little",
            "a bit",
        ],
    ) {
        return Some(20);
    }
    static PCT: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?P<n>[0-9]{1,3})%|百分之(?P<c>[零一二两三四五六七八九十百]+)|(?P<e>[0-9]{1,3}) percent",
        )
    });
    let c = PCT.captures(text)?;
    let n = c
        .name("n")
        .or_else(|| c.name("e"))
        .map(|m| m.as_str().parse::<i64>().ok())
        .unwrap_or_else(|| {
            c.name("c")
                .and_then(|m| nlu::cn_number(m.as_str()))
                .map(|n| n as i64)
        })?;
    Some(n.clamp(0, 100))
}

pub fn window_set(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.text.as_str();
    let last = last(ctx, "window");
    let (win, open, amount) = if f.strict {
        let op = f.slot("op").unwrap_or_default();
        let open = has_any(op, &["打开", "开启", "降下", "open", "roll down"]);
        let win = f.slot("pos").map_or("driver", window_id);
        (Some(win), Some(open), f.slot("amt").and_then(window_amount))
    } else {
        // "后排也开一下" is about windows only when windows were the last thing set.
        if last.is_none() && !has_any(text, &["窗", "透气", "window", "windows", "sunroof"]) {
            return Plan::NotUnderstood;
        }
        // "车窗全关上", "窗户都关了", "所有车窗": every window, by a quantifier either side.
        static EVERY: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"(?:所有|全部|四个|全)的?(?:车窗|窗户|窗)|(?:车窗|窗户|窗)也?(?:全|都|全都|全部)|\b(?:all|every|each)(?: of)?(?: the)? windows?\b|^(?:please )?(?:close|shut|open|roll (?:up|down)) the windows$",
            )
        });
        let named = find_zone(text)
            .map(|z| z.id)
            .or_else(|| has_any(text, &["天窗", "sunroof"]).then_some("sunroof"))
            .or_else(|| EVERY.is_match(text).then_some("all"));
        let close = has_any(
            text,
            &[
                "关上",
                "关闭",
                "关掉",
                "关了",
                "关起来",
                "关好",
                "升起",
                "升上去",
                "close",
                "closed",
                "roll up",
                "shut",
                "raise",
                "put up",
            ],
        );
        let open = has_any(
            text,
            &[
                "打开",
                "开",
                "降",
                "摇下",
                "放下",
                "落下",
                "透气",
                "open",
                "roll down",
                "down",
                "crack",
                "lower",
            ],
        );
        let wider = has_any(text, &["再开大", "开大一点", "开大点", "wider"]);
        let win = named.or_else(|| {
            last.as_ref()
                .and_then(|l| l.get("window"))
                .and_then(Value::as_str)
                .map(window_id)
        });
        let mut amount = window_amount(text);
        if wider && let Some(l) = &last {
            amount =
                Some((l.get("open_percent").and_then(Value::as_i64).unwrap_or(0) + 30).min(100));
        }
        let open = if close {
            Some(false)
        } else if open || wider {
            Some(true)
        } else {
            None
        };
        // "副驾的也打开": another window, as the last one was set (L3 context).
        let amount = match (&last, amount) {
            (Some(l), None) if has_any(text, ALSO) && open == Some(true) => {
                l.get("open_percent").and_then(Value::as_i64)
            }
            (_, a) => a,
        };
        (win, open, amount)
    };
    let Some(open) = open else {
        return Plan::NotUnderstood;
    };
    // A window named nowhere: the driver's, or every window when the cabin is being aired.
    let win = win.unwrap_or(if has_any(text, &["透气", "透透气"]) {
        "all"
    } else {
        "driver"
    });
    let pct = if open { amount.unwrap_or(100) } else { 0 };
    let args = json!({ "window": win, "open_percent": pct });
    remember_last(ctx, "window", &args);
    let what = if win == "sunroof" {
        say!(ctx, ["天窗"], ["the sunroof"])
    } else {
        let z = zone_words(ctx, win);
        say!(ctx, ["{z}车窗"], ["the {z} windows"])
    };
    let s = match (open, pct) {
        (false, _) => say!(ctx, ["好的，已关闭{what}。"], ["OK, closed {what}."]),
        (true, 100) => say!(ctx, ["好的，已打开{what}。"], ["OK, opened {what}."]),
        (true, p) => say!(
            ctx,
            ["好的，{what}已打开{p}%。"],
            ["OK, opened {what} {p}%."]
        ),
    };
    Plan::act_for(f, action("window.set", args), s)
}

// ------------------------------------------------------------------ seats

pub const SEAT: IntentDef = IntentDef {
    name: "seat.set",
    templates: &[
        concat!(
            r"^(?P<op>打开|开启|关闭|关掉)(?:(?P<pos>",
            zones!(),
            r")的?)?座椅(?P<f>加热|通风|按摩)$"
        ),
        concat!(
            r"^(?:把)?(?:(?P<pos>",
            zones!(),
            r")的?)?座椅(?P<f>加热|通风)(?:调到|开到|调至)(?P<lvl>[一二三123]|最高|最低)档?$"
        ),
    ],
    templates_en: &[
        r"^turn (?P<op>on|off) (?:the )?(?:(?P<pos>driver's|driver|passenger's|passenger|rear) )?seat (?P<f>heating|heater|ventilation|massage)$",
        r"^turn (?P<op>on|off) (?:the )?(?:(?P<pos>driver's|driver|passenger's|passenger|rear) )?(?P<f2>heated|ventilated) seats?$",
    ],
    cues: &[
        ("座椅", 5),
        ("座位", 4),
        // The seat by the part of the body that feels it.
        ("后背", 5),
        ("靠背", 5),
        ("屁股", 4),
        ("加热", 3),
        ("通风", 3),
        ("按摩", 4),
        ("档", 2),
        ("seat", 5),
        ("seats", 5),
        ("heated", 3),
        ("massage", 4),
    ],
    patterns: &[
        (r"(?:开到|调到|调成)(?:最高|最低|[一二三123])档", 3),
        // A bare level ("不对，要最强的", "开满"): the skill takes it only right after a
        // seat was set (L3 context), so a volume or fan level is not read as a seat.
        (r"最高|最大|最强|最低|最小|拉满|开满|满档|[一二三123]档", 3),
        (r"(?:屁股|后背|腰)(?:有点|好|太)?(?:凉|冰|冷)", 5),
        (
            r"\b(?:highest|lowest|max|maximum) (?:level|setting)\b|\blevel [123]\b",
            3,
        ),
        (SAME_FOR, 3),
    ],
    skill: seat_set,
};

fn seat_feature(text: &str) -> Option<&'static str> {
    if has_any(
        text,
        &[
            "通风",
            "ventilat",
            "ventilation",
            "ventilated",
            "出汗",
            "sweaty",
        ],
    ) {
        Some("ventilation")
    } else if has_any(text, &["按摩", "massage"]) {
        Some("massage")
    } else if has_any(
        text,
        &[
            "加热", "heating", "heater", "heated", "heat", "warm", "凉", "冰", "冷", "cold",
        ],
    ) {
        Some("heating")
    } else {
        None
    }
}

fn seat_level(text: &str) -> Option<i64> {
    if has_any(
        text,
        &[
            "最高",
            "最大",
            "最热",
            "最强",
            "到顶",
            "拉满",
            "开满",
            "满档",
            "max",
            "maximum",
            "highest",
            "top level",
            "top setting",
            "all the way up",
            "full blast",
            "full",
        ],
    ) {
        return Some(3);
    }
    if has_any(text, &["最低", "最小", "lowest", "minimum"]) {
        return Some(1);
    }
    static LEVEL: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?P<n>[一二三123])档|level (?P<e>[123])"));
    let c = LEVEL.captures(text)?;
    let s = c.name("n").or_else(|| c.name("e"))?.as_str();
    nlu::cn_number(s).map(|n| n as i64)
}

pub fn seat_set(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.text.as_str();
    let last = last(ctx, "seat");
    let (seat, feature, on, level) = if f.strict {
        let op = f.slot("op").unwrap_or("打开");
        let feature = f.slot("f").or_else(|| f.slot("f2")).and_then(seat_feature);
        let seat = f.slot("pos").and_then(zone_word).unwrap_or("driver");
        (
            seat,
            feature,
            !has_any(op, &["关闭", "关掉", "off"]),
            f.slot("lvl").and_then(seat_level),
        )
    } else {
        let mut feature = seat_feature(text);
        let mut seat = find_zone(text).map(|z| z.id);
        let level = seat_level(text);
        let off = has_any(text, OFF);
        let last_seat = last
            .as_ref()
            .and_then(|l| l.get("seat"))
            .and_then(Value::as_str);
        // "开到最高档" right after the seat was set: the same seat and function (L3 context).
        if feature.is_none()
            && let Some(l) = &last
        {
            feature = ["heating", "ventilation", "massage"]
                .into_iter()
                .find(|k| l.contains_key(*k));
        }
        if seat.is_none() {
            seat = last_seat.map(|s| zone(s).id);
        }
        let Some(feature) = feature else {
            return Plan::NotUnderstood;
        };
        // "副驾也开一下": the level the last seat got (L3 context).
        let level = level.or_else(|| {
            has_any(text, ALSO)
                .then(|| {
                    last.as_ref()
                        .and_then(|l| l.get(feature))
                        .and_then(Value::as_i64)
                })
                .flatten()
        });
        if !(has_any(
            text,
            &[
                "座椅", "座位", "seat", "seats", "加热", "通风", "按摩", "后背", "屁股", "腰",
                "back is",
            ],
        ) || last.is_some())
        {
            return Plan::NotUnderstood;
        }
        (seat.unwrap_or("driver"), Some(feature), !off, level)
    };
    let Some(feature) = feature else {
        return Plan::NotUnderstood;
    };
    let zw = zone_words(ctx, seat);
    let mut extra = Vec::new();
    let mut args = json!({ "seat": seat });
    let s = if feature == "massage" {
        args["massage"] = json!(on);
        if on {
            say!(
                ctx,
                ["已打开{zw}座椅按摩。"],
                ["Turned on the {zw} seat massage."]
            )
        } else {
            say!(
                ctx,
                ["已关闭{zw}座椅按摩。"],
                ["Turned off the {zw} seat massage."]
            )
        }
    } else {
        let key = format!("seat.{feature}");
        let lvl = if !on {
            0
        } else if let Some(l) = level {
            if ctx.caps.learning && is_correction(text) {
                extra.push(ctx.learn(&key, json!(l)));
            }
            l
        } else {
            ctx.learned(&key).and_then(|v| v.as_i64()).unwrap_or(2)
        };
        args[feature] = json!(lvl);
        let (fz, fe) = if feature == "heating" {
            ("加热", "heating")
        } else {
            ("通风", "ventilation")
        };
        match lvl {
            0 => say!(
                ctx,
                ["已关闭{zw}座椅{fz}。"],
                ["Turned off the {zw} seat {fe}."]
            ),
            l => say!(
                ctx,
                ["已打开{zw}座椅{fz}，{l}档。"],
                ["The {zw} seat {fe} is on, level {l}."]
            ),
        }
    };
    remember_last(ctx, "seat", &args);
    let mut actions = targeted(vec![action("seat.set", args)], f);
    actions.extend(extra);
    Plan::Act { actions, say: s }
}

// ------------------------------------------------------------------ doors and driver assistance

pub const DOOR: IntentDef = IntentDef {
    name: "door.set",
    templates: &[
        r"^(?P<op>打开|关闭|关上|开启)(?P<d>后备箱|尾门|前备箱|充电口|充电口盖|油箱盖|加油口)$",
    ],
    templates_en: &[
        r"^(?P<op>open|close) (?:the )?(?P<d>trunk|boot|tailgate|frunk|charge port|fuel door)$",
    ],
    cues: &[
        ("后备箱", 6),
        ("尾门", 6),
        ("前备箱", 6),
        ("充电口", 5),
        ("油箱盖", 5),
        ("加油口", 5),
        ("trunk", 6),
        ("boot", 4),
        ("tailgate", 6),
        ("frunk", 6),
        ("charge port", 5),
        ("fuel door", 5),
    ],
    patterns: &[],
    skill: door_set,
};

fn door_id(text: &str) -> Option<(&'static str, &'static str, &'static str)> {
    const DOORS: &[(&[&str], &str, &str, &str)] = &[
        (&["前备箱", "frunk"], "frunk", "前备箱", "front trunk"),
        (
            &["后备箱", "尾门", "trunk", "boot", "tailgate"],
            "trunk",
            "后备箱",
            "trunk",
        ),
        (
            &["充电口", "charge port"],
            "charge_port",
            "充电口",
            "charge port",
        ),
        (
            &["油箱盖", "加油口", "fuel door"],
            "fuel_door",
            "油箱盖",
            "fuel door",
        ),
    ];
    DOORS
        .iter()
        .find(|(ws, ..)| has_any(text, ws))
        .map(|(_, id, zh, en)| (*id, *zh, *en))
}

pub fn door_set(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("d");
    let Some((door, zh, en)) = door_id(text) else {
        return Plan::NotUnderstood;
    };
    let op_text = f.slot_or_text("op");
    let close = has_any(op_text, &["关闭", "关上", "关掉", "close", "shut"]);
    let open = !close && has_any(op_text, &["打开", "开启", "开一下", "开", "open", "pop"]);
    if !open && !close {
        return Plan::NotUnderstood;
    }
    if open && driving(ctx) {
        let s = say!(
            ctx,
            ["车辆正在行驶，为了安全不能打开{zh}，请停车后再试。"],
            [
                "The car is moving, so for safety I can't open the {en}. Please try again once you've stopped."
            ]
        );
        return Plan::Answer(s);
    }
    let args = json!({ "door": door, "open": open });
    let s = if open {
        say!(ctx, ["好的，已打开{zh}。"], ["OK, the {en} is open."])
    } else {
        say!(ctx, ["好的，已关闭{zh}。"], ["OK, the {en} is closed."])
    };
    Plan::act_for(f, action("door.set", args), s)
}

pub const ASSIST: IntentDef = IntentDef {
    name: "assist.set",
    templates: &[
        r"^(?P<op>关闭|关掉|打开|开启)(?P<f>车道保持辅助|车道保持|车道偏离预警|自动紧急制动|紧急制动|前碰撞预警|碰撞预警|自适应巡航|盲区监测)$",
    ],
    templates_en: &[
        r"^turn (?P<op>on|off) (?:the )?(?P<f>lane keeping assist|lane keeping|lane departure warning|automatic emergency braking|emergency braking|collision warning|adaptive cruise control|adaptive cruise|blind spot monitoring)$",
    ],
    cues: &[
        ("车道保持", 6),
        ("车道偏离", 6),
        ("紧急制动", 6),
        ("自动刹车", 6),
        ("碰撞预警", 6),
        ("巡航", 5),
        ("盲区", 5),
        ("lane keeping", 6),
        ("lane departure", 6),
        ("emergency braking", 6),
        ("collision warning", 6),
        ("cruise", 5),
        ("blind spot", 5),
    ],
    patterns: &[],
    skill: assist_set,
};

fn assist_feature(text: &str) -> Option<(&'static str, &'static str, &'static str)> {
    const FEATURES: &[(&[&str], &str, &str, &str)] = &[
        (
            &["车道保持", "lane keeping"],
            "lane_keeping",
            "车道保持辅助",
            "lane keeping assist",
        ),
        (
            &["车道偏离", "lane departure"],
            "lane_departure_warning",
            "车道偏离预警",
            "lane departure warning",
        ),
        (
            &["紧急制动", "自动刹车", "emergency braking"],
            "emergency_braking",
            "自动紧急制动",
            "automatic emergency braking",
        ),
        (
            &["碰撞预警", "collision warning"],
            "collision_warning",
            "前碰撞预警",
            "collision warning",
        ),
        (
            &["巡航", "cruise"],
            "adaptive_cruise",
            "自适应巡航",
            "adaptive cruise control",
        ),
        (
            &["盲区", "blind spot"],
            "blind_spot",
            "盲区监测",
            "blind spot monitoring",
        ),
    ];
    FEATURES
        .iter()
        .find(|(ws, ..)| has_any(text, ws))
        .map(|(_, id, zh, en)| (*id, *zh, *en))
}

/// Switching a driver-assistance function off lowers safety: asked first, at every level.
pub fn assist_set(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("f");
    let Some((feature, zh, en)) = assist_feature(text) else {
        return Plan::NotUnderstood;
    };
    let op_text = f.slot_or_text("op");
    let off = has_any(
        op_text,
        &[
            "关闭", "关掉", "关了", "停用", "禁用", "不要", "off", "disable",
        ],
    );
    let on = !off && has_any(op_text, &["打开", "开启", "启用", "on", "enable"]);
    if !on && !off {
        return Plan::NotUnderstood;
    }
    let args = json!({ "feature": feature, "enabled": on });
    let actions = targeted(vec![action("assist.set", args)], f);
    if on {
        let s = say!(ctx, ["已开启{zh}。"], ["{en} is on."]);
        return Plan::Act { actions, say: s };
    }
    let q = say!(
        ctx,
        ["关闭{zh}会降低行车安全，确认要关闭吗？请说“确认”或“取消”。"],
        [
            "Turning off {en} makes driving less safe. Do you want to turn it off? Say \"confirm\" or \"cancel\"."
        ]
    );
    let done = say!(
        ctx,
        ["已关闭{zh}，请注意驾驶安全。"],
        ["{en} is off. Please drive carefully."]
    );
    confirm_first(ctx, actions, q, done)
}

// ------------------------------------------------------------------ road signs (camera)

pub const SIGN: IntentDef = IntentDef {
    name: "sign.read",
    templates: &[
        r"^(?:这个|那个|前面的?|路边的?)?(?:交通标志|标志|路牌|牌子|指示牌)(?:上)?(?:写的?是?什么|是什么意思|什么意思|说的?是?什么|限速多少)$",
        r"^(?:这里|这段路|现在|这条路)限速多少$",
        r"^(?:读读|念念|读|念)(?:一下|一遍)?(?:这个|那个|前面的?|路边的?)?(?:交通标志|标志|路牌|牌子|指示牌)(?:上的?)?(?:写的?)?(?:文字|字|内容)?$",
    ],
    templates_en: &[
        r"^what does (?:this|that|the) (?:road )?sign (?:say|mean)$",
        r"^what(?:'s| is) the speed limit(?: here)?$",
    ],
    cues: &[
        ("限速", 6),
        ("路牌", 5),
        ("标志", 4),
        ("牌子", 4),
        ("指示牌", 5),
        ("出口", 3),
        ("sign", 5),
        ("speed limit", 6),
        ("exit", 3),
    ],
    patterns: &[],
    skill: sign_read,
};

/// What a sign seen by the camera says, as a driver wants to hear it.
pub fn sign_read(ctx: &mut Ctx, f: &Frame) -> Plan {
    // "导航去牌子上的地方" wants a route, not a reading.
    if !f.strict
        && has_any(
            &f.text,
            &["导航", "带我去", "开过去", "navigate", "take me", "drive"],
        )
    {
        return Plan::NotUnderstood;
    }
    let Some(content) = f.content.clone().filter(|c| !c.trim().is_empty()) else {
        if f.strict || has_any(&f.text, &["标志", "路牌", "牌子", "指示牌", "sign"]) {
            let s = say!(
                ctx,
                ["抱歉，摄像头没有看到路牌。"],
                ["Sorry, the camera can't see a sign."]
            );
            return Plan::Answer(s);
        }
        return Plan::NotUnderstood;
    };
    let first = content
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    if first.chars().all(|c| c.is_ascii_digit()) && !first.is_empty() {
        let fast = driving(ctx);
        let mut s = say!(
            ctx,
            ["这是限速标志，限速{first}公里每小时。"],
            ["That's a speed limit sign: {first} km/h."]
        );
        if fast {
            s += &say!(ctx, ["请注意控制车速。"], [" Please mind your speed."]);
        }
        return Plan::Answer(s);
    }
    let (place, rest) = split_sign(&first);
    let s = match rest {
        Some(r) => say!(
            ctx,
            ["路牌上写着：{place}，{r}。"],
            ["The sign says: {place}, {r}."]
        ),
        None => say!(ctx, ["路牌上写着：{place}。"], ["The sign says: {place}."]),
    };
    Plan::Answer(s)
}

/// "首都机场 出口 2公里" → ("首都机场", Some("出口 2公里")).
fn split_sign(line: &str) -> (String, Option<String>) {
    match line.split_once(' ') {
        Some((a, b)) if !b.trim().is_empty() => (a.trim().to_string(), Some(b.trim().to_string())),
        _ => (line.trim().to_string(), None),
    }
}

// ------------------------------------------------------------------ navigation

pub const NAV: IntentDef = IntentDef {
    name: "nav.route",
    templates: &[r"^(?:导航到|导航去|导航至|导航)(?P<dest>[^,]+)$"],
    templates_en: &[r"^navigate (?:to(?-u:\b) ?)?(?P<dest>.+)$"],
    cues: more_cues!(
        general::NAV_WORDS,
        &[
            ("开车去", 4),
            ("回家", 4),
            ("去公司", 4),
            ("加油站", 4),
            ("充电站", 4),
            ("充电桩", 4),
            ("服务区", 4),
            ("停车场", 4),
            ("没油", 5),
            ("没电了", 4),
            ("油不多", 5),
            ("电不多", 4),
            ("机场", 2),
            ("火车站", 2),
            ("绕路", 4),
            ("高速", 3),
            ("重新规划", 5),
            ("highway", 3),
            ("highways", 3),
            ("motorway", 3),
            ("reroute", 5),
            ("送我去", 5),
            ("我要去", 4),
            ("我想去", 4),
            ("去机场", 4),
            ("去火车站", 4),
            ("去上班", 4),
            ("take me to", 5),
            ("gas station", 4),
            ("charging station", 4),
            ("drive me", 5),
            ("low on fuel", 5),
        ]
    ),
    patterns: &[
        (r"(?:换|改|重新规划)(?:一条|个)?(?:路线|路)", 5),
        (r"(?:去|到)(?:最近的|附近的)", 4),
        (LOW_ENERGY, 5),
        // "去颐和园": going somewhere said with the bare verb.
        (r"^去[^,]{2,14}$", 4),
        // A place named by what shows it: "到标牌上标的位置".
        (
            r"(?:去|到|导航到?)[^,]{0,10}(?:写的|上的|标的|指的)(?:那个|这个)?(?:地方|地名|位置|那里|那儿)",
            7,
        ),
        (
            r"(?:按|照|根据)[^,]{0,10}(?:地名|地址|位置)[^,]{0,4}导航",
            7,
        ),
    ],
    skill: nav_route,
};

static DEST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:导航到|导航去|导航至|带我去|开车去|我要去|我想去|送我去|去往|前往|怎么去|导航|去|到)(?P<d>[^,?]+?)(?:怎么走|怎么去|的路线|的导航|的路|要多久|多远|吧)?$|(?:navigate to|directions to|take me to|how do i get to|route to|drive me to|drive to|get me to|way to|navigate)(?-u:\b) ?(?P<e>[^,?]+)",
    )
});

/// "油箱见底了", "电量不够了": the tank or battery is running low.
const LOW_ENERGY: &str = r"(?:油|电|油箱|电池)(?:量|表)?(?:快|要|都|就|也){0,3}(?:没了|没有了|用完|不够|见底|到底|不多|空了|耗尽|告急|低|亮红灯)|(?:快|要)?没(?:啥|什么|多少|剩多少)?(?:油|电)了|(?:油|电)灯亮|low on (?:fuel|gas|petrol|battery)|(?:running|almost|nearly) out of (?:fuel|gas|petrol|battery)|(?:fuel|gas|petrol|battery)(?: is|'s)? (?:getting |running |very )?low|(?:fuel|gas|petrol) (?:warning )?light";

/// Kinds of place a driver asks for by kind, and their name as a destination.
const POIS: &[(&[&str], &str)] = &[
    (
        &[
            "加油站",
            "加油",
            "gas station",
            "petrol station",
            "没油",
            "油不多",
            "low on fuel",
        ],
        "加油站",
    ),
    (
        &[
            "充电站",
            "充电桩",
            "charging station",
            "charger",
            "没电了",
            "电不多",
        ],
        "充电站",
    ),
    (&["服务区", "service area", "rest area"], "服务区"),
    (&["停车场", "parking", "car park"], "停车场"),
];

/// Names that stand for several places; the terminal asks which, and at L4 remembers.
const AMBIGUOUS: &[(&str, &[(&str, &str)])] = &[
    ("机场", &[("首都", "首都机场"), ("大兴", "大兴机场")]),
    (
        "火车站",
        &[
            ("南站", "北京南站"),
            ("西站", "北京西站"),
            ("北京站", "北京站"),
        ],
    ),
];

static HOME_FACT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:家住在|家住|家在|住在|\bhome is (?:in|at) |\bi live (?:in|at) )(?P<p>[^,.。，]+)")
});
static WORK_FACT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:公司在|单位在|办公室在|上班的地方在|\boffice is (?:in|at) |\bi work (?:in|at) )(?P<p>[^,.。，]+)|在(?P<q>[^,.。，]+?)上班",
    )
});

fn fact_place(ctx: &Ctx, pattern: &Regex) -> Option<String> {
    ctx.facts().iter().find_map(|f| {
        let t = nlu::normalize(&f.text);
        let c = pattern.captures(&t)?;
        let p = c.name("p").or_else(|| c.name("q"))?.as_str().trim();
        (!p.is_empty()).then(|| p.trim_end_matches(['了', '的']).to_string())
    })
}

fn clean_dest(d: &str) -> String {
    let d = d
        .trim()
        .trim_start_matches(['到', '去'])
        .trim_end_matches(['吧', '呢', '了']);
    let d = d.strip_suffix("一下").unwrap_or(d);
    d.trim_start_matches("the ").trim().to_string()
}

/// A kind of road turned down, however said: a negation or an avoiding verb before the road
/// ("高速就别上了" is taken by the word list; "不想上高速", "stay off the motorway").
static NO_HIGHWAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:不|别|避开|避免|绕开|躲开|甭)[^,]{0,4}高速|高速[^,]{0,3}(?:别|不)(?:走|上)|\b(?:avoid|avoiding|avoids|skip|skips|skipping|no|without|not|off|bypass|bypassing|never|don't|dont)\b[^,]{0,16}\b(?:highways?|motorways?|expressways?|freeways?)\b",
    )
});
/// Asking for the route being followed to be planned again, by another way.
const REROUTE: &[&str] = &[
    "换一条",
    "换条",
    "换路线",
    "重新规划",
    "重新导航",
    "改走",
    "另一条",
    "别的路",
    "another route",
    "another way",
    "different route",
    "different way",
    "other way",
    "new route",
    "reroute",
    "re-route",
];

fn avoid_of(text: &str) -> Vec<&'static str> {
    let mut v = Vec::new();
    if NO_HIGHWAY.is_match(text)
        || has_any(
            text,
            &[
                "不走高速",
                "避开高速",
                "不上高速",
                "别走高速",
                "不要走高速",
                "avoid highways",
                "avoid the highway",
                "no highways",
                "without highways",
                "avoid motorways",
            ],
        )
    {
        v.push("highway");
    }
    if has_any(text, &["收费", "免费的路", "toll", "tolls"]) {
        v.push("toll");
    }
    if has_any(
        text,
        &["拥堵", "堵车", "别堵", "不堵", "traffic", "congestion"],
    ) {
        v.push("congestion");
    }
    v
}

pub fn nav_route(ctx: &mut Ctx, f: &Frame) -> Plan {
    if let Some(p) = cannot_hand_off(ctx, f) {
        return p;
    }
    let text = f.text.as_str();
    let avoid = avoid_of(text);
    // "换一条不走高速的路": the route being followed, re-planned (L3 context).
    let current = ctx
        .ses
        .state
        .navigation
        .get("destination")
        .and_then(Value::as_str)
        .map(str::to_string);
    if ctx.caps.context
        && let Some(dest) = current.clone()
        && has_any(text, REROUTE)
    {
        return route(ctx, f, &dest, avoid);
    }
    let sign_dest = f
        .content
        .as_deref()
        .filter(|_| {
            has_any(
                text,
                &[
                    "牌子",
                    "标志",
                    "路牌",
                    "这个地方",
                    "那里",
                    "那个地方",
                    "这个出口",
                    "sign",
                    "there",
                ],
            )
        })
        .map(|c| {
            let first = c.lines().next().unwrap_or_default();
            split_sign(first).0
        });
    static LOW: LazyLock<Regex> = LazyLock::new(|| re(LOW_ENERGY));
    let poi = POIS
        .iter()
        .find(|(ws, _)| has_any(text, ws))
        .map(|(_, p)| (*p).to_string())
        .or_else(|| {
            LOW.find(text).map(|m| {
                if m.as_str().contains('电') || m.as_str().contains("battery") {
                    "充电站"
                } else {
                    "加油站"
                }
                .to_string()
            })
        });
    let raw = if f.strict {
        // "导航一下" names no place: the template's slot then holds only the softener.
        f.slot("dest").map(clean_dest).filter(|d| !d.is_empty())
    } else {
        // A clause saying the tank is low ("油表快到底了") names no place.
        text.split(',')
            .filter(|c| !LOW.is_match(c))
            .find_map(|clause| {
                let c = DEST.captures(clause.trim())?;
                let d = clean_dest(c.name("d").or_else(|| c.name("e"))?.as_str());
                (!d.is_empty() && !has_any(&d, &["避开", "高速", "收费"])).then_some(d)
            })
    };
    let home = |d: &str| matches!(d, "家" | "回家" | "家里" | "home") || d.ends_with("回家");
    let work = |d: &str| {
        matches!(
            d,
            "公司" | "单位" | "上班" | "work" | "the office" | "office"
        )
    };
    // "开到那儿", "领我去那边": a place pointed at, not named; only a sign can say where.
    let raw = raw.filter(|d| {
        !matches!(
            d.as_str(),
            "过去" | "那里" | "那儿" | "那边" | "这里" | "那"
        )
    });
    let dest = if let Some(s) = sign_dest.filter(|_| !f.strict) {
        Some(s)
    } else if raw.as_deref().is_some_and(home)
        || (!f.strict && raw.is_none() && has_any(text, &["回家", "go home", "take me home"]))
    {
        match fact_place(ctx, &HOME_FACT) {
            Some(p) => Some(p),
            None => {
                let s = say!(
                    ctx,
                    ["还不知道你家的地址。可以对我说“记住我家在……”。"],
                    ["I don't know your home address yet. Tell me \"remember my home is at …\"."]
                );
                return Plan::Answer(s);
            }
        }
    } else if raw.as_deref().is_some_and(work)
        || (!f.strict && raw.is_none() && has_any(text, &["去公司", "去上班", "to work"]))
    {
        match fact_place(ctx, &WORK_FACT) {
            Some(p) => Some(p),
            None => {
                let s = say!(
                    ctx,
                    ["还不知道你公司的地址。"],
                    ["I don't know where you work yet."]
                );
                return Plan::Answer(s);
            }
        }
    } else if !f.strict
        && let Some(p) = poi.filter(|p| {
            raw.as_deref()
                .is_none_or(|r| r.contains(p.as_str()) || POIS.iter().any(|(ws, _)| has_any(r, ws)))
        })
    {
        Some(p)
    } else {
        raw
    };
    let Some(dest) = dest else {
        // "导航交给手机" (L4): the route being followed moves to the linked device.
        if f.target.is_some() && !ctx.ses.state.navigation.is_null() {
            let mut a = action(
                "device.handoff",
                json!({ "task": "nav.route", "args": ctx.ses.state.navigation.clone() }),
            );
            a.target.clone_from(&f.target);
            let t = f.target.clone().unwrap_or_default();
            let s = say!(
                ctx,
                ["好的，导航已转到{t}上继续。"],
                ["OK, the route continues on {t}."]
            );
            return Plan::act(a, s);
        }
        if f.strict {
            return Plan::NotUnderstood;
        }
        // "这回不走收费路" with no place named: the route being followed, with that one slot
        // changed (L3 context).
        if ctx.caps.context
            && !avoid.is_empty()
            && let Some(dest) = current
        {
            return route(ctx, f, &dest, avoid);
        }
        if !has_any(
            text,
            &[
                "导航",
                "navigate",
                "怎么走",
                "带我去",
                "take me",
                "去",
                "到",
            ],
        ) {
            return Plan::NotUnderstood;
        }
        return ask(ctx, f, "要去哪里？", "Where to?");
    };
    let dest = match resolve_ambiguous(ctx, f, &dest) {
        Ok((d, learned_now)) => {
            if let Some(a) = learned_now {
                let mut p = route(ctx, f, &d, avoid);
                if let Plan::Act { actions, say } = &mut p {
                    actions.push(a);
                    say.push_str(&if ctx.en() {
                        " I'll remember that.".to_string()
                    } else {
                        "以后就按这个走。".to_string()
                    });
                }
                return p;
            }
            d
        }
        Err(plan) => return plan,
    };
    route(ctx, f, &dest, avoid)
}

/// "去机场": which airport? A learned choice (L4), a choice said in the answer, or a question.
fn resolve_ambiguous(
    ctx: &mut Ctx,
    f: &Frame,
    dest: &str,
) -> Result<(String, Option<Action>), Plan> {
    let Some((key, options)) = AMBIGUOUS.iter().find(|(k, _)| dest.contains(k)) else {
        return Ok((dest.to_string(), None));
    };
    if let Some((_, full)) = options
        .iter()
        .find(|(w, _)| dest.contains(w) || f.text.contains(w))
    {
        // The user just answered the question this terminal asked: at L4 that choice is learned.
        let mut c = ctx.kept(CABIN);
        let asked = c
            .remove("asked_alias")
            .and_then(|v| v.as_str().map(str::to_string));
        ctx.keep(CABIN, c);
        if ctx.caps.learning && asked.as_deref() == Some(*key) {
            let a = ctx.learn(&format!("nav.alias.{key}"), json!(full));
            return Ok(((*full).to_string(), Some(a)));
        }
        return Ok(((*full).to_string(), None));
    }
    if dest != *key {
        return Ok((dest.to_string(), None));
    }
    if let Some(v) = ctx
        .learned(&format!("nav.alias.{key}"))
        .and_then(|v| v.as_str().map(str::to_string))
    {
        return Ok((v, None));
    }
    let mut c = ctx.kept(CABIN);
    c.insert("asked_alias".into(), json!(key));
    ctx.keep(CABIN, c);
    let names: Vec<&str> = options.iter().map(|(_, n)| *n).collect();
    let zh = names.join("还是");
    let en = names.join(" or ");
    Err(ask(
        ctx,
        f,
        &format!("你要去{zh}？"),
        &format!("Which one: {en}?"),
    ))
}

/// The road kinds a stored list names (a route's `avoid`, a learned habit).
fn road_kinds(v: &[Value]) -> Vec<&'static str> {
    v.iter()
        .filter_map(Value::as_str)
        .filter_map(|s| {
            ["highway", "toll", "congestion"]
                .into_iter()
                .find(|k| *k == s)
        })
        .collect()
}

fn route(ctx: &mut Ctx, f: &Frame, dest: &str, mut avoid: Vec<&'static str>) -> Plan {
    // Planned again to where it already goes: what the route avoided still holds.
    let nav = &ctx.ses.state.navigation;
    if avoid.is_empty()
        && ctx.caps.context
        && nav.get("destination").and_then(Value::as_str) == Some(dest)
        && let Some(Value::Array(v)) = nav.get("avoid")
    {
        avoid = road_kinds(v);
    }
    if avoid.is_empty()
        && let Some(Value::Array(v)) = ctx.learned("nav.avoid")
    {
        avoid = road_kinds(&v);
    }
    let mut args = json!({ "destination": dest, "mode": "drive" });
    if !avoid.is_empty() {
        args["avoid"] = json!(avoid);
    }
    let how = if avoid.is_empty() {
        String::new()
    } else {
        let zh: Vec<&str> = avoid
            .iter()
            .map(|a| match *a {
                "highway" => "高速",
                "toll" => "收费路段",
                _ => "拥堵路段",
            })
            .collect();
        let en: Vec<&str> = avoid
            .iter()
            .map(|a| match *a {
                "highway" => "highways",
                "toll" => "tolls",
                _ => "traffic",
            })
            .collect();
        let (zh, en) = (zh.join("和"), en.join(" and "));
        say!(ctx, ["，避开{zh}"], [", avoiding {en}"])
    };
    let s = say!(
        ctx,
        [
            "好的，开始导航到{dest}{how}。",
            "正在规划前往{dest}的路线{how}。"
        ],
        [
            "OK, navigating to {dest}{how}.",
            "Routing you to {dest}{how}."
        ]
    );
    Plan::act_for(f, action("nav.route", args), s)
}

// ------------------------------------------------------------------ media

pub const MEDIA: IntentDef = IntentDef {
    cues: more_cues!(
        general::MEDIA.cues,
        &[
            ("视频", 5),
            ("电影", 5),
            ("电视剧", 5),
            ("综艺", 5),
            ("追剧", 5),
            ("看一集", 5),
            ("一集", 5),
            ("想看", 5),
            ("看会儿", 5),
            ("video", 5),
            ("movie", 5),
            ("episode", 5),
            ("film", 4),
            ("show", 3),
        ]
    ),
    patterns: &[],
    skill: car_media,
    ..general::MEDIA
};

const VIDEO: &[&str] = &[
    "视频",
    "电影",
    "影片",
    "电视剧",
    "综艺",
    "动画片",
    "一集",
    "追剧",
    "想看",
    "看会儿",
    "mv",
    "video",
    "movie",
    "film",
    "episode",
    "tv show",
    "series",
];
/// Music as anywhere; video only while parked, since it would distract the driver.
pub fn car_media(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("q");
    if let Some(p) = move_playing(ctx, f) {
        return p;
    }
    // A film or series the video catalogue knows, or anything one asks to watch ("放点X看").
    let watch = has_any(text, VIDEO)
        || super::tv::catalogue::title_in(text).is_some()
        || text.trim_end_matches(['吧', '呢', '啊']).ends_with('看');
    if !watch {
        return skills::media_play(ctx, f);
    }
    if driving(ctx) {
        let s = say!(
            ctx,
            ["车辆正在行驶，为了行车安全不能播放视频，停车后再看吧。需要的话我可以先放点音乐。"],
            [
                "The car is moving, so I won't play video: it would distract the driver. I can put some music on instead."
            ]
        );
        return Plan::Answer(s);
    }
    static PLAY: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^.*?(?:播放|我想看会儿|想看会儿|看会儿|我想看|想看|放一集|看一集|看|放|play|watch|put on)(?: an?| the| some)?",
        )
    });
    let q = match super::tv::catalogue::title_in(text) {
        Some(t) => t.name.to_string(),
        None => PLAY
            .replace(text, "")
            .trim_matches([',', ' '])
            .trim_end_matches(['吧', '呢', '啊'])
            .trim_end_matches('看')
            .to_string(),
    };
    let q = if q.is_empty() {
        if ctx.en() {
            "video".to_string()
        } else {
            "视频".to_string()
        }
    } else {
        q
    };
    let s = say!(
        ctx,
        ["车辆已停稳，正在中控屏播放{q}。"],
        ["The car is parked; playing {q} on the centre screen."]
    );
    let args = json!({ "query": q, "kind": "video" });
    Plan::act_for(f, action("media.play", args), s)
}

// ------------------------------------------------------------------ the driver's condition

pub const CARE: IntentDef = IntentDef {
    name: "driver.care",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("困", 5),
        ("犯困", 6),
        ("好累", 5),
        ("开累了", 6),
        ("疲劳", 6),
        ("眼皮", 4),
        ("打哈欠", 5),
        ("sleepy", 6),
        ("tired", 5),
        ("drowsy", 6),
        ("yawning", 5),
    ],
    patterns: &[],
    skill: driver_care,
};

/// A tired driver: a terminal that helps proactively (L3) offers the nearest service area.
pub fn driver_care(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !has_any(
        &f.text,
        &[
            "困", "累", "疲劳", "眼皮", "哈欠", "sleepy", "tired", "drowsy", "yawn",
        ],
    ) {
        return Plan::NotUnderstood;
    }
    if !ctx.caps.proactive {
        let s = say!(
            ctx,
            ["疲劳驾驶很危险，请尽快找安全的地方停车休息。"],
            ["Driving tired is dangerous; please stop somewhere safe and rest."]
        );
        return Plan::Answer(s);
    }
    let q = say!(
        ctx,
        [
            "疲劳驾驶很危险。前方最近的服务区大约12公里，要我带你开到那里休息一下吗？我也可以先把空调温度调低一点。"
        ],
        [
            "Driving tired is dangerous. The nearest service area is about 12 km ahead: shall I route you to it so you can rest?"
        ]
    );
    let done = say!(
        ctx,
        ["好的，开始导航到最近的服务区。"],
        ["OK, navigating to the nearest service area."]
    );
    let actions = targeted(
        vec![action(
            "nav.route",
            json!({ "destination": "服务区", "mode": "drive" }),
        )],
        f,
    );
    confirm_first(ctx, actions, q, done)
}

// ------------------------------------------------------------------ follow-ups

/// A place in the cabin named, in either language: with nothing else said, it is the place a
/// follow-up moves the last setting to ("后排按这个", "rear likewise").
const NAMES_ZONE: &str = concat!(
    "(?:",
    zones!(),
    r")|\b(?:driver|passenger|rear|back seats?|front seats?)\b"
);
/// A step up or down with nothing else said ("再低些", "bit lower", "two degrees down").
const NAMES_STEP: &str = r"高|低|往上|往下|暖|凉|大|小|\b(?:up|down|higher|lower|warmer|cooler|more|less|raise|max|top)\b";

/// A follow-up that changes one slot of what the cabin last set — another zone, a step up or
/// down, a level — understood from the session's last action rather than from its words
/// (L3 context): the skill of what was set last reads it, and knows what it may change.
pub const CABIN_FOLLOW_UP: IntentDef = IntentDef {
    name: "cabin.follow_up",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: &[(NAMES_ZONE, 3), (NAMES_STEP, 3)],
    skill: cabin_follow_up,
};

fn cabin_follow_up(ctx: &mut Ctx, f: &Frame) -> Plan {
    if f.strict || !ctx.caps.context {
        return Plan::NotUnderstood;
    }
    let kind = ctx
        .kept(CABIN)
        .get("last")
        .and_then(|l| l.get("kind"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let text = f.text.as_str();
    match kind.as_deref() {
        Some("climate") => climate_set(ctx, f),
        Some("window") => window_set(ctx, f),
        // The seat skill takes any wording right after a seat was set; here only one that
        // names what changes: another seat, a level, or the same again.
        Some("seat")
            if find_zone(text).is_some()
                || seat_level(text).is_some()
                || has_any(text, ALSO)
                || has_any(text, OFF) =>
        {
            seat_set(ctx, f)
        }
        _ => Plan::NotUnderstood,
    }
}

// ------------------------------------------------------------------ the baseline every terminal keeps

pub const VOLUME: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:把)?(?P<name>媒体音量|音量|屏幕亮度|亮度)(?:调到|调至|调成|设为|设置为|设置成|设成)(?P<value>.+)$",
        r"^(?P<op>打开|开启|关闭|关掉|关上)(?P<name>蓝牙|勿扰模式|免打扰模式|免打扰|勿扰)$",
    ],
    templates_en: &[
        r"^set (?:the )?(?P<name>volume|brightness) to (?P<value>.+)$",
        r"^turn (?P<op>on|off) (?P<name>bluetooth|do not disturb)$",
    ],
    cues: more_cues!(
        general::VOLUME_WORDS,
        general::NOISY_WORDS,
        general::BRIGHTNESS_WORDS,
        general::DND_WORDS,
        &[
            ("声音", 2),
            ("蓝牙", 4),
            ("听不见", 5),
            ("bluetooth", 4),
            ("turn up", 2),
            ("turn down", 2),
        ]
    ),
    patterns: general::VOLUME_PATTERNS,
    skill: skills::settings_set,
};

/// The car's table. Where two preset templates could both match, the more specific intent
/// comes first (climate before media, doors before the rest).
pub static CAR: Category = Category {
    intents: &[
        &[
            CLIMATE, WINDOW, SEAT, DOOR, ASSIST, SIGN, NAV, CALL, MESSAGE,
        ],
        general::DATA_INTENTS,
        &[VOLUME],
        general::CLOCK_INTENTS,
        &[CALENDAR],
        general::INFO_INTENTS,
        &[TRANSLATE, SUMMARIZE, MEDIA, CARE, CHAT, CABIN_FOLLOW_UP],
    ],
    apps: &[],
    hand_off_media: None,
    sensitive: &[],
    events: &[events::MESSAGE, events::CALENDAR, events::CALL],
};

#[cfg(test)]
mod tests;
