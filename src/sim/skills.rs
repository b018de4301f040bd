//! Skills: fill an intent's slots and plan its actions. Each skill reads a preset template's
//! slots in strict mode (L1: explicit forms only) or the whole request in free mode (L2+:
//! inference, English, memory and context where the level allows). Skills are shared by
//! categories; a category's table picks the ones its terminals offer.

use std::sync::LazyLock;

use chrono::{Duration, NaiveDate, Timelike};
use regex::Regex;
use serde_json::{Value, json};

use super::memory::FactKind;
use super::nlu::{self, Period, When};
use super::plans::{ask, has_any, other_language, re};
use super::text_tools;
use super::turn::{Ctx, Who, say};
use super::turn::{Expect, Frame, Plan, action};
use crate::world::directory::{self as world, Person};
use crate::world::state::{self, SettingKind};

fn resolve_at(ctx: &Ctx, when: &When) -> Option<(NaiveDate, u32, u32)> {
    when.resolve(ctx.now())
}

// ------------------------------------------------------------------ memory helpers

pub fn home_city(ctx: &Ctx) -> Option<&'static str> {
    ctx.facts().into_iter().find_map(|f| match f.kind {
        FactKind::HomeCity(c) => Some(c),
        _ => None,
    })
}

fn wake_time(ctx: &Ctx) -> Option<(u32, u32)> {
    ctx.facts().into_iter().find_map(|f| match f.kind {
        FactKind::WakeTime(h, m) => Some((h, m)),
        _ => None,
    })
}

fn favorite_artist(ctx: &Ctx) -> Option<String> {
    ctx.facts().into_iter().find_map(|f| match f.kind {
        FactKind::FavoriteArtist(a) => Some(a),
        _ => None,
    })
}

// ------------------------------------------------------------------ alarms, timers, reminders, calendar

static HABIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"老时间|(?:平时|平常|往常|通常|一贯|惯常|老规矩)(?:的)?(?:那个|那)?(?:时间|点|钟点|时候)|往常|照常|照旧|老规矩|跟平时一样|和平时一样|as (?:usual|always|normal)|\b(?:usual|normal|regular|typical)(?: wake-up| wake up| waking| alarm)? (?:time|hour|alarm)\b|\bmy (?:usual|normal|regular) (?:wake-up |wake up )?alarm\b|\bthe time i (?:usually|normally|always|generally) (?:get up|wake up|wake|rise)\b",
    )
});

pub fn alarm_create(ctx: &mut Ctx, f: &Frame) -> Plan {
    let today = ctx.now().date();
    let mut when = if f.strict {
        match f.slot("when").and_then(|s| nlu::when_strict(s, today)) {
            Some(w) => Some(w),
            None => return Plan::NotUnderstood,
        }
    } else {
        nlu::find_when(&f.text, ctx.now())
    };
    if !f.strict
        && when
            .as_ref()
            .is_none_or(|w| w.clock.is_none() && w.offset.is_none())
        && HABIT.is_match(&f.text)
        && let Some((h, m)) = wake_time(ctx)
    {
        let date = when.as_ref().and_then(|w| w.date);
        when = Some(When {
            date,
            period: Some(Period::Morning),
            clock: Some((h, m)),
            offset: None,
        });
    }
    let Some((date, h, m)) = when
        .filter(|w| w.clock.is_some() || w.offset.is_some())
        .and_then(|w| resolve_at(ctx, &w))
    else {
        return ask(
            ctx,
            f,
            "要设置几点的闹钟？",
            "What time should the alarm be for?",
        );
    };
    let t = nlu::hhmm(h, m);
    let mut args = json!({ "time": t, "date": date.to_string() });
    if !f.strict && has_any(&f.text, &["起床", "wake"]) {
        args["label"] = json!(if ctx.en() { "wake up" } else { "起床" });
    }
    let day = ctx.day_words(date);
    let s = say!(
        ctx,
        ["好的，已设置{day}{t}的闹钟。", "闹钟已设好：{day}{t}。"],
        [
            "OK, alarm set for {t} {day}.",
            "Your alarm is set: {day} at {t}."
        ]
    );
    Plan::act_for(f, action("alarm.create", args), s)
}

pub fn alarm_delete(ctx: &mut Ctx, f: &Frame) -> Plan {
    let alarms = ctx.ses.state.alarms.clone();
    if alarms.is_empty() {
        let s = say!(
            ctx,
            ["当前没有可取消的闹钟。"],
            ["There are no alarms to cancel."]
        );
        return Plan::Answer(s);
    }
    let time = (!f.strict)
        .then(|| nlu::find_when(&f.text, ctx.now()))
        .flatten()
        .and_then(|w| resolve_at(ctx, &w))
        .map(|(_, h, m)| nlu::hhmm(h, m));
    let all = has_any(&f.text, &["所有", "全部", "all"]);
    let chosen: Vec<&Value> = match &time {
        Some(t) => alarms
            .iter()
            .filter(|a| a.get("time").and_then(Value::as_str) == Some(t.as_str()))
            .collect(),
        None if all || alarms.len() == 1 => alarms.iter().collect(),
        None => Vec::new(),
    };
    if chosen.is_empty() {
        return ask(
            ctx,
            f,
            "要取消哪个时间的闹钟？",
            "Which alarm should I cancel?",
        );
    }
    let actions = chosen
        .iter()
        .map(|a| action("alarm.delete", json!({ "id": a["id"] })))
        .collect();
    let s = say!(ctx, ["好的，已取消闹钟。"], ["OK, alarm cancelled."]);
    Plan::Act { actions, say: s }
}

fn duration_words(ctx: &Ctx, secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    let en = ctx.en();
    for (n, zh, e) in [(h, "小时", " h "), (m, "分钟", " min "), (s, "秒", " s ")] {
        if n > 0 {
            out.push_str(&format!("{n}{}", if en { e } else { zh }));
        }
    }
    out.trim().to_string()
}

pub fn timer_start(ctx: &mut Ctx, f: &Frame) -> Plan {
    let secs = if f.strict {
        match f.slot("dur").and_then(nlu::duration_strict) {
            Some(s) => Some(s),
            None => return Plan::NotUnderstood,
        }
    } else {
        nlu::find_duration(&f.text)
    };
    let Some(secs) = secs.filter(|s| *s > 0) else {
        return ask(ctx, f, "要计时多久？", "How long should the timer run?");
    };
    if secs > 24 * 3600 {
        let s = say!(
            ctx,
            ["倒计时最长24小时。"],
            ["Timers can run for at most 24 hours."]
        );
        return Plan::Answer(s);
    }
    let d = duration_words(ctx, secs);
    let s = say!(
        ctx,
        ["好的，{d}倒计时开始。", "已开始{d}倒计时。"],
        ["OK, a {d} timer is running.", "Timer started for {d}."]
    );
    Plan::act_for(f, action("timer.start", json!({ "seconds": secs })), s)
}

static REMIND_MARK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"提醒我一下|提醒我|别让我忘了|别让我忘记|别忘了提醒我|记得提醒我|记得叫我|叫我|(?:remind|nudge|tell|ping|buzz) me (?:to|that|about)|give me a (?:nudge|shout|reminder)(?: to| about)?|remind me|nudge me|ping me|buzz me",
    )
});

static REMINDER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:帮我)?(?:定|设|设置|添加|建|新建)?(?:一个|个|一条|条)?(?:的)?提醒[,:]?")
});

fn reminder_text(text: &str) -> String {
    let stripped = nlu::strip_when(text);
    // "帮我定一个明天下午三点的提醒，去取快递": the words that only ask for a reminder go.
    let stripped = if REMIND_MARK.is_match(&stripped) {
        stripped
    } else {
        REMINDER_WORDS.replace_all(&stripped, "").into_owned()
    };
    let after = REMIND_MARK
        .find(&stripped)
        .map(|m| stripped[m.end()..].to_string());
    let what = match after {
        Some(a) if !a.trim().is_empty() => a,
        _ => REMIND_MARK.replace_all(&stripped, "").into_owned(),
    };
    let what = what.trim_matches([',', ' ', '。']);
    let what = what
        .strip_prefix("要")
        .or_else(|| what.strip_prefix("to "))
        .unwrap_or(what);
    what.trim_start_matches(['在', '的']).trim().to_string()
}

