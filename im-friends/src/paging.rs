//! Streams over paged calls: every friend of a user (friend_get) and every blocklist entry
//! (black_list_get), fetched page by page as the stream is read.
//!
//! A server that never finishes cannot keep a stream going: a page that is not the last must
//! bring items and move the start index forward, and no more items may arrive than the
//! announced total (`FriendNum`) or the documented maximum ([`crate::limits::MAX_FRIENDS`],
//! [`crate::limits::MAX_BLOCKLIST`]) allows. Otherwise the stream ends with
//! [`Error::Paging`].
//!
//! ```no_run
//! # async fn demo(client: tencent_im_core::Client) -> Result<(), tencent_im_core::Error> {
//! use futures::TryStreamExt;
//!
//! let friends: Vec<_> = tencent_im_friends::paging::friends(&client, "alice").try_collect().await?;
//! # Ok(()) }
//! ```

use futures::stream::{self, Stream, TryStreamExt};
use tencent_im_core::{Client, Endpoint, Error, PagingError};

use crate::limits::{MAX_BLOCKLIST, MAX_FRIENDS};
use crate::{
    BlackListGet, BlackListGetResponse, BlockedAccount, Friend, FriendGet, FriendGetResponse,
};

/// Page size used by [`blocklist`].
pub const DEFAULT_BLOCKLIST_PAGE: u64 = 100;

/// What a listing has received so far.
#[derive(Debug, Default)]
struct Progress {
    received: u64,
    /// The largest total a page announced.
    announced: u64,
}

impl Progress {
    /// Counts a page of `items` that started at `start`, announced `total` items (if it says),
    /// and points to `next` when more pages follow. At most `max` items can exist.
    fn page(
        &mut self,
        path: &'static str,
        start: u64,
        items: usize,
        total: Option<u64>,
        next: Option<u64>,
        max: usize,
    ) -> Result<(), Error> {
        let items = u64::try_from(items).unwrap_or(u64::MAX);
        let max = u64::try_from(max).unwrap_or(u64::MAX);
        self.received = self.received.saturating_add(items);
        // A total may grow while the listing runs (friends added meanwhile), never past the
        // documented maximum.
        let limit = match total {
            Some(total) => {
                self.announced = self.announced.max(total);
                self.announced.min(max)
            }
            None => max,
        };
        if self.received > limit {
            return Err(Error::Paging {
                path,
                problem: PagingError::TooManyItems {
                    received: self.received,
                    limit,
                },
            });
        }
        match next {
            Some(next) if next <= start || items == 0 => Err(Error::Paging {
                path,
                problem: PagingError::NotAdvancing { start, next, items },
            }),
            _ => Ok(()),
        }
    }
}

/// A paged call as the listing guard sees it: where a request starts, what a page brought and
/// announced, and which request fetches the page after it.
trait PagedCall: Endpoint + Send + Sync + Sized + 'static {
    /// The documented maximum number of items the whole listing can hold.
    const MAX_ITEMS: usize;
    fn start_index(&self) -> u64;
    fn items_in(page: &Self::Response) -> usize;
    /// The total a page announces, for calls whose pages announce one.
    fn announced_total(page: &Self::Response) -> Option<u64>;
    fn next_page(&self, page: &Self::Response) -> Option<Self>;
}

impl PagedCall for FriendGet {
    const MAX_ITEMS: usize = MAX_FRIENDS;
    fn start_index(&self) -> u64 {
        self.start_index
    }
    fn items_in(page: &FriendGetResponse) -> usize {
        page.friends.len()
    }
    fn announced_total(page: &FriendGetResponse) -> Option<u64> {
        Some(page.friend_num)
    }
    fn next_page(&self, page: &FriendGetResponse) -> Option<Self> {
        page.next_page(self)
    }
}

impl PagedCall for BlackListGet {
    const MAX_ITEMS: usize = MAX_BLOCKLIST;
    fn start_index(&self) -> u64 {
        self.start_index
    }
    fn items_in(page: &BlackListGetResponse) -> usize {
        page.items.len()
    }
    fn announced_total(_: &BlackListGetResponse) -> Option<u64> {
        None
    }
    fn next_page(&self, page: &BlackListGetResponse) -> Option<Self> {
        page.next_page(self)
    }
}

/// Every page answered to `first` and the requests that follow it, each checked by the listing
/// guard. An error ends the stream after being yielded.
fn pages<E: PagedCall>(
    client: &Client,
    first: E,
) -> impl Stream<Item = Result<E::Response, Error>> + Send + 'static {
    let client = client.clone();
    stream::try_unfold(
        (Some(first), Progress::default()),
        move |(next, mut progress)| {
            let client = client.clone();
            async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                let page = client.call(&request).await?;
                let next = request.next_page(&page);
                progress.page(
                    E::PATH,
                    request.start_index(),
                    E::items_in(&page),
                    E::announced_total(&page),
                    next.as_ref().map(PagedCall::start_index),
                    E::MAX_ITEMS,
                )?;
                Ok(Some((page, (next, progress))))
            }
        },
    )
}

/// Every page of `from_account`'s friends, until `CompleteFlag` (or `NextStartIndex` 0).
/// An error ends the stream after being yielded; so does a page that does not advance or more
/// friends than `FriendNum` announced ([`Error::Paging`]).
pub fn friend_pages(
    client: &Client,
    from_account: impl Into<String>,
) -> impl Stream<Item = Result<FriendGetResponse, Error>> + Send + 'static {
    pages(client, FriendGet::new(from_account))
}

/// Every friend of `from_account`, each once, in the service's order.
pub fn friends(
    client: &Client,
    from_account: impl Into<String>,
) -> impl Stream<Item = Result<Friend, Error>> + Send + 'static {
    friend_pages(client, from_account)
        .map_ok(|page| stream::iter(page.friends.into_iter().map(Ok)))
        .try_flatten()
}

/// Every entry of `from_account`'s blocklist, `page_size` per request, until the answer's
/// `StartIndex` is 0 (or a page is empty). A page that does not advance, or more entries than a
/// blocklist can hold, ends the stream with [`Error::Paging`].
pub fn blocklist(
    client: &Client,
    from_account: impl Into<String>,
    page_size: u64,
) -> impl Stream<Item = Result<BlockedAccount, Error>> + Send + 'static {
    pages(client, BlackListGet::new(from_account, page_size))
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
}
