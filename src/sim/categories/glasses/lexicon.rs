//! What the simulated glasses and earphones know about the world they see and hear: a
//! traveller's phrasebook (signs, menus, labels, questions one asks at a station), the advice a
//! sign implies, and the ingredients of common dishes. It is vocabulary, not a list of test
//! sentences: anything not covered falls back on the general glossary translator
//! (`text_tools`), as a real glossary translator would.

use std::sync::LazyLock;

use regex::Regex;

use crate::sim::nlu;
use crate::sim::plans::re;
use crate::sim::text_tools;
use crate::sim::turn::has_cue;

/// Whole phrases as they appear on signs, menus and labels: (Chinese, English).
pub const PHRASES: &[(&str, &str)] = &[
    // signs
    ("禁止吸烟", "No smoking"),
    ("请勿吸烟", "No smoking"),
    ("小心地滑", "Caution: wet floor"),
    ("当心滑倒", "Caution: slippery"),
    ("小心台阶", "Mind the step"),
    ("当心碰头", "Mind your head"),
    ("当心触电", "Danger: electricity"),
    ("禁止通行", "No entry"),
    ("禁止入内", "No entry"),
    ("闲人免进", "Staff only"),
    ("禁止拍照", "No photography"),
    ("请勿触摸", "Please do not touch"),
    ("请勿喧哗", "Please keep quiet"),
    ("请排队", "Please queue"),
    ("安全出口", "Emergency exit"),
    ("紧急出口", "Emergency exit"),
    ("出口", "Exit"),
    ("入口", "Entrance"),
    ("停", "Stop"),
    ("停车场", "Car park"),
    ("禁止停车", "No parking"),
    ("洗手间", "Restroom"),
    ("卫生间", "Restroom"),
    ("厕所", "Toilet"),
    ("男厕", "Men's toilet"),
    ("女厕", "Women's toilet"),
    ("地铁站", "Metro station"),
    ("地铁", "Metro"),
    ("火车站", "Railway station"),
    ("公交站", "Bus stop"),
    ("售票处", "Ticket office"),
    ("问讯处", "Information desk"),
    ("服务台", "Service desk"),
    ("候车室", "Waiting room"),
    ("检票口", "Ticket gate"),
    ("站台", "Platform"),
    ("电梯", "Elevator"),
    ("扶梯", "Escalator"),
    ("楼梯", "Stairs"),
    ("机场", "Airport"),
    ("医院", "Hospital"),
    ("药店", "Pharmacy"),
    ("营业中", "Open"),
    ("暂停服务", "Out of service"),
    ("推", "Push"),
    ("拉", "Pull"),
    ("一楼", "1st floor"),
    ("二楼", "2nd floor"),
    ("三楼", "3rd floor"),
    ("地下一层", "Basement 1"),
    ("菜单", "Menu"),
    // dishes and drinks
    ("宫保鸡丁", "Kung Pao chicken"),
    ("麻婆豆腐", "Mapo tofu"),
    ("酸辣汤", "Hot and sour soup"),
    ("米饭", "Steamed rice"),
    ("鱼香肉丝", "Yu-shiang shredded pork"),
    ("西红柿炒鸡蛋", "Scrambled eggs with tomato"),
    ("番茄炒蛋", "Scrambled eggs with tomato"),
    ("红烧肉", "Braised pork belly"),
    ("糖醋排骨", "Sweet and sour spare ribs"),
    ("清蒸鱼", "Steamed fish"),
    ("水煮鱼", "Fish in chili broth"),
    ("担担面", "Dan dan noodles"),
    ("牛肉面", "Beef noodle soup"),
    ("小笼包", "Soup dumplings"),
    ("饺子", "Dumplings"),
    ("炒饭", "Fried rice"),
    ("凉拌黄瓜", "Smashed cucumber salad"),
    ("北京烤鸭", "Peking duck"),
    ("绿茶", "Green tea"),
    ("豆浆", "Soy milk"),
    ("凯撒沙拉", "Caesar salad"),
    ("蘑菇汤", "Mushroom soup"),
    ("烤三文鱼", "Grilled salmon"),
    ("柠檬水", "Lemonade"),
    ("橙汁", "Orange juice"),
    ("咖啡", "Coffee"),
    ("牛奶", "Milk"),
    ("有机全脂牛奶", "Organic whole milk"),
    ("全脂牛奶", "Whole milk"),
    ("请冷藏", "Keep refrigerated"),
    ("冷藏", "Keep refrigerated"),
    ("饭后服用", "Take after meals"),
    ("饭前服用", "Take before meals"),
    // a traveller's questions
    ("请问", "Excuse me"),
    ("谢谢", "Thank you"),
    ("谢谢你的帮助", "Thank you for your help"),
    ("多少钱", "How much is it?"),
    ("太贵了", "It's too expensive"),
    ("买单", "The bill, please"),
    ("我迷路了", "I'm lost"),
    ("我听不懂", "I don't understand"),
    ("说慢一点", "Please speak more slowly"),
    ("请再说一遍", "Could you say that again, please?"),
    ("再说一遍", "Could you say that again, please?"),
    ("我不会说英语", "I don't speak English"),
    ("我不会说中文", "I don't speak Chinese"),
    ("稍等一下", "Just a moment, please"),
    ("没问题", "No problem"),
    ("我也不知道", "I don't know either"),
    ("我迟到了", "I'm late"),
];

