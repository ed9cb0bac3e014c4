//! Splitting of the account calls over their 100-account cap, for
//! [`tencent_im_core::Client::call_batched`].

use tencent_im_core::batch::{split, Chunked, Merge};

use crate::{
    AccountCheck, AccountCheckResponse, AccountDelete, AccountDeleteResponse, MultiaccountImport,
    MultiaccountImportResponse, MAX_ACCOUNTS_PER_REQUEST,
};

macro_rules! chunked {
    ($($request:ty => $items:ident),* $(,)?) => {$(
        impl Chunked for $request {
            const MAX_ITEMS: usize = MAX_ACCOUNTS_PER_REQUEST;

            fn item_count(&self) -> usize {
                self.$items.len()
            }

            fn into_chunks(mut self, max: usize) -> Vec<Self> {
                let items = std::mem::take(&mut self.$items);
                split(items, max, |part| Self { $items: part })
            }
        }
    )*};
}

chunked! {
    MultiaccountImport => accounts,
    AccountCheck => items,
    AccountDelete => items,
}

impl Merge for MultiaccountImportResponse {
    fn merge(&mut self, next: Self) {
        self.fail_accounts.extend(next.fail_accounts);
    }
}

impl Merge for AccountCheckResponse {
    fn merge(&mut self, next: Self) {
        self.results.extend(next.results);
    }
}

impl Merge for AccountDeleteResponse {
    fn merge(&mut self, next: Self) {
        self.results.extend(next.results);
    }
}
