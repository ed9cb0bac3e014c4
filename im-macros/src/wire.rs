//! The rule that turns a Rust field name into Tencent's wire name.
//!
//! Each `_`-separated word is capitalised and the words are joined, except that:
//! - the word `id` becomes `ID` (`user_id` → `UserID`);
//! - the singular word `account` after another word keeps its underscore (`from_account` →
//!   `From_Account`, `fail_account` → `Fail_Account`), the plural does not (`fail_accounts` →
//!   `FailAccounts`), as Tencent spells them.
//!
//! Everything else (`start_index` → `StartIndex`, `add_friend_item` → `AddFriendItem`) is plain
//! PascalCase. Names that break the rule (`CurruentSequence`) are given with `#[im(rename)]`.

pub(crate) fn wire_name(rust: &str) -> String {
    let rust = rust.strip_prefix("r#").unwrap_or(rust);
    let mut out = String::with_capacity(rust.len() + 2);
    for (index, word) in rust.split('_').filter(|w| !w.is_empty()).enumerate() {
        match word {
            "id" => out.push_str("ID"),
            "account" if index > 0 => out.push_str("_Account"),
            _ => {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wire_name;

    #[test]
    fn names_follow_tencents_spelling() {
        for (rust, wire) in [
            ("from_account", "From_Account"),
            ("to_account", "To_Account"),
            ("fail_account", "Fail_Account"),
            ("invalid_account", "Invalid_Account"),
            ("fail_accounts", "FailAccounts"),
            ("accounts", "Accounts"),
            ("account_status", "AccountStatus"),
            ("user_id", "UserID"),
            ("start_index", "StartIndex"),
            ("next_start_index", "NextStartIndex"),
            ("add_friend_item", "AddFriendItem"),
            ("result_item", "ResultItem"),
            ("remark", "Remark"),
            ("r#type", "Type"),
        ] {
            assert_eq!(wire_name(rust), wire, "{rust}");
        }
    }
}
