//! The TV category (GB/Z 177.6 in framework.yaml): far-field and remote-control voice, channels
//! and the programme guide, searching and playing on-demand content, and answers about what is
//! on screen (a screenshot comes with the request as an image; its text is the content).
//!
//! Channels, the guide and the catalogue come from `tv_world.rs`. By level: L1 switches to a
//! channel or plays a title it is told exactly; L2 works out "体育台", "流浪地球第二部", "今晚有
//! 球赛吗", reads the poster or guide on screen and sets one thing (a reminder, a limit); L3
//! follows the conversation ("播放第二个", "这部剧多少集", "那湖南卫视呢"), knows the family's
//! favourites and where they stopped, and offers a reminder for a match it was asked about; L4
//! hands playback to linked devices and learns channel names and viewing habits.

use std::sync::LazyLock;

use chrono::{Duration, NaiveTime, Timelike};
use regex::Regex;
use serde_json::{Value, json};

use crate::device::protocol::ServedBy;
use crate::sim::events;
use crate::sim::general::{self, CHAT, SUMMARIZE, TRANSLATE};
use crate::sim::nlu;
use crate::sim::plans::{has_any, re};
use crate::sim::skills;
use crate::sim::turn::{Category, Frame, IntentDef, Plan, action, has_cue, more_cues};
use crate::sim::turn::{Ctx, Pending, say};

pub(crate) mod catalogue;
use catalogue::{Channel, Kind, Title};

// ------------------------------------------------------------------ conversation bookkeeping

/// The TV's notes on the conversation (what is playing, the last search results, the channel
/// and the words that named it, the channel whose guide was read), kept in the context's
/// `last_query` slot. Written at every level; read only where the level has context.
const NOTES: &str = "tv";

/// A note, when this level follows the conversation (L3).
fn recall(ctx: &Ctx, key: &str) -> Option<Value> {
    ctx.caps
        .context
        .then(|| ctx.notes(NOTES).get(key).cloned())
        .flatten()
}

fn playing(ctx: &Ctx) -> Option<&'static Title> {
    recall(ctx, "playing").and_then(|v| v.as_str().and_then(catalogue::title_exact))
}

fn offline(ctx: &mut Ctx) -> Plan {
    let s = say!(
        ctx,
        ["当前网络不可用，无法使用片库点播，直播频道仍可正常观看。"],
        [
            "The network is unavailable, so on-demand titles can't be played; live channels still work."
        ]
    );
    Plan::Answer(s)
}

// ------------------------------------------------------------------ channels and the guide

/// Learned channel names (L4): phrase → channel id.
fn learned_channel(ctx: &Ctx, text: &str) -> Option<&'static Channel> {
    let aliases = ctx.learned("tv.channel_alias")?;
    let (_, id) = aliases
        .as_object()?
        .iter()
        .filter(|(p, _)| text.contains(p.as_str()))
        .max_by_key(|(p, _)| p.chars().count())?;
    catalogue::CHANNELS
        .iter()
        .find(|c| Some(c.id) == id.as_str())
}

/// The word in the text that named a channel, for learning what it means.
fn channel_phrase(c: &Channel, text: &str) -> Option<String> {
    c.names
        .iter()
        .chain(c.aliases)
        .filter(|w| has_cue(text, w))
        .max_by_key(|w| w.chars().count())
        .map(|w| (*w).to_string())
}

fn switch_plan(ctx: &mut Ctx, c: &'static Channel, phrase: Option<String>) -> Plan {
    let id = c.id;
    ctx.note(NOTES, "channel", json!(id));
    if let Some(p) = phrase {
        ctx.note(NOTES, "channel_phrase", json!(p));
    }
    let s = say!(
        ctx,
        ["已切换到{id}。", "好的，正在为你切换到{id}。"],
        ["Switched to {id}.", "OK, switching to {id}."]
    );
    Plan::act(action("channel.switch", json!({ "channel": id })), s)
}

pub fn channel_switch(ctx: &mut Ctx, f: &Frame) -> Plan {
    if f.strict {
        return match f.slot("ch").and_then(catalogue::channel_exact) {
            Some(c) => switch_plan(ctx, c, None),
            None => Plan::NotUnderstood,
        };
    }
    let text = f.text.as_str();
    if has_any(
        text,
        &[
            "上一个台",
            "换回去",
            "刚才那个台",
            "previous channel",
            "go back",
        ],
    ) && let Some(c) = recall(ctx, "previous").and_then(|v| v.as_str().map(str::to_string))
        && let Some(c) = catalogue::CHANNELS.iter().find(|x| x.id == c)
    {
        return switch_plan(ctx, c, None);
    }
    if let Some(c) = learned_channel(ctx, text) {
        return switch_plan(ctx, c, None);
    }
    if has_any(
        text,
        &[
            "我喜欢的",
            "我最喜欢的",
            "我最爱的",
            "我最爱看的",
            "我最常看的",
            "my favourite",
            "my favorite",
        ],
    ) && let Some(c) = ctx
        .facts()
        .iter()
        .find_map(|f| catalogue::channel_in(&nlu::normalize(&f.text)))
    {
        return switch_plan(ctx, c, None);
    }
    match catalogue::channel_in(text).or_else(|| channel_for_genre(text)) {
        Some(c) => {
            let before = ctx.notes(NOTES).get("channel").cloned();
            if let Some(b) = before {
                ctx.note(NOTES, "previous", b);
            }
            let phrase = channel_phrase(c, text);
            switch_plan(ctx, c, phrase)
        }
        None => Plan::NotUnderstood,
    }
}

/// "换个台看新闻": the channel for what the user wants to watch.
fn channel_for_genre(text: &str) -> Option<&'static Channel> {
    const BY_GENRE: &[(&[&str], &str)] = &[
        (&["新闻", "news"], "CCTV-13"),
        (&["体育", "球赛", "sports"], "CCTV-5"),
        (&["电影", "movies"], "CCTV-6"),
        (&["少儿", "动画", "cartoons"], "CCTV-14"),
    ];
    if !has_any(text, &["台", "频道", "channel"]) {
        return None;
    }
    let id = BY_GENRE
        .iter()
        .find(|(ws, _)| has_any(text, ws))
        .map(|(_, id)| *id)?;
    catalogue::CHANNELS.iter().find(|c| c.id == id)
}

/// Today's programmes that best match the words of a question, across channels: a title
/// said outright counts most, then the words for what a programme is ("足球比赛" is the
/// football match, not every match).
fn guide_hits(text: &str) -> Vec<(&'static Channel, &'static str, &'static str)> {
    let scored: Vec<(usize, &'static Channel, &'static str, &'static str)> = catalogue::CHANNELS
        .iter()
        .flat_map(|c| {
            c.guide
                .iter()
                .map(move |(t, title, words)| (c, *t, *title, *words))
        })
        .map(|(c, t, title, words)| {
            let named = if text.contains(title) || has_cue(text, &title.to_lowercase()) {
                10 * title.chars().count()
            } else {
                0
            };
            let described: usize = words
                .iter()
                .filter(|w| has_cue(text, w))
                .map(|w| w.chars().count())
                .sum();
            (named + described, c, t, title)
        })
        .filter(|(score, ..)| *score > 0)
        .collect();
    let best = scored.iter().map(|(s, ..)| *s).max().unwrap_or(0);
    scored
        .into_iter()
        .filter(|(s, ..)| *s == best)
        .map(|(_, c, t, title)| (c, t, title))
        .collect()
}

fn clock(t: &str) -> NaiveTime {
    NaiveTime::parse_from_str(t, "%H:%M").unwrap_or(NaiveTime::MIN)
}

/// Keep what is still to come (or on now) when the question says "今晚" or "现在".
fn in_window(ctx: &Ctx, text: &str, t: &str) -> bool {
    let now = ctx.now().time();
    if has_any(text, &["今晚", "晚上", "tonight", "this evening"]) {
        return clock(t) >= NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN);
    }
    if has_any(text, &["现在", "正在", "right now"]) {
        return clock(t) <= now;
    }
    true
}

