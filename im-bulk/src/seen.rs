//! [`SeenIds`]: the distinct UserIDs met so far, in about 15 bytes per ID for IDs of 8 bytes.

use std::hash::BuildHasher;

use hashbrown::HashTable;

/// The distinct UserIDs met so far. A `HashSet<Box<str>>` costs about 60 bytes per ID (the box,
/// an allocation of at least 32 bytes, the table's slack); here every ID's bytes follow one
/// another in one buffer, behind a length byte, and the table holds 4-byte offsets into it.
/// The set never forgets and has no false positives: an ID is in it exactly when it was
/// inserted. An insert fails only for an ID over 255 bytes (UserIDs have at most 32) or past
/// 4 GiB of IDs.
pub(crate) struct SeenIds {
    bytes: Vec<u8>,
    offsets: HashTable<u32>,
    hasher: std::hash::RandomState,
}

impl std::fmt::Debug for SeenIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeenIds")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

/// The buffer is full: 4 GiB of UserIDs, over 100 million of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SeenIdsFull;

impl SeenIds {
    pub(crate) fn new() -> Self {
        Self {
            bytes: Vec::new(),
            offsets: HashTable::new(),
            hasher: std::hash::RandomState::new(),
        }
    }

    fn at(bytes: &[u8], offset: u32) -> &[u8] {
        let start = offset as usize;
        let len = usize::from(bytes[start]);
        &bytes[start + 1..start + 1 + len]
    }

    /// Adds `id` (at most 255 bytes: UserIDs have at most 32); `Ok(true)` when it was not
    /// there yet.
    pub(crate) fn insert(&mut self, id: &str) -> Result<bool, SeenIdsFull> {
        let id = id.as_bytes();
        let len = u8::try_from(id.len()).map_err(|_| SeenIdsFull)?;
        let Self {
            bytes,
            offsets,
            hasher,
        } = self;
        let hash = hasher.hash_one(id);
        if offsets
            .find(hash, |offset| Self::at(bytes, *offset) == id)
            .is_some()
        {
            return Ok(false);
        }
        let offset = u32::try_from(bytes.len()).map_err(|_| SeenIdsFull)?;
        bytes.push(len);
        bytes.extend_from_slice(id);
        offsets.insert_unique(hash, offset, |offset| {
            hasher.hash_one(Self::at(bytes, *offset))
        });
        Ok(true)
    }

    pub(crate) fn len(&self) -> usize {
        self.offsets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_the_set_exactly_when_inserted() {
        let mut seen = SeenIds::new();
        for round in 0..2 {
            for i in 0..10_000 {
                let id = format!("user{i}");
                assert_eq!(seen.insert(&id), Ok(round == 0), "{id}");
            }
        }
        assert_eq!(seen.insert(""), Ok(true));
        assert_eq!(seen.insert(""), Ok(false));
        assert_eq!(seen.insert("用户"), Ok(true));
        assert_eq!(seen.len(), 10_002);
        assert_eq!(seen.insert(&"x".repeat(256)), Err(SeenIdsFull));
    }
}
