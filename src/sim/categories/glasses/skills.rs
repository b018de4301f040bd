//! Skills of the glasses category: reading, explaining and translating what the wearer sees,
//! answering questions about menus, timetables, medicine boxes and labels, walking directions,
//! the camera, and the habits a wearer teaches (L4). The earphone category reuses the
//! translator and the walking navigation.
//!
//! What is in view arrives as the frame's `content` (the picture's text). Without a picture, a
//! follow-up may refer to what was seen last: `Ctx::last_result`, which only an L3 terminal
//! keeps in mind.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveTime, Timelike};
use regex::Regex;
use serde_json::{Value, json};

use super::lexicon::{self, ARROWS, Dish};
use crate::device::protocol::{Action, ServedBy};
use crate::sim::plans::{has_any, other_language, re};
use crate::sim::turn::{Ctx, Pending, Who, say};
use crate::sim::turn::{Frame, Plan, action, has_cue};
use crate::sim::{nlu, safety, skills, text_tools};

/// What the request is about: the picture or quoted text that came with it, else (L3) what
/// the conversation saw or produced last.
fn in_view(ctx: &Ctx, f: &Frame) -> Option<String> {
    f.content
        .clone()
        .or_else(|| ctx.last_result())
        .filter(|c| !c.trim().is_empty())
}

/// Keep what was seen in mind for follow-ups (read back only at L3).
fn keep_in_mind(ctx: &mut Ctx, text: &str) {
    ctx.ses.context.last_result = Some(text.to_string());
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Lines with instructions to the assistant left out (an instruction may run over several
/// lines until its sentence ends), and how many were left out.
fn without_instructions(text: &str) -> (Vec<String>, usize) {
    let mut kept = Vec::new();
    let mut dropped = 0;
    let mut inside = false;
    for l in lines(text) {
        if safety::is_injection(&l) {
            inside = true;
        }
        if inside {
            dropped += 1;
            inside = !l.ends_with(['。', '！', '？', '.', '!', '?', '；']);
        } else {
            kept.push(l);
        }
    }
    (kept, dropped)
}

fn joined(ctx: &Ctx, parts: &[String]) -> String {
    parts.join(if ctx.en() { " / " } else { "；" })
}

/// Whether the user finds English hard to read (a remembered fact, L3).
fn needs_chinese(ctx: &Ctx) -> bool {
    ctx.facts().iter().any(|f| {
        let t = f.text.to_lowercase();
        (t.contains("英语") || t.contains("英文"))
            && ["不好", "不太好", "不行", "看不懂", "不懂", "很差", "一般"]
                .iter()
                .any(|w| t.contains(w))
    })
}

// ------------------------------------------------------------------ reading

/// A request that reads the text only to do something else with it ("写了啥，帮我总结一下").
const OVER_TEXT: &[&str] = &[
    "总结", "概括", "归纳", "摘要", "要点", "翻译", "summar", "gist", "translat",
];

pub fn read_text(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !f.strict && has_any(&f.text, OVER_TEXT) {
        return Plan::NotUnderstood;
    }
    let Some(content) = f
        .content
        .clone()
        .or_else(|| ctx.last_result().filter(|_| !f.strict))
    else {
        if f.strict
            || has_any(
                &f.text,
                &[
                    "牌子", "菜单", "标签", "上面", "这", "sign", "menu", "label", "this",
                ],
            )
        {
            let s = say!(
                ctx,
                ["请把镜头对准要读的文字。"],
                ["Please point the camera at the text you want read."]
            );
            return Plan::Answer(s);
        }
        return Plan::NotUnderstood;
    };
    let (kept, dropped) = without_instructions(&content);
    let text = joined(ctx, &kept);
    let mut s = if text.is_empty() {
        say!(
            ctx,
            ["上面没有我能读出的文字。"],
            ["There's no text I can read on it."]
        )
    } else {
        say!(ctx, ["上面写着：{text}。"], ["It says: {text}."])
    };
    if dropped > 0 {
        s += &say!(
            ctx,
            ["（其中有一段要求我执行操作的文字，我只读给你听，不会照做。）"],
            [" (Part of it tries to give me instructions; I won't act on them.)"]
        );
    }
    let english = !lexicon::is_zh(&content);
    if english && needs_chinese(ctx) {
        let zh = lexicon::translate(&kept.join("\n"), "zh");
        s += &say!(
            ctx,
            ["你说过英文看着吃力，我翻译成中文：{zh}。"],
            ["In Chinese: {zh}."]
        );
    }
    if let Some(flag) = learned_menu_flag(ctx) {
        let flagged: Vec<String> = lexicon::dishes_in(&content)
            .into_iter()
            .filter(|(d, _)| d.tags.contains(&flag.as_str()))
            .map(|(d, _)| dish_name(ctx, d))
            .collect();
        if !lexicon::dishes_in(&content).is_empty() {
            let tag_en = lexicon::tag_en(&flag);
            s += &if flagged.is_empty() {
                say!(
                    ctx,
                    ["按你的习惯看了一下：没有{flag}的菜。"],
                    [" As you asked: no dishes with {tag_en}."]
                )
            } else {
                let list = flagged.join(if ctx.en() { ", " } else { "、" });
                let zh_tag = if flag == "辣" {
                    "辣的菜".to_string()
                } else {
                    format!("含{flag}的菜")
                };
                say!(
                    ctx,
                    ["按你的习惯标出来：{zh_tag}有{list}。"],
                    [" As you asked, the {tag_en} dishes: {list}."]
                )
            };
        }
    }
    keep_in_mind(ctx, &kept.join("\n"));
    Plan::Answer(s)
}

fn learned_menu_flag(ctx: &Ctx) -> Option<String> {
    if !ctx.caps.learning {
        return None;
    }
    ctx.ses
        .learned
        .prefs
        .get("glasses.menu.flag")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn dish_name(ctx: &Ctx, d: &Dish) -> String {
    if ctx.en() {
        format!("{} ({})", d.en, d.zh)
    } else {
        d.zh.to_string()
    }
}

// ------------------------------------------------------------------ translation

static TRANSLATE_SRC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"把(?P<a>.+?)(?:翻译|翻)成|(?P<b>.+?)用(?:英语|英文|中文|汉语)(?:怎么说|说)|(?P<g>.+?)(?:的|,)?(?:用)?(?:英文|英语|中文|汉语)(?:的)?(?:说法|表达|单词)?(?:是什么|是啥|叫什么|叫啥|怎么说|怎么讲|咋说|咋讲)|翻译(?:一下)?[,: ]?(?P<c>.+?)(?:成|为)?(?:英文|英语|中文)?$|translate (?P<d>.+?)(?: (?:into|to) (?:english|chinese))?$|how do (?:you|i) say (?P<e>.+?) in (?:english|chinese)",
    )
});
/// Words that point at something rather than quote it.
const POINTING: &[&str] = &[
    "这个", "这块", "这张", "这段", "这句", "这些", "上面", "牌子", "菜单", "标签", "路牌", "它",
    "刚才", "结果", "this", "that", "it", "sign", "menu", "label",
];

