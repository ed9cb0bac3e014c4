//! The whole state as a versioned JSON document (see [`Snapshot`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use tencent_im_core::{check, FieldPath, ValidationError};
use tencent_im_friends::limits::{self, MAX_BLOCKLIST, MAX_FRIENDS};
use tencent_im_friends::{FriendValue, Tag, TagValue};

use super::{Account, AllowType, FriendRecord, World};

/// The `format` every state document carries.
pub const SNAPSHOT_FORMAT: &str = "tencent-im-emulator/state";
/// The version of the format this emulator writes and reads.
pub const SNAPSHOT_VERSION: u64 = 1;

/// The whole state of an emulator: every account with its friends, groups, blocklist and
/// follows, as the versioned JSON document that `--import FILE`, `--export-on-exit FILE` and the
/// web page read and write.
///
/// ```json
/// {
///   "format": "tencent-im-emulator/state",
///   "version": 1,
///   "accounts": [
///     {
///       "id": "alice",
///       "nick": "Alice",
///       "allow_type": "AllowType_Type_AllowAny",
///       "groups": ["work"],
///       "friends": [
///         { "id": "bob", "add_source": "AddSource_Type_Web", "remark": "Bobby",
///           "groups": ["work"], "add_time": 1700000000,
///           "custom": { "Tag_SNS_Custom_Level": 3 } }
///       ],
///       "blocklist": [{ "id": "mallory", "time": 1700000100 }],
///       "following": [{ "id": "bob", "time": 1700000200 }]
///     },
///     { "id": "bob" },
///     { "id": "mallory" }
///   ]
/// }
/// ```
///
/// Only `format`, `version`, `accounts` and each account's `id` are required. Friends, blocklist
/// entries and follows keep their order (friend_get's and black_list_get's order). One side of a
/// friendship is one entry: a two-way friendship is listed under both accounts. Fans are not
/// listed: they are the accounts whose `following` holds an account. `sequences` (`standard`,
/// `custom`, `group`, `blocklist`) carries the change counters clients cache; left out, they
/// start at 0.
///
/// An import is checked whole before anything changes: every account id valid and unique,
/// every friend, blocked or followed account imported, no account holding itself, no entry twice,
/// at most 3000 friends, 32 groups and 1000 blocklist entries, a friend's groups among the
/// account's groups, no account both a friend and blocked, add sources and custom tags as
/// friend_import takes them. The first problem is the error, with the field it is at.
///
/// Read one with [`Snapshot::from_json`], which checks the format and version; an import
/// ([`RunningEmulator::import_state`](crate::RunningEmulator::import_state),
/// [`EmulatorBuilder::import_state`](crate::EmulatorBuilder::import_state)) checks the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_FORMAT`].
    pub format: String,
    /// [`SNAPSHOT_VERSION`] when written by this emulator.
    pub version: u64,
    /// The accounts, sorted by id when exported.
    pub accounts: Vec<SnapshotAccount>,
}

/// One account in a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotAccount {
    /// The UserID.
    pub id: String,
    /// `Tag_Profile_IM_Nick`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    /// `FaceUrl` given at account_import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_url: Option<String>,
    /// `Tag_Profile_IM_AllowType` as its wire value; `AllowType_Type_NeedConfirm` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_type: Option<String>,
    /// Friend groups in the order they were made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Friends in the order the friendships were made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub friends: Vec<SnapshotFriend>,
    /// Blocked accounts in the order they were blocked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocklist: Vec<SnapshotEntry>,
    /// Followed accounts in the order they were followed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub following: Vec<SnapshotEntry>,
    /// The change counters clients cache.
    #[serde(default, skip_serializing_if = "Sequences::is_zero")]
    pub sequences: Sequences,
}

/// One side of a friendship in a [`Snapshot`]: what the account keeps about one friend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFriend {
    /// The friend's UserID.
    pub id: String,
    /// `Tag_SNS_IM_AddSource`, `AddSource_Type_` and 1 to 8 letters.
    pub add_source: String,
    /// `Tag_SNS_IM_Remark`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// `Tag_SNS_IM_Group`: groups of the account this friend is in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// `Tag_SNS_IM_AddTime`, seconds since the Unix epoch.
    #[serde(default)]
    pub add_time: i64,
    /// `Tag_SNS_IM_AddWording`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_wording: Option<String>,
    /// `Tag_SNS_Custom_*` fields: a string or an integer each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, FriendValue>,
}

