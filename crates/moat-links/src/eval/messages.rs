//! Whole messages for the evasion test: each disguise a scam uses, with the least verdict it
//! must get, and ordinary messages that must stay clean.

use moat_core::links::LinkVerdict;

/// Whole messages using each evasion, with the least verdict each must get.
pub const EVASIONS: &[(&str, LinkVerdict)] = &[
    ("free nitro https://dіscord-gift.com/claim", LinkVerdict::Scam),
    (
        "@everyone steam gift 50$ - [steamcommunity.com/gift-card/pay/50](https://steamcommunlty.ru/gift)",
        LinkVerdict::Scam,
    ),
    ("bro steam gived nitro https://random-host.com/claim-nitro", LinkVerdict::Scam),
    ("<https://steamcomnunity.com/tradeoffer/new>", LinkVerdict::Scam),
    ("steamcommunuty.com/gift/50", LinkVerdict::Scam),
    ("get it at dlscord-nitro.gift", LinkVerdict::Scam),
    ("hxxps://discord-airdrop[.]ru/nitro", LinkVerdict::Scam),
    ("discord-gift(.)ru/claim", LinkVerdict::Scam),
    ("go to steam-gifts dot ru/claim now", LinkVerdict::Scam),
    ("https://disc\u{200B}ord-nitro.ru/gift", LinkVerdict::Scam),
    ("https://\u{202E}steamcommunity-gift.ru", LinkVerdict::Scam),
    ("ｈｔｔｐｓ：／／ｄｉｓｃｏｒｄ－ｎｉｔｒｏ．ｒｕ", LinkVerdict::Scam),
    ("https://ѕtеаmсоmmunіtу.com/gift", LinkVerdict::Scam),
    ("https://xn--dscord-3ve.com/nitro", LinkVerdict::Scam),
    ("https://steamcommunity%2ecom%2egift-nitro%2eru/", LinkVerdict::Scam),
    ("https://steamcommunity.com@steam-trade.ru/tradeoffer", LinkVerdict::Scam),
    ("http://3232235777/steam-gift", LinkVerdict::Scam),
    ("http://0xc0a80101/claim-nitro", LinkVerdict::Scam),
    ("nitro for free https://bit.ly/3abcdef", LinkVerdict::Suspicious),
    ("https://steam-nitro.vercel.app/", LinkVerdict::Scam),
    ("claim here https://discord-gifts.pages.dev/claim", LinkVerdict::Scam),
    ("[https://discord.com/gifts/abc](https://nitro-claim.xyz/abc)", LinkVerdict::Scam),
    ("check https://steamcommunity.com.trade-offer.ru/id/123", LinkVerdict::Scam),
    ("https:\\\\steamcomnunity.ru\\gift", LinkVerdict::Scam),
    ("https://dis\u{0301}cord-nitro.com/", LinkVerdict::Scam),
    ("steamcommunity .com.gift-trade .ru/tradeoffer", LinkVerdict::Scam),
    ("free nitro https://nitro-claims.net/#@discord.com", LinkVerdict::Scam),
    ("**https://d1scord.gift/XyZ**", LinkVerdict::Scam),
    ("||https://steancommunity.com/gift||", LinkVerdict::Scam),
];

/// Ordinary messages that must stay clean (with the real links of the brands).
pub const ORDINARY: &[&str] = &[
    "see you at 8. ok?",
    "https://steamcommunity.com/sharedfiles/filedetails/?id=123",
    "https://discord.gift/abcDEF123 happy birthday!",
    "join us https://discord.gg/rust",
    "https://store.steampowered.com/app/730/CounterStrike_2/",
    "https://counter-strike.net/news",
    "wiki: https://en.wikipedia.org/wiki/Rust_(programming_language)",
    "the file is main.rs, see notes.md, e.g. line 4",
    "mail me at bob@gmail.com",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://github.com/rust-lang/rust/issues/1",
    "https://tenor.com/view/cat-gif-123",
    "I like the dot com era",
    "https://clck.ru/abc",
    "https://mygame.vercel.app/",
    "version 1.2.3.4 released",
    "score was 3.5 to 2.1",
];