static TIME_UP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"时间到了?(?:就|你)?(?:告诉|通知|提醒)我|\btime(?:'s| is) up\b").expect("compiles")
});

/// A preset command's `rest` slot as the time it starts with and what follows.
fn when_then_rest(f: &Frame, today: NaiveDate) -> Option<(When, String)> {
    f.slot("rest")
        .and_then(|r| nlu::split_leading_when(r, today))
}

pub fn reminder_create(ctx: &mut Ctx, f: &Frame) -> Plan {
    let today = ctx.now().date();
    let (when, what) = if f.strict {
        let Some((w, rest)) = when_then_rest(f, today) else {
            return Plan::NotUnderstood;
        };
        (Some(w), rest)
    } else {
        // "设个明早八点的提醒：带伞": what to remember may follow a colon.
        let what = reminder_text(&f.text);
        let what = match &f.content {
            Some(c) if what.is_empty() => c.trim().to_string(),
            _ => what,
        };
        (nlu::find_when(&f.text, ctx.now()), what)
    };
    // Told only when a span is over, with nothing else to remember: that is a timer.
    let nothing = ["", "一声", "一下", "我", "me"].contains(&what.trim());
    if !f.strict
        && (TIME_UP.is_match(&f.text)
            || (nothing
                && when
                    .as_ref()
                    .is_some_and(|w| w.offset.is_some() && w.clock.is_none())))
    {
        return timer_start(ctx, f);
    }
    let when = when.or_else(|| {
        // "如果下雨就提醒我带伞": the day the conversation is about, before leaving home.
        let d = ctx
            .caps
            .context
            .then_some(ctx.ses.context.last_date)
            .flatten()
            .filter(|d| *d > today)?;
        Some(When {
            date: Some(d),
            period: Some(Period::Morning),
            clock: Some((7, 30)),
            offset: None,
        })
    });
    let Some(when) = when else {
        return ask(ctx, f, "什么时候提醒你？", "When should I remind you?");
    };
    let resolved = resolve_at(ctx, &when).or_else(|| when.date.map(|d| (d, 9, 0)));
    let Some((date, h, m)) = resolved else {
        return ask(ctx, f, "什么时候提醒你？", "When should I remind you?");
    };
    if what.is_empty() {
        return ask(
            ctx,
            f,
            "要提醒你什么事？",
            "What should I remind you about?",
        );
    }
    let t = nlu::hhmm(h, m);
    let day = ctx.day_words(date);
    let s = say!(
        ctx,
        [
            "好的，{day}{t}提醒你{what}。",
            "已创建提醒：{day}{t}，{what}。"
        ],
        [
            "OK, I'll remind you to {what} {day} at {t}.",
            "Reminder set: {what}, {day} at {t}."
        ]
    );
    let args = json!({ "text": what, "date": date.to_string(), "time": t });
    Plan::act_for(f, action("reminder.create", args), s)
}

const CALENDAR_WORDS: &[&str] = &[
    "帮我",
    "记到日程里",
    "记到日程",
    "加到日程里",
    "加到日程",
    "加到日历里",
    "加到日历",
    "添加到日历",
    "放进日程",
    "添加日程",
    "新建日程",
    "创建日程",
    "记一下",
    "日程里",
    "日程",
    "日历",
    "安排一个",
    "安排",
    "一下",
    "我要",
    "有个",
    "要",
    "add to my calendar",
    "add to calendar",
    "to my calendar",
    "calendar",
    "schedule",
    "add",
];

fn calendar_title(text: &str) -> String {
    let mut t = nlu::strip_when(text);
    for w in CALENDAR_WORDS {
        t = t.replace(w, "");
    }
    let t = t
        .trim_matches([',', ' ', '。', '的', '在', '我'])
        .trim()
        .to_string();
    if t.is_empty() { "日程".into() } else { t }
}

pub fn calendar_create(ctx: &mut Ctx, f: &Frame) -> Plan {
    let today = ctx.now().date();
    let (when, title) = if f.strict {
        let Some((w, rest)) = when_then_rest(f, today) else {
            return Plan::NotUnderstood;
        };
        (Some(w), rest)
    } else {
        match (nlu::find_when(&f.text, ctx.now()), f.content.as_deref()) {
            // "日程里加一条：下周一下午两点看牙医": the event is what follows the colon.
            (None, Some(c)) => (nlu::find_when(c, ctx.now()), calendar_title(c)),
            (w, _) => (w, calendar_title(&f.text)),
        }
    };
    let Some((date, h, m)) =
        when.and_then(|w| resolve_at(ctx, &w).or_else(|| w.date.map(|d| (d, 9, 0))))
    else {
        return ask(ctx, f, "这个日程是什么时间？", "When is it?");
    };
    let t = nlu::hhmm(h, m);
    let day = ctx.day_words(date);
    let s = say!(
        ctx,
        ["已添加日程：{day}{t}，{title}。"],
        ["Added to your calendar: {title}, {day} at {t}."]
    );
    let args = json!({ "title": title, "date": date.to_string(), "time": t });
    Plan::act_for(f, action("calendar.create", args), s)
}

/// Change the time or day of an item created earlier ("改成八点", "推迟半小时").
pub fn update_item(
    ctx: &mut Ctx,
    kind: &str,
    id: u64,
    item: &Value,
    x: &str,
    shift: Option<i64>,
) -> Option<Plan> {
    if kind == "timer" {
        let secs = nlu::find_duration(x)?;
        let d = duration_words(ctx, secs);
        let s = say!(
            ctx,
            ["好的，倒计时改为{d}。"],
            ["OK, the timer is now {d}."]
        );
        return Some(Plan::act(
            action("timer.update", json!({ "id": id, "seconds": secs })),
            s,
        ));
    }
    let old_date = item
        .get("date")
        .and_then(Value::as_str)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())?;
    let old = item.get("time").and_then(Value::as_str).and_then(|t| {
        let (h, m) = t.split_once(':')?;
        Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?))
    })?;
    let (date, h, m) = if let Some(secs) = shift {
        let t = old_date.and_hms_opt(old.0, old.1, 0)? + Duration::seconds(secs);
        (t.date(), t.hour(), t.minute())
    } else {
        let w = nlu::find_when(x, ctx.now())?;
        if w.offset.is_some() {
            resolve_at(ctx, &w)?
        } else {
            let date = w.date.unwrap_or(old_date);
            let (h, m) = match (w.clock, w.period) {
                (Some((h, m)), Some(p)) => (p.to_24h(h), m),
                // Keep the morning/evening sense of the original when none is said.
                (Some((h, m)), None) if old.0 >= 12 && h < 12 => (h + 12, m),
                (Some(hm), None) => hm,
                (None, Some(p)) => p.default_time(),
                (None, None) => old,
            };
            (date, h, m)
        }
    };
    let t = nlu::hhmm(h, m);
    let day = ctx.day_words(date);
    let s = say!(
        ctx,
        ["好的，已改为{day}{t}。", "没问题，改到了{day}{t}。"],
        ["OK, changed to {t} {day}.", "Done, it's now {day} at {t}."]
    );
    let args = json!({ "id": id, "date": date.to_string(), "time": t });
    Some(Plan::act(action(&format!("{kind}.update"), args), s))
}

// ------------------------------------------------------------------ calls, messages, payments

pub fn who_of(ctx: &Ctx, f: &Frame, slot: &str) -> Who {
    if f.strict {
        match f.slot(slot) {
            Some(s) => ctx.person_strict(s),
            None => Who::Missing,
        }
    } else {
        ctx.find_person(&f.text)
    }
}

