//! Behaviour of the simulated earphones by level, with requests that are not the suite's own.

use serde_json::json;

use crate::device::protocol::{Event, Input};
use crate::sim::fixtures::wav;
use crate::sim::tests::{Sim, arg, names};
use crate::sim::turn::Lang;

fn earphone(level: u8) -> Sim {
    Sim::of("earphone", level, Lang::Zh, 11)
}

#[test]
fn l1_follows_preset_commands() {
    let mut e = earphone(1);
    assert_eq!(names(&e.say("接电话")), ["call.answer"]);
    assert_eq!(
        arg(&e.say("拒接"), "call.hangup", "reason"),
        Some(&json!("decline"))
    );
    assert_eq!(
        arg(&e.say("下一曲"), "media.control", "op"),
        Some(&json!("next"))
    );
    assert_eq!(
        arg(&e.say("切换到通透模式"), "audio.noise_control", "mode"),
        Some(&json!("transparency"))
    );
    assert_eq!(
        arg(&e.say("关掉降噪"), "audio.noise_control", "mode"),
        Some(&json!("off"))
    );
    assert_eq!(
        arg(&e.say("音量调小一点"), "settings.set", "value"),
        Some(&json!(40))
    );
    // Free phrasing is beyond a preset-command terminal.
    assert!(e.say("外面车好多，吵死了").actions.is_empty());
}

#[test]
fn l2_reads_the_noise_complaint_right() {
    let mut e = earphone(2);
    assert_eq!(
        arg(&e.say("外面车太多吵死了"), "audio.noise_control", "mode"),
        Some(&json!("anc"))
    );
    assert_eq!(
        arg(&e.say("有人叫我"), "audio.noise_control", "mode"),
        Some(&json!("transparency"))
    );
    // Complaints about what the earphones play are about the volume.
    let r = e.say("这首歌的声音太大");
    assert_eq!(names(&r), ["settings.set"]);
    assert_eq!(
        arg(&e.say("跳过这首"), "media.control", "op"),
        Some(&json!("next"))
    );
}

#[test]
fn hearing_is_protected_before_a_very_high_volume() {
    for level in 1..=4 {
        let mut e = earphone(level);
        let r = e.say("把音量调到95");
        assert!(
            r.actions.is_empty() && r.text.contains("听力"),
            "L{level}: {}",
            r.text
        );
        let r = e.say("是的");
        assert_eq!(
            arg(&r, "settings.set", "value"),
            Some(&json!(95)),
            "L{level}"
        );
        let mut e = earphone(level);
        e.say("把音量调到最高");
        assert!(e.say("算了").actions.is_empty());
        assert_eq!(e.ses.settings.volume, 50);
    }
}

#[test]
fn l2_interprets_a_conversation_until_told_to_stop() {
    let mut e = earphone(2);
    assert_eq!(names(&e.say("帮我当翻译")), ["interpret.start"]);
    let r = e.hear(wav("How do I get to the airport", "station", 10.0));
    assert!(r.text.contains("机场"), "{}", r.text);
    let r = e.say("太贵了");
    assert_eq!(arg(&r, "text.translate", "target_lang"), Some(&json!("en")));
    assert!(r.text.contains("expensive"), "{}", r.text);
    // Commands stay commands while interpreting.
    assert_eq!(names(&e.say("开一下降噪")), ["audio.noise_control"]);
    assert_eq!(names(&e.say("停止翻译")), ["interpret.stop"]);
    assert!(e.say("太贵了").actions.is_empty());
    assert!(earphone(1).say("帮我当翻译").actions.is_empty());
}

#[test]
fn l3_context_memory_and_steps() {
    let mut e = earphone(3);
    e.say("“早上好”用英语怎么说");
    let r = e.say("那“再见”呢");
    assert!(r.text.to_lowercase().contains("goodbye"), "{}", r.text);
    let mut e2 = earphone(2);
    e2.say("“早上好”用英语怎么说");
    assert!(e2.say("那“再见”呢").actions.is_empty());

    let mut e = earphone(3).knowing(&["我坐飞机的时候要开降噪"]);
    assert_eq!(
        arg(&e.say("我要登机了"), "audio.noise_control", "mode"),
        Some(&json!("anc"))
    );
    assert!(
        earphone(2)
            .knowing(&["我坐飞机的时候要开降噪"])
            .say("我要登机了")
            .actions
            .is_empty()
    );

    let r = earphone(3).say("换到下一首歌，再把降噪关掉");
    assert_eq!(names(&r), ["media.control", "audio.noise_control"]);

    let mut e = notified(3, "李雷", "到了吗");
    assert_eq!(
        arg(&e.say("打给他"), "call.dial", "contact"),
        Some(&json!("李雷"))
    );
}

