//! Approximate substring search: how many edits separate a brand token from the closest part
//! of a name.
//!
//! Every link to an unknown domain is compared with every brand token, so this is on the hot
//! path. Myers' bit-parallel algorithm (Hyyrö's formulation, search mode) finds the smallest
//! Levenshtein distance between a pattern of up to 64 bytes and any substring of the text in
//! one pass over the text, a few word operations per byte. Swapped neighbours (`dicsord`) are
//! two Levenshtein edits but one typo to a reader, so when Myers lands just outside the budget
//! we confirm with the optimal-string-alignment distance (transpositions count one), a plain
//! dynamic programme that runs only on those rare near misses.

/// A compiled search pattern (at most 64 bytes; longer patterns are truncated).
pub struct Pattern {
    bytes: Vec<u8>,
    peq: Box<[u64; 256]>,
}

impl Pattern {
    pub fn new(pattern: &[u8]) -> Self {
        let bytes: Vec<u8> = pattern.iter().copied().take(64).collect();
        let mut peq = Box::new([0u64; 256]);
        for (i, &b) in bytes.iter().enumerate() {
            peq[b as usize] |= 1u64 << i;
        }
        Pattern { bytes, peq }
    }

    /// Smallest Levenshtein distance between the pattern and a substring of `text`.
    pub fn levenshtein_in(&self, text: &[u8]) -> usize {
        let m = self.bytes.len();
        if m == 0 {
            return 0;
        }
        let high = 1u64 << (m - 1);
        let mask = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
        let (mut pv, mut mv) = (mask, 0u64);
        let mut score = m;
        let mut best = m;
        for &c in text {
            let eq = self.peq[c as usize];
            let xv = eq | mv;
            let xh = (((eq & pv).wrapping_add(pv)) ^ pv) | eq;
            let mut ph = mv | !(xh | pv);
            let mut mh = pv & xh;
            if ph & high != 0 {
                score += 1;
            } else if mh & high != 0 {
                score -= 1;
            }
            ph = (ph << 1) & mask;
            mh = (mh << 1) & mask;
            pv = (mh | !(xv | ph)) & mask;
            mv = ph & xv;
            best = best.min(score);
        }
        best
    }

    /// The distance to the closest substring if it is within `budget` (transpositions counting
    /// as one edit), else `None`.
    pub fn best_distance(&self, text: &[u8], budget: usize) -> Option<usize> {
        let lev = self.levenshtein_in(text);
        if lev <= budget {
            return Some(lev);
        }
        // One swapped pair costs two Levenshtein edits but one OSA edit.
        if lev == budget + 1 && budget > 0 && text.len() <= 128 {
            let osa = osa_in(&self.bytes, text);
            if osa <= budget {
                return Some(osa);
            }
        }
        None
    }
}

/// Smallest optimal-string-alignment distance between `p` and any substring of `t`.
pub fn osa_in(p: &[u8], t: &[u8]) -> usize {
    let (m, n) = (p.len(), t.len());
    // Three rolling rows: d[i][j] is the distance between p[..i] and a substring of t ending
    // at j (row 0 is all zeros: the substring may start anywhere).
    let (mut two, mut one, mut cur) = (vec![0usize; n + 1], vec![0usize; n + 1], vec![0usize; n + 1]);
    for i in 1..=m {
        cur[0] = i;
        for j in 1..=n {
            let cost = usize::from(p[i - 1] != t[j - 1]);
            let mut d = (one[j] + 1).min(cur[j - 1] + 1).min(one[j - 1] + cost);
            if i > 1 && j > 1 && p[i - 1] == t[j - 2] && p[i - 2] == t[j - 1] {
                d = d.min(two[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut two, &mut one);
        std::mem::swap(&mut one, &mut cur);
    }
    let last = if m == 0 { &cur } else { &one };
    last.iter().copied().min().unwrap_or(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(p: &[u8], t: &[u8]) -> usize {
        // Levenshtein-only version of osa_in, for cross-checking Myers.
        let (m, n) = (p.len(), t.len());
        let mut prev: Vec<usize> = vec![0; n + 1];
        for i in 1..=m {
            let mut cur = vec![i; n + 1];
            for j in 1..=n {
                let cost = usize::from(p[i - 1] != t[j - 1]);
                cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            }
            prev = cur;
        }
        prev.into_iter().min().unwrap_or(m)
    }

    #[test]
    fn myers_agrees_with_the_textbook_programme() {
        let words: [&[u8]; 8] = [b"steam", b"dlscord", b"steamcomunlty", b"x", b"", b"aaaa", b"abcabc", b"zzz"];
        for p in words.iter().filter(|p| !p.is_empty()) {
            for t in words {
                assert_eq!(Pattern::new(p).levenshtein_in(t), naive(p, t), "{p:?} in {t:?}");
            }
        }
    }

    #[test]
    fn osa_rolling_rows_match_the_definition() {
        assert_eq!(osa_in(b"abc", b"xxabcxx"), 0);
        assert_eq!(osa_in(b"abc", b"xxacbxx"), 1);
        assert_eq!(osa_in(b"abc", b""), 3);
        assert_eq!(osa_in(b"", b"abc"), 0);
        assert_eq!(osa_in(b"dlscord", b"dlcsord"), 1);
        assert_eq!(osa_in(b"steam", b"stema"), 1);
    }

    #[test]
    fn transpositions_count_once() {
        let p = Pattern::new(b"dlscord");
        assert_eq!(p.levenshtein_in(b"dlcsord"), 2);
        assert_eq!(p.best_distance(b"dlcsord", 1), Some(1));
        assert_eq!(p.best_distance(b"xyzzy", 1), None);
        assert_eq!(p.best_distance(b"freedlscordnitro", 0), Some(0));
    }
}
