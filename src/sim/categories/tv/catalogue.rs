//! What the simulated TV can show: its channels and today's programme guide, and an
//! on-demand catalogue of films, series and shows with their cast, year, length and episodes.
//! A lab testing a real TV uses the same titles (listed at the top of
//! `suites/tv/l1-commands.yaml`).

use crate::sim::turn::has_cue;

/// A broadcast channel.
#[derive(Debug)]
pub struct Channel {
    /// The canonical name reported in actions, e.g. `CCTV-5`.
    pub id: &'static str,
    /// Exact names a preset command may use (normalised: lower case, no spaces).
    pub names: &'static [&'static str],
    /// Looser words that point at it (L2): "体育台", "湖南台".
    pub aliases: &'static [&'static str],
    /// Today's programmes: (start "HH:MM", title, words for what it is).
    pub guide: &'static [(&'static str, &'static str, &'static [&'static str])],
}

pub const CHANNELS: &[Channel] = &[
    Channel {
        id: "CCTV-1",
        names: &["中央一台", "中央1台", "央视一套", "cctv1", "cctv-1"],
        aliases: &["综合频道", "一套"],
        guide: &[
            ("12:00", "新闻30分", &["新闻"]),
            ("19:00", "新闻联播", &["新闻"]),
            ("19:38", "焦点访谈", &["新闻"]),
            ("20:00", "人世间", &["电视剧"]),
        ],
    },
    Channel {
        id: "CCTV-5+",
        names: &[
            "中央五台加",
            "中央5台加",
            "cctv5+",
            "cctv-5+",
            "体育赛事频道",
        ],
        aliases: &["五加", "5+"],
        guide: &[(
            "20:00",
            "网球大师赛",
            &["网球", "球赛", "比赛", "体育", "tennis"],
        )],
    },
    Channel {
        id: "CCTV-5",
        names: &["中央五台", "中央5台", "央视五套", "cctv5", "cctv-5"],
        aliases: &["体育频道", "体育台", "sports channel"],
        guide: &[
            (
                "19:30",
                "中超联赛",
                &["足球", "中超", "球赛", "比赛", "体育", "football", "soccer"],
            ),
            ("21:30", "体育新闻", &["体育", "新闻", "sports news"]),
            (
                "22:00",
                "CBA总决赛",
                &["篮球", "cba", "球赛", "比赛", "体育", "basketball"],
            ),
        ],
    },
    Channel {
        id: "CCTV-6",
        names: &["中央六台", "中央6台", "cctv6", "cctv-6"],
        aliases: &["电影频道", "电影台", "movie channel"],
        guide: &[
            ("20:15", "流浪地球", &["电影"]),
            ("22:30", "功夫", &["电影"]),
        ],
    },
    Channel {
        id: "CCTV-13",
        names: &["中央十三台", "中央13台", "cctv13", "cctv-13"],
        aliases: &["新闻频道", "新闻台", "news channel"],
        guide: &[
            ("20:00", "东方时空", &["新闻"]),
            ("22:00", "国际时讯", &["新闻"]),
        ],
    },
    Channel {
        id: "CCTV-14",
        names: &["中央十四台", "中央14台", "cctv14", "cctv-14"],
        aliases: &["少儿频道", "少儿台", "kids channel"],
        guide: &[("19:00", "熊出没", &["动画片", "动画"])],
    },
    Channel {
        id: "湖南卫视",
        names: &["湖南卫视"],
        aliases: &["湖南台", "芒果台", "hunan tv"],
        guide: &[
            ("19:30", "繁花", &["电视剧"]),
            ("22:00", "歌手2026", &["综艺", "音乐"]),
        ],
    },
    Channel {
        id: "浙江卫视",
        names: &["浙江卫视"],
        aliases: &["浙江台", "zhejiang tv"],
        guide: &[("21:00", "奔跑吧", &["综艺"])],
    },
    Channel {
        id: "东方卫视",
        names: &["东方卫视"],
        aliases: &["东方台", "上海台", "dragon tv"],
        guide: &[("21:00", "极限挑战", &["综艺"])],
    },
    Channel {
        id: "江苏卫视",
        names: &["江苏卫视"],
        aliases: &["江苏台", "jiangsu tv"],
        guide: &[("21:20", "非诚勿扰", &["综艺"])],
    },
    Channel {
        id: "北京卫视",
        names: &["北京卫视"],
        aliases: &["北京台", "beijing tv"],
        guide: &[("19:35", "狂飙", &["电视剧"])],
    },
];

