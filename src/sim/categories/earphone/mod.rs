//! The earphone category (GB/Z 177.9): voice in and voice out only — no screen, no camera.
//! Answers are short enough to be spoken. Besides the general intents, earphones answer and
//! finish calls, control playback, switch noise cancelling and transparency (also from what the
//! wearer says about the noise around, or from a remembered habit for a place), protect the
//! wearer's hearing before a very high volume, translate phrases and interpret a conversation.
//!
//! Interpretation is a mode: once it is switched on, every utterance that is not a command to the
//! earphones is translated into the other language, until it is switched off. The terminal keeps a
//! pending question open while interpreting, so the next utterance comes back to it whatever it
//! says. Habits a wearer teaches (L4) live in the session's learned preferences.

#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::glasses::{NAV, TRANSLATE, TRANSLATE_MORE, lexicon};
use crate::device::protocol::ServedBy;
use crate::sim::events;
use crate::sim::general::{self, CHAT, MESSAGE, SUMMARIZE};
use crate::sim::nlu;
use crate::sim::plans::{has_any, re};
use crate::sim::skills as general_skills;
use crate::sim::turn::{Category, Expect, Frame, IntentDef, Plan, action};
use crate::sim::turn::{Ctx, Pending, Who, say};

const DECLINE: &[&str] = &["拒接", "不接", "拒绝", "decline", "reject"];

/// The volume above which listening for long harms hearing (the terminal asks first).
const SAFE_VOLUME: i64 = 80;

// ------------------------------------------------------------------ calls

pub fn answer(ctx: &mut Ctx, f: &Frame) -> Plan {
    // "拒接这个电话" holds "接这个电话": declining is never answering.
    if has_any(&f.text, DECLINE) {
        return hang_up(ctx, f);
    }
    let s = say!(
        ctx,
        ["已接听。", "好的，接通了。"],
        ["Call answered.", "OK, you're connected."]
    );
    with_habit(
        ctx,
        Plan::act(action("call.answer", json!({})), s),
        "earphone.call.mode",
        f,
    )
}

pub fn hang_up(ctx: &mut Ctx, f: &Frame) -> Plan {
    let decline = has_any(&f.text, DECLINE);
    let (reason, s) = if decline {
        ("decline", say!(ctx, ["已拒接。"], ["Call declined."]))
    } else {
        ("end", say!(ctx, ["已挂断。"], ["Call ended."]))
    };
    Plan::act(action("call.hangup", json!({ "reason": reason })), s)
}

/// A phone number said in groups ("138 1234 5678", "138-1234-5678").
static GROUPED_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"[0-9]{3,4}(?:[ -][0-9]{3,4}){1,3}"));

/// Calling back ("回拨", "打回去", "回个电话", "call back"): with no one named, whoever the
/// conversation was last about (L3).
static CALL_BACK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"回[拨打]|回电|(?:打|拨)回去|回(?:个|一个|一通)?电话|\bcall (?:\w+ )?back\b|\bring (?:\w+ )?back\b",
    )
});

pub fn call(ctx: &mut Ctx, f: &Frame) -> Plan {
    // "打这个号：139…": a number said after the colon is whom to call.
    let said = match f.content.as_deref() {
        Some(c)
            if !f.strict
                && c.chars()
                    .all(|ch| ch.is_ascii_digit() || " -+".contains(ch)) =>
        {
            format!("{} {c}", f.text.replace(nlu::CONTENT_MARK, ""))
        }
        _ => f.text.clone(),
    };
    let mut text = GROUPED_NUMBER
        .replace_all(&said, |c: &regex::Captures<'_>| {
            c[0].replace([' ', '-'], "")
        })
        .into_owned();
    if !f.strict
        && ctx.caps.context
        && CALL_BACK.is_match(&text)
        && ctx.find_person(&text) == Who::Missing
        && let Some(p) = ctx.ses.context.last_person.clone()
    {
        text = format!("打给{} {text}", p.name);
    }
    let frame;
    let f = if text != f.text {
        frame = Frame { text, ..f.clone() };
        &frame
    } else {
        f
    };
    let plan = general_skills::call_dial(ctx, f);
    with_habit(ctx, plan, "earphone.call.mode", f)
}

/// Add the noise-control mode the wearer asked to have with this activity (learned, L4).
fn with_habit(ctx: &mut Ctx, plan: Plan, key: &str, f: &Frame) -> Plan {
    let Plan::Act {
        mut actions,
        say: mut said,
    } = plan
    else {
        return plan;
    };
    if !ctx.caps.learning || f.target.is_some() {
        return Plan::Act { actions, say: said };
    }
    if let Some(mode) = ctx
        .ses
        .learned
        .prefs
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
    {
        let (zh, en) = mode_words(&mode);
        said += &say!(ctx, ["按你的习惯，{zh}。"], [" As you like it: {en}."]);
        actions.push(action("audio.noise_control", json!({ "mode": mode })));
    }
    Plan::Act { actions, say: said }
}

