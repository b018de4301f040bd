//! The simulated terminal's fixed test world: the contact book a lab provisions before a run,
//! the cities its weather service knows, and a deterministic forecast. Suites that name
//! contacts use these names (张三, 李四, 李雷, 韩梅梅, 王芳, 刘洋, 陈静), so a lab testing a
//! real phone provisions the same contacts.

use chrono::{Datelike, NaiveDate};

/// Someone the terminal can call or message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub number: Option<String>,
}

pub struct Contact {
    pub name: &'static str,
    /// Pinyin spelling as English speakers write it.
    pub en: &'static str,
    pub number: &'static str,
}

pub const CONTACTS: &[Contact] = &[
    Contact {
        name: "张三",
        en: "zhang san",
        number: "13912340001",
    },
    Contact {
        name: "李四",
        en: "li si",
        number: "13912340002",
    },
    Contact {
        name: "李雷",
        en: "li lei",
        number: "13912340003",
    },
    Contact {
        name: "韩梅梅",
        en: "han meimei",
        number: "13912340004",
    },
    Contact {
        name: "王芳",
        en: "wang fang",
        number: "13912340005",
    },
    Contact {
        name: "刘洋",
        en: "liu yang",
        number: "13912340006",
    },
    Contact {
        name: "陈静",
        en: "chen jing",
        number: "13912340007",
    },
];

impl Contact {
    pub fn person(&self) -> Person {
        Person {
            name: self.name.to_string(),
            number: Some(self.number.to_string()),
        }
    }

    pub fn surname(&self) -> char {
        self.name.chars().next().unwrap_or_default()
    }

    /// The given name ("梅梅" of 韩梅梅), used for familiar address.
    pub fn given(&self) -> String {
        self.name.chars().skip(1).collect()
    }
}

/// The contact whose name (Chinese or pinyin) is exactly `s`.
pub fn contact_exact(s: &str) -> Option<&'static Contact> {
    let s = s.trim();
    CONTACTS
        .iter()
        .find(|c| c.name == s || c.en == s || c.en.replace(' ', "") == s)
}

/// (Chinese name, English name) of the cities the weather service knows.
pub const CITIES: &[(&str, &str)] = &[
    ("北京", "beijing"),
    ("上海", "shanghai"),
    ("广州", "guangzhou"),
    ("深圳", "shenzhen"),
    ("杭州", "hangzhou"),
    ("成都", "chengdu"),
    ("南京", "nanjing"),
    ("武汉", "wuhan"),
    ("西安", "xi'an"),
    ("重庆", "chongqing"),
    ("天津", "tianjin"),
    ("苏州", "suzhou"),
    ("长沙", "changsha"),
    ("青岛", "qingdao"),
    ("厦门", "xiamen"),
    ("昆明", "kunming"),
    ("哈尔滨", "harbin"),
    ("大连", "dalian"),
    ("郑州", "zhengzhou"),
    ("济南", "jinan"),
    ("沈阳", "shenyang"),
    ("合肥", "hefei"),
    ("福州", "fuzhou"),
    ("三亚", "sanya"),
    ("拉萨", "lhasa"),
    ("香港", "hong kong"),
];

/// Well-known singers and bands by their Chinese and English names: what a terminal's
/// knowledge base resolves an English request's name to.
pub const ARTISTS: &[(&str, &str)] = &[
    ("周杰伦", "jay chou"),
    ("陈奕迅", "eason chan"),
    ("林俊杰", "jj lin"),
    ("王菲", "faye wong"),
    ("邓紫棋", "g.e.m."),
    ("孙燕姿", "stefanie sun"),
    ("五月天", "mayday"),
    ("张学友", "jacky cheung"),
    ("刘德华", "andy lau"),
    ("蔡依林", "jolin tsai"),
    ("王力宏", "leehom wang"),
    ("周深", "zhou shen"),
];

/// Landmarks, airports and stations by their Chinese and English names.
pub const PLACES: &[(&str, &str)] = &[
    ("首都机场", "capital airport"),
    ("首都机场", "beijing capital airport"),
    ("首都机场", "beijing capital international airport"),
    ("大兴机场", "daxing airport"),
    ("大兴机场", "beijing daxing airport"),
    ("浦东机场", "pudong airport"),
    ("虹桥机场", "hongqiao airport"),
    ("虹桥火车站", "hongqiao railway station"),
    ("虹桥火车站", "hongqiao station"),
    ("北京南站", "beijing south station"),
    ("北京南站", "beijing south railway station"),
    ("天津之眼", "tianjin eye"),
    ("西湖", "west lake"),
    ("故宫", "forbidden city"),
    ("故宫", "the palace museum"),
    ("颐和园", "summer palace"),
    ("八达岭长城", "badaling great wall"),
    ("八达岭长城", "great wall at badaling"),
    ("长城", "great wall"),
    ("外滩", "the bund"),
    ("国贸大厦", "china world tower"),
    ("国贸大厦", "china world trade center"),
    ("天安门", "tiananmen"),
];

/// A well-known singer or band named in the text, by the Chinese name.
pub fn find_artist(s: &str) -> Option<&'static str> {
    ARTISTS
        .iter()
        .find(|(zh, _)| s.contains(zh))
        .map(|(zh, _)| *zh)
}

/// The first known city named in the text, as its Chinese name.
pub fn find_city(s: &str) -> Option<&'static str> {
    CITIES
        .iter()
        .filter_map(|(zh, en)| {
            let pos = s.find(zh).or_else(|| s.find(en))?;
            Some((pos, *zh))
        })
        .min_by_key(|(pos, _)| *pos)
        .map(|(_, zh)| zh)
}

pub fn city_en(zh: &str) -> &str {
    CITIES.iter().find(|(z, _)| *z == zh).map_or(zh, |(_, e)| e)
}

/// A day's weather at a city.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub zh: &'static str,
    pub en: &'static str,
    pub rain: bool,
    pub low: i32,
    pub high: i32,
}

/// The simulated weather service: a fixed function of city and date, so every run of a case
/// sees the same sky.
pub fn forecast(city: &str, date: NaiveDate) -> Forecast {
    const SKIES: &[(&str, &str, bool)] = &[
        ("晴", "sunny", false),
        ("多云", "cloudy", false),
        ("小雨", "light rain", true),
        ("阴", "overcast", false),
        ("晴转多云", "sunny, then cloudy", false),
        ("阵雨", "showers", true),
        ("多云转小雨", "cloudy, then light rain", true),
    ];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in city.bytes().chain(date.to_string().bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let (zh, en, rain) = SKIES[(h % SKIES.len() as u64) as usize];
    // A rough seasonal curve: warmest in July, coldest in January.
    let month = date.month() as i32;
    let season = 14 - (month - 7).abs() * 3;
    let low = season + ((h >> 8) % 5) as i32;
    Forecast {
        zh,
        en,
        rain,
        low,
        high: low + 5 + ((h >> 16) % 5) as i32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forecast_is_a_function_of_city_and_date() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 9).unwrap();
        assert_eq!(forecast("上海", d), forecast("上海", d));
        let f = forecast("北京", d);
        assert!(f.low < f.high);
    }

    #[test]
    fn cities_and_contacts() {
        assert_eq!(find_city("明天上海会下雨吗"), Some("上海"));
        assert_eq!(find_city("weather in shanghai"), Some("上海"));
        assert_eq!(contact_exact("li lei").map(|c| c.name), Some("李雷"));
        assert_eq!(contact_exact("lilei").map(|c| c.name), Some("李雷"));
    }
}
