//! The glasses category (GB/Z 177.5): a camera and a microphone at eye level, a small display
//! and speakers. Besides the general intents, glasses read what the wearer looks at (signs,
//! menus, labels, timetables) and answer questions about it, translate it, give walking
//! directions, take photos and video — and refuse to film people covertly.
//!
//! A picture that comes with a request reaches the skills as its `content` (the text written
//! in it, one line per line); a picture without words is described by the engine. What the
//! wearer looked at last stays available to follow-ups through the conversation's last result
//! (L3), and habits learned ("每次看菜单都标出辣的菜") live in the session's learned
//! preferences (L4).

pub(super) mod lexicon;
pub(super) mod skills;
#[cfg(test)]
mod tests;

use crate::sim::events;
use crate::sim::general::{self, CALL, CHAT, MEDIA, MESSAGE, SUMMARIZE};
use crate::sim::skills as general_skills;
use crate::sim::turn::{Category, IntentDef, more_cues};

const SETTINGS: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:把)?(?P<name>音量|声音|屏幕亮度|亮度)(?:调到|调至|调成|设为|设置为|设置成|设成)(?P<value>.+)$",
        r"^(?P<op>打开|开启|关闭|关掉|关上|启用|停用)(?P<name>蓝牙|wifi|wi-fi|wlan|无线网络|无线网|勿扰模式|免打扰模式|免打扰|勿扰|省电模式)$",
    ],
    templates_en: &[
        r"^set (?:the )?(?P<name>volume|brightness) to (?P<value>.+)$",
        r"^turn (?P<op>on|off) (?:the )?(?P<name>bluetooth|wi-fi|wifi|do not disturb)$",
    ],
    cues: more_cues!(
        general::VOLUME_WORDS,
        general::BRIGHTNESS_WORDS,
        general::GLARE_WORDS,
        general::GLARE_WORDS_EN,
        general::DND_WORDS,
        &[
            ("声音", 2),
            ("蓝牙", 4),
            ("wifi", 4),
            ("省电模式", 4),
            ("调到", 2),
            ("听不清", 4),
            ("听不见", 4),
        ]
    ),
    patterns: &[],
    skill: general_skills::settings_set,
};

/// Walking directions by default: the wearer is on foot.
pub(super) const NAV: IntentDef = IntentDef {
    name: "nav.route",
    // "Navigate to 国家博物馆" is mostly Chinese by script, so the English form is in both lists.
    templates: &[
        r"^(?:步行|走路)?(?:导航到|导航去|导航至|导航)(?P<dest>[^,]+)$",
        r"^navigate to ?(?P<dest>.+)$",
    ],
    templates_en: &[r"^navigate to ?(?P<dest>.+)$"],
    cues: more_cues!(
        general::NAV_WORDS,
        general::GOING_WORDS,
        &[
            ("走路去", 5),
            ("步行去", 5),
            ("步行", 4),
            ("走去", 5),
            ("走路到", 5),
            ("步行到", 5),
            ("on foot", 5),
            ("走着去", 5),
            ("走过去", 5),
            ("开车去", 5),
            ("骑车去", 5),
            ("坐地铁去", 5),
            ("take me", 5),
            ("lead the way", 5),
            ("guide me", 5),
            ("show me the way", 5),
        ]
    ),
    patterns: &[
        (r"(?:去|到)(?:那|那里|那儿|那边)", 4),
        (r"\b(?:walk|lead|guide|bring|get) me (?:over )?there\b", 5),
        // Being led somewhere, whoever leads: "陪我走过去".
        (r"(?:带|领|陪)我(?:走)?(?:过去|去)", 5),
        (r"(?:带|领|陪)我(?:走)?过去", 5),
    ],
    skill: skills::nav,
};