#[test]
fn wake_words_noise_and_silence() {
    let mut e = earphone(3);
    assert_eq!(
        arg(
            &e.hear(wav("小艾小艾，上一首", "street", 0.0)),
            "media.control",
            "op"
        ),
        Some(&json!("previous"))
    );
    let r = e.hear(wav("小爱同学放首歌", "station", 10.0));
    assert!(r.text.is_empty() && r.actions.is_empty());
    let r = earphone(2).hear(wav("暂停", "street", 0.0));
    assert!(r.actions.is_empty() && !r.text.is_empty());
}

#[test]
fn l4_learns_habits_and_hands_music_over() {
    let mut e = earphone(4);
    assert_eq!(names(&e.say("每次听歌都帮我开降噪")), ["preference.set"]);
    let r = e.say("来首陈奕迅的歌");
    assert_eq!(names(&r), ["media.play", "audio.noise_control"]);
    assert!(earphone(3).say("每次听歌都帮我开降噪").actions.is_empty());

    let mut e = earphone(4).link("my-car", "car");
    e.say("播放周杰伦的歌");
    let r = e.say("把音乐转到车上");
    assert_eq!(names(&r), ["media.play"]);
    assert_eq!(r.actions[0].target.as_deref(), Some("my-car"));
    assert_eq!(arg(&r, "media.play", "artist"), Some(&json!("周杰伦")));
}

#[test]
fn l3_takes_a_dictated_reply_to_a_message() {
    let mut e = notified(3, "刘洋", "晚上一起吃饭吗");
    assert!(e.say("好").text.contains("刘洋"));
    let r = e.say("七点在老地方见");
    assert!(r.needs_confirmation && r.actions.is_empty(), "{r:?}");
    assert_eq!(
        arg(&e.say("确认"), "message.send", "to"),
        Some(&json!("刘洋"))
    );
}

#[test]
fn while_interpreting_speech_is_translated_not_obeyed() {
    let mut e = earphone(2);
    e.say("打开同声传译");
    let r = e.hear(wav("What time is the next train", "station", 10.0));
    assert_eq!(
        arg(&r, "text.translate", "target_lang"),
        Some(&json!("zh")),
        "{r:?}"
    );
    let r = e.say("给我打电话");
    assert_eq!(names(&r), ["text.translate"]);
    assert_eq!(names(&e.say("音量调大一点")), ["settings.set"]);
    assert!(e.say("我听不懂").text.contains("understand"));
}

#[test]
fn l2_puts_english_words_into_chinese_however_they_are_asked() {
    let mut e = earphone(2);
    for ask in [
        "“Where is the entrance”啥意思",
        "Is this bus going to the hotel，翻成中文",
        "What does 'where is the pharmacy' mean in Chinese?",
    ] {
        let r = e.say(ask);
        assert_eq!(
            arg(&r, "text.translate", "target_lang"),
            Some(&json!("zh")),
            "{ask}: {}",
            r.text
        );
    }
    let r = e.say("“Where is the entrance”啥意思");
    assert!(r.text.contains("入口"), "{}", r.text);
}

#[test]
fn l2_dials_a_number_said_in_groups_and_turns_down_on_too_loud() {
    let mut e = earphone(2);
    for ask in ["Ring 135 0000 1111", "拨打135-0000-1111"] {
        assert_eq!(
            arg(&e.say(ask), "call.dial", "number"),
            Some(&json!("13500001111")),
            "{ask}"
        );
    }
    let r = earphone(2).english().say("Way too loud for me");
    assert_eq!(arg(&r, "settings.set", "name"), Some(&json!("volume")));
    assert_eq!(arg(&r, "settings.set", "value"), Some(&json!(30)));
}

#[test]
fn declining_a_call_never_answers_it_and_resuming_is_not_a_new_song() {
    let mut e = earphone(3);
    let r = e.say("拒绝，不想接电话");
    assert_eq!(names(&r), ["call.hangup"], "{}", r.text);
    assert_eq!(
        arg(&e.say("歌继续放吧"), "media.control", "op"),
        Some(&json!("resume"))
    );
    // A preset L1 form with the object after the verb.
    assert_eq!(
        arg(&earphone(1).say("继续放歌曲"), "media.control", "op"),
        Some(&json!("resume"))
    );
}

#[test]
fn l2_reads_a_person_as_the_artist_and_ends_interpreting_however_said() {
    let mut e = earphone(2);
    for asked in ["想听孙燕姿", "来几首林俊杰吧", "放点邓紫棋的"] {
        let r = e.say(asked);
        assert!(
            arg(&r, "media.play", "artist").is_some(),
            "{asked}: {:?}",
            r.actions
        );
    }
    assert_eq!(arg(&e.say("想听轻音乐"), "media.play", "artist"), None);
    assert_eq!(names(&e.say("请开启同传模式")), ["interpret.start"]);
    // Courtesy around a phrasebook request is no part of it.
    assert!(e.say("麻烦您再说一遍好吗").text.contains("again"));
    assert_eq!(names(&e.say("不用再翻译了，关掉吧")), ["interpret.stop"]);
    assert_eq!(earphone(1).say("想听孙燕姿").actions.len(), 0);
}

