//! Streams over paged calls: every friend of a user (friend_get) and every blocklist entry
//! (black_list_get), fetched page by page as the stream is read.
//!
//! ```no_run
//! # async fn demo(client: tencent_im_core::Client) -> Result<(), tencent_im_core::Error> {
//! use futures::TryStreamExt;
//!
//! let friends: Vec<_> = tencent_im_friends::paging::friends(&client, "alice").try_collect().await?;
//! # Ok(()) }
//! ```

use futures::stream::{self, Stream, TryStreamExt};
use tencent_im_core::{Client, Error};

use crate::{BlackListGet, BlockedAccount, Friend, FriendGet, FriendGetResponse};

/// Page size used by [`blocklist`].
pub const DEFAULT_BLOCKLIST_PAGE: u64 = 100;

/// Every page of `from_account`'s friends, until `CompleteFlag` (or `NextStartIndex` 0).
/// An error ends the stream after being yielded.
pub fn friend_pages(
    client: &Client,
    from_account: impl Into<String>,
) -> impl Stream<Item = Result<FriendGetResponse, Error>> + Send + 'static {
    let client = client.clone();
    stream::try_unfold(Some(FriendGet::new(from_account)), move |next| {
        let client = client.clone();
        async move {
            let Some(request) = next else {
                return Ok(None);
            };
            let page = client.call(&request).await?;
            let next = page.next_page(&request);
            Ok(Some((page, next)))
        }
    })
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
/// `StartIndex` is 0.
pub fn blocklist(
    client: &Client,
    from_account: impl Into<String>,
    page_size: u64,
) -> impl Stream<Item = Result<BlockedAccount, Error>> + Send + 'static {
    let client = client.clone();
    stream::try_unfold(
        Some(BlackListGet::new(from_account, page_size)),
        move |next| {
            let client = client.clone();
            async move {
                let Some(request) = next else {
                    return Ok(None);
                };
                let page = client.call(&request).await?;
                let next = page.next_page(&request);
                Ok::<_, Error>(Some((page.items, next)))
            }
        },
    )
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}