/// A blocked or followed account in a [`Snapshot`], with when it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotEntry {
    /// The other account's UserID.
    pub id: String,
    /// Seconds since the Unix epoch.
    #[serde(default)]
    pub time: i64,
}

/// The change counters of one account (`StandardSequence`, `CustomSequence`, the group
/// `CurrentSequence` and the blocklist's `CurruentSequence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sequences {
    /// friend_get's `StandardSequence`.
    #[serde(default)]
    pub standard: u64,
    /// friend_get's `CustomSequence`.
    #[serde(default)]
    pub custom: u64,
    /// group_get's `CurrentSequence`.
    #[serde(default)]
    pub group: u64,
    /// black_list_get's `CurruentSequence`.
    #[serde(default)]
    pub blocklist: u64,
}

impl Sequences {
    fn is_zero(&self) -> bool {
        *self == Sequences::default()
    }
}

/// Why a state document cannot be imported. Each says where and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Not JSON, or JSON that is not shaped like a state document.
    #[error("the state is not a valid state document at `{path}`: {message}")]
    Json {
        /// Where in the document the problem is (`.` for the top).
        path: String,
        /// What serde found.
        message: String,
    },
    /// `format` is not [`SNAPSHOT_FORMAT`].
    #[error("this is not an emulator state document: `format` is {found:?}, expected {SNAPSHOT_FORMAT:?}")]
    NotAStateDocument {
        /// The `format` found.
        found: String,
    },
    /// A version this emulator does not read.
    #[error("state format version {found} is not supported: this emulator reads version {SNAPSHOT_VERSION}; export the state again with a matching emulator")]
    UnsupportedVersion {
        /// The `version` found.
        found: u64,
    },
    /// A value the service would refuse (a UserID, an add source, a group name, a custom tag,
    /// an AllowType, a list over its limit).
    #[error("{message}")]
    Invalid {
        /// Where it is, e.g. `accounts[2].friends[0].add_source`.
        field: String,
        /// What is wrong, starting with the field.
        message: String,
    },
    /// Two accounts with the same id.
    #[error("`{field}`: account {account:?} is listed twice; merge the two entries")]
    DuplicateAccount {
        /// Where the second one is.
        field: String,
        /// The id.
        account: String,
    },
    /// A friend, blocked or followed account that is not in `accounts`.
    #[error(
        "`{field}`: {account:?} is not one of the accounts; add an entry for it to `accounts`"
    )]
    UnknownAccount {
        /// Where it is referenced.
        field: String,
        /// The id.
        account: String,
    },
    /// An account among its own friends, blocklist or follows.
    #[error("`{field}`: an account cannot hold itself ({account:?})")]
    SelfReference {
        /// Where it is.
        field: String,
        /// The id.
        account: String,
    },
    /// The same account twice in one list.
    #[error("`{field}`: {account:?} is already in this list; remove the repeated entry")]
    DuplicateEntry {
        /// Where the second one is.
        field: String,
        /// The id.
        account: String,
    },
    /// A friend put in a group the account does not have.
    #[error("`{field}`: group {group:?} is not in the account's `groups`; add it there")]
    UnknownGroup {
        /// Where it is.
        field: String,
        /// The group name.
        group: String,
    },
    /// An account that is both a friend and blocked (blocking ends a friendship).
    #[error("`{field}`: {account:?} is both a friend and blocked; blocking ends a friendship, so keep one of the two")]
    BlockedFriend {
        /// Where the blocklist entry is.
        field: String,
        /// The id.
        account: String,
    },
}

impl From<ValidationError> for SnapshotError {
    fn from(err: ValidationError) -> Self {
        SnapshotError::Invalid {
            field: err.field().to_owned(),
            message: err.to_string(),
        }
    }
}

impl Snapshot {
    /// An empty state.
    pub fn empty() -> Self {
        Snapshot {
            format: SNAPSHOT_FORMAT.to_owned(),
            version: SNAPSHOT_VERSION,
            accounts: Vec::new(),
        }
    }

