//! Intents every terminal category offers (time, reminders, information, chat, text tools,
//! media, and the payments and data management the security baseline tests everywhere), as
//! table entries that category tables include. Templates run on the normalised
//! instruction: lower case, no spaces between Chinese characters, ASCII punctuation.

use super::events;
use super::skills;
use super::turn::{Category, Cue, IntentDef, Plan, more_cues};

pub const ALARM_DELETE: IntentDef = IntentDef {
    name: "alarm.delete",
    templates: &[r"^(?:删除|取消|关闭|关掉)(?:所有的?|全部的?)?闹钟$"],
    templates_en: &[r"^(?:cancel|delete|turn off) (?:all )?(?:my |the )?alarms?$"],
    cues: &[
        ("取消闹钟", 7),
        ("删除闹钟", 7),
        ("删掉闹钟", 7),
        ("关掉闹钟", 7),
        ("关闭闹钟", 7),
        ("cancel my alarm", 7),
        ("cancel the alarm", 7),
        ("delete the alarm", 7),
    ],
    patterns: &[(r"(?:取消|删除|删掉|关掉|不要).{0,8}闹钟", 7)],
    skill: skills::alarm_delete,
};

pub const ALARM: IntentDef = IntentDef {
    name: "alarm.create",
    templates: &[
        r"^(?:设置|设定|设|定|新建|添加|创建)(?:一个|个)?闹钟[,:]?(?P<when>.+)$",
        r"^(?:设置|设定|设|定|新建|添加)(?:一个|个)?(?P<when>.+?)的闹钟$",
    ],
    templates_en: &[r"^set (?:an |a )?alarm (?:for |at )?(?P<when>.+)$"],
    cues: &[
        ("闹钟", 5),
        ("叫我起床", 5),
        ("叫醒我", 5),
        ("喊我起床", 5),
        ("起床", 4),
        ("叫我", 3),
        ("alarm", 5),
        ("wake me", 5),
        ("wake up", 4),
        ("get up", 4),
        ("be up", 4),
        ("waking", 5),
        ("out of bed", 4),
        ("爬起来", 4),
        ("wake-up", 5),
    ],
    // "六点半就得起来": a clock time, then getting up.
    patterns: &[
        (r"(?:点|半|分|刻|:[0-9]{2})[^,]{0,5}?起来", 5),
        // "得六点半起": getting up said by the verb alone, right after the clock time.
        (
            r"(?:点|半|分|刻|:[0-9]{2})[^,]{0,3}?起(?:床)?(?:$|[,吧了呢啊])",
            5,
        ),
        (
            r"\b(?:up|awake) (?:at|by) (?:[0-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
            5,
        ),
        // "get me up", "wake us up": the rousing verb with who is roused between.
        (r"\b(?:get|wake) (?:me|us|him|her) up\b", 5),
    ],
    skill: skills::alarm_create,
};

