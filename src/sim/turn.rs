//! What a skill works with: the turn's context ([`Ctx`]: the level's [`Caps`], the device, the
//! session and what the conversation is about) and the category tables skills are entries of.
//!
//! A device category is a list of intents; each intent has preset command templates (what an
//! L1 terminal recognises), cue words and patterns (how an L2+ terminal recognises free
//! phrasing) and a skill that fills the slots and plans the actions. Adding a category means
//! adding a table, not changing the engine (`engine.rs`), which sits above everything here.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use regex::Regex;
use serde_json::{Map, Value};

use super::memory::{self, Fact};
use crate::device::protocol::{Action, Event, ServedBy};
use crate::world::directory::{self as world, Person};
use crate::world::state::{SessionState, Settings};

/// What the simulated assistant can do, by level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub level: u8,
    /// L2: free phrasing, slot inference, English in any locale, single tools (translate,
    /// summarise).
    pub paraphrase: bool,
    /// L3: multi-turn context (follow-ups, pronouns, answers to its own questions).
    pub context: bool,
    /// L3: remembers and uses facts about the user.
    pub memory: bool,
    /// L3: several steps, conditions, across apps, in one request.
    pub multi_step: bool,
    /// L3: reacts to events with suggestions.
    pub proactive: bool,
    /// L4: hands work to linked devices.
    pub collaboration: bool,
    /// L4: learns habits and corrections for later turns.
    pub learning: bool,
}

impl Caps {
    pub fn for_level(level: u8) -> Caps {
        let level = level.clamp(1, 4);
        Caps {
            level,
            paraphrase: level >= 2,
            context: level >= 3,
            memory: level >= 3,
            multi_step: level >= 3,
            proactive: level >= 3,
            collaboration: level >= 4,
            learning: level >= 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// A device this terminal may hand work to.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: String,
    pub category: String,
}

/// What the terminal learned in a conversation from corrections and habits (L4).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Learned {
    pub aliases: Vec<(String, Person)>,
    pub prefs: BTreeMap<String, Value>,
}

/// Device-wide state; `reset` restores `Device::default()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub online: bool,
    pub now: NaiveDateTime,
    pub scene: Option<String>,
    pub noise_db: Option<f64>,
    pub facts: Vec<Fact>,
    pub links: Vec<Link>,
    /// Settings a new session starts from.
    pub settings: Settings,
}

pub use crate::world::{DEFAULT_NOW, parse_clock};

impl Default for Device {
    fn default() -> Self {
        Device {
            online: true,
            now: parse_clock(DEFAULT_NOW).expect("default clock parses"),
            scene: None,
            noise_db: None,
            facts: Vec::new(),
            links: Vec::new(),
            settings: Settings::default(),
        }
    }
}

/// What the dialogue remembers between turns of a session. Kept at every level (it is only
/// bookkeeping); read only when [`Caps::context`] allows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// The last item created: (kind, id), e.g. ("alarm", 1).
    pub last_item: Option<(String, u64)>,
    pub last_person: Option<Person>,
    /// The words that named `last_person` ("小李"), for corrections and learning.
    pub last_person_phrase: Option<String>,
    pub last_photo: Option<String>,
    /// Text produced or received last (a translation, a summary, a message read out).
    pub last_result: Option<String>,
    pub last_query: Option<(String, serde_json::Map<String, Value>)>,
    pub last_setting: Option<String>,
    pub last_utterance: Option<String>,
    /// The last day a request was about, for steps that leave it implicit.
    pub last_date: Option<NaiveDate>,
    pub last_forecast: Option<(String, NaiveDate, bool)>,
    /// What the conversation last produced: `photo` or `text` (a translation or summary), so
    /// that "发给陈静" right after it sends that.
    pub last_topic: Option<&'static str>,
}

/// What the terminal is waiting for after its last reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// Sensitive actions awaiting "确认" or "取消".
    Confirm(Vec<Action>),
    /// A suggestion the user may accept.
    Offer { actions: Vec<Action>, done: String },
    /// An answer to a question the terminal asked (L3).
    Ask(Expect),
}

