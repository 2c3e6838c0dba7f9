//! Lure text: the words scams are built from, as a signal of their own.
//!
//! Scam domains rotate faster than lists and heuristics learn them, but the words around
//! them do not: "verify here or lose access", "claim before it ends", "free airdrop", "I
//! accidentally reported you", "is this you in the video". [`find`] looks for them (and
//! their kin in Spanish, Portuguese, French, German and Russian) in a normalised copy of the
//! text: lower case, accents folded, punctuation made spaces.
//!
//! A lure is a signal, not a verdict: the engine weighs it with the author's standing and
//! the link's verdict (see `engine::lure`), so a clean link in a message built like a scam
//! from a newcomer or a takeover is still caught, while a regular's message is at most
//! flagged. Members warning each other ("careful, the 'verify here' message is a scam")
//! are discussing a lure, not posting one: a warning word, or the phrase in quotes, and
//! [`find`] says nothing.

/// Phrases, normalised as [`normalise`] writes them, each with its weight: 2 is a lure on
/// its own, 1 needs another.
const PHRASES: &[(&str, u8, &str)] = &[
    // English
    ("verify here", 2, "en"),
    ("verify your account", 2, "en"),
    ("verify your wallet", 2, "en"),
    ("or lose access", 2, "en"),
    ("lose access to your", 2, "en"),
    ("claim before it ends", 2, "en"),
    ("claim it before", 2, "en"),
    ("claim your reward", 2, "en"),
    ("claim your free", 2, "en"),
    ("free airdrop", 2, "en"),
    ("airdrop is live", 2, "en"),
    ("claim airdrop", 2, "en"),
    ("accidentally reported you", 2, "en"),
    ("reported you by accident", 2, "en"),
    ("reported your account by mistake", 2, "en"),
    ("is this you in the video", 2, "en"),
    ("is this you in this video", 2, "en"),
    ("is that you in the video", 2, "en"),
    ("connect your wallet", 2, "en"),
    ("free nitro", 2, "en"),
    ("nitro for free", 2, "en"),
    ("steam gift", 1, "en"),
    ("gift for you", 1, "en"),
    ("limited time", 1, "en"),
    ("first 100", 1, "en"),
    ("will be banned", 1, "en"),
    ("will be suspended", 1, "en"),
    ("free mint", 1, "en"),
    ("click here", 1, "en"),
    // Spanish
    ("verifica tu cuenta", 2, "es"),
    ("verifica aqui", 2, "es"),
    ("perderas el acceso", 2, "es"),
    ("perderas tu cuenta", 2, "es"),
    ("reclama antes de que", 2, "es"),
    ("reclama tu premio", 2, "es"),
    ("airdrop gratis", 2, "es"),
    ("nitro gratis", 2, "es"),
    ("te reporte por error", 2, "es"),
    ("te reporte sin querer", 2, "es"),
    ("eres tu en el video", 2, "es"),
    ("eres tu en este video", 2, "es"),
    // Portuguese
    ("verifique sua conta", 2, "pt"),
    ("verifique aqui", 2, "pt"),
    ("perdera o acesso", 2, "pt"),
    ("perder o acesso", 2, "pt"),
    ("resgate antes que acabe", 2, "pt"),
    ("resgate seu premio", 2, "pt"),
    ("te denunciei sem querer", 2, "pt"),
    ("denunciei voce por engano", 2, "pt"),
    ("e voce no video", 2, "pt"),
    ("esse e voce no video", 2, "pt"),
    // French
    ("verifiez votre compte", 2, "fr"),
    ("verifie ton compte", 2, "fr"),
    ("perdez l acces", 2, "fr"),
    ("perdre l acces", 2, "fr"),
    ("perdrez l acces", 2, "fr"),
    ("reclamez avant", 2, "fr"),
    ("recupere ton cadeau", 2, "fr"),
    ("airdrop gratuit", 2, "fr"),
    ("nitro gratuit", 2, "fr"),
    ("je t ai signale par erreur", 2, "fr"),
    ("je t ai signale par accident", 2, "fr"),
    ("c est toi dans la video", 2, "fr"),
    ("c est toi sur la video", 2, "fr"),
    // German
    ("verifiziere dein konto", 2, "de"),
    ("verifizieren sie ihr konto", 2, "de"),
    ("verlierst du den zugang", 2, "de"),
    ("oder verliere den zugang", 2, "de"),
    ("zugang verlieren", 2, "de"),
    ("hol es dir bevor", 2, "de"),
    ("kostenloser airdrop", 2, "de"),
    ("gratis airdrop", 2, "de"),
    ("kostenloses nitro", 2, "de"),
    ("aus versehen gemeldet", 2, "de"),
    ("versehentlich gemeldet", 2, "de"),
    ("bist du das im video", 2, "de"),
    ("bist das du im video", 2, "de"),
    // Russian
    ("подтвердите аккаунт", 2, "ru"),
    ("подтверди аккаунт", 2, "ru"),
    ("потеряете доступ", 2, "ru"),
    ("потеряешь доступ", 2, "ru"),
    ("успей забрать", 2, "ru"),
    ("успейте забрать", 2, "ru"),
    ("бесплатный аирдроп", 2, "ru"),
    ("бесплатный airdrop", 2, "ru"),
    ("бесплатный нитро", 2, "ru"),
    ("случайно пожаловался", 2, "ru"),
    ("случайно кинул репорт", 2, "ru"),
    ("это ты на видео", 2, "ru"),
];