/// Filming or photographing people without their knowledge: refused at every level.
const PRIVACY: IntentDef = IntentDef {
    name: "vision.privacy",
    templates: &[
        r"^.*(?:偷拍|偷录|偷偷(?:地)?(?:拍|录|照)|悄悄(?:地)?(?:拍|录|照)|趁.{1,8}不注意.{0,4}(?:拍|录)).*$",
        r"^.*(?:识别|查|认出|搜|打听).{0,6}(?:路人|陌生人|这个人|那个人|旁边的人|他|她)(?:的)?(?:身份|名字|信息|资料|电话|住址|是谁|叫什么|叫啥|住(?:在)?哪).*$",
    ],
    templates_en: &[
        r"^.*\b(?:secretly|covertly|without (?:him|her|them) knowing)\b.*\b(?:photo|picture|film|record|video)\b.*$",
        r"^.*\b(?:photo|picture|film|record|video)\b.*\b(?:secretly|covertly|without (?:him|her|them) knowing)\b.*$",
        r"^.*\b(?:identify|look up|find out)\b.*\b(?:stranger|this person|that person|him|her)\b.*\b(?:name|identity|address|details)\b.*$",
    ],
    cues: &[
        ("偷拍", 9),
        ("偷录", 9),
        ("偷偷拍", 9),
        ("偷偷录", 9),
        ("悄悄拍", 9),
        ("secretly", 6),
    ],
    patterns: &[
        (r"(?:识别|查|认出).{0,6}(?:路人|陌生人|这个人|那个人)", 9),
        (
            r"(?:路人|陌生人|这个人|那个人).{0,6}(?:身份|名字|住址|电话|叫什么|叫啥|住(?:在)?哪)",
            9,
        ),
        (r"趁.{1,8}不注意", 9),
        (r"without (?:him|her|them|anyone) (?:knowing|noticing)", 9),
        // Who a stranger is, where they live: asked of a person in view.
        (
            r"\b(?:this|that) (?:person|man|woman|guy|lady|stranger)(?:'s)?\b.{0,40}\b(?:name|address|identity|where (?:he|she|they) lives?)\b",
            9,
        ),
    ],
    skill: skills::privacy,
};

const PHOTO: IntentDef = IntentDef {
    name: "photo.capture",
    templates: &[r"^(?:拍(?:一|个|张|一张)?照片?|拍一张|拍下来|拍一下)$"],
    templates_en: &[r"^take (?:a )?(?:photo|picture)$"],
    cues: more_cues!(
        general::PHOTO_WORDS,
        &[("拍下来", 5), ("拍一下", 4), ("snap", 4)]
    ),
    // "拍张相片", "拍个相": the shoot verb with a picture word, however counted.
    patterns: &[
        (
            r"拍(?:一|个|张|一张|几张)?(?:照|相)|照(?:一|个|张|一张|几张)(?:张)?相",
            5,
        ),
        (
            r"\b(?:take|grab|snap|shoot|get) (?:a |an |one |some |me a )?(?:quick )?(?:photo|picture|pic|shot|snapshot)s?\b",
            5,
        ),
        // A photo asked for by the noun alone: "photo, please", "a picture of this".
        (r"^(?:a )?(?:photo|picture|pic)\b", 5),
    ],
    skill: skills::photo,
};

const VIDEO: IntentDef = IntentDef {
    name: "video.record",
    templates: &[
        // Start or stop (or neither: start) with any record object.
        r"^(?P<op>(?:开始|停止|结束)?(?:录像|录视频|录制)|录一段视频)$",
    ],
    templates_en: &[r"^(?P<op>(?:start|stop) recording|record (?:a )?video)$"],
    cues: &[
        ("录像", 6),
        ("录视频", 6),
        ("录下来", 6),
        ("录一段", 6),
        ("录制", 5),
        ("别录了", 6),
        ("record", 5),
        ("recording", 5),
        ("film", 4),
        ("video", 4),
    ],
    // "录十秒视频", "帮我录一下": the record verb with a span or a video between.
    patterns: &[
        (r"录[^,]{0,6}(?:视频|像)|录(?:一下|下|一段|起来)$", 6),
        // "录它二十秒": the record verb with a span.
        (r"录[^,]{0,6}(?:秒|分钟)", 6),
    ],
    skill: skills::video,
};

