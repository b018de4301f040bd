//! `ailevel probe`: what a device says it is and which protocol operations work.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::Context;
use super::shared::{connect, load_inputs, print};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// Device profile (TOML).
    #[arg(long)]
    pub device: PathBuf,
    /// Suite directory (gives the framework the profile is checked against).
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    /// Per-call timeout in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    pub timeout_ms: u64,
    /// Print the report as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

impl ProbeArgs {
    /// A device that cannot be used — unreachable, broken `info`, no session, no answer to a
    /// turn — is an error (exit 3) saying why.
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let timeout = Duration::from_millis(self.timeout_ms);
        let (suite, profile, _) = load_inputs(&self.suite, None, &self.device)?;
        let adapter = connect(&profile, &self.device, &suite, 1, timeout)?;
        let rt = ctx.runtime.get()?;
        let mut report = rt.block_on(crate::device::probe::probe(adapter.as_ref(), timeout));
        // A chat endpoint is where modalities and tools go missing unnoticed: try them.
        if let crate::device::AdapterConfig::Openai(cfg) = &profile.adapter
            && report.unusable().is_none()
        {
            report.inputs = rt.block_on(crate::device::probe::probe_inputs(
                adapter.as_ref(),
                timeout,
            ));
            if cfg.tools.is_none_or(|t| t) {
                let opts = crate::device::ConnectOptions {
                    seed: 1,
                    call_timeout: timeout,
                    actions: suite.actions_for(&profile.category),
                };
                let chat = crate::device::openai::OpenAiAdapter::new(&profile, cfg, &opts)
                    .map_err(|e| Error::invalid(&self.device, format!("adapter: {e}")))?;
                report.tools = Some(rt.block_on(chat.probe_tools()));
            }
        }
        // The report is printed even when the device is unusable: it says how far it got.
        let text = if self.json {
            format!("{}\n", report.to_json(&profile))
        } else {
            report.render(&profile)
        };
        let _ = print(ctx.stdout, text.as_bytes());
        match report.unusable() {
            Some(why) => Err(Error::Device(why)),
            None => Ok(()),
        }
    }
}
