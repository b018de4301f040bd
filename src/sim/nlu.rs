//! Slot parsing for the simulator: normalising an utterance, numbers, dates, times, durations,
//! content in quotes or after a colon, and yes/no answers.
//!
//! Two entry points per slot type: `*_strict` accepts a whole string only when it is one of the
//! explicit forms a preset (L1) command allows; `find_*` searches free phrasing and infers what
//! is left implicit (relative times, English, a period without a clock), which is L2 ability.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Longest input the engine reads; the rest is ignored (a terminal has input limits too).
pub const MAX_INPUT_CHARS: usize = 8_000;

/// A built-in pattern, which must compile.
pub fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in pattern compiles")
}

// ------------------------------------------------------------------ normalisation

/// NFKC-fold, lower-case, collapse whitespace, drop spaces next to CJK characters (they carry
/// no meaning in Chinese) and trailing sentence punctuation. In an English sentence a Chinese
/// name keeps the spaces around it ("call 李雷 at six"): there they separate words.
pub fn normalize(s: &str) -> String {
    let folded: String = s
        .chars()
        .take(MAX_INPUT_CHARS)
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect();
    let english = folded
        .trim_start()
        .starts_with(|c: char| c.is_ascii_alphabetic())
        && folded.chars().filter(char::is_ascii_alphabetic).count()
            > folded.chars().filter(|c| is_cjk(*c)).count();
    let word = |c: char| c.is_ascii_alphanumeric() || is_cjk(c);
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let prev = out.chars().last();
            let next = chars.get(j).copied();
            let joins_cjk = prev.is_some_and(is_cjk_or_punct) || next.is_some_and(is_cjk_or_punct);
            let between_words = english
                && prev.is_some_and(word)
                && next.is_some_and(word)
                && !(prev.is_some_and(is_cjk) && next.is_some_and(is_cjk));
            if prev.is_some() && next.is_some() && (!joins_cjk || between_words) {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out.trim_end_matches(['.', '。', '!', '?', '~', '…', '！', '？'])
        .trim()
        .to_string()
}

/// The other word orders of one preset command. Preset terminals accept a command's fixed
/// forms, and people say those forms object-first (the part, then 打开/关闭), keyword-first
/// (the feature, a comma, then its slot), with a leading "开始"/"请"/"先", a trailing "吧" or
/// thanks, or a 把 construction; these are the same commands, so an L1 terminal that knows the
/// verb-first form knows them too. Free paraphrase stays with L2 and above.
pub fn preset_forms(s: &str) -> Vec<String> {
    static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
        [
            (r",?(?:谢谢啦|谢谢你|谢谢|谢啦)$", ""),
            (r"^先(.+)$", "$1"),
            (r"^(.+?)吧$", "$1"),
            (r"^将", "把"),
            (r"^(?:我要|我想)(开通|看|听)", "$1"),
            (r"^开(会员|vip)$", "开通$1"),
            (r"^看(电影|影片|电视剧|视频)", "播放$1"),
            (r"^点播", "播放"),
            (r"^播放歌手", "播放"),
            (r"的歌曲$", "的歌"),
            (r"^打开应用", "打开"),
            (
                r"^(?:音量|声音)(最大|最小|[0-9]+|[零一二两三四五六七八九十百]+)$",
                "音量调到$1",
            ),
            (r"^(?:音乐|歌曲)(上一首|下一首|上一曲|下一曲)$", "$1"),
            (
                r"^(?:播放|切到|切换到|换到|跳到)(上一首|下一首|上一曲|下一曲)$",
                "$1",
            ),
            (r"^打开(录像|录音)$", "开始$1"),
            (r"^上传(.+?)到(.+)$", "把$1上传到$2"),
            (r"^把(.+?)传到", "把${1}上传到"),
            (r"^(设置|设定|定|设)(?:一个|个)", "$1"),
            (r"的?节目单$", "有什么节目"),
            (
                r"^(今晚|今天|现在)(.+?)(播什么|有什么节目|在播什么|放什么)$",
                "$2$1$3",
            ),
            (
                r"^(?:把)?(?:所有|全部)的?(.+?)都?(删除|删掉|清空)$",
                "$2所有$1",
            ),
            (r"^打开(.+?)这个(文件|文档)$", "打开$2$1"),
            (r"^联网搜索", "上网搜索"),
            (r"文件名含有", "文件名包含"),
            (r"^拍(一张|张)照$", "拍${1}照片"),
            (
                r"^发邮件给([^,]+),(?:附件|附上|附带)(?:是)?(.+)$",
                "把$2发邮件给$1",
            ),
            (r"^([^,]{0,4}?)开灯$", "${1}灯打开"),
            (r"^([^,]{0,4}?)关灯$", "${1}灯关闭"),
            (
                r"^([^,]{0,4}?)空调([0-9]{2}|[一二三四五六七八九十两]{2,4})度$",
                "${1}空调调到$2度",
            ),
            (r"^(?:请|开始)(播放|导航)", "$1"),
            (r"^打开(电影|影片|电视剧|视频|歌曲|音乐)", "播放$1"),
            (r"^发送(短信|消息|信息)", "发$1"),
            (r"^(导航(?:到|去|至)?),(?:目的地|终点)?(?:是|为)?:?", "$1"),
            (r"^(闹钟|计时器|倒计时),", "设置$1,"),
            (r"^(?:把)?(.+?)(全部|所有)(删除|删掉|清空)$", "$3$2$1"),
            (
                r"^(?:把)?([^,]{2,14}?)(打开|开启|关闭|关掉|关上|删除|删掉|清空)$",
                "$2$1",
            ),
            (
                r"^转(?:账)?([0-9零一二两三四五六七八九十百千万.]+)(元|块钱|块)给(.+)$",
                "转账给$3$1$2",
            ),
            (r"的天气$", "天气"),
            (r"是多少$", "多少"),
            (r"^当前(?:路段|道路)", "这段路"),
        ]
        .into_iter()
        .map(|(p, r)| (re(p), r))
        .collect()
    });
    // The most rewritten form first: it is closest to the template's own order.
    let mut out: Vec<String> = Vec::new();
    let mut cur = s.to_string();
    for (pat, rep) in RULES.iter() {
        let next = pat.replace(&cur, *rep).into_owned();
        if next != cur {
            cur = next;
            out.push(cur.clone());
        }
    }
    out.reverse();
    out
}

/// A Han character (or CJK punctuation): the script in which spaces are not word breaks.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

fn is_cjk_or_punct(c: char) -> bool {
    is_cjk(c)
        || matches!(
            c,
            '，' | '。' | '、' | '：' | '；' | '“' | '”' | '「' | '」'
        )
}

/// Whether the text is mostly Chinese (decides the source language of a translation).
pub fn mostly_cjk(s: &str) -> bool {
    let han = s.chars().filter(|c| is_cjk(*c)).count();
    let latin = s.chars().filter(char::is_ascii_alphabetic).count();
    han * 2 >= latin && han > 0
}

/// Courtesy and filler words that do not change a command: a preset-command engine skips
/// them too, so they are handled at every level.
pub fn strip_courtesy(s: &str) -> String {
    const LEAD: &[&str] = &[
        "请你",
        "请",
        "麻烦你",
        "麻烦",
        "帮我",
        "帮忙",
        "呃",
        "嗯,",
        "那个,",
        "please ",
        "hey ",
        "ok ",
        "okay ",
        "hey,",
        "hi,",
        "ok,",
        "okay,",
        "so,",
        "well,",
        "um,",
        "uh,",
    ];
    const TRAIL: &[&str] = &[
        "谢谢你",
        "谢谢",
        "谢了",
        ", please",
        " please",
        ", thanks",
        " thanks",
        " thank you",
    ];
    let mut t = s.trim().to_string();
    loop {
        let before = t.len();
        for p in LEAD {
            if let Some(r) = t.strip_prefix(p).filter(|r| !r.trim().is_empty()) {
                t = r.trim_start_matches([',', ' ']).to_string();
            }
        }
        for p in TRAIL {
            if let Some(r) = t.strip_suffix(p).filter(|r| !r.trim().is_empty()) {
                t = r.to_string();
            }
        }
        t = t
            .trim_end_matches([',', '.', '!', '?', '。', ' '])
            .to_string();
        if t.len() == before {
            return t;
        }
    }
}

/// Trailing modal particles ("吧", "呀") that never carry meaning in a short answer.
fn strip_particles(s: &str) -> &str {
    s.trim_end_matches([
        '吧', '啊', '呀', '的', '了', '呢', '哦', '嘛', ',', '.', '!', ' ',
    ])
}

// ------------------------------------------------------------------ colloquial forms