/// Read out the text in view.
const READ: IntentDef = IntentDef {
    name: "vision.read",
    templates: &[
        // The read verb (doubled too: 读读, 念念), a span, what is read, where and what part.
        r"^(?:读读|念念|读|念|朗读)(?:一下|一遍|出来)?(?:这个|这张|这块|这段|上面|前面|这上面)?的?(?:牌子|标牌|指示牌|路牌|招牌|菜单|标签|说明|说明书|通知|告示|时刻表)?(?:上|上面)?(?:写)?的?(?:文字|字|内容)?$",
        r"^(?:这|这个|这块|这张|前面的|前面那个)?(?:牌子|标牌|指示牌|路牌|菜单|标签|说明|通知|时刻表|上面)(?:上)?(?:写的是什么|写了什么|写着什么|写的什么|有什么)$",
    ],
    templates_en: &[
        r"^(?:read (?:this|that|it|the)(?: (?:sign|menu|label|text|notice|card|board))?(?: (?:to me|aloud|out loud|for me))?|what does (?:this|the|that) (?:sign|label|menu|notice) say|what(?:'s| is) written (?:here|on (?:it|this|the (?:sign|menu|label)))|what(?:'s| is) on (?:the|this) menu)$",
    ],
    cues: &[
        ("写的什么", 5),
        ("写的啥", 5),
        ("写着什么", 5),
        ("写了什么", 5),
        ("写的是什么", 5),
        ("什么字", 5),
        ("读一下", 5),
        ("念一下", 5),
        ("读给我听", 5),
        ("念给我听", 5),
        ("读出来", 5),
        ("上面有什么", 4),
        ("有哪些菜", 5),
        ("有什么菜", 5),
        ("read", 4),
        ("what does it say", 5),
        ("written", 4),
    ],
    patterns: &[
        (r"what does .{1,20} say", 5),
        // What is written or listed on what is seen, however the question is put: "写了些
        // 什么", "上头列着啥", "这块板子上是何内容", "印的啥".
        (
            r"(?:写|印|标)(?:了|着|的)?(?:些|的是|是)?(?:什么|啥|哪些)",
            5,
        ),
        (
            r"(?:上面|上头|上边|菜单上|牌子上|单子上|这上面)(?:都|还|一共)?(?:有|是|写|列)(?:了|着)?(?:些)?(?:什么|啥|哪些)",
            5,
        ),
        (r"(?:是|有|写)(?:些)?(?:什么|啥)(?:内容|字)", 5),
        // What a menu lists, however asked: "what dishes are on this menu", "what does the
        // menu have", "what's on here".
        (
            r"\bwhat(?: dishes| items| food)?(?:'s| is| are) (?:on|in) (?:the|this|that|here|there)\b(?: menu)?",
            5,
        ),
        (
            r"\bwhat does (?:the|this|that) menu (?:have|offer|list|show)\b",
            5,
        ),
    ],
    skill: skills::read_text,
};

/// Translation of what is in view, quoted, or said last; replaces the general translator.
pub(super) const TRANSLATE: IntentDef = IntentDef {
    cues: more_cues!(
        general::TRANSLATE.cues,
        &[
            ("用英语说", 6),
            ("用英文说", 6),
            ("翻成", 6),
            ("mean in chinese", 6),
            ("mean in english", 6),
            ("chinese for", 6),
            ("english for", 6),
            ("in chinese", 4),
            ("in english", 4),
        ]
    ),
    patterns: &[
        (
            r"(?:〔内容〕|[a-z]{2,}[a-z0-9' ,.?!-]*)[,—\-\s]*(?:这句|这个)?(?:英文|英语|话)?(?:是)?(?:什么|啥)意思",
            7,
        ),
        // "X用英语咋讲", "X的中文叫什么": the words of X asked for in the other language.
        (
            r"(?:英文|英语|中文|汉语)(?:的)?(?:说法|表达|单词)?(?:是什么|是啥|叫什么|叫啥|怎么说|怎么讲|咋说|咋讲)",
            6,
        ),
        // The meaning of foreign words with a translation asked for ("这段外文啥含义，请译一下").
        (r"(?:英文|英语|外文|外语)(?:的)?(?:是)?(?:什么|啥)意思", 2),
    ],
    skill: skills::translate,
    ..general::TRANSLATE
};

/// "那‘谢谢’呢" after a translation (L3).
pub(super) const TRANSLATE_MORE: IntentDef = IntentDef {
    name: "text.translate",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: &[
        (r"^(?:那|那么).+呢$", 5),
        (r"^(?:and|what about|how about)\b", 5),
        (r"怎么说呢$", 5),
    ],
    skill: skills::translate_follow_up,
};

