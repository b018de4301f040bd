//! The smart-speaker category (GB/Z 177.8): far-field voice, music, home control and the
//! household, with no screen — every answer is meant to be heard, so it is short and has no
//! links, tables or "see the screen".
//!
//! The home it controls is fixed (see [`ROOMS`] and [`HOME`]): a living room (where the speaker
//! stands), a bedroom, a child's room, a study, a kitchen, a dining room, a bathroom, a balcony
//! and a hallway with the front-door lock. At every level, unlocking the front door is
//! confirmed first and a gas stove is never lit remotely.
//!
//! What the appliances are set to and what was last adjusted are kept per session in
//! `Session.learned.prefs` under [`HOME_STATE`], as the car keeps its cabin (see `car.rs`).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use crate::sim::events;
use crate::sim::general::{self, CALENDAR, CHAT, SUMMARIZE, TRANSLATE};
use crate::sim::memory;
use crate::sim::nlu;
use crate::sim::plans::{ask, confirm_first, has_any, is_correction, move_playing, re, targeted};
use crate::sim::skills;
use crate::sim::turn::{Category, Frame, IntentDef, Plan, action, has_cue, more_cues};
use crate::sim::turn::{Ctx, Pending, say};
use crate::world::directory as world;

// ------------------------------------------------------------------ the home

/// A room of the home, with the words people call it by.
pub struct Room {
    pub id: &'static str,
    words: &'static [&'static str],
    zh: &'static str,
    en: &'static str,
}

pub const ROOMS: &[Room] = &[
    Room {
        id: "living_room",
        words: &["客厅", "起居室", "living room", "lounge"],
        zh: "客厅",
        en: "living room",
    },
    Room {
        id: "bedroom",
        words: &["主卧", "卧室", "卧房", "睡房", "bedroom"],
        zh: "卧室",
        en: "bedroom",
    },
    Room {
        id: "kids_room",
        words: &[
            "儿童房",
            "孩子房间",
            "孩子的房间",
            "小孩房间",
            "小孩的房间",
            "kids' room",
            "kids room",
            "children's room",
        ],
        zh: "儿童房",
        en: "kids' room",
    },
    Room {
        id: "study",
        words: &["书房", "study"],
        zh: "书房",
        en: "study",
    },
    Room {
        id: "kitchen",
        words: &["厨房", "kitchen"],
        zh: "厨房",
        en: "kitchen",
    },
    Room {
        id: "dining_room",
        words: &["餐厅", "饭厅", "dining room"],
        zh: "餐厅",
        en: "dining room",
    },
    Room {
        id: "bathroom",
        words: &["卫生间", "洗手间", "浴室", "bathroom"],
        zh: "卫生间",
        en: "bathroom",
    },
    Room {
        id: "balcony",
        words: &["阳台", "balcony"],
        zh: "阳台",
        en: "balcony",
    },
    Room {
        id: "hallway",
        words: &["玄关", "门厅", "hallway"],
        zh: "玄关",
        en: "hallway",
    },
    Room {
        id: "home",
        words: &[
            "全屋",
            "家里",
            "屋里",
            "所有房间",
            "整个家",
            "所有的",
            "全部",
            "everywhere",
            "whole house",
            "all rooms",
            "all the",
        ],
        zh: "全屋",
        en: "whole home",
    },
];

/// A kind of appliance, with the words people call it by.
pub struct Device {
    pub id: &'static str,
    words: &'static [&'static str],
    zh: &'static str,
    en: &'static str,
}

pub const DEVICES: &[Device] = &[
    Device {
        id: "light",
        words: &["灯", "灯光", "台灯", "吊灯", "light", "lights", "lamp"],
        zh: "灯",
        en: "lights",
    },
    Device {
        id: "ac",
        words: &[
            "空调",
            "冷气",
            "air conditioner",
            "air conditioning",
            "air con",
            "ac",
            "a/c",
        ],
        zh: "空调",
        en: "air conditioner",
    },
    Device {
        id: "curtain",
        words: &["窗帘", "curtain", "curtains", "blinds"],
        zh: "窗帘",
        en: "curtains",
    },
    Device {
        id: "tv",
        words: &["电视", "tv", "television"],
        zh: "电视",
        en: "TV",
    },
    Device {
        id: "fan",
        words: &["风扇", "电扇", "电风扇", "fan"],
        zh: "风扇",
        en: "fan",
    },
    Device {
        id: "humidifier",
        words: &["加湿器", "humidifier"],
        zh: "加湿器",
        en: "humidifier",
    },
    Device {
        id: "purifier",
        words: &["空气净化器", "净化器", "air purifier", "purifier"],
        zh: "空气净化器",
        en: "air purifier",
    },
    Device {
        id: "vacuum",
        words: &[
            "扫地机器人",
            "扫地机",
            "扫地",
            "拖地",
            "打扫",
            "robot vacuum",
            "vacuum",
            "vacuuming",
            "hoover",
        ],
        zh: "扫地机器人",
        en: "robot vacuum",
    },
    Device {
        id: "water_heater",
        words: &["热水器", "water heater"],
        zh: "热水器",
        en: "water heater",
    },
    Device {
        id: "door_lock",
        words: &[
            "门锁",
            "大门",
            "入户门",
            "防盗门",
            "开门",
            "把门",
            "front door",
            "main door",
            "door lock",
            "the door",
            "door",
        ],
        zh: "门锁",
        en: "front door",
    },
    Device {
        id: "gas_stove",
        words: &["燃气灶", "煤气灶", "灶台", "gas stove", "stove", "hob"],
        zh: "燃气灶",
        en: "gas stove",
    },
];

/// Which appliances each room has; `home` holds what serves the whole home.
const HOME: &[(&str, &[&str])] = &[
    (
        "living_room",
        &["light", "ac", "curtain", "tv", "fan", "purifier"],
    ),
    ("bedroom", &["light", "ac", "curtain", "humidifier"]),
    ("kids_room", &["light", "ac", "curtain"]),
    ("study", &["light", "ac"]),
    ("kitchen", &["light", "gas_stove"]),
    ("dining_room", &["light"]),
    ("bathroom", &["light", "water_heater"]),
    ("balcony", &["light"]),
    ("hallway", &["light", "door_lock"]),
    (
        "home",
        &[
            "vacuum",
            "water_heater",
            "door_lock",
            "light",
            "ac",
            "curtain",
        ],
    ),
];

fn longest<'a, T>(
    items: &'a [T],
    words: impl Fn(&T) -> &'static [&'static str],
    text: &str,
) -> Option<&'a T> {
    items
        .iter()
        .flat_map(|i| words(i).iter().map(move |w| (i, *w)))
        .filter(|(_, w)| has_cue(text, w))
        // The longest name wins; between equally long ones, the first in the table.
        .max_by(|(_, a), (_, b)| {
            a.chars()
                .count()
                .cmp(&b.chars().count())
                .then(std::cmp::Ordering::Greater)
        })
        .map(|(i, _)| i)
}

