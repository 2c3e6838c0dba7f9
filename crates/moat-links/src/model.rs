//! A learned score over a domain's characters: logistic regression on hashed character n-grams
//! and a few shape features of the registrable name, trained on the early part of the dated
//! scam list against popular real sites (`examples/train.rs`), its weights shipped as data
//! (`data/model.bin`).
//!
//! It is one signal among the heuristics, never a verdict alone: its contribution is capped
//! ([`MAX_POINTS`]) and a name it finds ordinary-looking earns nothing. It sees only what a list
//! entry shows, the name, so it carries the character statistics of scam names (cheap-TLD
//! endings, hyphenated word salads, typo n-grams) into names no list has seen.
//!
//! The file format is small and checked: `MOATLR1\n`, then the bucket count as a little-endian
//! `u32`, the scale and bias as little-endian `f32`, then one `i8` weight per bucket (weight =
//! `i8 × scale`). A file that does not parse gives no model, never a panic.

use crate::heuristics::Score;
use crate::url::Link;

/// The most points the model adds to a link.
pub const MAX_POINTS: u32 = 2;
const MAGIC: &[u8] = b"MOATLR1\n";

/// Logistic-regression weights over hashed features.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub weights: Vec<f32>,
    pub bias: f32,
}

impl Model {
    /// The bundled model, if its data parses.
    pub fn bundled() -> Option<Model> {
        Model::from_bytes(include_bytes!("../data/model.bin"))
    }

    /// Parses the file format described in the module docs.
    pub fn from_bytes(b: &[u8]) -> Option<Model> {
        let rest = b.strip_prefix(MAGIC)?;
        let n = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let scale = f32::from_le_bytes(rest.get(4..8)?.try_into().ok()?);
        let bias = f32::from_le_bytes(rest.get(8..12)?.try_into().ok()?);
        let w = rest.get(12..12 + n)?;
        if !n.is_power_of_two() || rest.len() != 12 + n || !scale.is_finite() || !bias.is_finite() {
            return None;
        }
        Some(Model { weights: w.iter().map(|&q| q as i8 as f32 * scale).collect(), bias })
    }

    /// Writes the file format (the trainer uses it).
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-6);
        let scale = max / 127.0;
        let mut out = MAGIC.to_vec();
        out.extend((self.weights.len() as u32).to_le_bytes());
        out.extend(scale.to_le_bytes());
        out.extend(self.bias.to_le_bytes());
        out.extend(self.weights.iter().map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8 as u8));
        out
    }

    /// The model's logit for a name (`label`, `suffix`, on free hosting or not).
    pub fn logit(&self, label: &str, suffix: &str, hosting: bool) -> f32 {
        let mask = self.weights.len() - 1;
        let mut z = self.bias;
        features(label, suffix, hosting, |h| z += self.weights[h as usize & mask]);
        z
    }

    /// Adds the model's points and reason to a link's score.
    pub fn signals(&self, link: &Link, s: &mut Score) {
        let z = self.logit(&link.label, &link.suffix, link.hosting);
        let points = points_for(z);
        if points > 0 {
            s.add(points, format!("its name reads like the scam domains moat learned from (score {z:.1})"));
        }
    }
}

/// Logit thresholds for one and two points, chosen by the trainer so that popular sites rarely
/// reach them (see the crate README).
pub const THRESHOLDS: [f32; 2] = [2.0, 4.0];

fn points_for(z: f32) -> u32 {
    THRESHOLDS.iter().filter(|&&t| z >= t).count() as u32
}

/// Calls `f` with the hash of every feature of a name: character 3- to 5-grams of `^label$`,
/// the suffix, free hosting, and buckets of length, hyphens and digits.
pub fn features(label: &str, suffix: &str, hosting: bool, mut f: impl FnMut(u32)) {
    let mut text = Vec::with_capacity(label.len() + 2);
    text.push(b'^');
    text.extend(label.bytes().take(64));
    text.push(b'$');
    for n in 3..=5 {
        for w in text.windows(n) {
            f(hash(n as u8, w));
        }
    }
    f(hash(b't', suffix.as_bytes()));
    f(hash(b'h', &[hosting as u8]));
    let hyphens = label.bytes().filter(|&b| b == b'-').count().min(4) as u8;
    let digits = label.bytes().filter(u8::is_ascii_digit).count().min(4) as u8;
    let len = (label.len() / 4).min(8) as u8;
    f(hash(b'l', &[len]));
    f(hash(b'-', &[hyphens]));
    f(hash(b'd', &[digits]));
}

fn hash(kind: u8, bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5 ^ kind as u32;
    h = h.wrapping_mul(0x0100_0193);
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_format_round_trips_and_rejects_garbage() {
        let m = Model { weights: vec![0.5, -1.0, 0.0, 2.0], bias: -0.25 };
        let back = Model::from_bytes(&m.to_bytes()).expect("parses");
        assert_eq!(back.bias, -0.25);
        assert!(back.weights.iter().zip(&m.weights).all(|(a, b)| (a - b).abs() < 0.02));
        for bad in [&b""[..], b"MOATLR1\n", b"MOATLR1\n\x03\0\0\0\0\0\0\0\0\0\0\0abc", b"nope"] {
            assert_eq!(Model::from_bytes(bad), None);
        }
        let mut cut = m.to_bytes();
        cut.pop();
        assert_eq!(Model::from_bytes(&cut), None);
    }

    #[test]
    fn features_are_stable_and_bounded() {
        let mut a = Vec::new();
        features("steam-gift", "ru", false, |h| a.push(h));
        let mut b = Vec::new();
        features("steam-gift", "ru", false, |h| b.push(h));
        assert_eq!(a, b);
        let mut n = 0;
        features(&"x".repeat(10_000), "com", true, |_| n += 1);
        assert!(n < 250, "{n}");
    }
}