/// One conversation. What it changes — settings, facts told, habits learned — stays with
/// it: a test harness runs conversations side by side on one terminal, and one trial must
/// never see another's changes. The device's own memory comes from `seed_memory`.
#[derive(Debug, Clone)]
pub struct Session {
    pub lang: Lang,
    pub rng: ChaCha8Rng,
    pub state: SessionState,
    pub context: Context,
    pub pending: Option<Pending>,
    /// The device's settings when the session opened, with the session's changes.
    pub settings: Settings,
    /// Facts the user told in this conversation ("记住…").
    pub facts: Vec<Fact>,
    pub learned: Learned,
}

impl Session {
    pub fn new(lang: Lang, rng: ChaCha8Rng, settings: Settings) -> Session {
        Session {
            lang,
            rng,
            state: SessionState::default(),
            context: Context::default(),
            pending: None,
            settings,
            facts: Vec::new(),
            learned: Learned::default(),
        }
    }
}

/// Everything a skill may read or change while handling a turn.
pub struct Ctx<'a> {
    pub caps: Caps,
    pub grammar: &'a Grammar,
    pub dev: &'a mut Device,
    pub ses: &'a mut Session,
    pub lang: Lang,
    /// Where the turn was served; skills raise it when they use the network.
    pub served: ServedBy,
}

/// `say!(ctx, ["中文…", "另一种说法…"], ["English…"])`: pick one phrasing in the reply
/// language. Phrasings are chosen at random (seeded); their meaning never differs.
macro_rules! say {
    ($ctx:expr, [$($zh:expr),+ $(,)?], [$($en:expr),+ $(,)?]) => {
        $ctx.say(&[$(format!($zh)),+], &[$(format!($en)),+])
    };
}
pub(crate) use say;

/// Who a request names.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// The person and the words that named them.
    Found(Person, String),
    Ambiguous(Vec<Person>, String),
    Unknown(String),
    Missing,
}

static NUMBER_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(?P<n>1[0-9]{10}|[0-9]{3,4}-?[0-9]{7,8}|[0-9]{5,6})(?:$|[^0-9])")
        .expect("compiles")
});
static FAMILIAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:老|小|阿)(?P<s>[\p{Han}])|(?P<t>[\p{Han}])(?:总|老师|经理|哥|姐|工|师傅)")
        .expect("compiles")
});
static RECIPIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:打电话给|发短信给|发消息给|给|跟|和|告诉|打给|呼叫|致电|拨打|转账给|\bcall |\btext |\btell |\bmessage |\bto )(?P<w>[a-z]+(?: [a-z]+)?|[\p{Han}]{1,4}?)(?:打|发|说|回|转|一下|个|的|$|,| )")
        .expect("compiles")
});

