//! How the runner calls a device that may be flaky: which calls are repeated, how long it
//! waits for an answer, and how many retries a trial and the whole run may spend
//! (docs/protocol.md, "Retries").
//!
//! A call is retried by its *safety*, not by the kind of error: a safe call (`info`, control
//! ops, opening a session, `state`, `close`) changes nothing the device would not undo
//! itself, so it is repeated in place after any transport or protocol error; a turn may
//! have acted, so a failed turn is never sent again and the trial restarts instead (the
//! caller's business).
//!
//! Safe calls are also *hedged* (as in Dean and Barroso, "The Tail at Scale"): one that has
//! not answered well past the answers seen so far is sent again while the first try keeps
//! waiting, and whichever answers first is taken. A hung request then costs a few times a
//! normal answer, not the whole time limit.

use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::device::DeviceError;
use crate::results::Attempt;

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
/// A safe call is asked again after at least this long without an answer (and after
/// [`LATENCY_FACTOR`] times the 99th percentile of answers seen), doubled per attempt.
const MIN_HEDGE_DELAY: Duration = Duration::from_millis(25);
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

/// What the run's options say about retrying, taken apart from them so this file does not
/// depend on the runner that uses it.
pub struct Budget {
    pub retries: u32,
    pub retry_backoff: Duration,
    pub seed: u64,
    pub turn_timeout: Duration,
    pub run_retries: Option<u64>,
}

