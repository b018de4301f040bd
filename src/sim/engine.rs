//! The dialogue manager: turns one input into a reply, actions and state changes.
//!
//! What a level can do is a set of [`Caps`] derived from the configured level, and every
//! capability gate is one `if` on it — so the L1/L2/L3 verdicts of a run come from these
//! differences and nothing else. The security baseline (refusals, confirmation before
//! sensitive actions, content treated as data, on-device service when offline) sits outside
//! every gate.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde_json::{Value, json};

use super::events;
use super::memory;
use super::nlu;
use super::perception::{self, Heard, Seen};
use super::safety::{self, Harm};
use super::skills;
use super::turn::{
    Caps, Category, Ctx, Device, Expect, Frame, Grammar, Lang, Pending, Plan, Session, Who, action,
    say,
};
use crate::device::protocol::{Action, Event, Input, ServedBy};
use crate::world::directory::{self as world, Person};
use crate::world::state::{SettingKind, setting_def};

/// Actions every terminal that offers them confirms first, at every level: sending a message,
/// paying, deleting and uploading data. A category adds its own (`Category::sensitive`).
pub const SENSITIVE: &[&str] = &[
    "message.send",
    "payment.transfer",
    "data.delete",
    "data.upload",
];

/// The result of one turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    pub actions: Vec<Action>,
    pub needs_confirmation: bool,
    pub served: ServedBy,
}

#[derive(Debug, Default)]
struct Out {
    texts: Vec<String>,
    actions: Vec<Action>,
    confirm: Vec<Action>,
}

impl Out {
    fn say(&mut self, s: String) {
        if !s.is_empty() {
            self.texts.push(s);
        }
    }
}

static DESCRIBE: LazyLock<Regex> = LazyLock::new(|| {
    // "这是啥", "瞧瞧这玩意儿是啥", "what do you see": what is in the picture, however pointed at.
    Regex::new(r"^(?:你)?(?:帮我)?(?:看看|看一下|瞧瞧)?(?:这|这个|那|那个|我面前|我眼前|面前|眼前)(?:是|是个|有)(?:什么|啥)(?:东西|玩意儿|玩意)?(?:啊|呀)?$|^(?:图里有什么|图片里有什么|看看这个|描述一下|what(?: is|'s) (?:this|that|it|in front of me|ahead of me|in (?:the|this) (?:picture|photo))|what am i (?:looking at|seeing)|what (?:can|do) you see|describe (?:it|this|that|the picture|what you see))$").expect("compiles")
});
static LEARN_RULE: LazyLock<Regex> = LazyLock::new(|| {
    // The standing rule said first ("往后回答都用英语") or last ("reply in English from here on").
    Regex::new(r"^(?:以后|今后|从现在开始|从现在起|从今以后|从今往后|从今天起|往后|此后|from now on|from here on|going forward|from this point on)[,]?(?P<rule>.+)$|^(?P<last>.+?)[,]?(?:from now on|from here on|going forward|from this point on)$")
        .expect("compiles")
});
/// The rule in a "from now on …" request. "往后" also means "later on in the film" or "push it
/// later" ("往后跳一分钟", "往后推半小时"): a rule only when what follows is about how to behave.
fn learn_rule_text(text: &str) -> Option<String> {
    let c = LEARN_RULE.captures(text)?;
    if let Some(r) = c.name("rule") {
        let how = [
            "都", "回答", "回复", "跟我", "和我", "对我", "用", "说", "就", "每次", "只要",
        ];
        let later = text.starts_with("往后") && !how.iter().any(|w| r.as_str().starts_with(w));
        return (!later).then(|| r.as_str().to_string());
    }
    c.name("last").map(|r| r.as_str().to_string())
}
static CORRECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:不对|不是|错了|搞错了|no|wrong)[,]?(?:我说的是|我是说|我要的是|应该是|是|i said|i meant|i mean)?|我说的是|我是说|i meant|i said)[,]?(?P<x>.+)$").expect("compiles")
});
static REMEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:你)?(?:要|帮我|请)?(?:记住|记好了|记好|remember that|remember|keep in mind that|keep in mind|make a note that|make a note|note that|don't forget that)[,:]?(?P<f>.*)$|^(?P<g>.+?)[,]?(?:你)?(?:要|帮我|请)?(?:记住|记一下|记下来|记下|remember that|remember it|keep that in mind)(?:了|哦|啊|吧)?$|^(?:你)?(?:要|帮我|请)?(?:记一下|记下来|记下)(?:[,:](?P<h>.+))?$")
        .expect("compiles")
});
/// A question about what the user said before, by its shape rather than its topic: "remind me
/// which gate it is", "what locker did I tell you", "我跟你说的柜子是几号". Only a remembered
/// fact that answers it makes it one (else "remind me of the meeting" stays a reminder).
static RECALL_ASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:can you |could you )?remind me (?:of|where|which|what|who|how many|how much)\b|\b(?:did|have) i (?:tell|told|give|gave|mention|mentioned|say|said)\b|\bi (?:told|gave|mentioned)(?: to)? you\b|^(?:你)?(?:还)?记得我(?:说|讲|告诉你)|我(?:跟你|和你|给你|对你)?(?:说|讲|提|告诉你)(?:过|了)?的.{1,8}(?:是|在)(?:什么|啥|多少|几|哪)")
        .expect("compiles")
});
static MODIFY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:不对|不是|错了|算了|actually|no|sorry)[, ]*)?(?:那|那就|还是|就)?(?:把(?:它|这个|闹钟|提醒|日程|时间|倒计时))?(?:往后|往前|再)?(?:改成|改到|改为|改在|换成|换到|挪到|推到|调成|调到|推迟到|延后到|提前到|定到|定在|设成|设到|设在|(?:change|move|push|switch|set|put|shift|bump) (?:it|that|the alarm|the reminder|this) (?:to|for|until|at) |make (?:it|that) (?:for |at )?)(?P<x>[^,]+?)(?:吧|的|就行|就好|就可以|instead|please| )*$").expect("compiles")
});
static REDO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:不对|不是|错了)[, ]*)?(?:那|那就)?还是(?:定在|定到|设在|设到|改成|改到)?(?P<x>[^,]+?)(?:吧|好了|比较好)?(?:,(?:帮我)?(?:改一下|改下|改一改|改吧|换一下))?$").expect("compiles")
});
static SHIFT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:再|那就)?(?:把(?:它|闹钟|提醒|日程))?(?P<dir>推迟|延后|往后推|推后|晚|提前|早)(?P<d>[^,]+?)(?:吧)?$").expect("compiles")
});
static ANOTHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:再|另外|还要|还)(?:帮我)?(?:加|设|定|来|建|添)(?:一个|个|一条|条)(?P<x>.*)$|^(?P<w>[^,]+?)(?:也|再|还)(?:帮我)?(?:加|设|定|来|建|添|要)(?:一个|个|一条|条)(?:吧|的)?$|^(?:and |also |then )?(?:(?:add|set|make|i need|i want|give me) )?(?:another|one more)(?: one)?(?P<y>.*)$|^(?:and |also |then )?(?:add|set|make) one (?:more )?(?P<v>.*)$").expect("compiles")
});
static DELETE_LAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:取消|删掉|删除|不要)(?:它|这个|刚才那个|刚才的|刚刚那个|刚设的)(?:闹钟|提醒|日程|倒计时)?(?:了)?$|^(?:cancel|delete) (?:it|that)$").expect("compiles")
});
static MORE: LazyLock<Regex> = LazyLock::new(|| {
    // "再调高些", "声音再大一些", "亮度再低些": a little more of the same, the
    // setting named or left to the one just changed.
    // English moves the same way with a particle: "bring it up a notch", "take that down".
    Regex::new(r"^(?:把)?(?P<name>音量|声音|亮度)?(?:再)?(?:给我)?(?:调|开|弄|放)?(?:得)?(?P<dir>大|小|高|低|亮|暗|响|轻)(?:声)?(?:一)?(?:点|些)(?:儿)?$|^(?:(?:a )?(?:bit|little|touch|tad) )?(?P<en>louder|quieter|brighter|dimmer|higher|lower)(?: still)?(?: please)?$|^(?:please )?(?:turn|bring|put|take|push|crank) (?:it|that|this) (?P<en2>up|down)(?: (?:a (?:bit|little|touch|tad|notch)|a little|slightly|some))?(?: (?:more|further|still))?(?: please)?$|^(?:please )?(?P<en3>lower|raise) (?:it|that|this)(?: (?:a (?:bit|little|touch|tad|notch)|a little|slightly|some))?(?: please)?$").expect("compiles")
});
static ELLIPSIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:那|那么)?(?P<x>[^,]+?)(?:呢|怎么样呢|怎么样|怎么)$|^(?:what|how) about (?P<y>.+)$|^and (?P<z>.+)$").expect("compiles")
});
static CONDITIONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?P<pre>.*?)[,]?(?:如果|要是|假如|假设|\bif )(?P<cond>.+?)(?:的话)?[,]?(?:就|那就|那么|则|, ?then |, |,)(?P<then>.+?){COND_ELSE}$")).expect("compiles")
});
/// "过了十点的话就…", "十点已经过了就…": a condition marked by 的话 or by 了 before 就 alone,
/// possibly after a clause that only leads in ("看看时间，…").
static CONDITIONAL_DEHUA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[^,]*,)?(?P<cond>[^,]{{2,20}}?)(?:的话|了)[,]?(?:就|那就|那)(?P<then>.+?){COND_ELSE}$"
    ))
    .expect("compiles")
});
/// The condition asked as a question, the branches after it: "现在过七点了吗？过了就…，没过就…",
/// "is it after six? if so, … if not, …".
static CONDITIONAL_ASKED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[^,?]*,)?(?P<cond>[^,?]{{2,40}}?)\?\s*(?:(?:如果|要是)?(?:是|过|到|超过|对)了?(?:的话)?(?:就|那就)|if so\b,?|if yes\b,?|if it is\b,?|then\b,?)\s*(?P<then>.+?){COND_ELSE}$"
    ))
    .expect("compiles")
});
/// The other branch: "否则…", "不然…", or the condition denied ("没过就…", "要是还没到，…").
const COND_ELSE: &str = r"(?:[,;.]?\s*(?:否则|不然|要不然|要不|(?:要是|如果)?还?(?:没过|没到|不到)(?:的话)?[,]?(?:就)?|otherwise|else|if not,?)\s*[,]?\s*(?P<else>.+))?";
/// A request that opens with when it applies ("每当…", "every time …"), a habit and not a step.
static HABIT_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:每次|每当|每回|\b(?:whenever|every time|each time)\b)").expect("compiles")
});
static DEVICE_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    // The device by a preposition or verb ("转到我的眼镜上", "让电脑继续", "换平板"), or
    // put first as where it happens ("电视上来点歌"). English prepositions stay words right after
    // a Chinese name, once the spaces next to Han characters are folded away.
    Regex::new(r"(?:(?:在|用|去|交给|让|叫|换|(?:投屏|转|切|挪|移|换|接|传|发|投|放|同步)?到)(?:我的|我|家里的|家里|卧室的|厨房的|客厅的)?|(?-u:\b)on (?:the |my )?|(?-u:\b)to (?:the |my )?)(?P<d>客厅电视|电视|大屏|车上|车里|车机|汽车|音箱|电脑|平板|眼镜|耳机|\btv\b|television|\bcar\b|speaker|computer|laptop|glasses|earphones?)(?:上|里)?(?:继续|接着)?|^(?P<e>电视|大屏|音箱|电脑|平板)上|^(?P<c>车上|车里)|^(?:can |could |let |have )?(?:my |the )?(?P<f>glasses|phone|tv|speaker|computer|laptop|tablet|earphones?) (?:take over|continue|carry on)").expect("compiles")
});
static DEVICE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r",(?P<s>电视|大屏|音箱|电脑|平板|车机|眼镜|耳机)(?:上|里)?(?:来|给我)?")
        .expect("compiles")
});
static CURRENT_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:把)?(?:正在放的|正在播的|现在放的|现在播的|刚才的)?(?:这首歌|这首|歌|音乐|导航|路线|视频|节目|这部剧|这个|它)(?:继续|接着)?(?:放|播|播放|看|听|导)?$")
        .expect("compiles")
});
/// What is going on, moved in English: "switch the music over", "move this song", "the route".
static CURRENT_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:please )?(?:move|switch|transfer|send|put|shift|hand|pass|carry on with|continue|keep|play|take|throw|cast)(?: over)? )?(?:the |this |that |my )?(?:music|song|track|tune|audio|playback|navigation|route|directions|video|show|it|that|this)(?: over)?(?: playing| going)?(?: please)?$")
        .expect("compiles")
});
static BARE_SETUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:帮我|给我)?(?:设置|设定|设|弄|安排|搞|调)(?:一下|下)?$").expect("compiles")
});
/// A lead-in that only announces a question ("quick question: …", "我想问一下：…"): what
/// follows the colon is the request, not data.
static BARE_LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:i was|i'm|just) wondering|(?:a |one )?quick (?:question|one)|(?:one|a) (?:question|thing)|(?:can|could) you (?:check|tell me|help)|tell me|question|请问|问一下|问个问题|我想问(?:一下|下)?|打听一下|想问一下)$").expect("compiles")
});
static BARE_REPLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:回复|回个消息|回条消息|回消息|回复一下)(?P<rest>$|〔内容〕.*|说.*)")
        .expect("compiles")
});
static DICTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:嗯|好的|好|行|对|可以)[, ]*)?(?:你|那)?(?:就|帮我|给我|直接)?(?:回复|答复|回话|(?:回|告诉)(?:他|她|ta|对方)|(?:跟|和|对)(?:他|她|ta|对方)说|回(?:一下|下)|(?:就|直接)(?:回|说)|说)(?:他|她|ta|对方)?(?:一下|下|一声|声)?(?:说)?[,: ]*|^(?:(?:ok|yes|sure|yeah)[, ]+)?(?:just )?(?:tell (?:him|her|them)(?: that)?|reply(?: with| that)?|say(?: that)?|write back(?: that)?)(?:[,: ]+|$)")
        .expect("compiles")
});
static SERIAL_VERBS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<a>找出来|找到|找一下|打开)(?P<b>总结|概括|提炼|翻译|发给|发邮件)")
        .expect("compiles")
});
static SEND_TO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"发(?P<n>[\p{Han}]{2,3})$").expect("compiles"));
static OBLIGATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:我)?(?:要|得|该|记得|别忘了)").expect("compiles"));
static TIME_COND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<before>还没到|还不到|没到|还没过|没过|早于|\bbefore\b)|(?P<after>过了|超过|晚于|已经过|过|\bafter\b|\bpast\b)").expect("compiles")
});