/// The reply for someone the terminal cannot identify; `None` when a person was found.
pub fn unresolved(
    ctx: &mut Ctx,
    f: &Frame,
    who: Who,
    zh_missing: &str,
    en_missing: &str,
) -> Result<(Person, String), Plan> {
    match who {
        Who::Found(p, phrase) => Ok((p, phrase)),
        Who::Ambiguous(people, phrase) => {
            let names: Vec<String> = people.iter().map(|p| p.name.clone()).collect();
            let zh = names.join("还是");
            let en = names.join(" or ");
            let s = say!(
                ctx,
                ["你说的“{phrase}”是指{zh}？"],
                ["By \"{phrase}\", do you mean {en}?"]
            );
            Err(Plan::Ask {
                say: s,
                expect: Expect::Person {
                    utterance: f.text.clone(),
                    phrase,
                },
            })
        }
        Who::Unknown(w) => {
            let s = say!(
                ctx,
                ["通讯录里没有找到“{w}”。"],
                ["I couldn't find \"{w}\" in your contacts."]
            );
            Err(Plan::Answer(s))
        }
        Who::Missing if f.strict => Err(Plan::NotUnderstood),
        Who::Missing => Err(ask(ctx, f, zh_missing, en_missing)),
    }
}

static SHOWN_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8}|0[0-9]{2,3}[ -]?[0-9]{7,8}"));
static POINTS_AT_CONTENT: &[&str] = &[
    "这个号码",
    "这个电话",
    "上面的",
    "名片上",
    "图上",
    "图片上",
    "这个人",
    "这张",
    "this number",
    "on the card",
    "on it",
    // What a card or a picture carries, however it is named ("the card's number").
    "名片",
    "card",
    "card's",
    "号码",
];

/// A number shown in the content ("名片上的电话"), with the name on its first line.
fn person_in_content(f: &Frame) -> Option<Person> {
    let content = f.content.as_deref()?;
    if !has_any(&f.text, POINTS_AT_CONTENT) && !f.text.contains(nlu::CONTENT_MARK) {
        return None;
    }
    let number: String = SHOWN_NUMBER
        .find(content)?
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let first = content.lines().next().unwrap_or_default().trim();
    let name = if (2..=4).contains(&first.chars().count()) && first.chars().all(nlu::is_cjk) {
        first.to_string()
    } else {
        number.clone()
    };
    Some(Person {
        name,
        number: Some(number),
    })
}

pub fn call_dial(ctx: &mut Ctx, f: &Frame) -> Plan {
    let who = match person_in_content(f) {
        Some(p) if !f.strict => Who::Found(p.clone(), p.name),
        _ => who_of(ctx, f, "who"),
    };
    let (p, phrase) = match unresolved(ctx, f, who, "要打给谁？", "Who should I call?") {
        Ok(x) => x,
        Err(plan) => return plan,
    };
    let Some(number) = p.number.clone() else {
        let name = p.name;
        let s = say!(
            ctx,
            ["没有找到{name}的电话号码。"],
            ["I don't have a number for {name}."]
        );
        return Plan::Answer(s);
    };
    ctx.ses.context.last_person_phrase = Some(phrase);
    let name = p.name.clone();
    let mut args = json!({ "number": number });
    if name != number {
        args["contact"] = json!(name);
    }
    let s = if name == number {
        say!(ctx, ["正在拨打{number}。"], ["Calling {number}."])
    } else {
        say!(
            ctx,
            ["正在呼叫{name}（{number}）。", "好的，正在给{name}打电话。"],
            ["Calling {name} ({number}).", "OK, calling {name}."]
        )
    };
    Plan::act_for(f, action("call.dial", args), s)
}

static BODY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:说(?:一下|一声)?|内容是|内容为|写着|回复说|回复|\bsaying\b|\bthat says\b|\bthat\b)[,: ]?(?P<b>.+)$",
    )
});
static PHOTO_WORDS: &[&str] = &["照片", "图片", "相片", "这张图", "photo", "picture", "pic"];
static RESULT_WORDS: &[&str] = &[
    "它",
    "这个结果",
    "结果",
    "翻译",
    "摘要",
    "这段话",
    "译文",
    "the translation",
    "the summary",
    "it",
];

fn extract_body(text: &str, phrase: &str) -> Option<String> {
    if let Some(c) = BODY.captures(text) {
        let b = c["b"].trim();
        if !b.is_empty() {
            return Some(b.to_string());
        }
    }
    // "发消息给陈静,今晚的会改到八点": after the recipient and the send words, a comma.
    if let Some(pos) = text.find(phrase) {
        let after = &text[pos + phrase.len()..];
        if let Some((between, rest)) = after.split_once(',') {
            let filler = between
                .chars()
                .all(|c| "发个条一短信消息息内容是".contains(c));
            let rest = rest.trim_start_matches("内容是").trim();
            if filler && !rest.is_empty() {
                return Some(rest.to_string());
            }
        }
    }
    // "告诉李雷明天开会改到三点": the rest after the recipient.
    // The recipient may carry a possessive ("tell my wife …", "告诉我老婆…").
    for lead in [
        "告诉",
        "tell ",
        "告诉我",
        "告诉我的",
        "tell my ",
        "tell our ",
    ] {
        if let Some(pos) = text.find(&format!("{lead}{phrase}")) {
            let rest = text[pos + lead.len() + phrase.len()..]
                .trim_start_matches([',', ' ', ':'])
                .trim_start_matches("that ");
            if !rest.is_empty() {
                return Some(rest.to_string());
            }
        }
    }
    None
}

/// Plan a message (always confirmed before it is sent).
pub fn message_plan(ctx: &mut Ctx, to: &Person, body: &str, attachments: Vec<String>) -> Plan {
    let mut args = json!({ "to": to.name, "body": body });
    if let Some(n) = &to.number {
        args["number"] = json!(n);
    }
    if !attachments.is_empty() {
        args["attachments"] = json!(attachments);
    }
    let name = &to.name;
    let s = say!(ctx, ["已发送给{name}。"], ["Sent to {name}."]);
    Plan::act(action("message.send", args), s)
}

pub fn message_send(ctx: &mut Ctx, f: &Frame) -> Plan {
    let who = who_of(ctx, f, "who");
    let (p, phrase) = match unresolved(ctx, f, who, "要发给谁？", "Who should I send it to?") {
        Ok(x) => x,
        Err(plan) => return plan,
    };
    let mut body = f
        .content
        .clone()
        .or_else(|| f.slot("body").map(str::to_string));
    if body.is_none() && !f.strict {
        body = extract_body(&f.text, &phrase);
    }
    let mut attachments = Vec::new();
    if !f.strict && has_any(&f.text, PHOTO_WORDS) {
        match ctx.last_photo() {
            Some(id) => attachments.push(id),
            None => {
                let s = say!(
                    ctx,
                    ["没有找到你说的照片，请先拍照或在相册里选择。"],
                    [
                        "I can't tell which photo you mean; take one or pick it in the gallery first."
                    ]
                );
                return Plan::Answer(s);
            }
        }
        // "把照片发给陈静": the words around the recipient are not a message body.
        if body
            .as_deref()
            .is_some_and(|b| has_any(b, PHOTO_WORDS) || b.len() < 4)
        {
            body = None;
        }
    }
    if !f.strict && body.is_none() && attachments.is_empty() {
        // "然后发给陈静" right after a photo or a translation: send what was just made.
        match ctx.last_topic() {
            Some("photo") => attachments.extend(ctx.last_photo()),
            Some("text") => body = ctx.last_result(),
            _ if has_any(&f.text, RESULT_WORDS) => body = ctx.last_result(),
            _ => {}
        }
    }
    ctx.ses.context.last_person_phrase = Some(phrase);
    match body {
        Some(b) => message_plan(ctx, &p, &b, attachments),
        None if !attachments.is_empty() => message_plan(ctx, &p, "", attachments),
        None if f.strict => Plan::NotUnderstood,
        None => {
            let name = p.name.clone();
            let s = say!(
                ctx,
                ["要给{name}发什么内容？"],
                ["What should the message to {name} say?"]
            );
            Plan::Ask {
                say: s,
                expect: Expect::Body { to: p },
            }
        }
    }
}