/// English words and phrases for which the Chinese differs from a word-for-word rendering.
const EN_ONLY: &[(&str, &str)] = &[
    ("caution wet floor", "小心地滑"),
    ("wet floor", "小心地滑"),
    ("slippery", "地滑"),
    ("way out", "出口"),
    ("exit", "出口"),
    ("entrance", "入口"),
    ("delayed", "晚点"),
    ("this", "这个"),
    ("subway station", "地铁站"),
    ("train station", "火车站"),
    ("railway station", "火车站"),
    ("the airport", "机场"),
    ("toilets", "洗手间"),
    ("bathroom", "洗手间"),
    ("trains", "列车"),
    ("train", "列车"),
    ("bus", "公交车"),
    ("best before", "保质期至"),
    ("use by", "请在此日期前食用"),
    ("lift", "电梯"),
    ("gate", "登机口"),
    ("departures", "出发"),
    ("arrivals", "到达"),
    ("ticket", "票"),
    ("tickets", "票"),
    ("salad", "沙拉"),
    ("soup", "汤"),
    ("salmon", "三文鱼"),
    ("chicken", "鸡肉"),
    ("beef", "牛肉"),
    ("pork", "猪肉"),
    ("fish", "鱼"),
    ("rice", "米饭"),
    ("noodles", "面条"),
    ("organic", "有机"),
    ("whole", "全脂"),
    ("fresh", "新鲜"),
];

fn fold_en(s: &str) -> String {
    let lower = s.to_lowercase();
    let cleaned: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '\'' || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Names of one kind of place, in either language: a sign says one, the wearer may ask for
/// another ("厕所" for a sign's "洗手间", "the subway" for "地铁站").
const PLACE_KINDS: &[&[&str]] = &[
    &[
        "洗手间",
        "卫生间",
        "厕所",
        "公厕",
        "toilet",
        "toilets",
        "restroom",
        "restrooms",
        "bathroom",
        "bathrooms",
        "washroom",
        "washrooms",
        "lavatory",
        "wc",
        "loo",
    ],
    &["地铁站", "地铁", "metro", "subway", "underground", "tube"],
    &["出口", "exit", "way out"],
    &["入口", "entrance", "way in"],
    &["电梯", "elevator", "lift"],
    &["停车场", "parking", "car park"],
    &["售票处", "票务", "ticket office", "tickets"],
];

/// Whether the text names the kind of place `place` is, by any of that kind's names.
pub fn names_kind_of(text: &str, place: &str) -> bool {
    let p = place.to_lowercase();
    PLACE_KINDS
        .iter()
        .filter(|kind| kind.iter().any(|w| has_cue(&p, w)))
        .any(|kind| kind.iter().any(|w| has_cue(text, w)))
}

/// The English of a Chinese phrase in the phrasebook.
pub fn zh_to_en_phrase(zh: &str) -> Option<&'static str> {
    PHRASES.iter().find(|(z, _)| *z == zh).map(|(_, e)| *e)
}

