//! Bounded random and adversarial inputs: nothing may panic, and time must stay linear.

use std::time::{Duration, Instant};

use moat_core::links::LinkJudge;
use moat_links::LinkChecker;

const PIECES: &[&str] = &[
    "a",
    "z",
    "0",
    "9",
    ".",
    "/",
    ":",
    "//",
    "@",
    "%",
    "%2e",
    "%e2%80",
    "-",
    "_",
    "[",
    "]",
    "(",
    ")",
    "](",
    "<",
    ">",
    " ",
    "\n",
    "xn--",
    "xn--dscord-3ve",
    "hxxp",
    "https://",
    "[.]",
    " dot ",
    "com",
    "ru",
    "steam",
    "discord",
    "nitro",
    "е",
    "ѕ",
    "і",
    "\u{200B}",
    "\u{202E}",
    "ｄ",
    "．",
    "0x",
    "4294967296",
    "999",
    "*",
    "|",
    "`",
    "#",
    "?",
    "=",
    "&",
    "é",
    "日本",
    "😂",
    "\u{0301}",
    "xn--",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_messages_never_panic() {
    let c = LinkChecker::bundled();
    let mut rng = Rng(0x1234_5678_9abc_def1);
    // MOAT_FUZZ_ITERS=2000000 for a longer run.
    let iters: usize = std::env::var("MOAT_FUZZ_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    for _ in 0..iters {
        let len = rng.next(40);
        let msg: String = (0..len).map(|_| PIECES[rng.next(PIECES.len())]).collect();
        let r = c.judge(1, &msg);
        assert!(r.score >= 0.0);
        assert!(r.links.len() <= moat_links::extract::MAX_LINKS);
    }
    // Raw random bytes made into (lossy) text, too.
    for _ in 0..5_000 {
        let len = rng.next(64);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next(256) as u8).collect();
        c.judge(1, &String::from_utf8_lossy(&bytes));
    }
}

fn time(c: &LinkChecker, msg: &str) -> Duration {
    let t = Instant::now();
    c.judge(1, msg);
    t.elapsed()
}

#[test]
fn adversarial_megabyte_inputs_finish_quickly_and_linearly() {
    let c = LinkChecker::bundled();
    let patterns = [
        "a.",
        "](",
        "[",
        "[x](",
        "https://",
        "xn--a.",
        "%2e",
        "a.com/",
        "steam.",
        "x dot ",
        "hxxp[.]",
        "\u{200B}",
        "е.",
        "a@",
        "1.",
        ":",
        "(.)",
        "d1scord-gift.ru/claim ",
    ];
    for p in patterns {
        let small = p.repeat(100_000 / p.len());
        let big = p.repeat(1_000_000 / p.len());
        let ts = time(&c, &small);
        let tb = time(&c, &big);
        // Generous: debug builds on a loaded 2-core machine.
        assert!(tb < Duration::from_secs(5), "{p:?}: 1 MB took {tb:?}");
        assert!(tb < ts * 40 + Duration::from_millis(200), "{p:?}: 100 KB {ts:?}, 1 MB {tb:?}: not linear");
    }
}