/// Colloquial, regional and written variants of function words, mapped to the common form
/// the intent cues and slot parsers know ("咋" → "怎么", "明儿" → "明天", "翻成" → "翻译成").
/// Lexical, not sentence-level: each entry is a word any request may contain. Applied from
/// L2 up only — a preset-command (L1) terminal accepts its own forms and no others.
static COLLOQUIAL: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // Contracted question words and negations read as their full forms ("where's" is
        // "where is", "isn't" is "is not"), so one cue or pattern covers both.
        (r"\b(?P<w>where|how|who|when|which)'s\b", "$w is"),
        (r"\b(?P<w>is|are|does|was|were)n't\b", "$w not"),
        // Going on foot, however asked: "walk me to X", "X on foot", "guide me to X".
        (
            r"^(?:i(?:'d| would) like to |i want to |i wanna |let's )?walk (?:me |us )?to ?(?P<x>.+?)(?: on foot| by foot)?$",
            "navigate to $x on foot",
        ),
        (
            r"^(?:take|get|bring|guide|lead|navigate|direct) (?:me|us) to ?(?P<x>.+?) ?(?:on foot|by foot|walking)$",
            "navigate to $x on foot",
        ),
        (r"^(?:guide|lead|navigate|direct) (?:me|us) to ?(?P<x>.+)$", "navigate to $x"),
        // A name put first, then the call verb alone ("老周，帮我打一下"); "打老周电话".
        (
            r"^(?P<n>[\p{Han}]{2,3})[,，](?:你)?(?:帮我|给我|麻烦)?(?:打(?:一下|过去|个电话|电话)|拨(?:一下|过去))",
            "打电话给$n",
        ),
        (r"打(?P<n>[\p{Han}--[个一通了过完这那电]][\p{Han}]{0,2}?)的?电话", "打电话给$n"),
        (r"告诉(?P<n>[\p{Han}]{1,4}?)一声", "告诉$n"),
        (r"(?:跟|和)(?P<n>[\p{Han}]{1,4}?)(?:讲|说)(?:一声|一下)", "告诉$n"),
        (r"^(?P<n>[\p{Han}]{2,3})那边(?:讲|说)(?:一声|一下)", "告诉$n"),
        (r"给(?P<n>[\p{Han}]{1,4}?)(?:带|捎)(?:个|句)话", "告诉$n"),
        (r"\blet (?P<n>[a-z]+(?: [a-z]+)?) know(?: that)?\b", "tell $n"),
        // Places named by what the user does there ("上班的地方", "回单位") are the workplace.
        (r"(?:上班|工作|干活)的地方|单位", "公司"),
        (r"^(?:回|到)公司(?:去)?$|^上班去$|^去上班$", "去公司"),
        (
            r"\b(?:head|go|drive|get me|take me) (?:to|back to) (?:work|the office)\b|^(?:the )?office(?:,? please)?$|^to (?:work|the office)$",
            "take me to work",
        ),
        // "传到云盘" is uploading, not finding the file.
        (r"(?P<a>^|[^上])传(?:到|至)(?P<b>云|网盘|服务器)", "${a}上传到$b"),
        // "开去机场"; not "开到" ("开到最高档", "开到26度" set a level).
        (r"开去|驶(?:向|往)", "开车去"),
        // "火车南站怎么去" is "去火车南站怎么走"; "导航，火车南站" names the destination.
        (r"^(?P<p>[^,?去到导这那哪][^,?]{1,19}?)(?:怎么)(?:去|走)(?:啊|呢|呀)?$", "去$p怎么走"),
        (r"^导航[,:]", "导航到"),
        // Separable verbs with a measure word inside: "导个航", "截个图", "加个油".
        (r"(?P<a>导|截|充|加)(?:个|一个|一下)(?P<b>航|图|屏|电|油)", "$a$b"),
        (
            r"\b(?:get me|bring me|drive me|head) to\b|\b(?:which way|how to get|how can i get) to\b",
            "take me to",
        ),
        (r"(?:听|放)(?:会儿|一会儿|一会|点儿|点)", "播放"),
        (r"咋(?:办|整)", "怎么办"),
        (r"咋|怎样|如何", "怎么"),
        (r"(?P<v>讲|说|写|放|播|演|干|是)(?P<p>的|了)?啥", "$v${p}什么"),
        // "等二十分钟提醒我": waiting a span is the span from now.
        (r"^等(?P<d>[^,]{1,6}?(?:分钟|小时|秒钟|秒))", "${d}后"),
        (r"计(?:个|一下|下)时", "计时"),
        (r"(?P<v>播|放|演)(?:些|点)什么", "${v}什么"),
        // "开下空调", "查下天气": a verb with 下 is the verb with 一下 (not 下午, 下面, 下周 …).
        (r"(?P<v>开|关|调|查|搜|找|拍|播|总结|概括|提炼|翻译|整理)下(?P<r>[^一面午边来去班车载单周个次雨]|$)", "${v}一下$r"),
        // A complaint's degree adverb: "好暗", "有点吵", "特别热" say what "太暗" says.
        (r"(?:好|很|挺|特别|真|超|有点|有些|这么|那么|忒)(?P<a>暗|亮|吵|冷|热)(?P<b>[^闹门情心度]|$)", "太$a$b"),
        // A degree said after the word: "暗得看不清", "暗乎乎的", "吵死了".
        (r"(?P<a>暗|亮|吵|冷|热)(?:得|乎乎|兮兮|死了|爆了)", "太$a,"),
        // The same in English: "so dim", "way too loud", "a bit chilly" say "too dim".
        (
            r"\b(?:so|really|very|way too|far too|much too|a bit|a little|kind of|pretty|rather|quite|too) (?P<a>dark|dim|bright|loud|quiet|soft|hot|warm|cold|chilly)\b",
            "too $a",
        ),
        // Words of one complaint take the common one: dim is dark, soft is quiet, warm is hot.
        (r"\btoo dim\b|\bpitch(?:-| )dark\b", "too dark"),
        (r"\btoo soft\b", "too quiet"),
        (r"\btoo warm\b|\b(?:boiling|roasting|sweltering|baking) (?:in|hot)\b", "too hot"),
        (r"\btoo chilly\b|\bfreezing (?:in|cold)\b", "too cold"),
        // Asking for the gist is asking for a summary: "sum it up", "boil this down".
        (
            r"\bsum (?:it |this |that |them |these |those )?up\b|\b(?:give me )?the gist(?: of)?\b|\bboil (?:it|this|that) down(?: for me)?\b|\bin a nutshell\b|^briefly,? |\btell me (?:briefly )?what (?P<x>.+?) (?:is|are) about\b",
            "summarize $x",
        ),
        (r"\bwhat does (?P<x>.+?) cover\b|\bwhat(?:'s| is) (?P<y>.+?) about\b", "summarize $x$y"),
        (r"^(?P<x>(?:all |the )?[a-z][a-z' -]{1,30}?) (?:closed|shut)$", "close $x"),
        // A level said for the sound anywhere in a request ("…, and put the volume at 30",
        // "then volume thirty"): the sound set to it, so each step of a chain reads alone.
        (
            r"\b(?:(?:put|set|turn|make|bring|change|have) )?(?:the )?(?:volume|sound)(?: level)? (?:at |to |up to |down to |on )?(?P<n>[0-9]{1,3}|(?:ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)\b(?: ?%| percent)?",
            "set volume to $n",
        ),
        (r"^(?P<x>volume|brightness) (?P<n>[0-9]{1,3})(?: ?%| percent)?$", "set $x to $n"),
        // The sound or screen said to be too much or too little, without "turn it …".
        (r"\b(?:volume|sound)(?:'s| is)? (?:way |far |much )?too (?:high|loud)\b", "too loud"),
        (r"\b(?:volume|sound)(?:'s| is)? (?:way |far |much )?too low\b|\bcan (?:barely|hardly|not|'t) hear\b", "can't hear"),
        (r"\bcan(?:'t|not| barely| hardly| not) (?:read|see) (?:the|my|this) screen\b", "can't see the screen"),
        // A language asked for is a translation: "what is X in English", "English for X",
        // "a Chinese translation of X", "make it English", "用英语讲一下", "X是什么意思".
        (
            r"\b(?:what(?:'s| is)|give me|i need|i want|put|render|say|write) ?(?P<x>.+?) ?\b(?:in|into) (?P<l>english|chinese)\b",
            "translate $x into $l",
        ),
        (
            r"^(?:(?:what(?:'s| is)|give me|tell me|say) )?(?:the )?(?P<l>english|chinese) (?:word )?for (?P<x>.+)",
            "translate $x into $l",
        ),
        (
            r"\b(?:an? |the )?(?P<l>chinese|english) (?:translation|version) of (?P<x>.+)",
            "translate $x into $l",
        ),
        (r"\b(?:make|turn) (?P<x>it|this|that) (?:in|into )?(?P<l>english|chinese)\b", "translate $x into $l"),
        (r"用(?P<l>英语|英文|中文|汉语)(?:讲|说|念|表达)(?:一下|出来|一遍)?", "翻译成$l"),
        (r"(?P<x>[a-z][a-z' ,]*[a-z]) ?(?:是什么意思|是啥意思|什么意思)", "把${x}翻译成中文"),
        // A summary asked for by its parts: "说说重点", "大意", "内容大概是什么".
        (r"重点|大意", "要点"),
        (r"(?:的)?内容大(?:概|致)(?:是什么|是啥|讲了什么|说了什么)?|大(?:概|致)(?:内容|讲了什么|说了什么)", "的主要内容"),
        (r"(?:说说|讲讲|说一下|讲一下)(?P<x>[^,]{0,8}?)的?意思", "总结$x"),
        // "erase every photo": every one of a kind is all of them.
        (
            r"\b(?:every|each) (?P<x>note|file|photo|picture|message|contact|email|window|light|door|seat)s?\b",
            "all ${x}s",
        ),
        // A phrasal verb split round its object ("turn the heater off") or said with another
        // verb ("switch on", "lights out") is "turn on/off" with the object after it.
        (
            r"\b(?:turn|switch|put|flick) (?P<x>(?:the |my |our |all (?:the )?)?[a-z][a-z'-]*(?: [a-z][a-z'-]*){0,3}?) (?P<o>on|off)(?P<r>$|[,.;!?]| (?:and|then|please|now|in|for)\b)",
            "turn $o $x$r",
        ),
        (r"\bturn (?P<o>on|off) (?P<p>it|them|this one|this|that|one)\b", "turn $p $o"),
        (r"\bswitch (?P<o>on|off)\b", "turn $o"),
        // "A if C, else B" is "if C, then A, otherwise B".
        (
            r"^(?P<a>[^,]+?) if (?P<c>[^,]+?),? (?:else|otherwise|if not,?) (?P<b>.+)$",
            "if $c, then $a, otherwise $b",
        ),
        (r"\blights out\b", "lights off"),
        // "a 10-minute timer": a hyphenated span is the span.
        (r"\b(?P<n>[0-9]+|[a-z]+)-(?P<u>minute|second|hour)\b", "$n ${u}s"),
        (r"怎么(?:讲|念|表达)", "怎么说"),
        (r"明儿个|明个|明儿", "明天"),
        (r"今儿个|今儿", "今天"),
        (r"后儿个|后儿", "后天"),
        (r"昨儿个|昨儿", "昨天"),
        (r"(?:翻译|翻|译)(?:成|为|做)", "翻译成"),
        (r"翻(?:一下|下)", "翻译"),
        (r"拨(?:个|一个|一下|通)?(?:电话)?", "打个电话"),
        (r"喊我", "叫我"),
        (r"(?:叫|喊)我一声(?P<r>[,，])", "提醒我$r"),
        (r"(?:把我|将我)(?:叫|喊)醒|(?:叫|喊)醒我|叫我起来|喊我起来", "叫我起床"),
        (r"通(?:个|一个|一下)?电话", "打个电话"),
        (r"呼(?:一下|下)", "打给"),
        (r"联系(?:一下|下)", "打给"),
        (r"搁", "放"),
        (r"雨伞|把伞", "伞"),
        (r"有雨没|下雨不|有没有雨|会不会下雨|下不下雨", "会下雨吗"),
        (r"记着点|记着", "记住"),
    ]
    .into_iter()
    .map(|(p, to)| (re(p), to))
    .collect()
});

