//! `ailevel sim serve`: a profile's device (normally the reference simulator) served over
//! ATP/1 on HTTP, optionally misbehaving on purpose.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::Context;
use super::shared::{connect, load_inputs};
use super::values::{Named, latency};
use crate::device::profile::{Endpoint, Faults};
use crate::device::server::FaultPlan;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    #[command(subcommand)]
    pub command: SimCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SimCommand {
    /// Serve a profile's device (normally a `kind = "sim"` one) over ATP/1 on HTTP, optionally
    /// misbehaving on purpose. Prints `listening on http://ADDR` as its first line.
    Serve(ServeArgs),
}

impl SimArgs {
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        match &self.command {
            SimCommand::Serve(args) => args.exec(ctx),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Device profile (TOML); its `[faults]` table applies, each fault flag overriding it.
    #[arg(long)]
    pub device: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8700")]
    pub addr: String,
    #[arg(long, default_value = "suites")]
    pub suite: PathBuf,
    /// Seed of the simulated device (as `run --seed`).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Require `Authorization: Bearer <value of this environment variable>`.
    #[arg(long)]
    pub token_env: Option<String>,
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// Fault flags; each one given replaces the profile's `[faults]` value.
#[derive(Debug, Clone, Default, Args)]
pub struct FaultArgs {
    /// Seed of the fault draws.
    #[arg(long)]
    pub fault_seed: Option<u64>,
    /// Added latency per request: `MS` or `MIN..MAX` (uniform).
    #[arg(long, value_parser = latency)]
    pub latency_ms: Option<[u64; 2]>,
    /// Share of requests answered 503.
    #[arg(long)]
    pub error_rate: Option<f64>,
    /// Share of requests whose connection is closed without an answer.
    #[arg(long)]
    pub drop_rate: Option<f64>,
    /// Share answered 200 with a body that is not JSON.
    #[arg(long)]
    pub malformed_rate: Option<f64>,
    /// Share answered 200 with the real answer cut in half.
    #[arg(long)]
    pub truncate_rate: Option<f64>,
    /// Share answered 200 with an oversized body.
    #[arg(long)]
    pub oversize_rate: Option<f64>,
    /// Size of an oversized body in bytes [default: 20 MiB].
    #[arg(long)]
    pub oversize_bytes: Option<u64>,
    /// Share answered 200 with bytes that are not UTF-8.
    #[arg(long)]
    pub bad_utf8_rate: Option<f64>,
    /// Share of requests never answered.
    #[arg(long)]
    pub hang_rate: Option<f64>,
    /// Share of requests whose connection is reset (TCP RST) instead of answered.
    #[arg(long)]
    pub reset_rate: Option<f64>,
    /// Share answered 429 with `Retry-After: 1` (rate limited).
    #[arg(long)]
    pub throttle_rate: Option<f64>,
    /// Endpoints the faults apply to [default: all]: info, sessions, turns, state, close, control.
    #[arg(long, value_delimiter = ',', value_parser = Named::<Endpoint>::new(), hide_possible_values = true)]
    pub fault_scope: Option<Vec<Endpoint>>,
    /// Answer this many requests, then stop listening and exit, as a device that dies.
    #[arg(long)]
    pub die_after: Option<u64>,
}

impl FaultArgs {
    fn apply(&self, f: &mut Faults) {
        fn set<T: Clone>(to: &mut T, from: &Option<T>) {
            if let Some(v) = from {
                *to = v.clone();
            }
        }
        set(&mut f.seed, &self.fault_seed);
        set(&mut f.latency_ms, &self.latency_ms);
        set(&mut f.error_rate, &self.error_rate);
        set(&mut f.drop_rate, &self.drop_rate);
        set(&mut f.malformed_rate, &self.malformed_rate);
        set(&mut f.truncate_rate, &self.truncate_rate);
        set(&mut f.oversize_rate, &self.oversize_rate);
        set(&mut f.bad_utf8_rate, &self.bad_utf8_rate);
        set(&mut f.hang_rate, &self.hang_rate);
        set(&mut f.reset_rate, &self.reset_rate);
        set(&mut f.throttle_rate, &self.throttle_rate);
        set(&mut f.scope, &self.fault_scope);
        if self.oversize_bytes.is_some() {
            f.oversize_bytes = self.oversize_bytes;
        }
        if self.die_after.is_some() {
            f.die_after = self.die_after;
        }
    }
}

impl ServeArgs {
    /// Serve until killed (or until the faults' `die_after`). The first line on stdout is
    /// `listening on http://ADDR`.
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let (suite, profile, _) = load_inputs(&self.suite, None, &self.device)?;
        let mut faults = profile.faults.clone().unwrap_or_default();
        self.faults.apply(&mut faults);
        let plan = FaultPlan::new(faults).map_err(|e| Error::Usage(format!("faults: {e}")))?;
        let token = match &self.token_env {
            Some(var) => Some(
                std::env::var(var)
                    .map_err(|_| Error::Usage(format!("--token-env: `{var}` is not set")))?,
            ),
            None => None,
        };
        let adapter = connect(
            &profile,
            &self.device,
            &suite,
            self.seed,
            Duration::from_secs(60),
        )?;
        let stdout = &mut *ctx.stdout;
        let served = ctx.runtime.get()?.block_on(async {
            let listener = tokio::net::TcpListener::bind(&self.addr)
                .await
                .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", self.addr)))?;
            let addr = listener
                .local_addr()
                .map_err(|e| Error::Internal(format!("no local address: {e}")))?;
            let written =
                writeln!(stdout, "listening on http://{addr}").and_then(|()| stdout.flush());
            written.map_err(|source| Error::Write {
                path: "<stdout>".into(),
                source,
            })?;
            if let Some(d) = plan.describe() {
                eprintln!("{d}");
            }
            crate::device::server::serve(listener, adapter, plan, token)
                .await
                .map_err(|e| Error::Internal(format!("the server stopped: {e}")))
        });
        std::mem::take(&mut ctx.runtime).shutdown_background();
        served
    }
}