/// The engine for one terminal: its level and its category's grammar.
pub struct Engine {
    pub caps: Caps,
    grammar: Grammar,
}

impl Engine {
    pub fn new(level: u8, category: &'static Category) -> Engine {
        Engine {
            caps: Caps::for_level(level),
            grammar: Grammar::new(category),
        }
    }

    pub fn respond(&self, dev: &mut Device, ses: &mut Session, input: &Input) -> Reply {
        let lang = match ses.learned.prefs.get("reply.lang").and_then(Value::as_str) {
            Some("en") if self.caps.learning => Lang::En,
            Some("zh") if self.caps.learning => Lang::Zh,
            _ => ses.lang,
        };
        let mut ctx = Ctx {
            caps: self.caps,
            grammar: &self.grammar,
            dev,
            ses,
            lang,
            served: ServedBy::Device,
        };
        let mut out = Out::default();
        if let Some(ev) = &input.event {
            self.on_event(&mut ctx, ev, &mut out);
        }
        let typed = input.text.as_deref().filter(|t| !t.trim().is_empty());
        let seen = input.image.as_ref().map(perception::see);
        let spoken = match (typed, &input.audio) {
            (None, Some(a)) => Some(perception::hear(self.caps, a)),
            _ => None,
        };
        let utterance = match &spoken {
            Some(Heard::Words(w)) => Some(w.clone()),
            Some(Heard::WakeOnly) => {
                let s = say!(
                    ctx,
                    ["我在，请说。", "嗯，我在听。"],
                    ["I'm listening.", "Yes? I'm here."]
                );
                out.say(s);
                None
            }
            // Not addressed to the terminal: it does not react at all.
            Some(Heard::NotWoken) => None,
            Some(Heard::TooNoisy) => {
                let s = say!(
                    ctx,
                    ["抱歉，周围太吵了，我没有听清，请再说一遍。"],
                    ["Sorry, it's too noisy here; I didn't catch that. Please say it again."]
                );
                out.say(s);
                None
            }
            Some(Heard::Unreadable) => {
                let s = say!(
                    ctx,
                    ["抱歉，没有听清，请再说一遍。"],
                    ["Sorry, I didn't catch that. Please say it again."]
                );
                out.say(s);
                None
            }
            None => typed.map(str::to_string),
        };
        match (utterance, seen) {
            (_, Some(None)) => {
                let s = say!(
                    ctx,
                    ["抱歉，这张图片我无法识别。"],
                    ["Sorry, I can't make out this picture."]
                );
                out.say(s);
            }
            (Some(u), seen) => {
                let t = nlu::normalize(&u);
                if t.is_empty() {
                    out.say(listening(&mut ctx));
                } else {
                    self.on_text(&mut ctx, &u, &t, seen.flatten(), &mut out);
                }
            }
            (None, Some(Some(seen))) => {
                let s = describe_picture(&mut ctx, &seen);
                out.say(s);
            }
            (None, None) if spoken.is_some() || input.event.is_some() => {}
            (None, None) => {
                out.say(listening(&mut ctx));
            }
        }
        if !out.confirm.is_empty() {
            let prompt = self.confirm_prompt(&mut ctx, &out.confirm);
            out.say(prompt);
            ctx.ses.pending = Some(Pending::Confirm(std::mem::take(&mut out.confirm)));
            return Reply {
                text: out.texts.join(" "),
                actions: out.actions,
                needs_confirmation: true,
                served: if ctx.dev.online {
                    ctx.served
                } else {
                    ServedBy::Device
                },
            };
        }
        Reply {
            text: out.texts.join(" "),
            actions: out.actions,
            needs_confirmation: false,
            served: if ctx.dev.online {
                ctx.served
            } else {
                ServedBy::Device
            },
        }
    }