/// The commonest Chinese family names: a short run of Han characters that starts with one reads
/// as a person's name ("王菲", "周杰伦").
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const DOUBLE_SURNAMES: &[&str] = &["欧阳", "司马", "上官", "诸葛", "东方", "令狐", "慕容"];

/// Whether the words are a Chinese personal name: a family name and one or two given-name
/// characters (a two-character family name and up to two more).
pub fn person_name(s: &str) -> bool {
    let n = s.chars().count();
    if !s.chars().all(is_cjk) {
        return false;
    }
    if DOUBLE_SURNAMES.iter().any(|d| s.starts_with(d)) {
        return (3..=4).contains(&n);
    }
    (2..=3).contains(&n) && s.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// A thing named first and then "on"/"off" ("wifi off", "heating on in the study") is the
/// verb-first request ("turn off wifi"). Not when the words before are
/// a request of their own ("put the lights on") or a standing rule ("… from now on").
pub fn switch_named_first(s: &str) -> Option<String> {
    static NAMED_FIRST: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?P<x>[a-z][a-z'-]*(?: [a-z][a-z'-]*){0,3}) (?P<o>on|off)(?: (?:in|at) (?:the )?(?P<p>[a-z]+(?: [a-z]+)?))?$",
        )
    });
    const VERBS: &[&str] = &[
        "turn", "switch", "put", "get", "keep", "leave", "set", "have", "from", "go", "log",
        "sign", "take", "drop", "hold", "carry", "move", "hang", "back", "right", "and",
    ];
    // Words that make the part before "on"/"off" a clause, not the name of a thing.
    const CLAUSE: &[&str] = &[
        "me", "to", "you", "i", "we", "it", "us", "them", "him", "her", "remind", "tell", "let",
        "get", "now", "here", "then", "there", "from",
    ];
    let c = NAMED_FIRST.captures(s)?;
    let x = &c["x"];
    let first = x.split(' ').next().unwrap_or_default();
    if VERBS.contains(&first) || x.split(' ').any(|w| CLAUSE.contains(&w)) {
        return None;
    }
    Some(match c.name("p") {
        Some(p) => format!("turn {} the {} {x}", &c["o"], p.as_str()),
        None => format!("turn {} {x}", &c["o"]),
    })
}

/// The text with colloquial variants in their common form (see [`COLLOQUIAL`]).
pub fn colloquial(s: &str) -> String {
    let s = &english_names(s);
    if let Some(t) = switch_named_first(s) {
        return t;
    }
    // "拨打" is the written verb the cues know already; keep it out of "拨…".
    const KEEP: char = '\u{1}';
    let mut t = s.replace("拨打", &KEEP.to_string());
    for (pattern, to) in COLLOQUIAL.iter() {
        if pattern.is_match(&t) {
            t = pattern.replace_all(&t, *to).into_owned();
        }
    }
    t.replace(KEEP, "拨打")
}

/// Singers and places said by their English names ("the west lake", "jj lin") as the names
/// the directory, the catalogue and the route planner know: longest name first, whole words.
pub fn english_names(s: &str) -> String {
    static NAMES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
        use crate::world::directory::{ARTISTS, PLACES};
        let mut names: Vec<&(&str, &str)> = ARTISTS.iter().chain(PLACES).collect();
        names.sort_by_key(|(_, en)| std::cmp::Reverse(en.len()));
        names
            .into_iter()
            .map(|(zh, en)| {
                let p = format!(r"(?:\bthe )?\b{}(?:\b|$)", regex::escape(en));
                (Regex::new(&p).expect("a name compiles"), *zh)
            })
            .collect()
    });
    if !s.is_ascii() && !s.chars().any(|c| c.is_ascii_alphabetic()) {
        return s.to_string();
    }
    let mut t = s.to_string();
    for (re, zh) in NAMES.iter() {
        if re.is_match(&t) {
            t = re.replace_all(&t, *zh).into_owned();
        }
    }
    // "lao zhang", "old wang", "xiao li": the familiar forms of a contact's surname.
    static FAMILIAR: LazyLock<Regex> =
        LazyLock::new(|| re(r"\b(?P<p>lao|old|xiao|little|young) (?P<s>[a-z]+)\b"));
    FAMILIAR
        .replace_all(&t, |c: &regex::Captures| {
            let prefix = if matches!(&c["p"], "lao" | "old") {
                '老'
            } else {
                '小'
            };
            crate::world::directory::CONTACTS
                .iter()
                .find(|k| {
                    k.en.split(' ')
                        .next()
                        .is_some_and(|w| w.eq_ignore_ascii_case(&c["s"]))
                })
                .map_or_else(|| c[0].to_string(), |k| format!("{prefix}{}", k.surname()))
        })
        .into_owned()
}

// ------------------------------------------------------------------ yes / no

/// A short confirming or declining answer; `None` when the text says something else.
pub fn yes_no(s: &str) -> Option<bool> {
    const NO: &[&str] = &["不", "否", "算", "no", "nope", "cancel", "stop"];
    const YES: &[&str] = &[
        "好", "是", "对", "嗯", "行", "要", "需要", "ok", "yes", "yeah", "yep", "sure",
    ];
    let t = strip_particles(s.trim());
    let t = t.trim_end_matches(['。', '！']);
    if NO.contains(&t) {
        return Some(false);
    }
    if YES.contains(&t) {
        return Some(true);
    }
    answer_shape(t)
}

/// Words an answer to "shall I?" starts with, by what they answer.
const NO_HEAD: &[&str] = &[
    "取消",
    "不要",
    "不用",
    "不需要",
    "算了",
    "先不",
    "不发",
    "别",
    "不行",
    "不必",
    "没必要",
    "拒绝",
    "否",
    "cancel",
    "no",
    "nope",
    "don't",
    "do not",
    "never",
    "stop",
    "not",
];
const YES_HEAD: &[&str] = &[
    "确认",
    "确定",
    "好",
    "行",
    "嗯",
    "对",
    "是",
    "可以",
    "没问题",
    "同意",
    "中",
    "成",
    "妥",
    "要",
    "ok",
    "okay",
    "yes",
    "yeah",
    "yep",
    "sure",
    "confirm",
    "confirmed",
    "alright",
    "fine",
    "please",
    "right",
    "sounds good",
    "go on",
    "great",
    "perfect",
    "of course",
    "absolutely",
    "do it",
    "that's fine",
    "that's ok",
    "that's okay",
    "that's good",
    "that's great",
    "that's right",
    "that works",
    "works for me",
    "fine by me",
    "looks good",
    "sounds fine",
    "all good",
    "当然",
    "就这样",
    "就这么",
    "好嘞",
    "好滴",
];
/// Verbs that go on with what was proposed ("发吧", "开过去", "开一下", "send it").
const GO_ON: &[&str] = &[
    "发", "送", "走", "打开", "开启", "开", "导航", "打", "拨", "转", "付", "删", "传", "播", "放",
    "提醒", "叫我", "关", "remind", "继续", "执行", "出发", "带我", "带路", "过去", "去", "弄",
    "搞", "办", "设", "定", "send", "go", "do", "proceed", "confirm", "transfer", "pay", "delete",
    "upload", "start", "navigate", "call", "play", "open", "turn", "take me", "head", "dial",
    "set",
];

/// A short answer read by its shape: a declining head ("不用了", "drop it"), or a
/// confirming head followed only by go-on clauses ("行啊，发出去", "yes, do it"), or go-on
/// clauses alone ("发出去", "开始导航"). Longer utterances are requests, not answers.
fn answer_shape(t: &str) -> Option<bool> {
    let clauses: Vec<&str> = t
        .split([',', '、', ';', '!', '.'])
        .map(|c| strip_particles(c.trim()))
        .filter(|c| !c.is_empty())
        .collect();
    let han = t.chars().filter(|c| is_cjk(*c)).count();
    let words = t.split_whitespace().count();
    if clauses.is_empty() || han > 10 || (han == 0 && words > 6) {
        return None;
    }
    let head = |list: &[&str], c: &str| {
        list.iter().any(|w| {
            c.strip_prefix(w).is_some_and(|rest| {
                // Latin words end at a word boundary: "no" is not "now".
                !w.is_ascii() || !rest.starts_with(|ch: char| ch.is_ascii_alphabetic())
            })
        })
    };
    // "不对" and "不是" open corrections, not refusals.
    let correction = ["不对", "不是", "错了"].iter().any(|w| t.starts_with(w));
    if head(NO_HEAD, clauses[0]) && !correction && !clauses[0].starts_with("no problem") {
        return Some(false);
    }
    let negated = |c: &str| {
        // "没问题", "不错": confirming words that happen to contain a negation.
        let c = ["没问题", "没事", "不错", "no problem"]
            .iter()
            .find_map(|p| c.strip_prefix(p))
            .unwrap_or(c);
        ["不", "别", "没", "don't", "not"]
            .iter()
            .any(|n| c.contains(n))
    };
    // A go-on clause is the verb with at most a complement ("发出去", "开过去", "发给她",
    // "send it now"): one with an object of its own ("打给王芳") is a new request.
    let one = |c: &str| {
        if head(YES_HEAD, c) {
            return true;
        }
        // Adverbs before the verb do not change the answer ("就这么发", "直接发", "let's go").
        let c = [
            "开始",
            "就这么",
            "这就",
            "就",
            "直接",
            "马上",
            "现在",
            "赶紧",
            "帮我",
            "给我",
            "都",
            "全",
        ]
        .iter()
        .chain(&["let's ", "let us ", "please ", "just ", "then ", "now "])
        .find_map(|p| c.strip_prefix(p))
        .unwrap_or(c);
        GO_ON.iter().any(|w| {
            c.strip_prefix(w).is_some_and(|rest| {
                let rest = match *w {
                    "发" => ["给他", "给她", "给ta"]
                        .iter()
                        .find_map(|p| rest.strip_prefix(p))
                        .unwrap_or(rest),
                    // "提醒我吧": whom to remind is the one answering.
                    "提醒" => rest.strip_prefix('我').unwrap_or(rest),
                    _ => rest,
                };
                if w.is_ascii() {
                    rest.is_empty()
                        || (rest.starts_with(' ')
                            && rest.split_whitespace().all(|x| {
                                [
                                    "it",
                                    "ahead",
                                    "on",
                                    "now",
                                    "please",
                                    "that",
                                    "off",
                                    "over",
                                    "out",
                                    "there",
                                    "then",
                                    "right",
                                    "away",
                                    "them",
                                    "this",
                                    "the",
                                    "message",
                                    "navigation",
                                    "route",
                                ]
                                .contains(&x)
                            }))
                } else {
                    rest.chars()
                        .all(|ch| "吧过去出来起一下了呗啊呀嘛送发走".contains(ch))
                }
            })
        }) || c.is_empty()
    };
    // "go on and send it": go-on verbs joined by "and" are one go-on clause.
    let go_on = |c: &str| {
        if c.is_ascii() {
            c.split(" and ").all(|p| one(p.trim()))
        } else {
            one(c)
        }
    };
    // "yes and call Wang Fang" goes on to a request of its own.
    let first_yes = head(YES_HEAD, clauses[0])
        && (!clauses[0].is_ascii() || !clauses[0].contains(" and ") || go_on(clauses[0]));
    let short = |c: &&str| c.chars().count() <= 6 || (c.is_ascii() && c.split(' ').count() <= 6);
    let rest_ok = clauses[1..]
        .iter()
        .all(|c| short(c) && go_on(c) && !negated(c));
    if !negated(clauses[0]) && rest_ok && (first_yes || (go_on(clauses[0]) && short(&clauses[0]))) {
        return Some(true);
    }
    None
}

