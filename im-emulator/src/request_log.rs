//! The request log: the last requests the emulator served and what it answered, kept as the
//! bytes that went each way and read back as their endpoint types.

use std::any::TypeId;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use tencent_im_core::ErrorCode;

use crate::faults::Fault;

/// Requests kept unless told otherwise (see
/// [`EmulatorBuilder::request_log_capacity`](crate::EmulatorBuilder::request_log_capacity)).
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 10_000;

/// Bytes the kept requests may take unless told otherwise (see
/// [`EmulatorBuilder::request_log_bytes`](crate::EmulatorBuilder::request_log_bytes)): 64 MiB.
pub const DEFAULT_REQUEST_LOG_BYTES: usize = 64 << 20;

/// What a record costs besides its body and answer: the record itself and the queue's slot
/// for it.
const RECORD_OVERHEAD: usize = std::mem::size_of::<RequestRecord>() + 16;

/// One authenticated request to a served path and what it was answered, kept as the bytes that
/// went each way (so that what it costs is known exactly); the request is decoded again as its
/// endpoint type on demand.
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
    id: u64,
    path: &'static str,
    /// The endpoint type registered for `path`, which the body decodes into when it is valid.
    type_id: TypeId,
    type_name: &'static str,
    at: u64,
    latency: Duration,
    status: u16,
    code: Option<ErrorCode>,
    fault: Option<Fault>,
    body: Bytes,
    answer: Bytes,
}

/// What a request was answered, for [`RequestLog::record`].
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The envelope's `ErrorCode`; `None` when no envelope reached the client (an HTTP 502, a
    /// connection cut before or during the answer).
    pub code: Option<ErrorCode>,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// The body the emulator made (before a `truncate` or `lost` fault cut it).
    pub body: Bytes,
}

impl RequestRecord {
    /// The record's number: 1 for the first request the emulator logged, growing by one.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The API path, e.g. `v4/sns/friend_import`.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The request, when it decodes as `E` (the type registered for its path): decoded again
    /// from the body it arrived with. `None` for another type, or a body that did not decode
    /// (the call was refused for it).
    pub fn request<E: DeserializeOwned + 'static>(&self) -> Option<E> {
        if self.type_id != TypeId::of::<E>() {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    /// The name of the endpoint type registered for the path.
    pub fn endpoint_type(&self) -> &'static str {
        self.type_name
    }

    /// The request's body as JSON, as it arrived (wire names, fields the type ignores too).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The request's body, as it arrived.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The size of the body, in bytes.
    pub fn body_len(&self) -> usize {
        self.body.len()
    }

    /// When the request arrived, by the emulator's clock, in seconds since the Unix epoch.
    pub fn at(&self) -> u64 {
        self.at
    }

    /// How long the emulator took from the request's arrival to its answer (an injected delay
    /// included).
    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The answer's `ErrorCode`; `None` when no envelope reached the client.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code
    }

    /// The fault injected into the request, if any.
    pub fn fault(&self) -> Option<Fault> {
        self.fault
    }

    /// The answer the emulator made: the JSON with the envelope, or the HTML of an injected
    /// 502. For a `truncate` or `lost` fault, the whole answer before it was cut.
    pub fn answer(&self) -> &[u8] {
        &self.answer
    }

    /// Whether the client did not get a success: a non-zero `ErrorCode`, or no envelope at all.
    pub fn failed(&self) -> bool {
        self.code != Some(ErrorCode::OK)
            || matches!(
                self.fault,
                Some(Fault::Truncate | Fault::Lost | Fault::Reset | Fault::Http502)
            )
    }

    /// What the record counts against the log's byte budget.
    fn cost(&self) -> usize {
        self.body.len() + self.answer.len() + RECORD_OVERHEAD
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
            .field("id", &self.id)
            .field("path", &self.path)
            .field("type", &self.type_name)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("fault", &self.fault)
            .field("body_len", &self.body.len())
            .field("answer_len", &self.answer.len())
            .finish_non_exhaustive()
    }
}

/// Which records a listing shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordFilter {
    /// Only this path.
    pub path: Option<String>,
    /// Only failures (see [`RequestRecord::failed`]).
    pub failed_only: bool,
}