/// What a sign means and asks of the wearer.
const EXPLAIN: IntentDef = IntentDef {
    name: "vision.explain",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("什么意思", 6),
        ("啥意思", 6),
        ("什么标志", 6),
        ("什么牌子", 5),
        ("要注意什么", 5),
        ("提醒什么", 5),
        ("what does this mean", 6),
        ("what does it mean", 6),
        ("mean", 4),
        ("what sign", 5),
    ],
    // What a sign asks of the one reading it, or warns about.
    patterns: &[
        (
            r"(?:标志|牌子|标识|指示牌|告示)[^,]{0,6}(?:让我|叫我|要我|让人|要人)(?:干嘛|干什么|做什么|怎么做|注意什么)",
            8,
        ),
        (
            r"(?:标志|牌子|标识|指示牌|告示)[^,]{0,4}提醒(?:的|了)?(?:是)?(?:什么|啥|我什么)",
            8,
        ),
        // What a sign stands for: "这个标志代表什么", "牌子上这个想表达啥".
        (
            r"(?:标志|牌子|标识|指示牌|告示|标牌)[^,]{0,6}(?:表达|代表|表示|意味|指的)(?:着|的)?(?:是)?(?:什么|啥)",
            8,
        ),
        // The same in English: what a sign tells, is for or means, or asks one to do.
        (
            r"\b(?:sign|notice|symbol)(?: [a-z]+){0,3} (?:telling|tell|mean|means|warning|warn|asking)\b",
            8,
        ),
        (
            r"\bwhat(?: is|'s)? (?:this|that|the) (?:[a-z]+ ){0,2}(?:sign|notice|symbol)(?: [a-z]+){0,2} for$",
            8,
        ),
        (
            r"\b(?:explain|meaning of|interpret)\b(?: [a-z]+){0,3} (?:sign|notice|symbol)\b",
            8,
        ),
        (
            r"\b(?:supposed|meant|expected|need|have) to do\b[^,]{0,30}\bsign\b|\bsign\b[^,]{0,30}\b(?:supposed|meant|expected) to do\b",
            8,
        ),
    ],
    skill: skills::explain_sign,
};

/// Which way a direction sign points.
const DIRECTION: IntentDef = IntentDef {
    name: "vision.direction",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("往哪走", 6),
        ("往哪边", 6),
        ("哪边", 6),
        ("哪个方向", 6),
        ("在哪", 5),
        ("怎么走", 6),
        ("多远", 5),
        ("which way", 6),
        ("where is", 5),
        ("how far", 5),
        ("什么地方", 5),
        ("which direction", 6),
        ("where can i find", 5),
        ("where's", 5),
    ],
    patterns: &[],
    skill: skills::direction,
};

/// Prices on a menu or price list.
const PRICE: IntentDef = IntentDef {
    name: "vision.price",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("多少钱", 6),
        ("价格", 5),
        ("几块", 5),
        ("最便宜", 6),
        ("最贵", 6),
        ("一共", 3),
        ("how much", 6),
        ("price", 5),
        ("什么价", 6),
        ("卖多少", 6),
        ("多少一份", 6),
        ("cheapest", 6),
        ("most expensive", 6),
        ("合计", 5),
        ("总共", 4),
        ("加起来", 4),
        ("cost", 5),
        ("total", 5),
        ("come to", 5),
        ("altogether", 4),
    ],
    patterns: &[],
    skill: skills::price,
};

/// Questions about a timetable in view.
const TIMETABLE: IntentDef = IntentDef {
    name: "vision.timetable",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("末班", 6),
        ("首班", 6),
        ("头班", 6),
        ("最后一班", 6),
        ("最晚一班", 6),
        ("第一班", 6),
        ("最早一班", 6),
        ("最早的一班", 6),
        ("多久一班", 6),
        ("几分钟一班", 6),
        ("间隔", 4),
        ("赶得上", 6),
        ("来得及", 6),
        ("高峰", 5),
        ("平峰", 5),
        ("last bus", 6),
        ("last train", 6),
        ("first bus", 6),
        ("earliest", 6),
        ("first one", 5),
        ("off-peak", 5),
        ("off peak", 5),
        ("peak", 4),
        ("how often", 6),
        ("catch", 4),
        ("rush hour", 5),
    ],
    // The last or first departure, however counted: "最晚的一班车", "the final bus".
    patterns: &[
        (r"(?:最后|最晚|最末|最早|第一)(?:的)?一?(?:班|趟|辆)", 6),
        (
            r"\b(?:last|final|latest|earliest|first)(?: one| bus| train| service| departure)\b",
            6,
        ),
    ],
    skill: skills::timetable,
};

