//! The allowlist: real sites that no list and no heuristic may ever call a scam.
//!
//! Public scam lists are crowd-sourced and contain mistakes (Valve's own `counter-strike.net`,
//! shorteners, hosting suffixes); fan sites legitimately carry brand names (`steamdb.info`).
//! Punishing a real link costs a community far more trust than missing one scam, so the
//! allowlist wins over every list and every heuristic. It is matched on the link's *owner*
//! (registrable domain, or the subdomain under a hosting suffix), so allowing `github.io` or
//! `vercel.app` itself never allows the sites people host under them.
//!
//! Sources: the 500 most linked-to sites (`data/top-sites.txt`), every official domain of a
//! protected brand (`brands.rs`), and the hand-checked list below of real services that Discord
//! communities link to all the time or whose names contain a brand token.

/// Real services, hand-checked. Mostly gaming, Discord bots and media hosts.
pub const EXTRA_ALLOWED: &[&str] = &[
    // Steam / Valve ecosystem fan and data sites
    "steamdb.info", "steamgifts.com", "steamcharts.com", "steamrep.com", "steamladder.com",
    "steamid.io", "steamid.uk", "steamidfinder.com", "steamtradematcher.com", "steamspy.com",
    "csgostash.com", "csgoskins.gg", "csfloat.com", "buff.163.com",
    "pricempire.com", "hltv.org", "esportal.com", "liquipedia.net", "leetify.com",
    "csstats.gg", "tracker.gg", "opendota.com", "dotabuff.com", "protondb.com",
    "isthereanydeal.com", "gg.deals", "humblebundle.com", "gog.com", "fanatical.com",
    "nitrotype.com", "nitrado.net", "nitropack.io", "gonitro.com", "steamgriddb.com",
    "steamcardexchange.net", "steamtrades.com", "steamstat.us", "planetminecraft.com",
    "minecraftforum.net", "namemc.com", "fortnitetracker.com", "fortnite.gg", "twitchtracker.com",
    "streamelements.com", "streamlabs.com", "csgofloat.com", "faceitanalyser.com",
    // Discord ecosystem
    "top.gg", "disboard.org", "discord.me", "discords.com", "discordservers.com",
    "discordbotlist.com", "discord.bots.gg", "bots.gg", "discordlist.gg", "discadia.com",
    "dyno.gg", "carl.gg", "mee6.xyz", "probot.io", "statbot.net", "tatsu.gg", "dankmemer.lol",
    "arcane.bot", "wick.bot", "sesh.fyi", "invitetracker.com", "discohook.org", "discord.js.org", "discordjs.org", "discordnet.dev",
    "discordpy.readthedocs.io", "betterdiscord.app", "vencord.dev", "discordjs.guide",
    // Media and everyday links in chat
    "tenor.com", "giphy.com", "imgur.com", "gyazo.com", "prnt.sc", "streamable.com",
    "medal.tv", "youtu.be", "spotify.com", "soundcloud.com", "twitter.com", "x.com",
    "fxtwitter.com", "vxtwitter.com", "bsky.app", "reddit.com", "redd.it", "tiktok.com",
    "instagram.com", "kick.com", "patreon.com", "ko-fi.com", "paypal.com", "paypal.me",
    "github.com", "gitlab.com", "githubusercontent.com", "stackoverflow.com", "crates.io",
    "docs.rs", "rust-lang.org", "pastebin.com", "hastebin.com", "mediafire.com",
    "mega.nz", "dropbox.com", "wetransfer.com", "catbox.moe", "wikipedia.org", "fandom.com",
    "curseforge.com", "modrinth.com", "nexusmods.com", "itch.io", "playstation.com",
    "xbox.com", "nintendo.com", "ea.com", "ubisoft.com", "battle.net", "blizzard.com",
    "riotgames.com", "leagueoflegends.com", "valorant.com", "minecraft.net", "mojang.com",
    "speedtest.net", "archive.org", "google.com", "goo.gl", "forms.gle", "g.co",
    "microsoft.com", "live.com", "apple.com", "amazon.com", "amzn.to", "ebay.com",
    "cloudflare.com", "vercel.com", "netlify.com", "heroku.com", "replit.com",
];

/// Every built-in allowed domain: the extra list above and the brands' official domains. The
/// top-sites list is added by the checker from `data/top-sites.txt`.
pub fn builtin() -> impl Iterator<Item = &'static str> {
    EXTRA_ALLOWED.iter().copied().chain(crate::brands::official_domains())
}
