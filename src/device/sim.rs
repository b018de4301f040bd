//! The `sim` adapter: the reference simulator ([`crate::sim`]) behind the [`Adapter`] trait.
//! This is the only place the harness touches the simulator.

use async_trait::async_trait;

use super::protocol::{Control, Info, Input, ModelInfo, SessionRequest, Turn};
use super::{Adapter, DeviceError, Profile, SessionId};
use crate::device::profile::SimConfig;
use crate::sim::{SimError, Simulator, parse_level};

/// The simulated terminal a `[adapter] kind = "sim"` profile describes.
pub struct SimAdapter {
    info: Info,
    sim: Simulator,
}

impl SimAdapter {
    pub fn new(profile: &Profile, cfg: &SimConfig, seed: u64) -> SimAdapter {
        let info = Info {
            protocol: "atp/1".into(),
            vendor: profile.vendor.clone(),
            model: profile.model.clone(),
            category: profile.category.clone(),
            firmware: profile.firmware.clone(),
            features: profile.features.clone(),
            model_info: Some(ModelInfo {
                name: "ailevel-sim".into(),
                version: crate::HARNESS_VERSION.into(),
                on_device: true,
            }),
            // What a real terminal's build fingerprint identifies: maker, product, build.
            build_fingerprint: Some(format!(
                "ailevel/sim-{}/{}:{}",
                profile.category,
                cfg.level.to_ascii_lowercase(),
                profile.firmware
            )),
            serial: None,
        };
        SimAdapter {
            info,
            sim: Simulator::new(
                &profile.category,
                parse_level(&cfg.level),
                seed,
                cfg.latency_ms,
            ),
        }
    }
}

fn device_error(e: SimError) -> DeviceError {
    DeviceError::Device {
        code: e.code().into(),
        message: e.to_string(),
    }
}

#[async_trait]
impl Adapter for SimAdapter {
    async fn info(&self) -> Result<Info, DeviceError> {
        Ok(self.info.clone())
    }

    async fn open_session(&self, req: &SessionRequest) -> Result<SessionId, DeviceError> {
        Ok(SessionId(self.sim.open_session(req)))
    }

    async fn turn(&self, session: &SessionId, input: &Input) -> Result<Turn, DeviceError> {
        let t = self.sim.turn(&session.0, input).map_err(device_error)?;
        if t.latency_ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(t.latency_ms)).await;
        }
        Ok(t.turn)
    }

    async fn state(&self, session: &SessionId) -> Result<serde_json::Value, DeviceError> {
        self.sim.state(&session.0).map_err(device_error)
    }

    async fn control(&self, op: &Control) -> Result<(), DeviceError> {
        self.sim.control(op).map_err(device_error)
    }

    async fn close(&self, session: &SessionId) -> Result<(), DeviceError> {
        self.sim.close(&session.0).map_err(device_error)
    }
}