/// The Chinese of an English phrase in the phrasebook.
pub fn en_to_zh_phrase(en: &str) -> Option<&'static str> {
    let e = fold_en(en);
    PHRASES
        .iter()
        .map(|(z, x)| (*x, *z))
        .chain(EN_ONLY.iter().copied())
        .find(|(x, _)| fold_en(x) == e)
        .map(|(_, z)| z)
}

/// Whether a line is written in Chinese (any Han character) rather than English.
pub fn is_zh(s: &str) -> bool {
    s.chars().any(nlu::is_cjk)
}

/// Arrows and other symbols on direction signs, with what they mean.
pub const ARROWS: &[(char, &str, &str)] = &[
    ('→', "右", "right"),
    ('←', "左", "left"),
    ('↑', "前", "straight ahead"),
    ('↗', "右前", "ahead on the right"),
    ('↖', "左前", "ahead on the left"),
    ('↓', "后", "back"),
];

/// A line without its arrows and decoration.
/// A phrase without the courtesy around it ("能请您…吗", "麻烦…"): the phrasebook holds the
/// plain request, and the translation says "please" itself.
fn uncourteous(l: &str) -> String {
    static COURTESY: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:能不能|能否|可不可以|可以|能)?(?:请您|请你|麻烦您|麻烦你|麻烦|劳驾|请)?(?P<x>.+?)(?:好吗|行吗|可以吗|吗|吧|呢)?$",
        )
    });
    COURTESY
        .captures(l)
        .map_or_else(|| l.to_string(), |c| c["x"].to_string())
}

pub fn bare(line: &str) -> String {
    line.chars()
        .filter(|c| !ARROWS.iter().any(|(a, ..)| a == c))
        .collect::<String>()
        .trim()
        .to_string()
}

static PRICE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?P<item>.+?)\s*[¥￥$]?\s*(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<u>元|块|yuan)?$")
});
static DISTANCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<u>米|公里|千米)$"));
static EN_DISTANCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<u>m|km|metres|meters)$"));
static FLOOR_ZH: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?P<n>[0-9一二三四五六七八九十]+)(?:楼|层)$"));
static ROAD_EN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?P<name>[a-z]+)\s+(?:rd|road)\b\.?"));
static PLATFORM_EN: LazyLock<Regex> = LazyLock::new(|| re(r"^platform (?P<n>[0-9]+)$"));
static TO_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?P<what>trains?|buses|bus|flights?)(?: to| for) (?:the )?(?P<place>.+)$")
});
static BEST_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:best before|use by|expiry date|exp\.?|bb)[: ]*(?P<d>.+)$"));
static VOLUME_EN: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<u>l|ml|g|kg)$"));

// Questions a traveller asks, as patterns in each language.
static Q_WHERE_ZH: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:请问)?,?(?:最近的)?(?P<x>.+?)在哪(?:里|儿)?(?:呢)?$"));
static Q_GO_ZH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:请问)?,?这(?:趟|班|辆|列)?(?:车|火车|地铁|公交车?|巴士)(?:是)?(?:去|到|开往)(?P<x>.+?)(?:的)?吗$",
    )
});
static Q_HOW_ZH: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:请问)?,?(?:去|到)(?P<x>.+?)(?:怎么走|怎么去)$"));
static Q_PRICE_ZH: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:请问)?,?(?P<x>.+?)多少钱$"));
static Q_WANT_ZH: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:请问)?,?我(?:想要|要|想买)(?:一(?:杯|份|个|张|瓶))?(?P<x>.+?)$"));
static Q_WHERE_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:excuse me,? )?where(?: is|'s| are) (?:the )?(?:nearest )?(?P<x>.+?)\??$")
});
static Q_GO_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:excuse me,? )?(?:does|is) this (?:train|bus|metro|subway)(?: going)? (?:go )?to (?:the )?(?P<x>.+?)\??$",
    )
});
static Q_HOW_EN: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:excuse me,? )?how (?:do|can) i get to (?:the )?(?P<x>.+?)\??$"));
static Q_PRICE_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^how much (?:is|are|does) (?:the |this |that |it)?(?P<x>.*?)(?: cost)?\??$")
});