// ------------------------------------------------------------------ numbers

fn cn_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A whole number in Arabic digits or Chinese numerals up to the 万s: `25`, `二十五`,
/// `两百`, `一百零五`, `三万`; a run of bare digits (`二零二六`) is read digit by digit.
pub fn cn_number(s: &str) -> Option<u64> {
    if s.is_empty() || s.chars().count() > 12 {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    if s.chars().count() > 1 && s.chars().all(|c| cn_digit(c).is_some()) {
        return s
            .chars()
            .try_fold(0u64, |acc, c| Some(acc * 10 + cn_digit(c)?));
    }
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    for c in s.chars() {
        match c {
            '十' => {
                section += digit.unwrap_or(1) * 10;
                digit = None;
            }
            '百' => {
                section += digit? * 100;
                digit = None;
            }
            '千' => {
                section += digit? * 1000;
                digit = None;
            }
            '万' => {
                total += (section + digit.unwrap_or(0)) * 10_000;
                section = 0;
                digit = None;
            }
            _ => digit = Some(cn_digit(c)?),
        }
    }
    Some(total + section + digit.unwrap_or(0))
}

/// English number words for small counts ("an hour", "two minutes").
fn en_small_number(s: &str) -> Option<f64> {
    Some(match s {
        "a" | "an" | "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "forty-five" => 45.0,
        "sixty" => 60.0,
        "half a" | "half an" => 0.5,
        _ => s.parse().ok()?,
    })
}

/// A number in a slot string (`50`, `五十`, `百分之五十`, `50%`, `最大`).
pub fn number_strict(s: &str) -> Option<f64> {
    let t = s
        .trim()
        .trim_end_matches(['%', '度', '元', '块'])
        .trim_end_matches("块钱");
    let t = t.strip_prefix("百分之").unwrap_or(t);
    match t {
        "最大" | "最高" | "max" | "maximum" => return Some(100.0),
        "最小" | "最低" | "min" | "minimum" => return Some(0.0),
        _ => {}
    }
    t.parse::<f64>()
        .ok()
        .or_else(|| cn_number(t).map(|n| n as f64))
}

static NUMBER_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:调到|调至|调成|设为|设置为|设置成|设成|改成|改为|变成|开到|到| to )(?P<n>百分之[零一二两三四五六七八九十百]+|[0-9]+(?:\.[0-9]+)?%?|[零一二两三四五六七八九十百]+|最大|最小|最高|最低|max(?:imum)?|min(?:imum)?)",
    )
});

/// A level said in English words after its name or "to": "brightness sixty", "to twenty-five".
static NUMBER_AFTER_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:to|at|volume|brightness)(?: of)? (?P<w>(?:ten|eleven|twelve|[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|one|two|three|four|five|six|seven|eight|nine|zero)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)\b",
    )
});

static EXTREME_LEVEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?P<x>max(?:imum)?|full|min(?:imum)?) (?:volume|brightness)\b"));

/// A target value after "调到 / 设为 / to" in free phrasing.
pub fn find_target_number(s: &str) -> Option<f64> {
    if let Some(c) = NUMBER_AFTER.captures(s) {
        return number_strict(&c["n"]);
    }
    // "full brightness", "min volume please": the top or bottom of the range, named first.
    if let Some(c) = EXTREME_LEVEL.captures(s) {
        return Some(if c["x"].starts_with("min") {
            0.0
        } else {
            100.0
        });
    }
    NUMBER_AFTER_EN.captures_iter(s).find_map(|c| {
        let w = &c["w"];
        en_number(w).or_else(|| en_number(w.split([' ', '-']).next().unwrap_or(w)))
    })
}

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:¥|￥|rmb ?)?(?P<n>[0-9]+(?:\.[0-9]{1,2})?|[零一二两三四五六七八九十百千万]+)(?: ?(?:元|块钱|块|yuan|rmb|人民币))",
    )
});

/// A money amount in yuan (`200元`, `两百块`, `50 yuan`).
pub fn find_amount(s: &str) -> Option<f64> {
    let c = AMOUNT.captures(s)?;
    number_strict(&c["n"])
}

// ------------------------------------------------------------------ time of day and dates

/// Part of the day said without (or with) a clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    EarlyMorning,
    Morning,
    Noon,
    Afternoon,
    Evening,
}

impl Period {
    fn from_word(w: &str) -> Option<Period> {
        Some(match w {
            "凌晨" | "半夜" => Period::EarlyMorning,
            "早上" | "早晨" | "清晨" | "上午" | "明早" | "今早" | "早" | "morning" | "am"
            | "a.m." => Period::Morning,
            "中午" | "noon" => Period::Noon,
            "下午" | "afternoon" | "pm" | "p.m." => Period::Afternoon,
            "傍晚" | "晚上" | "夜里" | "今晚" | "明晚" | "evening" | "night" | "tonight" => {
                Period::Evening
            }
            _ => return None,
        })
    }

    /// The hour a period stands for when no clock time is given.
    pub fn default_time(self) -> (u32, u32) {
        match self {
            Period::EarlyMorning => (6, 0),
            Period::Morning => (8, 0),
            Period::Noon => (12, 0),
            Period::Afternoon => (15, 0),
            Period::Evening => (20, 0),
        }
    }

    pub fn to_24h(self, h: u32) -> u32 {
        match self {
            Period::EarlyMorning => h % 12,
            Period::Morning => h,
            Period::Noon if h <= 3 => h + 12,
            Period::Noon => h,
            Period::Afternoon | Period::Evening if h < 12 => h + 12,
            Period::Afternoon | Period::Evening => h,
        }
    }
}

/// A point in time as said: any of a date, a period and a clock time, or an offset from now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When {
    pub date: Option<NaiveDate>,
    pub period: Option<Period>,
    /// Clock time as said (before the period is applied).
    pub clock: Option<(u32, u32)>,
    /// Seconds from now ("半小时后", "in 10 minutes").
    pub offset: Option<i64>,
}

impl When {
    pub fn is_empty(&self) -> bool {
        self.date.is_none()
            && self.period.is_none()
            && self.clock.is_none()
            && self.offset.is_none()
    }

    /// The date and 24-hour time meant, preferring the next occurrence after `now` when the
    /// day is not said. `None` when no time of day can be settled.
    pub fn resolve(&self, now: NaiveDateTime) -> Option<(NaiveDate, u32, u32)> {
        if let Some(secs) = self.offset {
            let t = now + Duration::seconds(secs);
            return Some((t.date(), t.hour(), t.minute()));
        }
        let today = now.date();
        let now_min = now.hour() * 60 + now.minute();
        let (h, m) = match (self.clock, self.period) {
            (Some((h, m)), Some(p)) => (p.to_24h(h), m),
            (Some(hm), None) => hm,
            (None, Some(p)) => p.default_time(),
            (None, None) => return None,
        };
        if let Some(d) = self.date {
            return Some((d, h, m));
        }
        if self.period.is_none() && self.clock.is_some() && h < 12 {
            // "七点" with no day or period: the next 7 o'clock, morning or evening.
            for hh in [h, h + 12] {
                if hh * 60 + m > now_min {
                    return Some((today, hh, m));
                }
            }
            return Some((today.succ_opt()?, h, m));
        }
        if h * 60 + m > now_min {
            Some((today, h, m))
        } else {
            Some((today.succ_opt()?, h, m))
        }
    }
}

const CN_NUM: &str = "[0-9]{1,2}|[零一二两三四五六七八九十]{1,3}";

static DATE_ZH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?P<d>大后天|后天|明天|明日|明儿|明早|明晚|今天|今日|今早|今晚|(?P<wp>下下个?|下个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])|(?P<mo>[0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?P<dy>[0-9]{1,2}|[一二三四五六七八九十]{1,3})[日号])",
    )
});
static PERIOD_ZH: LazyLock<Regex> =
    LazyLock::new(|| re(r"凌晨|半夜|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里"));
