//! The request log: the last requests the emulator decoded, kept as the bytes they arrived as
//! and read back as their endpoint types.

use std::any::TypeId;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use axum::body::Bytes;
use serde::de::DeserializeOwned;

/// Requests kept unless told otherwise (see
/// [`EmulatorBuilder::request_log_capacity`](crate::EmulatorBuilder::request_log_capacity)).
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 10_000;

/// Bytes the kept requests may take unless told otherwise (see
/// [`EmulatorBuilder::request_log_bytes`](crate::EmulatorBuilder::request_log_bytes)): 64 MiB.
pub const DEFAULT_REQUEST_LOG_BYTES: usize = 64 << 20;

/// What a record costs besides its body: the record itself and the queue's slot for it.
const RECORD_OVERHEAD: usize = std::mem::size_of::<RequestRecord>() + 16;

/// One authenticated request the emulator decoded, kept as the body it arrived with (so that
/// what it costs is known exactly) and decoded again as its endpoint type on demand.
///
/// ```no_run
/// # fn demo(emulator: &tencent_im_emulator::RunningEmulator) {
/// use tencent_im_friends::FriendImport;
/// for record in emulator.requests() {
///     if let Some(import) = record.request::<FriendImport>() {
///         println!("{} imported {} friends", import.from_account, import.items.len());
///     }
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct RequestRecord {
    path: &'static str,
    /// The endpoint type registered for `path`, which the body decoded into.
    type_id: TypeId,
    type_name: &'static str,
    body: Bytes,
}

impl RequestRecord {
    /// The API path, e.g. `v4/sns/friend_import`.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The request, when it was decoded as `E` (the type registered for its path): decoded
    /// again from the body it arrived with.
    pub fn request<E: DeserializeOwned + 'static>(&self) -> Option<E> {
        if self.type_id != TypeId::of::<E>() {
            return None;
        }
        // It decoded as `E` when it arrived, so it does again.
        serde_json::from_slice(&self.body).ok()
    }

    /// The request's body as JSON, as it arrived (wire names, fields the type ignores too).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The size of the body, in bytes.
    pub fn body_len(&self) -> usize {
        self.body.len()
    }

    /// What the record counts against the log's byte budget.
    fn cost(&self) -> usize {
        self.body.len() + RECORD_OVERHEAD
    }

    /// `From_Account`, when the request has one.
    pub fn from_account(&self) -> Option<String> {
        let json = self.to_json().ok()?;
        json.get("From_Account")?.as_str().map(str::to_owned)
    }

    /// How many items the request carries: the length of its longest top-level list
    /// (`AddFriendItem`, `To_Account`, `Accounts`, ...), 0 when it has none.
    pub fn items(&self) -> usize {
        let Ok(serde_json::Value::Object(fields)) = self.to_json() else {
            return 0;
        };
        fields
            .values()
            .filter_map(|value| value.as_array().map(Vec::len))
            .max()
            .unwrap_or(0)
    }
}

impl fmt::Debug for RequestRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestRecord")
            .field("path", &self.path)
            .field("type", &self.type_name)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The latest records, oldest first, within a count and a byte budget: a ring, so that a
/// long-running emulator keeps a bounded amount of memory however many requests, and however
/// large, it serves.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    max_bytes: usize,
    records: Mutex<Records>,
}

#[derive(Debug, Default)]
struct Records {
    queue: VecDeque<RequestRecord>,
    /// The sum of the kept records' costs.
    bytes: usize,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            max_bytes,
            records: Mutex::new(Records::default()),
        }
    }

    /// Whether anything would be kept: when not, the caller need not even keep the body.
    pub(crate) fn keeps_anything(&self) -> bool {
        self.capacity > 0 && self.max_bytes > RECORD_OVERHEAD
    }

    /// Keeps `body`, which decoded as `E`, dropping the oldest records until the new one fits
    /// both the count and the byte budget. A body larger than the whole budget is not kept
    /// (keeping it would evict everything and still overrun).
    pub(crate) fn record<E: 'static>(&self, path: &'static str, body: Bytes) {
        let record = RequestRecord {
            path,
            type_id: TypeId::of::<E>(),
            type_name: std::any::type_name::<E>(),
            body,
        };
        let cost = record.cost();
        if self.capacity == 0 || cost > self.max_bytes {
            return;
        }
        let mut records = self.lock();
        while records.queue.len() >= self.capacity || records.bytes + cost > self.max_bytes {
            match records.queue.pop_front() {
                Some(old) => records.bytes -= old.cost(),
                None => break,
            }
        }
        records.bytes += cost;
        records.queue.push_back(record);
    }

    pub(crate) fn records(&self) -> Vec<RequestRecord> {
        self.lock().queue.iter().cloned().collect()
    }

    /// The bytes the kept records count against the budget.
    pub(crate) fn bytes(&self) -> usize {
        self.lock().bytes
    }

    pub(crate) fn clear(&self) {
        let mut records = self.lock();
        records.queue.clear();
        records.bytes = 0;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_records_make_room_for_new_ones_within_count_and_bytes() {
        let log = RequestLog::new(100, 3 * (1000 + RECORD_OVERHEAD));
        for i in 0..5u8 {
            log.record::<u8>("p", Bytes::from(vec![i; 1000]));
        }
        let kept: Vec<u8> = log.records().iter().map(|r| r.body[0]).collect();
        assert_eq!(kept, [2, 3, 4]);
        assert_eq!(log.bytes(), 3 * (1000 + RECORD_OVERHEAD));

        // One record over the whole budget is not kept and evicts nothing.
        log.record::<u8>("p", Bytes::from(vec![9; 10_000]));
        assert_eq!(log.records().len(), 3);

        let by_count = RequestLog::new(2, usize::MAX);
        for i in 0..5u8 {
            by_count.record::<u8>("p", Bytes::from(vec![i]));
        }
        assert_eq!(by_count.records().len(), 2);
        log.clear();
        assert_eq!((log.records().len(), log.bytes()), (0, 0));
    }
}
