//! The phone category (GB/Z 177.3): the general intents plus telephony, messaging, settings,
//! apps, camera and navigation.

use crate::sim::events;
use crate::sim::general::{self, CALENDAR, CALL, CHAT, MEDIA, MESSAGE, SUMMARIZE, TRANSLATE};
use crate::sim::skills;
use crate::sim::turn::{Category, IntentDef, more_cues};

const SETTINGS: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:把)?(?P<name>媒体音量|音量|屏幕亮度|亮度)(?:调到|调至|调成|设为|设置为|设置成|设成)(?P<value>.+)$",
        r"^(?P<op>打开|开启|关闭|关掉|关上|启用|停用)(?P<name>蓝牙|wifi|wi-fi|wlan|无线网络|无线网|移动数据|勿扰模式|免打扰模式|免打扰|勿扰|手电筒|闪光灯|飞行模式|省电模式|低电量模式)$",
    ],
    templates_en: &[
        r"^set (?:the )?(?P<name>volume|brightness) to (?P<value>.+)$",
        r"^turn (?P<op>on|off) (?:the )?(?P<name>.+)$",
    ],
    cues: more_cues!(
        general::PERSONAL_SETTINGS_WORDS,
        &[
            ("wlan", 4),
            ("移动数据", 4),
            ("手电筒", 4),
            ("省电", 4),
            ("调到", 2),
            ("调大", 2),
            ("调小", 2),
            ("调高", 2),
            ("调低", 2),
            ("打开", 2),
            ("关闭", 2),
            ("关掉", 2),
            ("听不见", 5),
            ("看不清", 5),
            ("flashlight", 4),
            ("power saving", 4),
            ("low power mode", 4),
            ("battery saver", 4),
            ("airplane mode", 4),
            ("flight mode", 4),
            ("mobile data", 4),
            ("torch", 4),
            ("turn up", 2),
            ("turn down", 2),
        ]
    ),
    patterns: &[],
    skill: skills::settings_set,
};

const APP: IntentDef = IntentDef {
    name: "app.open",
    templates: &[r"^(?:打开|启动|开启|进入)(?P<app>.+)$"],
    templates_en: &[r"^(?:open|launch|start) (?:the )?(?P<app>.+?)(?: app)?$"],
    cues: more_cues!(
        general::APP_WORDS,
        &[
            ("开一下", 2),
            ("进入", 2),
            ("看看", 1),
            ("相机", 3),
            ("微信", 3),
            ("相册", 3),
            ("支付宝", 3),
            ("地图", 2),
            ("计算器", 3),
            ("浏览器", 3),
            ("open", 3),
        ]
    ),
    patterns: &[],
    skill: skills::app_open,
};

const PHOTO: IntentDef = IntentDef {
    name: "photo.capture",
    templates: &[r"^(?:拍(?:一|个|张|一张)?照片?|自拍)$"],
    templates_en: &[r"^take (?:a )?(?:photo|picture|selfie)$"],
    cues: more_cues!(general::PHOTO_WORDS, &[("自拍", 5), ("selfie", 5)]),
    patterns: &[
        (r"\btake (?:a |some )?(?:photo|picture)s?\b", 5),
        // Any taking verb with a picture, or "snap one": "grab a quick shot", "photo, then …".
        (
            r"\b(?:take|snap|shoot|grab|capture)\b (?:a |one |some |another )?(?:quick )?(?:photo|picture|pic|shot|snap)s?\b|^snap (?:one|it)\b|^(?:a )?photo$",
            5,
        ),
    ],
    skill: skills::photo_capture,
};

const PHOTO_EDIT: IntentDef = IntentDef {
    name: "photo.edit",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("修图", 5),
        ("美颜", 5),
        ("裁剪", 5),
        ("滤镜", 5),
        ("调亮", 4),
        ("提亮", 4),
        ("调暗", 4),
        ("照片", 3),
        ("图片", 2),
        ("brighten", 4),
        ("brighter", 3),
        ("lighten", 4),
        ("亮一点", 3),
        ("亮一些", 3),
        ("crop", 5),
        ("filter", 4),
        ("photo", 3),
    ],
    patterns: &[],
    skill: skills::photo_edit,
};

const NAV: IntentDef = IntentDef {
    name: "nav.route",
    templates: &[r"^(?:导航到|导航去|导航至|导航)(?P<dest>[^,]+)$"],
    templates_en: &[
        r"^navigate to(?-u:\b) ?(?P<dest>.+)$",
        r"^(?:start |begin )?navigation to(?-u:\b) ?(?P<dest>.+)$",
    ],
    cues: more_cues!(
        general::NAV_WORDS,
        general::GOING_WORDS,
        &[("开车去", 4), ("take me to", 5), ("navigation", 4)]
    ),
    patterns: &[(
        r"\b(?:the )?way to(?-u:\b)|\bget to(?-u:\b)|\bhead to(?-u:\b)|\bwhich way\b",
        4,
    )],
    skill: skills::nav_route,
};

/// Apps a phone has: (id, names).
const APPS: &[(&str, &[&str])] = &[
    ("camera", &["相机", "照相机", "camera"]),
    ("gallery", &["相册", "图库", "gallery", "photos"]),
    ("wechat", &["微信", "wechat"]),
    ("alipay", &["支付宝", "alipay"]),
    ("settings", &["设置", "settings"]),
    ("calendar", &["日历", "calendar"]),
    ("maps", &["地图", "maps"]),
    ("music", &["音乐", "music"]),
    ("calculator", &["计算器", "calculator"]),
    ("browser", &["浏览器", "browser"]),
    ("clock", &["时钟", "clock"]),
    ("notes", &["备忘录", "notes"]),
    ("messages", &["短信", "信息", "messages"]),
    ("phone", &["电话", "拨号", "phone"]),
    ("email", &["邮件", "邮箱", "email", "mail"]),
    ("weather", &["天气", "weather"]),
];

/// Order matters where two intents' preset templates can match the same text: settings
/// ("打开无线网络") before apps ("打开日历"), deleting before creating alarms.
pub static PHONE: Category = Category {
    intents: &[
        general::CLOCK_INTENTS,
        &[CALENDAR, CALL, MESSAGE],
        general::DATA_INTENTS,
        &[SETTINGS, PHOTO, PHOTO_EDIT, APP, NAV],
        general::INFO_INTENTS,
        &[TRANSLATE, SUMMARIZE, MEDIA, CHAT],
    ],
    apps: APPS,
    hand_off_media: None,
    sensitive: &[],
    events: events::PERSONAL,
};