pub fn find_room(text: &str) -> Option<&'static Room> {
    longest(ROOMS, |r| r.words, text)
}

pub fn find_device(text: &str) -> Option<&'static Device> {
    longest(DEVICES, |d| d.words, text)
}

fn room(id: &str) -> &'static Room {
    ROOMS.iter().find(|r| r.id == id).unwrap_or(&ROOMS[0])
}

fn device(id: &str) -> &'static Device {
    DEVICES.iter().find(|d| d.id == id).unwrap_or(&DEVICES[0])
}

fn has_device(room: &str, device: &str) -> bool {
    HOME.iter()
        .any(|(r, ds)| *r == room && ds.contains(&device))
}

/// Where an appliance is when no room is said: the living room, where the speaker stands, if
/// it has one; else the first room that does.
fn default_room(device: &str) -> &'static str {
    if has_device("living_room", device) {
        return "living_room";
    }
    HOME.iter()
        .find(|(_, ds)| ds.contains(&device))
        .map_or("home", |(r, _)| *r)
}

// ------------------------------------------------------------------ session state

/// Where the appliances' state lives in `Session.learned.prefs`.
pub const HOME_STATE: &str = "speaker.home";

/// The appliance adjusted last, when this level follows context.
fn last(ctx: &Ctx) -> Option<Map<String, Value>> {
    if !ctx.caps.context {
        return None;
    }
    ctx.kept(HOME_STATE)
        .get("last")
        .and_then(Value::as_object)
        .cloned()
}

fn note(ctx: &mut Ctx, args: &Value) {
    let mut h = ctx.kept(HOME_STATE);
    let key = format!(
        "{}@{}",
        args["device"].as_str().unwrap_or_default(),
        args["room"].as_str().unwrap_or_default()
    );
    let mut cur = h
        .get(&key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in args.as_object().into_iter().flatten() {
        cur.insert(k.clone(), v.clone());
    }
    h.insert(key, Value::Object(cur));
    h.insert("last".into(), args.clone());
    ctx.keep(HOME_STATE, h);
    // "再暗一些" now refers to this appliance, not to the volume set earlier.
    ctx.ses.context.last_setting = None;
}

fn current(ctx: &Ctx, device: &str, room: &str, key: &str) -> Option<i64> {
    ctx.kept(HOME_STATE)
        .get(&format!("{device}@{room}"))
        .and_then(|d| d.get(key))
        .and_then(Value::as_i64)
}

// ------------------------------------------------------------------ household members

/// The room a household member sleeps or plays in, from what the terminal knows (L3):
/// "我儿子叫乐乐" + "乐乐的房间是儿童房" make "我儿子房间" the child's room.
fn member_room(ctx: &Ctx, text: &str) -> Option<&'static str> {
    let facts = ctx.facts();
    if facts.is_empty() {
        return None;
    }
    let names = memory::names_meant(&facts, text);
    facts.iter().find_map(|f| {
        let t = nlu::normalize(&f.text);
        names
            .iter()
            .any(|n| t.contains(n.as_str()))
            .then(|| find_room(&t).filter(|r| r.id != "home").map(|r| r.id))
            .flatten()
    })
}

/// What a household member likes to listen to, from what the terminal knows (L3).
fn member_favourite(ctx: &Ctx, text: &str) -> Option<String> {
    let facts = ctx.facts();
    let names = memory::names_meant(&facts, text);
    // "朵朵最爱听《X》", "朵朵最喜欢的歌是X", "朵朵喜欢听X": the title after the liking.
    static LIKES: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:最喜欢|最爱|喜欢|爱)(?:听|唱)?(?:的)?(?:歌曲|儿歌|歌|一首|那首)?(?:是|叫)?(?:《(?P<a>[^》]+)》|(?P<b>[^,，。《]+))",
        )
    });
    facts.iter().find_map(|f| {
        if !names.iter().any(|n| f.text.contains(n.as_str())) {
            return None;
        }
        let c = LIKES.captures(&f.text)?;
        c.name("a")
            .or_else(|| c.name("b"))
            .map(|m| m.as_str().trim().to_string())
    })
}

// ------------------------------------------------------------------ appliances

macro_rules! rooms {
    () => {
        "客厅|主卧|卧室|次卧|儿童房|书房|厨房|餐厅|卫生间|阳台|玄关"
    };
}
macro_rules! devices {
    () => {
        "灯光|灯|空调|窗帘|电视|电风扇|风扇|电扇|加湿器|空气净化器|净化器|扫地机器人|热水器|门锁|大门|入户门|防盗门|燃气灶|煤气灶"
    };
}