/// The channel a preset command names exactly.
pub fn channel_exact(s: &str) -> Option<&'static Channel> {
    let s = s.trim().trim_end_matches("频道");
    CHANNELS
        .iter()
        .find(|c| c.names.contains(&s) || c.id.eq_ignore_ascii_case(s))
}

/// The channel free phrasing names: exact names first, then aliases (longest match wins, so
/// "中央五台加" is not "中央五台").
pub fn channel_in(text: &str) -> Option<&'static Channel> {
    // CCTV channels by number however they are said: "五套", "央视5套", "中央十台", "CCTV 5",
    // "channel eight", "CCTV eleven".
    static NUMBERED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:中央|央视)?(?P<n>[一二三四五六七八九十]{1,3}|[0-9]{1,2})套|中央(?P<m>[一二三四五六七八九十]{1,3}|[0-9]{1,2})台|(?:cctv|\bchannel) ?(?P<c>[0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen)\b").expect("compiles")
    });
    let numbered = NUMBERED.replace_all(text, |c: &regex::Captures| {
        let n = c.name("n").or_else(|| c.name("m")).or_else(|| c.name("c"));
        n.and_then(|n| {
            n.as_str()
                .parse::<u64>()
                .ok()
                .or_else(|| crate::sim::nlu::cn_number(n.as_str()))
                .or_else(|| crate::sim::nlu::en_number(n.as_str()).map(|x| x as u64))
        })
        .map_or_else(|| c[0].to_string(), |n| format!("cctv-{n}"))
    });
    let named = |text: &str| {
        CHANNELS
            .iter()
            .flat_map(|c| c.names.iter().chain(c.aliases).map(move |w| (c, *w)))
            .filter(|(_, w)| has_cue(text, w))
            .max_by_key(|(_, w)| w.chars().count())
            .map(|(c, _)| c)
    };
    // A name as listed first ("中央五台加" is CCTV-5+, not CCTV-5 and a word).
    named(text).or_else(|| named(numbered.as_ref()))
}

/// What kind of thing a title is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Film,
    Series,
    Variety,
    Documentary,
    Kids,
    News,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Film => "film",
            Kind::Series => "series",
            Kind::Variety => "variety",
            Kind::Documentary => "documentary",
            Kind::Kids => "kids",
            Kind::News => "news",
        }
    }
}

/// One title of the on-demand catalogue.
#[derive(Debug)]
pub struct Title {
    pub name: &'static str,
    /// Other ways people write it (English, short forms).
    pub aka: &'static [&'static str],
    pub kind: Kind,
    /// Genre ids: comedy, scifi, action, war, drama, crime, romance, animation, food, music.
    pub genres: &'static [&'static str],
    pub cast: &'static [&'static str],
    pub year: u32,
    pub minutes: u32,
    pub episodes: u32,
    pub rating: f32,
    /// Made outside China (shown with subtitles).
    pub foreign: bool,
    /// The film series it belongs to and its part number.
    pub part_of: Option<(&'static str, u32)>,
}