    // ------------------------------------------------------------------ text

    /// Handle what the user said or typed; `seen` is a picture that came with it, whose text is
    /// content like quoted text.
    fn on_text(&self, ctx: &mut Ctx, raw: &str, text: &str, seen: Option<Seen>, out: &mut Out) {
        if let Some(p) = ctx.ses.pending.take()
            && self.answer_pending(ctx, p, raw, text, out)
        {
            return;
        }
        let (instruction, content) = nlu::split_content(text);
        let content = content.map(|c| original_content(raw, &c));
        let mut instruction = nlu::strip_courtesy(&instruction);
        let mut content = content;
        // "设置一下：X": a bare "set it up" before the colon makes X the request, not data.
        if ctx.caps.paraphrase
            && (BARE_SETUP.is_match(&instruction) || BARE_LEAD_IN.is_match(&instruction))
            && let Some(c) = content.take()
        {
            instruction = nlu::strip_courtesy(&nlu::normalize(&c));
        }
        let instruction = if ctx.caps.paraphrase {
            nlu::colloquial(&instruction)
        } else {
            instruction
        };
        if let Some(seen) = &seen
            && DESCRIBE.is_match(&instruction)
        {
            let s = describe_picture(ctx, seen);
            out.say(s);
            return;
        }
        let content = content.or_else(|| seen.map(|s| s.text).filter(|t| !t.is_empty()));
        if let Some(harm) = safety::harmful(&instruction) {
            let s = refusal(ctx, harm);
            out.say(s);
            return;
        }
        if let Some(rule) = learn_rule_text(&instruction) {
            if !self.category_habit(ctx, &instruction, out) {
                self.learn_rule(ctx, &rule, out);
            }
            return;
        }
        if ctx.caps.context
            && let Some(c) = CORRECTION.captures(&instruction)
            && self.correct(ctx, &c["x"], out)
        {
            return;
        }
        if let Some(c) = REMEMBER.captures(&instruction) {
            if self.category_note(ctx, &instruction, content.clone(), out) {
                return;
            }
            let said = c
                .name("f")
                .or_else(|| c.name("g"))
                .or_else(|| c.name("h"))
                .map_or("", |m| m.as_str());
            let fact = content.clone().unwrap_or_else(|| said.trim().to_string());
            // "记着，今后路线都别走收费站": a habit to learn, not a fact to recall.
            if self.caps.learning && self.category_habit(ctx, &fact, out) {
                return;
            }
            if let Some(rule) = learn_rule_text(&fact) {
                self.learn_rule(ctx, &rule, out);
                return;
            }
            if !fact.is_empty() {
                self.remember(ctx, &fact, out);
                return;
            }
        }
        if RECALL_ASK.is_match(&instruction) && retell_recalled(ctx, &instruction, out) {
            return;
        }
        if self.handle_request(ctx, &instruction, content, out) {
            ctx.ses.context.last_utterance = Some(instruction);
            return;
        }
        if nlu::is_question(&instruction) && retell_recalled(ctx, &instruction, out) {
            return;
        }
        let s = say!(
            ctx,
            [
                "抱歉，我没有听懂，请换个说法试试。",
                "抱歉，我没有理解你的意思。"
            ],
            [
                "Sorry, I didn't understand that.",
                "Sorry, I'm not sure what you mean."
            ]
        );
        out.say(s);
    }

    /// Handle a request (not an answer to a question). False when it was not understood.
    fn handle_request(
        &self,
        ctx: &mut Ctx,
        instruction: &str,
        content: Option<String>,
        out: &mut Out,
    ) -> bool {
        let mut instr = instruction.to_string();
        let mut target = None;
        // "车上导航到…" said first names the car only when one is linked: in the car itself,
        // "车里好热" is about where the wearer sits.
        if let Some(m) = DEVICE_PHRASE
            .captures_iter(&instr)
            .find(|m| m.name("c").is_none() || ctx.dev.links.iter().any(|l| l.category == "car"))
        {
            let whole = m.get(0).map_or("", |w| w.as_str()).to_string();
            let category = device_category(
                m.name("d")
                    .or_else(|| m.name("e"))
                    .or_else(|| m.name("c"))
                    .or_else(|| m.name("f"))
                    .map_or("", |x| x.as_str()),
            );
            if self.caps.collaboration {
                match ctx.dev.links.iter().find(|l| l.category == category) {
                    Some(l) => {
                        target = Some(l.id.clone());
                        instr = instr.replacen(&whole, "", 1);
                        // "把歌转到音箱上，我们到家了": the clause naming what is going on is
                        // the request; the others only say why. "move the music (to …)": in
                        // English the moving verb stays with what is moved.
                        let moved = |c: &str| CURRENT_REF.is_match(c) || CURRENT_EN.is_match(c);
                        if (instr.split(',').count() > 1 || CURRENT_EN.is_match(instr.trim()))
                            && instr.split(',').any(|c| moved(c.trim()))
                            && self.hand_off_current(ctx, l.id.clone(), out)
                        {
                            return true;
                        }
                    }
                    None => {
                        let what = category_words(category, ctx.en());
                        let s = say!(
                            ctx,
                            ["没有找到已连接的{what}，请先完成设备互联。"],
                            ["I can't find a linked {what}. Please link it first."]
                        );
                        out.say(s);
                        return true;
                    }
                }
            }
        }
        // "体育新闻，音箱来放": a linked device as the subject of a later clause.
        if target.is_none()
            && self.caps.collaboration
            && let Some(m) = DEVICE_SUBJECT.captures(&instr)
            && let Some(l) = ctx
                .dev
                .links
                .iter()
                .find(|l| l.category == device_category(&m["s"]))
        {
            target = Some(l.id.clone());
            let whole = m.get(0).map_or("", |w| w.as_str()).to_string();
            instr = instr.replacen(&whole, ",", 1);
        }
        // "牌子上的内容发韩梅梅": a contact right after the send verb is whom it goes to.
        if let Some(c) = SEND_TO.captures(&instr)
            && world::contact_exact(&c["n"]).is_some()
        {
            instr = SEND_TO.replace(&instr, "发给$n").into_owned();
        }
        if self.caps.context {
            if let Some(plan) = self.follow_up(ctx, &instr) {
                return self.execute(ctx, plan, out);
            }
            instr = substitute_pronoun(ctx, &instr);
        }
        if self.caps.multi_step
            && self.multi_step(ctx, &instr, content.clone(), target.clone(), out)
        {
            return true;
        }
        let plan = self.understand(ctx, &instr, content, target.clone());
        if plan == Plan::NotUnderstood
            && let Some(t) = target
        {
            return self.hand_off_current(ctx, t, out);
        }
        self.execute(ctx, plan, out)
    }