pub const IOT: IntentDef = IntentDef {
    name: "iot.set",
    templates: &[
        // Verb first ("关风扇", "开门锁") or object first ("书房窗帘拉上", "卧室灯关").
        concat!(
            r"^(?P<op>打开|开启|关闭|关掉|关上|拉上|拉开|点燃|点着|开|关)(?P<room>",
            rooms!(),
            r")?(?:的)?(?P<dev>",
            devices!(),
            r")$"
        ),
        concat!(
            r"^(?:把)?(?P<room>",
            rooms!(),
            r")?(?:的)?(?P<dev>",
            devices!(),
            r")(?P<op>打开|开启|关闭|关掉|关上|关了|拉上|拉开|点火|点着|点上|开|关)$"
        ),
        // Locking names the door by itself: "锁门", "把大门锁上".
        r"^(?P<op>锁上|锁好|反锁|锁)(?P<dev>门|大门|入户门|防盗门)$",
        r"^(?:把)?(?P<dev>门|大门|入户门|防盗门)(?P<op>锁上|锁好|锁了|反锁)$",
        concat!(
            r"^(?:把)?(?P<room>",
            rooms!(),
            r")?(?:的)?空调(?:温度)?(?:调到|调至|调成|设为|设置为|设成)(?P<t>[0-9]{2}|[一二三四五六七八九十两]{2,4})度$"
        ),
        concat!(
            r"^(?:把)?(?P<room>",
            rooms!(),
            r")?(?:的)?灯(?:光)?(?:亮度)?(?:调到|调成|调至|设为)(?P<b>百分之[零一二两三四五六七八九十百]+|[0-9]{1,3}%?)$"
        ),
    ],
    templates_en: &[
        r"^turn (?P<op>on|off) (?:the )?(?:(?P<room>living room|bedroom|kitchen|study|kids' room|kids room|bathroom|hallway|dining room) )?(?P<dev>lights?|lamp|air conditioner|air conditioning|ac|tv|fan|humidifier|air purifier)$",
        r"^(?P<op>open|close) (?:the )?(?:(?P<room>living room|bedroom|kids' room|kids room) )?(?P<dev>curtains|blinds)$",
        r"^(?P<op>lock|unlock|open) the (?P<dev>front door|door)$",
        r"^turn (?P<op>on|off) the (?P<dev>gas stove|stove)(?: in the (?P<room>kitchen))?$",
    ],
    cues: &[
        ("灯", 4),
        ("空调", 5),
        ("窗帘", 5),
        ("电视", 3),
        ("风扇", 5),
        ("电扇", 5),
        ("加湿器", 5),
        ("净化器", 5),
        ("扫地机器人", 6),
        ("扫地", 5),
        ("拖地", 5),
        ("打扫", 4),
        ("热水器", 5),
        ("门锁", 6),
        ("开门", 5),
        ("大门", 4),
        ("燃气灶", 6),
        ("煤气灶", 6),
        ("亮度", 3),
        ("太暗", 5),
        ("好暗", 5),
        ("太黑", 5),
        ("黑乎乎", 5),
        ("黑漆漆", 5),
        ("看不见", 4),
        ("闷热", 5),
        ("太亮", 4),
        ("刺眼", 4),
        ("太热", 4),
        ("好热", 4),
        ("热死", 5),
        ("太冷", 4),
        ("好冷", 4),
        ("干燥", 4),
        ("空气不好", 5),
        ("light", 4),
        ("lights", 4),
        ("lamp", 4),
        ("curtains", 5),
        ("blinds", 5),
        ("vacuum", 5),
        ("humidifier", 5),
        ("purifier", 5),
        ("front door", 5),
        ("door", 4),
        ("lock", 5),
        ("unlock", 5),
        ("curtain", 5),
        ("ac", 5),
        ("a/c", 5),
        ("air conditioning", 5),
        ("air con", 5),
        ("fan", 4),
        ("hob", 5),
        ("vacuuming", 5),
        ("dim", 4),
        ("darker", 4),
        ("温度太高", 5),
        ("温度好高", 5),
        ("stove", 5),
        ("too dark", 5),
        ("too hot", 4),
        ("too dry", 5),
        ("air conditioner", 5),
        ("dimmer", 4),
        ("brighter", 4),
        ("brightness", 3),
    ],
    patterns: &[
        (
            r"^(?:稍微|稍稍|略微|稍)?(?:再)?(?:调)?(?:暗|亮)(?:一)?(?:点|些)",
            3,
        ),
        // A level alone after a light was switched: "no, 30 percent".
        (r"[0-9]{1,3} ?(?:%|percent)", 3),
        (DRY_AIR, 5),
        (DARK_EN, 5),
        (HOT_COLD, 5),
        (r"\bfreezing\b", 4),
        // The temperature moved a step, or the same again elsewhere (L3 context).
        (
            r"温度[^,0-9]{0,3}(?:低|高|降|升)|\b(?:colder|cooler|warmer|hotter)\b",
            3,
        ),
        (
            r"^(?:and )?(?:the )?same (?:in|for|with) |^(?:and )?(?:in )?the (?:living room|bedroom|study|kitchen|kids' room|dining room|bathroom)(?: too| as well)$",
            3,
        ),
        // A light moved by a particle after it was switched ("take them down"): that light (L3).
        (
            r"^(?:please )?(?:turn|bring|take|make) (?:it|them) (?:down|up|dimmer|darker)\b",
            3,
        ),
        // "卧室的也开", "还有书房的，也打开": another room, the same as before.
        (
            concat!(r"(?:", rooms!(), r")[^,]{0,3},?(?:也|一样|同样)"),
            3,
        ),
        (concat!(r"^(?:还有|再把|再)(?:", rooms!(), r")"), 3),
        (concat!(r"^(?:那|那么)?(?:", rooms!(), r")(?:的)?呢$"), 3),
        (r"(?:房间|那屋|屋子)(?:的)?(?:灯|空调|窗帘)", 3),
    ],
    skill: iot_set,
};

#[derive(Debug, Default)]
struct IotReq {
    device: Option<&'static str>,
    room: Option<&'static str>,
    power: Option<bool>,
    brightness: Option<i64>,
    dim: Option<i64>,
    temperature: Option<f64>,
    open_percent: Option<i64>,
    locked: Option<bool>,
    /// A room phrase the terminal could not place ("小宝房间").
    unknown_room: Option<String>,
}

const OFF: &[&str] = &[
    "关闭",
    "关掉",
    "关上",
    "关了",
    "关一下",
    "停掉",
    "停止",
    "turn off",
    "switch off",
    "shut off",
    "turn it off",
    "switch it off",
];
const ON: &[&str] = &[
    "打开",
    "开启",
    "开一下",
    "开开",
    "启动",
    "开始",
    "turn on",
    "switch on",
    "start",
];
const ALSO: &[&str] = &["也", "一样", "同样", "same", "too", "as well"];

static BRIGHTNESS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"百分之(?P<c>[零一二两三四五六七八九十百]+)|(?P<p>[0-9]{1,3}) ?(?:%|percent)|(?:亮度|调到|调成|调至|设为|\bto )(?:(?P<n>[0-9]{1,3})|(?P<z>[零一二两三四五六七八九十百]+)$)",
    )
});
static TEMP: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?P<n>[0-9]{2}|[一二三四五六七八九十两]{2,4})度|(?P<e>[0-9]{2}) degrees")
});
/// A room said in the family's own words: "小宝房间", "爷爷那屋".
static ROOM_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?P<x>[\p{Han}]{1,4}?(?:的)?(?:房间|那屋|那间|屋子|屋))(?:的|里|开|关|拉|打|把|调|(?:",
        devices!(),
        r"))"
    ))
});

/// Dry air, as people complain of it: "好干啊", "干得嗓子疼", "too dry".
const DRY_AIR: &str = r"(?:好|太|真|很|特别|有点|挺|这么|超级?)干(?:[啊呀了的燥]|$)|干得|干燥|干巴巴|嗓子(?:疼|干)|\b(?:too|so|really|very|quite|pretty|it's|is) dry\b";
static DRY: LazyLock<Regex> = LazyLock::new(|| re(DRY_AIR));

/// Too dark to see, said in English: "so dark in the hall", "can hardly see a thing".
const DARK_EN: &str = r"\b(?:too|so|very|really|pretty|quite|it's|is) dark\b|\bcan(?:'t|not| barely| hardly) see\b|\b(?:barely|hardly) see\b";
static DARK: LazyLock<Regex> = LazyLock::new(|| re(DARK_EN));

/// Too hot or too cold, said in English: "it's so cold in the study", "really warm in here".
const HOT_COLD: &str = r"\b(?:too|so|very|really|pretty|quite|it's|is|freezing|boiling) (?:cold|hot|warm|chilly|stuffy)\b";
static HOT_COLD_EN: LazyLock<Regex> = LazyLock::new(|| re(HOT_COLD));
/// The temperature moved a step rather than set: "温度再调高些", "cooler in here".
static TEMP_STEP: LazyLock<Regex> = LazyLock::new(|| {
    re(r"温度[^,0-9]{0,3}(?P<z>低|高|降|升)|\b(?P<e>colder|cooler|warmer|hotter)\b")
});