fn guide_plan(ctx: &mut Ctx, c: &'static Channel, text: &str) -> Plan {
    let items: Vec<String> = c
        .guide
        .iter()
        .filter(|(t, ..)| in_window(ctx, text, t))
        .map(|(t, title, _)| format!("{t} {title}"))
        .collect();
    let id = c.id;
    ctx.note(NOTES, "guide", json!(id));
    let listed = items.join(if ctx.en() { ", " } else { "，" });
    let s = if items.is_empty() {
        say!(
            ctx,
            ["{id}这个时段没有节目信息。"],
            ["No listings for {id} at that time."]
        )
    } else {
        say!(
            ctx,
            ["{id}今天的节目：{listed}。"],
            ["Today on {id}: {listed}."]
        )
    };
    Plan::Act {
        actions: vec![action(
            "epg.query",
            json!({ "channel": id, "date": ctx.now().date().to_string() }),
        )],
        say: s,
    }
}

pub fn epg_query(ctx: &mut Ctx, f: &Frame) -> Plan {
    if f.strict {
        return match f.slot("ch").and_then(catalogue::channel_exact) {
            Some(c) => guide_plan(ctx, c, &f.text),
            None => Plan::NotUnderstood,
        };
    }
    if let Some(c) = learned_channel(ctx, &f.text).or_else(|| catalogue::channel_in(&f.text)) {
        // "去瞧瞧某台在演啥" with no time or guide word wants the channel on screen, not
        // read out: the switch reading takes it.
        if LOOK_NOW.is_match(&f.text) && !GUIDE_WORD.is_match(&f.text) {
            return Plan::NotUnderstood;
        }
        return guide_plan(ctx, c, &f.text);
    }
    let hits: Vec<_> = guide_hits(&f.text)
        .into_iter()
        .filter(|(_, t, _)| in_window(ctx, &f.text, t))
        .collect();
    if hits.is_empty() {
        return Plan::NotUnderstood;
    }
    let en = ctx.en();
    let listed = hits
        .iter()
        .map(|(c, t, title)| {
            if en {
                format!("{title} at {t} on {}", c.id)
            } else {
                format!("{t} {}《{title}》", c.id)
            }
        })
        .collect::<Vec<_>>()
        .join(if en { "; " } else { "；" });
    let mut s = say!(ctx, ["有的：{listed}。"], ["Yes: {listed}."]);
    // Asked about one programme still to come: offer to remind (L3, proactive).
    let now = ctx.now().time();
    if let [(c, t, title)] = hits.as_slice()
        && ctx.caps.proactive
        && clock(t) > now
    {
        s += &say!(
            ctx,
            ["要在开始时提醒你吗？"],
            [" Shall I remind you when it starts?"]
        );
        let done = say!(
            ctx,
            ["好的，{t}提醒你看《{title}》。"],
            ["OK, I'll remind you at {t} to watch {title}."]
        );
        let args = json!({ "text": title, "date": ctx.now().date().to_string(), "time": t, "channel": c.id });
        ctx.ses.pending = Some(Pending::Offer {
            actions: vec![action("reminder.create", args)],
            done,
        });
    }
    let query = hits.first().map(|(_, _, title)| *title).unwrap_or_default();
    Plan::Act {
        actions: vec![action(
            "epg.query",
            json!({ "query": query, "date": ctx.now().date().to_string() }),
        )],
        say: s,
    }
}

/// "那湖南卫视呢": the guide of another channel, after reading one (L3).
pub fn follow_up(ctx: &mut Ctx, f: &Frame) -> Plan {
    if recall(ctx, "guide").is_none() {
        return Plan::NotUnderstood;
    }
    match catalogue::channel_in(&f.text) {
        Some(c) => guide_plan(ctx, c, "今晚"),
        None => Plan::NotUnderstood,
    }
}

/// A wish to look at something now, as opposed to asking about it.
static LOOK_NOW: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:看看|看一下|瞧瞧|瞅瞅|瞧一瞧|看一眼|我想看|我要看|给我看|(?:换|切|转|调)(?:到|去|过去)?)",
    )
});
/// What makes a question about a channel one about its guide: a time, or the guide itself.
static GUIDE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"今晚|今天|明天|后天|晚上|早上|上午|下午|中午|夜里|几点|待会|一会|稍后|接下来|之后|节目单|节目表|节目预告|tonight|today|tomorrow|later|guide|schedule",
    )
});
static BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:前|提前)(?P<d>[0-9零一二两三四五六七八九十半]+(?:分钟|分|小时))"));
static SCREEN_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*(?P<t>[0-2]?[0-9]:[0-5][0-9])\s+(?P<title>.+?)\s*$"));

/// A programme the request names, from the guide on screen (content) or the EPG.
fn programme(ctx: &Ctx, f: &Frame) -> Option<(String, String)> {
    if let Some(content) = &f.content {
        let lines: Vec<(String, String)> = SCREEN_LINE
            .captures_iter(content)
            .map(|c| (c["t"].to_string(), c["title"].to_string()))
            .collect();
        let score = |title: &str| shared_words(&f.text, title) + described(&f.text, title);
        if let Some(hit) = lines
            .iter()
            .filter(|(_, title)| score(title) > 0)
            .max_by_key(|(_, title)| score(title))
        {
            return Some(hit.clone());
        }
    }
    let hits = guide_hits(&f.text);
    let now = ctx.now().time();
    hits.iter()
        .find(|(_, t, _)| clock(t) > now)
        .or(hits.first())
        .map(|(_, t, title)| ((*t).to_string(), (*title).to_string()))
}

/// How many two-character Chinese words of `a` appear in `b`.
fn shared_words(a: &str, b: &str) -> usize {
    let chars: Vec<char> = a.chars().filter(|c| nlu::is_cjk(*c)).collect();
    chars
        .windows(2)
        .filter(|w| b.contains(&w.iter().collect::<String>()))
        .count()
}

/// Whether the words for a programme in the guide ("football" for 中超联赛) are in the text,
/// for a line on screen that names it.
fn described(text: &str, line: &str) -> usize {
    let known = catalogue::CHANNELS
        .iter()
        .flat_map(|c| c.guide)
        .find(|(_, title, _)| line.contains(title));
    known.map_or(0, |(_, _, words)| {
        words
            .iter()
            .filter(|w| w.is_ascii() && has_cue(text, w))
            .count()
    })
}

/// "中超开始前五分钟提醒我": a reminder at the programme's start (or before it).
pub fn programme_reminder(ctx: &mut Ctx, f: &Frame) -> Plan {
    if f.strict {
        return Plan::NotUnderstood;
    }
    let Some((t, title)) = programme(ctx, f) else {
        return Plan::NotUnderstood;
    };
    let lead = BEFORE
        .captures(&f.text)
        .and_then(|c| nlu::find_duration(&c["d"]))
        .unwrap_or(0);
    let start = ctx.now().date().and_time(clock(&t));
    let at = start - Duration::seconds(lead as i64);
    if at <= ctx.now() {
        let s = say!(
            ctx,
            ["《{title}》{t}开始，已经过了提醒时间。"],
            ["{title} starts at {t}; that time has passed."]
        );
        return Plan::Answer(s);
    }
    let time = nlu::hhmm(at.hour(), at.minute());
    let s = say!(
        ctx,
        ["好的，{time}提醒你看《{title}》。"],
        ["OK, I'll remind you at {time} about {title}."]
    );
    let args = json!({ "text": title, "date": at.date().to_string(), "time": time });
    Plan::act(action("reminder.create", args), s)
}

// ------------------------------------------------------------------ the catalogue

fn results_of(ctx: &Ctx) -> Vec<&'static Title> {
    recall(ctx, "results")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().and_then(catalogue::title_exact))
        .collect()
}