// ------------------------------------------------------------------ playback

const MEDIA_OPS: &[(&[&str], &str)] = &[
    (
        &[
            "上一首",
            "上一曲",
            "前一首",
            "刚才那首",
            "previous",
            "last song",
            "go back",
        ],
        "previous",
    ),
    (
        &[
            "下一首",
            "下一曲",
            "换一首",
            "换首",
            "切歌",
            "跳过",
            "不好听",
            "不想听这首",
            "next",
            "skip",
        ],
        "next",
    ),
    (
        &[
            "重新放",
            "再听一遍",
            "从头",
            "replay",
            "start over",
            "again",
        ],
        "restart",
    ),
    (
        &[
            "暂停",
            "停一下",
            "先别放",
            "别放了",
            "停止播放",
            "先停",
            "pause",
            "hold on",
            "hold the music",
            "停一停",
            "stop the music",
            "stop playing",
        ],
        "pause",
    ),
    (
        &[
            "继续放",
            "接着放",
            "接着播",
            "继续听",
            "继续",
            "resume",
            "continue",
            "keep playing",
        ],
        "resume",
    ),
];

pub fn media_control(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = f.slot_or_text("op");
    let Some(op) = MEDIA_OPS
        .iter()
        .find(|(ws, _)| has_any(t, ws))
        .map(|(_, op)| *op)
    else {
        return Plan::NotUnderstood;
    };
    if let Some(t) = f.target.clone() {
        // "carry on with it on the speaker": a hand-off of what is playing, not a transport control.
        if op != "resume" || !ctx.ses.state.media.is_object() {
            return Plan::NotUnderstood;
        }
        return hand_off_media(ctx, t);
    }
    let s = match op {
        "pause" => say!(ctx, ["已暂停。"], ["Paused."]),
        "resume" => say!(ctx, ["接着放。"], ["Resuming."]),
        "next" => say!(ctx, ["好的，下一首。"], ["Skipping ahead."]),
        "previous" => say!(ctx, ["好的，上一首。"], ["Previous song."]),
        _ => say!(
            ctx,
            ["好的，从头播放。"],
            ["Playing it again from the start."]
        ),
    };
    Plan::act(action("media.control", json!({ "op": op })), s)
}

const GENERIC_PLAY: &[&str] = &[
    "把",
    "转",
    "继续",
    "接着",
    "播放",
    "放",
    "音乐",
    "歌",
    "这首",
    "刚才的",
    "一下",
    "吧",
];

/// What is playing, continued on a linked device.
fn hand_off_media(ctx: &mut Ctx, target: String) -> Plan {
    let mut a = action("media.play", ctx.ses.state.media.clone());
    a.target = Some(target.clone());
    let s = say!(
        ctx,
        ["好的，已转到{target}上接着放。"],
        ["OK, it's playing on {target} now."]
    );
    Plan::act(a, s)
}

/// Plays music; with a linked device named, continue what is playing there (L4).
pub fn media(ctx: &mut Ctx, f: &Frame) -> Plan {
    if let Some(t) = f.target.clone()
        && ctx.ses.state.media.is_object()
    {
        let mut rest = f.text.clone();
        for w in GENERIC_PLAY {
            rest = rest.replace(w, "");
        }
        let rest: String = rest
            .split_whitespace()
            .filter(|w| {
                ![
                    "play", "music", "the", "this", "song", "continue", "it", "keep", "playing",
                ]
                .contains(w)
            })
            .collect();
        if rest.trim().is_empty() {
            return hand_off_media(ctx, t);
        }
    }
    // "想听陈奕迅了", "整几首陈奕迅的": the closing particle is no part of the name.
    let bare = f
        .text
        .trim_end_matches(['了', '吧', '啊', '呀', '呢', '的']);
    let frame;
    let f = if bare.len() < f.text.len() && !bare.is_empty() {
        frame = Frame {
            text: bare.to_string(),
            ..f.clone()
        };
        &frame
    } else {
        f
    };
    let plan = general_skills::media_play(ctx, f);
    with_habit(ctx, plan, "earphone.media.mode", f)
}

// ------------------------------------------------------------------ noise control and volume

fn mode_words(mode: &str) -> (&'static str, &'static str) {
    match mode {
        "anc" => ("降噪已打开", "noise cancelling is now on"),
        "transparency" => (
            "已切换到通透模式，能听到周围的声音",
            "transparency is on, so you can hear what's around you",
        ),
        _ => ("已关闭降噪", "noise control is off"),
    }
}