static CLOCK_ZH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?P<h>{CN_NUM})(?:(?:点|时)(?P<m>半|一刻|三刻|整|钟|过?零?(?:{CN_NUM})分?)?|:(?P<mm>[0-9]{{2}}))"
    ))
});
static STRICT_WHEN_ZH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^(?:{date})?(?:的)?(?:{period})?(?:{clock})?$",
        date = unnamed(DATE_ZH.as_str()),
        period = PERIOD_ZH.as_str(),
        clock = unnamed(CLOCK_ZH.as_str()),
    ))
});

/// The same pattern with its named groups made anonymous, so it can be embedded in another.
fn unnamed(pattern: &str) -> String {
    static NAMED: LazyLock<Regex> = LazyLock::new(|| re(r"\(\?P<[a-z0-9_]+>"));
    NAMED.replace_all(pattern, "(?:").into_owned()
}
static DURATION_ZH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?P<n>[0-9]+(?:\.[0-9]+)?|[零一二两三四五六七八九十百]+|半)(?:个)?(?P<half>半)?(?P<u>小时|钟头|分钟|分|秒钟|秒)|(?P<q>一刻钟)",
    )
});
static DURATION_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?P<n>[0-9]+(?:\.[0-9]+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty|forty-five|sixty|half an?) ?(?P<u>hours?|hrs?|minutes?|mins?|seconds?|secs?)\b",
    )
});
static RELATIVE_ZH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?P<pre>过)?(?P<dur>(?:(?:[0-9]+(?:\.[0-9]+)?|[零一二两三四五六七八九十百]+|半)(?:个)?半?(?:小时|钟头|分钟|分|秒钟|秒|天))+|一刻钟)(?P<post>之后|以后|后)?",
    )
});
static RELATIVE_EN: LazyLock<Regex> = LazyLock::new(|| {
    const DUR: &str = r"(?:[0-9]+(?:\.[0-9]+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty|forty-five|sixty|half an?) ?(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|days?)";
    re(&format!(
        r"\b(?:in|after) (?P<dur>{DUR})\b|\b(?P<dur2>{DUR}) (?:from now|later|from right now)\b"
    ))
});
static CLOCK_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:at )?(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2}))? ?(?P<ap>a\.?m\.?|p\.?m\.?|o'?clock)|\bat (?P<h2>[0-9]{1,2})(?::(?P<m2>[0-9]{2}))?\b|\b(?P<h3>[0-9]{1,2}):(?P<m3>[0-9]{2})\b|\b(?P<noon>noon|midnight)\b|\b(?:for|to) (?P<h4>[0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:tomorrow|today|tonight|this (?:morning|afternoon|evening)|in the (?:morning|afternoon|evening))\b",
    )
});
static DATE_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?P<d>the day after tomorrow|tomorrow|today|tonight|(?P<wp>next |this )?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    )
});
/// A calendar date in English: "May 9", "9th of May", "on the 10th" (this month).
/// The days of the week in English, Monday first.
pub const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

static DAY_EN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? (?:the )?(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?\b|\b(?:the )?(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)? (?:of )?(?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\bthe (?P<d3>[0-9]{1,2})(?:st|nd|rd|th)\b",
    )
});

fn en_month(m: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    MONTHS
        .iter()
        .position(|x| m.starts_with(x))
        .map(|i| i as u32 + 1)
}

/// The date a `DAY_EN` match names; a day alone is this month's, or next month's once past.
fn en_day_date(c: &regex::Captures, today: NaiveDate) -> Option<NaiveDate> {
    if let Some(d) = c.name("d3") {
        let d: u32 = d.as_str().parse().ok()?;
        let this = NaiveDate::from_ymd_opt(today.year(), today.month(), d)?;
        if this >= today {
            return Some(this);
        }
        let (y, m) = if today.month() == 12 {
            (today.year() + 1, 1)
        } else {
            (today.year(), today.month() + 1)
        };
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let mon = en_month(c.name("mon").or_else(|| c.name("mon2"))?.as_str())?;
    let d: u32 = c
        .name("d")
        .or_else(|| c.name("d2"))?
        .as_str()
        .parse()
        .ok()?;
    NaiveDate::from_ymd_opt(today.year(), mon, d)
}

static PERIOD_EN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(morning|afternoon|evening|night|tonight)\b"));

fn cn_weekday(c: &str) -> Option<u32> {
    Some(match c {
        "一" | "1" => 0,
        "二" | "2" => 1,
        "三" | "3" => 2,
        "四" | "4" => 3,
        "五" | "5" => 4,
        "六" | "6" => 5,
        "日" | "天" | "7" => 6,
        _ => return None,
    })
}

fn en_weekday(w: &str) -> Option<u32> {
    Some(match w {
        "monday" => 0,
        "tuesday" => 1,
        "wednesday" => 2,
        "thursday" => 3,
        "friday" => 4,
        "saturday" => 5,
        "sunday" => 6,
        _ => return None,
    })
}

/// The date of weekday `wd` (Monday = 0): `weeks_ahead` weeks on, or, when `None`, the next
/// one from today on (a bare "周一" said on a Friday means the coming Monday).
fn weekday_date(today: NaiveDate, wd: u32, weeks_ahead: Option<i64>) -> NaiveDate {
    let cur = today.weekday().num_days_from_monday() as i64;
    match weeks_ahead {
        Some(w) => today + Duration::days(7 * w - cur + wd as i64),
        None => {
            let ahead = (wd as i64 - cur).rem_euclid(7);
            today + Duration::days(ahead)
        }
    }
}

fn zh_date(c: &regex::Captures, today: NaiveDate) -> Option<(NaiveDate, Option<Period>)> {
    let d = c.name("d")?.as_str();
    let plus = |n| today + Duration::days(n);
    Some(match d {
        "今天" | "今日" => (today, None),
        "今早" => (today, Some(Period::Morning)),
        "今晚" => (today, Some(Period::Evening)),
        "明天" | "明日" | "明儿" => (plus(1), None),
        "明早" => (plus(1), Some(Period::Morning)),
        "明晚" => (plus(1), Some(Period::Evening)),
        "后天" => (plus(2), None),
        "大后天" => (plus(3), None),
        _ => {
            if let Some(wd) = c.name("wd") {
                let wd = cn_weekday(wd.as_str())?;
                let weeks = match c.name("wp").map(|m| m.as_str()) {
                    Some(p) if p.starts_with("下下") => Some(2),
                    Some(p) if p.starts_with('下') => Some(1),
                    Some(_) => Some(0),
                    None => None,
                };
                (weekday_date(today, wd, weeks), None)
            } else {
                let mo = cn_number(c.name("mo")?.as_str())? as u32;
                let dy = cn_number(c.name("dy")?.as_str())? as u32;
                (NaiveDate::from_ymd_opt(today.year(), mo, dy)?, None)
            }
        }
    })
}

fn zh_clock(c: &regex::Captures) -> Option<(u32, u32)> {
    let h = cn_number(c.name("h")?.as_str())? as u32;
    let m = if let Some(mm) = c.name("mm") {
        mm.as_str().parse().ok()?
    } else {
        match c.name("m").map(|m| m.as_str()) {
            None | Some("整") | Some("钟") => 0,
            Some("半") => 30,
            Some("一刻") => 15,
            Some("三刻") => 45,
            Some(s) => {
                let s = s
                    .trim_start_matches('过')
                    .trim_start_matches('零')
                    .trim_end_matches('分');
                cn_number(s)? as u32
            }
        }
    };
    (h <= 24 && m < 60).then_some((h % 24, m))
}

/// A whole slot string that is an explicit point in time: optional day, optional period,
/// clock time (`明天早上七点`, `7:30`, `下午三点一刻`). No relative or inferred forms.
pub fn when_strict(s: &str, today: NaiveDate) -> Option<When> {
    let s = s.trim().trim_start_matches(['在', ',']).trim();
    if s.is_empty() {
        return None;
    }
    if !mostly_cjk(s) {
        // English presets: a clock time with an optional day, nothing relative.
        let digits = en_clock_words(s);
        let s = digits.as_str();
        let no_date = DATE_EN.replace_all(s, "");
        let no_clock = CLOCK_EN.replace_all(&no_date, "");
        let rest = PERIOD_EN.replace_all(&no_clock, "");
        let w = scan_en(s, today);
        return (rest.trim().is_empty() && w.clock.is_some()).then_some(w);
    }
    if !STRICT_WHEN_ZH.is_match(s) {
        return None;
    }
    let w = scan_zh(s, today);
    w.clock.is_some().then_some(w)
}

/// Split a preset slot into a leading explicit time and the rest (`明天下午三点开会` →
/// the time and `开会`).
pub fn split_leading_when(s: &str, today: NaiveDate) -> Option<(When, String)> {
    let bounds: Vec<usize> = s
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain([s.len()])
        .collect();
    bounds.into_iter().rev().find_map(|end| {
        let w = when_strict(&s[..end], today)?;
        let rest = s[end..].trim_start_matches([',', ' ', '的']).trim();
        (!rest.is_empty()).then(|| (w, rest.to_string()))
    })
}

/// The text with every date, time and offset expression taken out.
pub fn strip_when(s: &str) -> String {
    let mut t = s.to_string();
    for r in [
        &*RELATIVE_EN,
        &*DATE_EN,
        &*CLOCK_EN,
        &*PERIOD_EN,
        &*DATE_ZH,
        &*PERIOD_ZH,
    ] {
        t = r.replace_all(&t, "").into_owned();
    }
    t = RELATIVE_ZH
        .replace_all(&t, |c: &regex::Captures| {
            if c.name("pre").is_some() || c.name("post").is_some() {
                String::new()
            } else {
                c[0].to_string()
            }
        })
        .into_owned();
    CLOCK_ZH
        .replace_all(&t, |c: &regex::Captures| {
            let bare_one = &c["h"] == "一" && c.name("m").is_none() && c.name("mm").is_none();
            if bare_one {
                c[0].to_string()
            } else {
                String::new()
            }
        })
        .into_owned()
}

fn scan_zh(s: &str, today: NaiveDate) -> When {
    let mut w = When::default();
    let mut clock_floor = 0;
    if let Some(c) = DATE_ZH.captures(s)
        && let Some((d, p)) = zh_date(&c, today)
    {
        w.date = Some(d);
        w.period = p;
        clock_floor = c.get(0).map_or(0, |m| m.end());
    }
    if let Some(p) = PERIOD_ZH.find(s) {
        w.period = Period::from_word(p.as_str()).or(w.period);
        clock_floor = clock_floor.max(p.end());
    }
    for c in CLOCK_ZH.captures_iter(s) {
        let whole = c.get(0).expect("group 0");
        let h_text = &c["h"];
        let bare_one = h_text == "一" && c.name("m").is_none() && c.name("mm").is_none();
        // "调亮一点" / "大一点" is "a little", not one o'clock, unless a day or period leads in.
        let led_in = whole.start() == clock_floor && clock_floor > 0;
        if bare_one && !led_in {
            continue;
        }
        if whole.start() < clock_floor {
            continue;
        }
        if let Some(hm) = zh_clock(&c) {
            w.clock = Some(hm);
            break;
        }
    }
    w
}

static EN_WORD_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?P<h>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?: (?P<m>{EN_MINUTE}))? ?(?P<ap>a\.?m\.?|p\.?m\.?|o'?clock)"
    ))
});