/// Words of people warning about a scam rather than running one.
const WARNINGS: &[&str] = &[
    "scam",
    "scams",
    "scammer",
    "scammers",
    "scammed",
    "phishing",
    "fake",
    "careful",
    "beware",
    "dont click",
    "don t click",
    "do not click",
    "watch out",
    "ignore it",
    "hacked",
    "compromised",
    "estafa",
    "cuidado",
    "no hagas clic",
    "golpe",
    "nao clique",
    "arnaque",
    "attention",
    "ne cliquez pas",
    "betrug",
    "vorsicht",
    "nicht klicken",
    "мошенник",
    "мошенники",
    "развод",
    "осторожно",
    "не переходите",
];

/// Phrases scammers use to pass for safe, which are no warning.
const FALSE_COMFORT: &[&str] = &["not a scam", "no scam", "not scam", "not fake", "100 legit", "legit"];

/// A lure found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lure {
    /// The phrases found, normalised.
    pub phrases: Vec<&'static str>,
    /// Languages they belong to (`en`, `es`, ...).
    pub languages: Vec<&'static str>,
}

impl Lure {
    /// `"verify here", "or lose access" (en)`, for a reason.
    pub fn describe(&self) -> String {
        let quoted: Vec<String> = self.phrases.iter().map(|p| format!("\"{p}\"")).collect();
        format!("lure text {} ({})", quoted.join(", "), self.languages.join(", "))
    }
}

/// The text lower-cased, accents folded, everything but letters and digits made one space,
/// with a space at each end (so phrases match on word boundaries). Quotes are kept as `"`.
pub fn normalise(text: &str) -> String {
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).map(fold).collect();
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let space = |out: &mut String| {
        if !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            out.push(c);
            continue;
        }
        let is_quote = matches!(c, '"' | '\'' | '«' | '»' | '“' | '”' | '„' | '‘' | '’' | '`');
        let inside_word =
            i > 0 && chars[i - 1].is_alphanumeric() && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        space(&mut out);
        if is_quote && !inside_word {
            // An apostrophe inside a word (don't, l'accès) is a space; any other quote marks
            // quoted speech.
            out.push_str("\" ");
        }
    }
    space(&mut out);
    out
}

/// Latin letters with accents to their base letter; `ё` to `е`.
fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ё' => 'е',
        _ => c,
    }
}

/// Whether `phrase` occurs in `norm` as whole words, outside quotes.
fn occurs(norm: &str, phrase: &str) -> Option<bool> {
    let mut from = 0;
    let mut quoted_only = None;
    while let Some(i) = norm[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before = norm[..start].chars().next_back();
        let after = norm[end..].chars().next();
        let word = !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        if word {
            let quoted = norm[..start].matches('"').count() % 2 == 1;
            if !quoted {
                return Some(false);
            }
            quoted_only = Some(true);
        }
        from = end;
    }
    quoted_only
}

/// The lure in a message's text, if it holds one and is not a warning about one.
pub fn find(text: &str) -> Option<Lure> {
    if text.len() < 8 {
        return None;
    }
    let norm = normalise(text);
    let mut weight = 0u8;
    let mut lure = Lure { phrases: Vec::new(), languages: Vec::new() };
    let mut quoted = false;
    for &(phrase, w, lang) in PHRASES {
        match occurs(&norm, phrase) {
            Some(false) => {
                weight += w;
                lure.phrases.push(phrase);
                if !lure.languages.contains(&lang) {
                    lure.languages.push(lang);
                }
            }
            Some(true) => quoted = true,
            None => {}
        }
    }
    if weight < 2 {
        return None;
    }
    let plain = norm.replace('"', " ");
    let comfort = FALSE_COMFORT.iter().any(|p| plain.contains(&format!(" {p} ")));
    let warning = WARNINGS.iter().any(|w| plain.contains(&format!(" {w} ")));
    if (warning || quoted) && !comfort {
        return None;
    }
    Some(lure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lures_are_found_in_every_language() {
        for text in [
            "Verify here or lose access: https://x.example/v",
            "CLAIM BEFORE IT ENDS!!! free airdrop https://x.example",
            "hey, I accidentally reported you, talk to this admin",
            "is this you in the video?? https://x.example/v",
            "Verifica tu cuenta o perderás el acceso https://x.example",
            "Verifique sua conta ou perderá o acesso https://x.example",
            "Vérifiez votre compte ou perdez l'accès https://x.example",
            "Verifiziere dein Konto oder verliere den Zugang https://x.example",
            "Подтвердите аккаунт или потеряете доступ https://x.example",
            "c'est toi dans la vidéo ? https://x.example",
        ] {
            assert!(find(text).is_some(), "{text}");
        }
        let l = find("free nitro, claim your reward").unwrap();
        assert_eq!(l.languages, ["en"]);
        assert!(l.describe().starts_with("lure text \"claim your reward\""), "{}", l.describe());
    }

    #[test]
    fn warnings_and_quotes_are_discussion() {
        for text in [
            "careful, the 'verify here' message is a scam",
            "if someone says \"I accidentally reported you\" it's a scam, block them",
            "don't click the free airdrop links, they're phishing",
            "cuidado con los mensajes de nitro gratis, es una estafa",
            "Vorsicht: kostenloser Airdrop ist Betrug",
            "осторожно, бесплатный нитро это развод",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn ordinary_talk_and_false_comfort() {
        for text in ["I verified my email yesterday", "the airdrop in the game was fun", "who is in the video?", "gg"] {
            assert_eq!(find(text), None, "{text}");
        }
        assert!(find("free airdrop, not a scam! https://x.example").is_some(), "a scammer's reassurance is no warning");
        assert_eq!(find("limited time"), None, "one weak phrase is not enough");
        assert!(find("steam gift for you, limited time").is_some());
    }
}
