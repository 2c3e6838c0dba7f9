//! A token or a webhook secret: held, used, never shown. `Debug` prints `Secret(***)`, there
//! is no `Display`, and [`Secret::expose`] is the one way to the text, so a secret reaches a
//! log only by someone writing `expose()` into it.

use std::fmt;

/// A secret string (an access token, a webhook secret).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret's text, for the one place that must send or check it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Its length in characters (to check a minimum without showing it).
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_it() {
        let s = Secret::new("tok-abc123-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:#?}", Some(&s)), "Some(\n    Secret(***),\n)");
        assert_eq!(s.expose(), "tok-abc123-very-secret");
        assert_eq!(s.len(), 22);
    }
}
