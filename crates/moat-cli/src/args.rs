//! A small argument reader: flags, options with values, and positionals, with errors that
//! say which argument is wrong. (No parser crate: builds stay fast.)

/// Arguments left after a subcommand name.
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

    /// Takes `--name VALUE` or `--name=VALUE` if present.
    pub fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let prefix = format!("{name}=");
        if let Some(i) = self.items.iter().position(|a| a.starts_with(&prefix)) {
            let v = self.items.remove(i)[prefix.len()..].to_string();
            return Ok(Some(v));
        }
        match self.items.iter().position(|a| a == name) {
            Some(i) if i + 1 < self.items.len() => {
                self.items.remove(i);
                Ok(Some(self.items.remove(i)))
            }
            Some(_) => Err(format!("{name} needs a value")),
            None => Ok(None),
        }
    }

    /// Takes `--name N` as a number.
    pub fn number<T: std::str::FromStr>(&mut self, name: &str) -> Result<Option<T>, String> {
        match self.value(name)? {
            Some(v) => v.parse().map(Some).map_err(|_| format!("{name}: `{v}` is not a number")),
            None => Ok(None),
        }
    }

    /// What is left, which must not contain unknown options.
    pub fn positionals(self) -> Result<Vec<String>, String> {
        if let Some(bad) = self.items.iter().find(|a| a.starts_with("--")) {
            return Err(format!("unknown option {bad}"));
        }
        Ok(self.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(v: &[&str]) -> Args {
        Args::new(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn reads_flags_values_and_positionals() {
        let mut x = a(&["f.jsonl", "--config", "m.toml", "--stats", "--n=3"]);
        assert!(x.flag("--stats"));
        assert!(!x.flag("--json"));
        assert_eq!(x.value("--config").unwrap().as_deref(), Some("m.toml"));
        assert_eq!(x.number::<u32>("--n").unwrap(), Some(3));
        assert_eq!(x.positionals().unwrap(), vec!["f.jsonl"]);
    }

    #[test]
    fn errors_name_the_argument() {
        assert_eq!(a(&["--config"]).value("--config").unwrap_err(), "--config needs a value");
        assert!(a(&["--n", "x"]).number::<u32>("--n").unwrap_err().contains("`x`"));
        assert_eq!(a(&["--bogus"]).positionals().unwrap_err(), "unknown option --bogus");
    }
}