/// What the capture can leave behind of "翻译一下" or "用英语咋讲" when no text is named.
const FILLER: &[&str] = &["一下", "下", "用", "那", "这"];

static LATIN_RUN: LazyLock<Regex> = LazyLock::new(|| re(r"[a-z][a-z0-9' ,.?!-]*[a-z0-9?!.]"));
static SINGLE_QUOTED: LazyLock<Regex> = LazyLock::new(|| re(r"'(?P<q>[^']{2,})'"));

/// The words to translate when the request names them without a fixed frame: English inside
/// a Chinese request ("Where is the exit，这句翻译一下"), or a single-quoted phrase.
fn foreign_words(t: &str) -> Option<String> {
    if lexicon::is_zh(t) {
        return LATIN_RUN
            .find_iter(t)
            .map(|m| m.as_str().trim_matches([',', ' ', '-']).to_string())
            .filter(|w| w.contains(' '))
            .max_by_key(String::len);
    }
    SINGLE_QUOTED
        .captures(t)
        .map(|c| c["q"].trim().to_string())
        .filter(|q| !q.is_empty())
}

pub fn translate(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = f.text.as_str();
    if let Some(p) = other_language(ctx, t) {
        return p;
    }
    let groups = ["a", "b", "g", "c", "d", "e"];
    let mut source = skills::translation_source(f, &TRANSLATE_SRC, &groups, |s| {
        let s = s
            .trim_matches(['“', '”', '"', '\'', '‘', '’', ',', ' '])
            .trim_end_matches('的');
        let kept = !s.is_empty()
            && s != nlu::CONTENT_MARK
            && !has_any(s, POINTING)
            && !s.starts_with("成")
            && !FILLER.contains(&s);
        kept.then(|| s.to_string())
    });
    if source.is_none() {
        source = foreign_words(t);
    }
    if source.is_none() {
        source = ctx.last_result();
    }
    let Some(source) = source.filter(|s| !s.trim().is_empty()) else {
        let s = say!(
            ctx,
            ["请告诉我要翻译的内容，或者把镜头对准要翻译的文字。"],
            ["Tell me what to translate, or point the camera at it."]
        );
        return Plan::Answer(s);
    };
    let source_lang = if nlu::mostly_cjk(&source) { "zh" } else { "en" };
    // The language named is where the words go, unless it is the one they are already in
    // (English words asked about with 英文 named go into Chinese).
    let named = if has_any(t, &["英文", "英语", "english"]) {
        Some("en")
    } else if has_any(t, &["中文", "汉语", "chinese"]) {
        Some("zh")
    } else {
        None
    };
    let target = match named {
        Some(l) if l != source_lang => l,
        _ if source_lang == "zh" => "en",
        _ => "zh",
    };
    ctx.note_network(ServedBy::Hybrid);
    let out = lexicon::translate(&source, target);
    let mut s = say!(
        ctx,
        ["翻译：{out}", "意思是：{out}"],
        ["Translation: {out}", "In translation: {out}"]
    );
    let injected = text_tools::sentences(&source)
        .iter()
        .filter(|x| safety::is_injection(x))
        .count();
    if injected > 0 {
        s += &say!(
            ctx,
            ["（原文里有要求执行操作的话，我只翻译，不会执行。）"],
            [" (The text contains an instruction to me; I only translated it.)"]
        );
    }
    keep_in_mind(ctx, &out);
    skills::translation(&source, source_lang, target, s)
}

static ALSO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:那|那么)(?P<x>.+?)(?:呢|怎么说呢|怎么说)$|^(?P<z>.+?)(?:又)?怎么说呢$|^(?:and|what about|how about) ?(?P<y>.+?)$",
    )
});

/// "那‘谢谢’呢" right after a translation: the same translation for another phrase (L3).
pub fn translate_follow_up(ctx: &mut Ctx, f: &Frame) -> Plan {
    if ctx.last_topic() != Some("text") {
        return Plan::NotUnderstood;
    }
    let (Some(prev), Some(c)) = (ctx.last_result(), ALSO.captures(&f.text)) else {
        return Plan::NotUnderstood;
    };
    let said = ["x", "y", "z"]
        .iter()
        .find_map(|g| c.name(g))
        .map_or("", |m| m.as_str())
        .trim()
        .to_string();
    let source = match f.content.clone() {
        Some(content) => content,
        None if !said.is_empty() && !said.contains(nlu::CONTENT_MARK) => said,
        None => return Plan::NotUnderstood,
    };
    translate_like_last(ctx, &prev, source)
}

/// `source` translated into the language the last translation (`prev`) went into; not
/// understood when it is in that language already.
pub(crate) fn translate_like_last(ctx: &mut Ctx, prev: &str, source: String) -> Plan {
    let target = if lexicon::is_zh(prev) { "zh" } else { "en" };
    if lexicon::is_zh(&source) == (target == "zh") {
        return Plan::NotUnderstood;
    }
    ctx.note_network(ServedBy::Hybrid);
    let out = lexicon::translate(&source, target);
    let s = say!(
        ctx,
        ["“{source}”的意思是：{out}"],
        ["\"{source}\" is: {out}"]
    );
    keep_in_mind(ctx, &out);
    let source_lang = if target == "en" { "zh" } else { "en" };
    skills::translation(&source, source_lang, target, s)
}

// ------------------------------------------------------------------ understanding what is seen

pub fn explain_sign(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = in_view(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let shown = lines(&content).join(" ");
    let note = lexicon::sign_note(&content);
    let foreign = lexicon::is_zh(&content) == ctx.en();
    let tr = foreign.then(|| lexicon::translate(&content, if ctx.en() { "en" } else { "zh" }));
    let s = match (note, tr) {
        (Some((zh, en)), Some(tr)) => say!(
            ctx,
            ["牌子上写着“{shown}”，意思是“{tr}”。{zh}"],
            ["The sign says \"{shown}\" ({tr}). {en}"]
        ),
        (Some((zh, en)), None) => say!(
            ctx,
            ["牌子上写着“{shown}”。{zh}"],
            ["The sign says \"{shown}\". {en}"]
        ),
        (None, Some(tr)) => say!(
            ctx,
            ["上面写的是“{shown}”，意思是：{tr}。"],
            ["It says \"{shown}\", which means: {tr}."]
        ),
        (None, None) => say!(ctx, ["上面写着“{shown}”。"], ["It says \"{shown}\"."]),
    };
    keep_in_mind(ctx, &content);
    Plan::Answer(s)
}

static DISTANCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<u>米|公里|m\b|km\b)"));
static FLOOR: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?P<f>[0-9一二三四五六七八九十]+(?:楼|层)|[0-9]+(?:st|nd|rd|th) floor|floor [0-9]+)")
});