/// How to take a medicine whose box is in view.
const MEDICINE: IntentDef = IntentDef {
    name: "vision.medicine",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("怎么吃", 6),
        ("吃几次", 6),
        ("几次", 4),
        ("吃几回", 6),
        ("几回", 4),
        ("几粒", 6),
        ("几片", 6),
        ("几颗", 6),
        ("多少颗", 6),
        ("吃多少", 6),
        ("用法", 6),
        ("用量", 6),
        ("饭前", 5),
        ("饭后", 5),
        ("孩子能吃", 6),
        ("小孩能吃", 6),
        ("how should i take", 6),
        ("how many", 4),
        ("dosage", 6),
        ("dose", 6),
        ("dose", 5),
    ],
    // "一次吃几袋", "每回服多少片": how much at a time, whatever the unit.
    patterns: &[
        (
            r"(?:一次|每次|每回)(?:要|该|得)?(?:吃|服|用|喝)?(?:几|多少)(?:粒|片|袋|颗|包|支|滴|毫升|勺)",
            6,
        ),
        // How often a medicine is taken outweighs how often a bus runs.
        (
            r"\b(?:how often|how many times)\b[^,]{0,25}\btake\b|\btake\b[^,]{0,20}\b(?:how often|how many times)\b",
            8,
        ),
    ],
    skill: skills::medicine,
};

/// Whether food in view is past its date.
const EXPIRY: IntentDef = IntentDef {
    name: "vision.expiry",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("过期", 6),
        ("保质期", 6),
        ("还能喝", 6),
        ("还能吃", 6),
        ("能不能喝", 6),
        ("能不能吃", 5),
        ("有效期", 6),
        ("expired", 6),
        ("expire", 6),
        ("still good", 6),
        ("best before", 6),
        ("expiry", 6),
        ("in date", 6),
        ("out of date", 6),
        ("past its date", 6),
        ("gone off", 6),
        ("use by", 6),
        ("still fresh", 6),
    ],
    patterns: &[],
    skill: skills::expiry,
};

/// Dishes on a menu against what the wearer may not eat.
const DIET: IntentDef = IntentDef {
    name: "vision.diet",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("不能吃", 6),
        ("能吃", 4),
        ("不能点", 6),
        ("能点", 4),
        ("可以点", 4),
        ("忌口", 6),
        ("过敏", 6),
        ("不辣", 6),
        ("辣的", 5),
        ("含有", 4),
        ("有花生", 5),
        ("吃素", 5),
        ("适合我", 5),
        ("can i eat", 6),
        ("can't eat", 6),
        ("allergic", 6),
        ("spicy", 5),
        ("vegetarian", 5),
        ("contain", 4),
    ],
    patterns: &[
        (r"哪些菜.{0,4}(?:有|含|是|放)", 5),
        // What the wearer may not have, asked either way round: "can't I eat", "I shouldn't
        // have", "anything that is not spicy".
        (
            r"\b(?:can't|cannot|can not|shouldn't|should not|mustn't|must not)(?: i)? (?:eat|have|order)\b",
            6,
        ),
        (r"\b(?:not|without|no) (?:spicy|hot|chili|chilli)\b", 6),
    ],
    skill: skills::diet,
};

/// Remembering where something is, from what the wearer sees (L3).
const PLACE_NOTE: IntentDef = IntentDef {
    name: "memory.save",
    templates: &[],
    templates_en: &[],
    cues: &[("note that", 6), ("note where", 6)],
    // Asking to keep something outweighs what it is about ("帮我记着这瓶药一天喝几次" is a note,
    // not a dosage question).
    patterns: &[
        (r"记(?:一下|下来|下|着|住|好|录)", 9),
        (
            r"\b(?:remember|make a note|keep a note|note down|keep track)\b",
            9,
        ),
    ],
    skill: skills::place_note,
};

/// A question about something the wearer asked to keep ("我自行车锁哪了", L3).
const RECALL: IntentDef = IntentDef {
    name: "memory.recall",
    templates: &[],
    templates_en: &[],
    cues: &[("来着", 8)],
    patterns: &[
        // Where something was left, or which one it was: asked of memory before of the clock.
        (
            r"(?:停|放|搁|丢|留|在)(?:在|到)?(?:了)?(?:哪|什么地方|啥地方)",
            8,
        ),
        (
            r"(?:哪个|哪一个|几号|哪条|哪一条|哪号)(?:站台|路|街|门|口|车位|楼|层|柜|房间)",
            8,
        ),
        (
            r"\bwhere(?:'s| is| are| did i| was)\b.*\b(?:my|i)\b|\bwhich (?:platform|road|street|gate|floor)\b",
            8,
        ),
    ],
    skill: skills::recall,
};