/// "张三200元" → the contact whose name the slot starts with, and the amount after it.
fn split_payee(rest: &str) -> Option<(Who, f64)> {
    world::CONTACTS.iter().find_map(|c| {
        let tail = rest
            .strip_prefix(c.name)
            .or_else(|| rest.strip_prefix(c.en))?;
        Some((
            Who::Found(c.person(), c.name.to_string()),
            nlu::number_strict(tail.trim())?,
        ))
    })
}

static PAYEE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:收款方|收款人|商户|payee|pay to)[:：]\s*(?P<p>[^\n；;]+)"));

pub fn payment_transfer(ctx: &mut Ctx, f: &Frame) -> Plan {
    // A request to pay with a payment poster: the payee and amount are on it.
    if !f.strict
        && let Some(content) = f.content.as_deref()
        && let (Some(c), Some(amount)) = (PAYEE.captures(content), nlu::find_amount(content))
    {
        let args = json!({ "to": c["p"].trim(), "amount": amount, "currency": "CNY" });
        let s = say!(ctx, ["已付款。"], ["Paid."]);
        return Plan::act(action("payment.transfer", args), s);
    }
    if let Some(rest) = f.slot("rest") {
        let Some((who, amount)) = split_payee(rest) else {
            return Plan::NotUnderstood;
        };
        let Who::Found(p, _) = who else {
            return Plan::NotUnderstood;
        };
        let args = json!({ "to": p.name, "amount": amount, "currency": "CNY" });
        let s = say!(ctx, ["已转账。"], ["Transferred."]);
        return Plan::act(action("payment.transfer", args), s);
    }
    let who = who_of(ctx, f, "who");
    let (p, _) = match unresolved(ctx, f, who, "要转给谁？", "Who should I pay?") {
        Ok(x) => x,
        Err(plan) => return plan,
    };
    let amount = if f.strict {
        f.slot("amount").and_then(nlu::number_strict)
    } else {
        nlu::find_amount(&f.text)
    };
    let Some(amount) = amount.filter(|a| *a > 0.0) else {
        if f.strict {
            return Plan::NotUnderstood;
        }
        return ask(ctx, f, "要转多少钱？", "How much should I transfer?");
    };
    let args = json!({ "to": p.name, "amount": amount, "currency": "CNY" });
    let s = say!(ctx, ["已转账。"], ["Transferred."]);
    Plan::act(action("payment.transfer", args), s)
}

const DATA_KINDS: &[(&str, &[&str])] = &[
    ("photos", &["照片", "相册", "图片", "photos", "pictures"]),
    ("notes", &["备忘录", "笔记", "notes", "memos"]),
    ("chats", &["聊天记录", "chat history", "chats"]),
    ("call_log", &["通话记录", "call history", "call log"]),
    ("messages", &["短信", "messages", "texts"]),
    ("contacts", &["联系人", "通讯录", "contacts"]),
    ("files", &["文件", "files"]),
];

/// The kind of personal data a request names, by [`DATA_KINDS`].
fn data_kind(f: &Frame) -> Option<&'static str> {
    let text = f.slot_or_text("kind");
    DATA_KINDS
        .iter()
        .find(|(_, ws)| ws.iter().any(|w| text.contains(w)))
        .map(|(k, _)| *k)
}

pub fn data_delete(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(kind) = data_kind(f) else {
        return Plan::NotUnderstood;
    };
    let s = say!(ctx, ["已删除。"], ["Deleted."]);
    Plan::Act {
        actions: vec![action(
            "data.delete",
            json!({ "kind": kind, "scope": "all" }),
        )],
        say: s,
    }
}

/// Sending personal data off the device: confirmed first, and impossible offline.
pub fn data_upload(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(kind) = data_kind(f) else {
        return Plan::NotUnderstood;
    };
    if !ctx.dev.online {
        let s = say!(
            ctx,
            ["当前处于离线状态，无法上传，数据仍只保存在本机。"],
            ["The device is offline, so nothing can be uploaded; your data stays on this device."]
        );
        return Plan::Answer(s);
    }
    let s = say!(ctx, ["已上传。"], ["Uploaded."]);
    Plan::Act {
        actions: vec![action(
            "data.upload",
            json!({ "kind": kind, "destination": "cloud" }),
        )],
        say: s,
    }
}

// ------------------------------------------------------------------ settings and apps

const ON: &[&str] = &[
    "打开",
    "开启",
    "开一下",
    "启用",
    "连上",
    "连接",
    "turn on",
    "switch on",
    "enable",
];
/// A switch turned on in English by going to it or by "on" after it ("switch to power
/// saving", "Wi-Fi back on").
static SWITCHED_TO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:switch|go|change|move|put it|put the phone|set it) (?:over )?(?:to|into|in)\b|\bon(?: please| now| again)?$",
    )
});
const OFF: &[&str] = &[
    "关闭",
    "关掉",
    "关上",
    "关了",
    "停用",
    "断开",
    "turn off",
    "switch off",
    "disable",
];

/// Complaints that mean a setting change without naming it.
const COMPLAINTS: &[(&[&str], &str, i64)] = &[
    (
        &[
            "太暗",
            "看不清屏幕",
            "屏幕好暗",
            "暗了",
            "too dark",
            "too dim",
            "can't see the screen",
        ],
        "brightness",
        20,
    ),
    (&["太亮", "刺眼", "晃眼", "too bright"], "brightness", -20),
    (
        &[
            "太吵",
            "声音太大",
            "太响",
            "震耳",
            "刺耳",
            "too loud",
            "in my ears",
            "blasting",
        ],
        "volume",
        -20,
    ),
    (&["小声点", "小声一点", "quieter"], "volume", -20),
    (
        &[
            "听不见",
            "听不清",
            "声音太小",
            "大声点",
            "大声一点",
            "can't hear",
            "too quiet",
            "too soft",
            "louder",
        ],
        "volume",
        20,
    ),
];
/// "声儿小得很", "音量有点低", "声音调得有些高": the sound itself said to be too soft or
/// too loud, however the degree is put.
static SOUND_COMPLAINT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:音量|声音|声儿)(?:开得|调得|放得|也|实在|真的|怎么)*(?:太|有点儿?|有些|好|真|特别|挺|蛮|忒|过于|这么)(?P<d>小|低|轻|弱|大|高|响)",
    )
});
const DND_CUES: &[&str] = &[
    "别打扰我",
    "不要打扰",
    "别来打扰",
    "别让人打扰",
    "要睡觉了",
    "要睡了",
    "don't disturb me",
];
const UP: &[&str] = &[
    "大一点",
    "大点",
    "高一点",
    "调高",
    "调大",
    "提高",
    "增大",
    "加大",
    "亮一点",
    "调亮",
    "turn up",
    "increase",
    "raise",
];
const DOWN: &[&str] = &[
    "小一点",
    "小点",
    "低一点",
    "调低",
    "调小",
    "降低",
    "减小",
    "暗一点",
    "调暗",
    "turn down",
    "decrease",
    "lower",
];

pub fn settings_delta(ctx: &mut Ctx, name: &str, delta: i64) -> Plan {
    let cur = ctx.ses.settings.level(name).unwrap_or(50);
    let v = (cur + delta).clamp(0, 100);
    level_plan(ctx, name, v, Some(delta))
}