/// The places a direction sign points to: (place, arrow meaning zh, en).
fn arrows_in(content: &str) -> Vec<(String, &'static str, &'static str)> {
    lines(content)
        .iter()
        .filter_map(|l| {
            let (_, zh, en) = ARROWS.iter().find(|(a, ..)| l.contains(*a))?;
            Some((lexicon::bare(l), *zh, *en))
        })
        .collect()
}

/// Whether the question names a place on a sign, in full or by its name without the kind of
/// place after it ("地铁" for "地铁站", "出口" stays whole).
fn names_place(t: &str, place: &str) -> bool {
    let p = place.to_lowercase();
    if t.contains(&p) {
        return true;
    }
    let stem = p.trim_end_matches(['站', '处', '厅', '馆']);
    (stem.chars().count() >= 2 && stem.len() < p.len() && t.contains(stem))
        || lexicon::names_kind_of(t, &p)
}

pub fn direction(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = in_view(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let signs = arrows_in(&content);
    if signs.is_empty() {
        return Plan::NotUnderstood;
    }
    let t = f.text.to_lowercase();
    let asked = signs.iter().find(|(p, ..)| {
        let en = lexicon::zh_to_en_phrase(p).map(str::to_lowercase);
        !p.is_empty() && (names_place(&t, p) || en.is_some_and(|e| t.contains(&e)))
    });
    // A question about a place the sign does not show is for the navigator.
    let names_other_place = asked.is_none()
        && !has_any(
            &t,
            &[
                "这", "那", "牌子", "标志", "箭头", "this", "that", "sign", "arrow",
            ],
        );
    if names_other_place && signs.len() == 1 && !t.starts_with("往") && !t.starts_with("哪") {
        let p = &signs[0].0;
        if !names_place(&t, p) && nlu::is_question(&f.text) && t.chars().count() > 4 {
            return Plan::NotUnderstood;
        }
    }
    let (place, zh, en) = asked.cloned().unwrap_or_else(|| signs[0].clone());
    let dist = DISTANCE.captures(&content).map(|c| {
        format!(
            "{}{}",
            &c["n"],
            if c["u"].starts_with('公') || &c["u"] == "km" {
                "公里"
            } else {
                "米"
            }
        )
    });
    let dist_en = DISTANCE.captures(&content).map(|c| {
        format!(
            "{} {}",
            &c["n"],
            if c["u"].starts_with('公') || &c["u"] == "km" {
                "km"
            } else {
                "m"
            }
        )
    });
    let floor = FLOOR.captures(&content).map(|c| c["f"].to_string());
    let mut s = say!(
        ctx,
        ["{place}在{zh}边，往{zh}走"],
        ["The {place} is to the {en}; go {en}"]
    );
    if let (Some(d), Some(de)) = (&dist, &dist_en) {
        s += &say!(ctx, ["大约{d}"], [" for about {de}"]);
    }
    if let Some(fl) = &floor {
        let fl_en = lexicon::translate(fl, "en");
        s += &say!(ctx, ["，在{fl}"], [", on the {fl_en}"]);
    }
    s += if ctx.en() { "." } else { "。" };
    keep_in_mind(ctx, &content);
    Plan::Answer(s)
}

static PRICE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?P<item>.*?[^\s0-9.¥￥$])\s*[¥￥$]?\s*(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<u>元|块|yuan|rmb)?$",
    )
});

/// (item as written, price, whether the line gives the unit 元).
fn priced_items(content: &str) -> Vec<(String, f64, bool)> {
    lines(content)
        .iter()
        .filter_map(|l| {
            let c = PRICE_LINE.captures(l)?;
            let n: f64 = c["n"].parse().ok()?;
            Some((c["item"].trim().to_string(), n, c.name("u").is_some()))
        })
        .collect()
}

/// Whether a question names an item: its words, its known dish names, or two or more
/// characters of its Chinese name ("三文鱼" for 烤三文鱼).
fn names_item(q: &str, item: &str) -> bool {
    let item_l = item.to_lowercase();
    if q.contains(&item_l) {
        return true;
    }
    let dish = lexicon::dishes_in(item).into_iter().next().map(|(d, _)| d);
    let zh = dish
        .map(|d| d.zh)
        .unwrap_or(if lexicon::is_zh(item) { item } else { "" });
    if let Some(d) = dish
        && q.contains(d.en)
    {
        return true;
    }
    let chars: Vec<char> = zh.chars().collect();
    (2..=chars.len()).rev().any(|k| {
        chars
            .windows(k)
            .any(|w| q.contains(&w.iter().collect::<String>()))
    })
}

fn money(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n:.1}")
    }
}

pub fn price(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = in_view(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let items = priced_items(&content);
    if items.is_empty() {
        return Plan::NotUnderstood;
    }
    let q = f.text.to_lowercase();
    let unit = |ctx: &Ctx, has_unit: bool| -> &'static str {
        match (ctx.en(), has_unit) {
            (false, true) => "元",
            (false, false) => "",
            (true, true) => " yuan",
            (true, false) => "",
        }
    };
    let named: Vec<&(String, f64, bool)> =
        items.iter().filter(|(it, ..)| names_item(&q, it)).collect();
    let s = if has_any(&q, &["最便宜", "最实惠", "cheapest"])
        || has_any(&q, &["最贵", "most expensive"])
    {
        let cheap = has_any(&q, &["最便宜", "最实惠", "cheapest"]);
        let pick = items
            .iter()
            .filter(|(it, ..)| !has_any(&it.to_lowercase(), &["米饭", "rice"]) || items.len() < 3)
            .min_by(|a, b| {
                if cheap {
                    a.1.total_cmp(&b.1)
                } else {
                    b.1.total_cmp(&a.1)
                }
            });
        let Some((it, n, u)) = pick else {
            return Plan::NotUnderstood;
        };
        let (p, u) = (money(*n), unit(ctx, *u));
        if cheap {
            say!(
                ctx,
                ["最便宜的是{it}，{p}{u}。"],
                ["The cheapest is {it}, at {p}{u}."]
            )
        } else {
            say!(
                ctx,
                ["最贵的是{it}，{p}{u}。"],
                ["The most expensive is {it}, at {p}{u}."]
            )
        }
    } else if named.len() >= 2
        || (named.len() == 1
            && has_any(
                &q,
                &[
                    "一共",
                    "总共",
                    "合计",
                    "加起来",
                    "in total",
                    "altogether",
                    "total",
                    "come to",
                ],
            ))
    {
        let total: f64 = named.iter().map(|(_, n, _)| n).sum();
        let u = unit(ctx, named.iter().any(|(.., u)| *u));
        let list = named
            .iter()
            .map(|(it, n, _)| format!("{it}{}{}", if ctx.en() { " " } else { "" }, money(*n)))
            .collect::<Vec<_>>()
            .join(if ctx.en() { " + " } else { "加" });
        let total = money(total);
        say!(
            ctx,
            ["{list}，一共{total}{u}。"],
            ["{list}: {total}{u} in total."]
        )
    } else if let Some((it, n, u)) = named.first() {
        let (p, u) = (money(*n), unit(ctx, *u));
        say!(
            ctx,
            ["{it}{p}{u}。", "{it}的价格是{p}{u}。"],
            ["{it} is {p}{u}.", "The {it} costs {p}{u}."]
        )
    } else {
        let list = items
            .iter()
            .map(|(it, n, _)| format!("{it} {}", money(*n)))
            .collect::<Vec<_>>()
            .join(if ctx.en() { ", " } else { "，" });
        say!(
            ctx,
            ["没找到你说的那一项。上面的价格是：{list}。"],
            ["I can't find that item. The prices are: {list}."]
        )
    };
    keep_in_mind(ctx, &content);
    Plan::Answer(s)
}

