//! A small argument reader for every `moat` command: `--name VALUE`, `--name=VALUE`, flags
//! and positionals, with errors that name the argument. (No parser crate: builds stay fast.)
//! It lives here because the store's commands came first; `moat-cli` uses it too.

/// Arguments after the subcommand.
pub struct Args {
    items: Vec<String>,
}

impl Args {
    pub fn new(args: &[String]) -> Self {
        Self { items: args.to_vec() }
    }

    /// Takes `--name` if present.
    pub fn flag(&mut self, name: &str) -> bool {
        match self.items.iter().position(|a| a == name) {
            Some(i) => {
                self.items.remove(i);
                true
            }
            None => false,
        }
    }

    /// Takes `--name VALUE` or `--name=VALUE`.
    pub fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let prefix = format!("{name}=");
        if let Some(i) = self.items.iter().position(|a| a.starts_with(&prefix)) {
            return Ok(Some(self.items.remove(i)[prefix.len()..].to_string()));
        }
        match self.items.iter().position(|a| a == name) {
            Some(i) if i + 1 < self.items.len() && !self.items[i + 1].starts_with("--") => {
                self.items.remove(i);
                Ok(Some(self.items.remove(i)))
            }
            Some(_) => Err(format!("{name} needs a value")),
            None => Ok(None),
        }
    }

    /// Takes `--name N` as a number of any type (`--seed 7`, `--runs 3`).
    pub fn parsed<T: std::str::FromStr>(&mut self, name: &str) -> Result<Option<T>, String> {
        match self.value(name)? {
            Some(v) => v.trim().parse().map(Some).map_err(|_| format!("{name}: `{v}` is not a number")),
            None => Ok(None),
        }
    }

    /// Takes `--name N` as a positive id or number.
    pub fn number(&mut self, name: &str) -> Result<Option<u64>, String> {
        match self.value(name)? {
            Some(v) => parse_id(&v, name).map(Some),
            None => Ok(None),
        }
    }

    /// What is left; unknown options are an error.
    pub fn positionals(self) -> Result<Vec<String>, String> {
        if let Some(bad) = self.items.iter().find(|a| a.starts_with("--")) {
            return Err(format!("unknown option {bad}"));
        }
        Ok(self.items)
    }
}

/// Parses an id (a positive integer), naming the argument when it is not one.
pub fn parse_id(v: &str, what: &str) -> Result<u64, String> {
    v.trim().parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| format!("{what}: `{v}` is not a positive number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(v: &[&str]) -> Args {
        Args::new(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn values_flags_and_errors() {
        let mut x = a(&["7", "--guild", "5", "--json", "--database=sqlite://x.db"]);
        assert!(x.flag("--json"));
        assert_eq!(x.number("--guild").unwrap(), Some(5));
        assert_eq!(x.value("--database").unwrap().as_deref(), Some("sqlite://x.db"));
        assert_eq!(x.positionals().unwrap(), ["7"]);
        assert_eq!(a(&["--guild"]).value("--guild").unwrap_err(), "--guild needs a value");
        assert_eq!(a(&["--guild", "--json"]).value("--guild").unwrap_err(), "--guild needs a value");
        assert!(a(&["--guild", "x"]).number("--guild").unwrap_err().contains("`x`"));
        assert!(a(&["--guild", "-3"]).number("--guild").is_err());
        assert_eq!(a(&["--runs", "3"]).parsed::<u32>("--runs").unwrap(), Some(3));
        assert!(a(&["--runs", "x"]).parsed::<u32>("--runs").unwrap_err().contains("`x`"));
        assert_eq!(a(&["--what"]).positionals().unwrap_err(), "unknown option --what");
    }
}