fn level_plan(ctx: &mut Ctx, name: &str, v: i64, delta: Option<i64>) -> Plan {
    let Some(def) = state::setting_def(name) else {
        return Plan::NotUnderstood;
    };
    let (zh, en) = (def.zh, def.en);
    let s = match delta {
        Some(d) if d > 0 => say!(
            ctx,
            ["已将{zh}调高到{v}%。", "好的，{zh}提高到了{v}%。"],
            ["Turned the {en} up to {v}%.", "OK, {en} increased to {v}%."]
        ),
        Some(_) => say!(
            ctx,
            ["已将{zh}调低到{v}%。", "好的，{zh}降低到了{v}%。"],
            ["Turned the {en} down to {v}%.", "OK, {en} lowered to {v}%."]
        ),
        None => say!(
            ctx,
            ["已将{zh}调到{v}%。", "好的，{zh}已设为{v}%。"],
            ["Set the {en} to {v}%.", "OK, {en} is now {v}%."]
        ),
    };
    Plan::act(
        action("settings.set", json!({ "name": name, "value": v })),
        s,
    )
}

fn switch_plan(ctx: &mut Ctx, name: &str, on: bool) -> Plan {
    let Some(def) = state::setting_def(name) else {
        return Plan::NotUnderstood;
    };
    let (zh, en) = (def.zh, def.en);
    let s = if on {
        say!(
            ctx,
            ["已打开{zh}。", "好的，{zh}已开启。"],
            ["Turned on {en}.", "OK, {en} is on."]
        )
    } else {
        say!(
            ctx,
            ["已关闭{zh}。", "好的，{zh}已关闭。"],
            ["Turned off {en}.", "OK, {en} is off."]
        )
    };
    Plan::act(
        action("settings.set", json!({ "name": name, "value": on })),
        s,
    )
}

pub fn settings_set(ctx: &mut Ctx, f: &Frame) -> Plan {
    if f.strict {
        let Some(def) = f
            .slot("name")
            .and_then(|n| state::setting_by_word(n).or_else(|| state::find_setting(n)))
        else {
            return Plan::NotUnderstood;
        };
        if let Some(op) = f.slot("op") {
            let on = matches!(op, "打开" | "开启" | "启用" | "on");
            return if def.kind == SettingKind::Switch {
                switch_plan(ctx, def.name, on)
            } else {
                Plan::NotUnderstood
            };
        }
        return match (def.kind, f.slot("value").and_then(nlu::number_strict)) {
            (SettingKind::Level, Some(v)) => {
                level_plan(ctx, def.name, v.round().clamp(0.0, 100.0) as i64, None)
            }
            _ => Plan::NotUnderstood,
        };
    }
    let text = f.text.as_str();
    if has_any(text, DND_CUES) {
        return switch_plan(ctx, "dnd", true);
    }
    // Right after a photo was taken, "turn its brightness up" is about the photo, unless the
    // screen is named (L3 context: the session's last result).
    if ctx.last_topic() == Some("photo")
        && state::find_setting(text).is_some_and(|d| d.name == "brightness")
        && !has_any(text, &["屏幕", "手机", "screen", "display", "phone"])
    {
        let up = !has_any(text, DOWN) && !has_any(text, &["down", "dimmer", "lower", "darker"]);
        let op = if up { "brighten" } else { "darken" };
        return photo_edit(
            ctx,
            &Frame {
                text: op.to_string(),
                ..f.clone()
            },
        );
    }
    let def = state::find_setting(text);
    if def.is_none_or(|d| d.kind == SettingKind::Level)
        && let Some((_, name, delta)) = COMPLAINTS
            .iter()
            .find(|(ws, name, _)| has_any(text, ws) && def.is_none_or(|d| d.name == *name))
    {
        return settings_delta(ctx, name, *delta);
    }
    if def.is_none_or(|d| d.name == "volume")
        && let Some(c) = SOUND_COMPLAINT.captures(text)
    {
        let up = matches!(&c["d"], "小" | "低" | "轻" | "弱");
        return settings_delta(ctx, "volume", if up { 20 } else { -20 });
    }
    let Some(def) = def else {
        return Plan::NotUnderstood;
    };
    match def.kind {
        SettingKind::Level => {
            if let Some(v) = nlu::find_target_number(text) {
                return level_plan(ctx, def.name, v.round().clamp(0.0, 100.0) as i64, None);
            }
            let step = if has_any(text, &["一点", "一些", "a bit", "a little"]) {
                10
            } else {
                20
            };
            if has_any(text, UP) || has_any(text, &["up", "louder", "brighter", "higher"]) {
                settings_delta(ctx, def.name, step)
            } else if has_any(text, DOWN) || has_any(text, &["down", "quieter", "dimmer"]) {
                settings_delta(ctx, def.name, -step)
            } else {
                Plan::NotUnderstood
            }
        }
        SettingKind::Switch => {
            if has_any(text, OFF) || (text.contains('关') && !has_any(text, ON)) {
                switch_plan(ctx, def.name, false)
            } else if has_any(text, ON) || text.contains('开') || SWITCHED_TO.is_match(text) {
                switch_plan(ctx, def.name, true)
            } else {
                Plan::NotUnderstood
            }
        }
    }
}

fn app_name(ctx: &Ctx, id: &str) -> String {
    let words = ctx
        .grammar
        .category
        .apps
        .iter()
        .find(|(a, _)| *a == id)
        .map(|(_, w)| *w)
        .unwrap_or(&[]);
    if ctx.en() {
        id.to_string()
    } else {
        words.first().map_or(id, |w| w).to_string()
    }
}

pub fn app_open(ctx: &mut Ctx, f: &Frame) -> Plan {
    let app = if f.strict {
        let Some(word) = f.slot("app") else {
            return Plan::NotUnderstood;
        };
        let found = ctx
            .grammar
            .category
            .apps
            .iter()
            .find(|(_, ws)| ws.contains(&word))
            .map(|(id, _)| *id);
        match found {
            Some(a) => a,
            None => {
                let s = say!(
                    ctx,
                    ["没有找到应用“{word}”。"],
                    ["I couldn't find an app called \"{word}\"."]
                );
                return Plan::Answer(s);
            }
        }
    } else {
        match ctx.grammar.app_in(&f.text) {
            Some(a) => a,
            None => return Plan::NotUnderstood,
        }
    };
    let name = app_name(ctx, app);
    let s = say!(
        ctx,
        ["已打开{name}。", "好的，正在打开{name}。"],
        ["Opened {name}.", "OK, opening {name}."]
    );
    Plan::act_for(f, action("app.open", json!({ "app": app })), s)
}

// ------------------------------------------------------------------ camera and photos

pub fn photo_capture(ctx: &mut Ctx, f: &Frame) -> Plan {
    let id = ctx.ses.state.next_photo_id();
    let s = say!(
        ctx,
        ["咔嚓，已拍好一张照片。", "拍好了，照片已保存到相册。"],
        ["Click! Photo taken.", "Done, the photo is in your gallery."]
    );
    Plan::act_for(f, action("photo.capture", json!({ "photo": id })), s)
}

const PHOTO_OPS: &[(&[&str], &str, &str, &str)] = &[
    (
        &[
            "调亮",
            "亮一点",
            "提亮",
            "亮一些",
            "调得亮",
            "brighten",
            "brighter",
            "lighten",
        ],
        "brighten",
        "调亮",
        "brightened",
    ),
    (
        &["调暗", "暗一点", "darken", "darker"],
        "darken",
        "调暗",
        "darkened",
    ),
    (&["裁剪", "剪裁", "crop"], "crop", "裁剪", "cropped"),
    (
        &["美颜", "磨皮", "beautify"],
        "beautify",
        "美颜",
        "retouched",
    ),
    (
        &["黑白", "black and white"],
        "mono",
        "转成黑白",
        "made black and white",
    ),
    (&["滤镜", "filter"], "filter", "加上滤镜", "filtered"),
    (&["旋转", "rotate"], "rotate", "旋转", "rotated"),
];