const TRANSPARENT: &[&str] = &[
    "通透",
    "环境声",
    "透传",
    "transparency",
    "ambient",
    "hear-through",
];
const CANCEL: &[&str] = &[
    "降噪",
    "anc",
    "noise cancelling",
    "noise canceling",
    "noise cancellation",
];
const OFF: &[&str] = &[
    "关闭",
    "关掉",
    "关了",
    "关上",
    "不要",
    "取消",
    "turn off",
    "switch off",
    "disable",
];
const NOISY: &[&str] = &[
    "太闹",
    "好闹",
    "闹哄哄",
    "太吵",
    "好吵",
    "很吵",
    "吵死",
    "噪音",
    "噪声",
    "嘈杂",
    "吵得",
    "noisy",
    "noise",
    "so loud here",
    "too loud around",
];
const NEED_TO_HEAR: &[&str] = &[
    "听不到别人",
    "听不见别人",
    "听不到周围",
    "听不见周围",
    "听不到外面",
    "听不见外面",
    "跟人说话",
    "和人说话",
    "跟我说话",
    "有人叫我",
    "过马路",
    "听听周围",
    "听到周围",
    "听得到周围",
    "听到车",
    "听见外面",
    "听到外面",
    "听得见外面",
    "听见周围",
    "hear people",
    "hear my surroundings",
    "hear what's around",
    "hear what's going on",
    "let sound in",
    "let the sound in",
    "let some sound in",
    "talk to someone",
    "someone is talking to me",
    "cross the road",
];
/// Words that make a complaint about the sound the earphones play, not the noise around.
const PLAYED: &[&str] = &[
    "音量",
    "声音太大",
    "声音太小",
    "音乐",
    "歌",
    "电话里",
    "volume",
    "music",
    "song",
    "in my ears",
    "耳朵",
    "耳机声音",
];

/// The place around the wearer said to be loud: "the traffic out here is loud", "so loud on
/// this bus".
const SURROUNDINGS_LOUD: &str = r"\b(?:around me|out here|outside|in here|traffic|street|crowd|on (?:this|the) (?:train|bus|plane|subway|metro|tube))\b.{0,24}\b(?:loud|noisy)\b|\b(?:loud|noisy)\b.{0,24}\b(?:around me|out here|outside|in here|on (?:this|the) (?:train|bus|plane|subway|metro|tube))\b";
static AROUND_LOUD: LazyLock<Regex> = LazyLock::new(|| re(SURROUNDINGS_LOUD));

fn noise_plan(ctx: &mut Ctx, mode: &str) -> Plan {
    let (zh, en) = mode_words(mode);
    let s = say!(ctx, ["好的，{zh}。"], ["OK, {en}."]);
    Plan::act(action("audio.noise_control", json!({ "mode": mode })), s)
}

pub fn noise_control(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = if f.strict {
        format!(
            "{} {}",
            f.slot("op").unwrap_or_default(),
            f.slot("m").unwrap_or_default()
        )
    } else {
        f.text.clone()
    };
    let off = has_any(&t, OFF) || (f.strict && f.slot("op") == Some("off"));
    let mode = if has_any(&t, TRANSPARENT) {
        if off { "off" } else { "transparency" }
    } else if has_any(&t, CANCEL) {
        if off { "off" } else { "anc" }
    } else if f.strict {
        return Plan::NotUnderstood;
    } else if has_any(&t, NEED_TO_HEAR) {
        "transparency"
    } else if (has_any(&t, NOISY) && !has_any(&t, PLAYED)) || AROUND_LOUD.is_match(&t) {
        "anc"
    } else {
        return Plan::NotUnderstood;
    };
    noise_plan(ctx, mode)
}

/// Where the wearer says they are going, and the words a remembered habit uses for it.
const SCENES: &[(&[&str], &[&str])] = &[
    (
        &[
            "上地铁",
            "进地铁",
            "坐地铁",
            "地铁上",
            "进站了",
            "subway",
            "metro",
            "the tube",
        ],
        &["地铁", "subway", "metro"],
    ),
    (
        &[
            "跑步",
            "去跑",
            "夜跑",
            "晨跑",
            "jog",
            "running",
            "for a run",
        ],
        &["跑步", "跑", "run", "jog"],
    ),
    (&["过马路", "路口", "crossing"], &["马路", "路口", "cross"]),
    (
        &["到公司", "上班", "办公室", "office", "at work"],
        &["公司", "上班", "办公室", "office", "work"],
    ),
    (
        &["上飞机", "飞机上", "登机", "plane", "flight", "boarding"],
        &["飞机", "plane", "flight"],
    ),
    (
        &["到车站", "火车站", "候车", "高铁站", "station"],
        &["车站", "火车", "高铁", "station"],
    ),
    (
        &["骑车", "骑自行车", "cycling", "bike"],
        &["骑车", "自行车", "cycl", "bike"],
    ),
];