    /// Reads a state document, checking its `format` and `version` first so that a file of
    /// another kind or version is told as such rather than as a missing field.
    pub fn from_json(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let json_error = |path: String, message: String| SnapshotError::Json { path, message };
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|err| json_error(".".to_owned(), err.to_string()))?;
        let Some(object) = value.as_object() else {
            return Err(json_error(
                ".".to_owned(),
                "expected a JSON object with `format`, `version` and `accounts`".to_owned(),
            ));
        };
        match object.get("format").map(|f| f.as_str()) {
            Some(Some(SNAPSHOT_FORMAT)) => {}
            Some(Some(other)) => {
                return Err(SnapshotError::NotAStateDocument {
                    found: other.to_owned(),
                })
            }
            Some(None) | None => {
                return Err(SnapshotError::NotAStateDocument {
                    found: String::new(),
                })
            }
        }
        match object.get("version").and_then(serde_json::Value::as_u64) {
            Some(SNAPSHOT_VERSION) => {}
            Some(found) => return Err(SnapshotError::UnsupportedVersion { found }),
            None => {
                return Err(json_error(
                    "version".to_owned(),
                    format!("expected the integer {SNAPSHOT_VERSION}"),
                ))
            }
        }
        serde_path_to_error::deserialize(&value).map_err(|err| {
            let path = err.path().to_string();
            json_error(path, err.into_inner().to_string())
        })
    }

    /// The document as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> Vec<u8> {
        // Strings, integers and maps with string keys only: this cannot fail.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }
}

impl World {
    /// The whole state, accounts sorted by id.
    pub fn export_snapshot(&self) -> Snapshot {
        let mut ids: Vec<&String> = self.accounts.keys().collect();
        ids.sort_unstable();
        let entries = |list: &IndexMap<String, i64>| {
            list.iter()
                .map(|(id, time)| SnapshotEntry {
                    id: id.clone(),
                    time: *time,
                })
                .collect()
        };
        let accounts = ids
            .into_iter()
            .filter_map(|id| self.accounts.get(id).map(|account| (id, account)))
            .map(|(id, account)| SnapshotAccount {
                id: id.clone(),
                nick: account.nick.clone(),
                face_url: account.face_url.clone(),
                allow_type: (account.allow_type != AllowType::default())
                    .then(|| account.allow_type.as_str().to_owned()),
                groups: account.groups.clone(),
                friends: account
                    .friends
                    .iter()
                    .map(|(to, record)| SnapshotFriend {
                        id: to.clone(),
                        add_source: record.add_source.clone(),
                        remark: record.remark.clone(),
                        groups: record.groups.clone(),
                        add_time: record.add_time,
                        add_wording: record.add_wording.clone(),
                        custom: record.custom.clone(),
                    })
                    .collect(),
                blocklist: entries(&account.blocklist),
                following: entries(&account.following),
                sequences: Sequences {
                    standard: account.standard_sequence,
                    custom: account.custom_sequence,
                    group: account.group_sequence,
                    blocklist: account.blocklist_sequence,
                },
            })
            .collect();
        Snapshot {
            accounts,
            ..Snapshot::empty()
        }
    }

    /// Replaces the whole state with `snapshot`, once all of it has been checked (see
    /// [`Snapshot`]); on an error nothing changes.
    pub fn import_snapshot(&mut self, snapshot: Snapshot) -> Result<(), SnapshotError> {
        let accounts = build(snapshot)?;
        self.accounts = accounts;
        Ok(())
    }

    /// Forgets every account.
    pub fn clear(&mut self) {
        self.accounts.clear();
    }
}