pub const TIMER: IntentDef = IntentDef {
    name: "timer.start",
    templates: &[
        r"^(?:倒计时|计时|设置倒计时|设置计时器|设个计时器|开始倒计时|开始计时|定时)[,:]?(?P<dur>.+)$",
        r"^(?:设置|开始)?(?P<dur>.+?)(?:的)?(?:倒计时|计时器|计时)$",
    ],
    templates_en: &[
        r"^(?:set |start )?(?:a )?timer (?:for )?(?P<dur>.+)$",
        r"^(?:set |start )?(?:a )?(?P<dur>.+?) timer$",
    ],
    cues: &[
        ("倒计时", 5),
        ("计时器", 5),
        ("计时", 5),
        ("定时器", 5),
        ("看着点时间", 4),
        ("看着时间", 4),
        ("掐个表", 5),
        ("到点", 4),
        ("到时间", 4),
        ("timer", 5),
        ("countdown", 5),
        ("keep an eye on the time", 4),
    ],
    // Counting a span ("给我计八分钟"), or being told when a span is over with nothing else to
    // be reminded of ("八分钟后告诉我", "let me know in eight minutes").
    patterns: &[
        (
            r"(?:计|掐|数|定|设)(?:个|一下|上)?(?:[0-9]+|[零一二两三四五六七八九十百]+|半)(?:个)?(?:分钟|秒钟?|小时|钟头)",
            6,
        ),
        (
            r"(?:分钟|秒钟?|小时|钟头|一刻钟)(?:之|以)?后(?:就|你)?(?:告诉|通知|提醒)(?:我)?(?:一声|一下)?$",
            9,
        ),
        (r"时间到了?(?:就|你)?(?:告诉|通知|提醒)我", 9),
        // Being asked to watch the clock for a span: "帮我盯着点时间", "替我守着钟".
        (r"(?:看|盯|守|掐|留意)着?(?:点|些|一下)?(?:时间|钟|表)", 5),
        (
            r"\b(?:let me know|tell me|alert me|ping me|buzz me|give me a shout)\b.{0,20}\b(?:in|after) (?:[0-9]+|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|half an?) ?(?:minutes?|mins?|seconds?|secs?|hours?)$",
            9,
        ),
        (r"\btime(?:'s| is) up\b", 6),
        // A span to be watched, in English: "count off five minutes", "time them for me",
        // "… ten minutes, tell me when it's done".
        (
            r"\b(?:keep track of|count(?: down| off)?|track|watch)\b.{0,20}\b(?:[0-9]+|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|half an?) ?(?:minutes?|mins?|seconds?|secs?|hours?)\b",
            6,
        ),
        (
            r"\b(?:minutes?|mins?|seconds?|hours?)\b.{0,40}\b(?:tell|let|alert|ping|warn) me (?:know )?when\b|\btime (?:it|them|this|that)(?: for me)?\b",
            6,
        ),
        (
            r"^time (?:[0-9]+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty) (?:minutes?|seconds?)",
            9,
        ),
    ],
    skill: skills::timer_start,
};

pub const REMINDER: IntentDef = IntentDef {
    name: "reminder.create",
    templates: &[r"^(?:设置提醒|添加提醒|新建提醒|创建提醒|提醒我)[,:]?(?P<rest>.+)$"],
    templates_en: &[r"^remind me (?P<rest>.+)$"],
    // Whatever the reminder is about ("给客户回电话") must not outweigh asking for a reminder.
    cues: &[
        ("提醒我", 8),
        ("别让我忘", 8),
        ("别忘了提醒", 8),
        ("记得提醒", 8),
        ("提醒", 5),
        ("remind me", 8),
        ("nudge me", 8),
        ("ping me", 6),
        ("buzz me", 6),
        ("reminder", 5),
    ],
    // Being called to do something other than get up is a reminder of it: "叫我去取快递",
    // "tell me to leave at six", "give me a nudge about the oven".
    patterns: &[
        (
            r"叫我(?:去|下|出|吃|喝|拿|关|收|接|买|换|给|带|做|打|看|走|回|喂|交|还|赶)",
            6,
        ),
        (
            r"\b(?:tell|ping) me to\b|\bgive me a (?:nudge|shout|reminder) (?:to|about)\b",
            10,
        ),
    ],
    skill: skills::reminder_create,
};

pub const CALENDAR: IntentDef = IntentDef {
    name: "calendar.create",
    templates: &[r"^(?:添加|新建|创建)日程[,:]?(?P<rest>.+)$"],
    templates_en: &[r"^(?:add|create) (?:an? )?(?:event|calendar event) (?P<rest>.+)$"],
    cues: &[
        ("日程", 5),
        ("日历", 5),
        ("行程", 4),
        ("calendar", 5),
        ("appointment", 4),
    ],
    // "schedule" as the verb a request opens with.
    patterns: &[(r"^(?:please |can you |could you )?schedule\b", 4)],
    skill: skills::calendar_create,
};

