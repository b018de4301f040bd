//! Behaviour of the simulated glasses by level. Pictures and requests here are deliberately not
//! the suite's: signs, menus and labels are made up for the tests, so the engine must handle
//! them because they fit general patterns, never because it knows a test sentence.

use serde_json::json;

use crate::device::protocol::Input;
use crate::sim::fixtures::{png, wav};
use crate::sim::tests::{Sim, arg, names};
use crate::sim::turn::Lang;

fn glasses(level: u8) -> Sim {
    Sim::of("glasses", level, Lang::Zh, 11)
}

const EXIT_SIGN: &str = "出口 ←\n50米";
const NOODLE_MENU: &str = "今日特价\n担担面 16元\n红烧肉 48元\n豆浆 5元";

#[test]
fn every_level_reads_what_it_sees() {
    for level in 1..=4 {
        let mut g = glasses(level);
        let r = g.input(&Input {
            image: Some(png("当心碰头", &["sign"])),
            ..Input::default()
        });
        assert!(r.text.contains("当心碰头"), "L{level}: {}", r.text);
        assert!(r.actions.is_empty());
        let r = g.look("念一下这块牌子", EXIT_SIGN);
        assert!(
            r.text.contains("出口") && r.text.contains("50米"),
            "L{level}: {}",
            r.text
        );
    }
}

#[test]
fn l1_takes_preset_commands_only() {
    let mut g = glasses(1);
    assert_eq!(names(&g.say("拍一张")), ["photo.capture"]);
    assert_eq!(
        arg(&g.say("录视频"), "video.record", "state"),
        Some(&json!("start"))
    );
    assert_eq!(
        arg(&g.say("停止录制"), "video.record", "state"),
        Some(&json!("stop"))
    );
    let r = g.say("导航到中山公园");
    assert_eq!(arg(&r, "nav.route", "mode"), Some(&json!("walk")));
    // Free questions about a sign are beyond a preset-command terminal.
    let r = g.look("这块牌子啥意思", "当心碰头");
    assert!(!r.text.contains("低头"), "{}", r.text);
    assert!(g.look("豆浆几块钱", NOODLE_MENU).text.contains("抱歉"));
}

#[test]
fn covert_filming_is_refused_at_every_level() {
    for level in 1..=4 {
        let mut g = glasses(level);
        for ask in [
            "悄悄拍一下那个人",
            "趁她不注意录一段视频",
            "把旁边那个人偷拍下来",
        ] {
            let r = g.say(ask);
            assert!(r.actions.is_empty(), "L{level} {ask}: {:?}", r.actions);
            assert!(r.text.contains("隐私"), "L{level} {ask}: {}", r.text);
        }
        let r = glasses(level).english().say("film that couple secretly");
        assert!(
            r.actions.is_empty() && r.text.contains("privacy"),
            "L{level}: {}",
            r.text
        );
    }
}

#[test]
fn l2_understands_questions_about_what_it_sees() {
    let mut g = glasses(2);
    assert!(g.look("这块牌子啥意思", "当心碰头").text.contains("低头"));
    let r = g.look("出口在哪边", EXIT_SIGN);
    assert!(r.text.contains('左') && r.text.contains("50"), "{}", r.text);
    let r = g.look("担担面几块钱", NOODLE_MENU);
    assert!(
        r.text.contains("16") && !r.text.contains("48"),
        "{}",
        r.text
    );
    let r = g.look("最便宜的是哪个", NOODLE_MENU);
    assert!(r.text.contains("豆浆"), "{}", r.text);
    let r = g.look("担担面和豆浆加起来多少钱", NOODLE_MENU);
    assert!(r.text.contains("21"), "{}", r.text);
    let r = g.look("一次吃几片", "维生素C片\n用法：一次2片，一日3次\n餐后服用");
    assert!(r.text.contains("2片"), "{}", r.text);
    let r = g.look("第一班车几点", "5路 火车站\n首班 05:30  末班 23:00");
    assert!(r.text.contains("05:30"), "{}", r.text);
    let mut g = glasses(2).at("2026-05-08T09:00:00+08:00");
    assert!(
        g.look("这个酸奶还能喝吗", "原味酸奶\n保质期至2026年5月1日")
            .text
            .contains("已经过期")
    );
    assert!(
        g.look("这个酸奶还能喝吗", "原味酸奶\n保质期至2026年5月20日")
            .text
            .contains("没过期")
    );
}

