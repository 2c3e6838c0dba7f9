//! The key of the cross-guild fingerprints in `moat run` (moat-core's
//! [`moat_core::detect::crossguild`]).
//!
//! The cross-guild watch keeps, per user, keyed hashes of normalised text and links, never
//! the text. With a known key those hashes could be tested against guesses ("did anyone
//! post this?"), so a live process never uses the engine's public default
//! ([`moat_core::detect::crossguild::FIXED_SECRET`], kept for `replay`, `demo` and tests,
//! whose fingerprints never leave the process). Alone, `moat run` draws a random key at
//! start: its fingerprints live only in its memory, so nothing needs to agree on it. In a
//! cluster every process must hash alike, so the key is derived (HMAC-SHA256) from the
//! cluster's shared secret (`$MOAT_CLUSTER_SECRET`), under a label of its own so it is not
//! the key of the cluster's stream itself.

use std::hash::{BuildHasher, Hasher};

/// The label the cluster's secret is keyed under for this use.
const CLUSTER_LABEL: &[u8] = b"moat cross-guild fingerprint key v1";

/// The key for a live engine: derived from the cluster's secret when there is one, else a
/// fresh random one (a different one on every call).
pub fn live(cluster_secret: Option<&[u8]>) -> u64 {
    match cluster_secret {
        Some(secret) => moat_cluster::hash::keyed(secret, CLUSTER_LABEL),
        None => random(),
    }
}

/// The live bot's engine, its fingerprints keyed with [`live`]`(cluster_secret)`.
pub fn engine(
    config: moat_core::Config,
    judge: Box<dyn moat_core::links::LinkJudge>,
    cluster_secret: Option<&[u8]>,
) -> moat_core::Engine {
    let mut engine = moat_core::Engine::new(config, judge);
    engine.set_fingerprint_secret(live(cluster_secret));
    engine
}

/// 64 random bits: std's `RandomState` is seeded from the operating system's random source
/// (once per thread, then stepped), and SipHash under that secret seed gives bits an observer
/// cannot predict; the time and process id are mixed in too. No extra dependency.
fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    h.write_u128(now.as_nanos());
    match h.finish() {
        0 => 1,
        k => k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_processes_without_a_key_get_different_random_keys() {
        let (a, b) = (live(None), live(None));
        assert_ne!(a, b);
        for k in [a, b] {
            assert_ne!(k, 0);
            assert_ne!(k, moat_core::detect::crossguild::FIXED_SECRET);
        }
    }

    fn engine_for(secret: Option<&[u8]>) -> moat_core::Engine {
        engine(moat_core::Config::default(), Box::new(moat_core::links::NoLinks), secret)
    }

    #[test]
    fn two_live_engines_without_a_key_are_keyed_apart_and_a_cluster_key_is_used() {
        let (a, b) = (engine_for(None), engine_for(None));
        assert_ne!(a.fingerprint_secret(), b.fingerprint_secret());
        assert_ne!(a.fingerprint_secret(), moat_core::detect::crossguild::FIXED_SECRET);
        let secret = b"a shared secret of 16 bytes or more";
        let (c, d) = (engine_for(Some(secret)), engine_for(Some(secret)));
        assert_eq!(c.fingerprint_secret(), live(Some(secret)));
        assert_eq!(c.fingerprint_secret(), d.fingerprint_secret());
    }

    #[test]
    fn a_cluster_secret_gives_every_process_the_same_key() {
        let secret = b"a shared secret of 16 bytes or more";
        assert_eq!(live(Some(secret)), live(Some(secret)));
        assert_eq!(live(Some(secret)), moat_cluster::hash::keyed(secret, CLUSTER_LABEL));
        assert_ne!(live(Some(secret)), live(Some(b"another shared secret, 16+ bytes")));
        assert_ne!(live(Some(secret)), moat_core::detect::crossguild::FIXED_SECRET);
    }
}
