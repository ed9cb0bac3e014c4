//! [`LineSet`] and the range text (`1-3,7,9-10`) the checkpoint log stores line numbers in.

/// A growable set of line numbers, one bit per line.
#[derive(Debug, Default, Clone)]
pub struct LineSet(Vec<u64>);

impl LineSet {
    /// Adds `line`.
    pub fn insert(&mut self, line: u64) {
        let (word, bit) = ((line / 64) as usize, line % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
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

/// Calls `each` for every line of `text`; `None` when `text` is not range text.
pub(crate) fn decode_ranges(text: &str, mut each: impl FnMut(u64)) -> Option<()> {
    for part in text.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => (a.parse::<u64>().ok()?..=b.parse::<u64>().ok()?).for_each(&mut each),
            None => each(part.parse().ok()?),
        }
    }
    Some(())
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
        decode_ranges(&text, |l| back.push(l)).unwrap();
        assert_eq!(back, lines);
        assert!(decode_ranges("1-x", |_| {}).is_none());
    }

    #[test]
    fn line_sets() {
        let mut set = LineSet::default();
        set.insert(3);
        set.insert(1000);
        assert!(set.contains(3) && set.contains(1000) && !set.contains(4));
        set.remove(3);
        assert_eq!(set.len(), 1);
    }
}
