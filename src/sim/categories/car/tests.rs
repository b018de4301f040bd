//! Behaviour of the car table at each level, with phrasings that are not the suites' own: the
//! simulator must understand a request because it fits a general pattern.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use crate::sim::fixtures::png_itxt;
use crate::sim::tests::{Sim, act, names};
use crate::sim::turn::Lang;

/// One simulated cockpit at a level, driven synchronously.
fn cockpit(level: u8) -> Sim {
    cockpit_in(level, Lang::Zh)
}

fn cockpit_in(level: u8, lang: Lang) -> Sim {
    Sim::seeded("car", level, lang, ChaCha8Rng::seed_from_u64(11))
}

#[test]
fn canonical_climate_commands_at_l1() {
    let mut c = cockpit(1);
    let r = c.say("把副驾驶温度调到二十三度");
    assert_eq!(
        act(&r, "climate.set").unwrap()["zone"],
        "passenger",
        "{r:?}"
    );
    assert_eq!(act(&r, "climate.set").unwrap()["temperature"], 23);
    let r = c.say("空调关掉");
    assert_eq!(act(&r, "climate.set").unwrap()["power"], false, "{r:?}");
    // Free phrasing is beyond L1.
    assert!(c.say("开车的人有点冷").actions.is_empty());
}

#[test]
fn english_temperature_words() {
    let mut c = cockpit_in(1, Lang::En);
    let r = c.say("set the passenger temperature to twenty-five degrees");
    assert_eq!(act(&r, "climate.set").unwrap()["temperature"], 25, "{r:?}");
    assert_eq!(act(&r, "climate.set").unwrap()["zone"], "passenger");
}

#[test]
fn occupants_and_zones_at_l2() {
    let mut c = cockpit(2);
    let r = c.say("左后方的乘客说太热了");
    let a = act(&r, "climate.set").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(a["zone"], "rear_left");
    assert_eq!(a["temperature"], 22);
    let r = c.say("我冻得不行");
    assert_eq!(act(&r, "climate.set").unwrap()["zone"], "driver", "{r:?}");
    let r = c.say("后窗有雾");
    assert_eq!(act(&r, "climate.set").unwrap()["defrost"], "rear", "{r:?}");
    // Weather questions stay weather questions.
    assert!(names(&c.say("明天上海冷不冷")).contains(&"weather.query"));
}

#[test]
fn windows_and_seats_in_free_phrasing() {
    let mut c = cockpit(2);
    let r = c.say("右后的窗户开个三分之一");
    let a = act(&r, "window.set").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["window"].clone(), a["open_percent"].clone()),
        (json!("rear_right"), json!(33))
    );
    let r = c.say("主驾屁股好冰");
    assert_eq!(act(&r, "seat.set").unwrap()["seat"], "driver", "{r:?}");
    let r = c.say("给副驾开个座椅通风，二档就行");
    let a = act(&r, "seat.set").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["seat"].clone(), a["ventilation"].clone()),
        (json!("passenger"), json!(2))
    );
}

#[test]
fn the_driving_scene_gates_video_and_openings() {
    let mut moving = cockpit(2).scene("city_driving");
    assert!(moving.say("我想看综艺节目").actions.is_empty());
    let r = moving.say("帮我把尾门打开");
    assert!(r.actions.is_empty() && r.text.contains("停车"), "{r:?}");
    assert!(names(&moving.say("来首歌")).contains(&"media.play"));
    let mut parked = cockpit(2).scene("parked");
    let r = parked.say("放部电影看看，流浪地球二");
    assert_eq!(act(&r, "media.play").unwrap()["kind"], "video", "{r:?}");
    assert!(names(&parked.say("把尾门打开")).contains(&"door.set"));
}

#[test]
fn assistance_off_waits_for_confirmation_at_every_level() {
    for level in 1..=4 {
        let mut c = cockpit(level).scene("driving");
        let r = c.say("关闭前碰撞预警");
        assert!(
            r.actions.is_empty() && r.text.contains("确认"),
            "L{level}: {r:?}"
        );
        let r = c.say("确定");
        assert_eq!(
            act(&r, "assist.set").unwrap()["enabled"],
            false,
            "L{level}: {r:?}"
        );
    }
}