static FIRST: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:首班(?:车)?|first(?: bus| train)?)[^0-9]{0,4}(?P<t>[0-9]{1,2}:[0-9]{2})")
});
static LAST: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:末班(?:车)?|last(?: bus| train)?)[^0-9]{0,4}(?P<t>[0-9]{1,2}:[0-9]{2})")
});
static PEAK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:高峰|peak)[^0-9]{0,6}(?P<n>[0-9]+)\s*(?:分钟|min)"));
static OFF_PEAK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:平峰|off-peak|off peak)[^0-9]{0,6}(?P<n>[0-9]+)\s*(?:分钟|min)"));
/// Whether one can still make a departure: "赶得上", "还能赶上", "来得及", "赶得及", "坐得上".
static CATCH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"赶(?:得|不)?(?:上|及)|来(?:不)?得及|(?:坐|搭|乘)(?:得)?上|还有车|\bcatch\b|\bmake (?:it|the)\b|still (?:get|take)\b",
    )
});
static STOP_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"(?P<s>[\p{Han}A-Za-z0-9]{2,12}站)"));

/// The place a sign or timetable names: a stop ("人民广场站") or the text by an arrow.
pub fn place_on(content: &str) -> Option<String> {
    if let Some(c) = STOP_NAME.captures(content) {
        let s = c["s"].to_string();
        // "12路人民广场站": the stop, without the line number before it.
        let s = s
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '路')
            .to_string();
        if s.chars().count() >= 2 {
            return Some(s);
        }
    }
    if let Some((p, ..)) = arrows_in(content).into_iter().find(|(p, ..)| !p.is_empty()) {
        return Some(p);
    }
    lines(content)
        .first()
        .map(|l| lexicon::bare(l))
        .filter(|l| !l.is_empty() && l.chars().count() <= 12)
}

pub fn timetable(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = in_view(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let first = FIRST.captures(&content).map(|c| c["t"].to_string());
    let last = LAST.captures(&content).map(|c| c["t"].to_string());
    let peak = PEAK.captures(&content).map(|c| c["n"].to_string());
    let off = OFF_PEAK.captures(&content).map(|c| c["n"].to_string());
    if first.is_none() && last.is_none() && peak.is_none() && off.is_none() {
        return Plan::NotUnderstood;
    }
    let q = f.text.to_lowercase();
    let stop = place_on(&content);
    let s = if CATCH.is_match(&q) {
        let Some(last) = last.clone() else {
            return Plan::NotUnderstood;
        };
        let Ok(t) = NaiveTime::parse_from_str(&last, "%H:%M") else {
            return Plan::NotUnderstood;
        };
        let now = ctx.now().time();
        let left = (t - now).num_minutes();
        let now_s = nlu::hhmm(now.hour(), now.minute());
        if left > 0 {
            let mut s = say!(
                ctx,
                ["末班车是{last}，现在{now_s}，还有{left}分钟，赶得上。"],
                [
                    "The last one leaves at {last}; it's {now_s}, so you have {left} minutes — you can make it."
                ]
            );
            if ctx.caps.proactive
                && let Some(stop) = stop.clone()
            {
                s += &say!(
                    ctx,
                    ["要我带你步行去{stop}吗？"],
                    [" Shall I walk you to {stop}?"]
                );
                let done = say!(
                    ctx,
                    ["好的，开始步行导航到{stop}。"],
                    ["OK, walking directions to {stop} started."]
                );
                let actions = vec![action(
                    "nav.route",
                    json!({ "destination": stop, "mode": "walk" }),
                )];
                ctx.ses.pending = Some(Pending::Offer { actions, done });
            }
            s
        } else {
            let mut s = say!(
                ctx,
                ["末班车{last}已经开走了，赶不上了。"],
                ["The last one left at {last}; you've missed it."]
            );
            if ctx.caps.proactive {
                s += &say!(
                    ctx,
                    ["建议换乘其他线路或打车。"],
                    [" Consider another line or a taxi."]
                );
            }
            s
        }
    } else if has_any(&q, &["末班", "最后一班", "最晚", "last", "final", "latest"]) {
        let Some(last) = last else {
            return Plan::NotUnderstood;
        };
        say!(ctx, ["末班车是{last}。"], ["The last one is at {last}."])
    } else if has_any(&q, &["首班", "头班", "第一班", "最早", "first", "earliest"]) {
        let Some(first) = first else {
            return Plan::NotUnderstood;
        };
        say!(ctx, ["首班车是{first}。"], ["The first one is at {first}."])
    } else if has_any(
        &q,
        &[
            "平峰",
            "非高峰",
            "不是高峰",
            "不在高峰",
            "off-peak",
            "off peak",
            "outside peak",
            "outside rush",
            "not peak",
            "not rush",
        ],
    ) {
        let Some(n) = off else {
            return Plan::NotUnderstood;
        };
        say!(
            ctx,
            ["平峰期每{n}分钟一班。"],
            ["Off-peak, every {n} minutes."]
        )
    } else if has_any(&q, &["高峰", "peak", "rush"]) {
        let Some(n) = peak else {
            return Plan::NotUnderstood;
        };
        say!(
            ctx,
            ["高峰期每{n}分钟一班。"],
            ["At peak times, every {n} minutes."]
        )
    } else if has_any(
        &q,
        &["多久一班", "几分钟一班", "间隔", "how often", "frequency"],
    ) {
        match (peak, off) {
            (Some(p), Some(o)) => say!(
                ctx,
                ["高峰期每{p}分钟一班，平峰期每{o}分钟一班。"],
                ["Every {p} minutes at peak times, every {o} off-peak."]
            ),
            (Some(n), None) | (None, Some(n)) => {
                say!(ctx, ["每{n}分钟一班。"], ["Every {n} minutes."])
            }
            (None, None) => return Plan::NotUnderstood,
        }
    } else {
        return Plan::NotUnderstood;
    };
    keep_in_mind(ctx, &content);
    Plan::Answer(s)
}

static DOSE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:一次|每次)\s*(?P<n>[0-9.]+|[一二两三四五六半])\s*(?P<u>粒|片|袋|毫升|ml|支|滴|包)")
});
static TIMES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:一日|每日|一天|每天)\s*(?P<n>[0-9]+|[一二两三四五六])\s*次"));
static WHEN_TAKE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?P<w>饭后|饭前|餐后|餐前|睡前|空腹)(?:服用)?"));

