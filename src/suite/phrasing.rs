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
}
