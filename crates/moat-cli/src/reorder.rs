//! The reorder buffer of `moat replay`: events a little out of order are put back in order.
//!
//! A capture written by several shards, or merged from two files, has events a few
//! seconds out of order. Taking a late event at the time already reached shifts it into a
//! window it was never in, which changes what the detectors see (issue 10: up to 18 times
//! the actions). So every line is held, ordered by its `ts` (then by its place in the
//! file), until the newest `ts` read is [`REORDER_MS`] past it; nothing read later may
//! then come before it. Events further back than that are the caller's to skip and report.
//!
//! The buffer copies each held line into a byte buffer taken from a pool and given back
//! on release, so a replay allocates only while the window grows, never per event. The
//! line's time is sniffed from its start (`{"ts":<digits>`, as captures write it) so a
//! line is parsed once, when it is released.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// How far back in time an event may be dated and still be put back in order; older
/// ones are reported and skipped like bad lines.
pub const REORDER_MS: u64 = 5_000;

/// One held line: its time, its number in the capture and its bytes.
pub struct Held {
    pub ts: u64,
    pub line_no: u64,
    pub bytes: Vec<u8>,
}

impl PartialEq for Held {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Held {}
impl PartialOrd for Held {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Held {
    /// Reversed, so the max-heap gives the earliest (`ts`, then line number) first.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.ts, o.line_no).cmp(&(self.ts, self.line_no))
    }
}

/// Lines held until no later line can come before them.
#[derive(Default)]
pub struct Reorder {
    heap: BinaryHeap<Held>,
    pool: Vec<Vec<u8>>,
    /// The newest `ts` read so far.
    pub newest: u64,
}

impl Reorder {
    /// Holds a copy of `line`, dated `ts`.
    pub fn hold(&mut self, ts: u64, line_no: u64, line: &[u8]) {
        let mut bytes = self.pool.pop().unwrap_or_default();
        bytes.clear();
        bytes.extend_from_slice(line);
        self.newest = self.newest.max(ts);
        self.heap.push(Held { ts, line_no, bytes });
    }

    /// The earliest held line if nothing still to be read can come before it (or, with
    /// `all`, at the end of the input, whatever its time).
    pub fn next(&mut self, all: bool) -> Option<Held> {
        let ready = self.heap.peek().is_some_and(|h| all || h.ts + REORDER_MS <= self.newest);
        if ready {
            self.heap.pop()
        } else {
            None
        }
    }

    /// Gives a released line's buffer back for the next one.
    pub fn recycle(&mut self, bytes: Vec<u8>) {
        self.pool.push(bytes);
    }
}

/// The `ts` of a line that starts `{"ts":<digits>` followed by `,` or `}`; `None` for any
/// other shape (the caller then parses the line to learn its time).
pub fn sniff_ts(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("{\"ts\":")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 19 || !matches!(rest.as_bytes().get(digits), Some(b',' | b'}')) {
        return None;
    }
    rest[..digits].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_is_sniffed_only_from_the_usual_shape() {
        assert_eq!(sniff_ts(r#"{"ts":1767272399999,"t":"X","d":{}}"#), Some(1767272399999));
        assert_eq!(sniff_ts(r#"{"ts":5}"#), Some(5));
        assert_eq!(sniff_ts(r#"{"t":"X","ts":5,"d":{}}"#), None);
        assert_eq!(sniff_ts(r#"{"ts":5.5,"t":"X"}"#), None);
        assert_eq!(sniff_ts(r#"{"ts":-5,"t":"X"}"#), None);
        assert_eq!(sniff_ts(r#"{"ts":99999999999999999999,"t":"X"}"#), None);
        assert_eq!(sniff_ts(r#"{"ts":"#), None);
    }

    #[test]
    fn lines_come_out_in_time_order_once_nothing_can_precede_them() {
        let mut r = Reorder::default();
        for (line_no, ts) in [(1, 1_000), (2, 3_000), (3, 500), (4, 3_000), (5, 2_000)] {
            r.hold(ts, line_no, b"x");
        }
        assert!(r.next(false).is_none(), "the newest is 3 s: nothing is 5 s behind it");
        r.hold(6_000, 6, b"y");
        let first: Vec<u64> = std::iter::from_fn(|| r.next(false)).map(|h| h.line_no).collect();
        assert_eq!(first, [3, 1], "500 and 1000 are 5 s behind 6000");
        let rest: Vec<u64> = std::iter::from_fn(|| r.next(true)).map(|h| h.line_no).collect();
        assert_eq!(rest, [5, 2, 4, 6], "equal times keep the file's order");
    }
}