/// "我上地铁了": the noise-control mode the wearer said they like there (memory, L3).
pub fn scene(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some((_, fact_words)) = SCENES.iter().find(|(ws, _)| has_any(&f.text, ws)) else {
        return Plan::NotUnderstood;
    };
    let mode = ctx.facts().iter().find_map(|fact| {
        let t = fact.text.to_lowercase();
        if !fact_words.iter().any(|w| t.contains(w)) {
            return None;
        }
        if TRANSPARENT.iter().any(|w| t.contains(w))
            || NEED_TO_HEAR.iter().any(|w| t.contains(w))
            || t.contains("听得到")
        {
            Some("transparency")
        } else if CANCEL.iter().any(|w| t.contains(w)) {
            Some(if OFF.iter().any(|w| t.contains(w)) {
                "off"
            } else {
                "anc"
            })
        } else {
            None
        }
    });
    let Some(mode) = mode else {
        return Plan::NotUnderstood;
    };
    let (zh, en) = mode_words(mode);
    let s = say!(
        ctx,
        ["好的，按你的习惯{zh}。"],
        ["OK, as you like it there: {en}."]
    );
    Plan::act(action("audio.noise_control", json!({ "mode": mode })), s)
}

static RELATIVE_VOLUME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:把)?(?:音量|声音)(?P<dir>调低|调小|降低|小一点|小点|调高|调大|提高|大一点|大点)(?:一点|一些|点)?$",
    )
});

/// Volume, with the hearing protection an earphone owes its wearer: above the safe level it
/// asks first, and only a "yes" turns it up.
pub fn volume(ctx: &mut Ctx, f: &Frame) -> Plan {
    let plan = match f
        .strict
        .then(|| RELATIVE_VOLUME.captures(&f.text))
        .flatten()
    {
        Some(c) => {
            let up = matches!(&c["dir"], "调高" | "调大" | "提高" | "大一点" | "大点");
            general_skills::settings_delta(ctx, "volume", if up { 10 } else { -10 })
        }
        None => general_skills::settings_set(ctx, f),
    };
    let Plan::Act { actions, say: _ } = &plan else {
        return plan;
    };
    let loud = actions.iter().find_map(|a| {
        (a.name == "settings.set" && a.args.get("name").and_then(Value::as_str) == Some("volume"))
            .then(|| a.args.get("value").and_then(Value::as_i64))
            .flatten()
    });
    match loud {
        Some(v) if v > SAFE_VOLUME && v > ctx.ses.settings.volume => {
            let done = say!(
                ctx,
                ["好的，音量已调到{v}%，注意让耳朵休息。"],
                ["OK, volume at {v}%. Give your ears a rest now and then."]
            );
            ctx.ses.pending = Some(Pending::Offer {
                actions: actions.clone(),
                done,
            });
            let s = say!(
                ctx,
                ["音量超过{SAFE_VOLUME}%，长时间听可能损伤听力。确定要调到{v}%吗？"],
                [
                    "Above {SAFE_VOLUME}%, long listening can damage your hearing. Are you sure you want {v}%?"
                ]
            );
            Plan::Answer(s)
        }
        _ => plan,
    }
}

// ------------------------------------------------------------------ interpretation

/// What the terminal waits on while interpreting: every next utterance comes back to
/// [`interpret`] as "〔同传〕 <utterance>" through the engine's pending-question mechanism, so
/// that speech of any kind is translated without a catch-all intent (which would make every
/// utterance look like a command to the engine).
const LISTENING: &str = "〔同传〕";

const STOP_INTERPRETING: &[&str] = &[
    "关闭",
    "停止",
    "结束",
    "退出",
    "别翻",
    "不用翻",
    // "…关了就行", "不用再译了": done with the mode, however the off is said.
    "关了",
    "关掉",
    "不用",
    "不要",
    "stop",
    "end",
    "turn off",
    "exit",
];
const INTERPRETING: &[&str] = &[
    "翻译",
    "同传",
    "传译",
    "interpret",
    "interpreting",
    "interpretation",
    "translating",
    "translation",
];

/// Intents that stay commands while interpreting.
const CONTROLS: &[&str] = &[
    "settings.set",
    "audio.noise_control",
    "media.control",
    "call.hangup",
    "call.answer",
];

