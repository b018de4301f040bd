//! Events a terminal is told about (a message arrives, an entry comes due, the battery runs
//! low, a call comes in). Each category lists the kinds its terminals have (a TV has no
//! battery, a speaker takes no calls); the engine only answers a kind nobody declared.

use serde_json::{Value, json};

use super::nlu;
use super::turn::{Ctx, EventDef, Expect, Pending, action, say};
use crate::device::protocol::Event;
use crate::world::directory::{self as world, Person};

/// A message or notification: read out, and at L3 offer to reply.
pub const MESSAGE: EventDef = EventDef {
    kinds: &["notification", "message"],
    handle: message,
};

/// A calendar entry or reminder comes due: announced, and at L3 the way there or quiet
/// offered.
pub const CALENDAR: EventDef = EventDef {
    kinds: &["calendar.due", "calendar", "schedule", "reminder.due"],
    handle: calendar,
};

/// The battery runs low: said, and at L3 power saving offered.
pub const BATTERY: EventDef = EventDef {
    kinds: &["battery.low", "battery"],
    handle: battery,
};

/// A call comes in: who is calling, so that the user can answer or decline.
pub const CALL: EventDef = EventDef {
    kinds: &["call.incoming"],
    handle: call,
};

/// What a personal terminal one carries about (a phone, glasses, earphones) is told of: all
/// of the above.
pub const PERSONAL: &[EventDef] = &[MESSAGE, CALENDAR, BATTERY, CALL];

/// The first of `keys` the event carries, as text.
pub fn field(ev: &Event, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| ev.data.get(*k)).map(|v| match v {
        Value::String(s) => nlu::normalize(&s.chars().take(500).collect::<String>()),
        other => other.to_string(),
    })
}

fn message(ctx: &mut Ctx, ev: &Event) -> Vec<String> {
    let from = field(ev, &["from", "sender", "title"]).unwrap_or_default();
    let text = field(ev, &["text", "body", "content", "message"]).unwrap_or_default();
    let person = world::contact_exact(&from)
        .map(world::Contact::person)
        .unwrap_or(Person {
            name: from.clone(),
            number: None,
        });
    let mut said = vec![say!(
        ctx,
        ["收到{from}的新消息：“{text}”。"],
        ["New message from {from}: \"{text}\"."]
    )];
    ctx.ses.context.last_result = Some(text);
    if !from.is_empty() {
        ctx.ses.context.last_person = Some(person.clone());
        ctx.ses.context.last_person_phrase = Some(from.clone());
    }
    if ctx.caps.proactive && !from.is_empty() {
        said.push(say!(
            ctx,
            ["需要我帮你回复{from}吗？"],
            ["Would you like me to reply to {from}?"]
        ));
        ctx.ses.pending = Some(Pending::Ask(Expect::Body { to: person }));
    }
    said
}

fn calendar(ctx: &mut Ctx, ev: &Event) -> Vec<String> {
    let title = field(ev, &["title", "summary", "name"]).unwrap_or_default();
    let time = field(ev, &["time", "start"]).unwrap_or_default();
    let place = field(ev, &["location", "place"]);
    let mut said = vec![say!(
        ctx,
        ["日程提醒：{time} {title}。"],
        ["Reminder: {title} at {time}."]
    )];
    if !ctx.caps.proactive {
        return said;
    }
    let (done, actions) = match place {
        Some(place) if !place.is_empty() => {
            said.push(say!(
                ctx,
                ["地点在{place}，现在出发比较合适。需要我为你导航到那里吗？"],
                ["It's at {place}; now is a good time to leave. Shall I navigate you to it?"]
            ));
            let done = say!(
                ctx,
                ["好的，开始导航到{place}。"],
                ["OK, navigating to {place}."]
            );
            let route = action(
                "nav.route",
                json!({ "destination": place, "mode": "drive" }),
            );
            (done, vec![route])
        }
        _ => {
            said.push(say!(
                ctx,
                ["要我帮你把勿扰模式打开吗？"],
                ["Shall I silence notifications with Do Not Disturb for it?"]
            ));
            let done = say!(
                ctx,
                ["好的，勿扰模式已打开。"],
                ["OK, Do Not Disturb is on."]
            );
            let quiet = action("settings.set", json!({ "name": "dnd", "value": true }));
            (done, vec![quiet])
        }
    };
    ctx.ses.pending = Some(Pending::Offer { actions, done });
    said
}

fn battery(ctx: &mut Ctx, ev: &Event) -> Vec<String> {
    let level = field(ev, &["level", "percent"]).unwrap_or_else(|| "?".into());
    let mut said = vec![say!(
        ctx,
        ["电量仅剩{level}%。"],
        ["Battery is at {level}%."]
    )];
    if ctx.caps.proactive && !ctx.ses.settings.power_saving {
        said.push(say!(
            ctx,
            ["要开启省电模式吗？"],
            ["Shall I turn on power saving mode?"]
        ));
        let done = say!(
            ctx,
            ["好的，已开启省电模式。"],
            ["OK, power saving mode is on."]
        );
        let actions = vec![action(
            "settings.set",
            json!({ "name": "power_saving", "value": true }),
        )];
        ctx.ses.pending = Some(Pending::Offer { actions, done });
    }
    said
}

fn call(ctx: &mut Ctx, ev: &Event) -> Vec<String> {
    let name = field(ev, &["name", "from", "caller", "number"]).unwrap_or_default();
    if name.is_empty() {
        return vec![say!(ctx, ["有来电。"], ["There's an incoming call."])];
    }
    if let Some(c) = world::contact_exact(&name) {
        ctx.ses.context.last_person = Some(c.person());
        ctx.ses.context.last_person_phrase = Some(name.clone());
    }
    vec![say!(ctx, ["{name}来电。"], ["Incoming call from {name}."])]
}

/// A kind the category does not know: noticed, nothing more.
pub fn unknown(ctx: &mut Ctx, ev: &Event) -> String {
    let detail = field(ev, &["place", "scene", "text", "name"]).unwrap_or_default();
    let kind = ev.kind.chars().take(40).collect::<String>();
    let s = say!(
        ctx,
        ["已感知到事件：{kind} {detail}"],
        ["Noticed event: {kind} {detail}"]
    );
    s.trim_end().to_string()
}