impl Ctx<'_> {
    pub fn say(&mut self, zh: &[String], en: &[String]) -> String {
        let options = match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        };
        if options.is_empty() {
            return String::new();
        }
        let i = self.ses.rng.random_range(0..options.len());
        options[i].clone()
    }

    pub fn en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn now(&self) -> NaiveDateTime {
        self.dev.now
    }

    /// Facts about the user, when this level uses memory.
    pub fn facts(&self) -> Vec<Fact> {
        if self.caps.memory {
            self.dev
                .facts
                .iter()
                .chain(&self.ses.facts)
                .cloned()
                .collect()
        } else {
            Vec::new()
        }
    }

    pub fn note_network(&mut self, kind: ServedBy) {
        if self.dev.online && rank(kind) > rank(self.served) {
            self.served = kind;
        }
    }

    /// The photo a request refers to: the one taken earlier in this conversation (L3).
    pub fn last_photo(&self) -> Option<String> {
        self.caps
            .context
            .then(|| self.ses.context.last_photo.clone())
            .flatten()
    }

    pub fn last_result(&self) -> Option<String> {
        self.caps
            .context
            .then(|| self.ses.context.last_result.clone())
            .flatten()
    }

    /// A category's own state kept for the session under `key` (the car's cabin, the
    /// speaker's home): an empty map until something is kept.
    pub fn kept(&self, key: &str) -> Map<String, Value> {
        self.ses
            .learned
            .prefs
            .get(key)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }

    pub fn keep(&mut self, key: &str, state: Map<String, Value>) {
        self.ses
            .learned
            .prefs
            .insert(key.to_string(), Value::Object(state));
    }

    /// The habit learned under `key`, at the level that learns (L4).
    pub fn learned(&self, key: &str) -> Option<Value> {
        self.caps
            .learning
            .then(|| self.ses.learned.prefs.get(key).cloned())
            .flatten()
    }

    /// A category's own notes on the conversation, kept in the context's `last_query` slot
    /// under `owner` (its name); empty when the slot holds anything else.
    pub fn notes(&self, owner: &str) -> Map<String, Value> {
        match &self.ses.context.last_query {
            Some((k, m)) if k == owner => m.clone(),
            _ => Map::new(),
        }
    }

    /// Add `key` to `owner`'s notes, replacing whatever else the slot held.
    pub fn note(&mut self, owner: &str, key: &str, value: Value) {
        let mut m = self.notes(owner);
        m.insert(key.to_string(), value);
        self.ses.context.last_query = Some((owner.to_string(), m));
    }

    /// The refusal a terminal that does not learn habits (below L4) gives; `None` when it does.
    pub fn cannot_learn(&mut self) -> Option<String> {
        (!self.caps.learning).then(|| {
            say!(
                self,
                ["抱歉，我目前还不能学习新的使用习惯。"],
                ["Sorry, I can't learn new habits yet."]
            )
        })
    }

    /// Learn `value` as the habit `key`; the action reports it.
    pub fn learn(&mut self, key: &str, value: Value) -> Action {
        self.ses
            .learned
            .prefs
            .insert(key.to_string(), value.clone());
        action(
            "preference.set",
            serde_json::json!({ "key": key, "value": value }),
        )
    }

    /// What the conversation just produced (L3).
    pub fn last_topic(&self) -> Option<&'static str> {
        self.caps
            .context
            .then_some(self.ses.context.last_topic)
            .flatten()
    }

    /// "今天", "明天", or a date with its weekday.
    pub fn day_words(&self, d: NaiveDate) -> String {
        const WD_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
        const WD_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MON_EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let days = (d - self.now().date()).num_days();
        let wd = d.weekday().num_days_from_monday() as usize;
        match (self.lang, days) {
            (Lang::Zh, 0) => "今天".into(),
            (Lang::Zh, 1) => format!("明天（{}月{}日）", d.month(), d.day()),
            (Lang::Zh, 2) => format!("后天（{}月{}日）", d.month(), d.day()),
            (Lang::Zh, _) => format!("{}月{}日（{}）", d.month(), d.day(), WD_ZH[wd]),
            (Lang::En, 0) => "today".into(),
            (Lang::En, 1) => format!("tomorrow ({} {})", MON_EN[d.month0() as usize], d.day()),
            (Lang::En, _) => format!("{}, {} {}", WD_EN[wd], MON_EN[d.month0() as usize], d.day()),
        }
    }

    /// A slot that must name someone exactly (preset commands): a contact's full name or a
    /// phone number.
    pub fn person_strict(&self, s: &str) -> Who {
        let s = s.trim();
        if let Some(c) = world::contact_exact(s) {
            return Who::Found(c.person(), s.to_string());
        }
        if s.len() >= 5 && s.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Who::Found(
                Person {
                    name: s.to_string(),
                    number: Some(s.replace('-', "")),
                },
                s.to_string(),
            );
        }
        if s.is_empty() {
            Who::Missing
        } else {
            Who::Unknown(s.to_string())
        }
    }

    /// Whom free phrasing names, using every source this level has.
    pub fn find_person(&self, text: &str) -> Who {
        if let Some(c) = NUMBER_IN_TEXT.captures(text) {
            let n = c["n"].replace('-', "");
            return Who::Found(
                Person {
                    name: n.clone(),
                    number: Some(n),
                },
                c["n"].to_string(),
            );
        }
        if self.caps.learning
            && let Some((alias, p)) = self
                .ses
                .learned
                .aliases
                .iter()
                .find(|(a, _)| text.contains(a.as_str()))
        {
            return Who::Found(p.clone(), alias.clone());
        }
        if let Some(c) = world::CONTACTS
            .iter()
            .filter_map(|c| {
                text.find(c.name)
                    .or_else(|| find_word(text, c.en))
                    .map(|p| (p, c))
            })
            .min_by_key(|(p, _)| *p)
            .map(|(_, c)| c)
        {
            let phrase = if text.contains(c.name) { c.name } else { c.en };
            return Who::Found(c.person(), phrase.to_string());
        }
        if let Some((rel, word)) = memory::find_relation(text) {
            return match memory::person_for(&self.facts(), rel) {
                Some(p) => Who::Found(p, word.to_string()),
                None => Who::Unknown(word.to_string()),
            };
        }
        if self.caps.context
            && let Some(p) = &self.ses.context.last_person
            && (text.contains('他')
                || text.contains('她')
                || find_word(text, "him").is_some()
                || find_word(text, "her").is_some())
        {
            return Who::Found(p.clone(), p.name.clone());
        }
        if self.caps.paraphrase {
            for c in FAMILIAR.captures_iter(text) {
                let phrase = c.get(0).map_or("", |m| m.as_str()).to_string();
                let surname = c
                    .name("s")
                    .or_else(|| c.name("t"))
                    .and_then(|m| m.as_str().chars().next());
                let hits: Vec<Person> = world::CONTACTS
                    .iter()
                    .filter(|k| Some(k.surname()) == surname)
                    .map(world::Contact::person)
                    .collect();
                match hits.len() {
                    0 => {}
                    1 => return Who::Found(hits[0].clone(), phrase),
                    _ => return Who::Ambiguous(hits, phrase),
                }
            }
            if let Some(c) = world::CONTACTS
                .iter()
                .find(|c| c.given().chars().count() >= 2 && text.contains(&c.given()))
            {
                return Who::Found(c.person(), c.given());
            }
        }
        match RECIPIENT.captures(text) {
            Some(c) if !matches!(&c["w"], "我" | "me" | "my" | "你") => {
                Who::Unknown(c["w"].to_string())
            }
            _ => Who::Missing,
        }
    }
}