fn keep_listening(ctx: &mut Ctx) {
    ctx.ses.pending = Some(Pending::Ask(Expect::Slot {
        utterance: LISTENING.to_string(),
    }));
}

fn stop_interpreting(ctx: &mut Ctx) -> Plan {
    if ctx.ses.learned.prefs.remove("earphone.interpret").is_none() {
        let s = say!(ctx, ["同声传译没有开启。"], ["Interpreting isn't on."]);
        return Plan::Answer(s);
    }
    let s = say!(
        ctx,
        ["好的，已关闭同声传译。"],
        ["OK, interpreting is off."]
    );
    Plan::act(action("interpret.stop", json!({})), s)
}

pub fn interpret(ctx: &mut Ctx, f: &Frame) -> Plan {
    if let Some(rest) = f.text.strip_prefix(LISTENING) {
        return interpret_turn(ctx, rest.trim());
    }
    if has_any(&f.text, STOP_INTERPRETING) {
        return stop_interpreting(ctx);
    }
    ctx.ses.learned.prefs.insert(
        "earphone.interpret".into(),
        json!({ "mine": "zh", "theirs": "en" }),
    );
    keep_listening(ctx);
    let s = say!(
        ctx,
        ["好的，同声传译已开启：你说中文我译成英文，对方说英文我译成中文。要结束时告诉我。"],
        [
            "OK, interpreting: I'll put your Chinese into English and theirs into Chinese. Tell me when to finish."
        ]
    );
    Plan::Act {
        actions: vec![action(
            "interpret.start",
            json!({ "source_lang": "zh", "target_lang": "en" }),
        )],
        say: s,
    }
}

/// One utterance while interpreting: a command to the earphones, or speech to translate.
fn interpret_turn(ctx: &mut Ctx, said: &str) -> Plan {
    if said.is_empty() {
        keep_listening(ctx);
        return Plan::Answer(String::new());
    }
    if has_any(said, STOP_INTERPRETING) && has_any(said, INTERPRETING) {
        return stop_interpreting(ctx);
    }
    let control = ctx
        .grammar
        .rank(said)
        .into_iter()
        .find(|(d, score)| {
            CONTROLS.contains(&d.name) && (*score >= 6 || (*score >= 4 && lexicon::is_zh(said)))
        })
        .map(|(d, _)| d);
    if let Some(def) = control {
        let plan = (def.skill)(
            ctx,
            &Frame {
                text: said.to_string(),
                ..Frame::default()
            },
        );
        if plan != Plan::NotUnderstood {
            if !matches!(plan, Plan::Ask { .. }) && ctx.ses.pending.is_none() {
                keep_listening(ctx);
            }
            return plan;
        }
    }
    let from_zh = lexicon::is_zh(said);
    let target = if from_zh { "en" } else { "zh" };
    ctx.note_network(ServedBy::Hybrid);
    let out = lexicon::translate(said, target);
    let s = if from_zh {
        say!(ctx, ["（译给对方）{out}"], ["(To them) {out}"])
    } else {
        say!(ctx, ["对方说：{out}"], ["They said: {out}"])
    };
    ctx.ses.context.last_result = Some(out);
    keep_listening(ctx);
    general_skills::translation(said, if from_zh { "zh" } else { "en" }, target, s)
}

// ------------------------------------------------------------------ translation follow-ups

/// An elliptical follow-up: one phrase between the words that carry a question on ("还有…呢",
/// "…呢", "那…怎么说", "and …?", "what about …?"), at least one of them said.
static AGAIN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?P<lead>(?:那|那么|还有|那还有|另外|那再|再)|(?:and|what about|how about|and what about)\b)?[, ]*(?P<x>[^,]+?)[, ]*(?P<tail>呢|又?怎么说(?:呢)?|又?怎么讲(?:呢)?|用英[语文](?:怎么)?说呢?|how do (?:you|i) say (?:that|it)|in english)?[?.!]*$",
    )
});

/// "还有‘太贵了’呢" right after a translation: the next phrase, put the same way (L3).
pub fn translate_again(ctx: &mut Ctx, f: &Frame) -> Plan {
    if ctx.last_topic() != Some("text") {
        return Plan::NotUnderstood;
    }
    let (Some(prev), Some(c)) = (ctx.last_result(), AGAIN.captures(&f.text)) else {
        return Plan::NotUnderstood;
    };
    if c.name("lead").is_none() && c.name("tail").is_none() {
        return Plan::NotUnderstood;
    }
    let said = c["x"].trim_matches(['\'', '"', ' ']);
    let source = match f.content.clone() {
        Some(content) if said.contains(nlu::CONTENT_MARK) => content,
        None if !said.is_empty() && said.chars().count() <= 16 => said.to_string(),
        _ => return Plan::NotUnderstood,
    };
    // The language the last translation went into is where this one goes too.
    super::glasses::skills::translate_like_last(ctx, &prev, source)
}