pub fn content_search(ctx: &mut Ctx, f: &Frame) -> Plan {
    let (person, genre, kind, title) = if f.strict {
        let q = f.slot("q").unwrap_or_default();
        let person = catalogue::PEOPLE
            .iter()
            .find(|(zh, en)| *zh == q || en.contains(&q))
            .map(|(zh, _)| *zh);
        let genre = catalogue::GENRES
            .iter()
            .find(|(ws, _)| ws.contains(&q))
            .map(|(_, g)| *g);
        let title = catalogue::title_exact(q);
        if person.is_none() && genre.is_none() && title.is_none() {
            return Plan::NotUnderstood;
        }
        (person, genre, None, title)
    } else {
        let t = f.text.as_str();
        (
            catalogue::person_in(t),
            catalogue::genre_in(t),
            catalogue::kind_in(t),
            catalogue::title_in(t),
        )
    };
    if person.is_none() && genre.is_none() && kind.is_none() && title.is_none() {
        return Plan::NotUnderstood;
    }
    if !ctx.dev.online {
        return offline(ctx);
    }
    ctx.note_network(ServedBy::Cloud);
    let hits: Vec<&'static Title> = catalogue::TITLES
        .iter()
        .filter(|x| person.is_none_or(|p| x.cast.contains(&p)))
        .filter(|x| genre.is_none_or(|g| x.genres.contains(&g)))
        .filter(|x| kind.is_none_or(|k| x.kind == k))
        .filter(|x| {
            title.is_none_or(|t| {
                x.part_of.zip(t.part_of).is_some_and(|(a, b)| a.0 == b.0) || x.name == t.name
            })
        })
        .collect();
    let query = [person, title.map(|t| t.name), genre]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut args = json!({ "query": query });
    if let Some(p) = person {
        args["actor"] = json!(p);
    }
    if let Some(g) = genre {
        args["genre"] = json!(g);
    }
    if let Some(k) = kind {
        args["kind"] = json!(k.id());
    }
    ctx.note(
        NOTES,
        "results",
        json!(hits.iter().map(|x| x.name).collect::<Vec<_>>()),
    );
    let n = hits.len();
    let zh = hits
        .iter()
        .enumerate()
        .map(|(i, x)| format!("{}.《{}》", i + 1, x.name))
        .collect::<Vec<_>>()
        .join(" ");
    let en = hits
        .iter()
        .enumerate()
        .map(|(i, x)| {
            format!(
                "{}. {} ({})",
                i + 1,
                x.name,
                x.aka.first().copied().unwrap_or(x.name)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let s = if n == 0 {
        say!(ctx, ["没有找到相关内容。"], ["Nothing found."])
    } else {
        say!(ctx, ["为你找到{n}部：{zh}。"], ["Found {n}: {en}."])
    };
    Plan::act(action("content.search", args), s)
}

/// An episode however it is numbered: "第十二集", "episode 7", "episode seventeen", "the 7th
/// episode", "the seventeenth episode".
static EPISODE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"第(?P<n>[0-9]+|[零一二两三四五六七八九十百]+)集|\bepisode (?:no\.? |number )?(?P<e>[0-9]+|[a-z]+(?:[- ][a-z]+)?)",
    )
});
static EPISODE_ORDINAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<o>[0-9]+(?:st|nd|rd|th)|[a-z]+(?:-[a-z]+)?) episode\b"));
static PART: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"第(?P<n>[一二三四五1-5])部|(?P<s>续集|下一部|sequel)|\bpart (?P<e>[1-5]|one|two|three|four|five)\b|\b(?P<o>first|second|third) (?:film|movie|part|instal?ment) of\b",
    )
});
static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"第(?P<n>[一二三四五六七八九十1-9])(?:个|部)|(?P<e>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th) (?:one|film|movie|title|result)",
    )
});

/// The episode a request names, in Chinese or English numbers.
fn episode_in(text: &str) -> Option<u32> {
    let counted = EPISODE.captures_iter(text).find_map(|c| {
        if let Some(n) = c.name("n") {
            return number(n.as_str());
        }
        let e = c.name("e")?.as_str();
        let first = e.split([' ', '-']).next().unwrap_or(e);
        nlu::en_number(e)
            .or_else(|| nlu::en_number(first))
            .and_then(|n| (n.fract() == 0.0 && n >= 1.0).then_some(n as u32))
    });
    counted.or_else(|| {
        EPISODE_ORDINAL
            .captures_iter(text)
            .find_map(|c| nlu::en_ordinal(&c["o"]))
    })
}
static PROGRESS: LazyLock<Regex> =
    LazyLock::new(|| re(r"第(?P<n>[0-9]+|[零一二两三四五六七八九十百]+)集"));

fn number(s: &str) -> Option<u32> {
    s.parse()
        .ok()
        .or_else(|| nlu::cn_number(s).and_then(|n| u32::try_from(n).ok()))
}

/// Words that point at the title on screen or in the conversation.
const POINTING: &[&str] = &[
    "这部",
    "这个电影",
    "这个片",
    "这个节目",
    "这部片",
    "屏幕上",
    "this film",
    "this movie",
    "this one",
    "this show",
];

/// What a play request is for, with the episode and what the choice came from.
struct Choice {
    title: &'static Title,
    episode: Option<u32>,
    actor: Option<&'static str>,
}

fn choose(ctx: &Ctx, f: &Frame) -> Option<Choice> {
    let text = f.text.as_str();
    let on_screen = f
        .content
        .as_deref()
        .and_then(|c| c.lines().next())
        .and_then(catalogue::title_exact);
    let episode = episode_in(text);
    // "放这部电影的第一部", "流浪地球第二部": a part of a film series.
    if let Some(c) = PART.captures(text) {
        let base = catalogue::title_in(text)
            .or(on_screen)
            .or_else(|| playing(ctx))?;
        let (series, part) = base.part_of?;
        let want = match (
            c.name("n").or_else(|| c.name("e")).or_else(|| c.name("o")),
            c.name("s"),
        ) {
            (Some(n), _) => number(n.as_str()).or_else(|| nlu::en_ordinal(n.as_str()))?,
            (None, _) => part + 1,
        };
        let t = catalogue::TITLES
            .iter()
            .find(|t| t.part_of == Some((series, want)))?;
        return Some(Choice {
            title: t,
            episode: None,
            actor: None,
        });
    }
    if let Some(t) = catalogue::title_in(text) {
        // "继续看繁花": where the user stopped, from what the terminal knows (L3).
        static RESUME: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"(?:接着|继续)[^,]{0,8}(?:看|放|播)|从上(?:次|回)|上(?:次|回)(?:看|放)到|(?:看|放)到的(?:地方|位置|那儿)|(?:继续|接着)(?:吧)?$|\b(?:continue|keep watching|left off|where i stopped)\b",
            )
        });
        let resume = RESUME.is_match(text);
        let ep = episode.or_else(|| resume.then(|| progress(ctx, t)).flatten());
        return Some(Choice {
            title: t,
            episode: ep,
            actor: None,
        });
    }
    if let Some(t) = on_screen.filter(|_| has_any(text, POINTING) || text.chars().count() <= 6) {
        return Some(Choice {
            title: t,
            episode,
            actor: None,
        });
    }
    if let Some(c) = ORDINAL.captures(text) {
        let n = c
            .name("n")
            .and_then(|m| number(m.as_str()))
            .or_else(|| c.name("e").and_then(|m| nlu::en_ordinal(m.as_str())))?;
        let t = *results_of(ctx).get(usize::try_from(n).ok()?.checked_sub(1)?)?;
        return Some(Choice {
            title: t,
            episode,
            actor: None,
        });
    }
    let kind = catalogue::kind_in(text);
    if has_any(
        text,
        &[
            "喜欢的",
            "爱看的",
            "喜欢看的",
            "favourite",
            "favorite",
            "likes",
            "loves",
        ],
    ) {
        return favourite(ctx, text, kind);
    }
    None
}

/// The episode the user stopped at, from what the terminal was told (L3).
fn progress(ctx: &Ctx, t: &Title) -> Option<u32> {
    ctx.facts()
        .iter()
        .filter(|f| f.text.contains(t.name))
        .find_map(|f| PROGRESS.captures(&f.text).and_then(|c| number(&c["n"])))
}

