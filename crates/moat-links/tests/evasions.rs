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

#[test]
fn ipv6_and_scheme_relative_links_are_extracted() {
    let c = heuristics_only();
    let r = c.judge(1, "free skins http://[2001:db8::1]/steam");
    assert_eq!(r.links.len(), 1, "{r:?}");
    assert_eq!(r.links[0].url, "http://[2001:db8::1]/steam");
    assert!(r.verdict >= LinkVerdict::Suspicious, "{}", r.summary());
    let r = c.judge(1, "claim here //steam-gift-nitro.ru/claim");
    assert_eq!(r.links.len(), 1, "{r:?}");
    assert_eq!(r.links[0].domain, "steam-gift-nitro.ru");
    assert_eq!(r.verdict, LinkVerdict::Scam);
    assert!(c.judge(1, "a // comment and a//b").links.is_empty());
}

#[test]
fn code_is_not_a_link_but_a_masked_link_is() {
    let c = LinkChecker::bundled();
    for msg in [
        "call `list.sort()` then `foo.py`",
        "```\nimport os.path\nx = steam.gift\n```",
        "``discord-nitro.ru`` is the example from the talk",
    ] {
        let r = c.judge(1, msg);
        assert!(r.links.is_empty(), "{msg:?}: {r:?}");
    }
    let r = c.judge(1, "`[steamcommunity.com/gift](https://steamcomnunity.ru/gift)`");
    assert_eq!(r.verdict, LinkVerdict::Scam, "a masked link counts in any context");
    // An unclosed tick is plain text, as Discord shows it.
    assert_eq!(c.judge(1, "`oops https://steamcomnunity.ru/gift").verdict, LinkVerdict::Scam);
}

#[test]
fn the_edges_of_issue_10() {
    let c = heuristics_only();
    let r = c.judge(1, "https://my-discord-bot.herokuapp.com");
    assert!(r.verdict < LinkVerdict::Scam, "a hobby page naming a brand: {}", r.summary());
    assert_eq!(c.judge(1, "free nitro https://discord-nitro-gift.herokuapp.com").verdict, LinkVerdict::Scam);
    let r = c.judge(1, "https://grabify.link/ABC123");
    assert!(r.verdict >= LinkVerdict::Suspicious && r.links[0].reasons[0].contains("IP logger"), "{r:?}");
    let r = c.judge(1, "https://itch.io.ru/games");
    assert!(r.verdict >= LinkVerdict::Suspicious && r.summary().contains("itch.io"), "{}", r.summary());
    // A blocklist hit shows the other reasons too.
    let r = LinkChecker::bundled().judge(1, "https://1000-rewards.xyz/");
    assert!(r.links[0].reasons[0].contains("blocklist"));
    assert!(r.links[0].reasons.len() >= 2, "{:?}", r.links[0].reasons);
}

#[test]
fn paths_are_reported_as_posted() {
    let r = LinkChecker::bundled().judge(1, "https://www.YouTube.com/watch?v=dQw4w9WgXcQ");
    assert_eq!(r.links[0].url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    let r = heuristics_only().judge(1, "HTTPS://Steam-Gift-Nitro.RU/Claim?Code=AbC");
    assert_eq!(r.links[0].url, "https://steam-gift-nitro.ru/Claim?Code=AbC");
    assert_eq!(r.verdict, LinkVerdict::Scam);
}

#[test]
fn shorteners_are_judged_on_their_path_and_shape() {
    let c = LinkChecker::bundled();
    assert!(c.judge(1, "https://tinyurl.com/freenitro").verdict >= LinkVerdict::Suspicious);
    let r = c.judge(1, "https://tinyurl.com/2p8abcde");
    assert_eq!(r.verdict, LinkVerdict::Clean);
    let r = heuristics_only().judge(1, "https://qq.gg/Ab3dE9");
    assert!(r.links[0].reasons.iter().any(|x| x.contains("looks like a URL shortener")), "{r:?}");
    assert_eq!(r.verdict, LinkVerdict::Clean, "a shortener's shape alone is never a verdict");
}

#[test]
fn channel_settings_override_the_server() {
    use moat_links::{ChannelSettings, MessageFacts};
    let mut c = LinkChecker::bundled();
    c.set_channel(42, ChannelSettings::new(["steam-trade-hub.ru"], ["rival-shop.com"], true));
    let in_42 = MessageFacts { channel_id: Some(42), ..MessageFacts::default() };
    let elsewhere = MessageFacts { channel_id: Some(43), ..MessageFacts::default() };
    let allowed = "https://steam-trade-hub.ru/offer";
    assert_eq!(c.check_with(1, allowed, &in_42).verdict, LinkVerdict::Clean);
    assert!(c.check_with(1, allowed, &elsewhere).verdict >= LinkVerdict::Suspicious);
    assert_eq!(c.check_with(1, "https://rival-shop.com/", &in_42).verdict, LinkVerdict::Scam);
    // Relaxed: the heuristics' `suspicious` is clean here, `scam` still scam.
    let merely = "https://csgo-cases.xyz/";
    assert_eq!(
        c.check_with(1, merely, &elsewhere).verdict,
        LinkVerdict::Suspicious,
        "{}",
        c.check(1, merely).summary()
    );
    assert_eq!(c.check_with(1, merely, &in_42).verdict, LinkVerdict::Clean);
    assert_eq!(c.check_with(1, "https://steamcomnunity.ru/gift", &in_42).verdict, LinkVerdict::Scam);
}