fn word_en(zh: &str) -> String {
    let zh = zh.trim_start_matches("最近的");
    match zh_to_en_phrase(zh) {
        Some(e) => e.to_lowercase(),
        None => text_tools::translate(zh, "en").text.to_lowercase(),
    }
}

fn word_zh(en: &str) -> String {
    match en_to_zh_phrase(en) {
        Some(z) => z.to_string(),
        None => text_tools::translate(en, "zh").text,
    }
}

/// One line of Chinese into English.
fn line_zh_en(line: &str) -> Option<String> {
    let l = bare(line)
        .trim_end_matches(['？', '?', '。', '!', '！'])
        .to_string();
    if l.is_empty() {
        return None;
    }
    if let Some(e) = zh_to_en_phrase(&l).or_else(|| zh_to_en_phrase(&uncourteous(&l))) {
        return Some(e.to_string());
    }
    if let Some(c) = DISTANCE.captures(&l) {
        let unit = if &c["u"] == "米" { "m" } else { "km" };
        return Some(format!("{} {unit}", &c["n"]));
    }
    if let Some(c) = FLOOR_ZH.captures(&l) {
        let n = nlu::cn_number(&c["n"]).unwrap_or(1);
        let suffix = match n {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        };
        return Some(format!("{n}{suffix} floor"));
    }
    if let Some(c) = PRICE_LINE.captures(&l)
        && let Some(item) = zh_to_en_phrase(c["item"].trim())
    {
        return Some(format!("{item} {} yuan", &c["n"]));
    }
    let q = |re: &Regex| re.captures(&l).map(|c| word_en(c["x"].trim()));
    if let Some(x) = q(&Q_GO_ZH) {
        return Some(format!("Does this train go to the {x}?"));
    }
    if let Some(x) = q(&Q_HOW_ZH) {
        return Some(format!("How do I get to the {x}?"));
    }
    if let Some(x) = q(&Q_WHERE_ZH) {
        let nearest = if l.contains("最近的") {
            "the nearest"
        } else {
            "the"
        };
        return Some(format!("Excuse me, where is {nearest} {x}?"));
    }
    if let Some(x) = q(&Q_PRICE_ZH) {
        return Some(format!("How much is the {x}?"));
    }
    if let Some(x) = q(&Q_WANT_ZH) {
        return Some(format!("I'd like {x}, please."));
    }
    None
}

