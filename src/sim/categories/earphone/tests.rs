//! Behaviour of the simulated earphones by level, with requests that are not the suite's own.

use serde_json::json;

use super::EARPHONE;
use crate::device::protocol::{Event, Input};
use crate::sim::categories::glasses::tests::{Sim, arg, names, wav};

fn earphone(level: u8) -> Sim {
    Sim::of(&EARPHONE, level)
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
    let r = e.say("这歌声音太大了");
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

    let mut e = earphone(3);
    let data = json!({ "from": "李雷", "text": "到了吗" })
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
    let mut e = earphone(3);
    let data = json!({ "from": "刘洋", "text": "晚上一起吃饭吗" })
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
    e.say("开启同声传译");
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
        arg(&earphone(1).say("继续播放音乐"), "media.control", "op"),
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