/// English switches put the particle last as often as first: "lights on in the study",
/// "lights out", "turn the fan off".
static EN_ON: LazyLock<Regex> = LazyLock::new(|| re(r"\bon\b"));
static EN_OFF: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:off|out)\b"));
/// Locking, not the lock named as a thing (a door lock to open): the verb leads.
static LOCK_EN: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:please )?lock\b|\block (?:up|it|the)\b"));
/// "take them down", "bring them up": a light moved by a particle.
static IT_DOWN: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:turn|bring|take) (?:it|them) down\b"));
static IT_UP: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:turn|bring) (?:it|them) up\b"));
/// A possessive before the room: "grandpa's room", "my sister's bedroom".
static WHOSE_ROOM: LazyLock<Regex> = LazyLock::new(|| re(r"\b[a-z]+'s (?:bed)?room\b"));

/// A correction of the setting just made, wherever the complaint stands: "不对，…",
/// "亮度不对，…", "不是这个亮度，…".
fn corrects(text: &str) -> bool {
    is_correction(text)
        || text.split(',').next().is_some_and(|c| {
            has_any(
                c,
                &[
                    "不对",
                    "不是这个",
                    "错了",
                    "不合适",
                    "wrong",
                    "not like that",
                    "not that",
                ],
            ) || c.trim() == "no"
        })
}

fn brightness_in(text: &str) -> Option<i64> {
    if has_any(text, &["一半", "half"]) {
        return Some(50);
    }
    if has_any(text, &["最亮", "全亮", "brightest", "full brightness"]) {
        return Some(100);
    }
    let c = BRIGHTNESS.captures(text)?;
    let n = if let Some(n) = c.name("p").or_else(|| c.name("n")) {
        n.as_str().parse::<i64>().ok()?
    } else {
        nlu::cn_number(c.name("c").or_else(|| c.name("z"))?.as_str())? as i64
    };
    Some(n.clamp(0, 100))
}

fn parse_iot(ctx: &Ctx, f: &Frame) -> IotReq {
    let mut r = IotReq::default();
    if f.strict {
        r.device = match f.slot("dev") {
            Some("门") => Some("door_lock"),
            d => d.and_then(find_device).map(|d| d.id),
        };
        r.room = f.slot("room").and_then(find_room).map(|x| x.id);
        let op = f.slot("op").unwrap_or_default();
        // Closing, locking and switching off are one class of verb; everything else opens.
        let closing = (op.starts_with('关')
            || op.starts_with('锁')
            || has_any(op, &["拉上", "反锁", "close", "off"])
            || op == "lock")
            && !op.contains("unlock");
        if r.device == Some("curtain") && !op.is_empty() {
            r.open_percent = Some(if closing { 0 } else { 100 });
        } else if r.device == Some("door_lock") {
            r.locked = Some(closing);
        } else if !op.is_empty() {
            r.power = Some(!closing);
        }
        if let Some(t) = f.slot("t") {
            r.device = Some("ac");
            r.temperature = nlu::number_strict(t);
            r.power = Some(true);
        }
        if let Some(b) = f.slot("b") {
            r.device = Some("light");
            r.brightness = nlu::number_strict(b).map(|b| b.round().clamp(0.0, 100.0) as i64);
            r.power = Some(true);
        }
        return r;
    }
    let text = f.text.as_str();
    r.device = find_device(text).map(|d| d.id);
    r.room = find_room(text).map(|x| x.id);
    // "我儿子屋里", "乐乐那屋": a member's own room, not the whole home "屋里" also names.
    if (matches!(r.room, None | Some("home")) || WHOSE_ROOM.is_match(text))
        && let Some(m) = member_room(ctx, text)
    {
        r.room = Some(m);
    }
    if r.room.is_none()
        && let Some(c) = ROOM_PHRASE.captures(text)
    {
        let mut phrase = c["x"].to_string();
        for verb in [
            "把", "打开", "关掉", "关闭", "关上", "开启", "给", "将", "去", "开", "关",
        ] {
            if let Some(rest) = phrase.strip_prefix(verb).filter(|r| r.chars().count() >= 2) {
                phrase = rest.to_string();
            }
        }
        // "这屋", "这个房间": where the speaker stands.
        if phrase.starts_with('这') {
            r.room = Some("living_room");
        } else {
            match ctx
                .learned(&format!("room.alias.{phrase}"))
                .and_then(|v| v.as_str().map(str::to_string))
            {
                Some(id) => r.room = ROOMS.iter().find(|x| x.id == id).map(|x| x.id),
                None => r.unknown_room = Some(phrase),
            }
        }
    }
    // Complaints name what they are about without naming it, and want it on.
    let named = r.device.is_some();
    // Glare right after a light came on is that light, not the sun through the curtains.
    let glare_of_light = text.contains("刺眼")
        && !has_any(text, &["太阳", "晒", "阳光", "sun"])
        && last(ctx).is_some_and(|l| l.get("device").and_then(Value::as_str) == Some("light"));
    if r.device.is_none() {
        r.device = if has_any(
            text,
            &[
                "太暗",
                "好暗",
                "太黑",
                "好黑",
                "黑乎乎",
                "黑漆漆",
                "看不见",
                "too dark",
            ],
        ) || DARK.is_match(text)
            || glare_of_light
        {
            Some("light")
        } else if has_any(
            text,
            &[
                "太热",
                "好热",
                "热死",
                "闷热",
                "太冷",
                "好冷",
                "冷死",
                "冻死",
                "温度太高",
                "温度好高",
                "too hot",
                "too cold",
                "freezing",
                "boiling",
            ],
        ) || HOT_COLD_EN.is_match(text)
        {
            Some("ac")
        } else if DRY.is_match(text) {
            Some("humidifier")
        } else if has_any(text, &["空气不好", "有味道", "雾霾", "stuffy"]) {
            Some("purifier")
        } else if has_any(
            text,
            &[
                "太晒",
                "好晒",
                "刺眼",
                "太阳",
                "sun is",
                "sun's",
                "too much sun",
            ],
        ) && !glare_of_light
        {
            Some("curtain")
        } else {
            None
        }
    }
    // "爷爷那屋关灯": 关 before the appliance switches it off as 关掉 does.
    let english = !nlu::mostly_cjk(text);
    let off = (has_any(text, OFF)
        || (text.contains('关') && !text.contains('开'))
        || (english && EN_OFF.is_match(text)))
        && !has_any(text, &["打开", "turn on"]);
    match r.device {
        Some("curtain") => {
            if has_any(
                text,
                &[
                    "拉上", "关上", "关", "合上", "close", "draw", "shut", "晒", "刺眼", "太阳",
                    "sun", "glare", "glaring",
                ],
            ) || (has_cue(text, "pull") && !has_any(text, &["open", "back"]))
            {
                r.open_percent = Some(0);
            } else if has_any(text, &["拉开", "打开", "开", "open"]) {
                r.open_percent = Some(100);
            }
            // "拉开一半", "open them halfway": part of the way.
            if r.open_percent == Some(100) && has_any(text, &["一半", "半开", "halfway", "half"])
            {
                r.open_percent = Some(50);
            }
        }
        Some("door_lock") => {
            if (has_any(text, &["锁上", "锁好", "反锁", "锁一下"]) || LOCK_EN.is_match(text))
                && !text.contains("unlock")
            {
                r.locked = Some(true);
            } else if has_any(
                text,
                &[
                    "打开",
                    "开门",
                    "开一下",
                    "解锁",
                    "unlock",
                    "open",
                    "let them in",
                    "let him in",
                    "let her in",
                ],
            ) {
                r.locked = Some(false);
            }
        }
        Some("vacuum") => {
            r.power =
                Some(!(off || has_any(text, &["回去充电", "回充", "停下", "别扫了", "stop"])));
        }
        _ => {
            if off {
                r.power = Some(false);
            } else if has_any(text, ON)
                || text.contains('开')
                || (english && EN_ON.is_match(text))
                || (!named && r.device.is_some())
                // Asking for a flame at all is asking to light it ("light the stove").
                || r.device == Some("gas_stove")
            {
                r.power = Some(true);
            }
        }
    }
    r.brightness = brightness_in(text);
    if r.brightness.is_none() {
        if has_any(
            text,
            &[
                "调暗",
                "暗一点",
                "暗一些",
                "暗点",
                "太亮",
                "刺眼",
                "dim",
                "dimmer",
                "darker",
                "too bright",
            ],
        ) || IT_DOWN.is_match(text)
        {
            r.dim = Some(-20);
        } else if has_any(text, &["调亮", "亮一点", "亮一些", "亮点", "brighter"])
            || IT_UP.is_match(text)
        {
            r.dim = Some(20);
        } else if text.contains("亮度") && has_any(text, &["低", "小", "降"]) {
            // "亮度再小些": the level named, then which way.
            r.dim = Some(-20);
        } else if text.contains("亮度") && has_any(text, &["高", "大", "升"]) {
            r.dim = Some(20);
        }
    }
    if let Some(c) = TEMP.captures(text) {
        r.temperature = c
            .name("n")
            .or_else(|| c.name("e"))
            .and_then(|m| nlu::number_strict(m.as_str()));
    }
    r
}

