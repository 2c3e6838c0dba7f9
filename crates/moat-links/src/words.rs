//! Small vocabularies the heuristics are made of: shorteners, free-hosting suffixes, risky
//! TLDs, lure words.
//!
//! They are plain sorted-by-hand tables rather than data files because each entry is a
//! judgement call that deserves a line of review, and because they are tiny. Every entry is
//! general knowledge about how Discord scams work (cheap TLDs, "nitro", "gift", "hypesquad
//! academy" forms), not a copy of any list entry.

/// Link shorteners: the real target is hidden, which is worth a reason (and a little score),
/// but a shortener alone is never a scam. They are also shielded from blocklist entries that
/// name the whole shortener (`clck.ru` is on a public list).
pub const SHORTENERS: &[&str] = &[
    "bit.ly", "bitly.com", "buff.ly", "clck.ru", "cutt.ly", "goo.gl", "is.gd", "ow.ly", "rb.gy",
    "rebrand.ly", "s.id", "shorturl.at", "t.co", "t.ly", "tiny.cc", "tinyurl.com", "v.gd",
    "qrco.de", "u.to", "lnkd.in", "shorte.st", "adf.ly", "bl.ink", "short.io", "x.gd", "surl.li",
    "cli.re", "gg.gg", "urlz.fr", "bit.do", "tiny.one", "l.ead.me", "qr.ae", "vk.cc",
];

/// Suffixes under which anyone can get a subdomain for free: the subdomain, not the suffix,
/// owns the site. The public suffix list has most of them in its private section; this list is
/// what we *also* treat as "free hosting" in the heuristics.
pub const HOSTING_SUFFIXES: &[&str] = &[
    "vercel.app", "pages.dev", "r2.dev", "web.app", "firebaseapp.com", "github.io", "gitlab.io",
    "netlify.app", "netlify.com", "glitch.me", "repl.co", "replit.app", "replit.dev",
    "herokuapp.com", "workers.dev", "onrender.com", "fly.dev", "surge.sh", "000webhostapp.com",
    "weebly.com", "wixsite.com", "blogspot.com", "wordpress.com", "webflow.io", "framer.app",
    "framer.website", "carrd.co", "azurewebsites.net", "cloudfront.net", "appspot.com",
    "ngrok.io", "ngrok-free.app", "ngrok.app", "trycloudflare.com", "duckdns.org",
    "serveo.net", "loca.lt", "godaddysites.com", "square.site", "ucoz.net", "ucoz.ru",
    "narod.ru", "tilda.ws", "my.canva.site", "sites.google.com", "notion.site", "gitbook.io",
    "myshopify.com", "web.core.windows.net", "s3.amazonaws.com", "b-cdn.net", "deno.dev",
    "pythonanywhere.com", "railway.app", "up.railway.app", "w3spaces.com", "codeanyapp.com",
    "rf.gd", "epizy.com", "infinityfreeapp.com", "free.nf", "42web.io", "atwebpages.com",
    // Multi-tenant platforms: each subdomain is a different user's page or help desk.
    "itch.io", "zendesk.com", "freshdesk.com", "substack.com", "tumblr.com", "neocities.org",
    "jimdosite.com", "mystrikingly.com", "site123.me", "ghost.io", "bandcamp.com",
    "webnode.page", "ukit.me", "teachable.com", "thinkific.com", "kajabi.com",
];

/// TLDs (and second-level suffixes) that are cheap or free and dominate phishing lists. Worth
/// a little score; never enough alone.
pub const RISKY_TLDS: &[&str] = &[
    "xyz", "site", "gq", "tk", "ml", "ga", "cf", "top", "online", "fun", "space",
    "club", "icu", "gift", "gifts", "click", "website", "link", "pw", "monster", "rest",
    "cyou", "sbs", "buzz", "quest", "host", "press", "uno", "bar",
    "casa", "cam", "surf", "beauty", "hair", "skin", "makeup", "lol", "mom", "autos", "boats",
    "yachts", "motorcycles", "homes", "ink", "wiki", "ws", "su", "cfd", "pics", "tokyo",
    "ru.com", "net.ru", "org.ru", "com.ru", "pp.ru", "com.de", "us.com", "eu.com", "sa.com",
    "in.net", "co.com", "de.com", "uk.com", "ru.net", "xn--p1acf",
];