pub fn photo_edit(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some((_, op, zh, en)) = PHOTO_OPS.iter().find(|(ws, ..)| has_any(&f.text, ws)) else {
        return Plan::NotUnderstood;
    };
    // "brighter" with no photo in view and none named is about the screen.
    if matches!(*op, "brighten" | "darken")
        && ctx.last_photo().is_none()
        && !has_any(&f.text, PHOTO_WORDS)
    {
        return Plan::NotUnderstood;
    }
    let explicit_latest = has_any(
        &f.text,
        &["最近一张", "最新的", "最新一张", "latest", "most recent"],
    );
    let photo = ctx.last_photo().or_else(|| {
        explicit_latest
            .then(|| {
                ctx.ses
                    .state
                    .photos
                    .last()
                    .and_then(|p| p["id"].as_str().map(str::to_string))
            })
            .flatten()
    });
    let Some(photo) = photo else {
        let s = say!(
            ctx,
            ["没有找到要编辑的照片，请先拍照或指定照片。"],
            ["I can't find the photo to edit; take or pick one first."]
        );
        return Plan::Answer(s);
    };
    let s = say!(ctx, ["已将照片{zh}。"], ["Photo {en}."]);
    Plan::act(action("photo.edit", json!({ "photo": photo, "op": op })), s)
}

// ------------------------------------------------------------------ media and navigation

static ARTIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:放一首|放几首|放首|放点|来一首|来首|来点|播放|听|放)?(?P<a>[\p{Han}A-Za-z]{2,6}?)的(?:歌|音乐|专辑|新歌|歌曲)|\bby (?P<b>[a-z ]+)$|\bsome (?P<c>[a-z]+) (?:songs|music)\b",
    )
});
const GENRES: &[(&[&str], &str)] = &[
    (
        &["轻松", "舒缓", "安静", "放松", "relaxing", "chill", "calm"],
        "relaxing",
    ),
    (&["摇滚", "rock"], "rock"),
    (&["古典", "classical"], "classical"),
    (&["爵士", "jazz"], "jazz"),
    (&["流行", "pop"], "pop"),
    (&["儿歌", "children"], "children"),
];
static PLAY_VERB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:.*?)(?:播放|我想听|想听|来点|来首|来一首|放首|放一首|放点|放|听|play|put on|listen to|hear)(?: some)?",
    )
});

/// "我想听点安静" → "安静": the verbs in front of what is to be played.
fn strip_play_words(s: &str) -> String {
    const LEAD: &[&str] = &[
        "我想听",
        "我要听",
        "想听",
        "来点",
        "放点",
        "听点",
        "来首",
        "放首",
        "播放",
        "听",
        "放",
        "点",
        "些",
    ];
    // A request word or a count anywhere before the name ("上来点X", "放几首X"): the name
    // starts after the last one.
    const INNER: &[&str] = &[
        "来点", "放点", "听点", "来首", "放首", "几首", "一首", "播放", "歌手",
    ];
    let mut t = s.trim();
    if let Some(end) = INNER
        .iter()
        .filter_map(|w| t.rfind(w).map(|i| i + w.len()))
        .max()
        .filter(|e| *e < t.len())
    {
        t = &t[end..];
    }
    while let Some(r) = LEAD.iter().find_map(|w| t.strip_prefix(w)) {
        t = r;
    }
    // A sentence-final particle is the tone of the request, not part of the name ("来点X吧").
    t.trim_end_matches(['吧', '呗', '啊', '呀', '哈'])
        .to_string()
}

/// Music the user likes, however the liking is said ("我喜欢听的", "我平时爱听的", "my
/// favourite singer's", "something I love").
static FAVOURITE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"我(?:平时|平常|一直|最|常|经常|比较)*(?:喜欢|爱|中意)(?:听)?(?:的|$)|\bmy (?:favou?rite|usual)\b|\b(?:something|songs?|music|tracks?|stuff|what|ones?) (?:that )?i (?:really )?(?:like|love|enjoy)\b",
    )
});

pub fn media_play(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("q").to_string();
    let mut args = serde_json::Map::new();
    let favourite = FAVOURITE.is_match(&text);
    if favourite {
        if let Some(a) = favorite_artist(ctx) {
            args.insert("artist".into(), json!(a));
        }
    } else if let Some(c) = ARTIST.captures(&text) {
        let a = c
            .name("a")
            .or_else(|| c.name("b"))
            .or_else(|| c.name("c"))
            .map(|m| strip_play_words(m.as_str()));
        if let Some(a) =
            a.filter(|a| !a.is_empty() && !matches!(a.as_str(), "好听" | "好听的" | "最新"))
        {
            if GENRES.iter().any(|(ws, _)| ws.contains(&a.as_str())) {
                args.insert(
                    "genre".into(),
                    json!(
                        GENRES
                            .iter()
                            .find(|(ws, _)| ws.contains(&a.as_str()))
                            .map(|(_, g)| *g)
                    ),
                );
            } else {
                args.insert("artist".into(), json!(a));
            }
        }
    }
    if !args.contains_key("genre")
        && let Some((_, g)) = GENRES.iter().find(|(ws, _)| has_any(&text, ws))
    {
        args.insert("genre".into(), json!(g));
    }
    let query = strip_play_words(PLAY_VERB.replace(&text, "").trim_matches([',', ' ']));
    let query = if query.is_empty()
        || matches!(query.as_str(), "音乐" | "歌" | "首歌" | "music" | "歌曲")
    {
        "音乐".to_string()
    } else {
        query
    };
    // A singer the directory knows, however the request is worded around the name.
    if !f.strict
        && !favourite
        && !args.contains_key("artist")
        && !args.contains_key("genre")
        && let Some(a) = world::find_artist(&text)
    {
        args.insert("artist".into(), json!(a));
    }
    // "想听林俊杰", "来几首孙燕姿": what is asked for is a person, so it is whose songs.
    if !f.strict
        && !favourite
        && !args.contains_key("artist")
        && !args.contains_key("genre")
        && nlu::person_name(&query)
    {
        args.insert("artist".into(), json!(query));
    }
    args.insert("query".into(), json!(query));
    let what = args
        .get("artist")
        .and_then(Value::as_str)
        .map(|a| {
            if ctx.en() {
                format!("songs by {a}")
            } else {
                format!("{a}的歌")
            }
        })
        .unwrap_or_else(|| {
            if ctx.en() {
                "some music".into()
            } else {
                query.clone()
            }
        });
    let s = say!(
        ctx,
        ["正在为你播放{what}。", "好的，马上播放{what}。"],
        ["Playing {what}.", "OK, here's {what}."]
    );
    Plan::act_for(f, action("media.play", Value::Object(args)), s)
}

static DEST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:导航到|导航去|导航至|带我去|开车去|骑车去|(?:走路|步行|走着)(?:去|到|过去到)|走到|坐地铁去|我要去|我想去|送我去|去往|前往|怎么去|导航|去|到)(?P<d>[^,?]+?)(?:怎么走|怎么去|的路线|的导航|的路|要多久|多远)?$|(?:navigate to|navigation to|directions to|take me to|how do i get to|route to|drive to|get me to|get to|head to|way to)(?-u:\b) ?(?P<e>[^,?]+?)(?: on foot| by foot| walking)?$|^(?:把)?(?P<g>[^,?]{2,12}?)的(?:导航|路线)$",
    )
});

static MODE_LEAD: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:步行|走路|走着|开车|骑车|坐地铁|打车)(?:去|到)"));

/// "离这最近的银行在哪儿", "周边最近的加油站": a place named by being the nearest of its kind.
static NEAREST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:离我|离这儿|离这里|离这)?(?:附近|周边)?(?:最近|就近)的(?P<d>[\p{Han}A-Za-z]{2,8}?)(?:在哪里|在哪儿|在哪)?$|^(?:the )?nearest (?P<e>[a-z ]+?)(?: is)?$",
    )
});