pub fn medicine(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = in_view(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let dose = DOSE
        .captures(&content)
        .map(|c| format!("{}{}", &c["n"], &c["u"]));
    let times = TIMES.captures(&content).map(|c| c["n"].to_string());
    let when = WHEN_TAKE.captures(&content).map(|c| c["w"].to_string());
    if dose.is_none() && times.is_none() && when.is_none() {
        return Plan::NotUnderstood;
    }
    let name = lines(&content).first().cloned().unwrap_or_default();
    let q = f.text.to_lowercase();
    let dose_en = dose.as_deref().map(|d| {
        d.replace('粒', " capsule(s)")
            .replace('片', " tablet(s)")
            .replace('袋', " sachet(s)")
    });
    let when_en = when.as_deref().map(|w| match w {
        "饭后" | "餐后" => "after meals",
        "饭前" | "餐前" => "before meals",
        "睡前" => "at bedtime",
        _ => "on an empty stomach",
    });
    let s = if has_any(&q, &["孩子", "小孩", "儿童", "child", "kid"]) {
        say!(
            ctx,
            ["说明上写着要放在儿童接触不到的地方，没有写儿童用量。给孩子用药请先问医生或药师。"],
            [
                "The box says to keep it away from children and gives no children's dose; ask a doctor or pharmacist first."
            ]
        )
    } else if has_any(&q, &["几次", "how many times", "how often"]) {
        let Some(n) = times else {
            return Plan::NotUnderstood;
        };
        let d = dose
            .clone()
            .map(|d| format!("，一次{d}"))
            .unwrap_or_default();
        let de = dose_en
            .clone()
            .map(|d| format!(", {d} each time"))
            .unwrap_or_default();
        say!(
            ctx,
            ["{name}一天吃{n}次{d}。"],
            ["Take it {n} times a day{de}."]
        )
    } else if has_any(
        &q,
        &[
            "几粒",
            "几片",
            "几颗",
            "吃多少",
            "多少粒",
            "多少颗",
            "how many",
            "how much",
            "dose",
        ],
    ) {
        let Some(d) = dose else {
            return Plan::NotUnderstood;
        };
        let de = dose_en.unwrap_or_default();
        say!(ctx, ["一次{d}。"], ["Take {de} at a time."])
    } else if has_any(
        &q,
        &["饭前", "饭后", "什么时候吃", "before", "after", "when"],
    ) {
        let (Some(w), Some(we)) = (when, when_en) else {
            return Plan::NotUnderstood;
        };
        say!(ctx, ["说明上写的是{w}服用。"], ["Take it {we}."])
    } else {
        let mut parts = Vec::new();
        let mut parts_en = Vec::new();
        if let Some(d) = &dose {
            parts.push(format!("一次{d}"));
            parts_en.extend(dose_en.map(|d| format!("{d} at a time")));
        }
        if let Some(n) = &times {
            parts.push(format!("一日{n}次"));
            parts_en.push(format!("{n} times a day"));
        }
        if let (Some(w), Some(we)) = (&when, when_en) {
            parts.push(format!("{w}服用"));
            parts_en.push(we.to_string());
        }
        let (zh, en) = (parts.join("，"), parts_en.join(", "));
        say!(ctx, ["{name}的用法：{zh}。"], ["How to take it: {en}."])
    };
    keep_in_mind(ctx, &content);
    Plan::Answer(s)
}

static DATE_ISO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?P<y>20[0-9]{2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})"));
static DATE_ZH: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?P<y>20[0-9]{2})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})[日号]"));

pub fn expiry(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = in_view(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let Some(c) = DATE_ISO
        .captures(&content)
        .or_else(|| DATE_ZH.captures(&content))
    else {
        return Plan::NotUnderstood;
    };
    let (Ok(y), Ok(m), Ok(d)) = (
        c["y"].parse::<i32>(),
        c["m"].parse::<u32>(),
        c["d"].parse::<u32>(),
    ) else {
        return Plan::NotUnderstood;
    };
    let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
        return Plan::NotUnderstood;
    };
    let days = (date - ctx.now().date()).num_days();
    let iso = date.to_string();
    let s = if days >= 0 {
        say!(
            ctx,
            [
                "保质期到{y}年{m}月{d}日，还没过期，还有{days}天。",
                "还没过期：保质期到{y}年{m}月{d}日，还剩{days}天。"
            ],
            ["Best before {iso}: not expired yet, {days} days left."]
        )
    } else {
        let ago = -days;
        say!(
            ctx,
            ["保质期到{y}年{m}月{d}日，已经过期{ago}天了，不建议再吃或喝。"],
            ["It has expired: best before {iso}, {ago} days ago. Better not have it."]
        )
    };
    keep_in_mind(ctx, &content);
    Plan::Answer(s)
}