fn find_word(text: &str, w: &str) -> Option<usize> {
    text.match_indices(w).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + w.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

fn rank(s: ServedBy) -> u8 {
    match s {
        ServedBy::Device => 0,
        ServedBy::Hybrid => 1,
        ServedBy::Cloud => 2,
    }
}

/// What a terminal says when it is told `ev`; it may leave an offer or a question pending.
pub type EventSkill = fn(&mut Ctx, &Event) -> Vec<String>;

/// The event kinds one handler takes.
pub struct EventDef {
    pub kinds: &'static [&'static str],
    pub handle: EventSkill,
}

/// What a skill decided to do with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Take these actions (sensitive ones go through confirmation) and say this.
    Act { actions: Vec<Action>, say: String },
    /// Answer without acting (information, chat, a refusal for a good reason).
    Answer(String),
    /// A slot is missing or ambiguous: ask, and (at L3+) read the next turn as the answer.
    Ask { say: String, expect: Expect },
    /// The skill cannot make sense of the request.
    NotUnderstood,
}

impl Plan {
    /// Do one action and say `say`.
    pub fn act(action: Action, say: String) -> Plan {
        Plan::Act {
            actions: vec![action],
            say,
        }
    }

    /// Do one action, on the linked device the request named (L4) if any, and say `say`.
    pub fn act_for(f: &Frame, mut action: Action, say: String) -> Plan {
        action.target.clone_from(&f.target);
        Plan::act(action, say)
    }
}

/// How the next turn answers a question the terminal asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Which person `phrase` in `utterance` meant.
    Person { utterance: String, phrase: String },
    /// The text of a message to `to`.
    Body { to: Person },
    /// Missing information: the answer completes `utterance`.
    Slot { utterance: String },
}

pub type Skill = fn(&mut Ctx, &Frame) -> Plan;

