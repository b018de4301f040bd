//! The PC category (GB/Z 177.4: desktop, portable and tablet computers): documents and files,
//! summarising and translating them, multi-app workflows (find → summarise → mail), settings
//! and windows, end-side work offline and device-cloud work (web search) online.
//!
//! Files come from `pc_world.rs`. What a level can do follows the engine's capabilities:
//! L1 opens, creates and formats documents by preset commands that name them exactly; L2
//! finds them from loose descriptions ("上周的销售报告"), reads charts and notices, and runs one
//! tool on a document; L3 follows "它 / 这份" across turns, chains tools and uses what it knows
//! of the user (their boss, their project folder); L4 opens documents on linked devices and
//! learns names and habits from corrections.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use crate::device::protocol::ServedBy;
use crate::sim::events;
use crate::sim::general::{self, CALENDAR, CHAT, DATA_DELETE, MEDIA, PAYMENT};
use crate::sim::memory;
use crate::sim::nlu;
use crate::sim::plans::{ask, has_any, re};
use crate::sim::skills;
use crate::sim::turn::{Category, Expect, Frame, IntentDef, Plan, action, has_cue, more_cues};
use crate::sim::turn::{Ctx, say};
use crate::world::directory::Person;

mod files;
use files::{Doc, Kind};

// ------------------------------------------------------------------ conversation bookkeeping

/// The PC's own notes on the conversation (the current file, the words that named it, the
/// last search), kept in the context's `last_query` slot under this key. Written at every
/// level; read only where the level has context.
const NOTES: &str = "pc";

/// The file the conversation is about (L3).
fn current_file(ctx: &Ctx) -> Option<&'static Doc> {
    if !ctx.caps.context {
        return None;
    }
    ctx.notes(NOTES)
        .get("file")
        .and_then(Value::as_str)
        .and_then(files::named)
}

/// Make `d` the file the conversation is about; its text becomes the last result, so that a
/// general tool ("译成英语") can work on it.
fn focus(ctx: &mut Ctx, d: &'static Doc, phrase: Option<String>) {
    ctx.note(NOTES, "file", json!(d.name));
    if let Some(p) = phrase {
        ctx.note(NOTES, "phrase", json!(p));
    }
    ctx.ses.context.last_result = Some(d.content.to_string());
}

// ------------------------------------------------------------------ naming files

/// Words that point back at a file already in the conversation.
const REFERS: &[&str] = &[
    "它",
    "这份",
    "这个文件",
    "这个文档",
    "这个表",
    "这个ppt",
    "这篇",
    "该文件",
    "刚才那个",
    "刚才的",
    "刚打开的",
    "this file",
    "this document",
    "this report",
    "this one",
    "it",
];

/// What a request's words name.
enum Named {
    One(&'static Doc),
    Several(Vec<&'static Doc>),
    Nothing,
}

/// Learned names (L4): phrase → file name, when the phrase says more than any file's own
/// keyword in the text ("预算表" was learned; "第二季度预算草案" still names the draft).
fn learned_name(ctx: &Ctx, text: &str) -> Option<&'static Doc> {
    if !ctx.caps.learning {
        return None;
    }
    let aliases = ctx.ses.learned.prefs.get("pc.alias")?.as_object()?;
    let (phrase, name) = aliases
        .iter()
        .filter(|(phrase, _)| text.contains(phrase.as_str()))
        .max_by_key(|(phrase, _)| phrase.chars().count())?;
    let best = files::DOCS
        .iter()
        .map(|d| files::keyword_score(d, text))
        .max()
        .unwrap_or(0);
    if phrase.chars().count() < best {
        return None;
    }
    name.as_str().and_then(files::named)
}

/// The file free phrasing names, with every source this level has.
fn resolve(ctx: &Ctx, text: &str) -> Named {
    if let Some(d) = learned_name(ctx, text) {
        return Named::One(d);
    }
    let pointing = has_any(text, REFERS);
    if pointing && let Some(d) = current_file(ctx) {
        return Named::One(d);
    }
    let today = ctx.now().date();
    let range = files::date_range(text, today);
    let kind = files::kind_in(text);
    let mut scored: Vec<(usize, &'static Doc)> = files::DOCS
        .iter()
        .filter(|d| range.is_none_or(|(a, b)| (a..=b).contains(&d.date())))
        .filter(|d| kind.is_none_or(|k| k == d.kind))
        .map(|d| (files::keyword_score(d, text), d))
        .filter(|(s, _)| *s > 0 || range.is_some())
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.modified.cmp(a.1.modified)));
    let Some(&(best, first)) = scored.first() else {
        return Named::Nothing;
    };
    let tied: Vec<&'static Doc> = scored
        .iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, d)| *d)
        .collect();
    // "这份报告" said to a terminal that cannot follow the conversation: it must not guess.
    if tied.len() > 1 && (pointing || best == 0) {
        return Named::Several(tied);
    }
    Named::One(first)
}

static VERB_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:再|给我|帮我|请)*(?:把|将)?(?:打开|打开一下|找到|找一下|找出|找|搜索|查找|看看|看一下|调出|open|show me|find)?\s*(?:那个|这个|那份|这份|一下)?",
    )
});
static VERB_TRAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:找出来|调出来|拿出来|打开|给我看看|看看|看一下|一下|吧|的|,)+$"));

/// The words that named a file ("打开周报表" → "周报表"), for learning what they mean.
fn naming_phrase(text: &str) -> String {
    let lead = VERB_LEAD.replace(text, "");
    VERB_TRAIL.replace(&lead, "").trim().to_string()
}

fn which_file(ctx: &mut Ctx, f: &Frame, docs: &[&'static Doc]) -> Plan {
    let zh = docs.iter().map(|d| d.name).collect::<Vec<_>>().join("、");
    let en = docs.iter().map(|d| d.name).collect::<Vec<_>>().join(", ");
    let s = say!(
        ctx,
        ["你指的是哪个文件：{zh}？"],
        ["Which file do you mean: {en}?"]
    );
    Plan::Ask {
        say: s,
        expect: Expect::Slot {
            utterance: f.text.clone(),
        },
    }
}

fn kind_zh(k: Kind) -> &'static str {
    match k {
        Kind::Document => "文档",
        Kind::Spreadsheet => "表格",
        Kind::Presentation => "演示文稿",
        Kind::Pdf => "PDF",
    }
}

// ------------------------------------------------------------------ files

pub fn file_open(ctx: &mut Ctx, f: &Frame) -> Plan {
    let (doc, phrase) = if f.strict {
        match f.slot("name").and_then(files::by_name) {
            Some(d) => (d, None),
            None => return Plan::NotUnderstood,
        }
    } else {
        match resolve(ctx, &f.text) {
            Named::One(d) => (d, Some(naming_phrase(&f.text))),
            Named::Several(ds) => return which_file(ctx, f, &ds),
            Named::Nothing => return Plan::NotUnderstood,
        }
    };
    // "到平板上接着改这个文件": the file open here goes on being worked on there.
    if f.target.is_some()
        && current_file(ctx).is_some_and(|c| c.name == doc.name)
        && has_any(&f.text, EDIT_WORDS)
    {
        return continue_there(ctx, f);
    }
    focus(ctx, doc, phrase);
    let name = doc.name;
    let s = match &f.target {
        Some(t) => say!(
            ctx,
            ["好的，已在{t}上打开“{name}”。"],
            ["OK, opened \"{name}\" on {t}."]
        ),
        None => say!(
            ctx,
            ["已打开“{name}”。", "好的，正在打开“{name}”。"],
            ["Opened \"{name}\".", "OK, opening \"{name}\"."]
        ),
    };
    Plan::act_for(f, action("file.open", json!({ "name": name })), s)
}