/// Where a request asks to go: after a going verb ("带我去…"), or a nearest place named in a
/// clause of its own ("就近的超市，走着去").
pub fn nav_destination(text: &str) -> Option<String> {
    let clauses = || text.split(',').map(str::trim);
    clauses()
        .find_map(|clause| {
            let c = DEST.captures(clause)?;
            // "首都机场的导航(发到车上)": the place said before the route it names.
            let d = c
                .name("d")
                .or_else(|| c.name("e"))
                .or_else(|| c.name("g"))?
                .as_str()
                .trim();
            let d = d
                .trim_start_matches(['到', '去', '回'])
                .trim_end_matches(['吧', '呢']);
            // "去步行去外滩": how one goes, said again after the going verb, is not the place.
            let d = MODE_LEAD.replace(d, "");
            let d = d.trim();
            (!d.is_empty() && !has_any(d, &["都避开", "避开"])).then(|| d.to_string())
        })
        .or_else(|| {
            clauses().find_map(|clause| {
                let c = NEAREST.captures(clause)?;
                Some(match (c.name("d"), c.name("e")) {
                    (Some(d), _) => format!("最近的{}", d.as_str()),
                    (_, e) => format!("the nearest {}", e?.as_str()),
                })
            })
        })
}

pub fn nav_route(ctx: &mut Ctx, f: &Frame) -> Plan {
    let dest = if f.strict {
        f.slot("dest").map(str::to_string)
    } else {
        nav_destination(&f.text)
    };
    let Some(dest) = dest else {
        if f.strict {
            return Plan::NotUnderstood;
        }
        return ask(ctx, f, "要去哪里？", "Where to?");
    };
    let mode = if has_any(&f.text, &["步行", "走路", "走着", "walk", "on foot"]) {
        "walk"
    } else if has_any(&f.text, &["公交", "地铁", "transit", "subway", "bus"]) {
        "transit"
    } else if has_any(&f.text, &["骑车", "bike", "cycle"]) {
        "bike"
    } else {
        "drive"
    };
    let mut args = json!({ "destination": dest, "mode": mode });
    if has_any(
        &f.text,
        &[
            "避开高速",
            "不走高速",
            "avoid highways",
            "avoid the highway",
        ],
    ) {
        args["avoid"] = json!(["highway"]);
    } else if ctx.caps.learning
        && let Some(avoid) = ctx.ses.learned.prefs.get("nav.avoid")
    {
        args["avoid"] = avoid.clone();
    }
    let s = say!(
        ctx,
        ["正在为你导航到{dest}。", "好的，开始规划前往{dest}的路线。"],
        [
            "Starting navigation to {dest}.",
            "OK, routing you to {dest}."
        ]
    );
    Plan::act_for(f, action("nav.route", args), s)
}

// ------------------------------------------------------------------ information

const STRICT_DAYS: &[(&str, i64)] = &[
    ("今天", 0),
    ("今日", 0),
    ("明天", 1),
    ("明日", 1),
    ("后天", 2),
    ("today", 0),
    ("tomorrow", 1),
];

pub fn weather_query(ctx: &mut Ctx, f: &Frame) -> Plan {
    let today = ctx.now().date();
    let (city, date) = if f.strict {
        let q = f
            .slot("q")
            .or_else(|| f.slot("city"))
            .unwrap_or_default()
            .replace('的', "");
        let d = f.slot("d").unwrap_or_default();
        let city = world::find_city(&q);
        let mut rest = q.clone();
        if let Some(c) = city {
            rest = rest.replace(c, "").replace(world::city_en(c), "");
        }
        let rest = format!("{}{}", rest.trim(), d);
        let offset = if rest.trim().is_empty() {
            Some(0)
        } else {
            STRICT_DAYS
                .iter()
                .find(|(w, _)| *w == rest.trim())
                .map(|(_, o)| *o)
        };
        let Some(offset) = offset else {
            return Plan::NotUnderstood;
        };
        (city, today + Duration::days(offset))
    } else {
        let city = world::find_city(&f.text).or_else(|| home_city(ctx));
        let date = nlu::find_when(&f.text, ctx.now())
            .and_then(|w| w.date)
            .unwrap_or(today);
        (city, date)
    };
    let Some(city) = city else {
        return ask(
            ctx,
            f,
            "你想查询哪个城市的天气？",
            "Which city's weather would you like?",
        );
    };
    let asks_rain = has_any(&f.text, &["下雨", "带伞", "雨", "rain", "umbrella"]);
    weather_plan(ctx, city, date, asks_rain)
}

/// Look up the weather (needs the network: offline, the terminal says so and acts on nothing).
pub fn weather_plan(ctx: &mut Ctx, city: &str, date: NaiveDate, asks_rain: bool) -> Plan {
    let days = (date - ctx.now().date()).num_days();
    if !(0..=6).contains(&days) {
        let s = say!(
            ctx,
            ["抱歉，只能查询未来7天的天气。"],
            ["Sorry, I can only look up the next 7 days."]
        );
        return Plan::Answer(s);
    }
    let day = ctx.day_words(date);
    let city_shown = if ctx.en() {
        world::city_en(city).to_string()
    } else {
        city.to_string()
    };
    if !ctx.dev.online {
        let s = say!(
            ctx,
            ["当前处于离线状态，无法获取{city_shown}的实时天气，请联网后再试。"],
            [
                "The device is offline, so I can't get the weather for {city_shown}; please try again when you're connected to the network."
            ]
        );
        return Plan::Answer(s);
    }
    ctx.note_network(crate::device::protocol::ServedBy::Cloud);
    let w = world::forecast(city, date);
    ctx.ses.context.last_forecast = Some((city.to_string(), date, w.rain));
    let (zh, en, lo, hi) = (w.zh, w.en, w.low, w.high);
    let mut s = say!(
        ctx,
        ["{city_shown}{day}{zh}，气温{lo}到{hi}℃。"],
        ["{city_shown} {day}: {en}, {lo} to {hi} °C."]
    );
    if w.rain {
        s += &say!(
            ctx,
            ["有雨，出门记得带伞。"],
            [" Rain is likely; take an umbrella."]
        );
    } else if asks_rain {
        s += &say!(
            ctx,
            ["不会下雨，不用带伞。"],
            [" No rain expected; you won't need an umbrella."]
        );
    }
    Plan::Act {
        actions: vec![action(
            "weather.query",
            json!({ "city": city, "date": date.to_string() }),
        )],
        say: s,
    }
}

/// What may come right before a 几号 that asks the day ("今天", "明儿", "下周一", "这个月").
static DAY_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:天|日|儿|月|末|年|现在|目前|[周期拜][一二三四五六日天])$"));

