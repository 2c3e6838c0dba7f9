//! Whole messages using each evasion must be caught, ordinary messages must stay clean, and
//! the lists, allowlist and guild additions must apply in the documented order.

use moat_core::links::{LinkJudge, LinkVerdict};
use moat_links::eval::{EVASIONS, ORDINARY};
use moat_links::{DomainSet, GuildLists, LinkChecker, Options};

fn heuristics_only() -> LinkChecker {
    LinkChecker::with_options(Options { no_blocklist: true, ..Options::default() })
}

#[test]
fn every_evasion_is_caught_by_heuristics_alone() {
    let c = heuristics_only();
    for (msg, want) in EVASIONS {
        let r = c.judge(1, msg);
        assert!(r.verdict >= *want, "{msg:?} got {:?}: {}", r.verdict, r.summary());
        assert!(!r.links.is_empty(), "{msg:?} found no link");
    }
}

#[test]
fn ordinary_messages_stay_clean() {
    let c = LinkChecker::bundled();
    for msg in ORDINARY {
        let r = c.judge(1, msg);
        assert_eq!(r.verdict, LinkVerdict::Clean, "{msg:?}: {}", r.summary());
    }
}

#[test]
fn masked_link_reports_shown_and_real_domain() {
    let r = heuristics_only().judge(1, "[steamcommunity.com/gift](https://example-prize.com/x)");
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].domain, "example-prize.com");
    assert!(r.links[0].reasons.iter().any(|x| x.contains("shows steamcommunity.com")), "{:?}", r.links[0].reasons);
    assert_eq!(r.verdict, LinkVerdict::Scam);
    // Same owner shown and opened: nothing to say.
    let r = heuristics_only().judge(1, "[steamcommunity.com](https://steamcommunity.com/id/x)");
    assert_eq!(r.verdict, LinkVerdict::Clean);
}

#[test]
fn idn_is_reported_in_ascii_and_judged_in_unicode() {
    let r = heuristics_only().judge(1, "https://dіscord.com/");
    assert!(r.links[0].domain.starts_with("xn--"), "{}", r.links[0].domain);
    assert_eq!(r.verdict, LinkVerdict::Scam);
}

#[test]
fn shortener_alone_is_not_scam_but_raises_a_lure() {
    let c = LinkChecker::bundled();
    let r = c.judge(1, "https://bit.ly/abc");
    assert_eq!(r.verdict, LinkVerdict::Clean);
    assert!(r.links[0].reasons[0].contains("shortener"));
    assert!(c.judge(1, "i have some nitro left https://bit.ly/abc").verdict >= LinkVerdict::Suspicious);
    assert_eq!(c.judge(1, "@everyone new video https://bit.ly/abc").verdict, LinkVerdict::Clean);
    // `clck.ru` is on a public list, and is a real shortener.
    assert_eq!(c.judge(1, "https://clck.ru/abc").verdict, LinkVerdict::Clean);
    // A list entry naming one exact shortened link still applies.
    assert_eq!(c.judge(1, "https://bit.ly/2zo2ibr").verdict, LinkVerdict::Scam);
}

#[test]
fn allowlist_wins_over_public_lists() {
    let c = LinkChecker::bundled();
    for real in [
        "https://counter-strike.net/",
        "https://steamcommunity.com/gift",
        "https://discord.gift/x",
        "https://vercel.app/",
    ] {
        assert_eq!(c.judge(1, real).verdict, LinkVerdict::Clean, "{real}");
    }
    // A site hosted under an allowed hosting suffix is not allowed by it.
    assert!(c.judge(1, "https://steam-gift-nitro.vercel.app/").verdict >= LinkVerdict::Suspicious);
}

#[test]
fn lists_and_no_blocklist() {
    let listed = "https://1000-rewards.xyz/";
    assert_eq!(LinkChecker::bundled().judge(1, listed).verdict, LinkVerdict::Scam);
    let r = heuristics_only().judge(1, listed);
    assert!(r.links[0].reasons.iter().all(|x| !x.contains("blocklist")));
    let mut c = heuristics_only();
    c.add_blocklist_text("1000-rewards.xyz");
    assert!(
        c.judge(1, listed).links[0].reasons.iter().all(|x| !x.contains("blocklist")),
        "no_blocklist covers extra lists"
    );
    let mut c = LinkChecker::bundled();
    c.add_blocklist_text("# mine\nmy-bad-site.com\n");
    assert_eq!(c.judge(1, "https://sub.my-bad-site.com/x").verdict, LinkVerdict::Scam);
    let mut feed = DomainSet::new();
    feed.insert("feed-listed.net");
    c.set_feed("test", feed);
    assert_eq!(c.judge(1, "feed-listed.net/x").verdict, LinkVerdict::Scam);
}

#[test]
fn guild_additions_apply_to_their_guild_only() {
    let mut c = LinkChecker::bundled();
    c.set_guild(7, GuildLists::new(["steam-gift-nitro.ru"], ["example.com"]));
    assert_eq!(c.judge(7, "https://steam-gift-nitro.ru/").verdict, LinkVerdict::Clean);
    assert_eq!(c.judge(8, "https://steam-gift-nitro.ru/").verdict, LinkVerdict::Scam);
    let r = c.judge(7, "https://www.example.com/page");
    assert_eq!(r.verdict, LinkVerdict::Scam);
    assert!(r.links[0].reasons[0].contains("this server"));
    assert_eq!(c.judge(8, "https://www.example.com/page").verdict, LinkVerdict::Clean);
}

#[test]
fn every_heuristic_has_a_reason() {
    let c = heuristics_only();
    let cases = [
        ("https://steamcommunity.com@steam-trade.ru/", "shows the real site `steamcommunity.com@`"),
        ("https://login.example@steam-trade.ru/", "shows `login.example@`"),
        ("http://3232235777/", "IP address"),
        ("https://a.com/claim-nitro", "lure path"),
        ("https://qzxkvbnmtpw.xyz/", "machine-generated"),
        ("https://nitro-drop.vercel.app/", "hosting"),
        ("https://mysteamshop.com/", "name `steam` (Steam)"),
        ("https://steamcommunity.com.trade-offer.ru/", "pretends to be steamcommunity.com"),
        ("https://steam-gift.offer-now.ru/", "subdomain"),
        ("https://dis\u{0301}cord.com/", "lookalike"),
        ("https:\\\\steamcommunity.com.evil.ru\\x", "pretends"),
        ("https://example%2ecom.evil.ru/", "percent-encoded"),
        ("https://сосо.com/", "look Latin"),
        ("https://dіscord-x.com/", "mixes Latin"),
        ("https://stemcomunnity.com/", "typo"),
        ("https://site.gq/", "cheap TLD"),
    ];
    for (url, want) in cases {
        let r = c.judge(1, url);
        let all: Vec<String> = r.links.iter().flat_map(|l| l.reasons.clone()).collect();
        assert!(all.iter().any(|x| x.contains(want)), "{url}: {all:?}");
    }
}

#[test]
fn repeated_links_are_reported_once() {
    let r = heuristics_only().judge(1, "https://a-b.com/x https://a-b.com/x <https://a-b.com/x>");
    assert_eq!(r.links.len(), 1);
}

#[test]
fn the_no_link_path_is_clean_and_empty() {
    let c = LinkChecker::bundled();
    let r = c.judge(1, "just chatting, nothing to see");
    assert_eq!(r, moat_core::links::LinkReport::clean());
}
