//! A capture's lines, read in large blocks and handed out in place: no copy per line.
//!
//! `BufRead::read_until` copies every line into a buffer of its own; on a capture of
//! 100 MiB that copy (and its byte-by-byte search for the newline) costs more than a tenth
//! of a replay. [`Lines`] reads a mebibyte at a time, finds newlines with `memchr`, and
//! lends each line as a slice of its block; only a line cut by the block's end is moved,
//! once, to the front.

use std::io::{self, Read};

/// How much is read at a time (a line longer than this grows the block).
const BLOCK: usize = 1 << 20;

/// Lines of a reader, lent one at a time ([`Lines::next_line`]).
pub struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    /// The unread part of `buf` is `start..end`.
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Lines<R> {
    pub fn new(input: R) -> Self {
        Self { input, buf: vec![0; BLOCK], start: 0, end: 0, eof: false }
    }

    /// The next line, without its `\n`; `None` at the end of the input.
    pub fn next_line(&mut self) -> Option<io::Result<&[u8]>> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                let line = self.start..self.start + i;
                self.start += i + 1;
                return Some(Ok(&self.buf[line]));
            }
            if self.eof {
                if self.start == self.end {
                    return None;
                }
                let line = self.start..self.end;
                self.start = self.end;
                return Some(Ok(&self.buf[line]));
            }
            if let Err(e) = self.fill() {
                self.eof = true;
                self.start = self.end;
                return Some(Err(e));
            }
        }
    }

    /// Moves what is left to the front (growing the block if a line fills it) and reads
    /// more behind it.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes a call.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn all(input: &[u8], step: usize) -> Vec<Vec<u8>> {
        let mut l = Lines::new(Trickle(input, step));
        let mut out = Vec::new();
        while let Some(line) = l.next_line() {
            out.push(line.unwrap().to_vec());
        }
        out
    }

    #[test]
    fn lines_come_out_whole_whatever_the_reads() {
        let text = b"one\ntwo\n\nthree without end";
        let want: Vec<Vec<u8>> = vec![b"one".to_vec(), b"two".to_vec(), Vec::new(), b"three without end".to_vec()];
        for step in [1, 2, 3, 7, 100] {
            assert_eq!(all(text, step), want, "reads of {step}");
        }
        assert!(all(b"", 5).is_empty());
    }

    #[test]
    fn a_line_longer_than_a_block_grows_it() {
        let mut text = vec![b'x'; BLOCK * 2 + 17];
        text.extend_from_slice(b"\nshort\n");
        let lines = all(&text, BLOCK / 3);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), BLOCK * 2 + 17);
        assert_eq!(lines[1], b"short");
    }
}
