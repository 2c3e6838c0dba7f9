//! Generated ordinary domains: dictionary words and surnames joined the way businesses name
//! sites, over common and country TLDs. Deterministic, so every run judges the same set.

const WORDS: &[&str] = &[
    "acme", "alpha", "apple", "arts", "auto", "baker", "bank", "bay", "beach", "bear", "best", "bike", "bird", "black",
    "blue", "boat", "book", "box", "brain", "bread", "bridge", "bright", "build", "cafe", "camp", "candle", "capital",
    "car", "care", "cat", "city", "clean", "cloud", "club", "coast", "code", "coffee", "cook", "core", "craft",
    "creek", "crown", "daily", "data", "deal", "deep", "dental", "design", "dog", "door", "dream", "drive", "eagle",
    "earth", "east", "easy", "eco", "edge", "energy", "family", "farm", "fast", "field", "film", "fire", "first",
    "fish", "fit", "flower", "fly", "food", "forest", "fox", "fresh", "friend", "fun", "garden", "gate", "gear",
    "global", "gold", "good", "green", "grid", "group", "guide", "hair", "happy", "harbor", "health", "heart", "hill",
    "home", "horse", "hotel", "house", "hub", "idea", "info", "inn", "iron", "island", "jet", "journal", "key", "kids",
    "king", "kitchen", "lab", "lake", "land", "law", "leaf", "life", "light", "line", "lion", "live", "local", "logic",
    "love", "lucky", "mail", "main", "maker", "maple", "map", "market", "media", "metro", "mind", "mobile", "money",
    "moon", "motor", "mountain", "music", "nature", "net", "new", "news", "next", "night", "north", "oak", "ocean",
    "office", "one", "open", "orange", "paper", "park", "path", "peak", "pet", "photo", "pine", "pixel", "place",
    "plan", "play", "point", "power", "prime", "print", "pro", "pure", "quick", "radio", "rain", "ranch", "red",
    "rest", "ride", "river", "road", "rock", "room", "root", "rose", "royal", "run", "safe", "salt", "sand", "school",
    "sea", "second", "shop", "sign", "silver", "simple", "sky", "smart", "smile", "snow", "soft", "solar", "sound",
    "south", "space", "spark", "sport", "spring", "square", "star", "station", "stone", "store", "story", "studio",
    "style", "sun", "sweet", "swift", "table", "talk", "taste", "tech", "tree", "trip", "true", "trust", "urban",
    "valley", "view", "village", "vision", "water", "wave", "way", "web", "west", "white", "wild", "wind", "wine",
    "wise", "wood", "work", "world", "yard", "yellow", "young", "zen", "rossi", "schmidt", "muller", "garcia",
    "tanaka", "smith", "johnson", "kowalski", "dubois", "berlin", "paris", "london", "tokyo", "madrid", "roma",
    "boston", "denver", "austin", "oslo",
];

const TLDS: &[&str] = &[
    "com", "com", "com", "com", "com", "com", "net", "org", "io", "co", "de", "co.uk", "fr", "ru", "info", "app",
    "dev", "me", "tv", "ca", "com.au", "jp", "nl", "it", "es", "pl", "com.br", "in", "ch", "se", "us", "biz", "shop",
    "online",
];

/// `n` plausible ordinary domains, deterministic: `word.tld`, `wordword.tld`, `word-word.tld`,
/// `word24.tld`, `wordsword.tld`.
pub fn ordinary_domains(n: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    while out.len() < n {
        let a = WORDS[next(WORDS.len())];
        let b = WORDS[next(WORDS.len())];
        let tld = TLDS[next(TLDS.len())];
        let name = match next(6) {
            0 => a.to_string(),
            1 | 2 => format!("{a}{b}"),
            3 => format!("{a}-{b}"),
            4 => format!("{a}{}", 1 + next(99)),
            _ => format!("{a}s{b}"),
        };
        let d = format!("{name}.{tld}");
        if seen.insert(d.clone()) {
            out.push(d);
        }
    }
    out
}
