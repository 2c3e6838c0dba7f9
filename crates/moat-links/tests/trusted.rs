//! Which links the engine may treat as trusted when it looks for campaigns.

use moat_core::links::LinkJudge;
use moat_links::{GuildLists, LinkChecker};

#[test]
fn popular_and_official_sites_are_trusted_shorteners_and_hosting_are_not() {
    let mut c = LinkChecker::bundled();
    c.set_guild(7, GuildLists::new(["ourclan.gg"], Vec::<String>::new()));
    for url in [
        "www.twitch.tv/videos/2045678912",
        "youtube.com/watch?v=x",
        "store.steampowered.com/app/730",
        "discord.com/channels/@me",
    ] {
        assert!(c.trusted_link(1, url), "{url}");
    }
    for url in [
        "discord.gg/fr33n1tro",
        "discord.com/invite/abc",
        "t.me/freegifts",
        "bit.ly/3abc",
        "steam-gift.vercel.app/claim",
        "steamcommunlty.ru/gift",
        "192.168.1.1/x",
        "ourclan.gg/join",
    ] {
        assert!(!c.trusted_link(1, url), "{url}");
    }
    assert!(c.trusted_link(7, "ourclan.gg/join"), "a guild's own allowlist counts for that guild");
}
