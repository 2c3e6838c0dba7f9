//! The temporal split of the dated scam list (`shared/data/scam-domains-dated.tsv`).
//!
//! Each domain carries the month it was first listed. Whatever is tuned (word lists, weights,
//! thresholds, the learned score) is fitted on domains first listed up to [`TRAIN_UNTIL`] only;
//! the figure reported is on domains first listed from [`TEST_FROM`] on. The two months between
//! are a gap, so that one campaign running across the cut does not sit on both sides. A hash
//! split (the old method) puts members of one campaign family on both sides and measures
//! memory, not generalisation.

/// Last month (inclusive) whose domains may be used for fitting.
pub const TRAIN_UNTIL: &str = "2022-12";
/// First month whose domains are reported, never used for fitting.
pub const TEST_FROM: &str = "2023-03";

/// The dated list, split by the month a domain was first listed.
#[derive(Debug, Default, Clone)]
pub struct DatedSplit {
    /// First listed up to [`TRAIN_UNTIL`]: for fitting.
    pub train: Vec<String>,
    /// Between the two: neither fitted on nor reported as the headline.
    pub gap: Vec<String>,
    /// First listed from [`TEST_FROM`] on: the headline figure.
    pub test: Vec<String>,
}

impl DatedSplit {
    /// Parses `domain<TAB>YYYY-MM-DD` lines (a header line and bad lines are skipped).
    pub fn parse(tsv: &str) -> DatedSplit {
        let mut split = DatedSplit::default();
        for line in tsv.lines() {
            let Some((domain, date)) = line.trim().split_once('\t') else { continue };
            let month = date.get(..7).unwrap_or("");
            if domain.is_empty() || !month.starts_with("20") {
                continue;
            }
            let side = if month <= TRAIN_UNTIL {
                &mut split.train
            } else if month < TEST_FROM {
                &mut split.gap
            } else {
                &mut split.test
            };
            side.push(domain.to_lowercase());
        }
        split
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_fall_on_their_side() {
        let s = DatedSplit::parse(
            "domain\tfirst_listed\na.com\t2022-12-31\nb.com\t2023-01-02\nc.com\t2023-03-01\nbad line\nd.com\tnope\n",
        );
        assert_eq!(s.train, ["a.com"]);
        assert_eq!(s.gap, ["b.com"]);
        assert_eq!(s.test, ["c.com"]);
    }
}
