//! What the terminal knows of its user: facts given by `seed_memory` or told in a session
//! ("记住…"), read into a few structured kinds an assistant can act on, and recalled by
//! overlap with a question. Using them is an L3 (memory) ability; the engine asks for it.

use std::sync::LazyLock;

use regex::Regex;

use super::nlu;
use crate::world::directory::{self as world, Person};

/// Family and work relations, each with the words people use for it (longest first so that
/// "妈妈" wins over "妈").
pub const RELATIONS: &[(&str, &[&str])] = &[
    (
        "妈妈",
        &["妈妈", "我妈", "老妈", "母亲", "mom", "mother", "mum"],
    ),
    ("爸爸", &["爸爸", "我爸", "老爸", "父亲", "dad", "father"]),
    ("老婆", &["老婆", "妻子", "爱人", "媳妇", "太太", "wife"]),
    ("老公", &["老公", "丈夫", "husband"]),
    ("女儿", &["女儿", "闺女", "daughter", "girl"]),
    ("儿子", &["儿子", "son", "boy"]),
    ("哥哥", &["哥哥", "我哥", "brother"]),
    ("姐姐", &["姐姐", "我姐", "sister"]),
    ("弟弟", &["弟弟", "我弟"]),
    ("妹妹", &["妹妹", "我妹"]),
    ("爷爷", &["爷爷", "grandpa"]),
    ("奶奶", &["奶奶", "grandma"]),
    ("老板", &["老板", "领导", "上司", "boss"]),
    ("女朋友", &["女朋友", "女友", "girlfriend"]),
    ("男朋友", &["男朋友", "男友", "boyfriend"]),
];

/// The relation named in the text and where: (canonical relation, matched word).
pub fn find_relation(text: &str) -> Option<(&'static str, &'static str)> {
    RELATIONS
        .iter()
        .flat_map(|(rel, words)| words.iter().map(move |w| (*rel, *w)))
        .filter(|(_, w)| {
            if w.is_ascii() {
                text.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|t| t == *w)
            } else {
                text.contains(w)
            }
        })
        .max_by_key(|(_, w)| w.chars().count())
}

/// A fact, as told, and what the terminal made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub text: String,
    pub kind: FactKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FactKind {
    /// Someone by relation: their phone number and/or contact name.
    Relation {
        relation: &'static str,
        name: Option<String>,
        number: Option<String>,
    },
    HomeCity(&'static str),
    /// When the user usually gets up, 24-hour.
    WakeTime(u32, u32),
    FavoriteArtist(String),
    Other,
}

use super::nlu::re;

static NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"(?P<n>\+?[0-9][0-9-]{4,16}[0-9])"));
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:叫|是|名叫|名字是|\bis\b|\bis called\b|\bnamed\b) ?(?P<name>[\p{Han}]{2,4}|[a-z]+ [a-z]+)$",
    )
});
static LIVES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:住在|家在|生活在|常住|定居在|\blive in\b|\bhome is in\b)"));
static WAKES: LazyLock<Regex> = LazyLock::new(|| re(r"(?:起床|get up|wake up)"));
static LIKES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:最喜欢听|最爱听|喜欢听|爱听|最喜欢|喜欢)(?P<a>[\p{Han}A-Za-z]{2,6}?)的(?:歌|音乐)|favou?rite (?:singer|artist|band) is (?P<b>[a-z ]+)",
    )
});

/// Read a fact into a kind the skills can use; anything else stays recallable as text.
pub fn parse_fact(text: &str) -> Fact {
    let t = nlu::normalize(text);
    let kind = parse_kind(&t);
    Fact {
        text: text.trim().to_string(),
        kind,
    }
}

fn parse_kind(t: &str) -> FactKind {
    if let Some((relation, _)) = find_relation(t) {
        let number = NUMBER.captures(t).map(|c| c["n"].replace('-', ""));
        let name = NAMED
            .captures(t)
            .map(|c| c["name"].to_string())
            .filter(|n| find_relation(n).is_none());
        if number.is_some() || name.is_some() {
            return FactKind::Relation {
                relation,
                name,
                number,
            };
        }
    }
    if LIVES.is_match(t)
        && let Some(city) = world::find_city(t)
    {
        return FactKind::HomeCity(city);
    }
    if WAKES.is_match(t) {
        let anchor = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("valid date");
        if let Some((_, h, m)) = nlu::find_when(t, anchor).and_then(|w| w.resolve(anchor)) {
            return FactKind::WakeTime(h, m);
        }
    }
    if let Some(c) = LIKES.captures(t) {
        let a = c
            .name("a")
            .or_else(|| c.name("b"))
            .map(|m| m.as_str().trim().to_string());
        if let Some(a) = a {
            return FactKind::FavoriteArtist(a);
        }
    }
    FactKind::Other
}

/// The names of the people the text means, from what is known: the one its relation word
/// names ("我儿子" → 乐乐) and any named outright.
pub fn names_meant(facts: &[Fact], text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if let Some((rel, _)) = find_relation(text)
        && let Some(p) = person_for(facts, rel)
    {
        names.push(p.name);
    }
    for f in facts {
        if let FactKind::Relation { name: Some(n), .. } = &f.kind
            && text.contains(n.as_str())
        {
            names.push(n.clone());
        }
    }
    names
}

/// The person a relation word stands for, from the facts: a contact when the fact names one,
/// else the number the fact gives.
pub fn person_for(facts: &[Fact], relation: &str) -> Option<Person> {
    facts.iter().find_map(|f| match &f.kind {
        FactKind::Relation {
            relation: r,
            name,
            number,
        } if *r == relation => {
            let contact = name.as_deref().and_then(world::contact_exact);
            match (contact, name, number) {
                (Some(c), _, _) => Some(c.person()),
                (None, Some(n), num) => Some(Person {
                    name: n.clone(),
                    number: num.clone(),
                }),
                (None, None, Some(num)) => Some(Person {
                    name: relation.to_string(),
                    number: Some(num.clone()),
                }),
                (None, None, None) => None,
            }
        }
        _ => None,
    })
}