pub const WEATHER: IntentDef = IntentDef {
    name: "weather.query",
    templates: &[
        r"^(?P<q>[^,]{0,8}?)天气(?:怎么样|如何|预报|情况)?$",
        r"^(?:查询|查一下|查看|查)(?P<q>[^,]{0,8}?)天气$",
    ],
    templates_en: &[
        r"^(?:what's |what is )?(?:the )?weather(?: like)?(?: in (?P<city>[a-z' ]+?))?(?: (?P<d>today|tomorrow))?$",
    ],
    cues: &[
        ("天气", 6),
        ("气温", 5),
        ("会下雨", 5),
        ("下雨吗", 5),
        ("下不下雨", 5),
        ("下雨", 3),
        ("带伞吗", 5),
        ("要带伞", 4),
        ("带伞", 4),
        ("冷不冷", 5),
        ("热不热", 5),
        ("几度", 4),
        ("weather", 6),
        ("rain", 4),
        ("umbrella", 4),
        ("temperature", 4),
        ("forecast", 5),
    ],
    // "will it be cold in Beijing", "how hot is it going to get": the weather by its feel.
    patterns: &[(
        r"\b(?:be|get|is it|it's|going to be) (?:cold|hot|warm|chilly|freezing|sunny|windy)\b",
        4,
    )],
    skill: skills::weather_query,
};

pub const DATETIME: IntentDef = IntentDef {
    name: "datetime.query",
    templates: &[
        r"^(?:现在)?(?:是)?几点(?:了|钟)?(?:了)?$",
        r"^(?:今天)?(?:是)?(?:几号|几月几号|几月几日|星期几|周几|礼拜几|什么日子)$",
    ],
    templates_en: &[
        // "what" + the unit asked for + "is it/today": one grammar for the clock and the day.
        r"^what (?:time|day) is (?:it|today)(?: now| today)?$",
        r"^what(?:'s| is) the (?:date|time)(?: today)?$",
    ],
    cues: &[
        ("几点", 5),
        ("什么时间", 5),
        ("几号", 5),
        ("星期几", 5),
        ("周几", 5),
        ("礼拜几", 5),
        ("日期", 3),
        ("哪一天", 5),
        ("哪天", 4),
        ("what date", 5),
        ("which day", 5),
        ("weekday", 4),
        ("what time", 5),
        ("what day", 5),
        ("the date", 4),
    ],
    patterns: &[],
    skill: skills::datetime_query,
};

pub const CHAT: IntentDef = IntentDef {
    name: "chat.reply",
    templates: &[
        r"^(?:你好|您好|嗨|哈喽)(?:呀|啊)?$",
        r"^你是谁$",
        r"^谢谢(?:你)?$",
        r"^你(?:能|会)做什么$",
    ],
    templates_en: &[
        r"^(?:hi|hello|hey)(?: there)?$",
        r"^who are you$",
        r"^(?:thank you|thanks)$",
        r"^what can you do$",
    ],
    cues: &[
        ("你好", 3),
        ("您好", 3),
        ("讲个笑话", 5),
        ("笑话", 5),
        ("段子", 5),
        ("逗我笑", 5),
        ("你是谁", 5),
        ("你叫什么", 5),
        ("能做什么", 5),
        ("谢谢", 3),
        ("hello", 3),
        ("joke", 5),
        ("jokes", 5),
        ("something funny", 5),
        ("make me laugh", 5),
        ("who are you", 5),
    ],
    patterns: &[],
    skill: skills::chat,
};

pub const TRANSLATE: IntentDef = IntentDef {
    name: "text.translate",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("翻译", 6),
        ("英语怎么说", 6),
        ("英文怎么说", 6),
        ("中文怎么说", 6),
        ("translate", 6),
        ("how do you say", 6),
    ],
    patterns: &[],
    skill: skills::text_translate,
};

pub const SUMMARIZE: IntentDef = IntentDef {
    name: "text.summarize",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("总结", 6),
        ("摘要", 6),
        ("概括", 6),
        ("归纳", 6),
        ("要点", 5),
        ("主要内容", 5),
        ("summarize", 6),
        ("summarise", 6),
        ("summary", 6),
        ("tl;dr", 6),
        ("key points", 5),
    ],
    // "sum it up", "sum the notice up": the verb around its object.
    patterns: &[(r"\bsum\b[a-z ]{0,20}\bup\b", 6)],
    skill: skills::text_summarize,
};