#[test]
fn places_and_route_preferences() {
    let mut c = cockpit(2);
    let r = c.say("电量不够了，找个地方充电");
    assert_eq!(
        act(&r, "nav.route").unwrap()["destination"],
        "充电站",
        "{r:?}"
    );
    let r = c.say("去附近的停车场，避开拥堵");
    let a = act(&r, "nav.route").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["destination"].clone(), a["avoid"].clone()),
        (json!("停车场"), json!(["congestion"]))
    );
    let r = c.with_image(
        "带我去这个牌子上的地方",
        png_itxt(r#"{"ailevel":1,"text":"八达岭长城 出口 5公里","objects":["road sign"]}"#),
    );
    assert_eq!(
        act(&r, "nav.route").unwrap()["destination"],
        "八达岭长城",
        "{r:?}"
    );
}

#[test]
fn context_follow_ups_need_l3() {
    for (level, expect) in [(2, None), (3, Some("rear"))] {
        let mut c = cockpit(level);
        c.say("把后排温度调到二十二度");
        let r = c.say("再调低一点");
        let zone =
            act(&r, "climate.set").map(|a| a["zone"].as_str().unwrap_or_default().to_string());
        match expect {
            Some(z) => assert_eq!(zone.as_deref(), Some(z), "L{level}: {r:?}"),
            None => assert_ne!(zone.as_deref(), Some("rear"), "L{level}: {r:?}"),
        }
    }
    let mut c = cockpit(3);
    c.say("副驾座椅加热开一下");
    let r = c.say("后排也开一下");
    assert_eq!(act(&r, "seat.set").unwrap()["seat"], "rear", "{r:?}");
}

#[test]
fn memory_of_places_and_temperature_needs_l3() {
    let facts = ["我在中关村软件园上班", "空调温度我习惯开23度"];
    let mut l2 = cockpit(2).knowing(&facts);
    assert!(l2.say("送我去上班").actions.is_empty());
    let mut l3 = cockpit(3).knowing(&facts);
    let r = l3.say("送我去上班");
    assert_eq!(
        act(&r, "nav.route").unwrap()["destination"],
        "中关村软件园",
        "{r:?}"
    );
    let r = l3.say("开一下空调");
    assert_eq!(act(&r, "climate.set").unwrap()["temperature"], 23, "{r:?}");
}

#[test]
fn a_tired_driver_gets_an_offer_at_l3_only() {
    let mut l2 = cockpit(2).scene("driving");
    let r = l2.say("眼皮直打架");
    assert!(r.actions.is_empty());
    assert!(l2.say("好的").actions.is_empty());
    let mut l3 = cockpit(3).scene("driving");
    let r = l3.say("好困啊");
    assert!(r.actions.is_empty() && r.text.contains("服务区"), "{r:?}");
    assert_eq!(
        act(&l3.say("行"), "nav.route").unwrap()["destination"],
        "服务区"
    );
}

#[test]
fn learning_which_airport_needs_l4() {
    for (level, learns) in [(3, false), (4, true)] {
        let mut c = cockpit(level);
        let r = c.say("开车去机场");
        assert!(
            r.actions.is_empty() && r.text.contains("大兴机场"),
            "L{level}: {r:?}"
        );
        let r = c.say("首都那个");
        assert_eq!(
            act(&r, "nav.route").unwrap()["destination"],
            "首都机场",
            "L{level}: {r:?}"
        );
        let r = c.say("下午再送我去机场");
        assert_eq!(act(&r, "nav.route").is_some(), learns, "L{level}: {r:?}");
    }
}

#[test]
fn hand_off_needs_l4_and_a_link() {
    let mut c = cockpit(4).link("watch-glasses", "glasses");
    c.say("导航到颐和园");
    let r = c.say("车停好了，把导航接到眼镜上");
    assert_eq!(
        r.actions[0].target.as_deref(),
        Some("watch-glasses"),
        "{r:?}"
    );
    assert_eq!(
        c.state()["handoffs"][0]["args"]["task"],
        "nav.route",
        "{r:?}"
    );
    // A place whose name contains a device word is still a place.
    let r = cockpit(3).say("导航到中央电视塔");
    assert_eq!(
        act(&r, "nav.route").unwrap()["destination"],
        "中央电视塔",
        "{r:?}"
    );
    let mut l3 = cockpit(3).link("watch-glasses", "glasses");
    l3.say("导航到颐和园");
    let r = l3.say("车停好了，把导航接到眼镜上");
    assert!(r.actions.is_empty(), "{r:?}");
}

