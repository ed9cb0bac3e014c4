//! The whole state as a versioned JSON document (see [`Snapshot`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use tencent_im_core::{check, FieldPath, ValidationError};
use tencent_im_friends::limits::{self, MAX_BLOCKLIST, MAX_FRIENDS};
use tencent_im_friends::{FriendValue, Tag, TagValue};
use tencent_im_profile::item::check_item;
use tencent_im_profile::{AdminForbidType, ProfileItem, ProfileTag};

use super::{Account, AllowType, FriendRecord, FriendRequest, World};

/// The `format` every state document carries.
pub const SNAPSHOT_FORMAT: &str = "tencent-im-emulator/state";
/// The version of the format this emulator writes and reads.
pub const SNAPSHOT_VERSION: u64 = 1;

/// The whole state of an emulator: every account with its profile, friends, groups, blocklist,
/// follows and pending friend requests, as the versioned JSON document that `--import FILE`, `--export-on-exit FILE` and the
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
///       "following": [{ "id": "bob", "time": 1700000200 }],
///       "profile": [
///         { "Tag": "Tag_Profile_IM_AdminForbidType", "Value": "AdminForbid_Type_SendOut" },
///         { "Tag": "Tag_Profile_Custom_Hobby", "Value": "chess" },
///         { "Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female" }
///       ]
///     },
///     { "id": "bob" },
///     {
///       "id": "carol",
///       "requests": [
///         { "id": "bob", "add_source": "AddSource_Type_Web", "remark": "Bob",
///           "group": "school", "add_wording": "hello", "time": 1700000300 }
///       ]
///     },
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
/// `profile` holds the profile fields portrait_set keeps besides `nick`, `face_url` and
/// `allow_type`, each in its wire form `{"Tag": ..., "Value": ...}`: `Tag_Profile_IM_AdminForbidType`
/// (left out while it is `AdminForbid_Type_None`), the other standard fields and the custom
/// `Tag_Profile_Custom_*` ones, sorted by tag when exported. `requests` holds the friend
/// requests waiting for the account's answer, oldest first, each under the requester's `id`
/// with what the requester asked for (`add_source`, `remark`, `group`, `add_wording`) and when
/// (`time`). A request between two accounts that are already friends both ways asks for
/// nothing and is not exported. A document without `profile` or `requests` (as written before
/// they were kept) imports with none.
///
/// An import is checked whole before anything changes: every account id valid and unique,
/// every friend, blocked or followed account imported, no account holding itself, no entry twice,
/// at most 3000 friends, 32 groups and 1000 blocklist entries, a friend's groups among the
/// account's groups, no account both a friend and blocked, add sources and custom tags as
/// friend_import takes them; profile fields as portrait_set takes them (documented values and
/// lengths, custom names of 1 to 8 characters, each tag once, the nickname, avatar and
/// AllowType in their own fields); requests from another imported account, each once, not
/// from an account that is already a friend both ways, with remarks, groups and wordings as
/// friend_add takes them. The first problem is the error, with the field it is at.
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
    /// The other profile fields as `{"Tag": ..., "Value": ...}`: AdminForbidType, the other
    /// standard fields and the custom ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<ProfileItem>,
    /// Friend requests waiting for this account's answer, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<SnapshotRequest>,
}