/// One line of English into Chinese.
fn line_en_zh(line: &str) -> Option<String> {
    let l = fold_en(&bare(line));
    if l.is_empty() {
        return None;
    }
    if let Some(z) = en_to_zh_phrase(&l) {
        // The phrasebook holds plain requests; an English "please" asks for the courtesy back.
        let polite = l.starts_with("please ") && !z.starts_with('请');
        return Some(if polite {
            format!("请{z}")
        } else {
            z.to_string()
        });
    }
    if let Some(c) = PLATFORM_EN.captures(&l) {
        return Some(format!("{}号站台", &c["n"]));
    }
    if let Some(c) = TO_EN.captures(&l) {
        let what = match &c["what"] {
            "flight" | "flights" => "航班",
            "bus" | "buses" => "公交车",
            _ => "列车",
        };
        return Some(format!("开往{}的{what}", word_zh(&c["place"])));
    }
    if let Some(c) = BEST_BEFORE.captures(&l) {
        return Some(format!("保质期至{}", c["d"].trim()));
    }
    if let Some(c) = ROAD_EN.captures(&l) {
        let name = &c["name"];
        let mut chars = name.chars();
        let cap = chars
            .next()
            .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default();
        return Some(format!("{cap}路"));
    }
    if let Some(c) = EN_DISTANCE.captures(&l) {
        return Some(format!(
            "{}{}",
            &c["n"],
            if c["u"].starts_with('k') {
                "公里"
            } else {
                "米"
            }
        ));
    }
    if let Some(c) = VOLUME_EN.captures(&l) {
        let u = match &c["u"] {
            "l" => "升",
            "ml" => "毫升",
            "g" => "克",
            _ => "千克",
        };
        return Some(format!("{}{u}", &c["n"]));
    }
    if let Some(c) = PRICE_LINE.captures(&l)
        && let Some(item) = en_to_zh_phrase(c["item"].trim())
    {
        return Some(format!("{item} {}", &c["n"]));
    }
    let q = |re: &Regex| re.captures(&l).map(|c| word_zh(c["x"].trim()));
    if let Some(x) = q(&Q_GO_EN) {
        return Some(format!("这趟车去{x}吗？"));
    }
    if let Some(x) = q(&Q_HOW_EN) {
        return Some(format!("去{x}怎么走？"));
    }
    if let Some(x) = q(&Q_WHERE_EN) {
        let nearest = if l.contains("nearest") {
            "最近的"
        } else {
            ""
        };
        return Some(format!("请问{nearest}{x}在哪里？"));
    }
    if let Some(x) = q(&Q_PRICE_EN) {
        return Some(if x.is_empty() {
            "多少钱？".to_string()
        } else {
            format!("{x}多少钱？")
        });
    }
    None
}

/// Translate text between Chinese and English (`target` is `en` or `zh`), line by line: lines
/// already in the target language are kept (a bilingual street plate), phrasebook entries and
/// traveller's questions first, the general glossary for the rest.
pub fn translate(source: &str, target: &str) -> String {
    let lines: Vec<&str> = source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let has_target_line = lines.iter().any(|l| is_zh(l) == (target == "zh"));
    let mut out: Vec<String> = Vec::new();
    for line in &lines {
        let in_target = is_zh(line) == (target == "zh");
        if in_target {
            out.push(road_name(line, target));
            continue;
        }
        let known = if target == "en" {
            line_zh_en(line)
        } else {
            line_en_zh(line)
        };
        match known {
            Some(t) => out.push(t),
            // A name on a bilingual sign: its other-language line already says it.
            None if has_target_line && lines.len() > 1 => {}
            None => out.push(text_tools::translate(line, target).text),
        }
    }
    out.dedup();
    out.join(if target == "en" { " / " } else { "；" })
}

/// "ZHONGSHAN RD" as people say it: "Zhongshan Road".
fn road_name(line: &str, target: &str) -> String {
    if target != "en" {
        return line.to_string();
    }
    match ROAD_EN.captures(line) {
        Some(c) => {
            let name = c["name"].to_lowercase();
            let mut chars = name.chars();
            let cap = chars
                .next()
                .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default();
            format!("{cap} Road")
        }
        None => line.to_string(),
    }
}

