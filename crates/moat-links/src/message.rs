//! Signals from the message around the links: lure phrases, mass mentions, disguises.
//!
//! "bro steam gived nitro", "@everyone free discord nitro for 3 months": the text of an
//! account-takeover post is as stable as its domains are not. A lure phrase alone is not acted
//! on (people quote scams to warn each other, and a phrase without a link leads nowhere), but
//! it raises the score of any unknown link in the same message. Phrases come from
//! `data/scam-phrases.txt` and are matched on the normalised text with look-alike letters folded,
//! so `frее nitro` with Cyrillic `е` still matches.

use crate::confusable::fold_char;
use crate::normalize::Disguises;

/// Message-level points and reasons.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MessageSignals {
    pub points: u32,
    pub reasons: Vec<String>,
}

/// Lure phrases found in normalised text.
pub fn lure_phrases<'a>(text: &str, phrases: &'a [String]) -> Vec<&'a str> {
    let folded: String;
    let hay = if text.is_ascii() {
        text
    } else {
        folded = text.chars().map(|c| if c.is_ascii() { c } else { fold_char(c).unwrap_or(c) }).collect();
        &folded
    };
    let mut found: Vec<&str> = Vec::new();
    // Cheap pre-filter: a phrase can only occur if its first two bytes do.
    let pairs = byte_pairs(hay);
    for p in phrases {
        let pb = p.as_bytes();
        if pb.len() > hay.len() || (pb.len() >= 2 && !pairs.contains(pair_index(pb[0], pb[1]))) {
            continue;
        }
        if hay.contains(p.as_str()) && !found.iter().any(|f| f.contains(p.as_str()) || p.contains(*f)) {
            found.push(p);
        }
    }
    found
}

/// A 4096-bit set of the (folded) byte pairs present in a text.
struct PairSet([u64; 64]);

impl PairSet {
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

fn pair_index(a: u8, b: u8) -> usize {
    ((a as usize & 63) << 6) | (b as usize & 63)
}

fn byte_pairs(s: &str) -> PairSet {
    let mut set = PairSet([0; 64]);
    for w in s.as_bytes().windows(2) {
        let i = pair_index(w[0], w[1]);
        set.0[i / 64] |= 1 << (i % 64);
    }
    set
}

/// Everything about the message that is not one link.
pub fn signals(raw: &str, text: &str, disguises: Disguises, phrases: &[String]) -> MessageSignals {
    let mut m = MessageSignals::default();
    // Phrases are about the words around the links; the links are judged on their own.
    let words: String = text
        .split_whitespace()
        .filter(|w| !w.contains('/') && !w.contains("](") && crate::extract::classify(w).is_none())
        .collect::<Vec<_>>()
        .join(" ");
    let found = lure_phrases(&words, phrases);
    for (i, p) in found.iter().take(3).enumerate() {
        m.points += if i == 0 { 4 } else { 1 };
        m.reasons.push(format!("lure phrase \"{p}\""));
    }
    if raw.contains("@everyone") || raw.contains("@here") {
        m.points += 1;
        m.reasons.push("mass mention (@everyone/@here) with a link".into());
    }
    if disguises.invisible {
        m.points += 2;
        m.reasons.push("invisible characters hidden in the text".into());
    }
    if disguises.fullwidth {
        m.points += 1;
        m.reasons.push("fullwidth characters used to disguise text".into());
    }
    if disguises.defanged {
        m.points += 1;
        m.reasons.push("link written in a defanged form (hxxp, [.], dot)".into());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases() -> Vec<String> {
        ["free nitro", "free nitro for", "bro steam gived nitro"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn phrases_match_through_homoglyphs_and_do_not_double_count() {
        let p = phrases();
        assert_eq!(lure_phrases("get frее nitro here", &p), ["free nitro"]);
        assert_eq!(lure_phrases("free nitro for you", &p).len(), 1);
        assert!(lure_phrases("hello there", &p).is_empty());
    }

    #[test]
    fn mentions_and_disguises_add_points() {
        let d = Disguises { invisible: true, fullwidth: false, defanged: false };
        let m = signals("@everyone bro steam gived nitro", "@everyone bro steam gived nitro", d, &phrases());
        assert_eq!(m.points, 4 + 1 + 2);
        assert_eq!(m.reasons.len(), 3);
    }
}
