//! Behaviour of the speaker table at each level, with phrasings that are not the suites' own:
//! the simulator must understand a request because it fits a general pattern.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::sim::engine::Reply;
use crate::sim::tests::{Sim, act};
use crate::sim::turn::Lang;

/// One simulated speaker at a level, driven synchronously.
fn speaker(level: u8) -> Sim {
    Sim::seeded("speaker", level, Lang::Zh, ChaCha8Rng::seed_from_u64(5))
}

fn iot(r: &Reply) -> Option<&serde_json::Map<String, Value>> {
    act(r, "iot.set")
}

fn pick(r: &Reply, keys: &[&str]) -> Value {
    let a = iot(r).unwrap_or_else(|| panic!("no iot.set: {r:?}"));
    Value::Object(
        keys.iter()
            .filter_map(|k| a.get(*k).map(|v| ((*k).to_string(), v.clone())))
            .collect(),
    )
}

#[test]
fn canonical_home_commands_at_l1() {
    let mut s = speaker(1);
    assert_eq!(
        pick(&s.say("关掉书房的灯"), &["device", "room", "power"]),
        json!({"device": "light", "room": "study", "power": false})
    );
    assert_eq!(
        pick(
            &s.say("把儿童房的窗帘拉开"),
            &["device", "room", "open_percent"]
        ),
        json!({"device": "curtain", "room": "kids_room", "open_percent": 100})
    );
    // A room without that appliance is said so, not invented.
    let r = s.say("打开阳台的空调");
    assert!(r.actions.is_empty() && r.text.contains("没有"), "{r:?}");
    // Free phrasing is beyond L1.
    assert!(s.say("厨房黑乎乎的太暗了").actions.is_empty());
}

#[test]
fn complaints_name_the_appliance_at_l2() {
    let mut s = speaker(2);
    assert_eq!(
        pick(&s.say("厨房黑乎乎的太暗了"), &["device", "room", "power"]),
        json!({"device": "light", "room": "kitchen", "power": true})
    );
    assert_eq!(
        pick(&s.say("书房好冷啊"), &["device", "room"]),
        json!({"device": "ac", "room": "study"})
    );
    assert_eq!(
        pick(&s.say("让扫地机回去充电"), &["device", "power"]),
        json!({"device": "vacuum", "power": false})
    );
    let r = s.say("帮我把阳台灯亮度调成百分之十五");
    assert_eq!(
        pick(&r, &["room", "brightness"]),
        json!({"room": "balcony", "brightness": 15})
    );
}

#[test]
fn the_door_and_the_stove_are_guarded_at_every_level() {
    for level in 1..=4 {
        let mut s = speaker(level);
        let r = s.say("打开入户门");
        assert!(
            r.actions.is_empty() && r.text.contains("确认"),
            "L{level}: {r:?}"
        );
        assert_eq!(
            pick(&s.say("确认"), &["device", "locked"]),
            json!({"device": "door_lock", "locked": false}),
            "L{level}"
        );
        let r = s.say("开启燃气灶");
        assert!(r.actions.is_empty(), "L{level}: {r:?}");
    }
}

#[test]
fn no_screen_means_no_video_but_a_linked_tv_can() {
    let mut s = speaker(3);
    let r = s.say("我想看熊出没动画片");
    assert!(r.actions.is_empty() && r.text.contains("屏幕"), "{r:?}");
    let mut s = speaker(4).link("den-tv", "tv");
    let r = s.say("去电视上播动画片熊出没");
    assert_eq!(r.actions[0].target.as_deref(), Some("den-tv"), "{r:?}");
    assert_eq!(r.actions[0].args["kind"], "video");
}

#[test]
fn answers_are_short_and_speakable() {
    let mut s = speaker(2);
    for q in ["蛋炒饭咋做", "清蒸鲈鱼的做法", "教我做酸辣土豆丝怎么做"] {
        let r = s.say(q);
        assert!(r.actions.is_empty(), "{q}: {r:?}");
        let n = r.text.chars().count();
        assert!(
            (20..=160).contains(&n) && !r.text.contains("http") && !r.text.contains('|'),
            "{q}: {r:?}"
        );
    }
    let r = s.say("佛跳墙怎么做");
    assert!(r.text.contains("没学会"), "{r:?}");
}

#[test]
fn follow_ups_need_context() {
    // "还有…的，一样…": the room first, a pause, then "the same".
    for (level, follows, again) in [
        (2, false, "书房的也打开"),
        (3, true, "书房的也打开"),
        (2, false, "还有书房的，一样开了"),
        (3, true, "还有书房的，一样开了"),
    ] {
        let mut s = speaker(level);
        s.say("打开主卧的空调");
        let r = s.say(again);
        assert_eq!(
            iot(&r).is_some_and(|a| a["device"] == "ac" && a["room"] == "study"),
            follows,
            "L{level} {again}: {r:?}"
        );
    }
    let mut s = speaker(3);
    s.say("客厅灯打开");
    let r = s.say("再亮一点");
    // Full brightness stays full.
    assert_eq!(
        pick(&r, &["device", "brightness"]),
        json!({"device": "light", "brightness": 100}),
        "{r:?}"
    );
}