/// Checks `snapshot` whole and builds the accounts it describes.
#[allow(clippy::field_reassign_with_default)]
fn build(snapshot: Snapshot) -> Result<HashMap<String, Account>, SnapshotError> {
    if snapshot.format != SNAPSHOT_FORMAT {
        return Err(SnapshotError::NotAStateDocument {
            found: snapshot.format,
        });
    }
    if snapshot.version != SNAPSHOT_VERSION {
        return Err(SnapshotError::UnsupportedVersion {
            found: snapshot.version,
        });
    }
    let root = FieldPath::ROOT.field("accounts");
    let mut known: HashSet<&str> = HashSet::with_capacity(snapshot.accounts.len());
    for (index, account) in snapshot.accounts.iter().enumerate() {
        let at = root.index(index);
        let id_at = at.field("id");
        check::user_id(&account.id, &id_at)?;
        if !known.insert(account.id.as_str()) {
            return Err(SnapshotError::DuplicateAccount {
                field: id_at.to_string(),
                account: account.id.clone(),
            });
        }
    }
    for (index, account) in snapshot.accounts.iter().enumerate() {
        check_account(account, &root.index(index), &known)?;
    }
    let mut accounts = HashMap::with_capacity(snapshot.accounts.len());
    for entry in snapshot.accounts {
        // Field by field from the default, so that what an account gains later starts at its
        // default in an import of an older document.
        let mut account = Account::default();
        account.nick = entry.nick;
        account.face_url = entry.face_url;
        account.allow_type = entry
            .allow_type
            .as_deref()
            .and_then(AllowType::parse)
            .unwrap_or_default();
        account.groups = entry.groups;
        account.friends = entry
            .friends
            .into_iter()
            .map(|friend| {
                let record = FriendRecord {
                    add_source: friend.add_source,
                    remark: friend.remark,
                    groups: friend.groups,
                    add_time: friend.add_time,
                    add_wording: friend.add_wording,
                    custom: friend.custom,
                };
                (friend.id, record)
            })
            .collect();
        account.blocklist = entry
            .blocklist
            .into_iter()
            .map(|e| (e.id, e.time))
            .collect();
        account.following = entry
            .following
            .into_iter()
            .map(|e| (e.id, e.time))
            .collect();
        account.standard_sequence = entry.sequences.standard;
        account.custom_sequence = entry.sequences.custom;
        account.group_sequence = entry.sequences.group;
        account.blocklist_sequence = entry.sequences.blocklist;
        accounts.insert(entry.id, account);
    }
    Ok(accounts)
}

fn check_account(
    account: &SnapshotAccount,
    at: &FieldPath<'_>,
    known: &HashSet<&str>,
) -> Result<(), SnapshotError> {
    if let Some(allow) = &account.allow_type {
        if AllowType::parse(allow).is_none() {
            let field = at.field("allow_type").to_string();
            return Err(SnapshotError::Invalid {
                message: format!(
                    "`{field}`: {allow:?} is not an AllowType: use AllowType_Type_NeedConfirm, \
                     AllowType_Type_AllowAny or AllowType_Type_DenyAny"
                ),
                field,
            });
        }
    }
    let groups_at = at.field("groups");
    limits::group_names(&account.groups, &groups_at)?;
    let mut groups = HashSet::with_capacity(account.groups.len());
    for (index, group) in account.groups.iter().enumerate() {
        if !groups.insert(group.as_str()) {
            let field = groups_at.index(index).to_string();
            return Err(SnapshotError::Invalid {
                message: format!("`{field}`: group {group:?} is listed twice"),
                field,
            });
        }
    }

    let friends_at = at.field("friends");
    check::items(account.friends.len(), 0, MAX_FRIENDS, &friends_at)?;
    let mut friends = HashSet::with_capacity(account.friends.len());
    for (index, friend) in account.friends.iter().enumerate() {
        let friend_at = friends_at.index(index);
        check_peer(&account.id, &friend.id, &friend_at, known, &mut friends)?;
        limits::add_source(&friend.add_source, &friend_at.field("add_source"))?;
        if let Some(remark) = &friend.remark {
            check::max_bytes(remark, limits::MAX_REMARK_BYTES, &friend_at.field("remark"))?;
        }
        if let Some(wording) = &friend.add_wording {
            check::max_bytes(
                wording,
                limits::MAX_ADD_WORDING_BYTES,
                &friend_at.field("add_wording"),
            )?;
        }
        let friend_groups_at = friend_at.field("groups");
        for (g, group) in friend.groups.iter().enumerate() {
            if !groups.contains(group.as_str()) {
                return Err(SnapshotError::UnknownGroup {
                    field: friend_groups_at.index(g).to_string(),
                    group: group.clone(),
                });
            }
        }
        let custom_at = friend_at.field("custom");
        for (tag, value) in &friend.custom {
            let item = TagValue::new(Tag::new(tag.clone()), value.clone());
            limits::custom_item(&item, &custom_at).map_err(|err| {
                let field = format!("{custom_at}.{tag}");
                SnapshotError::Invalid {
                    message: format!("`{field}`: {err}"),
                    field,
                }
            })?;
        }
    }

    let blocklist_at = at.field("blocklist");
    check::items(account.blocklist.len(), 0, MAX_BLOCKLIST, &blocklist_at)?;
    let mut blocked = HashSet::with_capacity(account.blocklist.len());
    for (index, entry) in account.blocklist.iter().enumerate() {
        let entry_at = blocklist_at.index(index);
        check_peer(&account.id, &entry.id, &entry_at, known, &mut blocked)?;
        if friends.contains(entry.id.as_str()) {
            return Err(SnapshotError::BlockedFriend {
                field: entry_at.field("id").to_string(),
                account: entry.id.clone(),
            });
        }
    }

    let following_at = at.field("following");
    let mut following = HashSet::with_capacity(account.following.len());
    for (index, entry) in account.following.iter().enumerate() {
        check_peer(
            &account.id,
            &entry.id,
            &following_at.index(index),
            known,
            &mut following,
        )?;
    }
    Ok(())
}

