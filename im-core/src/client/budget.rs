//! One response-memory budget per client: the bytes of response bodies held by all in-flight
//! calls of a client (and its clones) together stay within `max_response_bytes`, so N concurrent
//! large answers cannot take N times the limit.
//!
//! A body of known length reserves all its bytes before the first is read, so such calls never
//! wait while holding part of the budget. A body of unknown length reserves chunk by chunk as it
//! streams in; when others hold the budget it waits for them (bounded by the call's timeout)
//! rather than failing. Waiting is not first-come-first-served on purpose: a call that needs a
//! few more bytes to finish must not queue behind one that needs many, or the two could wait for
//! each other until both time out.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

/// The shared budget.
#[derive(Debug)]
pub(crate) struct ResponseBudget {
    limit: usize,
    state: Mutex<State>,
    released: Notify,
}

#[derive(Debug, Default)]
struct State {
    in_use: usize,
    /// The most ever held at once (for tests and diagnostics).
    peak: usize,
}

/// Bytes of the budget held by one body; given back when dropped.
#[derive(Debug)]
pub(crate) struct Reservation {
    budget: Arc<ResponseBudget>,
    bytes: usize,
}

impl ResponseBudget {
    /// A budget of `limit` bytes.
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit,
            state: Mutex::new(State::default()),
            released: Notify::new(),
        })
    }

    /// The budget in bytes, which is also the most one body may have.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// An empty reservation, to grow as a body arrives.
    pub(crate) fn empty(self: &Arc<Self>) -> Reservation {
        Reservation {
            budget: Arc::clone(self),
            bytes: 0,
        }
    }

    /// Bytes held by all calls now.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn in_use(&self) -> usize {
        self.lock().in_use
    }

    /// The most bytes ever held at once.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn peak(&self) -> usize {
        self.lock().peak
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn try_take(&self, bytes: usize) -> bool {
        let mut state = self.lock();
        if state.in_use + bytes > self.limit {
            return false;
        }
        state.in_use += bytes;
        state.peak = state.peak.max(state.in_use);
        true
    }
}

impl Reservation {
    /// Bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Grows the reservation to `total` bytes, waiting while other calls hold the budget. The
    /// caller has checked that `total` is within the limit, so the wait ends once others finish.
    pub(crate) async fn grow_to(&mut self, total: usize) {
        let Some(more) = total.checked_sub(self.bytes).filter(|more| *more > 0) else {
            return;
        };
        let budget = Arc::clone(&self.budget);
        loop {
            // Registered before the check, so a release between the check and the wait is seen.
            let released = budget.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            if budget.try_take(more) {
                self.bytes = total;
                return;
            }
            tracing::trace!(
                wanted = more,
                limit = budget.limit,
                "waiting for the response-memory budget"
            );
            released.await;
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.bytes == 0 {
            return;
        }
        {
            let mut state = self.budget.lock();
            state.in_use = state.in_use.saturating_sub(self.bytes);
        }
        self.budget.released.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reservations_wait_for_each_other_and_give_back_on_drop() {
        let budget = ResponseBudget::new(100);
        let mut first = budget.empty();
        first.grow_to(60).await;
        let mut second = budget.empty();
        second.grow_to(40).await;
        assert_eq!(budget.in_use(), 100);

        let waiting_budget = Arc::clone(&budget);
        let waiter = tokio::spawn(async move {
            let mut third = waiting_budget.empty();
            third.grow_to(50).await;
            third.bytes()
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "no room: the third must wait");
        // A small step of a holder is not stuck behind the large waiter.
        drop(second);
        first.grow_to(70).await;
        assert_eq!(budget.in_use(), 70);
        drop(first);
        assert_eq!(waiter.await.unwrap(), 50);
        assert_eq!(budget.in_use(), 0);
        assert_eq!(budget.peak(), 100);
    }
}
