//! `ailevel catalog serve --addr 127.0.0.1:8080`: the staff page and the JSON API.

use std::path::PathBuf;

use clap::Args;

use super::DbArg;
use crate::catalog::{policy, web};
use crate::commands::Context;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The eligibility policy the page applies.
    #[arg(long, env = "AILEVEL_POLICY")]
    pub policy: PathBuf,
    /// Where to listen; port 0 picks a free one (the first line on stdout names it).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The environment variable holding the admin token; without it the page is read-only.
    #[arg(long, default_value = "AILEVEL_CATALOG_TOKEN")]
    pub token_env: String,
}

impl ServeArgs {
    /// Serve until killed. The first line on stdout is `listening on http://ADDR`.
    pub fn exec(&self, ctx: &mut Context<'_>) -> Result<()> {
        let policy = policy::load(&self.policy)?;
        let store = self.db.open()?;
        let token = std::env::var(&self.token_env)
            .ok()
            .filter(|t| !t.is_empty());
        if token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(Error::Usage(format!(
                "`{}` holds a token shorter than 16 characters",
                self.token_env
            )));
        }
        let app = web::App::new(store, policy, token);
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
            web::serve(listener, app)
                .await
                .map_err(|e| Error::Internal(format!("the server stopped: {e}")))
        });
        std::mem::take(&mut ctx.runtime).shutdown_background();
        served
    }
}