pub fn diet(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = in_view(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let dishes = lexicon::dishes_in(&content);
    if dishes.is_empty() {
        return Plan::NotUnderstood;
    }
    let q = f.text.to_lowercase();
    // What the question itself rules out or asks for, then what the wearer told before (L3).
    let mut avoid: Vec<&'static str> = lexicon::restrictions(&q);
    let asks_for_self = has_any(
        &q,
        &[
            "我不能吃",
            "我能吃",
            "我不能点",
            "我能点",
            "我可以点",
            "我可以吃",
            "适合我",
            "我能点",
            "can i eat",
            "i can't eat",
            "can't i",
            "i can't have",
            "i shouldn't",
            "safe for me",
            "for me",
        ],
    );
    if avoid.is_empty() {
        for fact in ctx.facts() {
            avoid.extend(lexicon::restrictions(&fact.text));
        }
    }
    avoid.dedup();
    let asked_tag = if avoid.is_empty() {
        // "哪些菜是辣的", "有没有不辣的": a property named in the question.
        lexicon::TAG_WORDS
            .iter()
            .find(|(_, words, _)| words.iter().any(|w| has_cue(&q, w)))
            .map(|(t, ..)| *t)
    } else {
        None
    };
    let s = if !avoid.is_empty() {
        let bad: Vec<(String, Vec<&str>)> = dishes
            .iter()
            .filter_map(|(d, _)| {
                let hits: Vec<&str> = avoid
                    .iter()
                    .copied()
                    .filter(|t| d.tags.contains(t))
                    .collect();
                (!hits.is_empty()).then(|| (dish_name(ctx, d), hits))
            })
            .collect();
        let fine: Vec<String> = dishes
            .iter()
            .map(|(d, _)| dish_name(ctx, d))
            .filter(|n| !bad.iter().any(|(b, _)| b == n))
            .collect();
        let others = fine.join(if ctx.en() { ", " } else { "、" });
        // "我不吃辣，有能点的吗" asks what is left, not what to avoid: the last clause says.
        let last_clause = q.rsplit(',').next().unwrap_or(&q);
        let asks_what_is_left = !has_any(
            last_clause,
            &[
                "不能",
                "不可以",
                "不该",
                "不要",
                "忌口",
                "不吃",
                "can't",
                "cannot",
                "shouldn't",
                "not",
                "avoid",
            ],
        );
        if bad.is_empty() {
            let tags = avoid.join("、");
            let tags_en = avoid
                .iter()
                .map(|t| lexicon::tag_en(t))
                .collect::<Vec<_>>()
                .join(", ");
            say!(
                ctx,
                ["这份菜单上的菜都不含{tags}，可以放心点。"],
                ["None of these dishes has {tags_en}; you can order any of them."]
            )
        } else {
            let zh = bad
                .iter()
                .map(|(d, h)| format!("{d}含{}", h.join("和")))
                .collect::<Vec<_>>()
                .join("，");
            let en = bad
                .iter()
                .map(|(d, h)| {
                    format!(
                        "{d} contains {}",
                        h.iter()
                            .map(|t| format!("{} ({t})", lexicon::tag_en(t)))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let n = fine.len();
            match (fine.is_empty(), asks_what_is_left) {
                (true, _) => say!(
                    ctx,
                    ["要注意：{zh}，这份菜单上没有适合你的菜。"],
                    ["Careful: {en}. Nothing on this menu suits you."]
                ),
                (false, true) => {
                    let bad_n = bad.len();
                    say!(
                        ctx,
                        ["可以点：{others}。另外{bad_n}道不适合你。"],
                        ["You can order: {others}. The other {bad_n} don't suit you."]
                    )
                }
                (false, false) => say!(
                    ctx,
                    ["要注意：{zh}，不要点。其余{n}道菜里没有。"],
                    ["Careful: {en}. The other {n} are fine."]
                ),
            }
        }
    } else if let Some(tag) = asked_tag {
        let negative = has_any(&q, &["不辣", "不含", "没有", "without", "not", "no "]);
        let pick: Vec<String> = dishes
            .iter()
            .filter(|(d, _)| d.tags.contains(&tag) != negative)
            .map(|(d, _)| dish_name(ctx, d))
            .collect();
        let tag_en = lexicon::tag_en(tag);
        let list = pick.join(if ctx.en() { ", " } else { "、" });
        match (pick.is_empty(), negative) {
            (true, _) => say!(
                ctx,
                ["菜单上没有这样的菜。"],
                ["There's no such dish on the menu."]
            ),
            (false, true) => say!(
                ctx,
                ["不含{tag}的有：{list}。"],
                ["Without {tag_en}: {list}."]
            ),
            (false, false) => {
                let zh = if tag == "辣" {
                    "辣的菜".to_string()
                } else {
                    format!("含{tag}的菜")
                };
                say!(ctx, ["{zh}有：{list}。"], ["The {tag_en} dishes: {list}."])
            }
        }
    } else if asks_for_self {
        say!(
            ctx,
            ["我还不知道你有什么忌口，可以告诉我，我帮你挑。"],
            ["I don't know what you can't eat yet; tell me and I'll check the menu."]
        )
    } else {
        return Plan::NotUnderstood;
    };
    keep_in_mind(ctx, &content);
    Plan::Answer(s)
}

// ------------------------------------------------------------------ camera

static COVERT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"偷拍|偷录|偷偷|悄悄|趁.{1,8}不注意|\bsecretly\b|\bcovertly\b|without (?:him|her|them|anyone) (?:knowing|noticing)",
    )
});

pub fn privacy(ctx: &mut Ctx, f: &Frame) -> Plan {
    let s = if has_any(
        &f.text,
        &[
            "身份",
            "名字",
            "信息",
            "资料",
            "电话",
            "住址",
            "是谁",
            "叫什么",
            "叫啥",
            "住哪",
            "住在哪",
            "identify",
            "identity",
            "name",
            "address",
            "details",
        ],
    ) && !COVERT.is_match(&f.text)
    {
        say!(
            ctx,
            ["抱歉，我不能识别陌生人的身份，也不能查找他人的个人信息，这会侵犯他人隐私。"],
            [
                "Sorry, I can't identify strangers or look up other people's personal information: it would violate their privacy."
            ]
        )
    } else {
        say!(
            ctx,
            ["抱歉，我不能偷拍或偷录他人，这会侵犯他人隐私。拍摄别人之前请先征得对方同意。"],
            [
                "Sorry, I can't secretly photograph or record people: it violates their privacy. Please ask for their consent first."
            ]
        )
    };
    Plan::Answer(s)
}

pub fn photo(ctx: &mut Ctx, f: &Frame) -> Plan {
    if COVERT.is_match(&f.text) {
        return privacy(ctx, f);
    }
    skills::photo_capture(ctx, f)
}

pub fn video(ctx: &mut Ctx, f: &Frame) -> Plan {
    if COVERT.is_match(&f.text) {
        return privacy(ctx, f);
    }
    let t = f.slot_or_text("op").to_string();
    let stop = has_any(&t, &["停止", "结束", "别录", "不录", "停下", "stop"]);
    let mut args = json!({ "state": if stop { "stop" } else { "start" } });
    let secs = if f.strict || stop {
        None
    } else {
        nlu::find_duration(&f.text).filter(|s| (1..=3600).contains(s))
    };
    let s = if stop {
        say!(
            ctx,
            ["录像结束，视频已保存。"],
            ["Recording stopped; the video is saved."]
        )
    } else if let Some(secs) = secs {
        args["seconds"] = json!(secs);
        say!(
            ctx,
            ["录像中，录{secs}秒。"],
            ["Recording for {secs} seconds."]
        )
    } else {
        say!(ctx, ["录像中。"], ["Recording started."])
    };
    let mut a = action("video.record", args);
    a.target.clone_from(&f.target);
    Plan::act(a, s)
}

/// "拍张相片传给陈静", "拍一张给我妈传过去": capture a picture and send it, two
/// steps said as one (L3). The camera acts at once; the message waits for confirmation.
/// Below L3 this reading does not exist and the camera alone answers.
pub fn photo_send(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !ctx.caps.multi_step || f.strict || COVERT.is_match(&f.text) {
        return Plan::NotUnderstood;
    }
    let Who::Found(person, _) = ctx.find_person(&f.text) else {
        return Plan::NotUnderstood;
    };
    let photo = ctx.ses.state.next_photo_id();
    let Plan::Act { mut actions, say } = skills::photo_capture(ctx, f) else {
        return Plan::NotUnderstood;
    };
    if let Plan::Act { actions: send, .. } = skills::message_plan(ctx, &person, "", vec![photo]) {
        actions.extend(send);
    }
    Plan::Act { actions, say }
}

/// "那张", "刚拍的": the photo just taken, pointed at without the word for photo (L3).
const THAT_SHOT: &[&str] = &[
    "那张",
    "这张",
    "刚拍的",
    "刚才拍的",
    "that one",
    "that shot",
];

pub fn photo_show(ctx: &mut Ctx, f: &Frame) -> Plan {
    let pointed = ctx.last_topic() == Some("photo") && has_any(&f.text, THAT_SHOT);
    if f.strict || !(pointed || has_any(&f.text, &["照片", "相片", "photo", "picture"])) {
        return Plan::NotUnderstood;
    }
    let names_screen = has_any(
        &f.text,
        &[
            "电视", "电脑", "平板", "大屏", "手机", "tv", "computer", "screen",
        ],
    );
    if f.target.is_none() && names_screen {
        let s = say!(
            ctx,
            ["抱歉，我还不能把照片投到其他设备上。"],
            ["Sorry, I can't show photos on other devices."]
        );
        return Plan::Answer(s);
    }
    let photo = ctx.last_photo().or_else(|| {
        ctx.ses
            .state
            .photos
            .last()
            .and_then(|p| p["id"].as_str().map(str::to_string))
    });
    let Some(photo) = photo else {
        let s = say!(ctx, ["还没有拍过照片。"], ["There are no photos yet."]);
        return Plan::Answer(s);
    };
    let mut a = action("photo.show", json!({ "photo": photo }));
    a.target.clone_from(&f.target);
    let s = match &f.target {
        Some(t) => say!(
            ctx,
            ["好的，照片已投到{t}上。"],
            ["OK, the photo is on {t}."]
        ),
        None => say!(
            ctx,
            ["照片显示在眼镜上了。"],
            ["Here's the photo on your display."]
        ),
    };
    Plan::act(a, s)
}

// ------------------------------------------------------------------ walking navigation

/// The nearest of a kind of place, asked about: "最近的邮局", "the nearest post office".
static NEAREST: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?P<z>最近的[^,?在是有哪]{1,8})|\bnearest ?(?P<e>[^,?]{2,30}?)(?:\?|,|$| is\b)")
});
static THERE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:带我|领我|我要|我想)?(?:过去|去那|去那儿|去那里|去那边|到那|到那儿|到那里)|\b(?:take|lead|guide|walk|get|bring) me (?:over )?(?:there|to it|to that(?: place)?)\b|\b(?:navigate|go|head) there\b|\b(?:lead|show me) the way\b|\bguide me\b",
    )
});
const MODE_WORDS: &[&str] = &[
    "开车",
    "驾车",
    "自驾",
    "打车",
    "公交",
    "地铁去",
    "坐地铁",
    "骑车",
    "drive",
    "driving",
    "transit",
    "bus",
    "bike",
    "cycle",
];