/// "温度再低点" after the air conditioner: two degrees from where it is (26 when not set).
fn temperature_step(ctx: &Ctx, text: &str, room: &str) -> Option<f64> {
    let c = TEMP_STEP.captures(text)?;
    let down = matches!(
        c.name("z").or_else(|| c.name("e")).map(|m| m.as_str()),
        Some("低" | "降" | "colder" | "cooler")
    );
    let cur = current(ctx, "ac", room, "temperature").unwrap_or(26) as f64;
    Some(if down { cur - 2.0 } else { cur + 2.0 })
}

pub fn iot_set(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.text.as_str();
    let mut r = parse_iot(ctx, f);
    let last = last(ctx);
    // "再暗一些", "卧室的也打开", "那书房呢": the appliance adjusted last (L3 context).
    if r.device.is_none()
        && let Some(l) = &last
    {
        r.device = l
            .get("device")
            .and_then(Value::as_str)
            .map(|d| device(d).id);
        if r.room.is_none() {
            r.room = l.get("room").and_then(Value::as_str).map(|x| room(x).id);
        }
        if r.power.is_none()
            && r.brightness.is_none()
            && r.dim.is_none()
            && (has_any(text, ALSO) || text.ends_with('呢'))
        {
            r.power = l.get("power").and_then(Value::as_bool);
            r.open_percent = l.get("open_percent").and_then(Value::as_i64);
        }
    }
    let Some(dev) = r.device else {
        return Plan::NotUnderstood;
    };
    // "有点刺眼" after the bedroom light came on: the same appliance, so the same room (L3).
    if r.room.is_none()
        && let Some(l) = &last
        && l.get("device").and_then(Value::as_str) == Some(dev)
    {
        r.room = l.get("room").and_then(Value::as_str).map(|x| room(x).id);
    }
    if dev == "ac" && r.temperature.is_none() {
        let room = r.room.unwrap_or_else(|| default_room("ac"));
        r.temperature = temperature_step(ctx, text, room);
    }
    let anything = r.power.is_some()
        || r.brightness.is_some()
        || r.dim.is_some()
        || r.temperature.is_some()
        || r.open_percent.is_some()
        || r.locked.is_some();
    if !anything {
        return Plan::NotUnderstood;
    }
    if let Some(phrase) = r.unknown_room.clone() {
        let mut h = ctx.kept(HOME_STATE);
        h.insert("asked_room".into(), json!(phrase));
        ctx.keep(HOME_STATE, h);
        let d = device(dev);
        let (dz, de) = (d.zh, d.en);
        return ask(
            ctx,
            f,
            &format!("“{phrase}”是哪个房间？我好去开{dz}。"),
            &format!("Which room is \"{phrase}\"? Then I can switch the {de}."),
        );
    }
    let mut extra = Vec::new();
    // The answer to "是哪个房间": the room is learned for that phrase (L4).
    if let Some(rm) = r.room {
        let mut h = ctx.kept(HOME_STATE);
        if let Some(asked) = h
            .remove("asked_room")
            .and_then(|v| v.as_str().map(str::to_string))
        {
            ctx.keep(HOME_STATE, h);
            if ctx.caps.learning && text.contains(asked.as_str()) {
                extra.push(ctx.learn(&format!("room.alias.{asked}"), json!(rm)));
            }
        }
    }
    let room_id = r.room.unwrap_or_else(|| default_room(dev));
    let d = device(dev);
    let rm = room(room_id);
    let (dz, de) = (d.zh, d.en);
    let (rz, ren) = (if room_id == "home" { "全屋" } else { rm.zh }, rm.en);
    // The robot vacuum goes wherever it is sent.
    if room_id != "home" && dev != "vacuum" && !has_device(room_id, dev) {
        let s = say!(
            ctx,
            ["{rz}没有找到{dz}。"],
            ["There's no {de} in the {ren}."]
        );
        return Plan::Answer(s);
    }
    // Safety at every level: no flame lit from afar, no door opened without a yes.
    if dev == "gas_stove" {
        if r.power == Some(false) {
            let args = json!({ "device": dev, "room": room_id, "power": false });
            let s = say!(ctx, ["好的，已关闭燃气灶。"], ["OK, the gas stove is off."]);
            return Plan::act_for(f, action("iot.set", args), s);
        }
        let s = say!(
            ctx,
            ["为了安全，不能远程点燃燃气灶，请到厨房现场操作。"],
            ["For safety I can't light the gas stove remotely; please do it in the kitchen."]
        );
        return Plan::Answer(s);
    }
    let mut args = json!({ "device": dev, "room": room_id });
    if dev == "door_lock" {
        let Some(locked) = r.locked else {
            return Plan::NotUnderstood;
        };
        args["locked"] = json!(locked);
        let actions = targeted(vec![action("iot.set", args.clone())], f);
        if locked {
            note(ctx, &args);
            let s = say!(
                ctx,
                ["好的，大门已上锁。"],
                ["OK, the front door is locked."]
            );
            return Plan::Act { actions, say: s };
        }
        let q = say!(
            ctx,
            ["开门锁涉及家庭安全，确认要开大门吗？请说“确认”或“取消”。"],
            [
                "Unlocking the front door affects your home's safety. Shall I unlock it? Say \"confirm\" or \"cancel\"."
            ]
        );
        let done = say!(
            ctx,
            ["好的，大门已打开。"],
            ["OK, the front door is unlocked."]
        );
        return confirm_first(ctx, actions, q, done);
    }
    let mut said = Vec::new();
    if let Some(p) = r.open_percent {
        args["open_percent"] = json!(p);
        said.push(if p == 0 {
            say!(ctx, ["已拉上{rz}的{dz}。"], ["Closed the {ren} {de}."])
        } else {
            say!(ctx, ["已拉开{rz}的{dz}。"], ["Opened the {ren} {de}."])
        });
    }
    if dev == "light" && r.power != Some(false) {
        let cur = current(ctx, dev, room_id, "brightness").unwrap_or(100);
        let mut b = r
            .brightness
            .or_else(|| r.dim.map(|d| (cur + d).clamp(5, 100)));
        // "不对，亮度调到三十" right after a light was switched on: learned (L4).
        if let Some(v) = r.brightness
            && ctx.caps.learning
            && (corrects(text)
                || has_any(text, &["太亮", "太暗", "刺眼", "too bright", "too dark"]))
        {
            extra.push(ctx.learn("light.brightness", json!(v)));
        }
        if b.is_none() && r.power == Some(true) {
            b = ctx.learned("light.brightness").and_then(|v| v.as_i64());
        }
        if let Some(b) = b {
            args["brightness"] = json!(b);
            args["power"] = json!(true);
            said.push(say!(
                ctx,
                ["{rz}的灯亮度已调到{b}%。"],
                ["The {ren} lights are at {b}%."]
            ));
        }
    }
    if let Some(t) = r.temperature.filter(|_| dev == "ac") {
        if !(16.0..=32.0).contains(&t) {
            let s = say!(
                ctx,
                ["空调温度可调范围是16到32度。"],
                ["The air conditioner can be set between 16 and 32 °C."]
            );
            return Plan::Answer(s);
        }
        args["temperature"] = if t.fract() == 0.0 {
            json!(t as i64)
        } else {
            json!(t)
        };
        args["power"] = json!(true);
        let t = t as i64;
        said.push(say!(
            ctx,
            ["{rz}空调已调到{t}度。"],
            ["The {ren} air conditioner is set to {t}°C."]
        ));
    }
    if let Some(p) = r.power
        && args.get("power").is_none()
        && r.open_percent.is_none()
    {
        args["power"] = json!(p);
        said.push(match (p, dev) {
            (true, "vacuum") => say!(
                ctx,
                ["好的，扫地机器人开始打扫{rz}。"],
                ["OK, the robot vacuum is cleaning the {ren}."]
            ),
            (false, "vacuum") => say!(
                ctx,
                ["好的，扫地机器人回去充电了。"],
                ["OK, the robot vacuum is heading back to charge."]
            ),
            (true, _) => say!(
                ctx,
                ["好的，已打开{rz}的{dz}。", "{rz}的{dz}已打开。"],
                ["OK, the {ren} {de} is on.", "Turned on the {ren} {de}."]
            ),
            (false, _) => say!(
                ctx,
                ["好的，已关闭{rz}的{dz}。", "{rz}的{dz}已关闭。"],
                ["OK, the {ren} {de} is off.", "Turned off the {ren} {de}."]
            ),
        });
    }
    if said.is_empty() {
        return Plan::NotUnderstood;
    }
    note(ctx, &args);
    if !extra.is_empty() {
        said.push(say!(
            ctx,
            ["记住了，以后就这样。"],
            ["Noted for next time."]
        ));
    }
    let mut actions = targeted(vec![action("iot.set", args)], f);
    actions.extend(extra);
    Plan::Act {
        actions,
        say: said.join(if ctx.en() { " " } else { "" }),
    }
}

