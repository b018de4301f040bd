//! Case selection (`run`/`list` `--case`, `--level`, `--element`, `--clause`): which cases of
//! a suite a run covers. Values of one flag are alternatives, flags combine: a case is
//! selected when it matches some value of every flag given. A selected run is partial: its
//! results record the selection and its grade says no level was decided (see `grade`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::Case;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Case id globs: `*` any run of characters, `?` one character.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub level: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub element: Vec<String>,
    /// A clause of the standard, e.g. `177.2 §6.3`: matches a case tracing to it or to one
    /// of its subclauses (`177.2 §6.3.1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clause: Vec<String>,
    /// `--shard K/N`: this run holds the cases whose id hashes to K of N (see [`Shard`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

/// One of N parts of a suite, by a stable hash of the case id: the same case lands in the
/// same shard on every machine and in every version, whatever else the suite holds, so N
/// processes with K = 1..N cover every case exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// `K/N` with 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: expected K/N, e.g. 2/4"))?;
        let k: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: K is not a number"))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: N is not a number"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("`{s}`: need 1 ≤ K ≤ N"));
        }
        Ok(Shard { index: k, count: n })
    }

    /// The shard (1-based) a case id belongs to: the first 8 bytes of its SHA-256, mod N.
    pub fn of(id: &str, count: u32) -> u32 {
        let hex = crate::hash::sha256_hex(id.as_bytes());
        let head = u64::from_str_radix(&hex[..16], 16).expect("hex digits");
        (head % u64::from(count)) as u32 + 1
    }

    pub fn holds(&self, id: &str) -> bool {
        Shard::of(id, self.count) == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Selection {
    /// No flag given: every case.
    pub fn is_empty(&self) -> bool {
        self.case.is_empty()
            && self.level.is_empty()
            && self.element.is_empty()
            && self.clause.is_empty()
            && self.shard.is_none()
    }

    pub fn matches(&self, case: &Case) -> bool {
        let any = |vals: &[String], f: &dyn Fn(&str) -> bool| {
            vals.is_empty() || vals.iter().any(|v| f(v))
        };
        any(&self.case, &|g| glob(g, &case.id))
            && any(&self.level, &|l| l.eq_ignore_ascii_case(&case.level))
            && any(&self.element, &|e| e == case.element)
            && any(&self.clause, &|c| clause_matches(c, &case.clause))
            && self.shard.is_none_or(|s| s.holds(&case.id))
    }

    /// The flags as they would be given again, for messages.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (flag, vals) in [
            ("--case", &self.case),
            ("--level", &self.level),
            ("--element", &self.element),
            ("--clause", &self.clause),
        ] {
            for v in vals {
                parts.push(format!("{flag} {v}"));
            }
        }
        if let Some(s) = self.shard {
            parts.push(format!("--shard {s}"));
        }
        parts.join(" ")
    }
}

/// Whether a case's clause list (comma-separated references) cites `want` or a subclause.
fn clause_matches(want: &str, clauses: &str) -> bool {
    let want = want.trim();
    !want.is_empty()
        && clauses.split(',').map(str::trim).any(|c| {
            c == want
                || c.strip_prefix(want)
                    .is_some_and(|rest| rest.starts_with(['.', ' ', '(']))
        })
}

/// `*` and `?` glob over characters; everything else is literal. Iterative with one
/// backtrack point, so a hostile pattern costs O(len(pattern) × len(text)).
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_ids_stably() {
        let ids: Vec<String> = (0..500).map(|i| format!("case.{i}")).collect();
        for n in [1, 2, 4, 7] {
            let mut seen = 0;
            for k in 1..=n {
                let s = Shard { index: k, count: n };
                let here = ids.iter().filter(|id| s.holds(id)).count();
                // Roughly even: no shard is empty or holds nearly everything.
                assert!(
                    n == 1 || (here > 0 && here < ids.len() * 2 / n as usize),
                    "{k}/{n}: {here}"
                );
                seen += here;
            }
            assert_eq!(seen, ids.len(), "every id in exactly one of {n}");
        }
        // Pinned: the assignment must not change between versions, or shards of one run
        // made by two builds would overlap.
        assert_eq!(
            Shard::of("phone.alarm.create", 4),
            Shard::of("phone.alarm.create", 4)
        );
        let first8 = u64::from_str_radix(&crate::hash::sha256_hex(b"x")[..16], 16).unwrap();
        assert_eq!(Shard::of("x", 5), (first8 % 5) as u32 + 1);
        assert!(Shard::parse("0/4").is_err());
        assert!(Shard::parse("5/4").is_err());
        assert!(Shard::parse("4").is_err());
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
    }

    #[test]
    fn globs() {
        assert!(glob("phone.*", "phone.alarm.create"));
        assert!(glob("*.alarm.*", "phone.alarm.create"));
        assert!(glob("phone.alarm.creat?", "phone.alarm.create"));
        assert!(glob("*", ""));
        assert!(!glob("phone.*", "common.chat"));
        assert!(!glob("phone.alarm", "phone.alarm.create"));
        assert!(!glob("?", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        // Many stars over a long miss still ends quickly.
        assert!(!glob(&"*a".repeat(50), &"b".repeat(5000)));
    }

    #[test]
    fn clauses_match_themselves_and_subclauses_only() {
        let c = "177.1 §7.4, 177.2 §6.3";
        assert!(clause_matches("177.2 §6.3", c));
        assert!(clause_matches("177.2 §6", c));
        assert!(clause_matches("177.1 §7.4", c));
        assert!(!clause_matches("177.2 §6.30", c));
        assert!(!clause_matches("177.2 §6.", "177.2 §6.30"));
        assert!(!clause_matches("177.1 §5", c));
        assert!(!clause_matches("", c));
        assert!(clause_matches("177.2 Annex A", "177.2 Annex A (chat)"));
    }
}