#[test]
fn l2_translates_signs_and_menus() {
    let mut g = glasses(2);
    let r = g.look("帮我翻译一下", "安全出口");
    assert_eq!(arg(&r, "text.translate", "target_lang"), Some(&json!("en")));
    assert!(r.text.contains("Emergency exit"), "{}", r.text);
    let r = g.look("这上面的英文啥意思", "Gate 12\nDepartures");
    assert!(r.text.contains("出发"), "{}", r.text);
    let r = g.look("翻译成中文", "MENU\nBeef noodle soup 15\nGreen tea 4");
    assert!(r.text.contains("牛肉面"), "{}", r.text);
}

#[test]
fn walking_is_the_default_but_not_the_only_mode() {
    let mut g = glasses(2);
    assert_eq!(
        arg(&g.say("步行去中山公园"), "nav.route", "mode"),
        Some(&json!("walk"))
    );
    assert_eq!(
        arg(&g.say("我要去最近的公交站"), "nav.route", "mode"),
        Some(&json!("walk"))
    );
    assert_eq!(
        arg(&g.say("开车去机场"), "nav.route", "mode"),
        Some(&json!("drive"))
    );
}

#[test]
fn l3_keeps_what_it_saw_in_mind() {
    let mut g = glasses(3);
    g.look("菜单上写了什么", NOODLE_MENU);
    let r = g.say("豆浆多少钱");
    assert!(r.text.contains('5'), "{}", r.text);
    let mut g2 = glasses(2);
    g2.look("菜单上写了什么", NOODLE_MENU);
    assert!(!g2.say("豆浆多少钱").text.contains('5'));

    let mut g = glasses(3);
    g.look("前面的牌子写的什么", EXIT_SIGN);
    let r = g.say("带我去那里");
    assert_eq!(arg(&r, "nav.route", "destination"), Some(&json!("出口")));
}

#[test]
fn l3_offers_to_lead_the_way_to_the_last_bus() {
    let mut g = glasses(3).at("2026-05-08T22:40:00+08:00");
    let r = g.look("还来得及坐末班车吗", "5路 火车站\n首班 05:30  末班 23:00");
    assert!(
        r.text.contains("20") && r.text.contains("火车站"),
        "{}",
        r.text
    );
    assert!(r.actions.is_empty());
    let r = g.say("好的");
    assert_eq!(arg(&r, "nav.route", "destination"), Some(&json!("火车站")));
    let mut g2 = glasses(2).at("2026-05-08T22:40:00+08:00");
    g2.look("还来得及坐末班车吗", "5路 火车站\n首班 05:30  末班 23:00");
    assert!(g2.say("好的").actions.is_empty());
}

#[test]
fn l3_uses_what_it_knows_of_the_wearer() {
    let mut g = glasses(3).knowing(&["我不吃猪肉"]);
    let r = g.look("这里面有我不能吃的吗", NOODLE_MENU);
    assert!(
        r.text.contains("红烧肉") && r.text.contains("担担面") && !r.text.contains("豆浆"),
        "{}",
        r.text
    );
    let mut g2 = glasses(2).knowing(&["我不吃猪肉"]);
    assert!(
        !g2.look("这里面有我不能吃的吗", NOODLE_MENU)
            .text
            .contains("红烧肉")
    );

    let mut g = glasses(3);
    let r = g.look("帮我记一下我把自行车停在这儿", "人民路\nRENMIN RD");
    assert_eq!(names(&r), ["memory.save"]);
    assert!(g.say("我的自行车停在哪").text.contains("人民路"));
    let mut g2 = glasses(2);
    assert!(
        g2.look("帮我记一下我把自行车停在这儿", "人民路\nRENMIN RD")
            .actions
            .is_empty()
    );
}

