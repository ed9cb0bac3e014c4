//! `crate = path` for a renamed dependency, and the batch split and merge the attributes declare.
use tencent_im_core as im_sdk;

use im_sdk::batch::{Chunked, Merge};

#[im_sdk::im_api(path = "v4/sns/friend_delete", rate = 200, crate = im_sdk)]
#[derive(Clone, Debug)]
pub struct Delete {
    #[im(user_id)]
    pub from_account: String,
    #[im(batch, max_items = 2, each(user_id))]
    pub to_account: Vec<String>,
}

#[im_sdk::im_response(crate = im_sdk)]
#[derive(Debug)]
pub struct DeleteResponse {
    #[im(merge)]
    pub result_item: Vec<im_sdk::ResultItem>,
    pub current_sequence: u64,
}

fn main() {
    let request = Delete {
        from_account: "a".into(),
        to_account: vec!["b".into(), "c".into(), "d".into()],
    };
    assert_eq!(Delete::MAX_ITEMS, 2);
    let chunks = request.into_chunks(Delete::MAX_ITEMS);
    let sizes: Vec<usize> = chunks.iter().map(|c| c.item_count()).collect();
    assert_eq!(sizes, [2, 1]);
    assert!(chunks.iter().all(|c| c.from_account == "a"));
    let decode = |json: &str| -> DeleteResponse { serde_json::from_str(json).unwrap() };
    let mut merged = decode(r#"{"ResultItem":[{"To_Account":"b","ResultCode":0}],"CurrentSequence":1}"#);
    merged.merge(decode(r#"{"ResultItem":[{"To_Account":"d","ResultCode":0}],"CurrentSequence":2}"#));
    let accounts: Vec<&str> = merged.result_item.iter().map(|i| i.to_account.as_str()).collect();
    assert_eq!(accounts, ["b", "d"]);
    assert_eq!(merged.current_sequence, 1);
}