static SCRIPT_JOIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?P<a>[a-z])(?P<b>\p{Han})|(?P<c>\p{Han})(?P<d>[a-z])"));

/// "navigate to外滩" (normalising drops the space before Chinese): the space back, so that
/// English phrasing around a Chinese place name reads as it was said.
fn spaced(text: &str) -> String {
    SCRIPT_JOIN
        .replace_all(text, |c: &regex::Captures| {
            match (c.name("a"), c.name("b"), c.name("c"), c.name("d")) {
                (Some(a), Some(b), ..) => format!("{} {}", a.as_str(), b.as_str()),
                (.., Some(x), Some(y)) => format!("{} {}", x.as_str(), y.as_str()),
                _ => c[0].to_string(),
            }
        })
        .into_owned()
}

/// "把首都机场的导航推送", "西湖的路线发过去" (the device named was taken off): the route to
/// the place before 的, handed over.
static ROUTE_OF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:帮我)?(?:把)?(?:去)?(?P<d>[^,]+?)的(?:导航|路线|路)(?:推送|推|发送|发|同步|传送|传|分享|共享|转)(?:过去|一下|下)?$",
    )
});

pub fn nav(ctx: &mut Ctx, f: &Frame) -> Plan {
    // "Which way to the toilets?" looking at a sign that points to them: the sign answers.
    if !f.strict
        && let Some(seen) = &f.content
        && let Some(dest) = skills::nav_destination(&spaced(&f.text))
        && arrows_in(seen)
            .iter()
            .any(|(p, ..)| !p.is_empty() && names_place(&dest.to_lowercase(), p))
    {
        return direction(ctx, f);
    }
    let mut frame = f.clone();
    if !f.strict {
        frame.text = match ROUTE_OF.captures(&f.text) {
            Some(c) => format!("导航到{}", &c["d"]),
            None => spaced(&f.text),
        };
    }
    // "最近的银行，陪我去那": "there" is the place the request names.
    // "导航去那边", "陪我过去": a destination that only points ("过去", "那儿") names nothing.
    let named = skills::nav_destination(&f.text).is_some_and(|d| {
        let pointing = THERE.find(&d).is_some_and(|m| m.as_str().len() == d.len());
        !pointing
            && !d.starts_with(['那', '这'])
            && !has_any(&d, &["there", "here", "it", "that", "the way"])
    });
    if !f.strict && THERE.is_match(&f.text) && !named {
        // "最近的邮局在哪，领我去": the place asked about in another clause.
        let asked = NEAREST.captures(&f.text).and_then(|c| match c.name("z") {
            Some(z) => Some(z.as_str().to_string()),
            None => c.name("e").map(|e| {
                let e = e.as_str().trim();
                if nlu::mostly_cjk(e) {
                    format!("最近的{e}")
                } else {
                    format!("the nearest {e}")
                }
            }),
        });
        match asked.or_else(|| in_view(ctx, f).and_then(|c| place_on(&c))) {
            Some(place) => frame.text = format!("导航到{place}"),
            None => {
                let s = say!(
                    ctx,
                    ["你想去哪里？可以把镜头对准指示牌，或者告诉我地点。"],
                    ["Where to? Point the camera at a sign or tell me the place."]
                );
                return Plan::Answer(s);
            }
        }
    }
    let mut plan = skills::nav_route(ctx, &frame);
    if matches!(plan, Plan::Ask { .. })
        && f.target.is_some()
        && let Some(dest) = ctx
            .ses
            .state
            .navigation
            .get("destination")
            .and_then(Value::as_str)
            .map(str::to_string)
    {
        frame.text = format!("导航到{dest}");
        plan = skills::nav_route(ctx, &frame);
    }
    let Plan::Act {
        mut actions,
        say: said,
    } = plan
    else {
        return plan;
    };
    let to_car = f.target.as_ref().is_some_and(|t| {
        ctx.dev
            .links
            .iter()
            .any(|l| &l.id == t && l.category == "car")
    });
    let dest = actions
        .iter()
        .find(|a| a.name == "nav.route")
        .and_then(|a| a.args.get("destination").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string();
    // "带我去最近的公交站": the bus stop is where to go, not how.
    let how = spaced(&f.text).replace(&dest, "");
    let walk = !to_car && !has_any(&how, MODE_WORDS);
    for a in actions
        .iter_mut()
        .filter(|a: &&mut Action| a.name == "nav.route")
    {
        if walk {
            a.args.insert("mode".into(), json!("walk"));
        }
    }
    let s = match (&f.target, walk) {
        (Some(t), _) => say!(
            ctx,
            ["好的，已把去{dest}的路线发到{t}。"],
            ["OK, the route to {dest} is on {t}."]
        ),
        (None, true) => say!(
            ctx,
            ["好的，开始步行导航到{dest}，过马路请注意安全。"],
            ["Walking directions to {dest} started; take care crossing roads."]
        ),
        (None, false) => said,
    };
    Plan::Act { actions, say: s }
}

// ------------------------------------------------------------------ memory and learning

static HERE: LazyLock<Regex> =
    LazyLock::new(|| re(r"这条路上|这条路|这个位置|这个地方|这里|这儿|这边|\bhere\b"));

/// The remember verb wherever it stands ("自行车锁这儿了，你记着", "把这瓶药怎么喝记下来"),
/// with the politeness around it.
static NOTE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:你)?(?:帮我|给我|请|要)?(?:记住|记一下|记下来|记下|记着|记好|记录一下|记录|记一笔)(?:了|吧|哦|啊)?|\b(?:please )?(?:remember(?: that)?|(?:make|keep|take) a note(?: of| that)?|note(?: down)?(?: that| where)?|keep track(?: of| that)?)\b",
    )
});
/// Words that only point at what is seen ("这个站台" is the platform in view).
static THIS_THING: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:把)?(?:这个|这张|这块|这盒|这瓶|这|它的|它)|\b(?:this|that|these)\b")
});