/// A cue word and its weight.
pub type Cue = (&'static str, u8);

/// How many cues the parts hold together.
pub const fn cue_count(parts: &[&[Cue]]) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

/// The parts one after another as one array, at compile time: the body of [`more_cues!`].
pub const fn join_cues<const N: usize>(parts: &[&[Cue]]) -> [Cue; N] {
    assert!(cue_count(parts) == N, "join_cues: wrong length");
    let mut out = [("", 0); N];
    let (mut n, mut p) = (0, 0);
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[n] = parts[p][i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    out
}

/// `more_cues!(general::MEDIA.cues, &[("视频", 5)])`: shared cue tables and a category's own,
/// as one `&'static [Cue]`, so a category extends a shared intent instead of copying it.
macro_rules! more_cues {
    ($($part:expr),+ $(,)?) => {{
        const PARTS: &[&[$crate::sim::turn::Cue]] = &[$($part),+];
        const ALL: [$crate::sim::turn::Cue; $crate::sim::turn::cue_count(PARTS)] =
            $crate::sim::turn::join_cues(PARTS);
        &ALL
    }};
}
pub(crate) use more_cues;

/// One intent of a category's table.
pub struct IntentDef {
    /// The action-vocabulary name of the main action, e.g. `alarm.create`.
    pub name: &'static str,
    /// Preset command templates in Chinese (anchored regexes whose named groups are slots).
    pub templates: &'static [&'static str],
    /// Preset command templates in English, used when the session locale is English.
    pub templates_en: &'static [&'static str],
    /// Cue words (Chinese or English) and their weights, for free phrasing.
    pub cues: &'static [Cue],
    /// Cue patterns (regexes) and their weights, for cues with a gap ("跟…说").
    pub patterns: &'static [(&'static str, u8)],
    pub skill: Skill,
}

/// A device category: its intents and the apps its terminals have.
pub struct Category {
    /// Its intents in table order, as runs: shared ones (`general::CLOCK_INTENTS`) and its own.
    pub intents: &'static [&'static [IntentDef]],
    /// (app id, names users call it by).
    pub apps: &'static [(&'static str, &'static [&'static str])],
    /// How what is playing goes on on a linked device, when the category sends it there as its
    /// own request (earphones ask the speaker to play); `None`: a `device.handoff` of the task.
    pub hand_off_media: Option<fn(&mut Ctx, String) -> Plan>,
    /// Actions its terminals confirm first besides the ones every terminal does
    /// (`engine::SENSITIVE`): a PC's e-mail.
    pub sensitive: &'static [&'static str],
    /// The event kinds its terminals are told about, and how each is announced; a kind not
    /// listed is only noticed.
    pub events: &'static [EventDef],
}

/// The request as a skill sees it.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// The instruction, normalised, courtesy words removed, quoted content lifted out.
    pub text: String,
    /// Content the instruction is about (after a colon, in quotes): data, never commands.
    pub content: Option<String>,
    /// Slots from a matched preset template (strict mode).
    pub slots: HashMap<String, String>,
    /// True when matched by a preset template: slots must be explicit, nothing is inferred.
    pub strict: bool,
    /// A linked device the user asked to do this on (L4).
    pub target: Option<String>,
}

impl Frame {
    /// What a skill reads for `name`: that slot of a preset command (empty when missing), or
    /// the whole instruction when the request was phrased freely.
    pub fn slot_or_text(&self, name: &str) -> &str {
        if self.strict {
            self.slot(name).unwrap_or_default()
        } else {
            &self.text
        }
    }

    pub fn slot(&self, name: &str) -> Option<&str> {
        self.slots
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// Minimum cue score for an intent to be considered.
const MIN_SCORE: u32 = 3;

struct Compiled {
    def: &'static IntentDef,
    zh: Vec<Regex>,
    en: Vec<Regex>,
    patterns: Vec<(Regex, u8)>,
}

/// A category's table with its patterns compiled.
pub struct Grammar {
    pub category: &'static Category,
    intents: Vec<Compiled>,
}

fn compile(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|e| panic!("intent pattern `{p}` does not compile: {e}"))
}

impl Grammar {
    pub fn new(category: &'static Category) -> Grammar {
        let intents = category
            .intents
            .iter()
            .flat_map(|run| run.iter())
            .map(|def| Compiled {
                def,
                zh: def.templates.iter().map(|p| compile(p)).collect(),
                en: def.templates_en.iter().map(|p| compile(p)).collect(),
                patterns: def.patterns.iter().map(|(p, w)| (compile(p), *w)).collect(),
            })
            .collect();
        Grammar { category, intents }
    }

