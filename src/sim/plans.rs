//! Building blocks every category's skills plan with: asking for what is missing, offering
//! before acting, sending to a linked device, and the answers a terminal gives when it
//! cannot hand work over.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::json;

use super::turn::{Ctx, Pending, say};
use super::turn::{Expect, Frame, Plan, action, has_cue};
use crate::device::protocol::Action;

pub use super::nlu::re;

/// Any of `words` is a cue in `text`.
pub fn has_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| has_cue(text, w))
}

/// Ask for what is missing; at L3 the answer completes this request.
pub fn ask(ctx: &mut Ctx, f: &Frame, zh: &str, en: &str) -> Plan {
    let say = ctx.say(&[zh.to_string()], &[en.to_string()]);
    Plan::Ask {
        say,
        expect: Expect::Slot {
            utterance: f.text.clone(),
        },
    }
}

/// Ask the user to confirm before acting: the actions wait for "确认" in the next turn.
pub fn confirm_first(ctx: &mut Ctx, actions: Vec<Action>, question: String, done: String) -> Plan {
    ctx.ses.pending = Some(Pending::Offer { actions, done });
    Plan::Answer(question)
}

/// The actions, sent to the linked device the user named (L4), if any.
pub fn targeted(mut actions: Vec<Action>, f: &Frame) -> Vec<Action> {
    for a in &mut actions {
        a.target.clone_from(&f.target);
    }
    actions
}

/// A correction of what the terminal just did ("不对，…").
pub fn is_correction(text: &str) -> bool {
    ["不对", "不是", "错了", "搞错了", "no,", "wrong", "not that"]
        .iter()
        .any(|w| text.starts_with(w))
}

/// A device the request wants the work moved to, when this terminal cannot hand work over.
static OTHER_DEVICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?:投屏|转|切|挪|移|换|接|传|发|投|放)到|交给)(?:我的)?(?:眼镜|耳机|音箱|电视|手机|电脑|平板)|(?:在|到|用)(?:我的)?(?:眼镜|耳机|音箱|电视|手机|电脑|平板)(?:上|里)|\b(?:to|on) (?:my |the )?(?:glasses|earphones?|speaker|tv|phone|laptop)\b",
    )
});

/// "I can't hand this to another device" — the answer below L4, instead of a wrong action.
pub fn cannot_hand_off(ctx: &mut Ctx, f: &Frame) -> Option<Plan> {
    if f.target.is_some() || !OTHER_DEVICE.is_match(&f.text) {
        return None;
    }
    let s = say!(
        ctx,
        ["抱歉，我还不能把任务转到其他设备上。"],
        ["Sorry, I can't move tasks to other devices yet."]
    );
    Some(Plan::Answer(s))
}

/// Words that point at what is playing now ("这首", "继续").
const PLAYING_NOW: &[&str] = &[
    "这首",
    "这个",
    "刚才",
    "正在放",
    "正在播",
    "继续",
    "接着",
    "current",
    "this song",
    "what's playing",
    "continue",
];

/// "把这首歌转到音箱上继续放" (L4): what is playing moves to the linked device; below L4 a
/// request to move it is answered that it cannot be. `None`: a play request of its own.
pub fn move_playing(ctx: &mut Ctx, f: &Frame) -> Option<Plan> {
    if f.target.is_some() && has_any(&f.text, PLAYING_NOW) && !ctx.ses.state.media.is_null() {
        let mut a = action(
            "device.handoff",
            json!({ "task": "media.play", "args": ctx.ses.state.media.clone() }),
        );
        a.target.clone_from(&f.target);
        let t = f.target.clone().unwrap_or_default();
        let s = say!(
            ctx,
            ["好的，已转到{t}上接着放。"],
            ["OK, continuing on {t}."]
        );
        return Some(Plan::act(a, s));
    }
    cannot_hand_off(ctx, f)
}

/// Languages a terminal is asked to translate into that it does not have.
const OTHER_LANGUAGES: &[&str] = &[
    "日语",
    "日文",
    "韩语",
    "法语",
    "德语",
    "西班牙语",
    "japanese",
    "korean",
    "french",
    "german",
    "spanish",
];

/// Translation is between Chinese and English only: a request naming another language is
/// answered so, instead of a wrong translation.
pub fn other_language(ctx: &mut Ctx, text: &str) -> Option<Plan> {
    if !has_any(text, OTHER_LANGUAGES) {
        return None;
    }
    let s = say!(
        ctx,
        ["抱歉，目前只支持中英互译。"],
        ["Sorry, I can only translate between Chinese and English for now."]
    );
    Some(Plan::Answer(s))
}
