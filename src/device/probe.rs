//! `ailevel probe`: ask a device what it is and try each protocol operation once, so a lab
//! knows before a run which cases the device can take and which will be not applicable.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::protocol::{Control, Info, Input, SessionRequest};
use super::{Adapter, DeviceError, Profile};

/// How one operation went.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Works,
    /// 501, or the adapter cannot do it: cases needing it are not applicable.
    Unsupported,
    Failed(DeviceError),
    /// Not tried, because an earlier step failed.
    Skipped,
}

impl Outcome {
    fn of(r: Result<(), DeviceError>) -> Self {
        match r {
            Ok(()) => Outcome::Works,
            Err(DeviceError::Unsupported { .. }) => Outcome::Unsupported,
            Err(e) => Outcome::Failed(e),
        }
    }

    fn label(&self) -> String {
        match self {
            Outcome::Works => "works".into(),
            Outcome::Unsupported => "unsupported".into(),
            Outcome::Failed(e) => format!("FAILED: {e}"),
            Outcome::Skipped => "not tried".into(),
        }
    }
}

/// What the probe found.
#[derive(Debug, Clone)]
pub struct ProbeReport {
    pub info: Result<Info, DeviceError>,
    pub open_session: Outcome,
    /// A one-word turn, with the harness-measured time.
    pub turn: Outcome,
    pub turn_ms: Option<f64>,
    pub state: Outcome,
    pub close: Outcome,
    /// Each control op by wire name.
    pub controls: Vec<(&'static str, Outcome)>,
}

/// The ops tried, with harmless arguments; a final `reset` puts the device back.
fn control_ops(category: &str) -> Vec<Control> {
    vec![
        Control::Reset,
        Control::SetNetwork { online: true },
        Control::SetClock {
            now: "2026-06-01T09:00:00+08:00".into(),
        },
        Control::SetScene {
            scene: "home".into(),
            noise_db: None,
        },
        Control::SeedMemory { facts: Vec::new() },
        Control::LinkDevice {
            id: "ailevel-probe".into(),
            category: category.to_string(),
        },
    ]
}

async fn timed<T>(
    limit: Duration,
    fut: impl Future<Output = Result<T, DeviceError>>,
) -> Result<T, DeviceError> {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or(Err(DeviceError::Timeout {
            ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
        }))
}

/// Try every operation once, each bounded by `limit`. Never fails: what went wrong is in
/// the report.
pub async fn probe(dev: &dyn Adapter, limit: Duration) -> ProbeReport {
    let mut report = ProbeReport {
        info: timed(limit, dev.info()).await,
        open_session: Outcome::Skipped,
        turn: Outcome::Skipped,
        turn_ms: None,
        state: Outcome::Skipped,
        close: Outcome::Skipped,
        controls: Vec::new(),
    };
    let category = match &report.info {
        Ok(info) => info.category.clone(),
        Err(_) => return report,
    };
    let req = SessionRequest {
        locale: Some("zh-CN".into()),
        user: None,
        seed: Some(1),
    };
    match timed(limit, dev.open_session(&req)).await {
        Ok(session) => {
            report.open_session = Outcome::Works;
            let input = Input {
                text: Some("你好".into()),
                ..Input::default()
            };
            let t0 = Instant::now();
            report.turn = Outcome::of(timed(limit, dev.turn(&session, &input)).await.map(|_| ()));
            report.turn_ms = Some((t0.elapsed().as_secs_f64() * 10_000.0).round() / 10.0);
            report.state = Outcome::of(timed(limit, dev.state(&session)).await.map(|_| ()));
            report.close = Outcome::of(timed(limit, dev.close(&session)).await);
        }
        Err(e) => report.open_session = Outcome::Failed(e),
    }
    for op in control_ops(&category) {
        let outcome = Outcome::of(timed(limit, dev.control(&op)).await);
        report.controls.push((op.op_name(), outcome));
    }
    if report
        .controls
        .first()
        .is_some_and(|(_, o)| *o == Outcome::Works)
    {
        let _ = timed(limit, dev.control(&Control::Reset)).await;
    }
    report
}

impl ProbeReport {
    /// Why a run on this device cannot work, if it cannot.
    pub fn unusable(&self) -> Option<String> {
        match &self.info {
            Err(e) => return Some(format!("`info` failed: {e}")),
            Ok(info) if info.protocol != "atp/1" && !info.protocol.starts_with("atp/1.") => {
                return Some(format!("the device speaks `{}`, not atp/1", info.protocol));
            }
            Ok(_) => {}
        }
        for (name, outcome) in [
            ("opening a session", &self.open_session),
            ("a turn", &self.turn),
        ] {
            match outcome {
                Outcome::Failed(e) => return Some(format!("{name} failed: {e}")),
                Outcome::Unsupported => return Some(format!("{name} is not supported")),
                Outcome::Works | Outcome::Skipped => {}
            }
        }
        None
    }

    /// The report as text, for the terminal.
    pub fn render(&self, profile: &Profile) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "profile: {} {} ({}), adapter {}",
            profile.vendor,
            profile.model,
            profile.category,
            profile.adapter.kind()
        );
        match &self.info {
            Err(e) => {
                let _ = writeln!(s, "info: FAILED: {e}");
            }
            Ok(i) => {
                let _ = writeln!(
                    s,
                    "info: {} {} ({}, firmware {}), protocol {}",
                    i.vendor, i.model, i.category, i.firmware, i.protocol
                );
                let features = if i.features.is_empty() {
                    "(none reported)".to_string()
                } else {
                    i.features.join(", ")
                };
                let _ = writeln!(s, "  features: {features}");
                if let Some(m) = &i.model_info {
                    let place = if m.on_device {
                        "on device"
                    } else {
                        "not on device"
                    };
                    let _ = writeln!(s, "  model: {} {} ({place})", m.name, m.version);
                }
                if i.category != profile.category {
                    let _ = writeln!(
                        s,
                        "  note: the device reports category `{}`, the profile says `{}`",
                        i.category, profile.category
                    );
                }
            }
        }
        let _ = writeln!(s, "session: open {}", self.open_session.label());
        let ms = self
            .turn_ms
            .map(|m| format!(" ({m} ms)"))
            .unwrap_or_default();
        let _ = writeln!(s, "  turn {}{ms}", self.turn.label());
        let _ = writeln!(s, "  state {}", self.state.label());
        let _ = writeln!(s, "  close {}", self.close.label());
        let _ = writeln!(s, "control ops:");
        for (name, o) in &self.controls {
            let _ = writeln!(s, "  {name:<12} {}", o.label());
        }
        let working = self
            .controls
            .iter()
            .filter(|(_, o)| *o == Outcome::Works)
            .count();
        match self.unusable() {
            Some(why) => {
                let _ = writeln!(s, "not usable: {why}");
            }
            None => {
                let _ = writeln!(
                    s,
                    "usable: {working} of {} control ops work; cases needing the others will be not applicable",
                    self.controls.len()
                );
            }
        }
        s
    }
}
