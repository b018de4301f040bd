//! Which phrasing of a turn a trial sends. A pure function of the run seed, the case, the turn
//! and the trial index — never of the order trials happen to run in — so a results file says
//! everything and a run with the same seed sends the same texts.
//!
//! The phrasings of a turn (the suite's, then a private pool's) are put in an order drawn
//! from the run seed, and trial `i` takes the `i`-th of them (wrapping round): the trials of
//! one case try as many different phrasings as there are trials, and which ones changes from
//! seed to seed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::hash::sha256_hex;

/// Where a phrasing came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhrasingPool {
    /// The published suite.
    Suite,
    /// The lab's private variant pool.
    Private,
}

/// Which phrasing each trial sends (`run --phrasing`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phrasing {
    /// Each trial draws from the turn's pool (the suite's phrasings and a private pool's).
    #[default]
    Drawn,
    /// Every trial sends the canonical (first) phrasing: runs comparable with those made
    /// before pools existed.
    Canonical,
}

impl Phrasing {
    pub const ALL: [Phrasing; 2] = [Phrasing::Drawn, Phrasing::Canonical];

    pub fn as_str(self) -> &'static str {
        match self {
            Phrasing::Drawn => "drawn",
            Phrasing::Canonical => "canonical",
        }
    }
}

impl std::str::FromStr for Phrasing {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Phrasing::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown phrasing `{s}` (expected drawn or canonical)"))
    }
}

/// Which phrasing a trial sent at one turn; the text itself is in the turn's recorded input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhrasingUse {
    /// The turn, counted from 1 as reports and variant files count them.
    pub turn: u32,
    pub pool: PhrasingPool,
    /// The phrasing's index in its pool, from 0 (the suite's 0 is the canonical one).
    pub index: usize,
}

/// The text trial `trial` sends at `turn` (from 0) of `case`, and which phrasing it is, from
/// the suite's phrasings (`public`, canonical first) and a private pool's (`private`).
pub fn choose(
    mode: Phrasing,
    run_seed: u64,
    case: &str,
    turn: usize,
    trial: u32,
    public: &[String],
    private: &[String],
) -> Option<(PhrasingUse, String)> {
    let (pool, index) = match mode {
        Phrasing::Canonical if !public.is_empty() => (PhrasingPool::Suite, 0),
        Phrasing::Canonical => return None,
        Phrasing::Drawn => draw(run_seed, case, turn, trial, public.len(), private.len())?,
    };
    let text = match pool {
        PhrasingPool::Suite => &public[index],
        PhrasingPool::Private => &private[index],
    };
    let used = PhrasingUse {
        turn: turn as u32 + 1,
        pool,
        index,
    };
    Some((used, text.clone()))
}

/// The phrasing trial `trial` of `case` sends at `turn` (from 0), given how many the suite
/// (`public`) and a private pool (`private`) hold for it: the pool and the index within it.
/// `None` when there is nothing to draw from.
pub fn draw(
    run_seed: u64,
    case: &str,
    turn: usize,
    trial: u32,
    public: usize,
    private: usize,
) -> Option<(PhrasingPool, usize)> {
    let n = public + private;
    if n == 0 {
        return None;
    }
    let order = permutation(n, stream_seed(run_seed, case, turn));
    let at = order[trial as usize % n];
    Some(if at < public {
        (PhrasingPool::Suite, at)
    } else {
        (PhrasingPool::Private, at - public)
    })
}

fn stream_seed(run_seed: u64, case: &str, turn: usize) -> u64 {
    let h = sha256_hex(format!("{run_seed}\0{case}\0phrasing\0{turn}").as_bytes());
    u64::from_str_radix(&h[..16], 16).unwrap_or(run_seed)
}

/// SplitMix64: a fast, well-spread stream from one seed.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fisher–Yates over `0..n`.
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn trials_of_a_case_take_distinct_phrasings_while_there_are_enough() {
        for seed in 1..50 {
            let got: BTreeSet<usize> = (0..4)
                .map(|t| draw(seed, "phone.alarm.create", 0, t, 4, 0).unwrap().1)
                .collect();
            assert_eq!(got.len(), 4, "seed {seed}: {got:?}");
            // A fifth trial wraps round to the first one's phrasing.
            assert_eq!(
                draw(seed, "phone.alarm.create", 0, 4, 4, 0),
                draw(seed, "phone.alarm.create", 0, 0, 4, 0)
            );
        }
    }

    #[test]
    fn the_seed_changes_the_draw_and_every_phrasing_gets_drawn() {
        let first: BTreeSet<usize> = (1..=40)
            .map(|seed| draw(seed, "car.nav.airport", 0, 0, 5, 0).unwrap().1)
            .collect();
        assert_eq!(
            first,
            (0..5).collect(),
            "over 40 seeds trial 0 meets all five"
        );
        let turns: BTreeSet<usize> = (0..8)
            .map(|turn| draw(3, "car.nav.airport", turn, 0, 5, 0).unwrap().1)
            .collect();
        assert!(turns.len() > 1, "turns are drawn independently: {turns:?}");
    }

    #[test]
    fn private_phrasings_join_the_public_ones() {
        let mut pools = BTreeSet::new();
        for seed in 1..20 {
            for t in 0..6 {
                let (pool, i) = draw(seed, "c", 0, t, 2, 4).unwrap();
                match pool {
                    PhrasingPool::Suite => assert!(i < 2),
                    PhrasingPool::Private => assert!(i < 4),
                }
                pools.insert((pool == PhrasingPool::Private, i));
            }
        }
        assert_eq!(pools.len(), 6, "every one of the six is drawn: {pools:?}");
        assert_eq!(draw(1, "c", 0, 0, 0, 0), None);
        assert_eq!(draw(1, "c", 0, 7, 1, 0), Some((PhrasingPool::Suite, 0)));
    }

    #[test]
    fn canonical_mode_always_sends_the_first_and_drawn_mode_varies() {
        let public: Vec<String> = ["闹钟，七点", "定一个七点的闹钟", "七点的闹钟"]
            .map(String::from)
            .to_vec();
        let private = vec!["七点叫我".to_string()];
        for t in 0..4 {
            let (used, text) =
                choose(Phrasing::Canonical, 9, "c", 1, t, &public, &private).unwrap();
            assert_eq!(
                (used.turn, used.pool, used.index),
                (2, PhrasingPool::Suite, 0)
            );
            assert_eq!(text, "闹钟，七点");
        }
        let texts: BTreeSet<String> = (0..4)
            .map(|t| {
                choose(Phrasing::Drawn, 9, "c", 1, t, &public, &private)
                    .unwrap()
                    .1
            })
            .collect();
        assert_eq!(texts.len(), 4, "four trials send all four: {texts:?}");
        assert_eq!(choose(Phrasing::Drawn, 9, "c", 0, 0, &[], &[]), None);
        assert_eq!("drawn".parse::<Phrasing>(), Ok(Phrasing::Drawn));
        assert!("first".parse::<Phrasing>().is_err());
    }
}