impl Calls {
    pub fn new(opts: &Budget, planned_trials: u64) -> Self {
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

    /// The wait before trying again after `e`: the backoff, or longer when the device asked
    /// for longer (`Retry-After` on a 429 or 503, capped where it was read).
    pub fn wait_after(&self, e: &DeviceError, key: u64, attempt: u32) -> Duration {
        let backoff = self.backoff(key, attempt);
        e.retry_after().map_or(backoff, |asked| asked.max(backoff))
    }

    /// When a safe call tried for the `attempt`-th time is asked again if still unanswered:
    /// four times the 99th percentile of answers seen, at least 25 ms, doubled per attempt;
    /// `None` before the first answer, or when that is no sooner than the call's limit.
    pub fn hedge_delay(&self, attempt: u32) -> Option<Duration> {
        let p99 = self.seen[Kind::Bookkeeping as usize].p99()?;
        let delay = Duration::from_micros(p99)
            .saturating_mul(LATENCY_FACTOR)
            .max(MIN_HEDGE_DELAY)
            .saturating_mul(1u32 << attempt.min(16));
        (delay < self.limit(Kind::Bookkeeping, attempt)).then_some(delay)
    }

    /// A safe call, repeated in place after any transport or protocol error while the
    /// budgets last, and hedged (asked again, the first try still awaited) when it is slow
    /// to answer; each failed or overtaken try goes into `log`. `key` seeds the jitter.
    /// Never for turns.
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
        let mut straggler: Option<Straggler<Fut>> = None;
        loop {
            let t0 = Instant::now();
            let mut fresh = Box::pin(f());
            let mut may_hedge = true;
            let answer = loop {
                match self
                    .race(&mut fresh, t0, attempt, &mut straggler, may_hedge)
                    .await
                {
                    Raced::Answer(r) => break Some(r),
                    Raced::Hedge(after) => {
                        if self.take(attempt).is_err() {
                            may_hedge = false;
                            continue;
                        }
                        log.push(Attempt {
                            call: call.to_string(),
                            restarted: false,
                            turns: Vec::new(),
                            error: DeviceError::Timeout {
                                ms: after.as_millis() as u64,
                            },
                            duration_ms: round_ms(t0.elapsed()),
                        });
                        straggler = Some(Straggler {
                            fut: fresh,
                            t0,
                            deadline: t0 + self.limit(Kind::Bookkeeping, attempt),
                        });
                        attempt += 1;
                        break None;
                    }
                }
            };
            // Hedged: ask again at once, the overtaken try still racing.
            let Some(answer) = answer else { continue };
            match answer {
                Err(e) if e.is_disturbance() && self.take(attempt).is_ok() => {
                    let wait = self.wait_after(&e, key, attempt);
                    log.push(Attempt {
                        call: call.to_string(),
                        restarted: false,
                        turns: Vec::new(),
                        error: e,
                        duration_ms: round_ms(t0.elapsed()),
                    });
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                r => return r,
            }
        }
    }

    /// Waits for the first of: the fresh try's answer, an earlier overtaken try's good answer
    /// (a failed one is dropped: it was logged when overtaken), the fresh try's hedge delay
    /// (when `may_hedge` and no try is straggling yet), or its time limit.
    async fn race<T, Fut>(
        &self,
        fresh: &mut Pin<Box<Fut>>,
        t0: Instant,
        attempt: u32,
        straggler: &mut Option<Straggler<Fut>>,
        may_hedge: bool,
    ) -> Raced<T>
    where
        Fut: std::future::Future<Output = Result<T, DeviceError>>,
    {
        let kind = Kind::Bookkeeping;
        loop {
            let limit = self.limit(kind, attempt);
            let hedge = if may_hedge && straggler.is_none() {
                self.hedge_delay(attempt)
            } else {
                None
            };
            let mut wake = (t0 + limit).min(Instant::now() + RECHECK);
            if let Some(h) = hedge {
                wake = wake.min(t0 + h);
            }
            enum Woke<T> {
                Fresh(Result<T, DeviceError>),
                Straggler(Option<Result<T, DeviceError>>),
                Tick,
            }
            let woke = {
                let straggling = async {
                    match straggler.as_mut() {
                        Some(s) => tokio::time::timeout_at(s.deadline.into(), s.fut.as_mut())
                            .await
                            .ok(),
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    biased;
                    r = fresh.as_mut() => Woke::Fresh(r),
                    r = straggling => Woke::Straggler(r),
                    () = tokio::time::sleep_until(wake.into()) => Woke::Tick,
                }
            };
            match woke {
                Woke::Fresh(r) => {
                    self.answered(kind, t0.elapsed(), r.is_ok());
                    *straggler = None;
                    return Raced::Answer(r);
                }
                Woke::Straggler(Some(Ok(v))) => {
                    if let Some(s) = straggler.take() {
                        self.answered(kind, s.t0.elapsed(), true);
                    }
                    return Raced::Answer(Ok(v));
                }
                Woke::Straggler(_) => *straggler = None,
                Woke::Tick => {
                    let waited = t0.elapsed();
                    if waited >= self.limit(kind, attempt) {
                        self.failing.fetch_add(1, Ordering::SeqCst);
                        *straggler = None;
                        return Raced::Answer(Err(DeviceError::Timeout {
                            ms: self.limit(kind, attempt).as_millis() as u64,
                        }));
                    }
                    if let Some(h) = hedge.filter(|h| waited >= *h) {
                        return Raced::Hedge(h);
                    }
                }
            }
        }
    }
}

/// A safe call overtaken by a hedge, still awaited until its own limit.
struct Straggler<Fut> {
    fut: Pin<Box<Fut>>,
    t0: Instant,
    deadline: Instant,
}

enum Raced<T> {
    Answer(Result<T, DeviceError>),
    /// The fresh try passed its hedge delay without an answer.
    Hedge(Duration),
}

pub(super) fn round_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(retries: u32, run: Option<u64>) -> Calls {
        let opts = Budget {
            retries,
            retry_backoff: Duration::from_millis(100),
            seed: 5,
            turn_timeout: Duration::from_secs(30),
            run_retries: run,
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

    type Try = Pin<Box<dyn std::future::Future<Output = Result<u32, DeviceError>>>>;

    /// A safe call whose tries answer after the given delays (`None`: never), counting tries.
    fn device(delays: Vec<Option<u64>>) -> (std::sync::Arc<AtomicU32>, impl FnMut() -> Try) {
        let tries = std::sync::Arc::new(AtomicU32::new(0));
        let counted = tries.clone();
        let f = move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let delay = delays.get(n as usize).copied().flatten();
            Box::pin(async move {
                match delay {
                    Some(ms) => {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        Ok(n)
                    }
                    None => std::future::pending().await,
                }
            }) as Try
        };
        (tries, f)
    }

    fn quick_answers_seen() -> Calls {
        let c = calls(12, None);
        for _ in 0..50 {
            c.answered(Kind::Bookkeeping, Duration::from_millis(2), true);
        }
        c
    }

    #[tokio::test(start_paused = true)]
    async fn a_hung_safe_call_is_asked_again_long_before_its_limit() {
        let c = quick_answers_seen();
        assert_eq!(c.hedge_delay(0), Some(MIN_HEDGE_DELAY));
        let (tries, f) = device(vec![None, Some(3)]);
        let mut log = Vec::new();
        let t0 = tokio::time::Instant::now();
        let got = c.retrying(1, "reset", &mut log, f).await;
        assert_eq!(got.unwrap(), 1, "the second try's answer");
        assert_eq!(tries.load(Ordering::SeqCst), 2);
        // Virtual time: the hedge went out at 25 ms, not at the 250 ms limit.
        let took = t0.elapsed();
        assert!(
            took >= MIN_HEDGE_DELAY + Duration::from_millis(3) && took < MIN_ADAPTIVE_LIMIT / 4,
            "{took:?}"
        );
        assert_eq!(log.len(), 1, "the overtaken try is on record");
        assert_eq!(log[0].error, DeviceError::Timeout { ms: 25 });
    }

    #[tokio::test(start_paused = true)]
    async fn an_overtaken_try_that_answers_first_still_wins() {
        let c = quick_answers_seen();
        let (tries, f) = device(vec![Some(40), Some(1000)]);
        let mut log = Vec::new();
        let t0 = tokio::time::Instant::now();
        let got = c.retrying(1, "open_session", &mut log, f).await;
        assert_eq!(got.unwrap(), 0, "the first try's answer");
        assert_eq!(tries.load(Ordering::SeqCst), 2);
        let took = t0.elapsed();
        assert!(
            took >= Duration::from_millis(40) && took < Duration::from_millis(45),
            "{took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_is_hedged_before_the_first_answer_or_past_the_budget() {
        let c = calls(12, None);
        assert_eq!(c.hedge_delay(0), None);
        let (tries, f) = device(vec![Some(5_000)]);
        let got = c.retrying(1, "info", &mut Vec::new(), f).await;
        assert_eq!(got.unwrap(), 0);
        assert_eq!(tries.load(Ordering::SeqCst), 1);
        // No retry left: the one try waits out its own limit.
        let c = quick_answers_seen();
        let c = Calls { per_trial: 0, ..c };
        let (tries, f) = device(vec![None]);
        let mut log = Vec::new();
        let got = c.retrying(1, "close", &mut log, f).await;
        assert_eq!(got.unwrap_err(), DeviceError::Timeout { ms: 250 });
        assert_eq!(tries.load(Ordering::SeqCst), 1);
        assert!(log.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_device_asking_to_wait_is_waited_for() {
        let c = quick_answers_seen();
        let tries = std::sync::Arc::new(AtomicU32::new(0));
        let counted = tries.clone();
        let f = move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    Err(DeviceError::Http {
                        status: 429,
                        code: "rate_limited".into(),
                        message: "slow down".into(),
                        retry_after_ms: Some(1_500),
                    })
                } else {
                    Ok(n)
                }
            }
        };
        let mut log = Vec::new();
        let t0 = tokio::time::Instant::now();
        assert_eq!(c.retrying(1, "open_session", &mut log, f).await.unwrap(), 1);
        assert!(
            t0.elapsed() >= Duration::from_millis(1_500),
            "{:?}",
            t0.elapsed()
        );
        assert_eq!(log.len(), 1);
        // Without the header, the usual backoff (at most 100 ms for a first retry here).
        let plain = DeviceError::Http {
            status: 429,
            code: "rate_limited".into(),
            message: "slow down".into(),
            retry_after_ms: None,
        };
        assert!(c.wait_after(&plain, 1, 0) <= Duration::from_millis(100));
    }
}