    /// Understand one single-intent request.
    fn understand(
        &self,
        ctx: &mut Ctx,
        instr: &str,
        content: Option<String>,
        target: Option<String>,
    ) -> Plan {
        let base = Frame {
            text: instr.to_string(),
            content,
            target,
            ..Frame::default()
        };
        let mut free = Plan::NotUnderstood;
        if self.caps.paraphrase {
            for (def, _) in self.grammar.rank(instr) {
                free = (def.skill)(ctx, &base);
                if free != Plan::NotUnderstood {
                    break;
                }
            }
            if matches!(free, Plan::Act { .. } | Plan::Answer(_)) {
                return free;
            }
        }
        // Preset commands, Chinese or English by the utterance: the only way in at L1. Higher
        // levels fall back on them, so every level understands what the one below does.
        let english = !nlu::mostly_cjk(instr);
        let mut answer = Plan::NotUnderstood;
        for (def, slots) in self.grammar.presets(instr, english) {
            let frame = Frame {
                slots,
                strict: true,
                ..base.clone()
            };
            let plan = (def.skill)(ctx, &frame);
            // A preset that acts beats a free reading that only asked back, and beats another
            // reading of the same words that only answered (an app not found, say).
            if matches!(plan, Plan::Act { .. }) {
                return plan;
            }
            if answer == Plan::NotUnderstood {
                answer = plan;
            }
        }
        if free == Plan::NotUnderstood {
            answer
        } else {
            free
        }
    }

    /// Whether `name` waits for the user's confirmation on this terminal.
    fn sensitive(&self, name: &str) -> bool {
        SENSITIVE.contains(&name) || self.grammar.category.sensitive.contains(&name)
    }

    /// Carry out a plan: act (sensitive actions wait for confirmation), answer or ask.
    fn execute(&self, ctx: &mut Ctx, plan: Plan, out: &mut Out) -> bool {
        match plan {
            Plan::Act { actions, say } => {
                let (sensitive, now): (Vec<Action>, Vec<Action>) =
                    actions.into_iter().partition(|a| self.sensitive(&a.name));
                let any_now = !now.is_empty();
                for a in now {
                    self.perform(ctx, a, out);
                }
                if any_now || sensitive.is_empty() {
                    out.say(say);
                }
                out.confirm.extend(sensitive);
                true
            }
            Plan::Answer(s) => {
                out.say(s);
                true
            }
            Plan::Ask { say, expect } => {
                out.say(say);
                if self.caps.context {
                    ctx.ses.pending = Some(Pending::Ask(expect));
                }
                true
            }
            Plan::NotUnderstood => false,
        }
    }

    /// Apply an action to the state and remember what it was about.
    fn perform(&self, ctx: &mut Ctx, a: Action, out: &mut Out) {
        let next_id = ctx.ses.state.peek_id();
        let photo_id = ctx.ses.state.next_photo_id();
        ctx.ses.state.apply(&a, &mut ctx.ses.settings);
        let c = &mut ctx.ses.context;
        let arg = |k: &str| a.args.get(k).and_then(Value::as_str).map(str::to_string);
        let (domain, verb) = a.name.split_once('.').unwrap_or((&a.name, ""));
        if a.target.is_none() {
            match (domain, verb) {
                (kind, "create" | "start") if crate::world::state::item_list(kind).is_some() => {
                    c.last_item = Some((kind.to_string(), next_id));
                }
                ("call", "dial") | ("message", "send") | ("payment", "transfer") => {
                    let name = arg("contact").or_else(|| arg("to")).unwrap_or_default();
                    c.last_person = Some(Person {
                        name,
                        number: arg("number"),
                    });
                }
                ("photo", "capture") => {
                    c.last_photo = Some(photo_id);
                    c.last_topic = Some("photo");
                }
                ("photo", "edit") => c.last_topic = Some("photo"),
                ("text", "translate" | "summarize") => c.last_topic = Some("text"),
                ("settings", "set") => c.last_setting = arg("name"),
                ("weather", "query") => c.last_query = Some((a.name.clone(), a.args.clone())),
                ("memory", "save") => {
                    if let Some(f) = arg("fact") {
                        ctx.ses.facts.push(memory::parse_fact(&f));
                    }
                }
                _ => {}
            }
            if let Some(d) =
                arg("date").and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            {
                c.last_date = Some(d);
            }
        }
        out.actions.push(a);
    }

    // ------------------------------------------------------------------ pending answers

    fn answer_pending(
        &self,
        ctx: &mut Ctx,
        p: Pending,
        raw: &str,
        text: &str,
        out: &mut Out,
    ) -> bool {
        match p {
            Pending::Confirm(actions) => match nlu::yes_no(text) {
                Some(true) => {
                    let done = self.done_text(ctx, &actions);
                    for a in actions {
                        self.perform(ctx, a, out);
                    }
                    out.say(done);
                    true
                }
                Some(false) => {
                    let s = say!(
                        ctx,
                        ["好的，已取消，不会执行。", "好的，已取消。"],
                        ["OK, cancelled. Nothing was done.", "Cancelled."]
                    );
                    out.say(s);
                    true
                }
                None => false,
            },
            Pending::Offer { actions, done } => match nlu::yes_no(text) {
                Some(true) => self.execute(ctx, Plan::Act { actions, say: done }, out),
                Some(false) => {
                    let s = say!(
                        ctx,
                        ["好的。", "好的，有需要随时叫我。"],
                        ["OK.", "OK, just ask if you need me."]
                    );
                    out.say(s);
                    true
                }
                None => false,
            },
            Pending::Ask(expect) => {
                if nlu::yes_no(text) == Some(false) {
                    // A mode that listens on ("〔同传〕", the earphone's interpreting) reads a
                    // decline that says more ("不用了，都关掉") itself: it may end the mode.
                    if let Expect::Slot { utterance } = &expect
                        && utterance.starts_with('〔')
                        && text.chars().count() > 4
                    {
                        let joined = nlu::normalize(&format!("{utterance} {text}"));
                        let plan = self.understand(ctx, &joined, None, None);
                        if matches!(plan, Plan::Act { .. }) {
                            return self.execute(ctx, plan, out);
                        }
                    }
                    let s = say!(ctx, ["好的，已取消。"], ["OK, cancelled."]);
                    out.say(s);
                    return true;
                }
                self.answer_ask(ctx, expect, raw, text, out)
            }
        }
    }

    fn answer_ask(
        &self,
        ctx: &mut Ctx,
        expect: Expect,
        raw: &str,
        text: &str,
        out: &mut Out,
    ) -> bool {
        match expect {
            Expect::Person { utterance, phrase } => {
                let Who::Found(p, _) = ctx.find_person(text) else {
                    return false;
                };
                if self.caps.learning && world::contact_exact(&phrase).is_none() {
                    learn_alias(ctx, &phrase, &p);
                }
                let redo = utterance.replacen(&phrase, &p.name, 1);
                self.handle_request(ctx, &redo, None, out)
            }
            Expect::Body { to } => {
                // "就说…", "回复…", "跟她说…", "tell her …": the words that pass the reply on are
                // no part of it; with nothing after them ("行，帮我回") they only agree to reply.
                let dictated = DICTATION.find(text).map(|m| text[m.end()..].trim());
                let dictated = dictated.filter(|rest| {
                    // "就回家了": 回 is the verb of the reply itself.
                    let own_verb = text[..text.len() - rest.len()].trim_end().ends_with('回')
                        && rest.starts_with(['家', '来', '去']);
                    // "回复李四说…" names someone else: a request of its own.
                    let someone_else = world::CONTACTS.iter().any(|c| rest.starts_with(c.name));
                    !own_verb && !someone_else
                });
                // "回她个电话": answering the message by calling back, not a reply to dictate.
                let calls_back = self
                    .grammar
                    .rank(text)
                    .first()
                    .is_some_and(|(d, _)| d.name == "call.dial");
                let dictated = dictated.filter(|_| !calls_back);
                if nlu::yes_no(text) == Some(true)
                    || dictated
                        .is_some_and(|r| r.trim_matches(['吧', '啊', '呀', '哦', '嘛']).is_empty())
                {
                    let name = to.name.clone();
                    let s = say!(
                        ctx,
                        ["好的，要回复{name}什么？"],
                        ["OK, what should I reply to {name}?"]
                    );
                    out.say(s);
                    ctx.ses.pending = Some(Pending::Ask(Expect::Body { to }));
                    return true;
                }
                let body = match dictated {
                    Some(rest) => original_content(raw, rest),
                    // A full request ("给他回个消息说…") is handled as one, not taken as the text.
                    None if !self.grammar.rank(text).is_empty() => return false,
                    None => raw.trim().to_string(),
                };
                let plan = skills::message_plan(ctx, &to, &body, Vec::new());
                self.execute(ctx, plan, out)
            }
            Expect::Slot { utterance } => {
                let joined = format!("{utterance} {text}");
                let joined = nlu::normalize(&joined);
                let plan = self.understand(ctx, &joined, None, None);
                self.execute(ctx, plan, out)
            }
        }
    }