/// A friend request waiting for an account's answer in a [`Snapshot`]: who sent it and what
/// they asked for, as friend_add's item carried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRequest {
    /// The requester's UserID.
    pub id: String,
    /// `AddSource` of the request, `AddSource_Type_` and 1 to 8 letters; empty when the request
    /// carried none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub add_source: String,
    /// The requester's `Remark` for the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// The requester's friend group (`GroupName`) for the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `AddWording`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_wording: Option<String>,
    /// When it was sent, seconds since the Unix epoch.
    #[serde(default)]
    pub time: i64,
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
    /// A pending friend request between two accounts that are already friends both ways.
    #[error("`{field}`: {account:?} and this account are already friends both ways, so a request from it asks for nothing; remove the request")]
    RequestFromFriend {
        /// Where the request's `id` is.
        field: String,
        /// The requester.
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
                profile: (account.profile.admin_forbid != AdminForbidType::default())
                    .then(|| ProfileItem::AdminForbidType(account.profile.admin_forbid.clone()))
                    .into_iter()
                    .chain(account.profile.fields.values().cloned())
                    .collect(),
                requests: account
                    .requests
                    .iter()
                    .filter(|(from, _)| !self.friends_both_ways(id, from))
                    .map(|(from, request)| SnapshotRequest {
                        id: from.clone(),
                        add_source: request.add_source.clone(),
                        remark: request.remark.clone(),
                        group: request.group.clone(),
                        add_wording: request.add_wording.clone(),
                        time: request.at,
                    })
                    .collect(),
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

    /// Whether `a` and `b` hold each other as friends.
    fn friends_both_ways(&self, a: &str, b: &str) -> bool {
        let holds = |owner: &str, friend: &str| {
            self.accounts
                .get(owner)
                .is_some_and(|account| account.friends.contains_key(friend))
        };
        holds(a, b) && holds(b, a)
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
    let friendships: HashSet<(&str, &str)> = snapshot
        .accounts
        .iter()
        .flat_map(|account| {
            account
                .friends
                .iter()
                .map(|friend| (account.id.as_str(), friend.id.as_str()))
        })
        .collect();
    for (index, account) in snapshot.accounts.iter().enumerate() {
        for (r, request) in account.requests.iter().enumerate() {
            let (to, from) = (account.id.as_str(), request.id.as_str());
            if friendships.contains(&(to, from)) && friendships.contains(&(from, to)) {
                return Err(SnapshotError::RequestFromFriend {
                    field: root
                        .index(index)
                        .field("requests")
                        .index(r)
                        .field("id")
                        .to_string(),
                    account: request.id.clone(),
                });
            }
        }
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
        for item in entry.profile {
            match item {
                ProfileItem::AdminForbidType(value) => account.profile.admin_forbid = value,
                other => {
                    account
                        .profile
                        .fields
                        .insert(other.tag().as_str().to_owned(), other);
                }
            }
        }
        account.requests = entry
            .requests
            .into_iter()
            .map(|request| {
                let kept = FriendRequest {
                    add_source: request.add_source,
                    remark: request.remark,
                    group: request.group,
                    add_wording: request.add_wording,
                    at: request.time,
                };
                (request.id, kept)
            })
            .collect();
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

    check_profile(&account.profile, &at.field("profile"))?;

    let requests_at = at.field("requests");
    let mut requesters = HashSet::with_capacity(account.requests.len());
    for (index, request) in account.requests.iter().enumerate() {
        let request_at = requests_at.index(index);
        check_peer(
            &account.id,
            &request.id,
            &request_at,
            known,
            &mut requesters,
        )?;
        if !request.add_source.is_empty() {
            limits::add_source(&request.add_source, &request_at.field("add_source"))?;
        }
        if let Some(remark) = &request.remark {
            check::max_bytes(
                remark,
                limits::MAX_REMARK_BYTES,
                &request_at.field("remark"),
            )?;
        }
        if let Some(group) = &request.group {
            limits::group_name(group, &request_at.field("group"))?;
        }
        if let Some(wording) = &request.add_wording {
            check::max_bytes(
                wording,
                limits::MAX_ADD_WORDING_BYTES,
                &request_at.field("add_wording"),
            )?;
        }
    }
    Ok(())
}

/// An account's `profile`: each field as portrait_set takes it, each tag once, and none of the
/// fields the account keeps elsewhere.
fn check_profile(items: &[ProfileItem], at: &FieldPath<'_>) -> Result<(), SnapshotError> {
    let mut tags = HashSet::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_at = at.index(index);
        let tag = item.tag();
        let invalid = |message: String| {
            let field = item_at.field("Tag").to_string();
            SnapshotError::Invalid {
                message: format!("`{field}`: {message}"),
                field,
            }
        };
        let own_field = match item {
            ProfileItem::Nick(_) => Some("nick"),
            ProfileItem::Image(_) => Some("face_url"),
            ProfileItem::AllowType(_) => Some("allow_type"),
            _ => None,
        };
        if let Some(own_field) = own_field {
            return Err(invalid(format!(
                "{tag} is kept in the account's `{own_field}`; move its value there"
            )));
        }
        if let ProfileItem::Raw { tag: raw, .. } = item {
            if !raw.starts_with(ProfileTag::CUSTOM_PREFIX)
                && !ProfileTag::STANDARD
                    .iter()
                    .any(|known| known == raw.as_str())
            {
                return Err(invalid(format!(
                    "{raw:?} is neither a standard profile field nor a custom one                      (`Tag_Profile_Custom_` and 1 to 8 letters, digits or `_`)"
                )));
            }
        }
        check_item(item, &item_at)?;
        if !tags.insert(tag.as_str().to_owned()) {
            return Err(invalid(format!("{tag} is listed twice; keep one")));
        }
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
              "following": [{ "id": "bob", "time": 1700000200 }],
              "profile": [
                { "Tag": "Tag_Profile_IM_AdminForbidType", "Value": "AdminForbid_Type_SendOut" },
                { "Tag": "Tag_Profile_Custom_Hobby", "Value": "chess" },
                { "Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female" }
              ]
            },
            { "id": "bob" },
            {
              "id": "carol",
              "requests": [
                { "id": "bob", "add_source": "AddSource_Type_Web", "remark": "Bob",
                  "group": "school", "add_wording": "hello", "time": 1700000300 }
              ]
            },
            { "id": "mallory" }
          ]
        }"#;
        let snapshot = Snapshot::from_json(doc.as_bytes()).unwrap();
        let mut world = world();
        world.import_snapshot(snapshot.clone()).unwrap();
        assert_eq!(world.allow_type("alice"), Some(AllowType::AllowAny));
        assert_eq!(world.friends_of("alice").collect::<Vec<_>>(), ["bob"]);
        assert_eq!(world.fans_of("bob"), ["alice"]);
        assert_eq!(world.friend_requests_to("carol"), ["bob"]);
        assert!(world.accounts["alice"].profile.forbids_friend_requests());
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

    /// A state with every kind of data, made by the calls that make each.
    fn world_with_everything() -> World {
        use tencent_im_follow::FollowAdd;
        use tencent_im_friends::{
            BlackListAdd, FriendAdd, FriendAddItem, FriendImport, FriendImportItem,
        };
        use tencent_im_profile::{Gender, PortraitSet};

        let mut world = world();
        for id in ["alice", "bob", "carol", "dave", "mallory"] {
            world.import_account(id.to_owned(), None, None);
        }
        world.import_account("alice".to_owned(), Some("Alice".to_owned()), None);
        world.set_allow_type("bob", AllowType::AllowAny);
        let to_bob = FriendImportItem::new("bob", "AddSource_Type_Web")
            .remark("Bobby")
            .group("work")
            .add_wording("hi")
            .add_time(1_700_000_000)
            .custom(TagValue::new(Tag::new("Tag_SNS_Custom_Level"), 3))
            .custom(TagValue::new(
                Tag::new("Tag_SNS_Custom_Note"),
                "met at work",
            ));
        world
            .friend_import(FriendImport::new("alice", vec![to_bob]), 1)
            .unwrap();
        world
            .friend_import(
                FriendImport::new(
                    "bob",
                    vec![FriendImportItem::new("alice", "AddSource_Type_Web")],
                ),
                2,
            )
            .unwrap();
        world
            .black_list_add(BlackListAdd::new("alice", ["mallory"]), 1_700_000_100)
            .unwrap();
        world
            .follow_add(FollowAdd::new("alice", ["bob"]), 1_700_000_200)
            .unwrap();
        world
            .follow_add(FollowAdd::new("bob", ["alice", "carol"]), 1_700_000_300)
            .unwrap();
        world
            .portrait_set(PortraitSet::new(
                "alice",
                [
                    ProfileItem::AdminForbidType(AdminForbidType::SendOut),
                    ProfileItem::Gender(Gender::Female),
                    ProfileItem::BirthDay(20190419),
                    ProfileItem::Location("Paris".into()),
                    ProfileItem::SelfSignature("<b>hello</b>".into()),
                    ProfileItem::Language(2),
                    ProfileItem::MsgSettings(1),
                    ProfileItem::Level(7),
                    ProfileItem::Role(3),
                    ProfileItem::custom("Hobby", "chess"),
                    ProfileItem::from_parts(
                        "Tag_Profile_Custom_Score".to_owned(),
                        serde_json::json!(12),
                    ),
                ],
            ))
            .unwrap();
        // dave confirms requests: carol's and bob's wait for him.
        let asked = FriendAddItem::new("dave", "AddSource_Type_App")
            .remark("Dave")
            .group("school")
            .add_wording("it's carol");
        world
            .friend_add(FriendAdd::new("carol", vec![asked]), 1_700_000_400)
            .unwrap();
        world
            .friend_add(
                FriendAdd::new(
                    "bob",
                    vec![FriendAddItem::new("dave", "AddSource_Type_App")],
                ),
                1_700_000_500,
            )
            .unwrap();
        world
    }

    #[test]
    fn a_state_with_every_kind_of_data_exports_imports_and_exports_the_same() {
        let world = world_with_everything();
        let first = world.export_snapshot();
        let alice = &first.accounts[0];
        assert_eq!(alice.id, "alice");
        assert_eq!(alice.friends[0].custom.len(), 2);
        assert_eq!(alice.groups, ["work"]);
        assert_eq!(
            alice.profile[0],
            ProfileItem::AdminForbidType(AdminForbidType::SendOut)
        );
        assert_eq!(alice.profile.len(), 11, "{:?}", alice.profile);
        assert!(alice
            .profile
            .contains(&ProfileItem::custom("Hobby", "chess")));
        assert!(alice.sequences.standard > 0 && alice.sequences.group > 0);
        assert!(alice.sequences.blocklist > 0 && alice.sequences.custom > 0);
        let dave = first.accounts.iter().find(|a| a.id == "dave").unwrap();
        assert_eq!(
            dave.requests,
            [
                SnapshotRequest {
                    id: "carol".to_owned(),
                    add_source: "AddSource_Type_App".to_owned(),
                    remark: Some("Dave".to_owned()),
                    group: Some("school".to_owned()),
                    add_wording: Some("it's carol".to_owned()),
                    time: 1_700_000_400,
                },
                SnapshotRequest {
                    id: "bob".to_owned(),
                    add_source: "AddSource_Type_App".to_owned(),
                    remark: None,
                    group: None,
                    add_wording: None,
                    time: 1_700_000_500,
                },
            ]
        );

        let document = first.to_json_pretty();
        let mut again = self::world();
        again
            .import_snapshot(Snapshot::from_json(&document).unwrap())
            .unwrap();
        let second = again.export_snapshot();
        assert_eq!(second, first);
        assert_eq!(second.to_json_pretty(), document);
        // What the calls read came back too.
        assert_eq!(again.friend_requests_to("dave"), ["carol", "bob"]);
        assert!(again.accounts["alice"].profile.forbids_friend_requests());
    }

    #[test]
    fn a_request_overtaken_by_a_friendship_is_dropped_and_not_exported() {
        use tencent_im_friends::{FriendImport, FriendImportItem};
        let mut world = world_with_everything();
        for (from, to) in [("carol", "dave"), ("dave", "carol")] {
            let item = FriendImportItem::new(to, "AddSource_Type_Web");
            world
                .friend_import(FriendImport::new(from, vec![item]), 1)
                .unwrap();
        }
        assert_eq!(world.friend_requests_to("dave"), ["bob"]);
        let exported = world.export_snapshot();
        let dave = exported.accounts.iter().find(|a| a.id == "dave").unwrap();
        let requesters: Vec<&str> = dave.requests.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(requesters, ["bob"]);
        let mut again = self::world();
        again.import_snapshot(exported.clone()).unwrap();
        assert_eq!(again.export_snapshot(), exported);
    }

    #[test]
    fn a_document_without_profiles_or_requests_still_imports() {
        let world = import(serde_json::json!([{"id": "a", "nick": "A"}, {"id": "b"}])).unwrap();
        let exported = world.export_snapshot();
        assert!(exported
            .accounts
            .iter()
            .all(|a| a.profile.is_empty() && a.requests.is_empty()));
        let json = String::from_utf8(exported.to_json_pretty()).unwrap();
        assert!(
            !json.contains("profile") && !json.contains("requests"),
            "{json}"
        );
    }

    #[test]
    fn profiles_and_requests_are_checked_with_the_field_named() {
        use serde_json::json;
        let request = |fields: serde_json::Value| {
            let mut request = json!({"id": "b", "add_source": "AddSource_Type_X"});
            if let (Some(request), Some(fields)) = (request.as_object_mut(), fields.as_object()) {
                request.extend(fields.clone());
            }
            json!([{"id": "a", "requests": [request]}, {"id": "b"}])
        };
        let profile = |items: serde_json::Value| json!([{"id": "a", "profile": items}]);
        let friends_both_ways = json!([
            {"id": "a", "friends": [{"id": "b", "add_source": "AddSource_Type_X"}],
             "requests": [{"id": "b"}]},
            {"id": "b", "friends": [{"id": "a", "add_source": "AddSource_Type_X"}]},
        ]);
        let cases = [
            (
                profile(json!([{"Tag": "Tag_Profile_IM_AdminForbidType", "Value": "Sometimes"}])),
                "accounts[0].profile[0].Value",
            ),
            (
                profile(json!([{"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Robot"}])),
                "accounts[0].profile[0].Value",
            ),
            (
                profile(json!([{"Tag": "Tag_Profile_IM_Location", "Value": "x".repeat(17)}])),
                "accounts[0].profile[0].Value",
            ),
            (
                profile(json!([{"Tag": "Tag_Profile_IM_Level", "Value": "high"}])),
                "accounts[0].profile[0].Value",
            ),
            (
                profile(json!([{"Tag": "Tag_Profile_Custom_NineChars", "Value": "v"}])),
                "accounts[0].profile[0].Tag",
            ),
            (
                profile(json!([{"Tag": "Tag_Profile_IM_Future", "Value": "v"}])),
                "accounts[0].profile[0].Tag",
            ),
            (
                profile(json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "A"}])),
                "accounts[0].profile[0].Tag",
            ),
            (
                profile(json!([
                    {"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"},
                    {"Tag": "Tag_Profile_Custom_Hobby", "Value": "go"},
                ])),
                "accounts[0].profile[1].Tag",
            ),
            (
                json!([{"id": "a", "requests": [{"id": "ghost"}]}]),
                "accounts[0].requests[0].id",
            ),
            (
                json!([{"id": "a", "requests": [{"id": "a"}]}]),
                "accounts[0].requests[0].id",
            ),
            (
                json!([{"id": "a", "requests": [{"id": "b"}, {"id": "b"}]}, {"id": "b"}]),
                "accounts[0].requests[1].id",
            ),
            (friends_both_ways, "accounts[0].requests[0].id"),
            (
                request(json!({"add_source": "Web"})),
                "accounts[0].requests[0].add_source",
            ),
            (
                request(json!({"remark": "r".repeat(97)})),
                "accounts[0].requests[0].remark",
            ),
            (
                request(json!({"group": "g".repeat(31)})),
                "accounts[0].requests[0].group",
            ),
            (
                request(json!({"add_wording": "w".repeat(257)})),
                "accounts[0].requests[0].add_wording",
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
        let err = import(json!([
            {"id": "a", "friends": [{"id": "b", "add_source": "AddSource_Type_X"}],
             "requests": [{"id": "b"}]},
            {"id": "b", "friends": [{"id": "a", "add_source": "AddSource_Type_X"}]},
        ]))
        .unwrap_err();
        assert_eq!(
            err,
            SnapshotError::RequestFromFriend {
                field: "accounts[0].requests[0].id".to_owned(),
                account: "b".to_owned(),
            }
        );
        // One way is a friendship a request can still complete.
        import(json!([
            {"id": "a", "requests": [{"id": "b"}]},
            {"id": "b", "friends": [{"id": "a", "add_source": "AddSource_Type_X"}]},
        ]))
        .unwrap();
        // A request of unknown fields is told by serde at its path.
        let err = Snapshot::from_json(&document(request(json!({"wording": "x"})))).unwrap_err();
        assert!(
            matches!(&err, SnapshotError::Json { path, .. } if path == "accounts[0].requests[0].wording"),
            "{err:?}"
        );
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