static CONTENT_TERM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:提到了|提到|提及|写了|写着|内容有|内容包含|关于|mentions?|about) ?(?P<t>[\p{Han}A-Za-z0-9]{2,8}?)(?:的文件|的文档|的内容|内容|的|[,?!]|$)|^(?P<u>[\p{Han}A-Za-z0-9]{2,8}?)(?:是|都)?(?:在)?(?:哪个|哪份|哪些|什么)(?:文件|文档)(?:里|中|里面)?(?:被)?(?:提到|提及|写)",
    )
});

pub fn file_search(ctx: &mut Ctx, f: &Frame) -> Plan {
    let today = ctx.now().date();
    let (query, term, range, kind) = if f.strict {
        let Some(q) = f.slot("q").filter(|q| q.chars().count() <= 16) else {
            return Plan::NotUnderstood;
        };
        (Some(q.to_string()), None, None, None)
    } else {
        let term = CONTENT_TERM
            .captures(&f.text)
            .and_then(|c| c.name("t").or_else(|| c.name("u")))
            .map(|m| m.as_str().to_string())
            .filter(|t| files::query_in(t).is_none());
        // "文件名里有“预算”两个字": the quoted word is what the name holds.
        let query = files::query_in(&f.text).map(str::to_string).or_else(|| {
            f.content
                .as_deref()
                .filter(|c| f.text.contains(nlu::CONTENT_MARK) && c.chars().count() <= 16)
                .map(|c| c.trim().to_string())
        });
        (
            query,
            term,
            files::date_range(&f.text, today),
            files::kind_in(&f.text),
        )
    };
    if f.target.is_some() {
        return Plan::NotUnderstood;
    }
    if query.is_none() && term.is_none() && range.is_none() && kind.is_none() {
        // "报销发票放在哪": not about a file on this computer (the memory may know) — nor is
        // a question a remembered fact answers, whatever folder it names.
        if !has_any(&f.text, &["文件", "file", "files"])
            || (ctx.caps.memory && memory::recall(&ctx.facts(), &f.text).is_some())
        {
            return Plan::NotUnderstood;
        }
        return ask(ctx, f, "要找什么文件？", "What file are you looking for?");
    }
    let matching = |kind: Option<Kind>| -> Vec<&'static Doc> {
        files::DOCS
            .iter()
            .filter(|d| range.is_none_or(|(a, b)| (a..=b).contains(&d.date())))
            .filter(|d| kind.is_none_or(|k| k == d.kind))
            .filter(|d| match &query {
                Some(q) if f.strict => d.name.to_lowercase().contains(&q.to_lowercase()),
                Some(q) => {
                    d.keywords.contains(&q.as_str()) || d.name.to_lowercase().contains(q.as_str())
                }
                None => true,
            })
            .filter(|d| {
                term.as_deref()
                    .is_none_or(|t| d.content.to_lowercase().contains(t))
            })
            .collect()
    };
    let mut hits = matching(kind);
    // "写着交货期的文档": people call any file a 文档; a PDF that matches still counts.
    let mut kind = kind;
    if hits.is_empty() && kind == Some(Kind::Document) && (query.is_some() || term.is_some()) {
        hits = matching(None);
        kind = None;
    }
    let mut args = json!({ "query": query.clone().or_else(|| term.clone()).unwrap_or_default() });
    if let Some(k) = kind {
        args["kind"] = json!(k.id());
    }
    if let Some((a, b)) = range {
        args["modified_after"] = json!(a.to_string());
        args["modified_before"] = json!(b.to_string());
    }
    if term.is_some() {
        args["in_content"] = json!(true);
    }
    ctx.note(NOTES, "search", args.clone());
    if let [one] = hits.as_slice() {
        focus(ctx, one, None);
    }
    let n = hits.len();
    let zh = hits
        .iter()
        .map(|d| format!("“{}”（{}）", d.name, d.folder))
        .collect::<Vec<_>>()
        .join("、");
    let en = hits
        .iter()
        .map(|d| format!("\"{}\" ({})", d.name, d.folder))
        .collect::<Vec<_>>()
        .join(", ");
    let s = if n == 0 {
        say!(
            ctx,
            ["没有找到符合条件的文件。"],
            ["No matching files found."]
        )
    } else {
        say!(ctx, ["找到{n}个文件：{zh}。"], ["Found {n} file(s): {en}."])
    };
    Plan::act(action("file.search", args), s)
}

/// "那上个月的呢": the last search again, with what the follow-up changes (L3).
pub fn follow_up(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !ctx.caps.context {
        return Plan::NotUnderstood;
    }
    let Some(last) = ctx.notes(NOTES).get("search").cloned() else {
        return Plan::NotUnderstood;
    };
    let x = f
        .text
        .trim_start_matches(['那', '么'])
        .trim_end_matches('呢')
        .trim_end_matches("有哪些")
        .trim_end_matches("是哪些");
    let old_query = last
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let text = match files::query_in(x) {
        Some(_) => x.to_string(),
        None => format!("{x} {old_query}"),
    };
    file_search(
        ctx,
        &Frame {
            text,
            ..Frame::default()
        },
    )
}

/// "换到平板上接着改": hand the file being worked on to a linked device (L4).
/// Working on a document further, however it is said.
const EDIT_WORDS: &[&str] = &[
    "编辑", "修改", "改", "继续", "接着", "写", "edit", "continue", "carry on", "work on",
];

pub fn continue_there(ctx: &mut Ctx, f: &Frame) -> Plan {
    let (Some(target), Some(doc)) = (f.target.clone(), current_file(ctx)) else {
        return Plan::NotUnderstood;
    };
    let name = doc.name;
    let mut a = action(
        "device.handoff",
        json!({ "task": "file.open", "args": { "name": name } }),
    );
    a.target = Some(target.clone());
    let s = say!(
        ctx,
        ["好的，“{name}”已转到{target}上继续。"],
        ["OK, \"{name}\" continues on {target}."]
    );
    Plan::act(a, s)
}

// ------------------------------------------------------------------ documents

const CREATE_KINDS: &[(&str, Kind)] = &[
    ("电子表格", Kind::Spreadsheet),
    ("表格", Kind::Spreadsheet),
    ("excel", Kind::Spreadsheet),
    ("spreadsheet", Kind::Spreadsheet),
    ("sheet", Kind::Spreadsheet),
    ("演示文稿", Kind::Presentation),
    ("幻灯片", Kind::Presentation),
    ("ppt", Kind::Presentation),
    ("presentation", Kind::Presentation),
    ("slides", Kind::Presentation),
    ("文档", Kind::Document),
    ("word", Kind::Document),
    ("document", Kind::Document),
    ("doc", Kind::Document),
];

static FOLDER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:存在|存到|存进|放在|放到|保存在|保存到|设成|设为|设置为|设置成|改成|改为|save (?:them |it )?(?:in|to) (?:the |my )?)(?P<f>[\p{Han}A-Za-z0-9/_:]{1,12}?)(?:文件夹|目录| folder)",
    )
});
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:叫|名为|名字叫|标题是|标题为|命名为|called|named|titled) ?(?P<t>[^,]{1,20})$")
});

/// The folder new documents go to: a learned habit (L4), else what the user told (L3).
fn doc_folder(ctx: &Ctx) -> Option<String> {
    if ctx.caps.learning
        && let Some(f) = ctx
            .ses
            .learned
            .prefs
            .get("pc.doc_folder")
            .and_then(Value::as_str)
    {
        return Some(f.to_string());
    }
    ctx.facts()
        .iter()
        .filter(|fact| has_any(&fact.text, &["文档", "文件", "document", "file"]))
        .find_map(|fact| {
            FOLDER
                .captures(&nlu::normalize(&fact.text))
                .map(|c| c["f"].to_string())
        })
}