    fn confirm_prompt(&self, ctx: &mut Ctx, actions: &[Action]) -> String {
        let parts: Vec<String> = actions.iter().map(|a| describe(ctx, a)).collect();
        let what = parts.join(if ctx.en() { "; " } else { "；" });
        say!(
            ctx,
            [
                "{what}。确认执行吗？请回复“确认”或“取消”。",
                "{what}。需要确认后才会执行，请说“确认”或“取消”。"
            ],
            [
                "{what}. Shall I proceed? Say \"confirm\" or \"cancel\".",
                "{what}. I need your confirmation first: say \"confirm\" or \"cancel\"."
            ]
        )
    }

    fn done_text(&self, ctx: &mut Ctx, actions: &[Action]) -> String {
        let parts: Vec<String> = actions.iter().map(|a| done(ctx, a)).collect();
        parts.join(if ctx.en() { " " } else { "；" })
    }

    // ------------------------------------------------------------------ L3: context

    /// A follow-up that only makes sense against what came before.
    fn follow_up(&self, ctx: &mut Ctx, instr: &str) -> Option<Plan> {
        let last_item = ctx.ses.context.last_item.clone();
        if let Some((kind, id)) = &last_item {
            let list = crate::world::state::item_list(kind)?;
            let item = ctx
                .ses
                .state
                .list(list)
                .iter()
                .find(|i| i.get("id") == Some(&json!(id)))
                .cloned();
            if let Some(item) = item {
                if let Some(c) = MODIFY.captures(instr) {
                    return skills::update_item(ctx, kind, *id, &item, &c["x"], None);
                }
                // "还是八点一刻吧，帮我改下": the new time is what "还是" names.
                if let Some(c) = REDO.captures(instr)
                    && nlu::find_when(&c["x"], ctx.now()).is_some()
                {
                    return skills::update_item(ctx, kind, *id, &item, &c["x"], None);
                }
                if let Some(c) = SHIFT.captures(instr) {
                    let secs = nlu::find_duration(&c["d"])? as i64;
                    let sign = if matches!(&c["dir"], "提前" | "早") {
                        -1
                    } else {
                        1
                    };
                    return skills::update_item(ctx, kind, *id, &item, "", Some(sign * secs));
                }
                if DELETE_LAST.is_match(instr) {
                    let a = action(&format!("{kind}.delete"), json!({ "id": id }));
                    let s = say!(ctx, ["好的，已删除刚才设置的项目。"], ["OK, I deleted it."]);
                    return Some(Plan::act(a, s));
                }
                if let Some(c) = ANOTHER.captures(instr) {
                    let x = c
                        .name("x")
                        .or_else(|| c.name("w"))
                        .or_else(|| c.name("y"))
                        .or_else(|| c.name("v"))
                        .map_or("", |m| m.as_str())
                        .trim_end_matches('的');
                    let intent = match kind.as_str() {
                        "alarm" => "alarm.create",
                        "reminder" => "reminder.create",
                        "timer" => "timer.start",
                        _ => "calendar.create",
                    };
                    let text = match kind.as_str() {
                        "reminder" => format!(
                            "{x}提醒我{}",
                            item.get("text").and_then(Value::as_str).unwrap_or("")
                        ),
                        "calendar" => format!(
                            "{x}{}",
                            item.get("title").and_then(Value::as_str).unwrap_or("")
                        ),
                        _ => x.to_string(),
                    };
                    // "七点二十再来一个": another one on the same day as the last, unless a day is said.
                    let text = match item.get("date").and_then(Value::as_str) {
                        Some(d)
                            if kind == "alarm"
                                && nlu::find_when(&text, ctx.now())
                                    .is_none_or(|w| w.date.is_none() && w.offset.is_none()) =>
                        {
                            let today = ctx.now().date();
                            match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                                Ok(d) if d == today + chrono::Duration::days(1) => {
                                    if text.is_ascii() {
                                        format!("{text} tomorrow")
                                    } else {
                                        format!("明天{text}")
                                    }
                                }
                                Ok(d) if d != today && !text.is_ascii() => {
                                    format!("{}月{}日{text}", d.month(), d.day())
                                }
                                _ => text,
                            }
                        }
                        _ => text,
                    };
                    let def = self.grammar.intent(intent)?;
                    let plan = (def.skill)(
                        ctx,
                        &Frame {
                            text,
                            ..Frame::default()
                        },
                    );
                    return (plan != Plan::NotUnderstood).then_some(plan);
                }
            }
        }
        if let Some(c) = MORE.captures(instr)
            && let Some(name) = ctx.ses.context.last_setting.clone()
            && setting_def(&name).is_some_and(|d| d.kind == SettingKind::Level)
            && c.name("name").is_none_or(|n| {
                crate::world::state::find_setting(n.as_str()).is_some_and(|d| d.name == name)
            })
        {
            let dir = c
                .name("dir")
                .or_else(|| c.name("en"))
                .or_else(|| c.name("en2"))
                .or_else(|| c.name("en3"))
                .map_or("", |m| m.as_str());
            let up = matches!(
                dir,
                "大" | "高" | "亮" | "响" | "louder" | "brighter" | "higher" | "up" | "raise"
            );
            return Some(skills::settings_delta(
                ctx,
                &name,
                if up { 10 } else { -10 },
            ));
        }
        if let Some(c) = ELLIPSIS.captures(instr)
            && let Some((intent, args)) = ctx.ses.context.last_query.clone()
            && intent == "weather.query"
        {
            let x = c
                .name("x")
                .or_else(|| c.name("y"))
                .or_else(|| c.name("z"))
                .map_or("", |m| m.as_str());
            let city = world::find_city(x);
            let date = nlu::find_when(x, ctx.now()).and_then(|w| w.date);
            if city.is_none() && date.is_none() {
                return None;
            }
            let city = city
                .map(str::to_string)
                .or_else(|| args.get("city").and_then(Value::as_str).map(str::to_string))?;
            let date = date.or_else(|| {
                args.get("date")
                    .and_then(Value::as_str)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            })?;
            return Some(skills::weather_plan(ctx, &city, date, false));
        }
        None
    }

    /// Several steps in one request, possibly with a condition. Steps are tried on a copy of
    /// the device; the copy is kept only when every step was understood.
    fn multi_step(
        &self,
        ctx: &mut Ctx,
        instr: &str,
        content: Option<String>,
        target: Option<String>,
        out: &mut Out,
    ) -> bool {
        // The asked form first: its "if so" / "if not" would read as conditions of their own.
        let (prefix, cond) = match CONDITIONAL_ASKED
            .captures(instr)
            .or_else(|| CONDITIONAL.captures(instr))
            .or_else(|| CONDITIONAL_DEHUA.captures(instr))
        {
            Some(c) => {
                let pre = c.name("pre").map_or("", |m| m.as_str());
                let mut pre = pre.trim_end_matches(',').to_string();
                let mut cond = c["cond"].to_string();
                // "十点要是已经过了": the time said before the condition is its subject.
                if TIME_COND.is_match(&cond)
                    && nlu::find_when(&cond, ctx.now()).is_none()
                    && nlu::find_when(&pre, ctx.now()).is_some()
                {
                    cond = format!("{pre}{cond}");
                    pre.clear();
                }
                let otherwise = c.name("else").map(|m| m.as_str().to_string());
                (pre, Some((cond, c["then"].to_string(), otherwise)))
            }
            None => (instr.to_string(), None),
        };
        // "把报告找出来总结下": two verbs back to back are two steps.
        let prefix = SERIAL_VERBS.replace_all(&prefix, "$a,$b");
        let mut steps: Vec<String> = Vec::new();
        for s in nlu::split_steps(&prefix) {
            // "提醒我一下，要给客户回电话": what one must do is the reminder's text, not a step.
            match steps.last_mut() {
                Some(last) if last.contains("提醒") && OBLIGATION.is_match(&s) => {
                    last.push(',');
                    last.push_str(&s);
                }
                _ => steps.push(s),
            }
        }
        if cond.is_none() && steps.len() < 2 {
            return false;
        }
        // "whenever I open the map, show traffic": a clause of when, then what — one habit.
        if cond.is_none() && HABIT_LEAD.is_match(&steps[0]) {
            return false;
        }
        // "把X译一下，译为中文": one tool asked about one content twice is one request; so is
        // the price of two items of one list ("how much are A and B together").
        let tops: Vec<Option<&str>> = steps
            .iter()
            .map(|s| self.grammar.rank(s).first().map(|(d, _)| d.name))
            .collect();
        if cond.is_none()
            && tops.iter().all(|t| *t == tops[0])
            && matches!(
                tops[0],
                Some("text.translate" | "text.summarize" | "vision.price")
            )
        {
            return false;
        }
        // "早上好，日语咋说": a clause that asks nothing of the device, then a translation or
        // summary with no text of its own, is that clause asked about: one request.
        if cond.is_none()
            && steps.len() == 2
            && matches!(tops[1], Some("text.translate" | "text.summarize"))
            && matches!(tops[0], None | Some("chat.reply"))
        {
            return false;
        }
        let content_step = content.as_ref().map(|_| {
            steps
                .iter()
                .position(|s| s.contains(nlu::CONTENT_MARK))
                .or_else(|| {
                    steps.iter().position(|s| {
                        self.grammar.rank(s).first().is_some_and(|(d, _)| {
                            matches!(d.name, "text.translate" | "text.summarize" | "message.send")
                        })
                    })
                })
                .unwrap_or(0)
        });
        if self.run_steps(ctx, &steps, content_step, &cond, &content, &target, out) {
            return true;
        }
        // Text after a colon at the end ("…，再设个明早八点的提醒：带伞") belongs to the step
        // just before the colon when the first step could not use it.
        let last = steps.len().checked_sub(1);
        content_step.is_some()
            && last.is_some()
            && content_step != last
            && self.run_steps(ctx, &steps, last, &cond, &content, &target, out)
    }

    /// Run the steps (and the condition) on a copy of the device; keep it when all succeed.
    #[allow(clippy::too_many_arguments)]
    fn run_steps(
        &self,
        ctx: &mut Ctx,
        steps: &[String],
        content_step: Option<usize>,
        cond: &Option<(String, String, Option<String>)>,
        content: &Option<String>,
        target: &Option<String>,
        out: &mut Out,
    ) -> bool {
        let mut dev = ctx.dev.clone();
        let mut ses = ctx.ses.clone();
        let mut sub = Ctx {
            caps: ctx.caps,
            grammar: ctx.grammar,
            dev: &mut dev,
            ses: &mut ses,
            lang: ctx.lang,
            served: ctx.served,
        };
        let mut sub_out = Out::default();
        for (i, step) in steps.iter().enumerate() {
            let c = if Some(i) == content_step {
                content.clone()
            } else {
                None
            };
            if !self.step(&mut sub, step, c, target.clone(), &mut sub_out) {
                return false;
            }
        }
        if let Some((cond, then, otherwise)) = cond.clone() {
            let Some(holds) = self.condition(&mut sub, &cond) else {
                return false;
            };
            match (holds, otherwise) {
                (true, _) => {
                    for s in nlu::split_steps(&then) {
                        if !self.step(&mut sub, &s, None, target.clone(), &mut sub_out) {
                            return false;
                        }
                    }
                }
                (false, Some(e)) => {
                    for s in nlu::split_steps(&e) {
                        if !self.step(&mut sub, &s, None, target.clone(), &mut sub_out) {
                            return false;
                        }
                    }
                }
                (false, None) => {
                    let s = say!(
                        sub,
                        ["条件不满足，所以没有执行“{then}”。"],
                        ["The condition does not hold, so I did not \"{then}\"."]
                    );
                    sub_out.say(s);
                }
            }
        }
        // Two clauses about the same thing ("冷死了，卧室像冰窖", "太暗了，调亮点",
        // "讲了什么，提炼下要点") are one request: of actions on the same thing only the last
        // is kept (the state already shows it).
        let acts = std::mem::take(&mut sub_out.actions);
        for (i, a) in acts.iter().enumerate() {
            if !acts[i + 1..].iter().any(|b| same_thing(a, b)) {
                sub_out.actions.push(a.clone());
            }
        }
        let served = sub.served;
        *ctx.dev = dev;
        *ctx.ses = ses;
        ctx.served = served;
        out.texts.extend(sub_out.texts);
        out.actions.extend(sub_out.actions);
        out.confirm.extend(sub_out.confirm);
        true
    }

    fn step(
        &self,
        ctx: &mut Ctx,
        step: &str,
        content: Option<String>,
        target: Option<String>,
        out: &mut Out,
    ) -> bool {
        let mut step = nlu::strip_courtesy(step);
        // "heater on, and shut the boot": each step may name its thing first.
        if ctx.caps.paraphrase
            && let Some(t) = nlu::switch_named_first(&step)
        {
            step = t;
        }
        // "然后发李雷": a contact right after the send verb is whom it goes to.
        if let Some(who) = step.strip_prefix('发')
            && world::contact_exact(who).is_some()
        {
            step = format!("发给{who}");
        }
        let plan = self.understand(ctx, &step, content, target);
        if matches!(plan, Plan::NotUnderstood | Plan::Ask { .. }) {
            return false;
        }
        self.execute(ctx, plan, out)
    }

    /// Whether a condition holds: the time now, or the weather looked up earlier.
    fn condition(&self, ctx: &mut Ctx, cond: &str) -> Option<bool> {
        if let Some(c) = TIME_COND.captures(cond) {
            let w = nlu::find_when(cond, ctx.now())?;
            let (h, m) = match (w.clock, w.period) {
                (Some((h, m)), Some(p)) => {
                    let probe = nlu::When {
                        date: Some(ctx.now().date()),
                        period: Some(p),
                        clock: Some((h, m)),
                        offset: None,
                    };
                    let (_, h, m) = probe.resolve(ctx.now())?;
                    (h, m)
                }
                (Some(hm), None) => hm,
                _ => return None,
            };
            let now = ctx.now();
            let now_min = chrono::Timelike::hour(&now) * 60 + chrono::Timelike::minute(&now);
            let past = now_min >= h * 60 + m;
            return Some(if c.name("after").is_some() {
                past
            } else {
                !past
            });
        }
        let rain_words = ["下雨", "有雨", "会下雨", "rain"];
        if rain_words.iter().any(|w| cond.contains(w)) {
            let negated = [
                "不下雨",
                "没有雨",
                "不会下雨",
                "doesn't rain",
                "does not rain",
            ]
            .iter()
            .any(|w| cond.contains(w));
            let rain = match ctx.ses.context.last_forecast.clone() {
                Some((_, _, rain)) => rain,
                None => {
                    let city = world::find_city(cond).or_else(|| skills::home_city(ctx))?;
                    let date = nlu::find_when(cond, ctx.now())
                        .and_then(|w| w.date)
                        .unwrap_or(ctx.now().date());
                    world::forecast(city, date).rain
                }
            };
            return Some(rain != negated);
        }
        None
    }

    // ------------------------------------------------------------------ L3: memory

    fn remember(&self, ctx: &mut Ctx, fact: &str, out: &mut Out) {
        if !self.caps.memory {
            let s = say!(
                ctx,
                ["抱歉，我目前还不能记住你的个人信息。"],
                ["Sorry, I can't remember personal information yet."]
            );
            out.say(s);
            return;
        }
        let told = memory::retell(fact, ctx.en());
        let s = say!(
            ctx,
            ["好的，我记住了：{told}。", "记下了：{told}。"],
            [
                "Got it, I'll remember: {told}.",
                "OK, I'll remember that {told}."
            ]
        );
        self.execute(
            ctx,
            Plan::act(action("memory.save", json!({ "fact": fact })), s),
            out,
        );
    }

    // ------------------------------------------------------------------ L4: learning, hand-off

    fn learn_rule(&self, ctx: &mut Ctx, rule: &str, out: &mut Out) {
        if let Some(s) = ctx.cannot_learn() {
            out.say(s);
            return;
        }
        let has = |ws: &[&str]| ws.iter().any(|w| rule.contains(w));
        // A kind of road named is about routes too ("stay off toll roads from now on").
        let (key, value, zh, en) = if has(&[
            "导航", "路线", "开车", "navigat", "route", "driv", "高速", "收费", "highway",
            "motorway", "toll", "road",
        ]) {
            let avoid = if has(&["高速", "highway", "motorway"]) {
                "highway"
            } else if has(&["拥堵", "堵车", "traffic", "congestion"]) {
                "congestion"
            } else if has(&["收费", "toll"]) {
                "toll"
            } else {
                return self.cannot_learn(ctx, out);
            };
            (
                "nav.avoid",
                json!([avoid]),
                format!("以后导航都会避开{}", avoid_zh(avoid)),
                format!("routes will avoid {avoid} from now on"),
            )
        } else if has(&["英文", "英语", "english"]) {
            (
                "reply.lang",
                json!("en"),
                "以后用英文回复你".to_string(),
                "I'll reply in English from now on".to_string(),
            )
        } else if has(&["中文", "汉语", "chinese"]) {
            (
                "reply.lang",
                json!("zh"),
                "以后用中文回复你".to_string(),
                "I'll reply in Chinese from now on".to_string(),
            )
        } else {
            return self.cannot_learn(ctx, out);
        };
        let learned = ctx.learn(key, value);
        let s = say!(ctx, ["好的，记住了：{zh}。"], ["OK, noted: {en}."]);
        self.execute(ctx, Plan::act(learned, s), out);
    }

    /// A habit the category's own table knows ("以后外国片都开中文字幕" on a TV): its
    /// `preference.set` intents are asked first when the words rank them at all.
    fn category_habit(&self, ctx: &mut Ctx, text: &str, out: &mut Out) -> bool {
        self.caps.learning && self.category_act(ctx, "preference.set", text, None, out)
    }

    /// "记住这个站台" with a picture: a category that sees declares how it keeps what is in
    /// view (its `memory.save` intents), so the fact says what the wearer meant, not only
    /// the picture's text.
    fn category_note(
        &self,
        ctx: &mut Ctx,
        text: &str,
        content: Option<String>,
        out: &mut Out,
    ) -> bool {
        self.caps.memory
            && content.is_some()
            && self.category_act(ctx, "memory.save", text, content, out)
    }

    /// The category's own intents named `name`, tried in rank order; the first that takes
    /// that action is carried out.
    fn category_act(
        &self,
        ctx: &mut Ctx,
        name: &str,
        text: &str,
        content: Option<String>,
        out: &mut Out,
    ) -> bool {
        let frame = Frame {
            text: text.to_string(),
            content,
            ..Frame::default()
        };
        for (def, _) in self.grammar.rank(text) {
            if def.name != name {
                continue;
            }
            let plan = (def.skill)(ctx, &frame);
            if let Plan::Act { actions, .. } = &plan
                && actions.iter().any(|a| a.name == name)
            {
                return self.execute(ctx, plan, out);
            }
        }
        false
    }

    fn cannot_learn(&self, ctx: &mut Ctx, out: &mut Out) {
        let s = say!(
            ctx,
            ["抱歉，这个习惯我还学不会。"],
            ["Sorry, I can't learn that habit yet."]
        );
        out.say(s);
    }

    /// "不对，我说的是李四": redo the last request with the corrected person or time. At L4
    /// the correction is also learned.
    fn correct(&self, ctx: &mut Ctx, x: &str, out: &mut Out) -> bool {
        let Some(last) = ctx.ses.context.last_utterance.clone() else {
            return false;
        };
        if let Who::Found(p, _) = ctx.find_person(x)
            && let Some(phrase) = ctx
                .ses
                .context
                .last_person_phrase
                .clone()
                .or_else(|| phrase_for_last_person(ctx, &last))
            && phrase != p.name
        {
            if self.caps.learning && world::contact_exact(&phrase).is_none() {
                learn_alias(ctx, &phrase, &p);
            }
            ctx.ses.pending = None;
            let redo = last.replacen(&phrase, &p.name, 1);
            return self.handle_request(ctx, &redo, None, out);
        }
        if let Some(plan) = self.follow_up(ctx, &format!("改成{x}")) {
            return self.execute(ctx, plan, out);
        }
        false
    }

    /// "把这个投到电视上": continue the current media or route on a linked device.
    fn hand_off_current(&self, ctx: &mut Ctx, target: String, out: &mut Out) -> bool {
        let current = if !ctx.ses.state.media.is_null() {
            Some(("media.play", ctx.ses.state.media.clone()))
        } else if !ctx.ses.state.navigation.is_null() {
            Some(("nav.route", ctx.ses.state.navigation.clone()))
        } else {
            None
        };
        let Some((task, args)) = current else {
            return false;
        };
        if task == "media.play"
            && let Some(hand_off) = self.grammar.category.hand_off_media
        {
            let plan = hand_off(ctx, target);
            return self.execute(ctx, plan, out);
        }
        let mut a = action("device.handoff", json!({ "task": task, "args": args }));
        a.target = Some(target.clone());
        let s = say!(
            ctx,
            ["好的，已转到{target}上继续。"],
            ["OK, continuing on {target}."]
        );
        self.execute(ctx, Plan::act(a, s), out)
    }

    // ------------------------------------------------------------------ events

    /// The category's handler for the event's kind; a kind it does not declare is only
    /// noticed.
    fn on_event(&self, ctx: &mut Ctx, ev: &Event, out: &mut Out) {
        let category = self.grammar.category;
        match category
            .events
            .iter()
            .find(|d| d.kinds.contains(&ev.kind.as_str()))
        {
            Some(def) => {
                for s in (def.handle)(ctx, ev) {
                    out.say(s);
                }
            }
            None => {
                let s = events::unknown(ctx, ev);
                out.say(s);
            }
        }
    }
}

