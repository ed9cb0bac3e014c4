//! A stream over follow_get's pages: every fan, following or mutual follow of an account,
//! fetched page by page as the stream is read.
//!
//! A server that never finishes cannot keep the stream going. A page that is not the last must
//! bring entries and a cursor that no earlier request used; otherwise the stream ends with
//! [`Error::Paging`] and [`PagingError::NotAdvancing`], whose `start` and `next` are page
//! numbers here (0 for the first page): page `start` pointed at the cursor that page `next`
//! was (or was about to be) fetched with. A following or mutual list that grows past
//! [`MAX_FOLLOWING`] ends with [`PagingError::TooManyItems`]; fans have no documented maximum.
//!
//! ```no_run
//! # async fn demo(client: tencent_im_core::Client) -> Result<(), tencent_im_core::Error> {
//! use futures::TryStreamExt;
//! use tencent_im_follow::{paging, FollowType};
//!
//! let fans: Vec<_> = paging::follows(&client, "alice", FollowType::Fans).try_collect().await?;
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use futures::stream::{self, Stream, TryStreamExt};
use tencent_im_core::{Client, Endpoint, Error, PagingError};

use crate::{FollowEntry, FollowGet, FollowGetResponse, FollowType};

/// The most accounts one account may follow; a mutual list is part of the following list.
pub const MAX_FOLLOWING: u64 = 5000;

/// What a listing has been through: the cursors requested (by hash, so that a hostile cursor's
/// size costs nothing to keep) with the page each started, and the entries received.
#[derive(Debug, Default)]
struct Guard {
    cursors: HashMap<u64, u64>,
    page: u64,
    received: u64,
}

fn cursor_key(cursor: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    cursor.hash(&mut hasher);
    hasher.finish()
}

impl Guard {
    /// Counts the page answered to `request`; `Err` when the listing cannot be trusted to end.
    fn page(&mut self, request: &FollowGet, page: &FollowGetResponse) -> Result<(), Error> {
        let stopped = |problem| Error::Paging {
            path: FollowGet::PATH,
            problem,
        };
        let this_page = self.page;
        self.cursors
            .entry(cursor_key(&request.start_cursor))
            .or_insert(this_page);
        let items = u64::try_from(page.follow_item.len()).unwrap_or(u64::MAX);
        self.received = self.received.saturating_add(items);
        if request.follow_type != FollowType::Fans && self.received > MAX_FOLLOWING {
            return Err(stopped(PagingError::TooManyItems {
                received: self.received,
                limit: MAX_FOLLOWING,
            }));
        }
        if page.is_last() {
            return Ok(());
        }
        let next = self.page.saturating_add(1);
        let repeated = self.cursors.get(&cursor_key(&page.next_cursor)).copied();
        if items == 0 || repeated.is_some() {
            return Err(stopped(PagingError::NotAdvancing {
                start: this_page,
                next: repeated.unwrap_or(next),
                items,
            }));
        }
        self.page = next;
        Ok(())
    }
}

/// Every page of `from_account`'s list of kind `follow_type`, `want_num` entries per request
/// (1 to 1000), until `NextCursor` is empty. An error ends the stream after being yielded; so
/// does a page that does not advance ([`Error::Paging`]).
pub fn follow_pages(
    client: &Client,
    from_account: impl Into<String>,
    follow_type: FollowType,
    want_num: u32,
) -> impl Stream<Item = Result<FollowGetResponse, Error>> + Send + 'static {
    let client = client.clone();
    let first = FollowGet::new(from_account, follow_type).want_num(want_num);
    stream::try_unfold((Some(first), Guard::default()), move |(next, mut guard)| {
        let client = client.clone();
        async move {
            let Some(request) = next else {
                return Ok(None);
            };
            let page = client.call(&request).await?;
            guard.page(&request, &page)?;
            let next = page.next_page(&request);
            Ok(Some((page, (next, guard))))
        }
    })
}

/// Every entry of `from_account`'s list of kind `follow_type`, each once, in the service's
/// order, fetched 100 per request.
pub fn follows(
    client: &Client,
    from_account: impl Into<String>,
    follow_type: FollowType,
) -> impl Stream<Item = Result<FollowEntry, Error>> + Send + 'static {
    follow_pages(
        client,
        from_account,
        follow_type,
        crate::follow_get::DEFAULT_WANT_NUM,
    )
    .map_ok(|page| stream::iter(page.follow_item.into_iter().map(Ok)))
    .try_flatten()
}