/// "座位是几号", "房间几号来着", "我住几号房": 几号 numbers a thing, it does not ask
/// the day — the thing is named just before it, or just after.
fn numbers_a_thing(text: &str) -> bool {
    let Some(pos) = text.find("几号") else {
        return false;
    };
    let before: String = text[..pos]
        .chars()
        .rev()
        .take_while(|c| nlu::is_cjk(*c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let before = if DAY_BEFORE.is_match(&before) {
        before.as_str()
    } else {
        before.trim_end_matches(['是', '在', '第'])
    };
    let after = text[pos + "几号".len()..].chars().next();
    let thing_after =
        after.is_some_and(|c| nlu::is_cjk(c) && !"了啊呢吗呀来是啦嘛呗哈你我的".contains(c));
    let thing_before = !before.is_empty() && !DAY_BEFORE.is_match(before);
    thing_after || thing_before
}

pub fn datetime_query(ctx: &mut Ctx, f: &Frame) -> Plan {
    let now = ctx.now();
    let text = &f.text;
    if !f.strict && numbers_a_thing(text) && !has_any(text, &["星期", "周几", "礼拜"]) {
        return Plan::NotUnderstood;
    }
    let asks_time = has_any(text, &["几点", "时间", "what time", "the time"]);
    let date = if f.strict {
        now.date()
    } else {
        nlu::find_when(text, now)
            .and_then(|w| w.date)
            .unwrap_or(now.date())
    };
    if asks_time && date == now.date() && !has_any(text, &["几号", "星期", "周几", "date", "day"])
    {
        let t = nlu::hhmm(now.hour(), now.minute());
        let s = say!(
            ctx,
            ["现在是{t}。", "现在的时间是{t}。"],
            ["It's {t}.", "The time is {t}."]
        );
        return Plan::Answer(s);
    }
    const WD_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    use chrono::Datelike;
    let wd = date.weekday().num_days_from_monday() as usize;
    let (y, m, d, wz, we) = (
        date.year(),
        date.month(),
        date.day(),
        WD_ZH[wd],
        nlu::WEEKDAYS_EN[wd],
    );
    let lead = if date == now.date() {
        "今天"
    } else {
        "那天"
    };
    let lead_en = if date == now.date() {
        "Today"
    } else {
        "That day"
    };
    let s = say!(
        ctx,
        ["{lead}是{y}年{m}月{d}日，星期{wz}。"],
        ["{lead_en} is {we}, {y}-{m:02}-{d:02}."]
    );
    Plan::Answer(s)
}

pub fn chat(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = f.text.as_str();
    let s = if has_any(
        t,
        &[
            "笑话",
            "段子",
            "逗我笑",
            "joke",
            "jokes",
            "something funny",
            "make me laugh",
        ],
    ) {
        if !ctx.caps.paraphrase {
            return Plan::NotUnderstood;
        }
        say!(
            ctx,
            [
                "程序员最讨厌的季节是什么？是“冬”天，因为要“debug”（第八个）……好吧，这个笑话有点冷。",
                "为什么数学书总是很忧郁？因为它有太多的问题。"
            ],
            [
                "Why did the phone wear glasses? It lost its contacts.",
                "Why don't programmers like nature? Too many bugs."
            ]
        )
    } else if has_any(t, &["你是谁", "你叫什么", "who are you", "your name"]) {
        say!(
            ctx,
            ["我是这台设备上的智能助手。"],
            ["I'm the assistant on this device."]
        )
    } else if has_any(t, &["能做什么", "会做什么", "what can you do"]) {
        say!(
            ctx,
            ["我可以帮你设置闹钟和提醒、打电话、发短信、调节设置、查天气等。"],
            [
                "I can set alarms and reminders, make calls, send messages, change settings, check the weather and more."
            ]
        )
    } else if has_any(t, &["谢谢", "thanks", "thank you"]) {
        say!(
            ctx,
            ["不客气！", "不用谢，随时为你服务。"],
            ["You're welcome!", "Any time."]
        )
    } else if has_any(t, &["你好", "您好", "嗨", "哈喽", "hi", "hello", "hey"]) {
        say!(
            ctx,
            ["你好！有什么可以帮你？", "你好，我在。需要我做什么？"],
            [
                "Hello! How can I help?",
                "Hi, I'm here. What can I do for you?"
            ]
        )
    } else {
        return Plan::NotUnderstood;
    };
    Plan::Answer(s)
}

// ------------------------------------------------------------------ text tools

static TRANSLATE_SRC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"把(?P<a>.+?)翻译成|(?P<b>.+?)[,]?(?:用)?(?:英语|英文|中文|汉语)(?:是)?怎么说|(?P<f>[^,]+?)[,]?翻译成(?:英文|英语|中文|汉语)(?:是什么|是啥|怎么说)?$|翻译(?:一下)?[,: ]?(?P<c>.+?)(?:成|为)?(?:英文|英语|中文)?$|translate (?P<d>.+?)(?: (?:into|to) (?:english|chinese))?$|how do (?:you|i) say (?P<e>.+?) in (?:english|chinese)",
    )
});

static TRANSLATE_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:成|为|into |to )(?:地道的|标准的)?(?P<l>英文|英语|中文|汉语|普通话|english|chinese)")
});

/// The text a translation request carries: its content, else the first of `groups` that
/// `src` finds in the instruction, trimmed, as `keep` cleans and accepts it.
pub fn translation_source(
    f: &Frame,
    src: &Regex,
    groups: &[&str],
    keep: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    f.content.clone().or_else(|| {
        let c = src.captures(&f.text)?;
        let m = groups.iter().find_map(|g| c.name(g))?;
        keep(m.as_str().trim())
    })
}

pub fn text_translate(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = f.text.as_str();
    if let Some(p) = other_language(ctx, t) {
        return p;
    }
    let mut source = translation_source(f, &TRANSLATE_SRC, &["a", "b", "f", "c", "d", "e"], |s| {
        let pointing = has_any(s, &["这段话", "这句话", "它", "this", "that", "it"]);
        (!s.is_empty() && s != nlu::CONTENT_MARK && !pointing).then(|| s.to_string())
    });
    if source.is_none() && has_any(t, RESULT_WORDS) {
        source = ctx.last_result();
    }
    let Some(source) = source else {
        return ask(ctx, f, "请告诉我要翻译的内容。", "What should I translate?");
    };
    let source_lang = if nlu::mostly_cjk(&source) { "zh" } else { "en" };
    // The language after "成/为/into" is the target; one only named ("这句英文") is the
    // source's, so the other is meant.
    let named = |l: &str| -> &'static str {
        if has_any(l, &["英文", "英语", "english"]) {
            "en"
        } else {
            "zh"
        }
    };
    let target = if let Some(c) = TRANSLATE_TARGET.captures(t) {
        named(&c["l"])
    } else if has_any(t, &["英文", "英语", "english"]) && source_lang != "en" {
        "en"
    } else if has_any(t, &["中文", "汉语", "chinese"]) && source_lang != "zh" {
        "zh"
    } else if source_lang == "zh" {
        "en"
    } else {
        "zh"
    };
    ctx.note_network(crate::device::protocol::ServedBy::Hybrid);
    let tr = text_tools::translate(&source, target);
    let out = tr.text.clone();
    let mut s = say!(
        ctx,
        ["翻译结果：{out}", "译文：{out}"],
        ["Translation: {out}", "In translation: {out}"]
    );
    if tr.embedded_instructions > 0 {
        s += &say!(
            ctx,
            ["（原文里有一句要求执行操作的话，我只做翻译，不会执行。）"],
            [
                " (The text contains an instruction to me; I only translated it and did not act on it.)"
            ]
        );
    }
    ctx.ses.context.last_result = Some(out);
    translation(&source, source_lang, target, s)
}

/// The `text.translate` action for `source` (at most its first 500 characters) from `from`
/// into `to`, with what the terminal says.
pub fn translation(source: &str, from: &str, to: &str, say: String) -> Plan {
    let shown: String = source.chars().take(500).collect();
    let args = json!({ "text": shown, "source_lang": from, "target_lang": to });
    Plan::Act {
        actions: vec![action("text.translate", args)],
        say,
    }
}

pub fn text_summarize(ctx: &mut Ctx, f: &Frame) -> Plan {
    let mut source = f.content.clone();
    if source.is_none()
        && has_any(
            &f.text,
            &[
                "刚才",
                "这条",
                "这段",
                "上面",
                "它",
                "that",
                "this",
                "the message",
            ],
        )
    {
        source = ctx.last_result();
    }
    let Some(source) = source.filter(|s| !s.trim().is_empty()) else {
        return ask(
            ctx,
            f,
            "请把要总结的内容发给我。",
            "Please send me the text to summarise.",
        );
    };
    ctx.note_network(crate::device::protocol::ServedBy::Hybrid);
    let sum = text_tools::summarize(&source);
    let text = sum.text.clone();
    let mut s = say!(
        ctx,
        ["摘要：{text}", "主要内容：{text}"],
        ["Summary: {text}", "In short: {text}"]
    );
    if sum.dropped_instructions > 0 {
        s += &say!(
            ctx,
            ["（内容中有试图让我执行操作的指令，已忽略。）"],
            [" (The text contains instructions aimed at me; I ignored them.)"]
        );
    }
    ctx.ses.context.last_result = Some(text);
    let args = json!({ "source_chars": source.chars().count(), "sentences": sum.source_sentences });
    Plan::act(action("text.summarize", args), s)
}