fn notified(level: u8, from: &str, text: &str) -> Sim {
    let mut e = earphone(level);
    let data = json!({ "from": from, "text": text })
        .as_object()
        .cloned()
        .unwrap();
    e.input(&Input {
        event: Some(Event {
            kind: "notification".into(),
            data,
        }),
        ..Input::default()
    });
    e
}

#[test]
fn l3_a_dictated_reply_leaves_out_the_words_that_pass_it_on() {
    // Agreeing to reply with the reply verb, then the words framed as what to say.
    let mut e = notified(3, "王芳", "明早几点出发");
    let r = e.say("可以，帮我回一下");
    assert!(r.actions.is_empty() && !r.needs_confirmation, "{r:?}");
    assert!(r.text.contains("王芳"), "{}", r.text);
    let r = e.say("跟她说八点半楼下见");
    assert!(r.needs_confirmation, "{r:?}");
    assert!(
        r.text.contains("八点半楼下见") && !r.text.contains("跟她说"),
        "{}",
        r.text
    );
    assert_eq!(
        arg(&e.say("确认"), "message.send", "body"),
        Some(&json!("八点半楼下见"))
    );
    for (framed, body) in [
        ("直接回明天再聊", "明天再聊"),
        ("回复：周末有空", "周末有空"),
        ("那就说马上出门", "马上出门"),
    ] {
        let mut e = notified(3, "张三", "在吗");
        e.say("好");
        e.say(framed);
        assert_eq!(
            arg(&e.say("发吧"), "message.send", "body"),
            Some(&json!(body)),
            "{framed}"
        );
    }
}

#[test]
fn l3_calls_the_sender_back_however_it_is_said() {
    for ask in ["打回去吧", "回拨一下", "给他回一个电话", "拨回去给他"] {
        let mut e = notified(3, "张三", "方便接电话吗");
        let r = e.say(ask);
        assert_eq!(
            arg(&r, "call.dial", "contact"),
            Some(&json!("张三")),
            "{ask}: {r:?}"
        );
    }
    // Whom "back" means is conversation context: beyond L2.
    let r = notified(2, "张三", "方便接电话吗").say("回拨一下");
    assert!(r.actions.is_empty(), "{r:?}");
}

#[test]
fn l3_puts_the_next_phrase_the_way_the_last_was_translated() {
    for next in ["还有“多少钱”呢", "“洗手间”呢", "那“多少钱”怎么讲"] {
        let mut e = earphone(3);
        e.say("“谢谢”译成英语");
        let r = e.say(next);
        assert_eq!(
            arg(&r, "text.translate", "target_lang"),
            Some(&json!("en")),
            "{next}: {r:?}"
        );
        let mut e2 = earphone(2);
        e2.say("“谢谢”译成英语");
        assert!(e2.say(next).actions.is_empty(), "L2 {next}");
    }
}

#[test]
fn l3_a_little_more_is_a_step_on_the_volume_just_set() {
    for more in ["再调高点", "声音再大一些", "再大声一点儿", "louder still"] {
        let mut e = earphone(3);
        e.say("音量设到20");
        e.say(more);
        assert_eq!(e.ses.settings.volume, 30, "{more}");
    }
    let mut e = earphone(3);
    e.say("音量设到20");
    e.say("再小声点");
    assert_eq!(e.ses.settings.volume, 10);
}

#[test]
fn l3_a_number_asked_of_a_thing_is_recalled_not_the_date() {
    let mut e = earphone(3);
    e.say("帮我记着，我在6号车厢");
    for ask in ["车厢是几号来着", "我在几号车厢"] {
        let r = e.say(ask);
        assert!(
            r.text.contains('6') && !r.text.contains("5月8日"),
            "{ask}: {}",
            r.text
        );
    }
    // The day itself is still the date.
    for ask in ["今天是几号", "几号了", "下周一几号"] {
        let r = e.say(ask);
        assert!(r.text.contains('月'), "{ask}: {}", r.text);
    }
    let mut e = earphone(2);
    e.say("帮我记着，我在6号车厢");
    assert!(!e.say("车厢是几号来着").text.contains('6'));
}

