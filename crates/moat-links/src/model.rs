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
//! `u32`, then four little-endian `f32`: the scale, the bias and the logits from which the model
//! gives one and two points, then one `i8` weight per bucket (weight = `i8 × scale`). A file
//! that does not parse gives no model, never a panic.

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
    /// Logits from which the model gives one and two points (chosen by the trainer so that
    /// few popular sites reach them).
    pub thresholds: [f32; 2],
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
        let f = |i: usize| -> Option<f32> { Some(f32::from_le_bytes(rest.get(i..i + 4)?.try_into().ok()?)) };
        let (scale, bias, t1, t2) = (f(4)?, f(8)?, f(12)?, f(16)?);
        let w = rest.get(20..20 + n)?;
        if !n.is_power_of_two() || rest.len() != 20 + n || ![scale, bias, t1, t2].iter().all(|x| x.is_finite()) {
            return None;
        }
        Some(Model { weights: w.iter().map(|&q| q as i8 as f32 * scale).collect(), bias, thresholds: [t1, t2] })
    }

    /// Writes the file format (the trainer uses it).
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-6);
        let scale = max / 127.0;
        let mut out = MAGIC.to_vec();
        out.extend((self.weights.len() as u32).to_le_bytes());
        for x in [scale, self.bias, self.thresholds[0], self.thresholds[1]] {
            out.extend(x.to_le_bytes());
        }
        out.extend(self.weights.iter().map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8 as u8));
        out
    }

    /// The model's logit for a name as [`masked`] leaves it.
    pub fn logit(&self, masked: &str) -> f32 {
        let mask = self.weights.len() - 1;
        let mut z = self.bias;
        features(masked, |h| z += self.weights[h as usize & mask]);
        z
    }

    /// Adds the model's points and reason to a link's score.
    pub fn signals(&self, link: &Link, s: &mut Score) {
        let m = masked_with(link, &s.lure_words);
        // Below four letters left there is nothing of the model's own to judge.
        if m.chars().filter(|c| c.is_alphanumeric()).count() < 4 {
            return;
        }
        let z = self.logit(&m);
        let points = self.thresholds.iter().filter(|&&t| z >= t).count() as u32;
        if points > 0 {
            s.add(points, format!("its name reads like the scam domains moat learned from (score {z:.1})"));
        }
    }
}

/// A link's name with what the heuristics already score replaced by `*`: protected brands'
/// names and lure words. The model judges what is left, so that it adds knowledge (the shape
/// and letters of scam names) instead of counting a brand or a lure twice.
pub fn masked(link: &Link) -> String {
    masked_with(link, &crate::heuristics::name::lure_words(&link.label))
}

/// [`masked`], with the lure words already found.
pub fn masked_with(link: &Link, lures: &[&str]) -> String {
    let label = link.label.as_str();
    let plain: String = label.chars().filter(|&c| c != '-').collect();
    let mut masked = label.to_string();
    for t in crate::brands::embedded_tokens(&plain) {
        masked = masked.replace(t.token, "*");
    }
    for w in lures {
        if masked.contains(w) {
            masked = masked.replace(w, "*");
        }
    }
    masked
}

/// The features of a link's name (what the trainer fits on).
pub fn link_features(link: &Link, f: impl FnMut(u32)) {
    features(&masked(link), f);
}

/// Calls `f` with the hash of every feature of a name: character 3- to 5-grams of `^label$`
/// (none across a `*`, which stands for a masked word), and buckets of length and digits. The
/// TLD, hosting and hyphens are left to the heuristics.
pub fn features(label: &str, mut f: impl FnMut(u32)) {
    let mut text = Vec::with_capacity(label.len() + 2);
    text.push(b'^');
    text.extend(label.bytes().take(64));
    text.push(b'$');
    for n in 3..=5 {
        for w in text.windows(n).filter(|w| !w.contains(&b'*')) {
            f(hash(n as u8, w));
        }
    }
    let digits = label.bytes().filter(u8::is_ascii_digit).count().min(4) as u8;
    let len = (label.len() / 4).min(8) as u8;
    f(hash(b'l', &[len]));
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
        let m = Model { weights: vec![0.5, -1.0, 0.0, 2.0], bias: -0.25, thresholds: [1.0, 2.0] };
        let back = Model::from_bytes(&m.to_bytes()).expect("parses");
        assert_eq!(back.bias, -0.25);
        assert!(back.weights.iter().zip(&m.weights).all(|(a, b)| (a - b).abs() < 0.02));
        assert_eq!(back.thresholds, [1.0, 2.0]);
        for bad in [&b""[..], b"MOATLR1\n", b"MOATLR1\n\x03\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0abc", b"nope"] {
            assert_eq!(Model::from_bytes(bad), None);
        }
        let mut cut = m.to_bytes();
        cut.pop();
        assert_eq!(Model::from_bytes(&cut), None);
    }

    #[test]
    fn features_are_stable_and_bounded() {
        let mut a = Vec::new();
        features("steam-gift", |h| a.push(h));
        let mut b = Vec::new();
        features("steam-gift", |h| b.push(h));
        assert_eq!(a, b);
        let mut n = 0;
        features(&"x".repeat(10_000), |_| n += 1);
        assert!(n < 250, "{n}");
    }
}