/// What a sign asks of the reader: (words on the sign, Chinese advice, English advice).
pub const SIGN_NOTES: &[(&[&str], &str, &str)] = &[
    (
        &["禁止吸烟", "请勿吸烟", "no smoking"],
        "这里禁止吸烟，想抽烟请到指定吸烟区。",
        "Smoking isn't allowed here; use a designated smoking area.",
    ),
    (
        &["小心地滑", "当心滑倒", "wet floor", "slippery"],
        "地面湿滑，请放慢脚步、注意脚下，小心滑倒。",
        "The floor is slippery: slow down and watch your step.",
    ),
    (
        &["停", "stop"],
        "这是停车让行标志：先停下，看清两边来车再走。",
        "It's a stop sign: stop, check both ways, then go on.",
    ),
    (
        &["小心台阶", "mind the step"],
        "前面有台阶，注意抬脚。",
        "There's a step ahead; lift your feet.",
    ),
    (
        &["当心碰头", "mind your head"],
        "上方较低，注意低头。",
        "Low clearance ahead; mind your head.",
    ),
    (
        &["禁止通行", "禁止入内", "闲人免进", "no entry", "staff only"],
        "这里不能进入，请绕行。",
        "You can't go in here; take another way.",
    ),
    (
        &["禁止拍照", "no photography"],
        "这里不能拍照，我不会在这里拍照或录像。",
        "Photos aren't allowed here; I won't take photos or video here.",
    ),
    (
        &["安全出口", "紧急出口", "emergency exit"],
        "这是紧急疏散用的安全出口。",
        "It's an emergency exit for evacuation.",
    ),
    (
        &["当心触电", "danger"],
        "有触电危险，请不要靠近或触摸。",
        "Electrical hazard: keep away and don't touch.",
    ),
    (
        &["请勿触摸", "do not touch"],
        "请不要用手触摸。",
        "Please don't touch it.",
    ),
    (
        &["platform", "站台"],
        "这是站台指示，按上面的站台号候车。",
        "It's a platform sign; wait at the platform number shown.",
    ),
];

/// The advice for the first sign note whose words appear in the text.
pub fn sign_note(text: &str) -> Option<(&'static str, &'static str)> {
    let lower = text.to_lowercase();
    let lines: Vec<String> = lower.lines().map(bare).collect();
    SIGN_NOTES
        .iter()
        .find(|(words, ..)| {
            words.iter().any(|w| {
                if w.chars().count() == 1 {
                    lines.iter().any(|l| l == w)
                } else {
                    lower.contains(w)
                }
            })
        })
        .map(|(_, zh, en)| (*zh, *en))
}

/// A dish and what is in it (tags in Chinese: ingredients and properties such as 辣).
pub struct Dish {
    pub zh: &'static str,
    pub en: &'static str,
    pub tags: &'static [&'static str],
}

pub const DISHES: &[Dish] = &[
    Dish {
        zh: "宫保鸡丁",
        en: "kung pao chicken",
        tags: &["鸡肉", "肉", "花生", "坚果", "辣"],
    },
    Dish {
        zh: "麻婆豆腐",
        en: "mapo tofu",
        tags: &["豆腐", "豆制品", "牛肉", "肉", "辣"],
    },
    Dish {
        zh: "酸辣汤",
        en: "hot and sour soup",
        tags: &["鸡蛋", "豆腐", "豆制品", "辣", "醋"],
    },
    Dish {
        zh: "米饭",
        en: "steamed rice",
        tags: &[],
    },
    Dish {
        zh: "鱼香肉丝",
        en: "yu-shiang shredded pork",
        tags: &["猪肉", "肉", "辣"],
    },
    Dish {
        zh: "西红柿炒鸡蛋",
        en: "scrambled eggs with tomato",
        tags: &["鸡蛋"],
    },
    Dish {
        zh: "番茄炒蛋",
        en: "scrambled eggs with tomato",
        tags: &["鸡蛋"],
    },
    Dish {
        zh: "红烧肉",
        en: "braised pork belly",
        tags: &["猪肉", "肉"],
    },
    Dish {
        zh: "糖醋排骨",
        en: "sweet and sour spare ribs",
        tags: &["猪肉", "肉"],
    },
    Dish {
        zh: "清蒸鱼",
        en: "steamed fish",
        tags: &["鱼", "海鲜", "肉"],
    },
    Dish {
        zh: "水煮鱼",
        en: "fish in chili broth",
        tags: &["鱼", "海鲜", "肉", "辣"],
    },
    Dish {
        zh: "担担面",
        en: "dan dan noodles",
        tags: &["猪肉", "肉", "花生", "坚果", "辣", "麸质"],
    },
    Dish {
        zh: "牛肉面",
        en: "beef noodle soup",
        tags: &["牛肉", "肉", "麸质"],
    },
    Dish {
        zh: "小笼包",
        en: "soup dumplings",
        tags: &["猪肉", "肉", "麸质"],
    },
    Dish {
        zh: "饺子",
        en: "dumplings",
        tags: &["猪肉", "肉", "麸质"],
    },
    Dish {
        zh: "凉拌黄瓜",
        en: "smashed cucumber salad",
        tags: &["蒜"],
    },
    Dish {
        zh: "北京烤鸭",
        en: "peking duck",
        tags: &["鸭肉", "肉", "麸质"],
    },
    Dish {
        zh: "豆浆",
        en: "soy milk",
        tags: &["豆制品"],
    },
    Dish {
        zh: "凯撒沙拉",
        en: "caesar salad",
        tags: &["鸡蛋", "奶酪", "乳制品", "麸质"],
    },
    Dish {
        zh: "蘑菇汤",
        en: "mushroom soup",
        tags: &["奶油", "乳制品", "蘑菇"],
    },
    Dish {
        zh: "烤三文鱼",
        en: "grilled salmon",
        tags: &["鱼", "海鲜", "肉"],
    },
    Dish {
        zh: "柠檬水",
        en: "lemonade",
        tags: &[],
    },
    Dish {
        zh: "牛奶",
        en: "milk",
        tags: &["乳制品"],
    },
];

