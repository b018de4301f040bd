//! Hearing and seeing for the simulator. The fixtures carry what a perfect recogniser would get
//! (see `media.rs`); what the simulated terminal makes of it depends on its level, like a real
//! terminal's recogniser: how much noise it copes with, and whether it was woken at all.

use super::media::{self, MediaMeta};
use super::turn::Caps;
use crate::device::protocol::Media;

/// The wake words of the project's fixtures, as they appear in transcripts (normalised).
const WAKE_WORDS: &[&str] = &["小艾小艾", "hey ailey", "hi ailey"];

/// Speech that sounds like the wake word but is not: a terminal in wake-word mode must stay
/// silent on it (the false-wake side of GB/T 45354.1-style wake tests).
const NEAR_WAKE: &[&str] = &[
    "小爱", "晓艾", "小艾", "筱艾", "hailey", "haley", "ailey", "bailey",
];

/// The lowest signal-to-noise ratio, in dB, at which a level's recogniser still gets the words:
/// L1 needs a quiet setting, L2 copes with a street, L3 and above with loud noise.
pub fn noise_floor_db(caps: Caps) -> f64 {
    match caps.level {
        1 => 10.0,
        2 => 5.0,
        _ => 0.0,
    }
}

/// What the terminal made of an audio input.
#[derive(Debug, Clone, PartialEq)]
pub enum Heard {
    /// Words addressed to the terminal (the wake word, if any, removed).
    Words(String),
    /// Only the wake word: the terminal wakes and waits.
    WakeOnly,
    /// Speech not addressed to it: no reaction at all.
    NotWoken,
    /// Too noisy for this level's recogniser.
    TooNoisy,
    /// Not audio it can decode.
    Unreadable,
}

pub fn hear(caps: Caps, audio: &Media) -> Heard {
    let Some(meta) = media::meta_of(audio) else {
        return Heard::Unreadable;
    };
    let text = super::nlu::normalize(&meta.text);
    let woken = WAKE_WORDS.iter().find_map(|w| text.strip_prefix(w));
    // Something like the wake word but not it: the wake engine does not fire, in quiet or in
    // noise, so the terminal stays silent whatever its recogniser could have made of it.
    if woken.is_none() && NEAR_WAKE.iter().any(|w| text.contains(w)) {
        return Heard::NotWoken;
    }
    if meta.snr_db.is_some_and(|snr| snr < noise_floor_db(caps)) {
        return Heard::TooNoisy;
    }
    match woken {
        Some(rest) => {
            let rest = rest.trim_start_matches([',', ' ', '，']).trim();
            if rest.is_empty() {
                Heard::WakeOnly
            } else {
                Heard::Words(rest.to_string())
            }
        }
        None if text.is_empty() => Heard::Unreadable,
        None => Heard::Words(text),
    }
}

/// What the terminal read in a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    /// The text written in it, one line per line; empty when none.
    pub text: String,
    pub objects: Vec<String>,
}

pub fn see(image: &Media) -> Option<Seen> {
    let MediaMeta { text, objects, .. } = media::meta_of(image)?;
    Some(Seen {
        text: text.trim().to_string(),
        objects,
    })
}

/// Common object names in Chinese, for describing a picture to a Chinese-speaking user.
pub fn object_zh(name: &str) -> &str {
    match name {
        "apple" => "苹果",
        "banana" => "香蕉",
        "cup" => "杯子",
        "table" => "桌子",
        "plate" => "盘子",
        "saucer" => "碟子",
        "sign" | "road sign" | "direction sign" | "street name sign" => "路牌",
        "stop sign" => "停车标志",
        "speed limit sign" => "限速标志",
        "menu" => "菜单",
        "receipt" => "小票",
        "business card" => "名片",
        "notice" => "通知",
        "poster" | "film poster" => "海报",
        "medicine box" => "药盒",
        "milk carton" => "牛奶盒",
        "qr code" => "二维码",
        "bar chart" => "柱状图",
        "tv screen" => "电视画面",
        "programme guide" => "节目单",
        "bus stop timetable" => "公交时刻表",
        "road" => "道路",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::fixtures::wav_from_meta as wav;

    #[test]
    fn noise_tolerance_grows_with_the_level() {
        let street =
            wav(r#"{"ailevel":1,"text":"打开日历","lang":"zh","scene":"street","snr_db":5}"#);
        assert_eq!(hear(Caps::for_level(1), &street), Heard::TooNoisy);
        assert_eq!(
            hear(Caps::for_level(2), &street),
            Heard::Words("打开日历".into())
        );
    }

    #[test]
    fn wake_words_and_near_misses() {
        let l3 = Caps::for_level(3);
        let woken = wav(r#"{"ailevel":1,"text":"小艾小艾，打开日历","snr_db":20}"#);
        assert_eq!(hear(l3, &woken), Heard::Words("打开日历".into()));
        assert_eq!(
            hear(l3, &wav(r#"{"ailevel":1,"text":"Hey Ailey","snr_db":20}"#)),
            Heard::WakeOnly
        );
        assert_eq!(
            hear(
                l3,
                &wav(r#"{"ailevel":1,"text":"晓艾今天没来上班","snr_db":20}"#)
            ),
            Heard::NotWoken
        );
        assert_eq!(
            hear(
                l3,
                &wav(r#"{"ailevel":1,"text":"Hey Hailey, come over here","snr_db":20}"#)
            ),
            Heard::NotWoken
        );
        assert_eq!(
            hear(
                l3,
                &Media {
                    format: "wav".into(),
                    data_b64: "bm90IGEgd2F2".into()
                }
            ),
            Heard::Unreadable
        );
    }
}