pub fn doc_create(ctx: &mut Ctx, f: &Frame) -> Plan {
    let text = f.slot_or_text("kind").to_string();
    let Some(kind) = CREATE_KINDS
        .iter()
        .find(|(w, _)| has_cue(&text, w))
        .map(|(_, k)| *k)
    else {
        return Plan::NotUnderstood;
    };
    let mut args = json!({ "kind": kind.id() });
    if !f.strict
        && let Some(c) = TITLE.captures(&f.text)
    {
        args["title"] = json!(c["t"].trim());
    }
    if let Some(folder) = doc_folder(ctx) {
        args["folder"] = json!(folder);
    }
    let k = kind_zh(kind);
    let ken = kind.id();
    let place = args
        .get("folder")
        .and_then(Value::as_str)
        .map(str::to_string);
    let s = match place {
        Some(p) => say!(
            ctx,
            ["已新建一个空白{k}，保存在“{p}”文件夹。"],
            ["Created a blank {ken} in the \"{p}\" folder."]
        ),
        None => say!(
            ctx,
            ["已新建一个空白{k}。", "好的，新的{k}已经建好了。"],
            ["Created a blank {ken}.", "OK, a new {ken} is ready."]
        ),
    };
    Plan::act_for(f, action("doc.create", args), s)
}

const STYLES: &[(&[&str], &str, &str)] = &[
    (
        &["加粗", "粗体", "弄粗", "变粗", "粗一点", "bold"],
        "bold",
        "加粗",
    ),
    (
        &["斜体", "变斜", "弄斜", "倾斜", "italic"],
        "italic",
        "设为斜体",
    ),
    (
        &["下划线", "划线", "划条线", "underline", "underlined"],
        "underline",
        "加下划线",
    ),
    (&["标题", "heading"], "heading1", "设为一级标题"),
    (
        &["高亮", "标亮", "突出显示", "标黄", "highlight"],
        "highlight",
        "高亮",
    ),
];
const SCOPES: &[(&[&str], &str)] = &[
    (&["这一段", "这段", "本段", "paragraph"], "paragraph"),
    (&["这一行", "这行", "line"], "line"),
    (&["全文", "整篇", "whole document"], "document"),
    (
        &["选中", "这句", "这几个字", "selection", "selected"],
        "selection",
    ),
];

pub fn doc_format(ctx: &mut Ctx, f: &Frame) -> Plan {
    let style_text = f.slot_or_text("style");
    let Some((_, style, zh)) = STYLES.iter().find(|(ws, ..)| has_any(style_text, ws)) else {
        return Plan::NotUnderstood;
    };
    let scope_text = f.slot_or_text("scope");
    let scope = SCOPES
        .iter()
        .find(|(ws, _)| has_any(scope_text, ws))
        .map_or("selection", |(_, s)| *s);
    let s = say!(ctx, ["已将所选内容{zh}。"], ["Done: formatted as {style}."]);
    Plan::Act {
        actions: vec![action(
            "doc.format",
            json!({ "style": style, "scope": scope }),
        )],
        say: s,
    }
}

/// Summarise a document the request names (or the one in the conversation); plain text and
/// "刚才那段" go to the general summariser.
pub fn doc_summarize(ctx: &mut Ctx, f: &Frame) -> Plan {
    with_document(ctx, f, skills::text_summarize)
}

pub fn doc_translate(ctx: &mut Ctx, f: &Frame) -> Plan {
    with_document(ctx, f, skills::text_translate)
}

fn with_document(ctx: &mut Ctx, f: &Frame, tool: fn(&mut Ctx, &Frame) -> Plan) -> Plan {
    if f.content.is_some() || f.strict {
        return tool(ctx, f);
    }
    match resolve(ctx, &f.text) {
        Named::One(d) => run_on(ctx, f, d, tool),
        Named::Several(ds) => which_file(ctx, f, &ds),
        // "概括一下" right after finding a file: the file in focus (L3).
        Named::Nothing => match current_file(ctx) {
            Some(d)
                if !has_any(
                    &f.text,
                    &["刚才", "上面", "这段", "这条", "that", "the message"],
                ) =>
            {
                run_on(ctx, f, d, tool)
            }
            _ => tool(ctx, f),
        },
    }
}

/// Run a text tool on a document's content and say which file it worked on.
fn run_on(ctx: &mut Ctx, f: &Frame, d: &'static Doc, tool: fn(&mut Ctx, &Frame) -> Plan) -> Plan {
    let frame = Frame {
        content: Some(d.content.to_string()),
        ..f.clone()
    };
    let plan = tool(ctx, &frame);
    ctx.note(NOTES, "file", json!(d.name));
    match plan {
        Plan::Act { mut actions, say } => {
            for a in &mut actions {
                a.args.insert("file".into(), json!(d.name));
            }
            Plan::Act { actions, say }
        }
        other => other,
    }
}

// ------------------------------------------------------------------ mail

static EMAIL_BODY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:说|内容是|内容为|写上|写着|正文是|saying|that says) ?[,:]?(?P<b>.+)$")
});

fn mail_names(docs: &[&'static Doc]) -> Vec<String> {
    docs.iter().map(|d| d.name.to_string()).collect()
}

/// Draft a mail at once (it shows on screen) and send it only after the user confirms.
pub fn email_send(ctx: &mut Ctx, f: &Frame) -> Plan {
    let who = skills::who_of(ctx, f, "who");
    let (person, phrase) =
        match skills::unresolved(ctx, f, who, "邮件要发给谁？", "Who should the email go to?")
        {
            Ok(x) => x,
            Err(plan) => return plan,
        };
    let mut attachments: Vec<&'static Doc> = Vec::new();
    let mut body = f
        .content
        .clone()
        .or_else(|| f.slot("body").map(str::to_string));
    if f.strict {
        if let Some(name) = f.slot("file") {
            match files::by_name(name) {
                Some(d) => attachments.push(d),
                None => return Plan::NotUnderstood,
            }
        }
    } else {
        let rest = f.text.replacen(&phrase, "", 1);
        match resolve(ctx, &rest) {
            Named::One(d) => attachments.push(d),
            Named::Several(ds) => return which_file(ctx, f, &ds),
            Named::Nothing => {}
        }
        if body.is_none() {
            body = EMAIL_BODY
                .captures(&rest)
                .map(|c| c["b"].trim().to_string())
                .filter(|b| !b.is_empty());
        }
        // Right after a summary, "发给张三" sends the summary with its file.
        if body.is_none() && ctx.last_topic() == Some("text") {
            body = ctx.last_result();
            if attachments.is_empty()
                && let Some(d) = current_file(ctx)
            {
                attachments.push(d);
            }
        }
    }
    if attachments.is_empty() && body.is_none() {
        if f.strict {
            return Plan::NotUnderstood;
        }
        return ask(
            ctx,
            f,
            "邮件要写什么内容，或者附上哪个文件？",
            "What should the email say, or which file should I attach?",
        );
    }
    let names = mail_names(&attachments);
    let mut args = json!({ "to": person.name, "attachments": names });
    if let Some(b) = &body {
        args["body"] = json!(b);
    }
    let subject = attachments.first().map_or_else(
        || body.clone().unwrap_or_default().chars().take(16).collect(),
        |d| d.stem().to_string(),
    );
    args["subject"] = json!(subject);
    let to = person.name.clone();
    let listed = if names.is_empty() {
        String::new()
    } else if ctx.en() {
        format!(" with {}", names.join(", "))
    } else {
        format!("，附件：{}", names.join("、"))
    };
    let s = say!(
        ctx,
        ["已起草发给{to}的邮件{listed}。"],
        ["Drafted an email to {to}{listed}."]
    );
    ctx.ses.context.last_person = Some(Person {
        name: to,
        number: person.number,
    });
    Plan::Act {
        actions: vec![
            action("email.draft", args.clone()),
            action("email.send", args),
        ],
        say: s,
    }
}

// ------------------------------------------------------------------ screen, windows, web

pub fn screen_capture(ctx: &mut Ctx, f: &Frame) -> Plan {
    let scope = if has_any(&f.text, &["窗口", "window"]) {
        "window"
    } else {
        "full"
    };
    let s = say!(
        ctx,
        ["已截屏，图片保存在“图片/截图”文件夹。"],
        ["Screenshot saved to Pictures/Screenshots."]
    );
    Plan::act(action("screen.capture", json!({ "scope": scope })), s)
}

/// Going to the desktop, however said: a show/back verb with the desktop, or everything minimised.
static TO_DESKTOP: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:显示|回到|返回|切到)桌面|最小化所有|全部最小化|\bshow (?:the |my )?desktop\b")
});

