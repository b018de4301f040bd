//! The `process` adapter: ATP/1 as JSON lines on a child process's stdin and stdout, for
//! bridges to adb, hdc or a vendor SDK. Each call writes one [`LineRequest`] line and reads
//! one [`LineResponse`] line (framing in docs/protocol.md); the protocol's meaning is the
//! `atp` adapter's, over this transport.
//!
//! A line protocol has no way to match a late answer to its question, so any call that does
//! not end cleanly — timeout, cancellation, an over-long or mismatched line, the child
//! exiting — kills the child, and the next call starts a fresh one.

use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

use super::atp::{AtpAdapter, Reply, Transport};
use super::profile::ProcessConfig;
use super::protocol::{LineRequest, LineResponse};
use super::wire::{self, Limits};
use super::{ConnectError, ConnectOptions, DeviceError};

/// The `process` adapter.
pub type ProcessAdapter = AtpAdapter<LineTransport>;

/// Longest stderr line passed on to the log; the rest of the line is dropped.
const MAX_STDERR_LINE: usize = 4096;

impl AtpAdapter<LineTransport> {
    pub fn spawning(cfg: &ProcessConfig, opts: &ConnectOptions) -> Result<Self, ConnectError> {
        if cfg.command.first().is_none_or(|c| c.is_empty()) {
            return Err(ConnectError::EmptyCommand);
        }
        let limits = Limits::new(
            None,
            cfg.timeout_ms,
            cfg.max_response_bytes,
            opts.call_timeout,
        );
        Ok(AtpAdapter::over(LineTransport {
            command: cfg.command.clone(),
            timeout: limits.call_timeout,
            max_line: limits.max_response_bytes,
            bridge: Mutex::new(None),
            next_id: AtomicU64::new(1),
        }))
    }
}

/// One child process at a time, one call at a time.
pub struct LineTransport {
    command: Vec<String>,
    timeout: Duration,
    max_line: usize,
    bridge: Mutex<Option<Bridge>>,
    next_id: AtomicU64,
}

struct Bridge {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Set while a call is in flight; still set at the next call means the last one was
    /// cancelled half-way and its answer may still be coming.
    busy: bool,
}

impl LineTransport {
    fn spawn(&self) -> Result<Bridge, DeviceError> {
        let mut child = Command::new(&self.command[0])
            .args(&self.command[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| DeviceError::Unreachable {
                message: format!("could not start `{}`: {e}", self.command[0]),
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(DeviceError::Unreachable {
                message: "the bridge's stdin or stdout is not a pipe".into(),
            });
        };
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(relay_stderr(BufReader::new(stderr)));
        }
        Ok(Bridge {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            busy: false,
        })
    }

    async fn exchange(
        bridge: &mut Bridge,
        line: &[u8],
        max_line: usize,
    ) -> Result<Vec<u8>, DeviceError> {
        let io = |e: std::io::Error| DeviceError::Transport {
            message: format!("the bridge's pipe failed: {e}"),
        };
        bridge.stdin.write_all(line).await.map_err(io)?;
        bridge.stdin.flush().await.map_err(io)?;
        loop {
            match read_line_capped(&mut bridge.stdout, max_line).await? {
                Some(l) if l.iter().all(u8::is_ascii_whitespace) => continue,
                Some(l) => return Ok(l),
                None => {
                    let status = bridge.child.try_wait().ok().flatten();
                    return Err(DeviceError::Transport {
                        message: match status {
                            Some(s) => format!("the bridge exited ({s})"),
                            None => "the bridge closed its stdout".into(),
                        },
                    });
                }
            }
        }
    }
}

#[async_trait]
impl Transport for LineTransport {
    async fn call(
        &self,
        method: Method,
        path: &[&str],
        body: Option<Value>,
    ) -> Result<Reply, DeviceError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let request = LineRequest {
            id,
            method: method.as_str().to_string(),
            path: wire::encoded_path(path),
            body,
        };
        let mut line = serde_json::to_vec(&request).map_err(|e| DeviceError::Protocol {
            message: format!("could not encode the request: {e}"),
            evidence: None,
        })?;
        line.push(b'\n');

