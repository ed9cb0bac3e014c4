//! [`LineSet`] and the range text (`1-3,7,9-10`) the checkpoint log stores line numbers in.

/// A growable set of line numbers, one bit per line, up to [`LineSet::MAX_LINE`].
#[derive(Debug, Default, Clone)]
pub struct LineSet(Vec<u64>);

/// A line number past [`LineSet::MAX_LINE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line} is past the largest line number a LineSet holds ({})",
    LineSet::MAX_LINE
)]
pub struct LineTooLarge {
    /// The line number.
    pub line: u64,
}

impl LineSet {
    /// The largest line number a set holds: 2^30 - 1, 128 MiB of bits at most. A damaged
    /// checkpoint record such as `P 1-99999999999` must not make the set grow without bound.
    pub const MAX_LINE: u64 = (1 << 30) - 1;

    /// Adds `line`; past [`LineSet::MAX_LINE`] nothing is added.
    pub fn insert(&mut self, line: u64) -> Result<(), LineTooLarge> {
        if line > Self::MAX_LINE {
            return Err(LineTooLarge { line });
        }
        let (word, bit) = ((line / 64) as usize, line % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
        Ok(())
    }

    /// Removes `line`.
    pub fn remove(&mut self, line: u64) {
        if let Some(word) = self.0.get_mut((line / 64) as usize) {
            *word &= !(1 << (line % 64));
        }
    }

    /// Whether `line` is in the set.
    pub fn contains(&self, line: u64) -> bool {
        self.0
            .get((line / 64) as usize)
            .is_some_and(|word| word & (1 << (line % 64)) != 0)
    }

    /// How many lines are in the set.
    pub fn len(&self) -> u64 {
        self.0.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `1-3,7,9-10` for sorted lines.
pub(crate) fn encode_ranges(lines: &[u64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

/// Why range text could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RangeError {
    /// Not range text (a torn line, for instance).
    Unreadable,
    /// A line number past [`LineSet::MAX_LINE`], or a range running backwards.
    OutOfRange(String),
}

/// Calls `each` for every line of `text`. Numbers are checked before any is passed on, so a
/// range past [`LineSet::MAX_LINE`] is refused before it is walked.
pub(crate) fn decode_ranges(
    text: &str,
    mut each: impl FnMut(u64) -> Result<(), LineTooLarge>,
) -> Result<(), RangeError> {
    let number = |n: &str| n.parse::<u64>().map_err(|_| RangeError::Unreadable);
    let out_of_range = |part: &str| {
        RangeError::OutOfRange(format!(
            "{part:?} is not a range of line numbers up to {}",
            LineSet::MAX_LINE
        ))
    };
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let (start, end) = match part.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(part)?, number(part)?),
        };
        if start > end || end > LineSet::MAX_LINE {
            return Err(out_of_range(part));
        }
        for line in start..=end {
            each(line).map_err(|_| out_of_range(part))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_round_trip() {
        let lines = [1, 2, 3, 7, 9, 10, 12];
        let text = encode_ranges(&lines);
        assert_eq!(text, "1-3,7,9-10,12");
        let mut back = Vec::new();
        decode_ranges(&text, |l| {
            back.push(l);
            Ok(())
        })
        .unwrap();
        assert_eq!(back, lines);
        assert_eq!(
            decode_ranges("1-x", |_| Ok(())),
            Err(RangeError::Unreadable)
        );
        for damaged in ["1-99999999999", "5-3", "1073741824"] {
            let mut calls = 0;
            let result = decode_ranges(damaged, |_| {
                calls += 1;
                Ok(())
            });
            assert!(
                matches!(result, Err(RangeError::OutOfRange(_))),
                "{damaged}"
            );
            assert_eq!(calls, 0, "{damaged}");
        }
    }

    #[test]
    fn line_sets() {
        let mut set = LineSet::default();
        set.insert(3).unwrap();
        set.insert(1000).unwrap();
        assert_eq!(
            set.insert(LineSet::MAX_LINE + 1),
            Err(LineTooLarge {
                line: LineSet::MAX_LINE + 1
            })
        );
        assert!(!set.contains(LineSet::MAX_LINE + 1));
        assert!(set.contains(3) && set.contains(1000) && !set.contains(4));
        set.remove(3);
        assert_eq!(set.len(), 1);
    }
}