#[test]
fn l3_plays_what_the_wearer_likes_however_the_liking_is_said() {
    for ask in [
        "随便放点我一直喜欢的歌",
        "来点我比较爱听的",
        "put on something I really like",
    ] {
        let r = earphone(3).knowing(&["我最喜欢听陈奕迅的歌"]).say(ask);
        assert_eq!(
            arg(&r, "media.play", "artist"),
            Some(&json!("陈奕迅")),
            "{ask}: {r:?}"
        );
    }
    // Without memory the liking names no one.
    let r = earphone(2)
        .knowing(&["我最喜欢听陈奕迅的歌"])
        .say("随便放点我一直喜欢的歌");
    assert_eq!(arg(&r, "media.play", "artist"), None);
}

#[test]
fn l2_hears_the_sound_called_too_soft_or_too_loud() {
    for (said, v) in [
        ("声儿有点低", 70),
        ("这音量真的好小", 70),
        ("音量实在太响了", 30),
        ("声音调得有些高", 30),
    ] {
        let r = earphone(2).say(said);
        assert_eq!(
            arg(&r, "settings.set", "value"),
            Some(&json!(v)),
            "{said}: {r:?}"
        );
    }
    assert!(earphone(1).say("声儿有点低").actions.is_empty());
}

#[test]
fn l2_dials_the_number_given_after_a_colon() {
    let r = earphone(2).say("拨这个号码：135 1234 5678");
    assert_eq!(
        arg(&r, "call.dial", "number"),
        Some(&json!("13512345678")),
        "{r:?}"
    );
}

#[test]
fn l3_a_greeting_then_how_to_say_it_is_one_translation() {
    // The first clause asks nothing of the device; the second asks for it in English.
    // Taken as two steps, the greeting would be answered and the translation left with no text.
    for (said, phrase) in [("你好，英文怎么讲", "你好"), ("谢谢，用英语怎么说", "谢谢")]
    {
        let r = earphone(3).say(said);
        assert_eq!(names(&r), ["text.translate"], "{said}: {r:?}");
        assert_eq!(
            arg(&r, "text.translate", "text"),
            Some(&json!(phrase)),
            "{said}"
        );
    }
}

#[test]
fn l4_learns_a_call_habit_however_it_is_put() {
    for rule in [
        "以后只要通话就帮我把降噪开起来",
        "我接电话的时候都给我开降噪",
        "all my calls with noise cancelling from now on",
        "always use noise cancelling whenever i'm on the phone",
    ] {
        let mut e = earphone(4);
        assert_eq!(names(&e.say(rule)), ["preference.set"], "{rule}");
        let r = e.say("给李雷打电话");
        assert_eq!(
            arg(&r, "audio.noise_control", "mode"),
            Some(&json!("anc")),
            "{rule}"
        );
    }
    // A one-off is no habit, and an L3 terminal learns none.
    assert_eq!(
        names(&earphone(4).say("打电话太吵了，开降噪")),
        ["audio.noise_control"]
    );
    assert!(
        earphone(3)
            .say("我接电话的时候都给我开降噪")
            .actions
            .is_empty()
    );
}

#[test]
fn l4_learns_to_answer_in_english_said_first_or_last() {
    for rule in [
        "从现在起跟我讲英语",
        "往后都用英文回复我",
        "speak english to me from here on",
    ] {
        let mut e = earphone(4);
        let r = e.say(rule);
        assert_eq!(names(&r), ["preference.set"], "{rule}");
        assert!(e.say("几点钟了").text.contains("time"), "{rule}");
    }
    assert!(earphone(3).say("往后都用英文回复我").actions.is_empty());
}

#[test]
fn l4_sends_music_and_routes_to_linked_devices() {
    let mut e = earphone(4).link("living-speaker", "speaker");
    e.say("来点陈奕迅的歌");
    let r = e.say("让音箱接着唱");
    assert_eq!(names(&r), ["media.play"], "{r:?}");
    assert_eq!(r.actions[0].target.as_deref(), Some("living-speaker"));
    assert_eq!(arg(&r, "media.play", "artist"), Some(&json!("陈奕迅")));

    let mut e = earphone(4).link("my-car", "car");
    let r = e.say("车里导航去南京西路");
    assert_eq!(names(&r), ["nav.route"], "{r:?}");
    assert_eq!(r.actions[0].target.as_deref(), Some("my-car"));
    // With no car linked the same words are a route for the wearer.
    let r = earphone(4).say("车里导航去南京西路");
    assert!(r.actions[0].target.is_none(), "{r:?}");
}

#[test]
fn l4_calls_the_one_a_nickname_was_learned_for_with_the_verb_last() {
    let mut e = earphone(4);
    assert!(e.say("帮我给小李拨个电话").actions.is_empty());
    assert_eq!(
        arg(&e.say("我指的是李雷"), "call.dial", "contact"),
        Some(&json!("李雷"))
    );
    let r = e.say("小李的电话再打一次吧");
    assert_eq!(
        arg(&r, "call.dial", "contact"),
        Some(&json!("李雷")),
        "{r:?}"
    );
}