/// Minutes said in English words: "o'five", "ten" … "nineteen", "twenty" … "fifty-nine" (with a
/// hyphen or a space between tens and units).
const EN_MINUTE: &str = r"o'?five|o'(?:one|two|three|four|six|seven|eight|nine)|oh (?:one|two|three|four|five|six|seven|eight|nine)|(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine)\b)?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";

/// "half past seven", "ten to eight", "at six thirty": spoken clock times without a.m./p.m.
static EN_SPOKEN_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    const H: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]{1,2}";
    re(&format!(
        r"\b(?P<pre>at|by|for|until|around) (?P<h2>{H}) (?P<m2>{EN_MINUTE})\b|\b(?P<pre3>at|by|for|until|around) (?P<h3>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
    ))
});

fn en_hour(w: &str) -> Option<u32> {
    const HOURS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    HOURS
        .iter()
        .position(|x| *x == w)
        .map(|i| i as u32 + 1)
        .or_else(|| w.parse().ok())
}

/// Minutes said in English: "quarter", "half", "oh five", "forty-five", "45".
fn en_minutes(w: &str) -> Option<u32> {
    match w {
        "quarter" | "a quarter" => return Some(15),
        "half" => return Some(30),
        _ => {}
    }
    if let Some(u) = ["o'", "oh ", "o"]
        .iter()
        .find_map(|p| w.strip_prefix(p).and_then(en_number))
    {
        return (1.0..10.0).contains(&u).then_some(u as u32);
    }
    en_number(w)
        .filter(|n| (0.0..60.0).contains(n) && n.fract() == 0.0)
        .map(|n| n as u32)
}

/// A number in English words or digits: "22", "twenty two", "twenty-two", "nineteen" — a
/// tens word, a ones word, or a tens word then a ones word under ten.
pub fn en_number(s: &str) -> Option<f64> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return n.is_finite().then_some(n);
    }
    let ones = |w: &str| ONES.iter().position(|o| *o == w);
    let tens = |w: &str| TENS.iter().position(|t| *t == w).map(|i| (i + 2) * 10);
    let words: Vec<&str> = s
        .split([' ', '-'])
        .filter(|w| !w.is_empty() && *w != "and")
        .collect();
    let n = match words.as_slice() {
        [w] => ones(w).or_else(|| tens(w))?,
        [t, o] => tens(t)? + ones(o).filter(|o| (1..10).contains(o))?,
        _ => return None,
    };
    Some(n as f64)
}

/// An English ordinal or count, as episodes, parts and list items are numbered: "17th",
/// "sixtieth", "twenty-first", "third", "sixty", "3".
pub fn en_ordinal(s: &str) -> Option<u32> {
    const ORDS: [(&str, u32); 12] = [
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("sixth", 6),
        ("seventh", 7),
        ("eighth", 8),
        ("ninth", 9),
        ("tenth", 10),
        ("eleventh", 11),
        ("twelfth", 12),
    ];
    let s = s.trim();
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if !digits.is_empty() && digits.len() < s.len() && digits.chars().all(|c| c.is_ascii_digit()) {
        return matches!(&s[digits.len()..], "st" | "nd" | "rd" | "th")
            .then(|| digits.parse().ok())
            .flatten();
    }
    let word = |w: &str| -> Option<u32> {
        if let Some((_, n)) = ORDS.iter().find(|(o, _)| *o == w) {
            return Some(*n);
        }
        let base = if let Some(t) = w.strip_suffix("ieth") {
            format!("{t}y")
        } else {
            w.strip_suffix("th").unwrap_or(w).to_string()
        };
        en_number(&base).map(|n| n as u32)
    };
    match s
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .as_slice()
    {
        [w] => word(w),
        [t, o] => {
            let tens = en_number(t).filter(|n| *n >= 20.0 && *n % 10.0 == 0.0)? as u32;
            Some(tens + word(o).filter(|o| (1..10).contains(o))?)
        }
        _ => None,
    }
}

static EN_RELATIVE_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?P<rel>half|(?:a )?quarter|five|ten|twenty|twenty-five|[0-9]{1,2})(?: minutes)? (?P<dir>past|after|to) (?P<h>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]{1,2})\b|\b(?P<rel2>half) (?P<h2>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    )
});

/// Spoken clock times as digits, so the clock parser sees "7:30" (see [`EN_SPOKEN_CLOCK`]).
fn en_spoken_clock(s: &str) -> String {
    let rel = EN_RELATIVE_CLOCK.replace_all(s, |c: &regex::Captures| {
        // "half six" (British): half past.
        if let Some(h) = c.name("h2") {
            return en_hour(h.as_str()).map_or_else(|| c[0].to_string(), |h| format!("{h}:30"));
        }
        let clock = (|| {
            let h = en_hour(&c["h"])?;
            let m = en_minutes(&c["rel"])?;
            Some(if &c["dir"] == "to" {
                (if h == 1 { 12 } else { h - 1 }, 60 - m)
            } else {
                (h, m)
            })
        })();
        clock.map_or_else(|| c[0].to_string(), |(h, m)| format!("{h}:{m:02}"))
    });
    EN_SPOKEN_CLOCK
        .replace_all(&rel, |c: &regex::Captures| {
            let whole = c[0].to_string();
            let clock = if let Some(h) = c.name("h2") {
                en_hour(h.as_str())
                    .zip(en_minutes(&c["m2"]))
                    .map(|(h, m)| format!("{} {h}:{m:02}", &c["pre"]))
            } else {
                en_hour(&c["h3"]).map(|h| format!("{} {h}:00", &c["pre3"]))
            };
            clock.unwrap_or(whole)
        })
        .into_owned()
}

/// "seven a.m." → "7:00 a.m.": spoken English clock times as digits.
fn en_clock_words(s: &str) -> String {
    let spoken = en_spoken_clock(s);
    let s = spoken.as_str();
    const HOURS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    EN_WORD_CLOCK
        .replace_all(s, |c: &regex::Captures| {
            let h = HOURS
                .iter()
                .position(|w| *w == &c["h"])
                .map_or(0, |i| i + 1);
            let m = c
                .name("m")
                .and_then(|m| en_minutes(m.as_str()))
                .unwrap_or(0);
            format!("{h}:{m:02} {}", &c["ap"])
        })
        .into_owned()
}