/// Something the user (or the person named) likes, from what the terminal knows (L3).
fn favourite(ctx: &Ctx, text: &str, kind: Option<Kind>) -> Option<Choice> {
    let mut facts = ctx.facts();
    // Facts about the person the request names ("我老婆喜欢的") first.
    facts.sort_by_key(|f| std::cmp::Reverse(shared_words(text, &nlu::normalize(&f.text))));
    let liked = |f: &&crate::sim::memory::Fact| has_any(&f.text, &["喜欢", "爱看", "like", "love"]);
    // A title someone is said to love, when the request names them ("给乐乐放她爱看的").
    for f in facts.iter().filter(liked) {
        let ft = nlu::normalize(&f.text);
        if let Some(t) = catalogue::title_in(&ft).filter(|t| kind.is_none_or(|k| k == t.kind))
            && shared_words(text, &ft) > 0
        {
            return Some(Choice {
                title: t,
                episode: None,
                actor: None,
            });
        }
    }
    // A favourite actor: their best-rated title of the kind asked for.
    let actor = facts
        .iter()
        .filter(liked)
        .find_map(|f| catalogue::person_in(&nlu::normalize(&f.text)))?;
    let t = catalogue::TITLES
        .iter()
        .filter(|t| t.cast.contains(&actor) && kind.is_none_or(|k| k == t.kind))
        .max_by(|a, b| a.rating.total_cmp(&b.rating))?;
    Some(Choice {
        title: t,
        episode: None,
        actor: Some(actor),
    })
}

const MUSIC: &[&str] = &[
    "的歌", "首歌", "歌曲", "听歌", "儿歌", "音乐", "听", "song", "songs", "music",
];

pub fn play(ctx: &mut Ctx, f: &Frame) -> Plan {
    let choice = if f.strict {
        match f.slot("q").and_then(catalogue::title_exact) {
            Some(t) => Some(Choice {
                title: t,
                episode: None,
                actor: None,
            }),
            None if f.slot("q").is_some_and(|q| has_any(q, MUSIC)) => {
                return skills::media_play(ctx, f);
            }
            None => return Plan::NotUnderstood,
        }
    } else {
        choose(ctx, f)
    };
    let Some(Choice {
        title,
        episode,
        actor,
    }) = choice
    else {
        if !f.strict && has_any(&f.text, MUSIC) {
            return skills::media_play(ctx, f);
        }
        if f.strict {
            return Plan::NotUnderstood;
        }
        // "放个动画片", "来部周星驰的电影", "来个喜剧片": something of the kind, with the actor
        // or the genre asked for (the best rated of those, the first of a kind alone).
        let kind = catalogue::kind_in(&f.text);
        let person = catalogue::person_in(&f.text);
        let genre = catalogue::genre_in(&f.text);
        if kind.is_none() && person.is_none() && genre.is_none() {
            return Plan::NotUnderstood;
        }
        let mut fits = catalogue::TITLES.iter().filter(|t| {
            kind.is_none_or(|k| t.kind == k)
                && person.is_none_or(|p| t.cast.contains(&p))
                && genre.is_none_or(|g| t.genres.contains(&g))
        });
        let pick = if person.is_none() && genre.is_none() {
            fits.next()
        } else {
            fits.max_by(|a, b| a.rating.total_cmp(&b.rating))
        };
        return match pick {
            Some(t) => play_plan(ctx, f, t, None, person),
            None => Plan::NotUnderstood,
        };
    };
    play_plan(ctx, f, title, episode, actor)
}

fn play_plan(
    ctx: &mut Ctx,
    f: &Frame,
    t: &'static Title,
    episode: Option<u32>,
    actor: Option<&str>,
) -> Plan {
    if !ctx.dev.online {
        return offline(ctx);
    }
    ctx.note_network(ServedBy::Cloud);
    if let Some(e) = episode.filter(|e| *e > t.episodes) {
        let (name, n) = (t.name, t.episodes);
        let s = say!(
            ctx,
            ["《{name}》一共只有{n}集，没有第{e}集。"],
            ["{name} has only {n} episodes; there is no episode {e}."]
        );
        return Plan::Answer(s);
    }
    let mut args = json!({ "query": t.name, "kind": t.kind.id() });
    if let Some(e) = episode {
        args["episode"] = json!(e);
    }
    if let Some(a) = actor {
        args["actor"] = json!(a);
    }
    if t.kind == Kind::Series && ctx.learned("tv.skip_intro") == Some(json!(true)) {
        args["skip_intro"] = json!(true);
    }
    let mut actions = vec![action("media.play", args)];
    let subtitles = ctx
        .learned("tv.subtitles")
        .and_then(|v| v.as_str().map(str::to_string));
    if let Some(lang) = subtitles.filter(|_| t.foreign) {
        actions.push(action("playback.subtitles", json!({ "lang": lang })));
    }
    for a in &mut actions {
        a.target.clone_from(&f.target);
    }
    ctx.note(NOTES, "playing", json!(t.name));
    let name = t.name;
    let en_name = t.aka.first().copied().unwrap_or(name);
    let part = episode.map(|e| format!("第{e}集")).unwrap_or_default();
    let part_en = episode
        .map(|e| format!(", episode {e}"))
        .unwrap_or_default();
    let mut s = say!(
        ctx,
        [
            "正在播放《{name}》{part}。",
            "好的，马上为你播放《{name}》{part}。"
        ],
        [
            "Playing {en_name}{part_en}.",
            "OK, here's {en_name}{part_en}."
        ]
    );
    if actions.len() > 1 {
        s += &say!(
            ctx,
            ["已按你的习惯打开中文字幕。"],
            [" Subtitles are on, as you like them."]
        );
    }
    if args_skip(&actions) {
        s += &say!(
            ctx,
            ["已按你的习惯跳过片头。"],
            [" Skipping the intro, as you like."]
        );
    }
    Plan::Act { actions, say: s }
}

fn args_skip(actions: &[crate::device::protocol::Action]) -> bool {
    actions
        .iter()
        .any(|a| a.args.get("skip_intro") == Some(&json!(true)))
}

// ------------------------------------------------------------------ playback

const OPS: &[(&[&str], &str, &str, &str)] = &[
    (
        &["下一集", "下集", "看完了", "next episode", "next"],
        "next",
        "下一集",
        "next episode",
    ),
    (
        &["上一集", "上集", "previous episode", "previous"],
        "previous",
        "上一集",
        "previous episode",
    ),
    (
        &["从头", "重新播放", "重头", "restart", "from the beginning"],
        "restart",
        "从头播放",
        "restarting",
    ),
    (
        &[
            "暂停",
            "停一下",
            "先停",
            "等一下",
            "等会儿",
            "pause",
            "hold on",
        ],
        "pause",
        "已暂停",
        "paused",
    ),
    (
        &["继续放", "接着放", "接着播", "继续", "resume", "carry on"],
        "resume",
        "接着放",
        "resuming",
    ),
    (
        &["停止播放", "别放了", "不看了", "stop"],
        "stop",
        "已停止播放",
        "stopped",
    ),
];
static SEEK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?P<fw>快进|往后跳|往后拖|往后快进|向后跳|跳过|skip ahead|fast forward|forward)|(?P<bw>快退|往回|倒回|往前拖|退回|rewind|go back)",
    )
});

pub fn control(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("op");
    if !f.strict && catalogue::title_in(text).is_some() {
        return Plan::NotUnderstood;
    }
    if !f.strict
        && let Some(c) = SEEK.captures(text)
        && let Some(secs) = nlu::find_duration(text)
    {
        let secs = i64::try_from(secs).unwrap_or(0);
        let signed = if c.name("bw").is_some() { -secs } else { secs };
        let (m, sec) = (secs / 60, secs % 60);
        let d = if m > 0 && sec == 0 {
            format!("{m}分钟")
        } else if m > 0 {
            format!("{m}分{sec}秒")
        } else {
            format!("{sec}秒")
        };
        let s = if signed > 0 {
            say!(ctx, ["已快进{d}。"], ["Skipped ahead {secs} s."])
        } else {
            say!(ctx, ["已后退{d}。"], ["Went back {secs} s."])
        };
        return Plan::act(action("playback.seek", json!({ "seconds": signed })), s);
    }
    let Some((_, op, zh, en)) = OPS.iter().find(|(ws, ..)| has_any(text, ws)) else {
        return Plan::NotUnderstood;
    };
    let s = say!(ctx, ["好的，{zh}。"], ["OK, {en}."]);
    Plan::act(action("media.control", json!({ "op": op })), s)
}