pub const TITLES: &[Title] = &[
    Title {
        name: "流浪地球",
        aka: &["the wandering earth"],
        kind: Kind::Film,
        genres: &["scifi"],
        cast: &["吴京", "屈楚萧"],
        year: 2019,
        minutes: 125,
        episodes: 1,
        rating: 7.9,
        foreign: false,
        part_of: Some(("流浪地球", 1)),
    },
    Title {
        name: "流浪地球2",
        aka: &["the wandering earth 2", "the wandering earth ii"],
        kind: Kind::Film,
        genres: &["scifi"],
        cast: &["吴京", "刘德华"],
        year: 2023,
        minutes: 173,
        episodes: 1,
        rating: 8.3,
        foreign: false,
        part_of: Some(("流浪地球", 2)),
    },
    Title {
        name: "功夫",
        aka: &["kung fu hustle"],
        kind: Kind::Film,
        genres: &["comedy", "action"],
        cast: &["周星驰", "元秋"],
        year: 2004,
        minutes: 99,
        episodes: 1,
        rating: 8.8,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "大话西游",
        aka: &["a chinese odyssey"],
        kind: Kind::Film,
        genres: &["comedy", "romance"],
        cast: &["周星驰", "朱茵"],
        year: 1995,
        minutes: 95,
        episodes: 1,
        rating: 9.2,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "喜剧之王",
        aka: &["king of comedy"],
        kind: Kind::Film,
        genres: &["comedy"],
        cast: &["周星驰", "张柏芝"],
        year: 1999,
        minutes: 85,
        episodes: 1,
        rating: 8.7,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "长津湖",
        aka: &["the battle at lake changjin"],
        kind: Kind::Film,
        genres: &["war"],
        cast: &["吴京", "易烊千玺"],
        year: 2021,
        minutes: 176,
        episodes: 1,
        rating: 7.4,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "热辣滚烫",
        aka: &["yolo"],
        kind: Kind::Film,
        genres: &["comedy", "drama"],
        cast: &["贾玲", "雷佳音"],
        year: 2024,
        minutes: 129,
        episodes: 1,
        rating: 7.7,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "星际穿越",
        aka: &["interstellar"],
        kind: Kind::Film,
        genres: &["scifi"],
        cast: &["马修·麦康纳", "安妮·海瑟薇"],
        year: 2014,
        minutes: 169,
        episodes: 1,
        rating: 9.4,
        foreign: true,
        part_of: None,
    },
    Title {
        name: "阿凡达",
        aka: &["avatar"],
        kind: Kind::Film,
        genres: &["scifi", "action"],
        cast: &["萨姆·沃辛顿", "佐伊·索尔达娜"],
        year: 2009,
        minutes: 162,
        episodes: 1,
        rating: 8.8,
        foreign: true,
        part_of: None,
    },
    Title {
        name: "繁花",
        aka: &["blossoms shanghai"],
        kind: Kind::Series,
        genres: &["drama"],
        cast: &["胡歌", "马伊琍"],
        year: 2023,
        minutes: 45,
        episodes: 30,
        rating: 8.7,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "狂飙",
        aka: &["the knockout"],
        kind: Kind::Series,
        genres: &["crime"],
        cast: &["张译", "张颂文"],
        year: 2023,
        minutes: 45,
        episodes: 39,
        rating: 8.5,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "人世间",
        aka: &["a lifelong journey"],
        kind: Kind::Series,
        genres: &["drama"],
        cast: &["雷佳音", "殷桃"],
        year: 2022,
        minutes: 45,
        episodes: 58,
        rating: 8.4,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "新闻联播",
        aka: &["the evening news"],
        kind: Kind::News,
        genres: &[],
        cast: &[],
        year: 2026,
        minutes: 30,
        episodes: 1,
        rating: 0.0,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "舌尖上的中国",
        aka: &["a bite of china"],
        kind: Kind::Documentary,
        genres: &["food"],
        cast: &[],
        year: 2012,
        minutes: 50,
        episodes: 7,
        rating: 9.3,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "熊出没",
        aka: &["boonie bears"],
        kind: Kind::Kids,
        genres: &["animation"],
        cast: &[],
        year: 2012,
        minutes: 12,
        episodes: 104,
        rating: 7.0,
        foreign: false,
        part_of: None,
    },
    Title {
        name: "小猪佩奇",
        aka: &["peppa pig"],
        kind: Kind::Kids,
        genres: &["animation"],
        cast: &[],
        year: 2004,
        minutes: 5,
        episodes: 52,
        rating: 8.5,
        foreign: true,
        part_of: None,
    },
    Title {
        name: "歌手2026",
        aka: &["singer 2026"],
        kind: Kind::Variety,
        genres: &["music"],
        cast: &[],
        year: 2026,
        minutes: 90,
        episodes: 12,
        rating: 8.0,
        foreign: false,
        part_of: None,
    },
];