pub fn window_arrange(ctx: &mut Ctx, f: &Frame) -> Plan {
    let t = &f.text;
    if f.strict || TO_DESKTOP.is_match(t) {
        let s = say!(ctx, ["桌面已显示。"], ["Showing the desktop."]);
        return Plan::act(action("window.arrange", json!({ "layout": "desktop" })), s);
    }
    static GO_DESKTOP: LazyLock<Regex> =
        LazyLock::new(|| re(r"\b(?:go|switch|back) to (?:the |my )?desktop\b"));
    if GO_DESKTOP.is_match(t) {
        let s = say!(ctx, ["桌面已显示。"], ["Showing the desktop."]);
        return Plan::act(action("window.arrange", json!({ "layout": "desktop" })), s);
    }
    let sides = (t.contains("左边") && t.contains("右边"))
        || (has_cue(t, "on the left") && has_cue(t, "on the right"))
        || has_any(t, &["next to", "beside", "alongside"]);
    if sides
        || has_any(
            t,
            &["分屏", "并排", "左右", "一左一右", "side by side", "split"],
        )
    {
        // "分屏：左边A，右边B": the windows may be named after the colon.
        let t = match &f.content {
            Some(c) => format!("{t},{c}"),
            None => t.clone(),
        };
        let mut apps: Vec<(usize, &'static str)> = ctx
            .grammar
            .category
            .apps
            .iter()
            .flat_map(|(id, ws)| ws.iter().filter_map(|w| t.find(w).map(|p| (p, *id))))
            .collect();
        apps.sort_unstable();
        apps.dedup_by_key(|(_, id)| *id);
        if apps.len() < 2 {
            return ask(
                ctx,
                f,
                "要把哪两个窗口并排显示？",
                "Which two windows should go side by side?",
            );
        }
        let ids: Vec<&str> = apps.iter().take(2).map(|(_, id)| *id).collect();
        let (a, b) = (ids[0], ids[1]);
        let s = say!(
            ctx,
            ["已将{a}和{b}左右分屏显示。"],
            ["{a} and {b} are now side by side."]
        );
        return Plan::Act {
            actions: vec![action(
                "window.arrange",
                json!({ "layout": "split", "apps": ids }),
            )],
            say: s,
        };
    }
    if has_any(t, &["最大化", "全屏", "maximize", "full screen"]) {
        let s = say!(ctx, ["已将当前窗口最大化。"], ["Maximised the window."]);
        return Plan::act(action("window.arrange", json!({ "layout": "maximize" })), s);
    }
    Plan::NotUnderstood
}

static WEB_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        // Where (on the web, online) then how (search, look up), each said any usual way.
        r"^.*?(?:(?:(?:在|到|去)?(?:网上|上网|联网|网络上|互联网上)|百度|搜索引擎)(?:帮我)?(?:搜索|查找|查询|搜|查|找)?(?:搜|查)?(?:一下|一查|一搜)?(?:关于)?|(?:search the web for|search online for|look up online|look up|web search|google)(?: for)?) ?",
    )
});

pub fn web_search(ctx: &mut Ctx, f: &Frame) -> Plan {
    let q = if f.strict {
        f.slot("q")
            .or_else(|| f.slot("q2"))
            .unwrap_or_default()
            .to_string()
    } else {
        WEB_LEAD.replace(&f.text, "").to_string()
    };
    // "… online", "… on the web": where to look, said after what.
    let q = ["online", "on the web", "on the internet"]
        .iter()
        .find_map(|w| q.strip_suffix(w))
        .unwrap_or(&q)
        .trim_matches([',', ' '])
        .trim_start_matches('的')
        .to_string();
    if q.is_empty() {
        return ask(
            ctx,
            f,
            "要在网上搜索什么？",
            "What should I search the web for?",
        );
    }
    if !ctx.dev.online {
        let s = say!(
            ctx,
            ["当前处于离线状态，无法联网搜索“{q}”。可以先在本机文件里帮你找。"],
            [
                "The device is offline, so I can't search the web for \"{q}\". I can search the files on this computer instead."
            ]
        );
        return Plan::Answer(s);
    }
    ctx.note_network(ServedBy::Cloud);
    let s = say!(
        ctx,
        ["已在网上搜索“{q}”，结果显示在浏览器中。"],
        ["Searched the web for \"{q}\"; the results are in the browser."]
    );
    Plan::act(action("web.search", json!({ "query": q })), s)
}

// ------------------------------------------------------------------ pictures: notices, charts

static FIELD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*(?P<k>主题|会议|时间|日期|地点|地址)[:：]\s*(?P<v>.+?)\s*$"));
const EVENT_WORDS: &[&str] = &[
    "周会",
    "例会",
    "发布会",
    "评审会",
    "评审",
    "培训",
    "面试",
    "讲座",
    "会议",
    "meeting",
];

/// An event to put in the calendar, read from a notice (content) or a document.
pub fn calendar_from(ctx: &mut Ctx, f: &Frame) -> Plan {
    let (source, doc) = match (&f.content, f.strict) {
        (Some(c), false) => (c.clone(), None),
        (None, false) => match resolve(ctx, &f.text) {
            Named::One(d) => (d.content.to_string(), Some(d)),
            _ => return Plan::NotUnderstood,
        },
        _ => return Plan::NotUnderstood,
    };
    let mut title = None;
    let mut when_text = None;
    let mut place = None;
    for c in FIELD.captures_iter(&source) {
        let v = c["v"].to_string();
        match &c["k"] {
            "主题" | "会议" => title = Some(v),
            "时间" | "日期" => when_text = Some(v),
            _ => place = Some(v),
        }
    }
    let asked = EVENT_WORDS.iter().find(|w| has_cue(&f.text, w)).copied();
    if when_text.is_none() {
        // A document: the sentence that dates the event the request names.
        let sentences = crate::sim::text_tools::sentences(&source);
        let today = ctx.now().date();
        let mut dated: Vec<(chrono::NaiveDate, &String)> = sentences
            .iter()
            .filter_map(|s| {
                nlu::find_when(&nlu::normalize(s), ctx.now())
                    .and_then(|w| w.date)
                    .map(|d| (d, s))
            })
            .filter(|(d, _)| *d >= today)
            .collect();
        dated.sort_by_key(|(d, _)| *d);
        let dated: Vec<&String> = dated.into_iter().map(|(_, s)| s).collect();
        let pick = dated
            .iter()
            .find(|s| asked.is_some_and(|w| s.contains(w)))
            .or(dated.first());
        when_text = pick.map(|s| s.to_string());
        if title.is_none() {
            let said = asked.filter(|w| pick.is_some_and(|s| s.contains(w)));
            title = said
                .or_else(|| pick.and_then(|s| EVENT_WORDS.iter().find(|w| s.contains(*w)).copied()))
                .map(str::to_string);
        }
    }
    let Some(when_text) = when_text else {
        return Plan::NotUnderstood;
    };
    let when = nlu::find_when(&nlu::normalize(&when_text), ctx.now());
    let Some((date, h, m)) =
        when.and_then(|w| w.resolve(ctx.now()).or_else(|| w.date.map(|d| (d, 9, 0))))
    else {
        return Plan::NotUnderstood;
    };
    let title = title.unwrap_or_else(|| "会议".to_string());
    let t = nlu::hhmm(h, m);
    let mut args = json!({ "title": title, "date": date.to_string(), "time": t });
    if let Some(p) = &place {
        args["location"] = json!(p);
    }
    if let Some(d) = doc {
        ctx.note(NOTES, "file", json!(d.name));
    }
    let day = ctx.day_words(date);
    let at = place.map(|p| format!("，{p}")).unwrap_or_default();
    let s = say!(
        ctx,
        ["已添加日程：{day}{t}，{title}{at}。"],
        ["Added to your calendar: {title}, {day} at {t}."]
    );
    Plan::act(action("calendar.create", args), s)
}