pub const MEDIA: IntentDef = IntentDef {
    name: "media.play",
    templates: &[r"^(?:播放|放)(?P<q>.+)$"],
    templates_en: &[r"^play (?P<q>.+)$"],
    cues: &[
        ("播放", 4),
        ("放首", 4),
        ("放一首", 4),
        ("来首", 5),
        ("来一首", 5),
        ("想听", 5),
        ("听歌", 5),
        ("音乐", 4),
        ("歌", 5),
        ("play", 4),
        ("put on", 4),
        ("song", 5),
        ("songs", 5),
        ("music", 5),
    ],
    // "来点X" asks for something to be put on; weakest of all, so any other intent's cue
    // ("来点冷风" on a climate control) outranks it.
    patterns: &[
        (r"来(?:点|几首|两首|些)", 3),
        (
            r"\blisten to\b|\bhear (?:some|a few|a bit of|a little|more)\b",
            5,
        ),
    ],
    skill: skills::media_play,
};

/// Calls, on the terminal or through the phone it is paired with.
pub const CALL: IntentDef = IntentDef {
    name: "call.dial",
    templates: &[
        r"^(?:打电话给|呼叫|拨打|致电|打给)(?P<who>[^,]+)$",
        r"^给(?P<who>[^,]+?)打(?:个|一个)?电话$",
    ],
    templates_en: &[r"^(?:call|dial|phone|ring) (?P<who>.+)$"],
    cues: &[
        ("打给", 5),
        ("拨打", 5),
        ("呼叫", 5),
        ("致电", 5),
        ("回电话", 5),
        ("回个电话", 5),
        ("回拨", 6),
        ("回电", 5),
        ("打回去", 6),
        ("拨回去", 6),
        ("电话", 2),
        ("call", 5),
        ("dial", 5),
        ("ring", 4),
    ],
    patterns: &[
        (r"打[^开]{0,8}电话", 5),
        // A number or phone named first, then the dialling: "这个号码帮我拨过去".
        (
            r"(?:号码|电话|手机号?)[^,]{0,6}(?:打|拨)(?:过去|一下|个|一个|一通|通)",
            5,
        ),
        // The callee after the verb and its count: "再打一遍给X", "拨一下给X".
        (r"(?:打|拨)(?:一次|一下|一遍|一通|过去)?给", 5),
        // "老周的电话拨一下": the call named first, the verb after.
        (r"电话(?:再|重新|赶紧|马上)?(?:打|拨|回)", 5),
        // "回她个电话", "回老周一个电话": calling back whoever is named between.
        (
            r"回(?:他|她|ta|对方|[\p{Han}]{2,3})?(?:个|一个|一通)电话",
            5,
        ),
        // "打这个号：…": the number lifted out as content is still what to dial.
        (
            r"(?:打|拨|呼叫)(?:一下|下)?(?:这个|这|那个|下面的?)?(?:号码|号)(?:$|〔内容〕)",
            6,
        ),
        // "phone" as the verb: first, or after a request's opening ("can you phone …").
        (
            r"(?:^|\b(?:please|can you|could you|then|and|now)) phone\b|^phone\b",
            5,
        ),
        // A number said aloud after 打/拨 ("打一下186…").
        (
            r"(?:打|拨)[^0-9开]{0,6}[0-9]{3,4}[ -]?[0-9]{3,4}[ -]?[0-9]{3,4}",
            6,
        ),
    ],
    skill: skills::call_dial,
};

/// Messages, on the terminal or through its phone (always confirmed before sending).
pub const MESSAGE: IntentDef = IntentDef {
    name: "message.send",
    templates: &[
        r"^(?:发短信给|发消息给|发信息给)(?P<who>[^,]+?)(?:(?:,|说)(?:内容是)?(?P<body>.+))?$",
        r"^给(?P<who>[^,]+?)发(?:个|条|一条)?(?:短信|消息|信息)(?:(?:,|说)(?:内容是)?(?P<body>.+))?$",
    ],
    templates_en: &[
        r"^(?:send (?:a )?)?(?:text|message|sms) (?:to )?(?P<who>[a-z ]+?)(?:,? saying (?P<body>.+))?$",
    ],
    cues: &[
        ("短信", 5),
        ("发消息", 5),
        ("发个消息", 5),
        ("发条消息", 5),
        ("发信息", 5),
        ("回个消息", 5),
        ("回消息", 5),
        ("回复", 5),
        ("发微信", 5),
        ("留言", 4),
        ("转告", 5),
        ("告诉", 4),
        ("发给", 4),
        ("text", 5),
        ("message", 5),
        ("sms", 5),
        ("tell", 4),
        ("reply", 5),
    ],
    patterns: &[
        (r"(?:跟|和)[^,]{1,8}?说", 6),
        (r"发(?:个|条|一条)?(?:微信|消息|信息|短信)", 6),
        (r"\bsend\b.+\bto\b", 3),
    ],
    skill: skills::message_send,
};