// ------------------------------------------------------------------ learning

/// The activity a habit is tied to: calls or music.
const ON_CALLS: &[&str] = &["电话", "通话", "接听", "call", "calls", "calling", "phone"];
const ON_MUSIC: &[&str] = &["听歌", "音乐", "放歌", "歌的时候", "music", "song", "songs"];
/// What makes a request a standing rule rather than a one-off: how often, from when on.
const EVERY_TIME: &[&str] = &[
    "每次",
    "每回",
    "每当",
    "只要",
    "以后",
    "今后",
    "往后",
    "从现在",
    "从今",
    "总是",
    "一直",
    "自动",
    "都",
    "whenever",
    "every",
    "each time",
    "always",
    "from now on",
    "automatically",
    "any time",
];

/// A stated habit ("每回接电话都给我切到降噪", "ANC for all my calls"): an
/// activity, a noise mode and a word making it a standing rule, in whatever order; learned
/// only at L4.
pub fn habit(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = f.text.as_str();
    let calls = has_any(t, ON_CALLS);
    let music = has_any(t, ON_MUSIC);
    let cancel = has_any(t, CANCEL) || t.contains("noise");
    let transparent = has_any(t, TRANSPARENT);
    if !(calls || music) || !(cancel || transparent) || !has_any(t, EVERY_TIME) {
        return Plan::NotUnderstood;
    }
    if let Some(s) = ctx.cannot_learn() {
        return Plan::Answer(s);
    }
    let mode = if has_any(t, OFF) {
        "off"
    } else if transparent {
        "transparency"
    } else {
        "anc"
    };
    let key = if calls {
        "earphone.call.mode"
    } else {
        "earphone.media.mode"
    };
    ctx.ses.learned.prefs.insert(key.into(), json!(mode));
    let (zh, en) = match mode {
        "anc" => ("自动切到降噪", "I'll switch to noise cancelling"),
        "transparency" => ("自动切到通透模式", "I'll switch to transparency"),
        _ => ("自动关闭降噪", "I'll turn noise control off"),
    };
    let (wz, we) = if calls {
        ("通话时", "on calls")
    } else {
        ("听歌时", "when music plays")
    };
    let s = say!(
        ctx,
        ["好的，记住了：以后{wz}{zh}。"],
        ["OK, noted: {we}, {en}."]
    );
    let args = json!({ "key": if calls { "call.noise_control" } else { "media.noise_control" }, "value": mode });
    Plan::act(action("preference.set", args), s)
}

// ------------------------------------------------------------------ the table

const HABIT_INTENT: IntentDef = IntentDef {
    name: "preference.set",
    templates: &[],
    templates_en: &[],
    cues: &[],
    // An activity and a noise mode in one request; the skill decides whether it is a rule.
    patterns: &[
        (
            r"(?:电话|通话|接听|听歌|音乐|放歌).{0,20}(?:降噪|通透|环境声)|(?:降噪|通透|环境声).{0,20}(?:电话|通话|听歌|音乐)",
            12,
        ),
        (
            r"(?:call|phone|music|song).{0,40}(?:noise|transparency|ambient)|(?:noise|transparency|ambient).{0,40}(?:call|phone|music|song)",
            12,
        ),
    ],
    skill: habit,
};

const ANSWER: IntentDef = IntentDef {
    name: "call.answer",
    templates: &[r"^接(?:听|通|起来)?(?:电话)?$"],
    templates_en: &[r"^(?:answer|pick (?:it )?up)(?: the call| the phone| it)?$"],
    cues: &[
        ("接听", 7),
        ("接电话", 7),
        ("接一下", 6),
        ("接通", 6),
        ("接吧", 6),
        ("answer", 6),
    ],
    patterns: &[(r"\bpick (?:it |the phone )?up\b", 6)],
    skill: answer,
};

const HANG_UP: IntentDef = IntentDef {
    name: "call.hangup",
    templates: &[r"^(?:挂(?:断|掉|了)?(?:电话)?|拒绝?接听?(?:电话)?|不接)$"],
    templates_en: &[
        r"^(?:hang (?:it )?up|end (?:the |this )?call|decline(?: the call)?|reject(?: the call)?)$",
    ],
    cues: &[
        ("挂断", 7),
        ("挂掉", 7),
        ("挂了", 6),
        ("挂电话", 7),
        ("拒接", 7),
        ("拒绝接", 8),
        ("不接", 6),
        ("decline", 6),
    ],
    patterns: &[
        (r"\bhang (?:it )?up\b", 7),
        (r"\bend (?:the |this )?call\b", 7),
    ],
    skill: hang_up,
};