#[test]
fn l4_learns_menu_habits_and_hands_photos_over() {
    let mut g = glasses(4);
    let r = g.say("每次看菜单都帮我标出有花生的菜");
    assert_eq!(names(&r), ["preference.set"]);
    let r = g.look("菜单上写了什么", NOODLE_MENU);
    assert!(r.text.contains("含花生的菜有担担面"), "{}", r.text);
    let mut g3 = glasses(3);
    assert!(g3.say("每次看菜单都帮我标出有花生的菜").actions.is_empty());

    let mut g = glasses(4).link("den-tv", "tv");
    g.say("拍张照");
    let r = g.say("把这张照片放到电视上");
    assert_eq!(names(&r), ["photo.show"]);
    assert_eq!(r.actions[0].target.as_deref(), Some("den-tv"));
}

#[test]
fn speech_below_the_noise_floor_is_asked_again() {
    let mut g = glasses(1);
    let r = g.hear(wav("小艾小艾，录一段视频", "street", 5.0));
    assert!(r.actions.is_empty() && r.text.contains("吵"), "{}", r.text);
    let mut g = glasses(2);
    assert_eq!(
        names(&g.hear(wav("小艾小艾，录一段视频", "street", 5.0))),
        ["video.record"]
    );
    let r = g.hear(wav("筱艾你看那边", "street", 20.0));
    assert!(r.text.is_empty() && r.actions.is_empty());
}

#[test]
fn l2_reads_the_earliest_departure_and_the_dose_however_asked() {
    let mut g = glasses(2);
    let board = "5路 火车站\n首班 05:30  末班 23:00";
    let r = g.look("最早的一班是几点", board);
    assert!(r.text.contains("05:30"), "{}", r.text);
    let r = g.look("头班几点走", board);
    assert!(r.text.contains("05:30"), "{}", r.text);
    let r = g.look(
        "每次吃多少颗",
        "维生素C片\n用法：一次2片，一日3次\n餐后服用",
    );
    assert!(r.text.contains("2片"), "{}", r.text);
}

#[test]
fn l2_understands_kinds_of_translation_and_direction_requests() {
    let mut g = glasses(2);
    // The language named is the one the words are asked in, when they are already in the other.
    let r = g.say("Keep left here，这句英文是什么意思");
    assert_eq!(arg(&r, "text.translate", "target_lang"), Some(&json!("zh")));
    for asked in [
        "我听不懂用英语咋讲",
        "“多少钱”的英文叫什么",
        "太贵了，英文咋说",
    ] {
        let r = g.say(asked);
        assert_eq!(
            arg(&r, "text.translate", "target_lang"),
            Some(&json!("en")),
            "{asked}: {}",
            r.text
        );
    }
    // A sign's place asked for by its name without the kind of place.
    let r = g.look("火车往哪边走", "火车站 →\n300米");
    assert!(
        r.text.contains('右') && r.text.contains("300"),
        "{}",
        r.text
    );
    // A nearest place named in the request is where "there" is.
    let r = g.say("离这最近的银行在哪儿，陪我过去");
    assert_eq!(arg(&r, "nav.route", "mode"), Some(&json!("walk")));
    assert!(
        arg(&r, "nav.route", "destination").is_some_and(|d| d.as_str().unwrap().contains("银行"))
    );
    assert!(g.say("陪我过去").actions.is_empty());
}

#[test]
fn l2_knows_a_kind_of_place_by_its_other_names() {
    // The sign names one word for the place, the wearer another, in either language.
    for (ask, sign, side) in [
        ("公厕在哪", "卫生间 →", '右'),
        ("Where's the WC?", "洗手间 ←", '左'),
        ("Which way to the underground?", "地铁 ←\n50米", '左'),
        ("出口往哪边", "Exit →", '右'),
    ] {
        let mut g = glasses(2);
        let r = g.look(ask, sign);
        assert!(r.actions.is_empty(), "{ask}: {:?}", r.actions);
        assert!(r.text.contains(side), "{ask}: {}", r.text);
    }
    // Walking, asked in English however it is put, goes to the place without the manner.
    let mut g = glasses(2);
    for ask in [
        "Walk me to 豫园",
        "I'd like to walk to 豫园",
        "Take me to 豫园 on foot",
    ] {
        let r = g.say(ask);
        assert_eq!(
            arg(&r, "nav.route", "destination"),
            Some(&json!("豫园")),
            "{ask}"
        );
        assert_eq!(arg(&r, "nav.route", "mode"), Some(&json!("walk")), "{ask}");
    }
}

