//! The blind device channel: what ailevel sends a device must not tell it which case or trial
//! it is in. The suite and the run seed are public (the seed is printed, recorded, and 1 by
//! default), so whatever a device sees beyond a case's own content — the seed in a session
//! request, the order sessions come in — is keyed with a per-run secret it cannot know: 32
//! random bytes from the operating system, recorded in the results only when the run is over.
//! `run --secret HEX` pins it, to reproduce a recorded run exactly.

use sha2::{Digest, Sha256};

/// A run's secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    /// Never printed by accident while the run is under way.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// A fresh secret from the operating system's random source.
    pub fn random() -> Result<Secret, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the OS: {e}"))?;
        Ok(Secret(bytes))
    }

    /// From 64 hex digits, as results record it.
    pub fn from_hex(s: &str) -> Result<Secret, String> {
        let s = s.trim();
        let mut bytes = [0u8; 32];
        match hex::decode_to_slice(s, &mut bytes) {
            Ok(()) => Ok(Secret(bytes)),
            Err(_) => Err(format!(
                "a secret is 64 hex digits (as `run.secret` in a results file), not `{}`",
                crate::text::truncate(s, 80)
            )),
        }
    }

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    /// `SHA-256(label ‖ 0 ‖ secret ‖ message)`, the first 8 bytes: a keyed function nobody
    /// without the secret can compute or invert.
    fn keyed(self, label: &str, message: &[u8]) -> u64 {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update([0]);
        h.update(self.0);
        h.update(message);
        let d = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&d[..8]);
        u64::from_be_bytes(first)
    }

    /// The seed a session request carries for a trial: its trial seed, keyed. Still one per
    /// trial (a device with randomness replays under the same secret), but mapping it back to
    /// a case needs the secret.
    pub fn session_seed(self, trial_seed: u64) -> u64 {
        self.keyed("ailevel/session-seed", &trial_seed.to_be_bytes())
    }

    /// Where a trial goes in the run order: sorting by this shuffles the trials. Keyed with the
    /// secret as well as the seed: from the seed alone a device could replay the shuffle and
    /// tell cases apart by counting sessions.
    pub fn order_key(self, run_seed: u64, case: &str, trial: u32) -> u64 {
        self.keyed(
            "ailevel/order",
            format!("{run_seed}\0{case}\0{trial}").as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_bad_secrets_are_refused() {
        let s = Secret::random().unwrap();
        assert_eq!(Secret::from_hex(&s.to_hex()).unwrap(), s);
        assert_ne!(Secret::random().unwrap(), s, "two draws from the OS differ");
        for bad in ["", "00", &"g".repeat(64), &"0".repeat(63), &"0".repeat(66)] {
            assert!(Secret::from_hex(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format!("{s:?}"), "Secret(…)");
    }

    #[test]
    fn seeds_depend_on_the_secret() {
        let a = Secret::from_hex(&"11".repeat(32)).unwrap();
        let b = Secret::from_hex(&"12".repeat(32)).unwrap();
        assert_eq!(a.session_seed(7), a.session_seed(7));
        assert_ne!(a.session_seed(7), b.session_seed(7));
        assert_ne!(a.session_seed(7), a.session_seed(8));
        assert_ne!(a.order_key(1, "x", 0), b.order_key(1, "x", 0));
        assert_ne!(a.order_key(1, "x", 0), a.order_key(2, "x", 0));
    }
}
