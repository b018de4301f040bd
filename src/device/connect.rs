//! From a profile to the adapter it asks for.

use std::sync::Arc;

use super::profile::{AdapterConfig, Profile};
use super::{Adapter, ConnectError, ConnectOptions, atp, openai, process, sim};

/// Build the adapter a profile asks for.
pub fn connect(profile: &Profile, opts: &ConnectOptions) -> Result<Arc<dyn Adapter>, ConnectError> {
    Ok(match &profile.adapter {
        AdapterConfig::Sim(cfg) => Arc::new(sim::SimAdapter::new(profile, cfg, opts.seed)),
        AdapterConfig::Atp(cfg) => Arc::new(atp::AtpAdapter::new(cfg, opts)?),
        AdapterConfig::Openai(cfg) => Arc::new(openai::OpenAiAdapter::new(profile, cfg, opts)?),
        AdapterConfig::Process(cfg) => Arc::new(process::ProcessAdapter::spawning(cfg, opts)?),
    })
}