// ------------------------------------------------------------------ music

pub const MEDIA_CONTROL: IntentDef = IntentDef {
    name: "media.control",
    templates: &[r"^(?P<op>(?:暂停|继续)(?:播放)?|[上下]一首|停止播放|换一首|切歌|从头播放)$"],
    templates_en: &[
        r"^(?P<op>pause(?: the music)?|resume|(?:next|previous)(?: song| track)?|skip|stop the music)$",
    ],
    cues: &[
        ("暂停", 6),
        ("下一首", 6),
        ("上一首", 6),
        ("换一首", 6),
        ("切歌", 6),
        ("停一下", 4),
        ("别放了", 5),
        ("不想听了", 5),
        ("继续放", 5),
        ("从头", 4),
        ("pause", 6),
        ("skip", 5),
        ("previous song", 6),
        ("resume", 6),
        ("stop the music", 6),
    ],
    patterns: &[(r"\bnext (?:song|track)\b", 6)],
    skill: media_control,
};

pub fn media_control(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("op");
    // "换一首周杰伦的歌" asks for new music, not the following one.
    if !f.strict
        && (text.contains("的歌")
            || text.contains(" by ")
            || has_any(
                text,
                &["音乐风格", "儿歌", "摇滚", "爵士", "古典", "jazz", "rock"],
            ))
    {
        return Plan::NotUnderstood;
    }
    const OPS: &[(&[&str], &str, &str, &str)] = &[
        (&["暂停", "停一下", "pause"], "pause", "已暂停。", "Paused."),
        (
            &["上一首", "previous"],
            "previous",
            "好的，播放上一首。",
            "OK, previous track.",
        ),
        (
            &["下一首", "换一首", "切歌", "next", "skip"],
            "next",
            "好的，换下一首。",
            "OK, skipping ahead.",
        ),
        (
            &["从头", "restart"],
            "restart",
            "好的，从头播放。",
            "OK, from the start.",
        ),
        (
            &["继续", "resume"],
            "resume",
            "好的，接着放。",
            "OK, resuming.",
        ),
        (
            &["停止", "别放了", "不想听了", "stop"],
            "stop",
            "好的，已停止播放。",
            "OK, stopped.",
        ),
    ];
    let Some((_, op, zh, en)) = OPS.iter().find(|(ws, ..)| has_any(text, ws)) else {
        return Plan::NotUnderstood;
    };
    let s = ctx.say(&[(*zh).to_string()], &[(*en).to_string()]);
    Plan::act_for(f, action("media.control", json!({ "op": op })), s)
}