        let mut slot = self.bridge.lock().await;
        // Cancelled half-way (its answer may still come), or exited since the last call.
        if slot
            .as_mut()
            .is_some_and(|b| b.busy || !matches!(b.child.try_wait(), Ok(None)))
        {
            *slot = None;
        }
        let bridge = match slot.as_mut() {
            Some(b) => b,
            None => slot.insert(self.spawn()?),
        };
        bridge.busy = true;
        let answer =
            match tokio::time::timeout(self.timeout, Self::exchange(bridge, &line, self.max_line))
                .await
            {
                Ok(r) => r,
                Err(_) => Err(DeviceError::Timeout {
                    ms: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
                }),
            };
        let parsed = answer.and_then(|bytes| {
            let resp: LineResponse = wire::decode(&bytes, "the bridge's answer line")?;
            match resp.id {
                Some(echoed) if echoed != id => Err(DeviceError::Protocol {
                    message: format!("the bridge answered request {echoed}, expected {id}"),
                    evidence: Some(wire::evidence(&bytes)),
                }),
                _ => Ok(resp),
            }
        });
        match parsed {
            Ok(resp) => {
                bridge.busy = false;
                let body = match resp.body {
                    None | Some(Value::Null) => Vec::new(),
                    Some(v) => serde_json::to_vec(&v).unwrap_or_default(),
                };
                Ok(Reply {
                    status: resp.status,
                    bytes: body,
                    retry_after_ms: None,
                })
            }
            Err(e) => {
                // Out of step with the child, or the child is gone: start over next call.
                if let Some(mut b) = slot.take() {
                    let _ = b.child.start_kill();
                }
                Err(e)
            }
        }
    }
}

/// One line without its end, `None` at end of stream, or a protocol error once the line
/// passes `max` bytes (the rest of it is left unread, so the caller must drop the stream).
async fn read_line_capped<R: AsyncBufRead + Unpin>(
    r: &mut R,
    max: usize,
) -> Result<Option<Vec<u8>>, DeviceError> {
    let mut line = Vec::new();
    loop {
        let buf = r.fill_buf().await.map_err(|e| DeviceError::Transport {
            message: format!("could not read from the bridge: {e}"),
        })?;
        if buf.is_empty() {
            return Ok(if line.is_empty() { None } else { Some(line) });
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (buf.len(), false),
        };
        if line.len() + take > max {
            let room = max - line.len();
            line.extend_from_slice(&buf[..room]);
            return Err(wire::too_large(max, &line));
        }
        line.extend_from_slice(&buf[..take]);
        r.consume(if done { take + 1 } else { take });
        if done {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(line));
        }
    }
}

/// The bridge's stderr, line by line, into ailevel's stderr (the run log), prefixed.
async fn relay_stderr<R: AsyncBufRead + Unpin>(mut r: R) {
    loop {
        match read_line_capped(&mut r, MAX_STDERR_LINE).await {
            Ok(Some(line)) => eprintln!("[device stderr] {}", String::from_utf8_lossy(&line)),
            Ok(None) => return,
            Err(DeviceError::Protocol { evidence, .. }) => {
                eprintln!("[device stderr] {}…", evidence.unwrap_or_default());
                // Skip the rest of the over-long line.
                let mut rest = Vec::new();
                if r.read_until(b'\n', &mut rest).await.is_err() {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_read_whole_bounded_and_without_their_end() {
        let mut r = BufReader::with_capacity(4, &b"{\"a\":1}\r\nsecond\nlast"[..]);
        assert_eq!(
            read_line_capped(&mut r, 100).await.unwrap().unwrap(),
            b"{\"a\":1}"
        );
        assert_eq!(
            read_line_capped(&mut r, 100).await.unwrap().unwrap(),
            b"second"
        );
        assert_eq!(
            read_line_capped(&mut r, 100).await.unwrap().unwrap(),
            b"last"
        );
        assert_eq!(read_line_capped(&mut r, 100).await.unwrap(), None);
        let mut long = BufReader::with_capacity(8, &[b'x'; 1000][..]);
        assert!(matches!(
            read_line_capped(&mut long, 100).await,
            Err(DeviceError::Protocol { .. })
        ));
    }
}