#[test]
fn a_bare_level_after_a_seat_was_set_is_for_that_seat() {
    let mut c = cockpit(4);
    c.say("主驾座椅加热开一档");
    let r = c.say("不对，要最强的");
    assert_eq!(
        act(&r, "seat.set").map(|a| a["heating"].clone()),
        Some(json!(3))
    );
    let r = c.say("副驾座椅加热也开一下");
    assert_eq!(
        act(&r, "seat.set").map(|a| a["heating"].clone()),
        Some(json!(3))
    );
    // Without a seat just set, a bare level is no seat request.
    assert!(cockpit(4).say("开满").actions.is_empty());
}

#[test]
fn follow_ups_change_one_slot_of_the_last_setting_from_l3() {
    let mut c = cockpit_in(3, Lang::En);
    c.say("put the rear zone at 21 degrees");
    let r = c.say("front passenger likewise");
    let a = act(&r, "climate.set").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["zone"].clone(), a["temperature"].clone()),
        (json!("passenger"), json!(21))
    );
    let r = c.say("two degrees up");
    let a = act(&r, "climate.set").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["zone"].clone(), a["temperature"].clone()),
        (json!("passenger"), json!(23))
    );
    let mut c = cockpit(3);
    c.say("主驾调到二十二度");
    let r = c.say("后排按这个");
    let a = act(&r, "climate.set").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["zone"].clone(), a["temperature"].clone()),
        (json!("rear"), json!(22))
    );
    let r = c.say("再低些");
    assert_eq!(act(&r, "climate.set").unwrap()["temperature"], 21, "{r:?}");
    // Below L3 the last setting is not context: a zone alone asks for nothing.
    let mut c = cockpit_in(2, Lang::En);
    c.say("put the rear zone at 21 degrees");
    assert!(c.say("front passenger likewise").actions.is_empty());
}

#[test]
fn a_route_is_planned_again_with_the_road_kind_turned_down() {
    let mut c = cockpit(3);
    c.say("导航去西湖");
    let r = c.say("这回甭上高速");
    let a = act(&r, "nav.route").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["destination"].clone(), a["avoid"].clone()),
        (json!("西湖"), json!(["highway"]))
    );
    // Planned again with nothing said about roads: what it avoided still holds.
    let r = c.say("重新规划");
    assert_eq!(
        act(&r, "nav.route").unwrap()["avoid"],
        json!(["highway"]),
        "{r:?}"
    );
    let mut c = cockpit_in(3, Lang::En);
    c.say("navigate to 西湖");
    let r = c.say("stay off the motorway this time");
    let a = act(&r, "nav.route").unwrap_or_else(|| panic!("{r:?}"));
    assert_eq!(
        (a["destination"].clone(), a["avoid"].clone()),
        (json!("西湖"), json!(["highway"]))
    );
    // "导航一下" names no place.
    let r = cockpit(3).say("导航一下");
    assert!(act(&r, "nav.route").is_none(), "{r:?}");
}

#[test]
fn what_is_going_on_moves_to_a_linked_device_said_in_english() {
    let mut c = cockpit_in(4, Lang::En).link("den-speaker", "speaker");
    c.say("put on some eason chan");
    let r = c.say("shift this song over to the speaker");
    assert_eq!(r.actions[0].target.as_deref(), Some("den-speaker"), "{r:?}");
    assert_eq!(
        c.state()["handoffs"][0]["args"]["task"],
        "media.play",
        "{r:?}"
    );
    // A device as the subject that takes over, and none linked: said so, nothing done.
    let mut c = cockpit_in(4, Lang::En);
    c.say("navigate to 颐和园");
    let r = c.say("could my glasses carry on with the route");
    assert!(r.actions.is_empty() && r.text.contains("link"), "{r:?}");
}