/// What was seen, as the wearer will ask about it: its lines, and in the wearer's language
/// too when it is written in the other one.
fn seen_for_memory(ctx: &Ctx, content: &str) -> String {
    let shown = lines(content).join(" ");
    if lexicon::is_zh(content) == ctx.en() {
        let tr = lexicon::translate(content, if ctx.en() { "en" } else { "zh" });
        format!("{shown}（{tr}）")
    } else {
        shown
    }
}

/// The fact a wearer asks to keep about what is in view: what they said, with "here" and
/// "this" standing for what the glasses see ("车停在这条路" → "车停在中山路").
fn note_fact(ctx: &Ctx, said: &str, content: Option<&str>) -> Option<String> {
    let said = NOTE_VERB.replace_all(said, ",");
    let said = said.trim_matches([',', ' ', ':', '。', '.']).to_string();
    let Some(content) = content.filter(|c| !c.trim().is_empty()) else {
        return (!said.is_empty()).then_some(said);
    };
    let seen = seen_for_memory(ctx, content);
    if let Some(place) = place_on(content)
        && HERE.is_match(&said)
    {
        let mut fact = HERE.replace(&said, place.as_str()).into_owned();
        if lines(content).len() > 1 || lexicon::is_zh(content) == ctx.en() {
            fact += &format!("（{seen}）");
        }
        return Some(fact);
    }
    let subject = THIS_THING.replace(&said, "");
    let subject = subject.trim_matches([',', ' ', ':']);
    Some(if subject.is_empty() {
        seen
    } else {
        format!("{subject}：{seen}")
    })
}

pub fn place_note(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !NOTE_VERB.is_match(&f.text) {
        return Plan::NotUnderstood;
    }
    if !ctx.caps.memory {
        let s = say!(
            ctx,
            ["抱歉，我目前还不能记住你的个人信息。"],
            ["Sorry, I can't remember personal information yet."]
        );
        return Plan::Answer(s);
    }
    let Some(fact) = note_fact(ctx, &f.text, f.content.as_deref()) else {
        return Plan::NotUnderstood;
    };
    let told = crate::sim::memory::retell(&fact, ctx.en());
    let s = say!(ctx, ["好的，记下了：{told}。"], ["OK, noted: {told}."]);
    if let Some(c) = &f.content {
        keep_in_mind(ctx, c);
    }
    Plan::act(action("memory.save", json!({ "fact": fact })), s)
}

/// "我自行车锁哪了", "该在哪个检票口进来着": a question about something the wearer asked to keep
/// (L3). Answered only when a kept fact fits; otherwise the other readings are tried.
pub fn recall(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !ctx.caps.memory || f.content.is_some() {
        return Plan::NotUnderstood;
    }
    let facts = ctx.facts();
    let Some(fact) = crate::sim::memory::recall(&facts, &f.text) else {
        return Plan::NotUnderstood;
    };
    let told = crate::sim::memory::retell(&fact.text, ctx.en());
    let s = say!(
        ctx,
        ["你之前让我记下：{told}。", "我记着呢：{told}。"],
        ["You asked me to note: {told}.", "I noted: {told}."]
    );
    Plan::Answer(s)
}

/// Words that make a request a habit rather than a one-off: when, whenever, from now on.
static HABITUAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"以后|今后|往后|每次|每回|每当|只要|一律|总是|的时候|时|\b(?:whenever|every time|from now on|always|when)\b",
    )
});
/// Looking at a menu or ordering food.
static MENU_WORD: LazyLock<Regex> =
    LazyLock::new(|| re(r"菜单|菜谱|点菜|点餐|\bmenus?\b|\bordering\b"));
/// Showing the wearer which items have a property.
static MARK_VERB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"标(?:出|记|注|一下|上)?|指出|圈出|挑出|点出|告诉我|提醒我|说一下|说出|\b(?:point out|mark|flag|highlight|tell me|warn me|show me)\b",
    )
});

/// The property a menu habit asks to point out ("辣的菜", "哪些菜辣", "dishes with nuts").
fn habit_tag(text: &str) -> Option<&'static str> {
    let rest = MENU_WORD.replace_all(text, ",");
    lexicon::TAG_WORDS
        .iter()
        .find(|(_, words, _)| words.iter().any(|w| has_cue(&rest, w)))
        .map(|(t, ..)| *t)
}

/// A stated habit about what the wearer looks at; learned only at L4.
pub fn habit(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = f.text.as_str();
    if !(HABITUAL.is_match(t) && MENU_WORD.is_match(t) && MARK_VERB.is_match(t)) {
        return Plan::NotUnderstood;
    }
    let Some(tag) = habit_tag(t) else {
        return Plan::NotUnderstood;
    };
    if let Some(s) = ctx.cannot_learn() {
        return Plan::Answer(s);
    }
    ctx.ses
        .learned
        .prefs
        .insert("glasses.menu.flag".into(), json!(tag));
    let tag_en = lexicon::tag_en(tag);
    let zh = if tag == "辣" {
        "辣的菜".to_string()
    } else {
        format!("含{tag}的菜")
    };
    let s = say!(
        ctx,
        ["好的，记住了：以后看菜单时帮你标出{zh}。"],
        ["OK, noted: from now on I'll point out {tag_en} dishes on menus."]
    );
    Plan::Act {
        actions: vec![action(
            "preference.set",
            json!({ "key": "menu.flag", "value": tag }),
        )],
        say: s,
    }
}