static ROW: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*(?P<k>[^\s0-9][^\s]*?)\s+(?P<v>[0-9]+(?:\.[0-9]+)?)\s*$"));
static UNIT: LazyLock<Regex> = LazyLock::new(|| re(r"[（(](?P<u>[^）)]{1,4})[）)]"));

/// Answer a question about a chart from the figures in it.
pub fn chart_query(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(content) = f.content.as_deref() else {
        return Plan::NotUnderstood;
    };
    let rows: Vec<(String, f64)> = ROW
        .captures_iter(content)
        .filter_map(|c| Some((c["k"].to_string(), c["v"].parse().ok()?)))
        .collect();
    if rows.len() < 2 {
        return Plan::NotUnderstood;
    }
    let unit = content
        .lines()
        .next()
        .and_then(|l| UNIT.captures(l))
        .map(|c| c["u"].to_string())
        .unwrap_or_default();
    let t = &f.text;
    let fmt = |v: f64| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    let max = rows
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .cloned()
        .unwrap_or_default();
    let min = rows
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .cloned()
        .unwrap_or_default();
    let total: f64 = rows.iter().map(|r| r.1).sum();
    let s = if has_any(
        t,
        &["最低", "最少", "最差", "最小", "lowest", "least", "worst"],
    ) {
        let (k, v) = (min.0, fmt(min.1));
        say!(
            ctx,
            ["{k}最低，为{v}{unit}。"],
            ["{k} is the lowest, at {v}."]
        )
    } else if has_any(t, &["平均", "average", "mean"]) {
        let v = fmt(total / rows.len() as f64);
        say!(ctx, ["平均为{v}{unit}。"], ["The average is {v}."])
    } else if has_any(
        t,
        &[
            "总共",
            "一共",
            "合计",
            "总计",
            "加起来",
            "total",
            "altogether",
        ],
    ) {
        let v = fmt(total);
        say!(ctx, ["合计{v}{unit}。"], ["The total is {v}."])
    } else if has_any(
        t,
        &[
            "最高",
            "最多",
            "最好",
            "最大",
            "卖得最好",
            "highest",
            "most",
            "best",
        ],
    ) {
        let (k, v) = (max.0, fmt(max.1));
        say!(
            ctx,
            ["{k}最高，为{v}{unit}。"],
            ["{k} is the highest, at {v}."]
        )
    } else {
        return Plan::NotUnderstood;
    };
    Plan::Answer(s)
}

// ------------------------------------------------------------------ learning (L4)

static CORRECTION_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:不对|不是这个|不是|错了|搞错了|no|wrong)[,]?(?:我要的是|我要找的是|我说的是|我是说|应该是|是|i meant|i mean|i said|i wanted)?[,]? ?",
    )
});

/// "不对，是去年的周报": open the right file, and (L4) learn what the words meant.
pub fn correct(ctx: &mut Ctx, f: &Frame) -> Plan {
    if !ctx.caps.context || !CORRECTION_LEAD.is_match(&f.text) {
        return Plan::NotUnderstood;
    }
    let n = ctx.notes(NOTES);
    let (Some(old), Some(phrase)) = (
        n.get("file").and_then(Value::as_str),
        n.get("phrase").and_then(Value::as_str),
    ) else {
        return Plan::NotUnderstood;
    };
    let (old, phrase) = (old.to_string(), phrase.to_string());
    let rest = CORRECTION_LEAD.replace(&f.text, "").to_string();
    let Named::One(doc) = resolve(ctx, &rest) else {
        return Plan::NotUnderstood;
    };
    if doc.name == old {
        return Plan::NotUnderstood;
    }
    let mut actions = Vec::new();
    if ctx.caps.learning && !phrase.is_empty() {
        let mut aliases = ctx
            .ses
            .learned
            .prefs
            .get("pc.alias")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        aliases.insert(phrase.clone(), json!(doc.name));
        ctx.ses
            .learned
            .prefs
            .insert("pc.alias".into(), Value::Object(aliases));
        actions.push(action(
            "preference.set",
            json!({ "key": "pc.alias", "value": { phrase.clone(): doc.name } }),
        ));
    }
    focus(ctx, doc, Some(phrase.clone()));
    actions.push(action("file.open", json!({ "name": doc.name })));
    let name = doc.name;
    let s = if ctx.caps.learning {
        say!(
            ctx,
            ["抱歉，已打开“{name}”。记住了，以后你说“{phrase}”就是指它。"],
            [
                "Sorry about that: opened \"{name}\". Noted: \"{phrase}\" means this file from now on."
            ]
        )
    } else {
        say!(
            ctx,
            ["抱歉，已打开“{name}”。"],
            ["Sorry about that: opened \"{name}\"."]
        )
    };
    Plan::Act { actions, say: s }
}

/// "新建的文档默认都存到项目文件夹": a standing habit (L4); lower levels say they cannot.
pub fn habit(ctx: &mut Ctx, f: &Frame) -> Plan {
    let Some(c) = FOLDER.captures(&f.text) else {
        return Plan::NotUnderstood;
    };
    if !has_any(
        &f.text,
        &[
            "都",
            "默认",
            "一律",
            "每次",
            "总是",
            "always",
            "by default",
            "every",
        ],
    ) {
        return Plan::NotUnderstood;
    }
    if let Some(s) = ctx.cannot_learn() {
        return Plan::Answer(s);
    }
    let folder = c["f"].to_string();
    ctx.ses
        .learned
        .prefs
        .insert("pc.doc_folder".into(), json!(folder));
    let s = say!(
        ctx,
        ["好的，记住了：以后新建的文档都保存到“{folder}”文件夹。"],
        ["OK, noted: new documents will be saved in the \"{folder}\" folder."]
    );
    Plan::Act {
        actions: vec![action(
            "preference.set",
            json!({ "key": "pc.doc_folder", "value": folder }),
        )],
        say: s,
    }
}

// ------------------------------------------------------------------ the table

/// File names and words for documents, as cue patterns.
const FILE_WORDS: &str = r"销售|报告|周报|预算|草案|计划书|项目|纪要|会议记录|周会|产品介绍|通讯录|合同|华东|报价|供应商|财务|financial|sales report|project plan|minutes|budget|contract|quotation|product|presentations?|spreadsheets?|documents?|pdfs|文件|文档|表格|excel|ppt|演示文稿|幻灯片|pdf";