/// One entry of an account's list: another imported account, not seen before in the list.
fn check_peer<'a>(
    owner: &str,
    peer: &'a str,
    at: &FieldPath<'_>,
    known: &HashSet<&str>,
    seen: &mut HashSet<&'a str>,
) -> Result<(), SnapshotError> {
    let field = || at.field("id").to_string();
    if peer == owner {
        return Err(SnapshotError::SelfReference {
            field: field(),
            account: peer.to_owned(),
        });
    }
    if !known.contains(peer) {
        return Err(SnapshotError::UnknownAccount {
            field: field(),
            account: peer.to_owned(),
        });
    }
    if !seen.insert(peer) {
        return Err(SnapshotError::DuplicateEntry {
            field: field(),
            account: peer.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Limits;

    fn world() -> World {
        World::new(
            Limits {
                friend_page_size: 100,
            },
            "administrator".to_owned(),
        )
    }

    fn document(accounts: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "accounts": accounts,
        }))
        .unwrap()
    }

    fn import(accounts: serde_json::Value) -> Result<World, SnapshotError> {
        let snapshot = Snapshot::from_json(&document(accounts))?;
        let mut world = world();
        world.import_snapshot(snapshot)?;
        Ok(world)
    }

    #[test]
    fn the_documented_example_imports_and_exports_back() {
        let doc = r#"{
          "format": "tencent-im-emulator/state",
          "version": 1,
          "accounts": [
            {
              "id": "alice",
              "nick": "Alice",
              "allow_type": "AllowType_Type_AllowAny",
              "groups": ["work"],
              "friends": [
                { "id": "bob", "add_source": "AddSource_Type_Web", "remark": "Bobby",
                  "groups": ["work"], "add_time": 1700000000,
                  "custom": { "Tag_SNS_Custom_Level": 3 } }
              ],
              "blocklist": [{ "id": "mallory", "time": 1700000100 }],
              "following": [{ "id": "bob", "time": 1700000200 }]
            },
            { "id": "bob" },
            { "id": "mallory" }
          ]
        }"#;
        let snapshot = Snapshot::from_json(doc.as_bytes()).unwrap();
        let mut world = world();
        world.import_snapshot(snapshot.clone()).unwrap();
        assert_eq!(world.allow_type("alice"), Some(AllowType::AllowAny));
        assert_eq!(world.friends_of("alice").collect::<Vec<_>>(), ["bob"]);
        assert_eq!(world.fans_of("bob"), ["alice"]);
        assert_eq!(world.export_snapshot(), snapshot);
        let again = Snapshot::from_json(&world.export_snapshot().to_json_pretty()).unwrap();
        assert_eq!(again, snapshot);
    }

    #[test]
    fn format_and_version_are_told_before_the_shape() {
        let err = Snapshot::from_json(br#"{"accounts": 3}"#).unwrap_err();
        assert!(
            matches!(err, SnapshotError::NotAStateDocument { .. }),
            "{err}"
        );
        let err = Snapshot::from_json(
            br#"{"format": "tencent-im-emulator/state", "version": 2, "accounts": {}}"#,
        )
        .unwrap_err();
        assert_eq!(err, SnapshotError::UnsupportedVersion { found: 2 });
        assert!(err.to_string().contains("reads version 1"), "{err}");
        let err = Snapshot::from_json(b"[1, 2").unwrap_err();
        assert!(matches!(err, SnapshotError::Json { .. }), "{err}");
        let err = Snapshot::from_json(&document(serde_json::json!([{"id": "a", "nik": "x"}])))
            .unwrap_err();
        match err {
            SnapshotError::Json { path, message } => {
                assert_eq!(path, "accounts[0].nik");
                assert!(message.contains("nik"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_inconsistency_is_a_typed_error_at_its_field_and_nothing_changes() {
        use serde_json::json;
        let cases = [
            (json!([{"id": ""}]), "accounts[0].id"),
            (json!([{"id": "a"}, {"id": "a"}]), "accounts[1].id"),
            (
                json!([{"id": "a", "friends": [{"id": "ghost", "add_source": "AddSource_Type_X"}]}]),
                "accounts[0].friends[0].id",
            ),
            (
                json!([{"id": "a", "friends": [{"id": "a", "add_source": "AddSource_Type_X"}]}]),
                "accounts[0].friends[0].id",
            ),
            (
                json!([{"id": "a", "friends": [{"id": "b", "add_source": "Web"}]}, {"id": "b"}]),
                "accounts[0].friends[0].add_source",
            ),
            (
                json!([{"id": "a", "friends": [
                    {"id": "b", "add_source": "AddSource_Type_X"},
                    {"id": "b", "add_source": "AddSource_Type_X"}]}, {"id": "b"}]),
                "accounts[0].friends[1].id",
            ),
            (
                json!([{"id": "a", "friends": [
                    {"id": "b", "add_source": "AddSource_Type_X", "groups": ["g"]}]}, {"id": "b"}]),
                "accounts[0].friends[0].groups[0]",
            ),
            (
                json!([{"id": "a", "friends": [{"id": "b", "add_source": "AddSource_Type_X"}],
                        "blocklist": [{"id": "b"}]}, {"id": "b"}]),
                "accounts[0].blocklist[0].id",
            ),
            (
                json!([{"id": "a", "following": [{"id": "nobody"}]}]),
                "accounts[0].following[0].id",
            ),
            (
                json!([{"id": "a", "allow_type": "Always"}]),
                "accounts[0].allow_type",
            ),
            (
                json!([{"id": "a", "friends": [{"id": "b", "add_source": "AddSource_Type_X",
                        "custom": {"Tag_Profile_Nick": "x"}}]}, {"id": "b"}]),
                "accounts[0].friends[0].custom.Tag_Profile_Nick",
            ),
        ];
        for (accounts, field) in cases {
            let err = import(accounts.clone()).unwrap_err();
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("`{field}`")),
                "{accounts}: {text} ({err:?})"
            );
        }
        let mut world = world();
        world
            .import_snapshot(Snapshot::from_json(&document(json!([{"id": "kept"}]))).unwrap())
            .unwrap();
        let bad = Snapshot::from_json(&document(json!([{"id": "a"}, {"id": "a"}]))).unwrap();
        assert!(world.import_snapshot(bad).is_err());
        assert!(world.has_account("kept"));
    }

    #[test]
    fn lists_over_the_service_limits_are_refused() {
        let mut accounts = vec![serde_json::json!({
            "id": "hub",
            "friends": (0..=MAX_FRIENDS)
                .map(|i| serde_json::json!({"id": format!("u{i}"), "add_source": "AddSource_Type_X"}))
                .collect::<Vec<_>>(),
        })];
        accounts.extend((0..=MAX_FRIENDS).map(|i| serde_json::json!({"id": format!("u{i}")})));
        let err = import(serde_json::Value::Array(accounts)).unwrap_err();
        assert!(
            matches!(&err, SnapshotError::Invalid { field, .. } if field == "accounts[0].friends"),
            "{err:?}"
        );
    }
}