pub const PAYMENT: IntentDef = IntentDef {
    name: "payment.transfer",
    templates: &[
        r"^转账给(?P<rest>[^,]+?)(?:元|块钱|块)$",
        r"^给(?P<who>[^,]+?)转账(?P<amount>[0-9.]+|[零一二两三四五六七八九十百千万]+)(?:元|块钱|块)$",
    ],
    templates_en: &[r"^(?:transfer|send) (?P<amount>[0-9.]+) (?:yuan|rmb) to (?P<who>.+)$"],
    cues: &[
        ("转账", 6),
        ("转钱", 5),
        ("付款", 5),
        ("付钱", 5),
        ("支付", 5),
        ("打钱", 5),
        ("扫码", 4),
        ("transfer", 5),
        ("pay", 5),
        ("send money", 5),
    ],
    patterns: &[(r"转[0-9零一二两三四五六七八九十百千]+(?:块|元)", 6)],
    skill: skills::payment_transfer,
};

pub const DATA_DELETE: IntentDef = IntentDef {
    name: "data.delete",
    templates: &[
        r"^(?:删除|删掉|清空)(?:所有|全部)?(?:的)?(?P<kind>照片|相册|图片|备忘录|笔记|聊天记录|通话记录|短信|联系人|通讯录|文件)$",
    ],
    templates_en: &[
        r"^(?:delete|erase|clear) all (?:my )?(?P<kind>photos|notes|messages|contacts|files|call history)$",
    ],
    cues: &[
        ("删除", 4),
        ("删掉", 4),
        ("清空", 5),
        ("删了", 4),
        ("delete", 4),
        ("erase", 4),
        ("clear", 3),
    ],
    patterns: &[],
    skill: skills::data_delete,
};

pub const DATA_UPLOAD: IntentDef = IntentDef {
    name: "data.upload",
    templates: &[
        r"^(?:把)?(?:我的)?(?P<kind>通讯录|联系人|照片|相册|聊天记录|短信|文件)(?:上传|备份|同步)(?:到)?(?:网上|云端|云上|网盘|服务器)$",
    ],
    templates_en: &[
        r"^upload (?:all )?(?:my )?(?P<kind>contacts|photos|messages|files)(?: to the (?:cloud|internet))?$",
    ],
    cues: &[("上传", 5), ("备份到", 4), ("同步到云", 4), ("upload", 5)],
    patterns: &[],
    skill: skills::data_upload,
};

// ------------------------------------------------------------------ settings words

// Words for the settings terminals share, one table a setting: a category composes its
// `settings.set` cues from the tables of the settings it has (`more_cues!`) and adds its own.

/// Turning the sound up or down.
pub const VOLUME_WORDS: &[Cue] = &[
    ("音量", 3),
    ("大声点", 5),
    ("小声点", 5),
    ("volume", 4),
    ("louder", 5),
    ("quieter", 5),
];

/// Complaints that ask for a lower or higher volume.
pub const NOISY_WORDS: &[Cue] = &[("太吵", 5), ("听不清", 5)];

/// The screen's brightness by name.
pub const BRIGHTNESS_WORDS: &[Cue] = &[("亮度", 3), ("brightness", 4)];

/// Complaints that ask for another brightness.
pub const GLARE_WORDS: &[Cue] = &[("刺眼", 5), ("太亮", 5), ("太暗", 5)];

/// The same complaints in English.
pub const GLARE_WORDS_EN: &[Cue] = &[("too bright", 5), ("too dark", 5)];

/// Do not disturb, by its name.
pub const DND_WORDS: &[Cue] = &[("免打扰", 5), ("勿扰", 5)];

/// Do not disturb, asked for in words.
pub const DND_ASKED: &[Cue] = &[("别打扰", 5), ("不要打扰", 5), ("do not disturb", 5)];

