//! How the runner calls a device that may be flaky: which calls are repeated, how long it
//! waits for an answer, and how many retries a trial and the whole run may spend
//! (docs/protocol.md, "Retries").
//!
//! A call is retried by its *safety*, not by the kind of error: a safe call (`info`, control
//! ops, opening a session, `state`, `close`) changes nothing the device would not undo
//! itself, so it is repeated in place after any transport or protocol error; a turn may
//! have acted, so a failed turn is never sent again and the trial restarts instead (the
//! caller's business).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::device::DeviceError;
use crate::results::Attempt;

use super::RunOptions;

/// The longest wait between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// Retries the run may spend per planned trial, when not given.
const RUN_RETRIES_PER_TRIAL: u64 = 4;
/// Consecutive failed calls, run-wide, after which a device is taken for dead and nothing
/// more is retried. Independent faults at 20 % make 24 in a row about 1 in 10^16.
const DEAD_AFTER_FAILED_CALLS: u32 = 24;
/// The 99th percentile of observed answer times is multiplied by this to give the adaptive
/// time limit: a percentile, because a machine that stalls once should not loosen the
/// limit for the rest of the run.
const LATENCY_FACTOR: u32 = 4;
/// The adaptive time limit never goes below this (nor above `--turn-timeout-ms`).
const MIN_ADAPTIVE_LIMIT: Duration = Duration::from_millis(250);
/// How often a pending call's limit is looked at again as other calls teach it.
const RECHECK: Duration = Duration::from_millis(200);

/// Which time limit a call is held to: turns think, the other calls only bookkeep.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Turn,
    Bookkeeping,
}

/// Retry budgets and adaptive time limits, shared by every trial of a run.
pub struct Calls {
    per_trial: u32,
    backoff: Duration,
    seed: u64,
    ceiling: Duration,
    /// Retries the run may still spend.
    run_left: AtomicU64,
    /// Failed calls in a row, run-wide; any answered call resets it.
    failing: AtomicU32,
    /// Answer times seen so far, per [`Kind`].
    seen: [Latencies; 2],
}

/// Half-octave buckets of answer times in µs, for a percentile without keeping them all.
struct Latencies([AtomicU64; BUCKETS]);

const BUCKETS: usize = 80;

impl Latencies {
    fn new() -> Self {
        Latencies(std::array::from_fn(|_| AtomicU64::new(0)))
    }

    fn bucket(us: u64) -> usize {
        let x = (us.max(1) as f64).log2() * 2.0;
        (x.floor() as usize).min(BUCKETS - 1)
    }

    fn add(&self, us: u64) {
        self.0[Self::bucket(us)].fetch_add(1, Ordering::SeqCst);
    }

    /// The upper edge of the bucket holding the 99th percentile, in µs; `None` before the
    /// first answer. Under 100 answers, that is the slowest one's bucket.
    fn p99(&self) -> Option<u64> {
        let counts: Vec<u64> = self.0.iter().map(|c| c.load(Ordering::SeqCst)).collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let allowed = total / 100;
        let mut above = 0;
        for (i, n) in counts.iter().enumerate().rev() {
            above += n;
            if above > allowed {
                return Some(2f64.powf((i + 1) as f64 / 2.0).ceil() as u64);
            }
        }
        None
    }
}

/// Why a retry was not taken.
#[derive(Debug, PartialEq, Eq)]
pub enum Spent {
    Trial,
    Run,
    Dead,
}

impl Calls {
    pub fn new(opts: &RunOptions, planned_trials: u64) -> Self {
        Calls {
            per_trial: opts.retries,
            backoff: opts.retry_backoff,
            seed: opts.seed,
            ceiling: opts.turn_timeout,
            run_left: AtomicU64::new(
                opts.run_retries
                    .unwrap_or(RUN_RETRIES_PER_TRIAL.saturating_mul(planned_trials.max(1))),
            ),
            failing: AtomicU32::new(0),
            seen: [Latencies::new(), Latencies::new()],
        }
    }

