//! Unit tests of the scorer: each signal on its own, and the rules that combine them.

use super::*;
use crate::extract::classify;

fn judge(u: &str) -> Score {
    let paths: Vec<String> = ["claim-nitro", "gift"].iter().map(|s| s.to_string()).collect();
    let allowed = |d: &str| matches!(d, "steamcommunity.com" | "itch.io" | "roblox.com" | "x.com");
    let ctx = Context { allowed: &allowed, scam_paths: &paths, model: None };
    score(&crate::url::parse(&classify(u).unwrap()).unwrap(), &ctx)
}

#[test]
fn lookalikes_are_scam() {
    for u in [
        "https://steamcommunlty.com/",
        "https://dіscord.com/",
        "https://d1scord-gift.com/",
        "https://stearncomnunity.ru/",
        "https://s.team-xx.com/",
        "https://st.eam-c.com/",
        "https://www-roblox.com/",
    ] {
        assert!(judge(u).points >= SCAM, "{u}: {:?}", judge(u));
    }
}

#[test]
fn brand_with_lures_and_brand_alone() {
    let s = judge("https://steam-gift-nitro.ru/");
    assert!(s.points >= SCAM, "{s:?}");
    for fan in ["https://discordfans.com/", "https://steamcharts.com/", "https://twitchtracker.com/"] {
        assert!(judge(fan).points < SUSPICIOUS, "{fan}: {:?}", judge(fan));
    }
    assert!(judge("https://steamcommunity.com.evil.ru/").points >= SUSPICIOUS);
}

#[test]
fn a_real_site_with_a_foreign_suffix_is_not_clean() {
    let s = judge("https://itch.io.ru/");
    assert!(s.points >= SUSPICIOUS, "{s:?}");
    assert!(s.reasons.iter().any(|r| r.contains("itch.io")), "{s:?}");
    assert!(judge("https://roblox.com.nl/").points >= SCAM);
    // A country domain under a public suffix is the site's own kind of name, not a pretence.
    assert!(judge("https://x.com.au/").points < SUSPICIOUS, "{:?}", judge("https://x.com.au/"));
}

#[test]
fn a_hobby_page_on_a_free_host_is_at_most_suspicious() {
    let s = judge("https://my-discord-bot.herokuapp.com/");
    assert!(s.points < SCAM, "{s:?}");
    assert!(judge("https://discord-nitro.herokuapp.com/").points >= SCAM);
}

#[test]
fn weak_signals_alone_stay_clean() {
    for u in ["https://example.ru/", "https://freepik.com/", "https://mygift.com/", "https://books.xyz/"] {
        assert!(judge(u).points < SUSPICIOUS, "{u}: {:?}", judge(u));
    }
}

#[test]
fn lure_paths_hosting_ip_userinfo_masking() {
    assert!(judge("https://a-site.com/claim-nitro").points >= SUSPICIOUS);
    assert!(judge("https://nitro-drop.vercel.app/").points >= SUSPICIOUS);
    assert!(judge("http://3232235777/gift").points >= SCAM);
    assert!(judge("https://steamcommunity.com@evil.ru/").points >= SCAM);
    assert!(judge("https://example.org@evil.ru/").points >= SUSPICIOUS);
    assert!(judge("https://a-shop.com/gift").points < SUSPICIOUS);
    assert!(judge("http://[2001:db8::1]/steam").points >= SUSPICIOUS);
    let paths: Vec<String> = vec![];
    let allowed = |d: &str| d == "steamcommunity.com";
    let ctx = Context { allowed: &allowed, scam_paths: &paths, model: None };
    let mut c = classify("https://evil.ru/x").unwrap();
    c.shown = Some("steamcommunity.com/gift".into());
    assert!(score(&crate::url::parse(&c).unwrap(), &ctx).points >= SCAM);
}

#[test]
fn lure_words_through_digits_and_homoglyphs() {
    let s = judge("https://fr33-n1tr0.com/");
    assert!(s.reasons.iter().any(|r| r.contains("`free`")) && s.reasons.iter().any(|r| r.contains("`nitro`")), "{s:?}");
    assert!(s.points >= SUSPICIOUS);
    assert!(judge("https://gіft-box.com/").reasons.iter().any(|r| r.contains("`gift`")));
}

#[test]
fn new_families() {
    for u in [
        "https://arbitrum-claim.xyz/",
        "https://collabland-verify.com/",
        "https://claim-airdrop.pages.dev/",
        "https://genshin-topup.shop/",
        "https://roblox-free-robux.com/",
        "https://valorant-drops.online/",
    ] {
        assert!(judge(u).points >= SUSPICIOUS, "{u}: {:?}", judge(u));
    }
}