/// A title by its exact name (a preset command names it exactly).
pub fn title_exact(s: &str) -> Option<&'static Title> {
    let s = s.trim().trim_matches(['《', '》', '“', '”', '"']);
    TITLES.iter().find(|t| t.name == s || t.aka.contains(&s))
}

/// The title named anywhere in the text, longest name first ("流浪地球2" before "流浪地球").
pub fn title_in(text: &str) -> Option<&'static Title> {
    TITLES
        .iter()
        .flat_map(|t| {
            std::iter::once(t.name)
                .chain(t.aka.iter().copied())
                .map(move |w| (t, w))
        })
        .filter(|(_, w)| has_cue(text, w) || text.contains(*w))
        .max_by_key(|(_, w)| w.chars().count())
        .map(|(t, _)| t)
}

/// People in the catalogue and how English speakers write them.
pub const PEOPLE: &[(&str, &[&str])] = &[
    ("周星驰", &["stephen chow"]),
    ("吴京", &["wu jing"]),
    ("刘德华", &["andy lau"]),
    ("胡歌", &["hu ge"]),
    ("贾玲", &["jia ling"]),
    ("雷佳音", &["lei jiayin"]),
    ("张译", &["zhang yi"]),
];

pub fn person_in(text: &str) -> Option<&'static str> {
    PEOPLE
        .iter()
        .find(|(zh, en)| text.contains(zh) || en.iter().any(|e| has_cue(text, e)))
        .map(|(zh, _)| *zh)
}

/// Genre words (Chinese and English) and their ids.
pub const GENRES: &[(&[&str], &str)] = &[
    (&["喜剧", "搞笑", "comedy", "comedies", "funny"], "comedy"),
    (&["科幻", "sci-fi", "scifi", "science fiction"], "scifi"),
    (&["动作", "功夫片", "action"], "action"),
    (&["战争", "war"], "war"),
    (&["爱情", "romance", "romantic"], "romance"),
    (&["犯罪", "悬疑", "刑侦", "crime", "thriller"], "crime"),
    (&["美食", "food"], "food"),
];

pub fn genre_in(text: &str) -> Option<&'static str> {
    GENRES
        .iter()
        .find(|(ws, _)| ws.iter().any(|w| has_cue(text, w)))
        .map(|(_, g)| *g)
}

/// Kind words.
pub fn kind_in(text: &str) -> Option<Kind> {
    const KINDS: &[(&[&str], Kind)] = &[
        (
            &[
                "电影", "影片", "片子", "大片", "film", "films", "movie", "movies",
            ],
            Kind::Film,
        ),
        (
            &[
                "电视剧",
                "连续剧",
                "剧集",
                "追剧",
                "series",
                "tv show",
                "drama",
            ],
            Kind::Series,
        ),
        (&["综艺", "variety"], Kind::Variety),
        (&["纪录片", "documentary"], Kind::Documentary),
        (
            &[
                "动画片",
                "动画",
                "卡通",
                "少儿",
                "cartoon",
                "cartoons",
                "kids",
            ],
            Kind::Kids,
        ),
    ];
    KINDS
        .iter()
        .find(|(ws, _)| ws.iter().any(|w| has_cue(text, w)))
        .map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_names_win() {
        assert_eq!(channel_in("切到中央五台加").unwrap().id, "CCTV-5+");
        assert_eq!(channel_in("看看芒果台在放啥").unwrap().id, "湖南卫视");
        assert_eq!(title_in("流浪地球2好看吗").unwrap().name, "流浪地球2");
        assert_eq!(title_in("put on interstellar").unwrap().name, "星际穿越");
        assert_eq!(channel_exact("cctv-13").unwrap().id, "CCTV-13");
    }
}