const INTERPRET: IntentDef = IntentDef {
    name: "interpret.start",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("同声传译", 9),
        ("同传", 9),
        ("翻译模式", 9),
        ("对话翻译", 9),
        ("翻译对话", 9),
        ("帮我翻译对话", 9),
        ("当翻译", 9),
        ("interpret", 9),
        ("interpreting", 9),
        ("interpreter", 9),
        ("interpretation", 9),
        ("translation mode", 9),
        ("停止翻译", 10),
        ("关闭翻译", 10),
        ("结束翻译", 10),
        ("退出翻译", 10),
    ],
    patterns: &[
        (
            r"(?:帮我|给我)?(?:翻译|传译).{0,6}(?:对话|聊天|交流|和他|跟他|和她|跟她|和对方)",
            9,
        ),
        (r"^〔同传〕", 30),
    ],
    skill: interpret,
};

/// A phrase after a translation, asked about with the request left out (L3).
const TRANSLATE_AGAIN: IntentDef = IntentDef {
    name: "text.translate",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: &[
        (
            r"^(?:那|那么|还有|那还有|另外|再)?[, ]*〔内容〕[, ]*(?:呢|又?怎么说|又?怎么讲)?$",
            6,
        ),
        (
            r"^(?:那|那么|还有|那还有|另外)[^,]{1,12}(?:呢|怎么说|怎么讲)$",
            5,
        ),
        (r"^(?:and|what about|how about)\b", 5),
    ],
    skill: translate_again,
};

const NOISE: IntentDef = IntentDef {
    name: "audio.noise_control",
    templates: &[
        r"^(?P<op>打开|开启|关闭|关掉|开)(?P<m>降噪|主动降噪|降噪模式|通透模式|通透|环境声模式|环境声|透传模式)$",
        r"^(?P<op>切换到|切到|换成|切换成)(?P<m>降噪模式|降噪|通透模式|环境声模式)$",
    ],
    templates_en: &[
        r"^(?:turn (?P<op>on|off)|switch (?P<op2>on|off|to)) (?P<m>noise cancell?ing|anc|transparency(?: mode)?|ambient (?:sound|mode))$",
    ],
    cues: &[
        ("降噪", 7),
        ("通透", 7),
        ("环境声", 7),
        ("太吵", 7),
        ("好吵", 7),
        ("噪音", 6),
        ("噪声", 6),
        ("吵死", 7),
        ("过马路", 6),
        ("跟人说话", 6),
        ("跟我说话", 6),
        ("听听周围", 6),
        ("有人叫我", 6),
        ("叫我", 3),
        ("听不到别人", 6),
        ("听不见别人", 6),
        ("noise", 6),
        ("transparency", 7),
        ("noisy", 6),
        ("ambient", 6),
        ("cross the road", 6),
        ("talking to me", 6),
        ("hear what", 5),
        ("太闹", 7),
        ("好闹", 7),
        ("闹哄哄", 7),
        ("let sound in", 7),
        ("let the sound in", 7),
    ],
    patterns: &[
        (r"听不[到见](?:周围|外面|别人|车)", 6),
        (r"让我(?:能)?听(?:见|到|得见|得到)", 6),
        // Loud surroundings, not the sound played: "the street is so loud", "loud in here".
        (SURROUNDINGS_LOUD, 8),
    ],
    skill: noise_control,
};

const SCENE: IntentDef = IntentDef {
    name: "audio.scene",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("上地铁", 5),
        ("进地铁", 5),
        ("坐地铁", 4),
        ("跑步", 5),
        ("去跑", 5),
        ("上飞机", 5),
        ("登机", 5),
        ("过安检", 4),
        ("到公司", 5),
        ("上班", 3),
        ("到车站", 5),
        ("骑车", 4),
        ("subway", 4),
        ("metro", 4),
        ("run", 4),
        ("jog", 4),
        ("flight", 4),
        ("office", 4),
        ("for a run", 5),
    ],
    patterns: &[],
    skill: scene,
};