const HABIT: IntentDef = IntentDef {
    name: "preference.set",
    templates: &[],
    templates_en: &[],
    cues: more_cues!(general::HABIT_WORDS, &[("每次都", 4), ("by default", 5)]),
    patterns: &[
        (r"都(?:要|给我|帮我)?(?:存|保存|放)(?:到|在|进)", 5),
        // "默认位置设成X文件夹", "默认存在X": where new work goes unless told.
        (
            r"默认(?:的)?(?:位置|文件夹|目录|路径|保存位置)?(?:设成|设为|改成|设置为|设置成|是|存在|存到|放在|放到|保存到|保存在)",
            8,
        ),
    ],
    skill: habit,
};

const CORRECT: IntentDef = IntentDef {
    name: "file.open",
    skill: correct,
    ..general::CORRECTION
};

const FOLLOW: IntentDef = IntentDef {
    name: "file.search",
    templates: &[],
    templates_en: &[],
    cues: &[],
    patterns: &[
        (r"^(?:那|那么)?[^,]{1,12}呢$", 3),
        (r"^(?:what|how) about ", 3),
        // "那上个月改的有哪些", "只看今天建的": the last search, narrowed.
        (
            r"^(?:那|那么|只看|光看|就看)[^,]{1,12}(?:有哪些|是哪些|有什么|的)$",
            4,
        ),
        (r"^(?:只要|只留|只看|仅看|就要|只显示|只列)[^,]{1,14}$", 4),
        // "only those from today", "which of them did I edit", "narrow the list to …".
        (
            r"^(?:and |but |now )?(?:only|just) (?:the ones|those|them|these|the files)\b|\bthe ones (?:changed|modified|edited|updated|created|saved|from)\b|\b(?:which|what) of (?:those|them|these)\b|^narrow (?:it|that|them|those|this|the list|the results)\b|^which (?:ones )?(?:were|are|did)\b",
            4,
        ),
    ],
    skill: follow_up,
};

const EMAIL: IntentDef = IntentDef {
    name: "email.send",
    templates: &[
        r"^(?:把)?(?P<file>[^,]+?)(?:发邮件给|用邮件发给|通过邮件发给|邮件发给|邮件发送给)(?P<who>[^,]+)$",
        r"^发邮件给(?P<who>[^,]+)$",
        r"^给(?P<who>[^,]+?)发(?:一封|封)?邮件$",
        r"^email ?(?P<file>.+?) ?to (?P<who>[a-z ]+)$",
    ],
    templates_en: &[
        r"^email ?(?P<file>.+?) ?to (?P<who>[a-z ]+)$",
        r"^(?:send an )?email (?:to )?(?P<who>[a-z ]+)$",
    ],
    cues: &[
        ("邮件", 6),
        ("发邮件", 3),
        ("email", 6),
        ("e-mail", 6),
        ("mail it", 5),
    ],
    patterns: &[],
    skill: email_send,
};

/// Uploads as everywhere; the preset forms also name files, the PC's own data.
const DATA_UPLOAD: IntentDef = IntentDef {
    templates: &[
        r"^(?:把)?(?:我的)?(?P<kind>[^,]{0,6}?(?:通讯录|联系人|照片|相册|聊天记录|短信|文件))(?:上传|备份|同步)(?:到)?(?:网上|云端|云上|网盘|云盘|服务器)$",
    ],
    templates_en: &[
        r"^upload (?:all )?(?:my |the )?(?:staff )?(?P<kind>contacts|photos|messages|files)(?: to the (?:cloud|internet))?$",
    ],
    ..general::DATA_UPLOAD
};

const CALENDAR_FROM: IntentDef = IntentDef {
    name: "calendar.create",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("加到日程", 7),
        ("加入日程", 7),
        ("加进日程", 7),
        ("记到日程", 7),
        ("放进日程", 7),
        ("加到日历", 7),
        ("添加到日历", 7),
        ("加入日历", 7),
        ("add it to my calendar", 7),
        ("add this to my calendar", 7),
        ("to my calendar", 6),
    ],
    patterns: &[
        (
            r"(?:加|记|放|安排|添加|排|写)(?:到|进|入|在)(?:我的)?(?:日程|日历)",
            7,
        ),
        // "… in my calendar", "… on my schedule", "schedule …": the event taken from what a
        // file or a picture says (the skill needs one named).
        (r"\b(?:in|on|into|to) my (?:calendar|schedule|diary)\b", 7),
        (r"^(?:please )?schedule\b", 5),
    ],
    skill: calendar_from,
};

const FILE_SEARCH: IntentDef = IntentDef {
    name: "file.search",
    templates: &[
        r"^(?:搜索|查找|找一下|找)(?:文件)?(?:名字里有|名字中有|名称包含|名称里有|文件名包含|文件名里有)(?P<q>[^,]+?)(?:的文件|的文档)?$",
        r"^(?:搜索文件|查找文件)(?P<q>[^,]+)$",
    ],
    templates_en: &[
        r"^(?:search|find) (?:for )?files? (?:named |called |with )?(?P<q>[a-z0-9 ]+?)(?: in the name)?$",
    ],
    cues: &[
        ("搜索", 3),
        ("查找", 3),
        ("找一下", 3),
        ("找找", 3),
        ("找出", 3),
        ("找到", 2),
        ("在哪", 3),
        ("哪些", 2),
        ("有没有", 2),
        ("提到", 3),
        ("search", 3),
        ("find", 3),
        ("look for", 3),
        ("where is", 2),
    ],
    patterns: &[(FILE_WORDS, 3)],
    skill: file_search,
};

const FILE_OPEN: IntentDef = IntentDef {
    name: "file.open",
    // An English command naming a file in Chinese is mostly Chinese characters: both lists
    // take both forms.
    templates: &[
        r"^(?:打开)(?:文件|文档)?(?P<name>[^,]+)$",
        r"^open (?:the )?(?:file ?|document ?)?(?P<name>.+)$",
    ],
    templates_en: &[r"^open (?:the )?(?:file ?|document ?)?(?P<name>.+)$"],
    cues: &[
        ("打开", 2),
        ("调出", 2),
        ("看看", 1),
        ("open", 2),
        ("show me", 2),
        ("pull up", 3),
        ("bring up", 3),
        ("我要看", 3),
        ("给我看", 3),
    ],
    patterns: &[(FILE_WORDS, 3)],
    skill: file_open,
};

const CONTINUE: IntentDef = IntentDef {
    cues: more_cues!(
        general::HANDOFF.cues,
        &[("编辑", 3), ("carry on", 3), ("editing", 3)]
    ),
    // What is left of "挪到平板上接着写" once the device is taken out: a bare editing verb.
    patterns: &[(
        r"^(?:继续|接着)?(?:改|修改|编辑|写|弄)(?:一下|下|完|好)?$",
        4,
    )],
    skill: continue_there,
    ..general::HANDOFF
};

const DOC_CREATE: IntentDef = IntentDef {
    name: "doc.create",
    templates: &[
        r"^(?:新建|创建|建)(?:一个|一份|个)?(?:新的)?(?:空白)?(?:的)?(?P<kind>文档|word文档|表格|电子表格|excel表格|演示文稿|幻灯片|ppt)$",
    ],
    templates_en: &[
        r"^(?:create|make|new|open) (?:a )?(?:new )?(?:blank )?(?P<kind>document|spreadsheet|presentation|slide deck)$",
    ],
    cues: &[
        ("新建", 5),
        ("新开", 4),
        ("建个", 4),
        ("建一个", 4),
        ("新的", 2),
        ("新文档", 3),
        ("命名为", 3),
        ("名字叫", 3),
        ("标题是", 3),
        ("create", 4),
        ("new", 2),
        ("blank", 2),
    ],
    patterns: &[
        (r"(?:写|做|起草)(?:一份|个|一个)(?:新的)?", 3),
        // A new, blank or empty one of a kind of file, however asked for.
        (
            r"\b(?:new|blank|empty|fresh)\b[a-z ]{0,12}\b(?:document|doc|spreadsheet|sheet|presentation|slides|slide deck|deck)\b",
            6,
        ),
        (
            r"(?:开|建|来|弄|起)(?:个|一个|一份|份)(?:新的?|空白的?|空的)?(?:文档|表格|演示文稿|幻灯片|ppt)|(?:空白|全新|新)的?(?:word)?(?:文档|表格|演示文稿|幻灯片)",
            6,
        ),
    ],
    skill: doc_create,
};