/// Words for a dietary tag, both languages; the first is its name.
pub const TAG_WORDS: &[(&str, &[&str], &str)] = &[
    (
        "花生",
        &["花生", "坚果", "peanut", "peanuts", "nuts"],
        "peanuts",
    ),
    (
        "辣",
        &["辣", "辣椒", "spicy", "chili", "chilli", "hot"],
        "spicy",
    ),
    ("鸡蛋", &["鸡蛋", "蛋", "egg", "eggs"], "eggs"),
    (
        "海鲜",
        &["海鲜", "虾", "螃蟹", "seafood", "shellfish", "fish", "鱼"],
        "seafood",
    ),
    (
        "乳制品",
        &["乳制品", "牛奶", "奶制品", "奶", "dairy", "milk", "lactose"],
        "dairy",
    ),
    (
        "豆制品",
        &["豆制品", "大豆", "豆腐", "黄豆", "soy", "tofu"],
        "soy",
    ),
    ("猪肉", &["猪肉", "pork"], "pork"),
    ("牛肉", &["牛肉", "beef"], "beef"),
    (
        "麸质",
        &["麸质", "面筋", "小麦", "gluten", "wheat"],
        "gluten",
    ),
    (
        "肉",
        &["吃素", "素食", "不吃肉", "vegetarian", "meat"],
        "meat",
    ),
];

/// The dishes named in a text (menu lines), in order, with the line each is on.
pub fn dishes_in(text: &str) -> Vec<(&'static Dish, String)> {
    let mut out: Vec<(&'static Dish, String)> = Vec::new();
    for line in text.lines() {
        let lower = line.to_lowercase();
        if let Some(d) = DISHES
            .iter()
            .filter(|d| line.contains(d.zh) || lower.contains(d.en))
            .max_by_key(|d| d.zh.len())
            && !out.iter().any(|(x, _)| std::ptr::eq(*x, d))
        {
            out.push((d, line.trim().to_string()));
        }
    }
    out
}

static RESTRICTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"对(?P<a>[\p{Han}]{1,4}?)(?:过敏|不耐受)|不(?:能吃|吃|敢吃|爱吃)(?P<b>[\p{Han}]{1,3})|忌口(?P<c>[\p{Han}]{1,3})|(?P<veg>吃素|素食|vegetarian)|allergic to (?P<e>[a-z]+)|(?:don't|do not|can't|cannot) eat (?P<f>[a-z]+)|(?P<g>[a-z]+) allergy",
    )
});