const MEDIA_CONTROL: IntentDef = IntentDef {
    name: "media.control",
    templates: &[
        r"^(?P<op>(?:暂停|继续)(?:播放|音乐)?|(?:播放)?[上下]一[首曲]|切歌|停止播放)$",
        r"^(?:音乐|歌曲)?(?P<op>继续播?放|暂停)(?:音乐|歌曲)?$",
    ],
    templates_en: &[
        r"^(?P<op>pause|resume|next(?: song| track)?|previous(?: song| track)?|skip(?: this song)?|play the next (?:song|track))$",
        r"^(?P<op>resume|pause)(?: the)? (?:music|playback|song)$",
    ],
    cues: &[
        ("暂停", 7),
        ("下一首", 7),
        ("上一首", 7),
        ("换一首", 7),
        ("换首", 7),
        ("切歌", 7),
        ("跳过", 6),
        ("不好听", 6),
        ("别放了", 7),
        ("先别放", 7),
        ("停一下", 6),
        ("接着放", 7),
        ("再听一遍", 7),
        ("pause", 7),
        ("skip", 6),
        ("previous song", 7),
        ("resume", 7),
        ("hold on", 5),
        ("stop playing", 7),
        ("stop the music", 7),
        ("hold the music", 7),
        ("先停", 6),
        ("停一停", 6),
        ("keep playing", 7),
        ("skip it", 7),
    ],
    // "歌曲接着放" resumes what was playing; it is no new request for songs.
    patterns: &[
        (
            r"(?:音乐|歌曲|歌)继续|继续(?:播放|放|播)(?:音乐|歌曲|歌)",
            6,
        ),
        (r"继续播?放", 7),
        (r"\bnext (?:song|track|one)\b", 7),
    ],
    skill: media_control,
};

/// Music as everywhere, with "整点我常听的" (what one listens to) read as music too.
const MEDIA: IntentDef = IntentDef {
    // "整点我常听的": what one listens to, asked for, is music on earphones.
    patterns: &[
        (r"(?:来|整|放)(?:几|一|两)?首", 5),
        // "来点王菲", "整点摇滚": some of an artist or a kind.
        (r"^(?:给我)?(?:来|整)(?:点|些)[^,]{2,8}$", 4),
        (
            r"\b(?:feel like|fancy|want to|wanna|like to) (?:listening|hearing|listen|hear) (?:to )?",
            5,
        ),
        (r"(?:来|整|放|播)[^,]{0,8}(?:爱听|喜欢听|常听)的", 5),
    ],
    skill: media,
    ..general::MEDIA
};

/// Calls through the paired phone; the earphone's own skill first calls back whoever called.
const CALL: IntentDef = IntentDef {
    skill: call,
    ..general::CALL
};

const VOLUME: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:把)?(?P<name>音量|声音)(?:调到|调至|调成|设为|设置为|设置成|设成)(?P<value>.+)$",
        r"^(?:把)?(?:音量|声音)(?:调低|调小|降低|小一点|小点|调高|调大|提高|大一点|大点)(?:一点|一些|点)?$",
        r"^(?P<op>打开|开启|关闭|关掉)(?P<name>蓝牙|勿扰模式|免打扰|勿扰)$",
    ],
    templates_en: &[r"^set (?:the )?(?P<name>volume) to (?P<value>.+)$"],
    cues: &[
        ("音量", 4),
        ("声音", 3),
        ("大声点", 5),
        ("小声点", 5),
        ("听不清", 4),
        ("听不见", 4),
        ("声音太小", 5),
        ("声音太大", 5),
        ("音量太高", 5),
        ("音量太低", 5),
        ("太响", 5),
        ("太吵", 4),
        ("勿扰", 5),
        ("免打扰", 5),
        ("volume", 5),
        ("louder", 5),
        ("quieter", 5),
        ("turn it up", 5),
        ("turn it down", 5),
        ("too quiet", 5),
        ("too loud", 5),
        ("too high", 4),
        ("a bit loud", 5),
        ("can't hear", 6),
        ("in my ears", 7),
        ("震耳", 6),
        ("刺耳", 6),
        ("blasting", 6),
        ("crank it up", 6),
        ("耳机声音", 5),
    ],
    // "声儿小得很": the sound said to be too soft or loud, however the degree is put.
    patterns: &[(r"(?:声儿|声音|音量)[^,]{0,5}(?:小|低|轻|大|高|响)", 5)],
    skill: volume,
};

pub static EARPHONE: Category = Category {
    intents: &[
        &[
            HABIT_INTENT,
            ANSWER,
            HANG_UP,
            INTERPRET,
            NOISE,
            SCENE,
            MEDIA_CONTROL,
        ],
        general::CLOCK_INTENTS,
        &[CALL, MESSAGE],
        general::DATA_INTENTS,
        &[VOLUME, NAV],
        general::INFO_INTENTS,
        &[
            TRANSLATE,
            TRANSLATE_MORE,
            TRANSLATE_AGAIN,
            SUMMARIZE,
            MEDIA,
            CHAT,
        ],
    ],
    apps: &[],
    hand_off_media: Some(hand_off_media),
    sensitive: &[],
    events: events::PERSONAL,
};