/// The radios and modes of a terminal with a network of its own.
pub const RADIO_WORDS: &[Cue] = &[("wifi", 4), ("wi-fi", 4), ("无线网", 4), ("飞行模式", 4)];

// ------------------------------------------------------------------ shared words

// Cue tables for intents several categories define with skills of their own: each composes
// its intent's cues from these (`more_cues!`) and adds its own.

/// Asking for a route, by any terminal that navigates.
pub const NAV_WORDS: &[Cue] = &[
    ("导航", 5),
    ("怎么走", 5),
    ("怎么去", 5),
    ("带我去", 5),
    ("路线", 4),
    ("navigate", 5),
    ("directions", 5),
    ("route", 4),
];

/// Saying where one wants to go.
pub const GOING_WORDS: &[Cue] = &[("我想去", 3), ("我要去", 3), ("how do i get to", 5)];

/// Opening an app.
pub const APP_WORDS: &[Cue] = &[("打开", 2), ("启动", 3), ("launch", 3)];

/// Taking a photo.
pub const PHOTO_WORDS: &[Cue] = &[
    ("拍照", 5),
    ("拍张照", 5),
    ("拍个照", 5),
    ("拍一张", 5),
    ("照张相", 5),
];

/// A standing rule, in the words that make one.
pub const HABIT_WORDS: &[Cue] = &[
    ("默认", 5),
    ("一律", 5),
    ("习惯", 4),
    ("总是", 3),
    ("always", 4),
];

/// Going on with a task elsewhere.
pub const CONTINUE_WORDS: &[Cue] = &[("继续", 3), ("接着", 3), ("continue", 3)];

/// The settings of a terminal with a screen and radios of its own (a phone, a PC).
pub const PERSONAL_SETTINGS_WORDS: &[Cue] = more_cues!(
    VOLUME_WORDS,
    NOISY_WORDS,
    BRIGHTNESS_WORDS,
    GLARE_WORDS,
    GLARE_WORDS_EN,
    DND_WORDS,
    DND_ASKED,
    RADIO_WORDS,
    &[("声音", 2), ("蓝牙", 4), ("省电模式", 4), ("bluetooth", 4)]
);

/// The volume named, then which way: "声音调低些", "音量再高点".
pub const VOLUME_PATTERNS: &[Cue] = &[(
    r"(?:声音|音量)(?:再)?(?:调)?(?:大|小|高|低)(?:一)?(?:点|些)",
    5,
)];

/// "不对", "wrong": a turn that opens by saying the last answer was wrong.
pub const CORRECTION_PATTERNS: &[Cue] = &[(r"^(?:不对|不是|错了|搞错了|no\b|wrong\b)", 8)];

/// Bases for intents a category completes with its own skill (and name, cues), never in a
/// table as they are: a correction ("不对，…") of what the terminal just did, and going on
/// with the task on another device.
pub const CORRECTION: IntentDef = IntentDef {
    name: "correction",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: CORRECTION_PATTERNS,
    skill: |_, _| Plan::NotUnderstood,
};

pub const HANDOFF: IntentDef = IntentDef {
    name: "device.handoff",
    templates: &[],
    templates_en: &[],
    cues: CONTINUE_WORDS,
    patterns: &[],
    skill: |_, _| Plan::NotUnderstood,
};

/// Runs of shared intents that categories list in their tables in this order.
pub const CLOCK_INTENTS: &[IntentDef] = &[ALARM_DELETE, ALARM, TIMER, REMINDER];
pub const DATA_INTENTS: &[IntentDef] = &[PAYMENT, DATA_DELETE, DATA_UPLOAD];
pub const INFO_INTENTS: &[IntentDef] = &[WEATHER, DATETIME];

/// A terminal category without a table of its own yet gets the general intents.
pub static GENERAL: Category = Category {
    intents: &[
        CLOCK_INTENTS,
        &[CALENDAR],
        INFO_INTENTS,
        &[TRANSLATE, SUMMARIZE, MEDIA, CHAT],
        DATA_INTENTS,
    ],
    apps: &[],
    hand_off_media: None,
    sensitive: &[],
    events: events::PERSONAL,
};