pub fn subtitles(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = if f.strict {
        f.slot("lang").unwrap_or("关闭")
    } else {
        f.text.as_str()
    };
    let lang = if has_any(
        t,
        &[
            "关闭",
            "关掉",
            "关了",
            "不要字幕",
            "去掉",
            "off",
            "turn off",
        ],
    ) {
        "off"
    } else if has_any(t, &["英文", "英语", "english"]) {
        "en"
    } else if has_any(t, &["中文", "汉语", "chinese", "字幕", "subtitles"]) {
        "zh"
    } else {
        return Plan::NotUnderstood;
    };
    let s = match lang {
        "off" => say!(ctx, ["已关闭字幕。"], ["Subtitles off."]),
        "en" => say!(ctx, ["已切换为英文字幕。"], ["English subtitles on."]),
        _ => say!(ctx, ["已打开中文字幕。"], ["Chinese subtitles on."]),
    };
    Plan::act(action("playback.subtitles", json!({ "lang": lang })), s)
}

pub fn mute(ctx: &mut Ctx, f: &Frame) -> Plan {
    let unmute = has_any(&f.text, &["取消静音", "恢复声音", "打开声音", "unmute"]);
    let v = if unmute { 30 } else { 0 };
    let s = if unmute {
        say!(ctx, ["已恢复声音。"], ["Sound is back on."])
    } else {
        say!(ctx, ["已静音。"], ["Muted."])
    };
    Plan::Act {
        actions: vec![action(
            "settings.set",
            json!({ "name": "volume", "value": v }),
        )],
        say: s,
    }
}

/// "孩子每天只能看一个小时": screen-time limits for children.
pub fn parental(ctx: &mut Ctx, f: &Frame) -> Plan {
    let mut args = json!({ "enabled": true });
    if !f.strict
        && let Some(secs) = nlu::find_duration(&f.text)
    {
        args["daily_minutes"] = json!(secs / 60);
    }
    let s = match args.get("daily_minutes").and_then(Value::as_u64) {
        Some(m) => say!(
            ctx,
            ["儿童模式已开启，每天最多观看{m}分钟。"],
            ["Kids mode is on, with at most {m} minutes a day."]
        ),
        None => say!(ctx, ["儿童模式已开启。"], ["Kids mode is on."]),
    };
    Plan::act(action("parental.set", args), s)
}

/// Buying a membership or a film: always confirmed first (payment).
pub fn purchase(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = &f.text;
    let (to, amount) = if has_any(text, &["会员", "vip", "membership"]) {
        ("视频会员", 25)
    } else if has_any(text, POINTING)
        || catalogue::title_in(text).is_some()
        || has_any(text, &["这部电影", "这部片", "this film"])
    {
        ("影视点播", 5)
    } else {
        return Plan::NotUnderstood;
    };
    let s = say!(ctx, ["已购买。"], ["Purchased."]);
    Plan::Act {
        actions: vec![action(
            "payment.transfer",
            json!({ "to": to, "amount": amount, "currency": "CNY" }),
        )],
        say: s,
    }
}

// ------------------------------------------------------------------ what is on screen

static POSTER_META: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?P<y>(?:19|20)[0-9]{2})|(?P<m>[0-9]{2,3})分钟|评分\s*(?P<r>[0-9.]+)"));

/// Answer a question about the poster or guide on screen (the content), or about what is
/// playing (L3).
pub fn screen_query(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.text.as_str();
    let asks = |ws: &[&str]| has_any(text, ws);
    if let Some(content) = f.content.clone() {
        // A programme guide: the line the question is about.
        if SCREEN_LINE.is_match(&content)
            && asks(&["几点", "什么时候", "何时", "what time", "when"])
        {
            let Some((t, title)) = programme(ctx, f) else {
                return Plan::NotUnderstood;
            };
            let s = say!(
                ctx,
                ["《{title}》{t}开始。", "{title}在{t}播出。"],
                ["{title} starts at {t}."]
            );
            return Plan::Answer(s);
        }
        let first = content
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let (mut year, mut minutes, mut rating) = (None, None, None);
        for c in POSTER_META.captures_iter(&content) {
            year = year.or(c.name("y").map(|m| m.as_str().to_string()));
            minutes = minutes.or(c.name("m").map(|m| m.as_str().to_string()));
            rating = rating.or(c.name("r").map(|m| m.as_str().to_string()));
        }
        let s = if asks(&["评分", "几分", "分数", "口碑", "rating", "rated"]) {
            rating.map(|r| say!(ctx, ["《{first}》评分{r}。"], ["{first} is rated {r}."]))
        } else if asks(&["多长", "多久", "时长", "几分钟", "how long", "length"]) {
            minutes.map(|m| {
                say!(
                    ctx,
                    ["《{first}》片长{m}分钟。"],
                    ["{first} runs {m} minutes."]
                )
            })
        } else if asks(&[
            "哪年",
            "哪一年",
            "什么时候上映",
            "上映",
            "what year",
            "released",
        ]) {
            year.map(|y| {
                say!(
                    ctx,
                    ["《{first}》是{y}年上映的。"],
                    ["{first} came out in {y}."]
                )
            })
        } else if asks(&["谁演", "主演", "演员", "who is in", "who stars", "cast"]) {
            catalogue::title_exact(&first).map(|t| cast_words(ctx, t))
        } else {
            None
        };
        return s.map_or(Plan::NotUnderstood, Plan::Answer);
    }
    // "总共几集", "谁演的": with nothing else named, the question is about what is on.
    let Some(t) = playing(ctx).filter(|_| {
        has_any(text, &["这部", "这个", "它", "this", "it"]) || catalogue::title_in(text).is_none()
    }) else {
        return Plan::NotUnderstood;
    };
    let (name, n, y, m) = (t.name, t.episodes, t.year, t.minutes);
    let s = if asks(&["多少集", "几集", "how many episodes"]) {
        say!(ctx, ["《{name}》一共{n}集。"], ["{name} has {n} episodes."])
    } else if asks(&["谁演", "主演", "演员", "who is in", "who stars", "cast"]) {
        cast_words(ctx, t)
    } else if asks(&["哪年", "哪一年", "上映", "what year"]) {
        say!(ctx, ["《{name}》是{y}年的。"], ["{name} is from {y}."])
    } else if asks(&["多长", "多久", "时长", "how long"]) {
        say!(
            ctx,
            ["《{name}》片长{m}分钟。"],
            ["{name} runs {m} minutes."]
        )
    } else {
        return Plan::NotUnderstood;
    };
    Plan::Answer(s)
}

fn cast_words(ctx: &mut Ctx, t: &Title) -> String {
    let name = t.name;
    let zh = t.cast.join("、");
    let en = t.cast.join(", ");
    say!(ctx, ["《{name}》的主演是{zh}。"], ["{name} stars {en}."])
}

// ------------------------------------------------------------------ learning (L4)

/// "不对，我说的新闻台是CCTV-13": switch to the right channel and (L4) learn that the words
/// used last time ("体育台") mean it.
pub fn correct(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !ctx.caps.context {
        return Plan::NotUnderstood;
    }
    let n = ctx.notes(NOTES);
    let Some(old) = n.get("channel").and_then(Value::as_str).map(str::to_string) else {
        return Plan::NotUnderstood;
    };
    let phrase = n
        .get("channel_phrase")
        .and_then(Value::as_str)
        .map(str::to_string);
    let rest = match &phrase {
        Some(p) => f.text.replace(p.as_str(), " "),
        None => f.text.clone(),
    };
    let Some(right) = catalogue::channel_in(&rest) else {
        return Plan::NotUnderstood;
    };
    if right.id == old {
        return Plan::NotUnderstood;
    }
    let mut actions = Vec::new();
    let learn = ctx.caps.learning && phrase.is_some();
    if learn && let Some(p) = &phrase {
        let mut aliases = ctx
            .ses
            .learned
            .prefs
            .get("tv.channel_alias")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        aliases.insert(p.clone(), json!(right.id));
        ctx.ses
            .learned
            .prefs
            .insert("tv.channel_alias".into(), Value::Object(aliases));
        actions.push(action(
            "preference.set",
            json!({ "key": "tv.channel_alias", "value": { p.clone(): right.id } }),
        ));
    }
    let Plan::Act {
        actions: switch,
        say,
    } = switch_plan(ctx, right, None)
    else {
        return Plan::NotUnderstood;
    };
    actions.extend(switch);
    let mut s = say!(ctx, ["抱歉，"], ["Sorry. "]) + &say;
    if let (true, Some(p)) = (learn, phrase) {
        let id = right.id;
        s += &say!(
            ctx,
            ["记住了，以后“{p}”就是{id}。"],
            [" Noted: \"{p}\" means {id} from now on."]
        );
    }
    Plan::Act { actions, say: s }
}