    /// Every preset template the text matches, in table order, with its slots.
    pub fn presets(
        &self,
        text: &str,
        english: bool,
    ) -> Vec<(&'static IntentDef, HashMap<String, String>)> {
        let mut out: Vec<(&'static IntentDef, HashMap<String, String>)> = Vec::new();
        let forms = if english {
            Vec::new()
        } else {
            super::nlu::preset_forms(text)
        };
        for c in &self.intents {
            let templates = if english { &c.en } else { &c.zh };
            for re in templates {
                let found = forms
                    .iter()
                    .map(String::as_str)
                    .chain(std::iter::once(text))
                    .filter_map(|t| re.captures(t));
                for caps in found {
                    let slots: HashMap<String, String> = re
                        .capture_names()
                        .flatten()
                        .filter_map(|n| {
                            caps.name(n)
                                .map(|m| (n.to_string(), m.as_str().trim().to_string()))
                        })
                        .collect();
                    // Every reading is offered: a skill may reject one form's slots (a
                    // query verb taken as part of a city) and accept another's.
                    if !out
                        .iter()
                        .any(|(d, s)| std::ptr::eq(*d, c.def) && *s == slots)
                    {
                        out.push((c.def, slots));
                    }
                }
            }
        }
        out
    }

    /// Intents whose cues appear in the text, best first (ties keep table order).
    pub fn rank(&self, text: &str) -> Vec<(&'static IntentDef, u32)> {
        let mut scored: Vec<(usize, &'static IntentDef, u32)> = self
            .intents
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let words: u32 = c
                    .def
                    .cues
                    .iter()
                    .filter(|(w, _)| has_cue(text, w))
                    .map(|(_, s)| u32::from(*s))
                    .sum();
                let pats: u32 = c
                    .patterns
                    .iter()
                    .filter(|(re, _)| re.is_match(text))
                    .map(|(_, s)| u32::from(*s))
                    .sum();
                (i, c.def, words + pats)
            })
            .filter(|(_, _, s)| *s >= MIN_SCORE)
            .collect();
        scored.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        scored.into_iter().map(|(_, d, s)| (d, s)).collect()
    }

    pub fn intent(&self, name: &str) -> Option<&'static IntentDef> {
        self.intents.iter().map(|c| c.def).find(|d| d.name == name)
    }

    /// The app a word names, by the category's app table.
    pub fn app_in(&self, text: &str) -> Option<&'static str> {
        self.category
            .apps
            .iter()
            .flat_map(|(id, words)| words.iter().map(move |w| (*id, *w)))
            .filter(|(_, w)| has_cue(text, w))
            .max_by_key(|(_, w)| w.len())
            .map(|(id, _)| id)
    }
}

/// A cue occurs in the text: substring for Chinese, whole words for Latin script.
pub fn has_cue(text: &str, cue: &str) -> bool {
    if !cue.is_ascii() {
        return text.contains(cue);
    }
    text.match_indices(cue).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + cue.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        !word(before) && !word(after)
    })
}

/// An action with JSON args.
pub fn action(name: &str, args: Value) -> Action {
    Action {
        name: name.to_string(),
        args: args.as_object().cloned().unwrap_or_else(Map::new),
        target: None,
    }
}

/// Regexes used by several skills.
pub static PRONOUN_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:给|跟|和|告诉|打给|呼叫|回复|回)(?:他|她|ta|对方)|\b(?:him|her)\b")
        .expect("compiles")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_match_whole_latin_words() {
        assert!(has_cue("set an alarm", "alarm"));
        assert!(!has_cue("alarming news", "alarm"));
        assert!(has_cue("设置闹钟", "闹钟"));
    }
}