fn scan_en(s: &str, today: NaiveDate) -> When {
    let digits = en_clock_words(s);
    let s = digits.as_str();
    let mut w = When::default();
    if let Some(c) = DATE_EN.captures(s) {
        let d = &c["d"];
        w.date = match d {
            "today" => Some(today),
            "tonight" => {
                w.period = Some(Period::Evening);
                Some(today)
            }
            "tomorrow" => Some(today + Duration::days(1)),
            "the day after tomorrow" => Some(today + Duration::days(2)),
            _ => c
                .name("wd")
                .and_then(|wd| en_weekday(wd.as_str()))
                .map(|wd| {
                    let weeks = match c.name("wp").map(|m| m.as_str().trim()) {
                        Some("next") => Some(1),
                        Some(_) => Some(0),
                        None => None,
                    };
                    weekday_date(today, wd, weeks)
                }),
        };
    }
    // A date said by month and day is what is meant, whatever weekday comes with it.
    if let Some(d) = DAY_EN.captures(s).and_then(|c| en_day_date(&c, today)) {
        w.date = Some(d);
    }
    if let Some(p) = PERIOD_EN.find(s) {
        w.period = Period::from_word(p.as_str()).or(w.period);
    }
    if let Some(c) = CLOCK_EN.captures(s) {
        if let Some(n) = c.name("noon") {
            w.clock = Some(if n.as_str() == "noon" {
                (12, 0)
            } else {
                (0, 0)
            });
            w.period = None;
        } else {
            let (h, m) = if let Some(h) = c.name("h") {
                (h.as_str(), c.name("m"))
            } else if let Some(h) = c.name("h2") {
                (h.as_str(), c.name("m2"))
            } else if let Some(h) = c.name("h4") {
                // "an alarm for seven tomorrow": the hour alone, before the day it is on.
                const HOURS: [&str; 12] = [
                    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                    "eleven", "twelve",
                ];
                let n = HOURS.iter().position(|w| *w == h.as_str());
                let digits = n.map(|i| (i + 1).to_string());
                let hour: u32 = digits
                    .as_deref()
                    .unwrap_or(h.as_str())
                    .parse()
                    .unwrap_or(99);
                if hour < 24 {
                    w.clock = Some((hour, 0));
                }
                return w;
            } else {
                (&c["h3"], c.name("m3"))
            };
            let h: u32 = h.parse().unwrap_or(99);
            let m: u32 = m.map_or(Some(0), |m| m.as_str().parse().ok()).unwrap_or(99);
            if h < 24 && m < 60 {
                w.clock = Some((h, m));
                match c.name("ap").map(|a| a.as_str().replace('.', "")) {
                    Some(a) if a == "pm" => w.period = Some(Period::Afternoon),
                    Some(a) if a == "am" => {
                        w.period = Some(Period::Morning);
                        if h == 12 {
                            w.clock = Some((0, m));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    w
}

/// A point in time anywhere in free phrasing, including relative forms and English.
pub fn find_when(s: &str, now: NaiveDateTime) -> Option<When> {
    if let Some(secs) = find_offset(s) {
        return Some(When {
            offset: Some(secs),
            ..When::default()
        });
    }
    let today = now.date();
    let (zh, en) = (scan_zh(s, today), scan_en(s, today));
    // Mixed text ("6:30 am明天") is common: the text's main language leads, the other fills in.
    let (first, second) = if mostly_cjk(s) { (zh, en) } else { (en, zh) };
    let w = When {
        date: first.date.or(second.date),
        period: first.period.or(second.period),
        clock: first.clock.or(second.clock),
        offset: None,
    };
    (!w.is_empty()).then_some(w)
}

/// An offset from now: "半小时后", "过十分钟", "in 20 minutes", "3天后".
pub fn find_offset(s: &str) -> Option<i64> {
    for c in RELATIVE_ZH.captures_iter(s) {
        if c.name("pre").is_some() || c.name("post").is_some() {
            let dur = &c["dur"];
            let secs = if dur.ends_with('天') {
                let n = dur.trim_end_matches('天').trim_end_matches('个');
                cn_number(n)? as i64 * 86_400
            } else {
                duration_zh_sum(dur)? as i64
            };
            return Some(secs);
        }
    }
    let c = RELATIVE_EN.captures(s)?;
    let dur = c.name("dur").or_else(|| c.name("dur2"))?.as_str();
    if let Some(n) = dur
        .strip_suffix(" days")
        .or_else(|| dur.strip_suffix(" day"))
    {
        return Some((en_small_number(n)? * 86_400.0) as i64);
    }
    find_duration(dur).map(|d| d as i64)
}

fn duration_zh_sum(s: &str) -> Option<u64> {
    let mut total = 0.0;
    let mut any = false;
    for c in DURATION_ZH.captures_iter(s) {
        any = true;
        if c.name("q").is_some() {
            total += 900.0;
            continue;
        }
        let n = match &c["n"] {
            "半" => 0.5,
            n => n
                .parse::<f64>()
                .ok()
                .or_else(|| cn_number(n).map(|v| v as f64))?,
        };
        let n = n + if c.name("half").is_some() { 0.5 } else { 0.0 };
        total += n * match &c["u"] {
            "小时" | "钟头" => 3600.0,
            "分钟" | "分" => 60.0,
            _ => 1.0,
        };
    }
    (any && total > 0.0).then_some(total.round() as u64)
}

/// A whole slot string that is only a duration (`十分钟`, `1小时30分`, `半小时`).
pub fn duration_strict(s: &str) -> Option<u64> {
    let s = s.trim().trim_end_matches('的');
    if !mostly_cjk(s) {
        let rest = DURATION_EN.replace_all(s, "");
        let rest = rest.replace("and", "");
        return if rest.trim().is_empty() {
            find_duration(s)
        } else {
            None
        };
    }
    let rest = DURATION_ZH.replace_all(s, "");
    if !rest.trim().is_empty() {
        return None;
    }
    duration_zh_sum(s)
}

/// A duration anywhere in free phrasing, Chinese or English, in seconds.
pub fn find_duration(s: &str) -> Option<u64> {
    if let Some(d) = duration_zh_sum(s) {
        return Some(d);
    }
    let mut total = 0.0;
    for c in DURATION_EN.captures_iter(s) {
        let n = en_small_number(&c["n"])?;
        let u = &c["u"];
        total += n * if u.starts_with('h') {
            3600.0
        } else if u.starts_with('m') {
            60.0
        } else {
            1.0
        };
    }
    (total > 0.0).then_some(total.round() as u64)
}

pub fn hhmm(h: u32, m: u32) -> String {
    format!("{h:02}:{m:02}")
}

// ------------------------------------------------------------------ content and steps

/// Marks where quoted or colon-introduced content was lifted out of an instruction.
pub const CONTENT_MARK: &str = "〔内容〕";

static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"“(?P<a>[^”]+)”|"(?P<b>[^"]+)"|「(?P<c>[^」]+)」|『(?P<d>[^』]+)』|(?:^|\s)'(?P<e>[^']{2,})'(?:\s|$)"#,
    )
});

/// Split an utterance into the instruction and the content it is about (after a colon that is
/// not part of a clock time, or inside quotes). Content is data, never instructions: nothing in
/// it is ever interpreted as a command.
pub fn split_content(s: &str) -> (String, Option<String>) {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (i, &(pos, c)) in chars.iter().enumerate() {
        if c != ':' {
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j].1);
        let after = chars.get(i + 1).map(|x| x.1);
        if before.is_some_and(|b| b.is_ascii_digit()) && after.is_some_and(|a| a.is_ascii_digit()) {
            continue;
        }
        let content = s[pos + 1..].trim();
        if content.is_empty() {
            break;
        }
        return (s[..pos].trim().to_string(), Some(content.to_string()));
    }
    if let Some(c) = QUOTED.captures(s) {
        let whole = c.get(0).expect("group 0");
        let inner = ["a", "b", "c", "d", "e"]
            .iter()
            .find_map(|g| c.name(g))
            .expect("one group");
        let mut instruction = String::new();
        instruction.push_str(s[..whole.start()].trim_end());
        instruction.push_str(CONTENT_MARK);
        instruction.push_str(s[whole.end()..].trim_start());
        return (instruction, Some(inner.as_str().trim().to_string()));
    }
    (s.to_string(), None)
}

static STEP_SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"[,;，；]?\s*(?:然后再|然后|接着|之后再|随后|并且|同时|顺便|再帮我|再|另外)|[,;，；、]|\?\s*(?:also\b|and\b)?|\s*\band then\b|\s*\bthen\b|,? and\b|,? also\b",
    )
});