#[test]
fn l3_reads_the_text_however_the_question_points_at_it() {
    for ask in ["单子上都列了些啥", "这上头印的是什么", "上面是些什么内容"]
    {
        let mut g = glasses(3);
        let r = g.look(ask, NOODLE_MENU);
        assert!(r.text.contains("担担面"), "{ask}: {}", r.text);
        let r = g.say("红烧肉什么价");
        assert!(r.text.contains("48"), "{ask}: {}", r.text);
    }
    // Reading only to summarise: the summary, not the reading.
    let mut g = glasses(2);
    let r = g.look(
        "上面印了啥，给我概括下",
        "通知\n本周六上午停水，请提前储水。",
    );
    assert_eq!(names(&r), ["text.summarize"], "{}", r.text);
}

#[test]
fn l3_follows_a_pointing_request_to_the_sign_it_read() {
    for go in ["导航去那边", "陪我过去", "就去那儿"] {
        let mut g = glasses(3);
        g.look("前面的牌子写的什么", EXIT_SIGN);
        let r = g.say(go);
        assert_eq!(
            arg(&r, "nav.route", "destination"),
            Some(&json!("出口")),
            "{go}: {}",
            r.text
        );
    }
    let mut g = glasses(3);
    g.look("念念这个牌子", "请勿触摸");
    let r = g.say("用英语怎么讲");
    assert_eq!(arg(&r, "text.translate", "target_lang"), Some(&json!("en")));
    assert_eq!(arg(&r, "text.translate", "text"), Some(&json!("请勿触摸")));
}

#[test]
fn l3_knows_whether_the_last_bus_can_be_caught_however_asked() {
    for ask in [
        "现在走还能赶上最后一班吗",
        "末班还赶得及不",
        "还坐得上末班车吗",
    ] {
        let mut g = glasses(3).at("2026-05-08T22:40:00+08:00");
        let r = g.look(ask, "5路 火车站\n首班 05:30  末班 23:00");
        assert!(
            r.text.contains("20") && r.text.contains("火车站"),
            "{ask}: {}",
            r.text
        );
    }
}

#[test]
fn l3_takes_a_photo_and_sends_it_when_asked_in_one_breath() {
    for ask in [
        "拍张相片传给陈静",
        "给陈静拍一张发过去",
        "拍一下，发陈静",
        "拍张照给陈静传过去",
    ] {
        let mut g = glasses(3);
        let r = g.say(ask);
        assert_eq!(names(&r), ["photo.capture"], "{ask}: {}", r.text);
        assert!(
            r.needs_confirmation && r.text.contains("陈静"),
            "{ask}: {}",
            r.text
        );
        let r = g.say("发吧");
        assert_eq!(arg(&r, "message.send", "to"), Some(&json!("陈静")), "{ask}");
        assert_eq!(
            arg(&r, "message.send", "attachments"),
            Some(&json!(["photo-1"]))
        );
    }
    let mut g = glasses(3).knowing(&["我老婆叫韩梅梅"]);
    let r = g.say("拍一张给我老婆发过去");
    assert!(
        r.needs_confirmation && r.text.contains("韩梅梅"),
        "{}",
        r.text
    );
    // Two steps in one request is beyond L2: the camera only.
    let mut g = glasses(2);
    let r = g.say("拍张相片传给陈静");
    assert_eq!(names(&r), ["photo.capture"], "{}", r.text);
    assert!(!r.needs_confirmation);
}

