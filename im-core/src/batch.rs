//! Calls with more items than one request may carry: split at the documented cap, sent in
//! order, answers merged.
//!
//! Writes for one `From_Account` must not run concurrently (the service answers 30008), so the
//! chunks of one request go one after another. Every chunk is validated before the first is
//! sent; if a chunk fails, [`BatchError`] holds what the earlier chunks did.

use std::fmt;

use crate::{Client, Endpoint, Error};

/// A request whose item list may be split over several requests.
pub trait Chunked: Endpoint + Sized {
    /// The documented maximum number of items in one request.
    const MAX_ITEMS: usize;

    /// How many items the request holds.
    fn item_count(&self) -> usize;

    /// Splits into requests of at most `max` items each, in order, every other field copied.
    fn into_chunks(self, max: usize) -> Vec<Self>;
}

/// A response that can absorb the response of the next chunk.
pub trait Merge {
    /// Appends `next` to `self`.
    fn merge(&mut self, next: Self);
}

/// Splits `items` into runs of at most `max` (at least one run, possibly empty) and builds a
/// request from each.
pub fn split<T, R>(items: Vec<T>, max: usize, mut make: impl FnMut(Vec<T>) -> R) -> Vec<R> {
    let max = max.max(1);
    if items.len() <= max {
        return vec![make(items)];
    }
    let mut out = Vec::with_capacity(items.len().div_ceil(max));
    let mut rest = items.into_iter().peekable();
    while rest.peek().is_some() {
        out.push(make(rest.by_ref().take(max).collect()));
    }
    out
}

/// A batch that stopped at a failed chunk.
#[derive(Debug)]
pub struct BatchError<R> {
    /// The merged answers of the chunks that completed before the failure.
    pub completed: Option<R>,
    /// How many items those chunks carried (the items from this index on were not confirmed).
    pub completed_items: usize,
    /// Why the next chunk failed.
    pub error: Error,
}

impl<R> fmt::Display for BatchError<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "batch stopped after {} items: {}",
            self.completed_items, self.error
        )
    }
}

impl<R: fmt::Debug> std::error::Error for BatchError<R> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<R> From<BatchError<R>> for Error {
    fn from(err: BatchError<R>) -> Self {
        err.error
    }
}

impl Client {
    /// Sends `request` as as many requests as its items need (at most
    /// [`Chunked::MAX_ITEMS`] each), one after another, and merges the answers.
    ///
    /// Every chunk is validated before anything is sent, so an invalid item anywhere means no
    /// request at all.
    pub async fn call_batched<E>(&self, request: E) -> Result<E::Response, BatchError<E::Response>>
    where
        E: Chunked,
        E::Response: Merge,
    {
        let chunks = request.into_chunks(E::MAX_ITEMS);
        for chunk in &chunks {
            chunk.validate().map_err(|err| BatchError {
                completed: None,
                completed_items: 0,
                error: err.into(),
            })?;
        }
        let mut merged: Option<E::Response> = None;
        let mut completed_items = 0;
        for chunk in &chunks {
            match self.call(chunk).await {
                Ok(response) => {
                    completed_items += chunk.item_count();
                    match merged.as_mut() {
                        Some(merged) => merged.merge(response),
                        None => merged = Some(response),
                    }
                }
                Err(error) => {
                    return Err(BatchError {
                        completed: merged,
                        completed_items,
                        error,
                    })
                }
            }
        }
        // `split` yields at least one chunk, so a response exists.
        merged.ok_or_else(|| BatchError {
            completed: None,
            completed_items: 0,
            error: Error::Internal("a batch produced no request"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_order_and_caps() {
        let parts = split((0..2500).collect::<Vec<_>>(), 1000, |v| v);
        assert_eq!(
            parts.iter().map(Vec::len).collect::<Vec<_>>(),
            [1000, 1000, 500]
        );
        assert_eq!(parts.concat(), (0..2500).collect::<Vec<_>>());
        assert_eq!(split(Vec::<u8>::new(), 10, |v| v.len()), [0]);
        assert_eq!(split(vec![1, 2], 0, |v| v.len()), [1, 1]);
    }
}