/// Viewing habits (L4): subtitles for foreign titles, skipping intros of series.
pub fn habit(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = f.text.as_str();
    let (key, value, zh, en) = if has_any(t, &["字幕", "subtitles"]) {
        let lang = if has_any(t, &["英文", "english"]) {
            "en"
        } else {
            "zh"
        };
        let zh = if lang == "en" {
            "看外国片时自动打开英文字幕"
        } else {
            "看外国片时自动打开中文字幕"
        };
        (
            "tv.subtitles",
            json!(lang),
            zh,
            "subtitles will be turned on for foreign titles",
        )
    } else if has_any(t, &["片头", "intro", "opening"]) {
        (
            "tv.skip_intro",
            json!(true),
            "看电视剧时自动跳过片头",
            "intros of series will be skipped",
        )
    } else {
        return Plan::NotUnderstood;
    };
    if let Some(s) = ctx.cannot_learn() {
        return Plan::Answer(s);
    }
    let learned = ctx.learn(key, value);
    let s = say!(ctx, ["好的，记住了：以后{zh}。"], ["OK, noted: {en}."]);
    Plan::act(learned, s)
}

/// "在平板上继续看" with nothing the engine can hand over: the title playing (L4).
pub fn continue_there(ctx: &mut Ctx, f: &Frame) -> Plan {
    let (Some(target), Some(name)) = (
        f.target.clone(),
        ctx.notes(NOTES)
            .get("playing")
            .and_then(Value::as_str)
            .map(str::to_string),
    ) else {
        return Plan::NotUnderstood;
    };
    let mut a = action(
        "device.handoff",
        json!({ "task": "media.play", "args": { "query": name } }),
    );
    a.target = Some(target.clone());
    let s = say!(
        ctx,
        ["好的，《{name}》已转到{target}上接着放。"],
        ["OK, {name} continues on {target}."]
    );
    Plan::act(a, s)
}

// ------------------------------------------------------------------ the table

const CORRECT: IntentDef = IntentDef {
    name: "channel.switch",
    skill: correct,
    ..general::CORRECTION
};

const HABIT: IntentDef = IntentDef {
    name: "preference.set",
    templates: &[],
    templates_en: &[],
    cues: more_cues!(general::HABIT_WORDS, &[("都要", 4), ("每次", 4)]),
    patterns: &[
        (
            r"(?:都|一律|每次都|总是)(?:要|给我|帮我|自动)?(?:开|打开|跳过|关)",
            6,
        ),
        // "国外的剧我一般要开字幕": subtitles tied to a kind of film are a standing rule.
        (
            r"(?:外国|国外|外语|进口|海外)(?:的)?(?:片|电影|剧|影片|大片)[^,]{0,6}(?:开|打开|加|配|要)[^,]{0,4}字幕",
            9,
        ),
        // Intros tied to a kind of programme ("看剧要跳过片头"): a rule for every series.
        (
            r"(?:剧|连续剧)[^,]{0,8}(?:跳过|不看|略过|快进)[^,]{0,3}片头|(?:剧|连续剧)的?片头[^,]{0,8}(?:跳过|不看|略过|快进)",
            6,
        ),
    ],
    skill: habit,
};

const PROGRAMME_REMINDER: IntentDef = IntentDef {
    name: "reminder.create",
    templates: &[],
    templates_en: &[],
    cues: &[],
    // Outweighs the general reminder's cues ("提醒我" + "提醒"): the time comes from the guide.
    patterns: &[
        (
            r"(?:开始|开播|开赛|播出|开场)(?:前|之前|的时候|时)?.{0,6}(?:提醒|叫我)",
            20,
        ),
        (r"remind me (?:when|before) .+ (?:starts|begins)", 20),
    ],
    skill: programme_reminder,
};

const PURCHASE: IntentDef = IntentDef {
    name: "payment.transfer",
    templates: &[r"^(?:开通|购买|买)(?:一个|个)?(?:视频)?(?:会员|vip)$"],
    templates_en: &[r"^(?:buy|get) (?:a )?(?:vip )?membership$"],
    cues: &[
        ("买会员", 7),
        ("充会员", 7),
        ("会员", 5),
        ("vip", 5),
        ("购买", 5),
        ("买这部", 6),
        ("付费", 5),
        ("membership", 6),
        ("buy", 4),
        ("purchase", 5),
    ],
    // Buying what is pointed at, the verb before or after it; opening a membership of any kind.
    patterns: &[
        (
            r"(?:这部|这个片|这片)[^,]{0,6}买|买[^,]{0,4}(?:这部|这个片|这片|片子|电影)",
            7,
        ),
        (r"开通(?:一个|个)?(?:视频|影视)?(?:会员|vip)", 7),
        (
            r"\b(?:buy|get me|purchase|pay for)\b.*\b(?:this|that) (?:film|movie|one|show|title)\b",
            7,
        ),
    ],
    skill: purchase,
};

const FOLLOW: IntentDef = IntentDef {
    name: "epg.query",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: &[
        (r"^(?:那|那么)?[^,]{1,10}呢$", 4),
        (r"^(?:what|how) about ", 4),
    ],
    skill: follow_up,
};

const SUBTITLES: IntentDef = IntentDef {
    name: "playback.subtitles",
    templates: &[
        r"^(?:打开|开启)(?P<lang>中文|英文|中英)字幕$",
        r"^(?P<lang>关闭|关掉)字幕$",
    ],
    templates_en: &[
        r"^turn (?:on )?(?P<lang>chinese|english) subtitles(?: on)?$",
        r"^turn (?P<lang>off) (?:the )?subtitles$",
    ],
    cues: &[("字幕", 6), ("subtitles", 6), ("captions", 6)],
    patterns: &[],
    skill: subtitles,
};

const PARENTAL: IntentDef = IntentDef {
    name: "parental.set",
    templates: &[r"^(?:打开|开启|切换到|切到|进入|开)(?:儿童模式|儿童锁|童锁)$"],
    templates_en: &[r"^turn on (?:the )?(?:kids|child) (?:mode|lock)$"],
    cues: &[
        ("儿童模式", 7),
        ("童锁", 7),
        ("只能看", 6),
        ("最多看", 6),
        ("看太久", 6),
        ("观看时长", 7),
        ("kids mode", 7),
        ("screen time", 7),
    ],
    patterns: &[
        (r"(?:孩子|小孩|儿子|女儿).{0,8}(?:只能|最多|不能超过)", 7),
        (
            r"\b(?:limit|restrict|cap)\b.{0,30}\b(?:kids?|children|son|daughter)\b|\b(?:kids?|children)\b.{0,30}\b(?:at most|no more than|only)\b.{0,20}\b(?:minutes?|hours?)\b",
            7,
        ),
    ],
    skill: parental,
};

const MUTE: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:打开|开启|设置|设为|设成|切换到|开)?静音(?:模式)?$",
        r"^取消静音$",
    ],
    templates_en: &[r"^(?:mute|unmute)$"],
    cues: &[
        ("静音", 7),
        ("别出声", 6),
        ("恢复声音", 6),
        ("mute", 7),
        ("unmute", 7),
    ],
    patterns: &[],
    skill: mute,
};

const SETTINGS: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:把)?(?P<name>音量|声音|屏幕亮度|亮度)(?:调到|调至|调成|设为|设置为|设成)(?P<value>.+)$",
        r"^(?P<op>打开|开启|关闭|关掉)(?P<name>蓝牙|wifi|无线网络|省电模式)$",
    ],
    templates_en: &[r"^set (?:the )?(?P<name>volume|brightness) to (?P<value>.+)$"],
    cues: more_cues!(
        general::VOLUME_WORDS,
        general::NOISY_WORDS,
        general::BRIGHTNESS_WORDS,
        general::GLARE_WORDS,
        &[
            ("声音", 3),
            ("蓝牙", 4),
            ("听不见", 5),
            ("too loud", 5),
            ("too quiet", 5),
            ("can't hear", 5),
        ]
    ),
    patterns: &[],
    skill: skills::settings_set,
};