/// What a picture shows, in words.
/// A terminal with memory answers a question about something it was told with what it was
/// told; `false` when memory is off or nothing stored answers it.
fn retell_recalled(ctx: &mut Ctx, instruction: &str, out: &mut Out) -> bool {
    if !ctx.caps.memory {
        return false;
    }
    let Some(f) = memory::recall(&ctx.facts(), instruction).cloned() else {
        return false;
    };
    let told = memory::retell(&f.text, ctx.en());
    let s = say!(
        ctx,
        ["你之前告诉过我：{told}。", "我记得：{told}。"],
        ["You told me: {told}.", "From what you told me: {told}."]
    );
    out.say(s);
    true
}

fn describe_picture(ctx: &mut Ctx, seen: &Seen) -> String {
    let en = ctx.en();
    let objects: Vec<&str> = seen
        .objects
        .iter()
        .map(|o| {
            if en {
                o.as_str()
            } else {
                perception::object_zh(o)
            }
        })
        .collect();
    let things = objects.join(if en { ", " } else { "、" });
    let text = &seen.text;
    let mut parts = Vec::new();
    if !things.is_empty() {
        parts.push(say!(
            ctx,
            ["图片里有：{things}。"],
            ["I can see: {things}."]
        ));
    }
    if !text.is_empty() {
        parts.push(say!(
            ctx,
            ["上面写着：“{text}”。"],
            ["It says: \"{text}\"."]
        ));
    }
    if parts.is_empty() {
        parts.push(say!(
            ctx,
            ["这张图片里没有我能认出的内容。"],
            ["I can't recognise anything in this picture."]
        ));
    }
    parts.join(if en { " " } else { "" })
}

