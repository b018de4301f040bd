//! Planning a run: which cases apply to the device, how many trials each gets, which need
//! the device to themselves. All of this is decided once, before the first trial.

use crate::device::Profile;
use std::collections::BTreeMap;

use crate::device::protocol::{Control, Event, Input, Media};
use crate::results::FixtureData;
use crate::suite::model::{CaseInput, Check, Framework, MediaRef, Mode, SetupOp};
use crate::suite::{LoadedCase, LoadedSuite};

/// One case as it will be run.
#[derive(Debug, Clone)]
pub struct PlannedCase {
    pub loaded: LoadedCase,
    /// `Err(reason)` when the case does not apply to this device.
    pub applicable: Result<(), crate::msg::Message>,
    pub trials: u32,
    /// Whether the runner switches the network off first (end-side cases).
    pub offline: bool,
}

impl PlannedCase {
    /// Trials with setup change device-wide state, so they run alone, between resets.
    pub fn exclusive(&self) -> bool {
        self.offline || !self.loaded.case.setup.is_empty()
    }

    /// Control ops to send after a reset, before the session opens, with a trial's
    /// parameter row filled in.
    pub fn setup(&self, row: &crate::suite::params::Row) -> Vec<Control> {
        let mut ops = Vec::new();
        if self.offline {
            ops.push(Control::SetNetwork { online: false });
        }
        ops.extend(
            self.loaded
                .case
                .setup
                .iter()
                .map(|op| setup_control(&crate::suite::params::fill_setup(op, row))),
        );
        ops
    }
}

/// Cases of the device's category and `common`, in suite order, with applicability decided
/// by the profile's features — except that a category's required features count as present:
/// a mandatory case cannot be dodged by declaring less.
/// Cases with `judge` checks apply only when a judge is configured (`judge`).
pub fn plan(
    suite: &LoadedSuite,
    profile: &Profile,
    trials_override: Option<u32>,
    judge: bool,
) -> Vec<PlannedCase> {
    let fw = &suite.framework;
    let required: &[String] = fw
        .categories
        .iter()
        .find(|c| c.id == profile.category)
        .map_or(&[], |c| &c.required_features);
    suite
        .cases
        .iter()
        .filter(|lc| lc.category == crate::suite::COMMON || lc.category == profile.category)
        .map(|lc| {
            let case = &lc.case;
            let missing: Vec<&str> = case
                .features
                .iter()
                .filter(|f| !profile.features.contains(f) && !required.contains(f))
                .map(String::as_str)
                .collect();
            let needs_judge = case
                .turns
                .iter()
                .flat_map(|t| &t.expect)
                .any(|c| matches!(c, Check::Judge(_)));
            let refused = refused_inputs(profile, &case.turns);
            let needs_served_by = case
                .turns
                .iter()
                .flat_map(|t| &t.expect)
                .any(|c| matches!(c, Check::ServedBy(_)));
            let applicable = if !missing.is_empty() {
                Err(crate::msg::NEEDS_FEATURES.with("features", missing.join(", ")))
            } else if !refused.is_empty() {
                Err(crate::msg::INPUT_REFUSED
                    .with("inputs", refused.join(" + "))
                    .with("taken", taken_inputs(profile)))
            } else if needs_served_by && !reports_served_by(profile) {
                Err(crate::msg::NEEDS_SERVED_BY.msg())
            } else if needs_judge && !judge {
                Err(crate::msg::NEEDS_JUDGE.msg())
            } else {
                Ok(())
            };
            let trials = trials_override
                .or(case.trials)
                .or_else(|| level_default_trials(fw, &case.level))
                .unwrap_or(1)
                .max(1);
            PlannedCase {
                loaded: lc.clone(),
                applicable,
                trials,
                offline: case.mode == Mode::EndSide,
            }
        })
        .collect()
}

/// The media a case sends that the device's endpoint does not take (`openai` profiles
/// declare what they take; every other device is sent what the case has).
fn refused_inputs(profile: &Profile, turns: &[crate::suite::model::CaseTurn]) -> Vec<&'static str> {
    use crate::device::profile::MediaInput;
    let crate::device::AdapterConfig::Openai(cfg) = &profile.adapter else {
        return Vec::new();
    };
    [
        (
            MediaInput::Audio,
            turns.iter().any(|t| t.input.audio.is_some()),
        ),
        (
            MediaInput::Image,
            turns.iter().any(|t| t.input.image.is_some()),
        ),
    ]
    .into_iter()
    .filter(|(kind, sent)| *sent && !cfg.takes(*kind))
    .map(|(kind, _)| kind.as_str())
    .collect()
}

/// Whether turns say where they were served: a chat endpoint cannot, so an `openai` profile
/// must declare it; every other device reports it per turn (and is checked on what it says).
fn reports_served_by(profile: &Profile) -> bool {
    match &profile.adapter {
        crate::device::AdapterConfig::Openai(cfg) => cfg.served_by.is_some(),
        _ => true,
    }
}

fn taken_inputs(profile: &Profile) -> String {
    match &profile.adapter {
        crate::device::AdapterConfig::Openai(cfg) => cfg
            .inputs_taken()
            .iter()
            .map(|i| format!("\"{i}\""))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

fn level_default_trials(fw: &Framework, level: &str) -> Option<u32> {
    fw.levels
        .iter()
        .find(|l| l.id == level)
        .map(|l| l.default_trials)
}

fn setup_control(op: &SetupOp) -> Control {
    match op.clone() {
        SetupOp::SetNetwork { online } => Control::SetNetwork { online },
        SetupOp::SetClock { now } => Control::SetClock { now },
        SetupOp::SetScene { scene, noise_db } => Control::SetScene { scene, noise_db },
        SetupOp::SeedMemory { facts } => Control::SeedMemory { facts },
        SetupOp::LinkDevice { id, category } => Control::LinkDevice { id, category },
    }
}

/// The protocol input for a case turn in the run's locale, and the same input as recorded
/// in results (media data replaced by a `sha256:` reference to `Results::fixtures`).
pub fn input_for(
    input: &CaseInput,
    locale: &str,
    fixtures: &BTreeMap<String, FixtureData>,
) -> (Input, Input) {
    let text = match (locale.starts_with("en"), &input.text_en) {
        (true, Some(en)) => Some(en.first().to_string()),
        _ => input.text.as_ref().map(|p| p.first().to_string()),
    };
    let media = |m: &Option<MediaRef>, full: bool| {
        m.as_ref()
            .and_then(|m| fixtures.get(&m.file))
            .map(|f| Media {
                format: f.format.clone(),
                data_b64: if full {
                    f.data_b64.to_string()
                } else {
                    format!("sha256:{}", f.sha256)
                },
            })
    };
    let event = input.event.as_ref().map(|e| Event {
        kind: e.kind.clone(),
        data: e.data.clone(),
    });
    let sent = Input {
        text: text.clone(),
        audio: media(&input.audio, true),
        image: media(&input.image, true),
        event: event.clone(),
    };
    let recorded = Input {
        text,
        audio: media(&input.audio, false),
        image: media(&input.image, false),
        event,
    };
    (sent, recorded)
}
