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
use crate::{BlackListGet, BlockedAccount, Friend, FriendGet, FriendGetResponse};

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

/// Every page of `from_account`'s friends, until `CompleteFlag` (or `NextStartIndex` 0).
/// An error ends the stream after being yielded; so does a page that does not advance or more
/// friends than `FriendNum` announced ([`Error::Paging`]).
pub fn friend_pages(
    client: &Client,
    from_account: impl Into<String>,
) -> impl Stream<Item = Result<FriendGetResponse, Error>> + Send + 'static {
    let client = client.clone();
    stream::try_unfold(
        (Some(FriendGet::new(from_account)), Progress::default()),
        move |(next, mut progress)| {
            let client = client.clone();
            async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                let page = client.call(&request).await?;
                let next = page.next_page(&request);
                progress.page(
                    FriendGet::PATH,
                    request.start_index,
                    page.friends.len(),
                    Some(page.friend_num),
                    next.as_ref().map(|next| next.start_index),
                    MAX_FRIENDS,
                )?;
                Ok(Some((page, (next, progress))))
            }
        },
    )
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
    let client = client.clone();
    stream::try_unfold(
        (
            Some(BlackListGet::new(from_account, page_size)),
            Progress::default(),
        ),
        move |(next, mut progress)| {
            let client = client.clone();
            async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                let page = client.call(&request).await?;
                let next = page.next_page(&request);
                progress.page(
                    BlackListGet::PATH,
                    request.start_index,
                    page.items.len(),
                    None,
                    next.as_ref().map(|next| next.start_index),
                    MAX_BLOCKLIST,
                )?;
                Ok::<_, Error>(Some((page.items, (next, progress))))
            }
        },
    )
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}