const DOC_FORMAT: IntentDef = IntentDef {
    name: "doc.format",
    templates: &[
        r"^(?:把)?(?P<scope>这一段|这段|选中的文字|选中的内容|选中内容|这一行|这行|全文)(?:设为|设置为|设成|改成|改为|变成)(?P<style>加粗|粗体|斜体|下划线|高亮|标题)$",
    ],
    templates_en: &[
        r"^(?:make|set) (?P<scope>this paragraph|the selection|this line) (?P<style>bold|italic|underlined)$",
    ],
    cues: &[
        ("加粗", 5),
        ("粗体", 5),
        ("弄粗", 5),
        ("变粗", 5),
        ("斜体", 5),
        ("下划线", 5),
        ("划线", 4),
        ("高亮", 5),
        ("标亮", 5),
        ("bold", 5),
        ("italic", 5),
        ("underline", 5),
        ("highlight", 5),
    ],
    patterns: &[],
    skill: doc_format,
};

const SCREEN: IntentDef = IntentDef {
    name: "screen.capture",
    templates: &[r"^(?:截屏|截图|截个屏|截个图|截一下屏|截一下屏幕|屏幕截图|截取屏幕|截一张图)$"],
    templates_en: &[
        r"^(?:take a )?screenshot$",
        r"^capture (?:the |my |this )?screen$",
    ],
    cues: &[
        ("截屏", 6),
        ("截图", 6),
        ("截个", 5),
        ("截一下", 5),
        ("截一张", 5),
        ("屏幕拍下来", 6),
        ("保存当前屏幕", 6),
        ("screenshot", 6),
        ("screen grab", 6),
    ],
    // What is on the screen kept as a picture, however it is said.
    patterns: &[
        (
            r"(?:屏幕|画面|界面)[^,]{0,8}(?:存成|存为|存个|存下来|保存成|保存为|保存下来|截下来|拍下来|拍下)",
            7,
        ),
        (
            r"(?:存|保存|截)(?:一下|下)?(?:当前|现在)?的?(?:屏幕|画面|界面)",
            7,
        ),
        (
            r"\b(?:capture|snap|grab|save|shoot|keep)\b[a-z' ]{0,30}\bscreen\b|\bscreen\b[a-z' ]{0,24}\bas an? (?:image|picture|png|photo)\b",
            7,
        ),
    ],
    skill: screen_capture,
};

const WINDOW: IntentDef = IntentDef {
    name: "window.arrange",
    templates: &[r"^(?:显示|回到|返回|切换到|切到)桌面$|^最小化所有窗口$"],
    templates_en: &[r"^show (?:the )?desktop$"],
    cues: &[
        ("分屏", 6),
        ("并排", 6),
        ("左右", 3),
        ("一左一右", 6),
        ("最小化", 5),
        ("最大化", 5),
        ("桌面", 3),
        ("窗口", 3),
        ("side by side", 6),
        ("split screen", 6),
        ("desktop", 3),
        ("maximize", 5),
    ],
    patterns: &[
        (r"\bsplit\b", 5),
        (r"\b(?:next to|beside|alongside)\b", 3),
        // One app on each side: "左边…右边…", "X on the left and Y on the right".
        (
            r"左边[^,]{0,10}右边|\bon the left\b.{0,40}\bon the right\b",
            6,
        ),
        (r"\b(?:go|switch|back) to (?:the |my )?desktop\b", 6),
    ],
    skill: window_arrange,
};

const WEB: IntentDef = IntentDef {
    name: "web.search",
    templates: &[
        r"^(?:(?:在)?网上|上网|联网)(?:搜索|搜|查一下)(?P<q>.+)$|^百度一下(?P<q2>.+)$",
        r"^search the web for ?(?P<q>.+)$",
    ],
    templates_en: &[r"^search the web for ?(?P<q>.+)$"],
    cues: &[
        ("网上", 5),
        ("上网", 5),
        ("联网", 5),
        ("百度", 5),
        ("搜索引擎", 5),
        ("网页", 4),
        ("online", 4),
        ("the web", 5),
        ("internet", 4),
    ],
    patterns: &[],
    skill: web_search,
};

const SETTINGS: IntentDef = IntentDef {
    name: "settings.set",
    templates: &[
        r"^(?:把)?(?P<name>音量|屏幕亮度|亮度)(?:调到|调至|调成|设为|设置为|设置成|设成)(?P<value>.+)$",
        r"^(?P<op>打开|开启|关闭|关掉|关上|启用|停用)(?P<name>蓝牙|wifi|wi-fi|wlan|无线网络|无线网|勿扰模式|免打扰模式|免打扰|勿扰|省电模式|节能模式|飞行模式)$",
    ],
    templates_en: &[
        r"^set (?:the )?(?P<name>volume|brightness) to (?P<value>.+)$",
        r"^turn (?P<op>on|off) (?:the )?(?P<name>bluetooth|wi-fi|wifi|do not disturb|power saving mode)$",
    ],
    cues: general::PERSONAL_SETTINGS_WORDS,
    patterns: &[],
    skill: skills::settings_set,
};

const APP: IntentDef = IntentDef {
    name: "app.open",
    templates: &[r"^(?:打开|启动|运行)(?P<app>.+)$"],
    templates_en: &[r"^(?:open|launch|start) (?:the )?(?P<app>.+?)(?: app)?$"],
    cues: more_cues!(
        general::APP_WORDS,
        &[
            ("运行", 3),
            ("计算器", 3),
            ("浏览器", 3),
            ("终端", 3),
            ("记事本", 3),
            ("资源管理器", 3),
            ("文件管理器", 3),
            ("open", 2),
        ]
    ),
    patterns: &[],
    skill: skills::app_open,
};

const SUMMARIZE: IntentDef = IntentDef {
    cues: more_cues!(
        general::SUMMARIZE.cues,
        &[
            ("讲了什么", 5),
            ("说了什么", 5),
            ("写了什么", 5),
            ("讲的什么", 5),
            ("what does it say", 5),
        ]
    ),
    patterns: &[
        (r"\bwhat(?:'s| is) .+ about$", 5),
        // "sum it up", "sum the report up": the verb around its object.
        (r"\bsum\b[a-z ]{0,20}\bup\b", 6),
        (r"\bwhat does .+ (?:say|cover|contain)\b", 5),
    ],
    skill: doc_summarize,
    ..general::SUMMARIZE
};

/// Translation as everywhere, of the open document when nothing else is named.
const TRANSLATE: IntentDef = IntentDef {
    skill: doc_translate,
    ..general::TRANSLATE
};

const CHART: IntentDef = IntentDef {
    name: "chart.query",
    templates: &[],
    templates_en: &[],
    cues: &[
        ("最高", 4),
        ("最低", 4),
        ("最多", 4),
        ("最少", 4),
        ("卖得最好", 5),
        ("平均", 4),
        ("合计", 3),
        ("一共", 3),
        ("总共", 3),
        ("图表", 3),
        ("柱状图", 3),
        ("highest", 4),
        ("lowest", 4),
        ("best", 4),
        ("average", 4),
        ("total", 3),
        ("chart", 3),
    ],
    patterns: &[],
    skill: chart_query,
};

