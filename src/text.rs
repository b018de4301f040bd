//! Text normalisation shared by checks and the reference simulator.
//!
//! Devices answer in mixed full-width and half-width forms ("７：００", "ＯＫ") and with
//! arbitrary spacing; checks compare after NFKC folding, lower-casing and removing
//! whitespace so that a formatting choice never decides a verdict.

use unicode_normalization::UnicodeNormalization;

/// NFKC-fold, lower-case and drop all whitespace: the form `contains` checks compare in.
pub fn fold(s: &str) -> String {
    s.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .map(map_punct)
        .collect()
}

/// NFKC-fold and collapse whitespace runs to one space: the form regexes match against.
pub fn fold_spaced(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfkc().map(map_punct) {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// CJK punctuation that NFKC leaves alone but that carries no meaning for a check.
fn map_punct(c: char) -> char {
    match c {
        '。' => '.',
        '、' => ',',
        '“' | '”' | '「' | '」' | '『' | '』' => '"',
        '‘' | '’' => '\'',
        _ => c,
    }
}

/// Text from a user file or a device, made safe to show a reader: the controls that reorder
/// text (bidi embeddings, overrides, isolates and marks — the "Trojan Source" characters,
/// which can make a report read differently from what it holds) and other control
/// characters are replaced by a visible `[U+XXXX]`; tabs and line breaks stay.
pub fn visible_controls(s: &str) -> std::borrow::Cow<'_, str> {
    fn hidden(c: char) -> bool {
        matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            || (c.is_control() && c != '\n' && c != '\t')
    }
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if hidden(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A record field (a lab's name, an operator, a serial number) as a certificate shows it:
/// controls made visible, and at most `max` characters, the cut marked with `…`.
pub fn clip(s: &str, max: usize) -> String {
    let s = visible_controls(s);
    match s.char_indices().nth(max) {
        None => s.into_owned(),
        Some((end, _)) => format!("{}…", &s[..end]),
    }
}

/// Truncate to at most `max` bytes on a char boundary, marking the cut with how many bytes
/// were left out (`…[+123 B]`); used for evidence. The mark is a number and a unit, not an
/// English phrase, because it is quoted into reports in every language.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…[+{} B]", &s[..end], s.len() - end)
}

/// A time of day in minutes after midnight, from the forms devices and suites write:
/// `07:00`, `7:00:00`, `2026-05-09T07:00:00+08:00`, `7点`, `七点半`, `下午3点15分`, `7 pm`.
pub fn parse_time_of_day(s: &str) -> Option<u32> {
    let f = fold(s);
    if let Some(t) = f
        .split('t')
        .nth(1)
        .filter(|_| f.len() >= 16 && f.as_bytes()[4] == b'-')
    {
        return hhmm(t);
    }
    if let Some(m) = hhmm(&f) {
        return Some(m);
    }
    chinese_clock(&f).or_else(|| english_clock(&f))
}

fn hhmm(s: &str) -> Option<u32> {
    let mut it = s.split(':');
    let h: u32 = it.next()?.parse().ok()?;
    let m_part = it.next()?;
    let m: u32 = m_part.get(..2).unwrap_or(m_part).parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn english_clock(s: &str) -> Option<u32> {
    let (num, pm) = if let Some(n) = s.strip_suffix("pm") {
        (n, true)
    } else if let Some(n) = s.strip_suffix("am") {
        (n, false)
    } else {
        return None;
    };
    let (h, m) = match num.split_once(':') {
        Some((h, m)) => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        None => (num.parse::<u32>().ok()?, 0),
    };
    if !(1..=12).contains(&h) || m >= 60 {
        return None;
    }
    let h = match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    };
    Some(h * 60 + m)
}

fn chinese_clock(s: &str) -> Option<u32> {
    let (pm, rest) = strip_period(s);
    let (h_str, after) = s_split(rest, &['点', '时'])?;
    let mut h = chinese_number(h_str)?;
    let m = if after.is_empty() || after == "整" || after == "钟" {
        0
    } else if after.starts_with('半') {
        30
    } else if after.starts_with("一刻") {
        15
    } else if after.starts_with("三刻") {
        45
    } else {
        let digits = after.strip_suffix('分').unwrap_or(after);
        let digits = digits.strip_prefix('零').unwrap_or(digits);
        chinese_number(digits)?
    };
    if pm && h < 12 {
        h += 12;
    }
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn strip_period(s: &str) -> (bool, &str) {
    for (p, pm) in [
        ("凌晨", false),
        ("早上", false),
        ("早晨", false),
        ("上午", false),
        ("中午", false),
        ("下午", true),
        ("傍晚", true),
        ("晚上", true),
        ("今晚", true),
        ("明早", false),
        ("明晚", true),
    ] {
        if let Some(r) = s.strip_prefix(p) {
            return (pm, r);
        }
    }
    (false, s)
}

fn s_split<'a>(s: &'a str, seps: &[char]) -> Option<(&'a str, &'a str)> {
    let i = s.find(|c| seps.contains(&c))?;
    let sep_len = s[i..].chars().next()?.len_utf8();
    Some((&s[..i], &s[i + sep_len..]))
}

/// 0–99 written in Arabic digits or Chinese numerals (`七`, `十二`, `二十五`, `两`).
pub fn chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    let digit = |c: char| match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', d] => Some(10 + digit(*d)?),
        [d, '十'] => Some(digit(*d)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

/// A number from its JSON or text form: `25`, `"25"`, `"25.0"`, `"２５"`, `"二十五"`.
pub fn parse_number(s: &str) -> Option<f64> {
    let f = fold(s);
    let trimmed = f.trim_end_matches(['%', '度', '℃', '°']);
    trimmed
        .parse::<f64>()
        .ok()
        .or_else(|| chinese_number(trimmed).map(f64::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reordering_and_control_characters_are_made_visible_and_fields_clipped() {
        assert_eq!(
            visible_controls("abc\u{202E}fed\u{202C} x\u{2066}y\u{2069}\u{200F}\u{0007}\n\tz"),
            "abc[U+202E]fed[U+202C] x[U+2066]y[U+2069][U+200F][U+0007]\n\tz"
        );
        assert!(matches!(
            visible_controls("普通文本"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(clip("实验室名称", 3), "实验室…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("a\u{202E}b", 100), "a[U+202E]b");
    }

    #[test]
    fn fold_handles_full_width_and_spaces() {
        assert_eq!(fold("ＯＫ， 已设置 ７：００ 的闹钟"), "ok,已设置7:00的闹钟");
        assert_eq!(fold_spaced("  a \t b  "), "a b");
    }

    #[test]
    fn times_in_many_forms() {
        for (s, m) in [
            ("07:00", 420),
            ("7:00:00", 420),
            ("2026-05-09T07:00:00+08:00", 420),
            ("７：３０", 450),
            ("七点", 420),
            ("七点半", 450),
            ("下午3点15分", 915),
            ("晚上十点", 1320),
            ("7 pm", 1140),
            ("12am", 0),
        ] {
            assert_eq!(parse_time_of_day(s), Some(m), "{s}");
        }
        assert_eq!(parse_time_of_day("hello"), None);
        assert_eq!(parse_time_of_day("25:00"), None);
    }

    #[test]
    fn numbers_in_many_forms() {
        assert_eq!(parse_number("25"), Some(25.0));
        assert_eq!(parse_number("２５"), Some(25.0));
        assert_eq!(parse_number("二十五度"), Some(25.0));
        assert_eq!(parse_number("x"), None);
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("闹钟闹钟", 4), "闹…[+9 B]");
        assert_eq!(truncate("闹钟", 6), "闹钟");
    }
}