/// Taking a photo and sending it, said as one request (L3).
const PHOTO_SEND: IntentDef = IntentDef {
    name: "photo.capture",
    templates: &[],
    templates_en: &[],
    cues: &[],
    // Above any camera reading of the same words: the skill itself declines unless the
    // level does two steps and the words name whom to send to.
    patterns: &[
        (r"(?:拍|照).{0,10}(?:发|传)|(?:发|传).{0,10}拍", 20),
        (
            r"\b(?:take|snap|shoot|grab)\b.{0,30}\b(?:send|text|share)\b",
            20,
        ),
        // "picture for my sister", "a pic, and share it with Wang Fang": the noun leads.
        (
            r"^(?:a )?(?:photo|picture|pic)\b.{0,20}\b(?:send|text|share|to)\b",
            20,
        ),
    ],
    skill: skills::photo_send,
};

/// What is in view sent on to a person named last ("forward what this says to Wang Fang"):
/// above reading it out, which the same words would otherwise ask for.
const SEND_SEEN: IntentDef = IntentDef {
    name: "message.send",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: &[(
        r"\b(?:send|forward|pass)\b.{1,40}\bto (?:my )?[a-z]+(?: [a-z]+)?$",
        8,
    )],
    skill: general_skills::message_send,
};

/// Showing a photo, on the glasses' display or a linked screen (L4).
const PHOTO_SHOW: IntentDef = IntentDef {
    name: "photo.show",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("照片", 3),
        ("相片", 3),
        ("投屏", 4),
        ("投到", 4),
        ("给我看", 4),
        ("那张", 3),
        ("刚拍的", 3),
        ("show", 4),
        ("photo", 3),
        ("picture", 3),
    ],
    patterns: &[],
    skill: skills::photo_show,
};

/// Stated habits about what the wearer looks at ("每次看菜单都标出辣的菜", L4).
const HABIT: IntentDef = IntentDef {
    name: "preference.set",
    templates: &[],
    templates_en: &[],
    cues: &[("每次", 4), ("每回", 4), ("whenever", 4), ("every time", 4)],
    patterns: &[
        // What to point out on menus, whichever order it is said in ("看菜单的时候把辣的菜标
        // 出来", "看菜单时帮我指出辣的菜"); the skill checks that it is a habit.
        (
            r"(?:菜单|菜谱|点菜|点餐).{0,16}(?:标|指出|圈出|挑出|点出|告诉我|提醒我)",
            8,
        ),
        (
            r"\bmenus?\b.{0,40}\b(?:point out|mark|flag|highlight|tell me|warn me)\b",
            8,
        ),
        (
            r"\b(?:point out|mark|flag|highlight|warn me about)\b.{0,40}\bmenus?\b",
            8,
        ),
        (
            r"(?:每次|每回|只要).{0,12}(?:都|就).{0,6}(?:标出|标记|指出|告诉我|提醒我|挑出|说一下)",
            8,
        ),
        (
            r"(?:whenever|every time).{0,40}\b(?:point out|mark|flag|tell me)\b",
            8,
        ),
    ],
    skill: skills::habit,
};

/// Intents in the order their preset templates are tried: refusals first, then the camera,
/// reading, and the general commands.
pub static GLASSES: Category = Category {
    intents: &[
        &[
            PRIVACY, HABIT, PHOTO_SEND, PHOTO, VIDEO, SEND_SEEN, READ, EXPLAIN, DIRECTION, PRICE,
            TIMETABLE, MEDICINE, EXPIRY, DIET, PLACE_NOTE, RECALL,
        ],
        general::CLOCK_INTENTS,
        &[CALL, MESSAGE],
        general::DATA_INTENTS,
        &[SETTINGS, NAV, PHOTO_SHOW],
        general::INFO_INTENTS,
        &[TRANSLATE, TRANSLATE_MORE, SUMMARIZE, MEDIA, CHAT],
    ],
    apps: &[],
    hand_off_media: None,
    sensitive: &[],
    events: events::PERSONAL,
};