/// Quoted content in its original spelling (normalisation lower-cases; content is shown back).
fn original_content(raw: &str, normalized: &str) -> String {
    let folded: String = raw.chars().take(nlu::MAX_INPUT_CHARS).collect();
    let folded =
        unicode_normalization::UnicodeNormalization::nfkc(folded.as_str()).collect::<String>();
    let lower = folded.to_lowercase();
    // Lower-casing may change a character's byte length while the total stays equal, so the
    // offset found in `lower` is only trusted when it slices `folded` to the same text.
    if lower.len() == folded.len()
        && let Some(pos) = lower.find(normalized)
        && let Some(original) = folded.get(pos..pos + normalized.len())
        && original.to_lowercase() == normalized
    {
        return original.to_string();
    }
    normalized.to_string()
}

fn substitute_pronoun(ctx: &Ctx, instr: &str) -> String {
    let Some(p) = ctx.ses.context.last_person.clone() else {
        return instr.to_string();
    };
    // "回复：我二十分钟到": a reply with no one named goes to whoever wrote last.
    if let Some(rest) = BARE_REPLY.captures(instr).map(|c| c["rest"].to_string()) {
        return format!("回复{}{rest}", p.name);
    }
    super::turn::PRONOUN_PERSON
        .replace(instr, |c: &regex::Captures| {
            let m = &c[0];
            let verb = m
                .trim_end_matches("对方")
                .trim_end_matches(['他', '她'])
                .trim_end_matches("ta")
                .trim_end_matches("him")
                .trim_end_matches("her");
            format!("{verb}{}", p.name)
        })
        .into_owned()
}

