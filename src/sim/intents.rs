//! The table-driven part of the engine. A device category is a list of intents; each intent
//! has preset command templates (what an L1 terminal recognises), cue words and patterns (how
//! an L2+ terminal recognises free phrasing) and a skill that fills the slots and plans the
//! actions. Adding a category means adding a table, not changing the engine.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::engine::Ctx;
use super::events::EventDef;
use super::world::Person;
use crate::device::protocol::Action;

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

/// One intent of a category's table.
pub struct IntentDef {
    /// The action-vocabulary name of the main action, e.g. `alarm.create`.
    pub name: &'static str,
    /// Preset command templates in Chinese (anchored regexes whose named groups are slots).
    pub templates: &'static [&'static str],
    /// Preset command templates in English, used when the session locale is English.
    pub templates_en: &'static [&'static str],
    /// Cue words (Chinese or English) and their weights, for free phrasing.
    pub cues: &'static [(&'static str, u8)],
    /// Cue patterns (regexes) and their weights, for cues with a gap ("跟…说").
    pub patterns: &'static [(&'static str, u8)],
    pub skill: Skill,
}

/// A device category: its intents and the apps its terminals have.
pub struct Category {
    pub intents: &'static [IntentDef],
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