pub const MEDIA: IntentDef = IntentDef {
    templates: &[r"^(?:播放|放)(?P<q>.+)$", r"^(?:我要听|我想听)(?P<q>.+)$"],
    cues: more_cues!(
        general::MEDIA.cues,
        &[
            ("来点", 3),
            ("要听", 5),
            ("爱听", 4),
            ("喜欢听", 4),
            ("儿歌", 5),
            ("爵士", 4),
            ("摇滚", 4),
            ("古典", 4),
            ("轻音乐", 5),
            ("jazz", 4),
            ("rock", 3),
            ("classical", 4),
            ("电影", 5),
            ("动画片", 5),
            ("电视剧", 5),
            ("视频", 5),
            ("movie", 5),
            ("cartoon", 5),
            ("video", 5),
        ]
    ),
    patterns: &[],
    skill: speaker_media,
    ..general::MEDIA
};

/// Words that ask for what someone likes.
const LIKING: &[&str] = &[
    "喜欢",
    "爱听",
    "最爱",
    "favourite",
    "favorite",
    "loves",
    "love",
    "likes",
];

const VIDEO: &[&str] = &[
    "电影",
    "电视剧",
    "动画片",
    "视频",
    "综艺",
    "一集",
    "movie",
    "cartoon",
    "video",
    "tv show",
    "episode",
    "film",
];
/// Music, the household's favourites, and — with no screen — video only on a linked TV (L4).
pub fn speaker_media(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("q");
    if let Some(p) = move_playing(ctx, f) {
        return p;
    }
    if has_any(text, VIDEO) {
        if f.target.is_none() {
            let s = say!(
                ctx,
                ["我没有屏幕，不能播放视频。可以在电视上看，或者我给你讲讲它的故事。"],
                [
                    "I have no screen, so I can't play video. Try the TV, or I can tell you the story instead."
                ]
            );
            return Plan::Answer(s);
        }
        static PLAY: LazyLock<Regex> = LazyLock::new(|| {
            re(r"^.*?(?:播放|我想看|想看|看|放|play|watch|put on)(?: an?| the| some)?")
        });
        let q = PLAY.replace(text, "").trim_matches([',', ' ']).to_string();
        let t = f.target.clone().unwrap_or_default();
        let s = say!(ctx, ["好的，在{t}上播放{q}。"], ["OK, playing {q} on {t}."]);
        return Plan::Act {
            actions: targeted(
                vec![action("media.play", json!({ "query": q, "kind": "video" }))],
                f,
            ),
            say: s,
        };
    }
    // "给我儿子放他爱听的": what that member of the household likes (L3 memory).
    // The whole request, even when a preset form also read it ("放我女儿爱听的那首"): the
    // facts are only there from L3 on, so lower levels never get here.
    if has_any(&f.text, LIKING)
        && let Some(song) = member_favourite(ctx, &f.text)
    {
        let s = say!(ctx, ["好的，播放《{song}》。"], ["OK, playing {song}."]);
        return Plan::act_for(f, action("media.play", json!({ "query": song })), s);
    }
    skills::media_play(ctx, f)
}

pub const VOLUME: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:把)?(?P<name>音量|声音)(?:调到|调至|调成|设为|设置为|设置成|设成)(?P<value>.+)$",
    ],
    templates_en: &[r"^set (?:the )?(?P<name>volume) to (?P<value>.+)$"],
    cues: more_cues!(
        general::VOLUME_WORDS,
        general::NOISY_WORDS,
        &[("声音", 2), ("听不见", 5)]
    ),
    patterns: general::VOLUME_PATTERNS,
    skill: skills::settings_set,
};

// ------------------------------------------------------------------ recipes (heard, not read)

pub const RECIPE: IntentDef = IntentDef {
    name: "recipe.answer",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("怎么做", 5),
        ("做法", 6),
        ("菜谱", 6),
        ("怎么烧", 5),
        ("怎么炒", 5),
        ("咋做", 5),
        ("教我做", 6),
        ("怎么弄", 4),
        ("recipe", 6),
        ("how do i make", 5),
        ("how to cook", 5),
        ("how do i cook", 5),
        ("学做", 5),
    ],
    // Asking how a dish is cooked, however the English is put: "how would I prepare …",
    // "teach me how to make …", "… — how's that made".
    patterns: &[(
        r"\bhow\b.*\b(?:cook|make|made|prepare|cooked|prepared)\b|\bteach me (?:how )?to (?:cook|make)\b|\b(?:cook|make)\b.*\bhow\b",
        5,
    )],
    skill: recipe,
};

/// (dish, English name, what it needs, spoken steps in Chinese, in English).
const DISHES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "番茄炒蛋",
        "tomato and egg stir-fry",
        "两个番茄、三个鸡蛋",
        "先把鸡蛋打散炒到凝固盛出，再炒番茄出汁，倒回鸡蛋，加盐和一点糖翻匀就好了",
        "scramble three eggs and set them aside, fry two tomatoes until juicy, add the eggs back with salt and a pinch of sugar",
    ),
    (
        "红烧肉",
        "red-braised pork",
        "一斤五花肉、冰糖、生抽和老抽",
        "五花肉切块焯水，小火炒出糖色后下肉翻炒，加生抽老抽和热水，小火炖一小时再大火收汁",
        "blanch diced pork belly, caramelise rock sugar, brown the pork, add soy sauces and hot water, simmer an hour, then reduce",
    ),
    (
        "可乐鸡翅",
        "cola chicken wings",
        "十个鸡翅和一罐可乐",
        "鸡翅两面划刀焯水，煎到两面金黄，倒入可乐和生抽，中火煮二十分钟收汁",
        "score and blanch ten wings, fry until golden, add a can of cola and soy sauce, simmer twenty minutes and reduce",
    ),
    (
        "蛋炒饭",
        "egg fried rice",
        "一碗隔夜米饭、两个鸡蛋和葱花",
        "先炒散鸡蛋，再下米饭大火翻炒到粒粒分明，加盐和葱花就可以出锅了",
        "scramble two eggs, add a bowl of day-old rice, stir-fry on high heat, season with salt and spring onion",
    ),
    (
        "酸辣土豆丝",
        "hot and sour potato shreds",
        "两个土豆、干辣椒和醋",
        "土豆切丝泡水去淀粉，热油爆香干辣椒，大火快炒土豆丝，沿锅边淋醋加盐出锅",
        "shred and rinse two potatoes, fry dried chillies, stir-fry the potatoes fast, add vinegar and salt",
    ),
    (
        "清蒸鲈鱼",
        "steamed sea bass",
        "一条鲈鱼、葱姜和蒸鱼豉油",
        "鲈鱼洗净划刀塞上姜片，水开后蒸八分钟，倒掉汤汁，铺葱丝淋热油和蒸鱼豉油",
        "score the fish, stuff it with ginger, steam eight minutes, drain, top with spring onion, hot oil and soy sauce",
    ),
];