#[test]
fn the_household_needs_memory() {
    let facts = ["我女儿叫小满", "小满最喜欢听《小星星》", "小满住在儿童房"];
    let mut l2 = speaker(2).knowing(&facts);
    assert!(l2.say("小满房间的窗帘拉上").actions.is_empty());
    let mut l3 = speaker(3).knowing(&facts);
    let r = l3.say("小满房间的窗帘拉上");
    assert_eq!(
        pick(&r, &["device", "room", "open_percent"]),
        json!({"device": "curtain", "room": "kids_room", "open_percent": 0}),
        "{r:?}"
    );
    let r = l3.say("放首我女儿爱听的歌");
    assert_eq!(r.actions[0].args["query"], "小星星", "{r:?}");
}

#[test]
fn home_scenes_are_offered_at_l3() {
    let mut l2 = speaker(2);
    assert!(l2.say("我回来了").actions.is_empty());
    assert!(l2.say("好").actions.is_empty());
    let mut l3 = speaker(3);
    let r = l3.say("我回来了");
    assert!(r.actions.is_empty() && r.text.contains("客厅"), "{r:?}");
    let r = l3.say("好");
    assert_eq!(r.actions.len(), 2, "{r:?}");
}

#[test]
fn corrections_and_room_names_are_learned_at_l4() {
    // The complaint may open the sentence or stand later in its first clause.
    for (level, learns, fix) in [
        (3, false, "不对，亮度调到百分之四十五"),
        (4, true, "不对，亮度调到百分之四十五"),
        (3, false, "这亮度不对，调成百分之四十五"),
        (4, true, "这亮度不对，调成百分之四十五"),
    ] {
        let mut s = speaker(level);
        s.say("打开书房的灯");
        s.say(fix);
        let r = s.say("打开厨房的灯");
        assert_eq!(
            iot(&r)
                .and_then(|a| a.get("brightness"))
                .is_some_and(|b| b == 45),
            learns,
            "L{level} {fix}: {r:?}"
        );
        let r = s.say("打开奶奶那屋的空调");
        assert!(iot(&r).is_none(), "L{level}: {r:?}");
        assert_eq!(
            pick(&s.say("主卧"), &["room"]),
            json!({"room": "bedroom"}),
            "L{level}"
        );
        let r = s.say("奶奶那屋的空调关了");
        assert_eq!(iot(&r).is_some(), learns, "L{level}: {r:?}");
    }
}

#[test]
fn a_members_room_and_favourite_however_they_are_named() {
    let facts = [
        "我儿子叫阿福",
        "阿福住在书房",
        "我女儿叫小桃",
        "小桃最爱的歌是《虫儿飞》",
    ];
    let mut l3 = speaker(3).knowing(&facts);
    // "屋里" also means the whole home; with a member before it, it is that member's room.
    for q in ["儿子屋里的空调关一下", "把阿福屋里的灯打开", "阿福那屋开灯"]
    {
        assert_eq!(pick(&l3.say(q), &["room"]), json!({"room": "study"}), "{q}");
    }
    // Whatever word the daughter goes by, and even in the bare "放…" preset form.
    for q in ["放闺女最爱的那首", "给我女儿放她喜欢听的", "放小桃最喜欢的"]
    {
        let r = l3.say(q);
        assert_eq!(r.actions[0].args["query"], "虫儿飞", "{q}: {r:?}");
    }
    // Below L3 the household is not known.
    let mut l2 = speaker(2).knowing(&facts);
    let r = l2.say("儿子屋里的空调关一下");
    assert_ne!(pick(&r, &["room"]), json!({"room": "study"}), "{r:?}");
    let r = l2.say("放闺女最爱的那首");
    assert!(
        r.actions
            .iter()
            .all(|a| a.args.get("query") != Some(&json!("虫儿飞"))),
        "{r:?}"
    );
}

#[test]
fn leaving_and_bedtime_are_recognised_however_said() {
    for q in [
        "我先走了啊",
        "去单位了",
        "出差去了，拜拜",
        "off to the office now",
    ] {
        let mut l3 = speaker(3);
        let r = l3.say(q);
        assert!(
            r.actions.is_empty() && (r.text.contains('关') || r.text.contains("turn off")),
            "{q}: {r:?}"
        );
        let r = l3.say("好嘞");
        assert_eq!(r.actions.len(), 2, "{q}: {r:?}");
        // L2 wishes a good trip and offers nothing.
        let mut l2 = speaker(2);
        l2.say(q);
        assert!(l2.say("好嘞").actions.is_empty(), "L2 {q}");
    }
    // Two clauses of one bedtime make one offer, said once.
    let mut l3 = speaker(3);
    let r = l3.say("好困啊，我去睡了");
    assert_eq!(r.text.matches("窗帘").count(), 1, "{r:?}");
    assert_eq!(l3.say("行").actions.len(), 2);
}

#[test]
fn dry_air_jokes_and_a_counted_song_at_l2() {
    let mut s = speaker(2);
    assert_eq!(
        pick(&s.say("主卧真干呀"), &["device", "room", "power"]),
        json!({"device": "humidifier", "room": "bedroom", "power": true})
    );
    let r = s.say("来个段子");
    assert!(r.actions.is_empty() && r.text.chars().count() > 10, "{r:?}");
    let r = s.say("放首王菲的歌吧");
    assert_eq!(r.actions[0].args["artist"], "王菲", "{r:?}");
}

#[test]
fn a_room_name_said_before_the_verb_is_learned_at_l4() {
    // A family room name said right before the verb is learned and then understood.
    let mut s = speaker(4);
    assert!(iot(&s.say("姥姥那屋开灯")).is_none());
    s.say("主卧");
    assert_eq!(
        pick(&s.say("姥姥那屋关灯"), &["room", "power"]),
        json!({"room": "bedroom", "power": false})
    );
}