const STOP: &str =
    "我你他她它的了在是吗呢吧啊哪儿里什么怎么样几个这那有没和就都也还要把被给说过放到去来吗呀么着";

fn content_terms(s: &str) -> Vec<String> {
    let mut terms: Vec<String> = s
        .chars()
        .filter(|c| nlu::is_cjk(*c) && !STOP.contains(*c))
        .map(String::from)
        .collect();
    const EN_STOP: &[&str] = &[
        "i",
        "my",
        "me",
        "the",
        "a",
        "an",
        "is",
        "are",
        "where",
        "what",
        "did",
        "do",
        "put",
        "in",
        "on",
        "of",
        "to",
        "you",
        "it",
        "which",
        "remind",
        "tell",
        "told",
        "again",
        "that",
        "this",
        "was",
        "were",
        "said",
        "say",
        "mention",
        "mentioned",
        "remember",
        "keep",
        "mind",
        "note",
        "please",
        "can",
        "could",
    ];
    terms.extend(
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() > 1 && !EN_STOP.contains(w))
            .map(stem),
    );
    terms.sort();
    terms.dedup();
    terms
}

/// An English word without its inflection ("parked", "parking" and "parks" are "park"), so a
/// question and a fact that use one word differently still share it.
fn stem(w: &str) -> String {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 3
            && !base.ends_with('s')
        {
            return base.to_string();
        }
    }
    w.to_string()
}

/// The fact that best answers a question: it shares at least two of the question's content
/// terms (or all of them, when the question has only one).
pub fn recall<'a>(facts: &'a [Fact], question: &str) -> Option<&'a Fact> {
    let q = content_terms(&nlu::normalize(question));
    let need = q.len().clamp(1, 2);
    let shared: Vec<(usize, &Fact)> = facts
        .iter()
        .map(|f| {
            let t = content_terms(&nlu::normalize(&f.text));
            (q.iter().filter(|w| t.contains(w)).count(), f)
        })
        .filter(|(n, _)| *n > 0)
        .collect();
    if let Some((_, f)) = shared
        .iter()
        .filter(|(n, _)| *n >= need)
        .max_by_key(|(n, _)| *n)
    {
        return Some(f);
    }
    // "钥匙搁哪来着" of "我的钥匙在门口": one shared word is enough when a question has one
    // fact only that shares anything with it.
    match shared.as_slice() {
        [(_, f)] if nlu::is_question(question) => Some(f),
        _ => None,
    }
}

/// A fact retold to its owner: first person becomes second person.
pub fn retell(fact: &str, en: bool) -> String {
    let t = fact.trim().trim_end_matches(['。', '.']);
    if en || !t.chars().any(nlu::is_cjk) {
        let mut out = Vec::new();
        for w in t.split(' ') {
            out.push(match w.to_lowercase().as_str() {
                "i" => "you".to_string(),
                "my" => "your".to_string(),
                "me" => "you".to_string(),
                "i'm" => "you're".to_string(),
                "am" => "are".to_string(),
                _ => w.to_string(),
            });
        }
        return out.join(" ");
    }
    t.replace('我', "你")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_read_into_kinds() {
        assert!(matches!(
            parse_fact("我妈妈的电话是13800000000").kind,
            FactKind::Relation { relation: "妈妈", number: Some(ref n), .. } if n == "13800000000"
        ));
        assert!(matches!(
            parse_fact("我老婆叫韩梅梅").kind,
            FactKind::Relation { relation: "老婆", name: Some(ref n), .. } if n == "韩梅梅"
        ));
        assert_eq!(parse_fact("我住在上海").kind, FactKind::HomeCity("上海"));
        assert_eq!(
            parse_fact("I live in Hangzhou").kind,
            FactKind::HomeCity("杭州")
        );
        assert_eq!(
            parse_fact("我平时早上六点半起床").kind,
            FactKind::WakeTime(6, 30)
        );
        assert_eq!(
            parse_fact("我最喜欢听陈奕迅的歌").kind,
            FactKind::FavoriteArtist("陈奕迅".into())
        );
        assert_eq!(parse_fact("我对花生过敏").kind, FactKind::Other);
    }

    #[test]
    fn relations_resolve_to_people() {
        let facts = vec![
            parse_fact("我老婆叫韩梅梅"),
            parse_fact("my dad's number is 13700000000"),
        ];
        assert_eq!(person_for(&facts, "老婆").unwrap().name, "韩梅梅");
        assert_eq!(
            person_for(&facts, "爸爸").unwrap().number.as_deref(),
            Some("13700000000")
        );
        assert!(person_for(&facts, "妈妈").is_none());
        assert_eq!(find_relation("联系一下我妈"), Some(("妈妈", "我妈")));
    }

    #[test]
    fn recall_by_shared_terms() {
        let facts = vec![
            parse_fact("我把护照放在书房第二个抽屉里了"),
            parse_fact("我的车停在B2层C区"),
        ];
        assert_eq!(
            recall(&facts, "我的护照放哪了").unwrap().text,
            facts[0].text
        );
        assert_eq!(
            recall(&facts, "我车停在哪一层").unwrap().text,
            facts[1].text
        );
        assert!(recall(&facts, "今天天气怎么样").is_none());
        assert_eq!(retell("我把护照放在书房", false), "你把护照放在书房");
    }
}