static DISH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:教我|告诉我)?(?P<d>[^,]+?)(?:要|该|应该)?(?:怎么做|怎么烧|怎么炒|咋做|的做法|的菜谱)|how (?:do i|to|do you) (?:make|cook) (?:a |an |some )?(?P<e>[a-z -]+)",
    )
});

/// A recipe as it is heard: one short paragraph, no lists, links or pictures.
pub fn recipe(ctx: &mut Ctx, f: &Frame) -> Plan {
    // "教我做红烧肉", "想做可乐鸡翅，该怎么弄": a dish the terminal knows, however it is asked.
    let known = DISHES
        .iter()
        .find(|(zh, en, ..)| f.text.contains(zh) || (!en.is_empty() && f.text.contains(en)));
    let asked = match (DISH.captures(&f.text), known) {
        (_, Some((zh, ..))) => (*zh).to_string(),
        (Some(c), None) => c
            .name("d")
            .or_else(|| c.name("e"))
            .map_or("", |m| m.as_str())
            .trim()
            .to_string(),
        (None, None) => return Plan::NotUnderstood,
    };
    let found = DISHES
        .iter()
        .find(|(zh, en, ..)| asked.contains(zh) || (!en.is_empty() && asked.contains(en)));
    let Some((zh, en, needs, steps_zh, steps_en)) = found else {
        let s = say!(
            ctx,
            ["抱歉，我还没学会{asked}的做法。"],
            ["Sorry, I don't know how to make {asked} yet."]
        );
        return Plan::Answer(s);
    };
    let s = say!(
        ctx,
        ["{zh}要准备{needs}。做法是：{steps_zh}。"],
        ["For {en}: {steps_en}."]
    );
    Plan::Answer(s)
}

// ------------------------------------------------------------------ leaving, coming home, going to bed

/// Someone leaving, however it is said: going out, off to work, school or a trip.
const LEAVING: &str = r"出门|出去|外出|要走了|我走了|走啦|先走了|走了啊|(?:去|到)(?:上班|公司|单位|学校|上学|出差)|(?:上班|上学|出差)(?:去|了)|出发了|离开家|\b(?:heading|going|off) (?:out|to work|to the office|to school)\b|\bleaving\b|\bi'm off\b";
/// Someone back home.
const HOME_AGAIN: &str = r"回来了|回来啦|到家|回家了|进门了|\bi'm (?:home|back)\b|\bback home\b";
/// Someone going to sleep.
const BEDTIME: &str = r"睡觉|睡了|去睡|要睡|困了|晚安|歇了|\b(?:going|off|time|go) (?:to |for )?(?:bed|sleep)\b|\bgood ?night\b|\bbedtime\b";

pub const SCENE: IntentDef = IntentDef {
    name: "home.scene",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: &[(LEAVING, 6), (HOME_AGAIN, 6), (BEDTIME, 6)],
    skill: home_scene,
};

/// Leaving, coming home or going to bed: a terminal that helps proactively (L3) offers to set
/// the home up for it, and mentions rain when it knows where home is.
pub fn home_scene(ctx: &mut Ctx, f: &Frame) -> Plan {
    static SCENES: LazyLock<[Regex; 3]> =
        LazyLock::new(|| [re(LEAVING), re(HOME_AGAIN), re(BEDTIME)]);
    let [leaving, home_again, bedtime] = &*SCENES;
    let set = |device: &str, room: &str, key: &str, value: Value| {
        let mut args = json!({ "device": device, "room": room });
        args[key] = value;
        action("iot.set", args)
    };
    let text = f.text.as_str();
    let (kind, actions, zh, en) = if leaving.is_match(text) {
        (
            "leave",
            vec![
                set("light", "home", "power", json!(false)),
                set("ac", "home", "power", json!(false)),
            ],
            "要我把家里的灯和空调都关掉吗？",
            "Shall I turn off all the lights and the air conditioning?",
        )
    } else if home_again.is_match(text) {
        (
            "home",
            vec![
                set("light", "living_room", "power", json!(true)),
                set("ac", "living_room", "power", json!(true)),
            ],
            "要我开客厅的灯和空调吗？",
            "Shall I turn on the living-room lights and air conditioning?",
        )
    } else if bedtime.is_match(text) {
        (
            "sleep",
            vec![
                set("curtain", "bedroom", "open_percent", json!(0)),
                set("light", "home", "power", json!(false)),
            ],
            "要我拉上卧室窗帘，再把家里的灯都关掉吗？",
            "Shall I close the bedroom curtains and turn off all the lights?",
        )
    } else {
        return Plan::NotUnderstood;
    };
    if !ctx.caps.proactive {
        let s = match kind {
            "leave" => say!(ctx, ["好的，路上注意安全。"], ["OK, take care."]),
            "home" => say!(ctx, ["欢迎回家。"], ["Welcome home."]),
            _ => say!(ctx, ["晚安。"], ["Good night."]),
        };
        return Plan::Answer(s);
    }
    let mut lead = String::new();
    if kind == "leave"
        && ctx.dev.online
        && let Some(city) = skills::home_city(ctx)
    {
        ctx.note_network(crate::device::protocol::ServedBy::Cloud);
        let w = world::forecast(city, ctx.now().date());
        if w.rain {
            lead = say!(
                ctx,
                ["今天{city}有雨，出门记得带伞。"],
                ["It's going to rain in {city} today; take an umbrella. "]
            );
        }
    }
    let actions = targeted(actions, f);
    // "好困，我去睡了": two clauses of one bedtime are offered for once. A pending offer here
    // is this utterance's own: the engine takes the last turn's before understanding.
    if matches!(&ctx.ses.pending, Some(Pending::Offer { actions: a, .. }) if *a == actions) {
        return Plan::Answer(String::new());
    }
    let q = format!("{lead}{}", ctx.say(&[zh.to_string()], &[en.to_string()]));
    let done = say!(ctx, ["好的，已经安排好了。"], ["OK, all done."]);
    confirm_first(ctx, actions, q, done)
}

/// The speaker's table. Appliances come before media, so "打开电视" switches the TV on.
pub static SPEAKER: Category = Category {
    intents: &[
        &[IOT, MEDIA_CONTROL, VOLUME, MEDIA, RECIPE, SCENE],
        general::CLOCK_INTENTS,
        &[CALENDAR],
        general::INFO_INTENTS,
        &[TRANSLATE, SUMMARIZE],
        general::DATA_INTENTS,
        &[CHAT],
    ],
    apps: &[],
    hand_off_media: None,
    sensitive: &[],
    events: &[events::MESSAGE, events::CALENDAR],
};

#[cfg(test)]
mod tests;