const CHANNEL: IntentDef = IntentDef {
    name: "channel.switch",
    templates: &[r"^(?:换到|切换到|切到|转到|调到|换台到)(?P<ch>[^,]+)$"],
    templates_en: &[r"^(?:switch|change|go) to (?P<ch>cctv-?[0-9]+\+?)$"],
    cues: &[
        ("换到", 3),
        ("切换到", 3),
        ("切到", 3),
        ("换台", 4),
        ("频道", 3),
        ("台", 1),
        ("换个台", 4),
        ("channel", 4),
        ("switch to", 3),
    ],
    patterns: &[
        (
            r"中央.{1,2}台|cctv|卫视|体育台|新闻台|电影台|少儿台|芒果台",
            3,
        ),
        // "切八套": a CCTV channel by its number.
        (r"(?:[一二三四五六七八九十]{1,3}|[0-9]{1,2})套", 3),
        // "我最喜欢的那个台": a channel named by what the user told about it.
        (r"我(?:最)?(?:喜欢|爱看|常看|爱)的(?:那个)?(?:台|频道)", 5),
    ],
    skill: channel_switch,
};

const EPG: IntentDef = IntentDef {
    name: "epg.query",
    templates: &[r"^(?P<ch>[^,]+?)(?:今晚|今天|现在)?(?:播什么|有什么节目|在播什么|放什么)$"],
    templates_en: &[r"^what's on (?P<ch>cctv-?[0-9]+\+?)(?: tonight| today)?$"],
    cues: &[
        ("播什么", 6),
        ("有什么节目", 6),
        ("在播什么", 6),
        ("节目单", 5),
        ("节目表", 5),
        ("直播", 3),
        ("球赛", 4),
        ("比赛", 3),
        ("几点播", 6),
        ("几点开始", 6),
        ("什么时候开始", 6),
        ("几点开播", 6),
        ("what's on", 6),
        ("tonight", 2),
        ("is there", 2),
        ("the game", 3),
    ],
    patterns: &[
        (r"(?:今晚|今天|晚上).{0,6}(?:有没有|有|播不播|播吗|转播)", 4),
        // "今晚放什么", "晚上都播些什么": what a channel shows, said with any broadcast verb.
        (r"(?:播|放|演)(?:些|点)?什么(?:节目)?$", 6),
        // When a programme starts, asked in English.
        (
            r"\b(?:what time|when) (?:does|is|will)\b.{1,30}\b(?:on|start|starts|begin|air)\b",
            6,
        ),
    ],
    skill: epg_query,
};

const SCREEN_QA: IntentDef = IntentDef {
    name: "screen.query",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("评分", 5),
        ("几分", 3),
        ("多长", 5),
        ("多久", 4),
        ("时长", 5),
        ("哪年", 5),
        ("哪一年", 5),
        ("上映", 4),
        ("谁演", 5),
        ("主演", 5),
        ("演员", 4),
        ("多少集", 6),
        ("几集", 5),
        // Above the clock's "几点": the skill declines when there is no guide on screen.
        ("几点", 6),
        ("什么时候", 3),
        ("几点开始", 5),
        ("什么时候开始", 5),
        ("什么时候播", 5),
        ("rating", 5),
        ("rated", 5),
        ("how long", 5),
        ("what year", 5),
        ("who stars", 5),
        ("how many episodes", 6),
        ("what time", 6),
        ("when is", 4),
    ],
    patterns: &[],
    skill: screen_query,
};

const SEARCH: IntentDef = IntentDef {
    name: "content.search",
    // What is searched may be named by its kind first: "搜索演员X", "搜一下电影X".
    templates: &[
        r"^(?:搜索|搜一下|查找)(?P<q>[^,]+)$",
        r"^(?:搜索|搜一下|查找)(?:演员|导演|明星|电影|电视剧|影片|动画片|纪录片)(?P<q>[^,]+)$",
    ],
    templates_en: &[r"^search (?:for )?(?P<q>[a-z ]+)$"],
    cues: &[
        ("搜索", 5),
        ("搜一下", 5),
        ("演过", 6),
        ("拍过", 5),
        ("找找", 4),
        ("有什么", 3),
        ("有哪些", 3),
        ("有没有", 2),
        ("推荐", 4),
        ("search", 5),
        ("find", 4),
        ("recommend", 4),
        ("any", 3),
        ("搜", 4),
        ("找一下", 4),
        ("演的", 4),
        ("look up", 5),
        ("look for", 5),
        ("been in", 5),
        ("starring", 5),
    ],
    // What someone was in, however it is asked: "movies with X", "did X star in anything".
    patterns: &[(
        r"\b(?:films?|movies?|shows?) (?:has|did|with|by|starring)\b|\bshow me\b|\b(?:has|did) [a-z ]{2,30} (?:made|done|starred in|acted in)\b",
        4,
    )],
    skill: content_search,
};

const PLAY: IntentDef = IntentDef {
    name: "media.play",
    templates: &[
        r"^(?:播放|我想看|我要看|放)(?P<q>[^,]+)$",
        r"^(?:播放|我想看|我要看|放)(?:电影|电视剧|影片|动画片|纪录片)(?P<q>[^,]+)$",
    ],
    templates_en: &[r"^(?:play|watch|put on) (?P<q>.+)$"],
    cues: &[
        ("播放", 4),
        ("我想看", 4),
        ("我要看", 4),
        ("想看", 3),
        ("放一部", 5),
        ("放个", 4),
        ("放一下", 4),
        ("续集", 4),
        ("爱看的", 4),
        ("喜欢的", 3),
        ("动画片", 3),
        ("来一部", 5),
        ("来部", 5),
        ("继续看", 5),
        ("接着看", 5),
        ("放", 1),
        ("看", 1),
        ("的歌", 4),
        ("首歌", 4),
        ("歌曲", 4),
        ("儿歌", 4),
        ("音乐", 4),
        ("play", 4),
        ("watch", 4),
        ("put on", 4),
    ],
    patterns: &[
        (r"第[0-9一二三四五六七八九十]+(?:集|个|部)", 3),
        // "放这个", "就看这部": playing what is pointed at.
        (
            r"^(?:就|那就)?(?:看|放|播|播放)(?:一下)?(?:这部|这个|这片|这一部)",
            4,
        ),
        // "来看X", "给我放X": a request to watch, whoever it is for.
        (r"^(?:来|给我|给孩子|我要|我想)(?:看|放|播)", 4),
        // "播X", or a title then a bare "播一下": the broadcast verb alone asks to play.
        (
            r"^(?:播|放)[^放出完了大弃心学假松,]|(?:^|,)(?:播|放)(?:一下|下|一个|个)?$",
            4,
        ),
        // "接着上次的X看", "X接着往下放": going on with a series.
        (r"(?:接着|继续)[^,]{0,8}(?:看|放|播)", 5),
        // Going on where the user stopped: "从上次停下的那儿往下放", "X，接着吧".
        (
            r"从上(?:次|回)|上(?:次|回)(?:看|放)到|(?:看|放)到的(?:地方|位置|那儿)|(?:继续|接着)(?:吧)?$",
            4,
        ),
        // An episode asked for by its number: "jump to episode 9", "the ninth episode".
        (r"\bepisode (?:[0-9]+|[a-z]+)\b|\b[a-z0-9]+ episode\b", 3),
        // "这部电影播一下": what is pointed at, then the verb.
        (r"(?:这部|这个|这片)[^,]{0,4}(?:播|放)(?:一下|下)?$", 4),
        // "来个喜剧片", "整部动作片": something of a kind asked for.
        (r"^(?:来|整)(?:个|部|一部|点)", 4),
        // English ways to start something: "start …", "playing …", "put/pop … on", "see …",
        // a part or a result picked by its number.
        (
            r"\b(?:start|starting|playing|see)\b|\b(?:put|pop|stick|throw) (?:[\w']+ ){0,4}on\b|\bpart (?:one|two|three|[1-5])\b|\b(?:first|second|third|fourth|fifth|last) one\b",
            4,
        ),
        // "put X on" reads "turn on X": a title turned on is played.
        (r"\bturn (?:on\b|(?:it|this|that|one) on\b)", 3),
        // "grandma would like a documentary": a wish for a kind of thing to watch.
        (
            r"\b(?:want|wants|would like|'d like|fancy|in the mood for) (?:a |an |some |to (?:watch|see) )?(?:cartoons?|films?|movies?|documentar(?:y|ies)|series|shows?|something)\b",
            4,
        ),
    ],
    skill: play,
};