fn phrase_for_last_person(ctx: &Ctx, last: &str) -> Option<String> {
    let p = ctx.ses.context.last_person.as_ref()?;
    last.contains(&p.name).then(|| p.name.clone())
}

fn learn_alias(ctx: &mut Ctx, phrase: &str, p: &Person) {
    ctx.ses.learned.aliases.retain(|(a, _)| a != phrase);
    ctx.ses
        .learned
        .aliases
        .push((phrase.to_string(), p.clone()));
}

fn avoid_zh(a: &str) -> &'static str {
    match a {
        "highway" => "高速",
        "congestion" => "拥堵路段",
        _ => "收费路段",
    }
}

/// Whether two actions act on the same thing: the same action and target, and the same
/// values for the keys that name what is acted on (or all the same arguments when none does).
fn same_thing(a: &Action, b: &Action) -> bool {
    const IDENTITY: &[&str] = &[
        "device",
        "room",
        "zone",
        "window",
        "seat",
        "name",
        "contact",
        "to",
        "destination",
        "file",
        "text",
    ];
    if a.name != b.name || a.target != b.target {
        return false;
    }
    let keys: Vec<&&str> = IDENTITY
        .iter()
        .filter(|k| a.args.contains_key(**k) || b.args.contains_key(**k))
        .collect();
    if keys.is_empty() {
        return a.args == b.args;
    }
    keys.iter().all(|k| a.args.get(**k) == b.args.get(**k))
}

fn device_category(word: &str) -> &'static str {
    match word {
        "客厅电视" | "电视" | "大屏" | "tv" | "television" => "tv",
        "车上" | "车里" | "车机" | "汽车" | "car" => "car",
        "音箱" | "speaker" => "speaker",
        "电脑" | "平板" | "computer" | "laptop" => "pc",
        "眼镜" | "glasses" => "glasses",
        _ => "earphone",
    }
}

fn category_words(category: &str, en: bool) -> &'static str {
    match (category, en) {
        ("tv", false) => "电视",
        ("tv", true) => "TV",
        ("car", false) => "车机",
        ("car", true) => "car",
        ("speaker", false) => "音箱",
        ("speaker", true) => "speaker",
        ("pc", false) => "电脑",
        ("pc", true) => "computer",
        ("glasses", false) => "眼镜",
        ("glasses", true) => "glasses",
        (_, false) => "耳机",
        (_, true) => "earphones",
    }
}

fn refusal(ctx: &mut Ctx, harm: Harm) -> String {
    match harm {
        Harm::Suicide => say!(
            ctx,
            [
                "听起来你现在很难受。我不能提供这方面的方法，但你并不孤单：请联系身边信任的人或当地心理援助热线，情况紧急请拨打120或110。"
            ],
            [
                "It sounds like you're going through a lot. I can't help with that, but you're not alone: please reach out to someone you trust or a local crisis line, and call emergency services if you're in danger."
            ]
        ),
        _ => say!(
            ctx,
            [
                "抱歉，这个请求可能造成伤害或违法，我不能提供帮助。",
                "抱歉，我不能协助可能危害他人或违反法律的请求。"
            ],
            [
                "Sorry, I can't help with that: it could cause harm or break the law.",
                "Sorry, I can't assist with requests that could hurt people or break the law."
            ]
        ),
    }
}

fn kind_words(kind: &str, en: bool) -> &str {
    match (kind, en) {
        ("photos", false) => "照片",
        ("notes", false) => "备忘录",
        ("chats", false) => "聊天记录",
        ("call_log", false) => "通话记录",
        ("messages", false) => "短信",
        ("contacts", false) => "联系人",
        ("files", false) => "文件",
        ("call_log", true) => "call history",
        (k, _) => k,
    }
}

/// The answer to a turn that asks nothing: the terminal is listening.
fn listening(ctx: &mut Ctx) -> String {
    say!(
        ctx,
        ["我在，请问有什么可以帮你？", "请说出你的需求。"],
        ["I'm here. What can I do for you?", "I'm listening."]
    )
}

/// An argument of an action as text ("" when absent), for what the terminal says about it.
fn arg_text(a: &Action, k: &str) -> String {
    a.args
        .get(k)
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_default()
}

/// What a sensitive action will do, for the confirmation question.
fn describe(ctx: &mut Ctx, a: &Action) -> String {
    let s = |k: &str| arg_text(a, k);
    let (to, body, amount, kind) = (s("to"), s("body"), s("amount"), s("kind"));
    let attached = a
        .args
        .get("attachments")
        .and_then(Value::as_array)
        .is_some_and(|v| !v.is_empty());
    let kind = kind_words(&kind, ctx.en()).to_string();
    match a.name.as_str() {
        "message.send" if attached && body.is_empty() => say!(
            ctx,
            ["即将把照片发送给{to}"],
            ["About to send the photo to {to}"]
        ),
        "message.send" if attached => say!(
            ctx,
            ["即将给{to}发送照片和消息：“{body}”"],
            ["About to send {to} the photo with: \"{body}\""]
        ),
        "message.send" => say!(
            ctx,
            ["即将给{to}发送短信：“{body}”", "将向{to}发送消息：“{body}”"],
            [
                "About to text {to}: \"{body}\"",
                "I'll send {to} this message: \"{body}\""
            ]
        ),
        "payment.transfer" => say!(
            ctx,
            ["即将向{to}转账{amount}元"],
            ["About to transfer {amount} yuan to {to}"]
        ),
        "data.delete" => say!(
            ctx,
            ["即将删除全部{kind}，删除后无法恢复"],
            ["About to delete all {kind}; this cannot be undone"]
        ),
        "data.upload" => say!(
            ctx,
            ["即将把你的{kind}上传到云端，其中包含个人隐私信息"],
            ["About to upload your {kind} to the cloud; they contain personal information"]
        ),
        name => say!(ctx, ["即将执行{name}"], ["About to run {name}"]),
    }
}

fn done(ctx: &mut Ctx, a: &Action) -> String {
    let s = |k: &str| arg_text(a, k);
    let (to, amount, kind) = (s("to"), s("amount"), s("kind"));
    let kind = kind_words(&kind, ctx.en()).to_string();
    match a.name.as_str() {
        "message.send" => say!(
            ctx,
            ["已发送给{to}。", "消息已发送给{to}。"],
            ["Sent to {to}.", "Your message to {to} is sent."]
        ),
        "payment.transfer" => say!(
            ctx,
            ["已向{to}转账{amount}元。"],
            ["Transferred {amount} yuan to {to}."]
        ),
        "data.delete" => say!(ctx, ["已删除全部{kind}。"], ["Deleted all {kind}."]),
        "data.upload" => say!(ctx, ["已上传{kind}。"], ["Uploaded your {kind}."]),
        _ => say!(ctx, ["已完成。"], ["Done."]),
    }
}
