//! The request log: the last requests the emulator decoded, as their endpoint types.

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

/// Requests kept unless told otherwise (see
/// [`EmulatorBuilder::request_log_capacity`](crate::EmulatorBuilder::request_log_capacity)).
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 10_000;

/// One authenticated request the emulator decoded, kept as its endpoint type.
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
    request: Arc<dyn LoggedRequest>,
}

impl RequestRecord {
    /// The API path, e.g. `v4/sns/friend_import`.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The request, when it was decoded as `E` (the type registered for its path).
    pub fn request<E: Any>(&self) -> Option<&E> {
        self.request.as_any().downcast_ref()
    }

    /// The request written as JSON again, with its wire names.
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.request.to_json()
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
            .field("type", &self.request.type_name())
            .finish_non_exhaustive()
    }
}

/// A decoded request of any endpoint type: what a record needs of it.
trait LoggedRequest: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    fn type_name(&self) -> &'static str;
}

impl<E: Any + Serialize + Send + Sync> LoggedRequest for E {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    fn type_name(&self) -> &'static str {
        std::any::type_name::<E>()
    }
}

/// The last `capacity` records, oldest first: a ring, so that a long-running emulator keeps a
/// bounded amount of memory however many requests it serves.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    records: Mutex<VecDeque<RequestRecord>>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            records: Mutex::new(VecDeque::with_capacity(capacity.min(1024))),
        }
    }

    /// Keeps a copy of `request` (the handler consumes the original), dropping the oldest
    /// record when full. Nothing is copied when the log keeps nothing.
    pub(crate) fn record<E: Any + Serialize + Clone + Send + Sync>(
        &self,
        path: &'static str,
        request: &E,
    ) {
        if self.capacity == 0 {
            return;
        }
        let record = RequestRecord {
            path,
            request: Arc::new(request.clone()),
        };
        let mut records = self.lock();
        if records.len() == self.capacity {
            records.pop_front();
        }
        records.push_back(record);
    }

    pub(crate) fn records(&self) -> Vec<RequestRecord> {
        self.lock().iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<RequestRecord>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
