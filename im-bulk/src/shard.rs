//! [`Shard`]: which part of an input one process imports, so that several processes (on one
//! machine or many, sharing one rate budget) can migrate one graph together.

use std::fmt;
use std::str::FromStr;

/// One of `count` parts of an input, numbered 1 to `count` (written `K/N`, e.g. `2/4`).
///
/// A relation belongs to the shard its `From_Account` falls in: the 64-bit FNV-1a hash of the
/// UserID's UTF-8 bytes (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`), modulo
/// `count`, plus one. FNV-1a is fixed by its definition, so the split is the same on every
/// platform, in every process and in every version of this crate; a user's relations all
/// fall in one shard, so one user's requests still go out in input order. A line that cannot be
/// read as a relation has no `From_Account`: it belongs to shard 1, so that exactly one shard
/// reports it.
///
/// `Shard::ALL` (`1/1`) is the whole input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    /// 1-based.
    number: u32,
    count: u32,
}

/// A shard that is not `K/N` with 1 ≤ K ≤ N.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bad shard {spec:?}: {reason}; write K/N with 1 <= K <= N, e.g. 1/4 to 4/4 for four processes"
)]
pub struct ShardError {
    spec: String,
    reason: &'static str,
}

impl Shard {
    /// The whole input: shard 1 of 1.
    pub const ALL: Shard = Shard {
        number: 1,
        count: 1,
    };

    /// Shard `number` of `count`, 1 ≤ `number` ≤ `count`.
    pub fn new(number: u32, count: u32) -> Result<Shard, ShardError> {
        let bad = |reason| ShardError {
            spec: format!("{number}/{count}"),
            reason,
        };
        if count == 0 {
            return Err(bad("N must be at least 1"));
        }
        if number == 0 {
            return Err(bad("shards are numbered from 1"));
        }
        if number > count {
            return Err(bad("K must not be larger than N"));
        }
        Ok(Shard { number, count })
    }

    /// The shard's number, 1 to [`Shard::count`].
    pub fn number(self) -> u32 {
        self.number
    }

    /// How many shards the input is split into.
    pub fn count(self) -> u32 {
        self.count
    }

    /// Whether this is the whole input (`1/1`).
    pub fn is_all(self) -> bool {
        self.count == 1
    }

    /// The number (1 to `count`) of the shard `from_account` falls in.
    pub fn number_of(from_account: &str, count: u32) -> u32 {
        (fnv1a64(from_account.as_bytes()) % u64::from(count.max(1))) as u32 + 1
    }

    /// Whether the relations of `from_account` belong to this shard.
    pub fn contains(self, from_account: &str) -> bool {
        self.is_all() || Shard::number_of(from_account, self.count) == self.number
    }
}

impl Default for Shard {
    fn default() -> Self {
        Shard::ALL
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.number, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(spec: &str) -> Result<Shard, ShardError> {
        let bad = |reason| ShardError {
            spec: spec.to_owned(),
            reason,
        };
        let (number, count) = spec.trim().split_once('/').ok_or_else(|| bad("no '/'"))?;
        let parse = |text: &str| text.trim().parse::<u32>().ok();
        match (parse(number), parse(count)) {
            (Some(number), Some(count)) => Shard::new(number, count).map_err(|err| ShardError {
                spec: spec.to_owned(),
                reason: err.reason,
            }),
            _ => Err(bad("K and N must be whole numbers")),
        }
    }
}

/// 64-bit FNV-1a (<http://www.isthe.com/chongo/tech/comp/fnv/>).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_continue(0xcbf2_9ce4_8422_2325, bytes)
}

/// FNV-1a from `hash`, for data read in pieces.
pub(crate) fn fnv1a64_continue(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(
            fnv1a64_continue(fnv1a64(b"foo"), b"bar"),
            fnv1a64(b"foobar")
        );
    }

    #[test]
    fn the_split_is_pinned() {
        // Changing these changes which shard a user's relations go to: resumed sharded runs
        // and processes of different versions would then disagree.
        let numbers: Vec<u32> = ["alice", "bob", "carol", "dave", "u00000", "用户"]
            .iter()
            .map(|id| Shard::number_of(id, 4))
            .collect();
        assert_eq!(numbers, [4, 1, 3, 4, 1, 2]);
        assert!(Shard::ALL.contains("anyone"));
    }

    #[test]
    fn every_user_is_in_exactly_one_shard() {
        for n in 1..=7 {
            for i in 0..500 {
                let id = format!("user{i}");
                let owners = (1..=n)
                    .filter(|k| Shard::new(*k, n).unwrap().contains(&id))
                    .count();
                assert_eq!(owners, 1, "{id} in {n} shards");
            }
        }
    }

    #[test]
    fn specs_parse_and_bad_ones_say_what_to_write() {
        assert_eq!("2/4".parse::<Shard>().unwrap(), Shard::new(2, 4).unwrap());
        assert_eq!(" 1 / 1 ".parse::<Shard>().unwrap(), Shard::ALL);
        assert_eq!(Shard::new(3, 8).unwrap().to_string(), "3/8");
        for (spec, why) in [
            ("0/4", "numbered from 1"),
            ("5/4", "not be larger"),
            ("1/0", "at least 1"),
            ("2", "no '/'"),
            ("a/4", "whole numbers"),
            ("-1/4", "whole numbers"),
        ] {
            let err = spec.parse::<Shard>().unwrap_err().to_string();
            assert!(err.contains(why), "{spec}: {err}");
            assert!(err.contains(&format!("{spec:?}")), "{spec}: {err}");
            assert!(err.contains("1/4 to 4/4"), "{spec}: {err}");
        }
    }
}