/// Candidate steps of a multi-step request, split at connectives. The caller accepts the
/// split only when every step is understood on its own.
pub fn split_steps(s: &str) -> Vec<String> {
    STEP_SPLIT
        .split(s)
        .map(|p| p.trim().trim_matches([',', ' ']).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether the utterance asks something rather than orders something.
pub fn is_question(s: &str) -> bool {
    let t = s.trim_end_matches(['?', '？', ' ']);
    s.ends_with(['?', '？'])
        || t.ends_with(['吗', '呢', '么'])
        || ["哪", "什么", "几", "多少", "谁", "怎么", "是不是", "有没有"]
            .iter()
            .any(|w| t.contains(w))
        || [
            "what", "where", "when", "which", "who", "how", "is ", "do ", "does ",
        ]
        .iter()
        .any(|w| t.starts_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 5, 8)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn at(s: &str, n: NaiveDateTime) -> Option<(String, String)> {
        let (d, h, m) = find_when(s, n)?.resolve(n)?;
        Some((d.to_string(), hhmm(h, m)))
    }

    #[test]
    fn english_calendar_dates() {
        let n = now(9, 0);
        let day = |s: &str| find_when(s, n).and_then(|w| w.date).map(|d| d.to_string());
        assert_eq!(day("dentist on june 3rd").as_deref(), Some("2026-06-03"));
        assert_eq!(day("the 20th at noon").as_deref(), Some("2026-05-20"));
        // A day of the month already past is next month's.
        assert_eq!(day("lunch on the 2nd").as_deref(), Some("2026-06-02"));
        assert_eq!(day("the 14th of july").as_deref(), Some("2026-07-14"));
        assert_eq!(day("may i ask something"), None);
    }

    #[test]
    fn english_names_become_the_directory_names() {
        assert_eq!(english_names("play some eason chan"), "play some 陈奕迅");
        assert_eq!(
            english_names("directions to the summer palace"),
            "directions to 颐和园"
        );
        assert_eq!(english_names("a mayday poster"), "a 五月天 poster");
        assert_eq!(english_names("may day"), "may day");
    }

    #[test]
    fn normalize_folds_width_space_and_punctuation() {
        assert_eq!(normalize("设置闹钟　７：３０。"), "设置闹钟7:30");
        assert_eq!(normalize("  Set  an   Alarm! "), "set an alarm");
        assert_eq!(normalize("打开 日历"), "打开日历");
    }

    #[test]
    fn courtesy_is_stripped_but_meaning_kept() {
        assert_eq!(strip_courtesy("请帮我打开日历,谢谢"), "打开日历");
        assert_eq!(strip_courtesy("给我妈打电话"), "给我妈打电话");
        assert_eq!(strip_courtesy("请"), "请");
    }

    #[test]
    fn chinese_numbers() {
        for (s, n) in [
            ("十", 10),
            ("十五", 15),
            ("二十", 20),
            ("两百", 200),
            ("一百零五", 105),
            ("三万", 30_000),
            ("二零二六", 2026),
            ("42", 42),
        ] {
            assert_eq!(cn_number(s), Some(n), "{s}");
        }
        assert_eq!(cn_number("十x"), None);
        assert_eq!(number_strict("百分之五十"), Some(50.0));
        assert_eq!(find_target_number("把亮度调到八十"), Some(80.0));
        assert_eq!(find_amount("给他转两百块钱"), Some(200.0));
    }

    #[test]
    fn strict_times_accept_only_explicit_forms() {
        let today = now(9, 0).date();
        assert!(when_strict("明天早上七点", today).is_some());
        assert!(when_strict("7:30", today).is_some());
        assert!(when_strict("下午三点一刻", today).is_some());
        assert!(when_strict("半小时后", today).is_none());
        assert!(when_strict("明天", today).is_none());
        assert!(when_strict("七点叫我", today).is_none());
    }

    #[test]
    fn free_times_resolve_to_the_next_occurrence() {
        let n = now(21, 0);
        assert_eq!(
            at("设置闹钟七点", n),
            Some(("2026-05-09".into(), "07:00".into()))
        );
        assert_eq!(
            at("我明天七点得起床", n),
            Some(("2026-05-09".into(), "07:00".into()))
        );
        assert_eq!(
            at("明早六点半叫我", n),
            Some(("2026-05-09".into(), "06:30".into()))
        );
        assert_eq!(
            at("半小时后提醒我", n),
            Some(("2026-05-08".into(), "21:30".into()))
        );
        assert_eq!(
            at("remind me in 2 hours", n),
            Some(("2026-05-08".into(), "23:00".into()))
        );
        assert_eq!(
            at("wake me up at 5:50 tomorrow", n),
            Some(("2026-05-09".into(), "05:50".into()))
        );
        assert_eq!(
            at("tomorrow at 7 pm", n),
            Some(("2026-05-09".into(), "19:00".into()))
        );
        assert_eq!(
            at("set an alarm for seven a.m.", n),
            Some(("2026-05-09".into(), "07:00".into()))
        );
        assert_eq!(
            at("wake me at six thirty a.m.", n),
            Some(("2026-05-09".into(), "06:30".into()))
        );
        // English number words, shared with the car's temperatures.
        assert_eq!(en_number("twenty two"), Some(22.0));
        assert_eq!(en_number("twenty-two"), Some(22.0));
        assert_eq!(en_number("nineteen"), Some(19.0));
        assert_eq!(en_number("22.5"), Some(22.5));
        assert_eq!(en_number("two twenty"), None);
        assert_eq!(en_number("twenty twelve"), None);
        // Ordinals as episodes and parts are numbered, in digits or words.
        assert_eq!(en_ordinal("17th"), Some(17));
        assert_eq!(en_ordinal("sixtieth"), Some(60));
        assert_eq!(en_ordinal("twenty-first"), Some(21));
        assert_eq!(en_ordinal("third"), Some(3));
        assert_eq!(en_ordinal("fourteenth"), Some(14));
        assert_eq!(en_ordinal("three"), Some(3));
        assert_eq!(en_ordinal("4x"), None);
        assert_eq!(en_ordinal("the"), None);
        assert_eq!(en_minutes("seventy"), None);
        // Compound minutes, with a hyphen or a space, and "oh five".
        assert_eq!(
            at("wake me at seven fifty-two tomorrow morning", n),
            Some(("2026-05-09".into(), "07:52".into()))
        );
        assert_eq!(
            at("alarm at eight thirty five a.m.", n),
            Some(("2026-05-09".into(), "08:35".into()))
        );
        assert_eq!(
            at("tomorrow at nine oh five", n),
            Some(("2026-05-09".into(), "09:05".into()))
        );
        let m = now(9, 0);
        assert_eq!(
            at("三点开会", m),
            Some(("2026-05-08".into(), "15:00".into()))
        );
        assert_eq!(
            at("下周三下午两点", m),
            Some(("2026-05-13".into(), "14:00".into()))
        );
        assert_eq!(
            at("周一上午十点", m),
            Some(("2026-05-11".into(), "10:00".into()))
        );
        assert_eq!(
            at("5月20日晚上八点", m),
            Some(("2026-05-20".into(), "20:00".into()))
        );
    }

    #[test]
    fn a_little_is_not_one_oclock() {
        assert_eq!(find_when("把照片调亮一点", now(9, 0)), None);
        assert!(find_when("明天一点", now(9, 0)).is_some());
    }

    #[test]
    fn leading_time_and_rest() {
        let today = now(9, 0).date();
        let (w, rest) = split_leading_when("明天下午三点开会", today).unwrap();
        assert_eq!(w.clock, Some((3, 0)));
        assert_eq!(rest, "开会");
        assert_eq!(
            strip_when("半小时后提醒我给房东回电话"),
            "提醒我给房东回电话"
        );
        assert_eq!(strip_when("明天早上八点提醒我带伞"), "提醒我带伞");
        assert!(when_strict("7:30 am tomorrow", today).is_some());
        assert!(when_strict("in 10 minutes", today).is_none());
    }

    #[test]
    fn durations() {
        assert_eq!(duration_strict("十分钟"), Some(600));
        assert_eq!(duration_strict("1小时30分钟"), Some(5400));
        assert_eq!(duration_strict("半小时"), Some(1800));
        assert_eq!(duration_strict("十分钟后"), None);
        assert_eq!(find_duration("鸡蛋要煮八分钟"), Some(480));
        assert_eq!(find_duration("a timer for 90 seconds"), Some(90));
        assert_eq!(find_duration("一个半小时"), Some(5400));
    }

    #[test]
    fn content_is_lifted_out_of_the_instruction() {
        let (i, c) = split_content("发短信给张三:今晚7:30开会");
        assert_eq!(
            (i.as_str(), c.as_deref()),
            ("发短信给张三", Some("今晚7:30开会"))
        );
        let (i, c) = split_content("把“欢迎光临”翻译成日文");
        assert_eq!(i, format!("把{CONTENT_MARK}翻译成日文"));
        assert_eq!(c.as_deref(), Some("欢迎光临"));
        let (i, c) = split_content("提醒我7:30开会");
        assert_eq!((i.as_str(), c), ("提醒我7:30开会", None));
    }

    #[test]
    fn yes_and_no() {
        for y in [
            "确认",
            "好的",
            "好",
            "是的",
            "yes",
            "ok",
            "确认一下",
            "发吧",
            "可以,发",
            "对,发出去吧",
            "嗯,开吧",
            "好嘞,走起",
            "开始吧",
            "yes, do it",
            "confirm it please",
            "sure, go on",
            "right, go on and do it",
            "that's okay, send it now",
            "yes, start the navigation",
        ] {
            assert_eq!(yes_no(y), Some(true), "{y}");
        }
        for n in [
            "取消",
            "不要",
            "算了",
            "no",
            "不用了",
            "不要发了",
            "不用了,谢谢",
            "先不发了",
            "no, don't do it",
            "cancel this",
        ] {
            assert_eq!(yes_no(n), Some(false), "{n}");
        }
        for other in [
            "好的,明天七点见面吧我们到时候再说",
            "不是,我要找的是王芳",
            "now play something",
            "好的,再帮我订一个后天下午的会议",
            "发消息给王芳说我快到了",
            "go on and call wang fang",
        ] {
            assert_eq!(yes_no(other), None, "{other}");
        }
    }

    #[test]
    fn colloquial_words_take_their_common_form() {
        assert_eq!(colloquial("去机场咋走"), "去机场怎么走");
        assert!(person_name("林俊杰") && person_name("欧阳娜娜") && person_name("孙燕"));
        assert!(!person_name("轻音乐") && !person_name("Adele") && !person_name("林俊杰的歌"));
        assert_eq!(colloquial("明儿个北京冷不冷"), "明天北京冷不冷");
        assert_eq!(colloquial("这句翻成日文"), "这句翻译成日文");
        assert_eq!(colloquial("这句翻译成日文"), "这句翻译成日文");
        assert_eq!(colloquial("拨个电话给老王"), "打个电话给老王");
        assert_eq!(colloquial("拨打110"), "拨打110");
        assert_eq!(
            colloquial("钥匙我搁门口了,帮我记着"),
            "钥匙我放门口了,帮我记住"
        );
    }

    #[test]
    fn calls_places_and_spans_take_their_common_form() {
        assert_eq!(colloquial("跟老王通个电话"), "跟老王打个电话");
        assert_eq!(colloquial("小周，帮我打一下"), "打电话给小周");
        assert_eq!(colloquial("打王总电话"), "打电话给王总");
        assert_eq!(colloquial("打个电话给王总"), "打个电话给王总");
        assert_eq!(colloquial("颐和园怎么去"), "去颐和园怎么走");
        assert_eq!(colloquial("这个怎么走"), "这个怎么走");
        assert_eq!(colloquial("回单位"), "去公司");
        assert_eq!(
            colloquial("let wang fang know that i'm here"),
            "tell wang fang i'm here"
        );
    }

    #[test]
    fn word_classes_read_the_same_in_any_wording() {
        // A thing named before on/off, but not a clause or a standing rule.
        assert_eq!(colloquial("wifi off"), "turn off wifi");
        assert_eq!(
            colloquial("heater on in the study"),
            "turn on the study heater"
        );
        // A split phrasal verb joins up; "on the tv" is where, not a switch.
        assert_eq!(colloquial("put the heater on"), "turn on the heater");
        assert_eq!(
            colloquial("put the film on the tv"),
            "put the film on the tv"
        );
        assert_eq!(
            colloquial("start a 5-minute timer"),
            "start a 5 minutes timer"
        );
        assert_eq!(
            colloquial("remind me to get off in ten minutes"),
            "remind me to get off in ten minutes"
        );
        assert_eq!(
            colloquial("speak chinese to me from here on"),
            "speak chinese to me from here on"
        );
        // A degree before or after the word is "too …".
        assert_eq!(colloquial("it's so dim in here"), "it's too dark in here");
        assert!(colloquial("灯光暗得看不见路").starts_with("灯光太暗"));
        // The gist is a summary; a language asked for is a translation.
        assert_eq!(colloquial("boil this down for me"), "summarize ");
        assert_eq!(
            colloquial("what is 〔内容〕 in chinese"),
            "translate 〔内容〕 into chinese"
        );
        assert_eq!(
            colloquial("good morning 是什么意思"),
            "把good morning翻译成中文"
        );
        assert_eq!(colloquial("用汉语表达出来"), "翻译成汉语");
        assert_eq!(colloquial("erase each photo"), "erase all photos");
    }

    #[test]
    fn answers_with_a_negation_inside_a_yes_still_confirm() {
        assert_eq!(yes_no("没问题,发"), Some(true));
        assert_eq!(yes_no("对,就这么办"), Some(true));
        assert_eq!(yes_no("perfect, send it over"), Some(true));
        assert_eq!(yes_no("没问题,别发"), None);
        assert_eq!(yes_no("不用了"), Some(false));
    }

    #[test]
    fn spoken_english_clock_times() {
        let n = now(9, 0);
        assert_eq!(
            at("alarm at quarter to eight tomorrow", n),
            Some(("2026-05-09".into(), "07:45".into()))
        );
        assert_eq!(
            at("wake me at five forty tomorrow", n),
            Some(("2026-05-09".into(), "05:40".into()))
        );
        assert_eq!(
            at("fifteen minutes from now", n),
            Some(("2026-05-08".into(), "09:15".into()))
        );
    }

    #[test]
    fn steps_split_at_connectives() {
        assert_eq!(
            split_steps("查一下明天的天气,然后提醒我带伞"),
            vec!["查一下明天的天气", "提醒我带伞"]
        );
    }
}