const CONTROL: IntentDef = IntentDef {
    name: "media.control",
    templates: &[
        r"^(?P<op>(?:暂停|继续)(?:播放)?|停止播放|[上下]一集|重新播放|从头播放)$",
        r"^(?:播放)?(?P<op>下一集|上一集)$",
    ],
    templates_en: &[
        r"^(?:play )?(?:the )?(?P<op>next episode|previous episode)$",
        r"^(?P<op>pause|resume|stop)$",
    ],
    cues: &[
        ("暂停", 6),
        ("停一下", 6),
        ("先停", 6),
        ("下一集", 6),
        ("下集", 5),
        ("上一集", 6),
        ("接着放", 5),
        ("快进", 6),
        ("快退", 6),
        ("往后跳", 6),
        ("往回", 5),
        ("倒回", 6),
        ("从头", 5),
        ("别放了", 6),
        ("等一下", 5),
        ("hold on", 5),
        ("pause", 6),
        ("resume", 6),
        ("next episode", 6),
        ("fast forward", 6),
        ("rewind", 6),
        ("skip ahead", 6),
    ],
    patterns: &[(r"继续播?放", 6)],
    skill: control,
};

const CONTINUE: IntentDef = IntentDef {
    cues: more_cues!(general::HANDOFF.cues, &[("看", 3), ("watching", 3)]),
    patterns: &[],
    skill: continue_there,
    ..general::HANDOFF
};

const APP: IntentDef = IntentDef {
    name: "app.open",
    templates: &[r"^(?:打开|启动|进入)(?P<app>.+)$"],
    templates_en: &[r"^(?:open|launch|start) (?:the )?(?P<app>.+?)(?: app)?$"],
    cues: more_cues!(
        general::APP_WORDS,
        &[
            ("应用商店", 3),
            ("应用市场", 3),
            ("投屏", 3),
            ("k歌", 3),
            ("健身", 3),
            ("open", 2),
        ]
    ),
    patterns: &[],
    skill: skills::app_open,
};

/// Apps a TV has: (id, names).
const APPS: &[(&str, &[&str])] = &[
    ("app_store", &["应用商店", "应用市场", "app store"]),
    ("settings", &["设置", "settings"]),
    ("gallery", &["相册", "gallery"]),
    ("browser", &["浏览器", "browser"]),
    ("karaoke", &["k歌", "karaoke"]),
    ("fitness", &["健身", "fitness"]),
    ("screen_cast", &["投屏", "screen mirroring"]),
    ("music", &["音乐", "music"]),
];

/// Order matters where preset templates overlap: subtitles and kids mode before apps ("打开中
/// 文字幕"), muting before settings, playback words before titles.
pub static TV: Category = Category {
    intents: &[
        &[CORRECT, HABIT, PROGRAMME_REMINDER],
        general::CLOCK_INTENTS,
        &[PURCHASE],
        general::DATA_INTENTS,
        &[
            FOLLOW, SUBTITLES, PARENTAL, MUTE, SETTINGS, CONTROL, CHANNEL, EPG, SCREEN_QA, SEARCH,
            PLAY, CONTINUE, APP,
        ],
        general::INFO_INTENTS,
        &[TRANSLATE, SUMMARIZE, CHAT],
    ],
    apps: APPS,
    hand_off_media: None,
    sensitive: &[],
    events: &[events::MESSAGE, events::CALENDAR],
};

#[cfg(test)]
mod tests {

    use crate::device::protocol::{Input, Media};
    use crate::sim::engine::Reply;
    use crate::sim::memory;
    use crate::sim::tests::{Sim, act};
    use crate::sim::turn::Lang;

    fn tv(level: u8) -> Sim {
        Sim::of("tv", level, Lang::Zh, 5).at("2026-05-08T18:30:00+08:00")
    }

    /// Ask with a picture of the screen, as a screenshot fixture carries it.
    fn show(t: &mut Sim, text: &str, screen: &str) -> Reply {
        t.input(&Input {
            text: Some(text.into()),
            image: Some(png(screen)),
            ..Input::default()
        })
    }

    fn png(text: &str) -> Media {
        let meta = serde_json::json!({ "ailevel": 1, "text": text, "objects": ["tv screen"] });
        crate::sim::fixtures::png_itxt(&meta.to_string())
    }

    #[test]
    fn channels_exact_at_l1_loose_at_l2() {
        let mut t = tv(1);
        assert_eq!(
            act(&t.say("切到中央六台"), "channel.switch").unwrap()["channel"],
            "CCTV-6"
        );
        assert!(act(&t.say("调到芒果台吧"), "channel.switch").is_none());
        let mut t = tv(2);
        assert_eq!(
            act(&t.say("调到芒果台吧"), "channel.switch").unwrap()["channel"],
            "湖南卫视"
        );
    }

    #[test]
    fn titles_episodes_and_sequels() {
        let mut t = tv(2);
        let r = t.say("狂飙从第七集开始放");
        assert_eq!(act(&r, "media.play").unwrap()["episode"], 7);
        let r = t.say("放一下流浪地球的续集");
        assert_eq!(act(&r, "media.play").unwrap()["query"], "流浪地球2");
        assert!(act(&t.say("人世间第九十集"), "media.play").is_none());
    }

    #[test]
    fn the_screen_answers_questions() {
        let mut t = tv(2);
        let poster = "阿凡达\n科幻 | 2009 | 162分钟\n评分 8.8";
        assert!(
            show(&mut t, "这片子口碑怎么样，评分多少", poster)
                .text
                .contains("8.8")
        );
        assert!(
            show(&mut t, "这个片子多长时间", poster)
                .text
                .contains("162")
        );
        let guide = "节目单 湖南卫视\n19:30 电视剧 繁花\n22:00 综艺 歌手2026";
        assert!(
            show(&mut t, "歌手什么时候开始", guide)
                .text
                .contains("22:00")
        );
        let r = show(&mut t, "繁花开始的时候叫我", guide);
        assert_eq!(act(&r, "reminder.create").unwrap()["time"], "19:30");
    }

    #[test]
    fn context_and_proactive_offers_need_l3() {
        for (level, ok) in [(2, false), (3, true)] {
            let mut t = tv(level);
            t.say("找找吴京演的电影");
            let r = t.say("放第三个");
            assert_eq!(
                act(&r, "media.play").is_some_and(|a| a["query"] == "长津湖"),
                ok,
                "{r:?}"
            );
            let r = t.say("今晚有没有网球");
            assert!(act(&r, "epg.query").is_some());
            assert_eq!(act(&t.say("好啊"), "reminder.create").is_some(), ok);
        }
    }

    #[test]
    fn memory_of_progress_and_favourites() {
        let mut t = tv(3);
        t.dev.facts.push(memory::parse_fact("人世间我看到第23集了"));
        t.dev.facts.push(memory::parse_fact("我老婆最喜欢雷佳音"));
        assert_eq!(
            act(&t.say("接着看人世间"), "media.play").unwrap()["episode"],
            23
        );
        let r = t.say("来一部我老婆喜欢的电影");
        assert_eq!(act(&r, "media.play").unwrap()["query"], "热辣滚烫");
    }

    #[test]
    fn habits_and_channel_names_are_learned_at_l4() {
        let mut t = tv(4);
        assert!(act(&t.say("外国片我每次都要开英文字幕"), "preference.set").is_some());
        let r = t.say("放阿凡达");
        assert_eq!(act(&r, "playback.subtitles").unwrap()["lang"], "en");
        t.say("切到新闻台");
        let r = t.say("不对，新闻台我是说中央一台");
        assert_eq!(act(&r, "channel.switch").unwrap()["channel"], "CCTV-1");
        assert_eq!(
            act(&t.say("切到新闻台"), "channel.switch").unwrap()["channel"],
            "CCTV-1"
        );
    }

    #[test]
    fn purchases_wait_for_confirmation() {
        let mut t = tv(2);
        let r = t.say("帮我充个会员");
        assert!(r.needs_confirmation && r.actions.is_empty());
        assert!(act(&t.say("确认"), "payment.transfer").is_some());
    }
}