/// The dietary tags a sentence rules out ("我对花生过敏" → 花生).
pub fn restrictions(text: &str) -> Vec<&'static str> {
    let t = text.to_lowercase();
    let mut out = Vec::new();
    for c in RESTRICTION.captures_iter(&t) {
        if c.name("veg").is_some() {
            out.push("肉");
            continue;
        }
        let word = ["a", "b", "c", "e", "f", "g"]
            .iter()
            .find_map(|g| c.name(g))
            .map_or("", |m| m.as_str());
        if let Some(tag) = tag_of(word) {
            out.push(tag);
        }
    }
    out.dedup();
    out
}

/// The tag a word names, if any: an exact word first, then a word containing one.
pub fn tag_of(word: &str) -> Option<&'static str> {
    let w = word.trim_end_matches(['的', '东', '西']);
    if w.is_empty() {
        return None;
    }
    TAG_WORDS
        .iter()
        .find(|(_, words, _)| words.contains(&w))
        .or_else(|| {
            TAG_WORDS.iter().find(|(_, words, _)| {
                words
                    .iter()
                    .any(|x| x.chars().count() >= 2 && w.contains(x))
            })
        })
        .map(|(t, ..)| *t)
}

/// English name of a tag.
pub fn tag_en(tag: &str) -> &'static str {
    TAG_WORDS
        .iter()
        .find(|(t, ..)| *t == tag)
        .map_or("that", |(.., en)| en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_menus_and_questions_translate_both_ways() {
        assert_eq!(translate("禁止吸烟", "en"), "No smoking");
        assert_eq!(translate("出口 ←\n50米", "en"), "Exit / 50 m");
        assert_eq!(translate("人民路\nRENMIN RD", "en"), "Renmin Road");
        assert!(translate("Platform 7\nTrains to Tianjin", "zh").contains("7号站台"));
        assert!(translate("Platform 7\nTrains to the Airport", "zh").contains("开往机场的列车"));
        assert_eq!(
            translate("番茄炒蛋 22元", "en"),
            "Scrambled eggs with tomato 22 yuan"
        );
        assert_eq!(
            translate("这班车是去火车站的吗", "en"),
            "Does this train go to the railway station?"
        );
        assert_eq!(
            translate("Where is the subway station?", "zh"),
            "请问地铁站在哪里？"
        );
        assert_eq!(en_to_zh_phrase("bathroom"), Some("洗手间"));
        // Courtesy is stripped before the phrasebook and put back after it.
        assert_eq!(
            translate("劳驾说慢一点好吗", "en"),
            "Please speak more slowly"
        );
        let polite = translate("Please speak more slowly", "zh");
        assert!(
            polite.starts_with('请') && polite.ends_with("说慢一点"),
            "{polite}"
        );
        assert_eq!(
            translate("How do I get to the airport", "zh"),
            "去机场怎么走？"
        );
        assert_eq!(
            translate("Best before 2027-01-15", "zh"),
            "保质期至2027-01-15"
        );
    }

    #[test]
    fn unknown_text_falls_back_on_the_glossary() {
        assert!(translate("明天下午三点开会", "en").contains("3 pm"));
    }

    #[test]
    fn diets_and_dishes() {
        assert_eq!(restrictions("我儿子对鸡蛋过敏"), vec!["鸡蛋"]);
        assert_eq!(restrictions("我不吃辣"), vec!["辣"]);
        assert_eq!(restrictions("I'm allergic to peanuts"), vec!["花生"]);
        assert_eq!(restrictions("我吃素"), vec!["肉"]);
        let menu = dishes_in("今日特价\n担担面 16元\n豆浆 5元");
        assert_eq!(menu.len(), 2);
        assert!(menu[0].0.tags.contains(&"花生"));
        assert_eq!(
            sign_note("当心滑倒").map(|n| n.1),
            Some("The floor is slippery: slow down and watch your step.")
        );
        assert!(sign_note("停车场").is_none());
    }
}