impl RecordFilter {
    fn admits(&self, record: &RequestRecord) -> bool {
        self.path.as_deref().is_none_or(|path| record.path == path)
            && (!self.failed_only || record.failed())
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
    /// The id of the last record made.
    last_id: u64,
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

    /// Keeps a request to `path` (whose body decodes as `E` when valid) and its answer,
    /// dropping the oldest records until the new one fits both the count and the byte budget.
    /// A record larger than the whole budget is not kept (keeping it would evict everything and
    /// still overrun).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &self,
        path: &'static str,
        endpoint: (TypeId, &'static str),
        at: u64,
        latency: Duration,
        body: Bytes,
        answer: Answer,
    ) {
        let mut record = RequestRecord {
            id: 0,
            path,
            type_id: endpoint.0,
            type_name: endpoint.1,
            at,
            latency,
            status: answer.status,
            code: answer.code,
            fault: answer.fault,
            body,
            answer: answer.body,
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
        records.last_id += 1;
        record.id = records.last_id;
        records.bytes += cost;
        records.queue.push_back(record);
    }

    pub(crate) fn records(&self) -> Vec<RequestRecord> {
        self.lock().queue.iter().cloned().collect()
    }

    /// Up to `limit` records that `filter` admits, newest first, older than the record `before`
    /// (from the newest when `None`); and whether more follow.
    pub(crate) fn page(
        &self,
        filter: &RecordFilter,
        before: Option<u64>,
        limit: usize,
    ) -> (Vec<RequestRecord>, bool) {
        let records = self.lock();
        let mut matching = records
            .queue
            .iter()
            .rev()
            .filter(|record| before.is_none_or(|before| record.id < before))
            .filter(|record| filter.admits(record));
        // Clones share the bodies' buffers: a page costs its records' headers only.
        let page: Vec<RequestRecord> = matching.by_ref().take(limit).cloned().collect();
        let more = matching.next().is_some();
        (page, more)
    }

    /// The record `id`, while it is kept.
    pub(crate) fn get(&self, id: u64) -> Option<RequestRecord> {
        let records = self.lock();
        // Ids grow by one along the queue: the position is known without a search.
        let first = records.queue.front()?.id;
        let index = usize::try_from(id.checked_sub(first)?).ok()?;
        records.queue.get(index).filter(|r| r.id == id).cloned()
    }

    /// How many records are kept.
    pub(crate) fn len(&self) -> usize {
        self.lock().queue.len()
    }

    /// The most records kept, and the most bytes they may take.
    pub(crate) fn bounds(&self) -> (usize, usize) {
        (self.capacity, self.max_bytes)
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

    fn log_one(log: &RequestLog, body: Vec<u8>, answer: &'static [u8], code: i64) {
        log.record(
            "p",
            (TypeId::of::<u8>(), "u8"),
            0,
            Duration::ZERO,
            Bytes::from(body),
            Answer {
                status: 200,
                code: Some(ErrorCode(code)),
                fault: None,
                body: Bytes::from_static(answer),
            },
        );
    }

    #[test]
    fn old_records_make_room_for_new_ones_within_count_and_bytes() {
        let log = RequestLog::new(100, 3 * (1000 + 10 + RECORD_OVERHEAD));
        for i in 0..5u8 {
            log_one(&log, vec![i; 1000], b"0123456789", 0);
        }
        let kept: Vec<u8> = log.records().iter().map(|r| r.body[0]).collect();
        assert_eq!(kept, [2, 3, 4]);
        assert_eq!(log.bytes(), 3 * (1000 + 10 + RECORD_OVERHEAD));

        // One record over the whole budget is not kept and evicts nothing.
        log_one(&log, vec![9; 10_000], b"", 0);
        assert_eq!(log.records().len(), 3);

        let by_count = RequestLog::new(2, usize::MAX);
        for i in 0..5u8 {
            log_one(&by_count, vec![i], b"", 0);
        }
        assert_eq!(by_count.records().len(), 2);
        log.clear();
        assert_eq!((log.records().len(), log.bytes()), (0, 0));
    }

    #[test]
    fn answers_count_against_the_byte_budget() {
        let log = RequestLog::new(100, 2 * (10 + 1000 + RECORD_OVERHEAD));
        static ANSWER: [u8; 1000] = [b'x'; 1000];
        for _ in 0..5 {
            log_one(&log, vec![0; 10], &ANSWER, 0);
        }
        assert_eq!(log.len(), 2);
        assert!(log.bytes() <= 2 * (10 + 1000 + RECORD_OVERHEAD));
    }

    #[test]
    fn pages_go_newest_first_with_filters_and_ids_stay_valid() {
        let log = RequestLog::new(4, usize::MAX);
        for i in 0..6u8 {
            log_one(&log, vec![i], b"", if i % 2 == 0 { 0 } else { 30001 });
        }
        // Records 3 to 6 are kept.
        let (page, more) = log.page(&RecordFilter::default(), None, 3);
        assert_eq!(page.iter().map(|r| r.id()).collect::<Vec<_>>(), [6, 5, 4]);
        assert!(more);
        let (page, more) = log.page(&RecordFilter::default(), Some(4), 3);
        assert_eq!(page.iter().map(|r| r.id()).collect::<Vec<_>>(), [3]);
        assert!(!more);
        let failed = RecordFilter {
            failed_only: true,
            ..RecordFilter::default()
        };
        let (page, _) = log.page(&failed, None, 10);
        assert_eq!(page.iter().map(|r| r.id()).collect::<Vec<_>>(), [6, 4]);
        let other_path = RecordFilter {
            path: Some("q".to_owned()),
            ..RecordFilter::default()
        };
        assert!(log.page(&other_path, None, 10).0.is_empty());
        assert_eq!(log.get(5).map(|r| r.body[0]), Some(4));
        assert!(log.get(2).is_none(), "evicted");
        assert!(log.get(7).is_none(), "not yet made");
    }
}