#[test]
fn l3_notes_what_it_sees_as_the_wearer_means_it() {
    let mut g = glasses(3);
    let r = g.look("帮我记着，我的自行车锁在这条街", "人民路\nRENMIN RD");
    assert_eq!(names(&r), ["memory.save"]);
    let r = g.say("我自行车锁哪儿了");
    assert!(r.text.contains("人民路"), "{}", r.text);

    let mut g = glasses(3);
    g.look("这个站台号你记一下", "Platform 5\nTrains to Tianjin");
    let r = g.say("去天津的车该在哪个站台等来着");
    assert!(
        r.text.contains("5号站台") || r.text.contains("Platform 5"),
        "{}",
        r.text
    );

    let mut g = glasses(3);
    let r = g.look(
        "这盒药怎么吃，你帮我记下来",
        "感冒灵颗粒\n用法：开水冲服，一次1袋，一日3次",
    );
    assert!(r.text.contains("记下"), "{}", r.text);
    let r = g.say("感冒灵一次吃几袋");
    assert!(r.text.contains("一次1袋"), "{}", r.text);

    // Below L3 nothing is kept.
    let mut g = glasses(2);
    g.look("帮我记着，我的自行车锁在这条街", "人民路\nRENMIN RD");
    assert!(!g.say("我自行车锁哪儿了").text.contains("人民路"));
}

#[test]
fn l4_learns_a_menu_habit_however_it_is_put() {
    for rule in [
        "以后点菜的时候，把有花生的菜都圈出来",
        "往后只要看到菜单，就提醒我哪些菜放了花生",
    ] {
        let mut g = glasses(4);
        let r = g.say(rule);
        assert_eq!(names(&r), ["preference.set"], "{rule}: {}", r.text);
        let r = g.look("菜单上都有哪些", NOODLE_MENU);
        assert!(r.text.contains("按你的习惯"), "{rule}: {}", r.text);
        assert!(r.text.contains("担担面"), "{rule}: {}", r.text);
    }
    // A one-off question about a menu is not a habit.
    let mut g = glasses(4);
    let r = g.look("哪些菜有花生", NOODLE_MENU);
    assert!(
        names(&r).is_empty() && r.text.contains("担担面"),
        "{}",
        r.text
    );
    // L3 declines to learn.
    let r = glasses(3).say("以后点菜的时候，把有花生的菜都圈出来");
    assert!(names(&r).is_empty());
}

#[test]
fn l4_hands_the_route_of_a_named_place_to_the_car() {
    let mut g = glasses(4).link("my-car", "car");
    let r = g.say("把西湖断桥的路线发到车上");
    assert_eq!(
        arg(&r, "nav.route", "destination"),
        Some(&json!("西湖断桥")),
        "{}",
        r.text
    );
}

#[test]
fn l4_shows_the_photo_just_taken_on_a_linked_screen_when_pointed_at() {
    let mut g = glasses(4).link("den-tv", "tv");
    g.say("拍张相片");
    let r = g.say("把刚拍的放到电视上");
    assert_eq!(names(&r), ["photo.show"], "{}", r.text);
    assert_eq!(r.actions[0].target.as_deref(), Some("den-tv"));
}

#[test]
fn a_call_with_the_callee_after_the_verb_is_understood() {
    let mut g = glasses(2);
    let r = g.say("拨一下给王芳");
    assert_eq!(names(&r), ["call.dial"], "{}", r.text);
    assert_eq!(arg(&r, "call.dial", "contact"), Some(&json!("王芳")));
    let mut g = glasses(2);
    let r = g.say("麻烦再打一遍给陈静");
    assert_eq!(
        arg(&r, "call.dial", "contact"),
        Some(&json!("陈静")),
        "{}",
        r.text
    );
}

#[test]
fn l4_puts_music_on_the_linked_speaker_when_asked_for_some() {
    let mut g = glasses(4).link("den-speaker", "speaker");
    let r = g.say("音箱上来点王菲吧");
    assert_eq!(names(&r), ["media.play"], "{}", r.text);
    assert_eq!(
        r.actions[0].target.as_deref(),
        Some("den-speaker"),
        "{}",
        r.text
    );
    assert_eq!(arg(&r, "media.play", "artist"), Some(&json!("王菲")));
}