/// Slightly risky: large legitimate web, but far more than its share of Discord scams.
pub const SOMEWHAT_RISKY_TLDS: &[&str] = &[
    "ru", "pro", "info", "cc", "me", "app", "tech", "one", "shop", "store", "live", "life",
    "digital", "asia",
];

/// TLDs under which a bare `name.tld` (no scheme, no path) is taken as a link. Restricted to
/// TLDs that are not common file extensions (`.rs`, `.py`, `.md`, `.sh`, `.zip` are left out),
/// so `main.rs` and `notes.md` stay plain words. With a path or a scheme any TLD counts.
pub const BARE_TLDS: &[&str] = &[
    "com", "net", "org", "ru", "gg", "gift", "gifts", "xyz", "io", "co", "me", "tk", "ml", "ga",
    "cf", "gq", "ly", "to", "site", "online", "fun", "space", "store", "club", "icu", "click",
    "shop", "website", "link", "live", "top", "pw", "cc", "us", "uk", "de", "fr", "tv", "info",
    "biz", "pro", "app", "dev", "tech", "one", "su", "ua", "monster", "cyou", "sbs", "buzz",
    "life", "digital", "host", "ink", "asia", "ws", "eu", "es", "it", "nl", "pl", "br", "in",
    "jp", "cn", "ca", "au", "gl", "gd", "lt", "at", "be", "ch", "se", "no", "fi", "dk", "cz",
    "tr", "kz", "by", "rest", "cam", "lol", "bar", "uno", "press", "quest", "cfd", "wiki",
    "games", "game", "team", "events", "exchange", "market", "trade", "codes", "promo",
];

/// Words that scam domains put next to (or instead of) a brand: the prize, the call to act, the
/// fake "official process". Longest first, so `giveaway` is not also counted as `give`.
pub const LURE_WORDS: &[&str] = &[
    "verification", "moderation", "moderators", "giveaways", "moderator", "hypesquad",
    "formulary", "bugbounty", "community", "giveaway", "airdrops", "rewards", "academy",
    "airdrop", "premium", "support", "partner", "recruit", "promos", "promo", "claims", "claim",
    "bonus", "prize", "skins", "nitro", "nltro", "gifts", "gift", "glft", "drop", "free",
    "apply", "verify", "login", "signin", "badge", "boost", "trade", "reward", "official",
    "invite", "wallet", "airdrp", "moderat", "hypeteam", "hypevent", "hypeevent", "captcha", "antiraid", "antispam",
    "giveway", "steamgift",
];

/// Words that only count as a whole part of a hyphenated or digit-separated name
/// (`academy-form-2022` → `academy`, `form`): as substrings they hide inside ordinary words
/// (`form` in `information`, `exam` in `example`, `beta` in `alphabet`).
pub const LURE_PARTS: &[&str] = &[
    "form", "exam", "beta", "access", "acess", "test", "tester", "testers", "join", "team",
    "teams", "squad", "squads", "hype", "mod", "mods", "application", "applications", "aplly",
    "developer", "developers", "devs", "events", "recruitment", "invitation", "announcement",
    "program", "portal", "verification", "account", "accounts", "update", "get", "give",
    "gived", "drops", "code", "codes", "win", "winner", "skin", "trading", "market", "help",
    "admin", "report", "appeal", "unban", "cs2", "csgo", "sign", "signup", "register",
    "registration", "billing", "payment", "pay", "bot", "bots", "security", "secure", "mint",
    "nft", "crypto", "btc", "eth", "claim", "gift", "nitro", "free", "promo", "apply",
    // Common inside ordinary words (`platforms`, `author`, `showcase`, `prevent`, `staffing`).
    "forms", "auth", "case", "cases", "staff", "event",
];