/// Apps a PC has: (id, names).
const APPS: &[(&str, &[&str])] = &[
    ("word", &["文字处理", "word"]),
    ("excel", &["excel", "电子表格软件"]),
    ("powerpoint", &["powerpoint"]),
    ("browser", &["浏览器", "browser", "edge", "chrome"]),
    (
        "file_manager",
        &["文件管理器", "资源管理器", "此电脑", "file explorer"],
    ),
    ("email", &["邮件", "邮箱", "outlook", "mail"]),
    ("calendar", &["日历", "calendar"]),
    ("calculator", &["计算器", "calculator"]),
    ("settings", &["设置", "控制面板", "settings"]),
    ("terminal", &["终端", "命令行", "terminal"]),
    ("notes", &["记事本", "便笺", "notepad"]),
    ("music", &["音乐", "music"]),
    ("camera", &["相机", "摄像头", "camera"]),
];

/// Order matters where preset templates overlap: settings ("打开无线网络") and files ("打开周报")
/// before apps ("打开计算器"); corrections and habits before the intents they talk about.
pub static PC: Category = Category {
    intents: &[
        &[CORRECT, HABIT],
        general::CLOCK_INTENTS,
        &[
            CALENDAR_FROM,
            CALENDAR,
            EMAIL,
            PAYMENT,
            DATA_DELETE,
            DATA_UPLOAD,
            FOLLOW,
            SETTINGS,
            DOC_CREATE,
            FILE_SEARCH,
            FILE_OPEN,
            CONTINUE,
            DOC_FORMAT,
            SCREEN,
            WINDOW,
            WEB,
            APP,
            TRANSLATE,
            SUMMARIZE,
            CHART,
        ],
        general::INFO_INTENTS,
        &[MEDIA, CHAT],
    ],
    apps: APPS,
    hand_off_media: None,
    sensitive: &["email.send"],
    events: &[events::MESSAGE, events::CALENDAR, events::BATTERY],
};

#[cfg(test)]
mod tests {

    use crate::device::protocol::ServedBy;
    use crate::sim::memory;
    use crate::sim::tests::{Sim, act};
    use crate::sim::turn::Lang;

    fn pc(level: u8) -> Sim {
        Sim::of("pc", level, Lang::Zh, 3).at("2026-05-08T10:00:00+08:00")
    }

    #[test]
    fn l3_narrows_the_last_search_and_makes_blank_files() {
        let mut p = Sim::of("pc", 3, Lang::En, 3).at("2026-05-08T10:00:00+08:00");
        p.say("look for files named 预算");
        let r = p.say("only the ones edited today");
        let a = act(&r, "file.search").unwrap_or_else(|| panic!("{r:?}"));
        assert_eq!(
            (a["query"].as_str(), a["modified_after"].as_str()),
            (Some("预算"), Some("2026-05-08"))
        );
        let r = p.say("I need a fresh spreadsheet");
        assert_eq!(
            act(&r, "doc.create").unwrap()["kind"],
            "spreadsheet",
            "{r:?}"
        );
        // At L2 a narrowing follow-up has nothing to narrow.
        let mut p = Sim::of("pc", 2, Lang::En, 3).at("2026-05-08T10:00:00+08:00");
        p.say("look for files named 预算");
        let r = p.say("only the ones edited today");
        assert!(
            act(&r, "file.search").is_none_or(|a| a["query"] != "预算"),
            "{r:?}"
        );
    }

    #[test]
    fn l1_opens_only_exact_names() {
        let mut p = pc(1);
        assert_eq!(
            act(&p.say("打开供应商报价单"), "file.open").unwrap()["name"],
            "供应商报价单.pdf"
        );
        assert!(act(&p.say("帮我把周会的会议记录文档打开"), "file.open").is_none());
        let mut p = pc(2);
        assert_eq!(
            act(&p.say("帮我把周会的会议记录文档打开"), "file.open").unwrap()["name"],
            "会议纪要_0506.docx"
        );
    }

    #[test]
    fn l2_finds_files_by_time_and_content() {
        let mut p = pc(2);
        let r = p.say("本周修改过的excel有哪几个");
        let args = act(&r, "file.search").unwrap();
        assert_eq!(args["kind"], "spreadsheet");
        assert!(r.text.contains("第二季度预算草案"), "{}", r.text);
        let r = p.say("有没有写着交货期的文档");
        assert!(r.text.contains("合同_华东客户"), "{}", r.text);
    }

    #[test]
    fn l3_chains_find_summarise_and_mail() {
        let mut p = pc(3);
        let r = p.say("把上周那份销售周报找出来，概括一下，然后用邮件发给刘洋");
        assert!(act(&r, "text.summarize").is_some(), "{r:?}");
        let draft = act(&r, "email.draft").unwrap();
        assert_eq!(draft["to"], "刘洋");
        assert_eq!(draft["attachments"][0], "销售报告_第18周.docx");
        assert!(r.needs_confirmation && act(&r, "email.send").is_none());
        assert!(act(&p.say("好的，确认"), "email.send").is_some());
    }

    #[test]
    fn pronouns_need_context() {
        let mut p = pc(2);
        p.say("打开会议纪要");
        assert!(act(&p.say("把这份文件概括一下"), "text.summarize").is_none());
        let mut p = pc(3);
        p.say("打开会议纪要");
        let r = p.say("把这份文件概括一下");
        assert_eq!(
            act(&r, "text.summarize").unwrap()["file"],
            "会议纪要_0506.docx"
        );
    }

    #[test]
    fn boss_from_memory_and_folder_habit() {
        let mut p = pc(3);
        p.dev.facts.push(memory::parse_fact("我的上司是陈静"));
        let r = p.say("把合同发邮件给我老板");
        assert_eq!(act(&r, "email.draft").unwrap()["to"], "陈静");
        let mut p = pc(4);
        let r = p.say("我建的表格一律放到财务文件夹");
        assert!(act(&r, "preference.set").is_some(), "{r:?}");
        assert_eq!(
            act(&p.say("帮我建个新表格"), "doc.create").unwrap()["folder"],
            "财务"
        );
        let mut p = pc(3);
        assert!(act(&p.say("我建的表格一律放到财务文件夹"), "preference.set").is_none());
    }

    #[test]
    fn corrections_are_learned_at_l4_only() {
        for (level, learned) in [(3, false), (4, true)] {
            let mut p = pc(level);
            assert_eq!(
                act(&p.say("把预算表调出来"), "file.open").unwrap()["name"],
                "第二季度预算草案.xlsx"
            );
            let r = p.say("不对，是年度的那个");
            assert_eq!(
                act(&r, "file.open").unwrap()["name"],
                "2026年度预算.xlsx",
                "{r:?}"
            );
            let again = act(&p.say("再把预算表调出来"), "file.open").unwrap()["name"].clone();
            assert_eq!(again == "2026年度预算.xlsx", learned, "level {level}");
            let draft = act(&p.say("打开第二季度预算草案"), "file.open").unwrap()["name"].clone();
            assert_eq!(draft, "第二季度预算草案.xlsx");
        }
    }

    #[test]
    fn web_search_needs_the_network() {
        let mut p = pc(2);
        p.dev.online = false;
        let r = p.say("上网查一下端侧大模型");
        assert!(r.actions.is_empty() && r.served == ServedBy::Device);
        p.dev.online = true;
        let r = p.say("上网查一下端侧大模型");
        assert_eq!(act(&r, "web.search").unwrap()["query"], "端侧大模型");
        assert_eq!(r.served, ServedBy::Cloud);
    }
}