    /// Take one retry from the budgets, given how often this call has been retried (or
    /// this trial restarted) already; `Err` says which budget is spent.
    pub fn take(&self, spent: u32) -> Result<(), Spent> {
        if spent >= self.per_trial {
            return Err(Spent::Trial);
        }
        if self.failing.load(Ordering::SeqCst) >= DEAD_AFTER_FAILED_CALLS {
            return Err(Spent::Dead);
        }
        self.run_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .map(|_| ())
            .map_err(|_| Spent::Run)
    }

    /// The wait before retry number `attempt + 1` of the call keyed `key`: the base doubled
    /// per attempt, capped, then drawn in its upper half from the run seed — so that
    /// trials failing together do not come back together, yet a run reproduces its waits.
    pub fn backoff(&self, key: u64, attempt: u32) -> Duration {
        let full = self
            .backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(MAX_BACKOFF);
        let h = crate::hash::sha256_hex(format!("{}\0{key}\0{attempt}", self.seed).as_bytes());
        let draw = u64::from_str_radix(&h[..8], 16).unwrap_or(0) as f64 / f64::from(u32::MAX);
        full.mul_f64(0.5 + 0.5 * draw)
    }

    /// The time limit for a call of this kind, tried for the `attempt`-th time: four times
    /// the 99th percentile of answers seen, at least 250 ms, doubled per attempt, never
    /// above the configured per-call timeout — which also holds until a first answer.
    pub fn limit(&self, kind: Kind, attempt: u32) -> Duration {
        let Some(p99) = self.seen[kind as usize].p99() else {
            return self.ceiling;
        };
        Duration::from_micros(p99)
            .saturating_mul(LATENCY_FACTOR)
            .max(MIN_ADAPTIVE_LIMIT)
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.ceiling)
    }

    /// `fut` under the adaptive limit. The limit is looked at again while the call waits,
    /// so a call that started before anything was observed is not held to the ceiling.
    pub async fn timed<T>(
        &self,
        kind: Kind,
        attempt: u32,
        fut: impl std::future::Future<Output = Result<T, DeviceError>>,
    ) -> Result<T, DeviceError> {
        let t0 = Instant::now();
        tokio::pin!(fut);
        loop {
            let limit = self.limit(kind, attempt);
            let wake = (t0 + limit).min(Instant::now() + RECHECK);
            match tokio::time::timeout_at(wake.into(), &mut fut).await {
                Ok(r) => {
                    self.answered(kind, t0.elapsed(), r.is_ok());
                    return r;
                }
                Err(_) if t0.elapsed() >= self.limit(kind, attempt) => {
                    self.failing.fetch_add(1, Ordering::SeqCst);
                    return Err(DeviceError::Timeout {
                        ms: self.limit(kind, attempt).as_millis() as u64,
                    });
                }
                Err(_) => {}
            }
        }
    }

    fn answered(&self, kind: Kind, took: Duration, ok: bool) {
        if ok {
            self.failing.store(0, Ordering::SeqCst);
            let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
            self.seen[kind as usize].add(us);
        } else {
            self.failing.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A safe call, repeated in place after any transport or protocol error while the
    /// budgets last; each failed try goes into `log`. `key` seeds the jitter. Never for
    /// turns.
    pub async fn retrying<T, F, Fut>(
        &self,
        key: u64,
        call: &str,
        log: &mut Vec<crate::results::Attempt>,
        mut f: F,
    ) -> Result<T, DeviceError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, DeviceError>>,
    {
        let mut attempt = 0;
        loop {
            let t0 = Instant::now();
            match self.timed(Kind::Bookkeeping, attempt, f()).await {
                Err(e) if e.is_disturbance() && self.take(attempt).is_ok() => {
                    log.push(Attempt {
                        call: call.to_string(),
                        restarted: false,
                        turns: Vec::new(),
                        error: e,
                        duration_ms: super::round_ms(t0.elapsed()),
                    });
                    tokio::time::sleep(self.backoff(key, attempt)).await;
                    attempt += 1;
                }
                r => return r,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(retries: u32, run: Option<u64>) -> Calls {
        let opts = RunOptions {
            seed: 5,
            trials_override: None,
            concurrency: 1,
            turn_timeout: Duration::from_secs(30),
            locale: "zh-CN".into(),
            quiet: true,
            judge: None,
            retries,
            retry_backoff: Duration::from_millis(100),
            run_retries: run,
            case_timeout: None,
            secret: crate::run::blind::Secret::from_hex(&"0".repeat(64)).unwrap(),
            device_seeds: crate::results::DeviceSeeds::Trial,
            phrasing: crate::suite::phrasing::Phrasing::Canonical,
            variants: None,
        };
        Calls::new(&opts, 10)
    }

    #[test]
    fn budgets_per_trial_and_per_run_are_both_kept() {
        let c = calls(3, Some(4));
        assert_eq!(c.take(3), Err(Spent::Trial));
        for _ in 0..4 {
            assert_eq!(c.take(0), Ok(()));
        }
        assert_eq!(c.take(0), Err(Spent::Run));
        // Default: four per planned trial.
        let c = calls(100, None);
        assert_eq!((0..100).filter(|_| c.take(0).is_ok()).count(), 40);
    }

    #[test]
    fn a_device_failing_every_call_stops_being_retried() {
        let c = calls(1000, Some(1000));
        for _ in 0..DEAD_AFTER_FAILED_CALLS {
            c.answered(Kind::Bookkeeping, Duration::from_millis(1), false);
        }
        assert_eq!(c.take(0), Err(Spent::Dead));
        c.answered(Kind::Bookkeeping, Duration::from_millis(1), true);
        assert_eq!(c.take(0), Ok(()));
    }

    #[test]
    fn backoff_is_jittered_from_the_seed_and_capped() {
        let c = calls(12, None);
        let waits: Vec<_> = (0..12).map(|a| c.backoff(77, a)).collect();
        assert_eq!(waits, (0..12).map(|a| c.backoff(77, a)).collect::<Vec<_>>());
        assert!(waits[0] >= Duration::from_millis(50) && waits[0] <= Duration::from_millis(100));
        assert!(waits.iter().all(|w| *w <= MAX_BACKOFF));
        assert_ne!(
            c.backoff(77, 3),
            c.backoff(78, 3),
            "keys draw their own jitter"
        );
    }

    #[test]
    fn the_time_limit_follows_observed_answers_within_bounds() {
        let c = calls(12, None);
        assert_eq!(c.limit(Kind::Turn, 0), Duration::from_secs(30));
        c.answered(Kind::Turn, Duration::from_millis(20), true);
        assert_eq!(c.limit(Kind::Turn, 0), MIN_ADAPTIVE_LIMIT);
        assert_eq!(c.limit(Kind::Turn, 2), MIN_ADAPTIVE_LIMIT * 4);
        assert_eq!(c.limit(Kind::Bookkeeping, 0), Duration::from_secs(30));
        c.answered(Kind::Turn, Duration::from_secs(3), true);
        // The bucket above 3 s ends at 2^22.5 µs, about 5.9 s.
        let slow = c.limit(Kind::Turn, 0);
        assert!(
            slow >= Duration::from_secs(12) && slow <= Duration::from_secs(24),
            "{slow:?}"
        );
        assert_eq!(c.limit(Kind::Turn, 2), Duration::from_secs(30));
        // One stall among many quick answers does not loosen the limit.
        for _ in 0..200 {
            c.answered(Kind::Bookkeeping, Duration::from_millis(2), true);
        }
        c.answered(Kind::Bookkeeping, Duration::from_secs(5), true);
        assert_eq!(c.limit(Kind::Bookkeeping, 0), MIN_ADAPTIVE_LIMIT);
    }
}
