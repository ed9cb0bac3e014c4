//! The accounts: a searchable, paged list, and one account's profile and graph (friends,
//! blocklist, groups, follows, pending friend requests both ways), paged so that 3000 friends
//! stay quick.
//!
//! What a view shows is copied out of the world under its lock, a page at a time, and rendered
//! after the lock is released: calls are held up for the copy only.

use std::collections::HashSet;
use std::sync::PoisonError;

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use tencent_im_friends::limits::MAX_FRIENDS;

use super::layout::{account_link, html_response, link, not_found, page, time, Paging};
use super::Ui;
use crate::state::{Account, FriendRequest, World};

/// Accounts per page of the list.
const ACCOUNTS_PER_PAGE: usize = 50;
/// Entries per page of an account's lists unless `per_page` says otherwise.
pub(crate) const ENTRIES_PER_PAGE: usize = 100;

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    q: Option<String>,
    page: Option<usize>,
}

/// One line of the list.
struct Row {
    id: String,
    nick: Option<String>,
    allow_type: &'static str,
    face_url: Option<String>,
    friends: usize,
    blocklist: usize,
    following: usize,
    groups: Vec<String>,
}

impl Row {
    fn of(id: &str, account: &Account) -> Row {
        Row {
            id: id.to_owned(),
            nick: account.nick.clone(),
            allow_type: account.allow_type.as_str(),
            face_url: account.face_url.clone(),
            friends: account.friends.len(),
            blocklist: account.blocklist.len(),
            following: account.following.len(),
            groups: account.groups.clone(),
        }
    }
}

fn lock(ui: &Ui) -> std::sync::MutexGuard<'_, World> {
    ui.app.world.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `GET /accounts?q=&page=`: accounts whose id or nick contains `q` (any case), sorted by id.
pub(crate) async fn list(State(ui): State<Ui>, Query(query): Query<ListQuery>) -> Response {
    let search = query.q.unwrap_or_default();
    let needle = search.to_lowercase();
    let (rows, paging, total_accounts) = {
        let world = lock(&ui);
        let mut ids: Vec<(&String, &Account)> = world
            .accounts
            .iter()
            .filter(|(id, account)| {
                needle.is_empty()
                    || id.to_lowercase().contains(&needle)
                    || account
                        .nick
                        .as_deref()
                        .is_some_and(|nick| nick.to_lowercase().contains(&needle))
            })
            .collect();
        ids.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let paging = Paging::new(
            query.page,
            None,
            ACCOUNTS_PER_PAGE,
            ACCOUNTS_PER_PAGE,
            ids.len(),
        );
        let rows: Vec<Row> = ids[paging.range()]
            .iter()
            .map(|(id, account)| Row::of(id, account))
            .collect();
        (rows, paging, world.accounts.len())
    };
    let body = html! {
        h1 { "Accounts" }
        form.bar method="get" action="/accounts" {
            input type="search" name="q" value=(search) placeholder="UserID or nick" aria-label="Search accounts";
            input type="submit" value="Search";
            span.note { (total_accounts) " accounts in all" }
        }
        (paging.nav(|p| link("/accounts", &[("q", &search), ("page", &p.to_string())])))
        table #accounts {
            thead { tr {
                th { "UserID" } th { "Nick" } th { "AllowType" } th { "Image" }
                th.num { "Friends" } th.num { "Blocklist" } th.num { "Following" } th { "Friend groups" }
            } }
            tbody {
                @for row in &rows {
                    tr {
                        td { a href=(account_link(&row.id)) { (row.id) } }
                        td { (row.nick.as_deref().unwrap_or("")) }
                        td { code { (row.allow_type) } }
                        td { (row.face_url.as_deref().unwrap_or("")) }
                        td.num { (row.friends) }
                        td.num { (row.blocklist) }
                        td.num { (row.following) }
                        td { (row.groups.join(", ")) }
                    }
                }
            }
        }
        @if rows.is_empty() {
            p.note {
                @if search.is_empty() { "No accounts yet: import some with account_import, or a state on the State page." }
                @else { "No account matches " code { (search) } "." }
            }
        }
    };
    html_response(page("Accounts", "/accounts", body))
}

/// The lists of an account's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Tab {
    #[default]
    Friends,
    Blocklist,
    Groups,
    Following,
    Fans,
    Mutual,
    /// Friend requests waiting for this account's answer.
    Requests,
    /// This account's friend requests waiting for other accounts' answers.
    Sent,
}

impl Tab {
    const ALL: [(Tab, &'static str, &'static str); 8] = [
        (Tab::Friends, "friends", "Friends"),
        (Tab::Blocklist, "blocklist", "Blocklist"),
        (Tab::Groups, "groups", "Groups"),
        (Tab::Following, "following", "Following"),
        (Tab::Fans, "fans", "Fans"),
        (Tab::Mutual, "mutual", "Mutual follows"),
        (Tab::Requests, "requests", "Friend requests"),
        (Tab::Sent, "sent", "Sent requests"),
    ];

    fn name(self) -> &'static str {
        Tab::ALL
            .iter()
            .find(|(tab, _, _)| *tab == self)
            .map_or("friends", |(_, name, _)| name)
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct GraphQuery {
    id: Option<String>,
    #[serde(default)]
    tab: Tab,
    page: Option<usize>,
    per_page: Option<usize>,
}

/// One friend as the page shows it.
struct FriendRow {
    id: String,
    remark: Option<String>,
    groups: Vec<String>,
    add_time: i64,
    add_source: String,
    custom: Vec<(String, String)>,
    /// Whether the friend holds this account too.
    both_ways: bool,
}

/// One blocked or followed account.
struct EntryRow {
    id: String,
    time: Option<i64>,
}

/// A pending friend request: the other account (the requester, or the target of a sent one)
/// and what the requester asked for.
struct RequestRow {
    id: String,
    add_source: String,
    remark: Option<String>,
    group: Option<String>,
    add_wording: Option<String>,
    at: i64,
}

impl RequestRow {
    fn of(id: &str, request: &FriendRequest) -> RequestRow {
        RequestRow {
            id: id.to_owned(),
            add_source: request.add_source.clone(),
            remark: request.remark.clone(),
            group: request.group.clone(),
            add_wording: request.add_wording.clone(),
            at: request.at,
        }
    }
}

enum Entries {
    Friends(Vec<FriendRow>),
    Others(Vec<EntryRow>),
    Groups(Vec<(String, usize)>),
    Requests(Vec<RequestRow>),
}

struct Graph {
    row: Row,
    /// `Tag_Profile_IM_AdminForbidType`'s wire value.
    admin_forbid: String,
    /// The other profile fields: tag and value as text.
    profile: Vec<(String, String)>,
    fans: usize,
    mutual: usize,
    received: usize,
    sent: usize,
    paging: Paging,
    entries: Entries,
}

/// The accounts waiting for `id`'s answer to a request, by the time it was sent: each
/// account's requests are kept by requester, so this is one lookup per account.
fn sent_requests<'w>(world: &'w World, id: &str) -> Vec<(&'w String, &'w FriendRequest)> {
    let mut sent: Vec<(&String, &FriendRequest)> = world
        .accounts
        .iter()
        .filter_map(|(to, account)| account.requests.get(id).map(|request| (to, request)))
        .collect();
    sent.sort_unstable_by(|a, b| (a.1.at, a.0).cmp(&(b.1.at, b.0)));
    sent
}

fn graph_of(world: &World, id: &str, query: &GraphQuery) -> Option<Graph> {
    let account = world.accounts.get(id)?;
    let fans = world.fans_of(id);
    let fan_set: HashSet<&str> = fans.iter().map(String::as_str).collect();
    let mutual: Vec<(&String, i64)> = account
        .following
        .iter()
        .filter(|(to, _)| fan_set.contains(to.as_str()))
        .map(|(to, at)| (to, *at))
        .collect();
    let sent = sent_requests(world, id);
    let paging = |total| {
        Paging::new(
            query.page,
            query.per_page,
            ENTRIES_PER_PAGE,
            MAX_FRIENDS,
            total,
        )
    };
    let (paging, entries) = match query.tab {
        Tab::Friends => {
            let paging = paging(account.friends.len());
            let rows = account
                .friends
                .get_range(paging.range())
                .into_iter()
                .flat_map(|slice| slice.iter())
                .map(|(to, record)| FriendRow {
                    id: to.clone(),
                    remark: record.remark.clone(),
                    groups: record.groups.clone(),
                    add_time: record.add_time,
                    add_source: record.add_source.clone(),
                    custom: record
                        .custom
                        .iter()
                        .map(|(tag, value)| {
                            let value = match value {
                                tencent_im_friends::FriendValue::String(s) => s.clone(),
                                tencent_im_friends::FriendValue::Integer(n) => n.to_string(),
                                tencent_im_friends::FriendValue::Strings(list) => list.join(", "),
                            };
                            (tag.clone(), value)
                        })
                        .collect(),
                    both_ways: world
                        .accounts
                        .get(to)
                        .is_some_and(|peer| peer.friends.contains_key(id)),
                })
                .collect();
            (paging, Entries::Friends(rows))
        }
        Tab::Blocklist | Tab::Following => {
            let list = if query.tab == Tab::Blocklist {
                &account.blocklist
            } else {
                &account.following
            };
            let paging = paging(list.len());
            let rows = list
                .get_range(paging.range())
                .into_iter()
                .flat_map(|slice| slice.iter())
                .map(|(to, at)| EntryRow {
                    id: to.clone(),
                    time: Some(*at),
                })
                .collect();
            (paging, Entries::Others(rows))
        }
        Tab::Fans => {
            let paging = paging(fans.len());
            let rows = fans[paging.range()]
                .iter()
                .map(|fan| EntryRow {
                    id: fan.clone(),
                    time: world
                        .accounts
                        .get(fan)
                        .and_then(|a| a.following.get(id).copied()),
                })
                .collect();
            (paging, Entries::Others(rows))
        }
        Tab::Mutual => {
            let paging = paging(mutual.len());
            let rows = mutual[paging.range()]
                .iter()
                .map(|(to, at)| EntryRow {
                    id: (*to).clone(),
                    time: Some(*at),
                })
                .collect();
            (paging, Entries::Others(rows))
        }
        Tab::Groups => {
            let paging = paging(account.groups.len());
            let rows = account.groups[paging.range()]
                .iter()
                .map(|group| {
                    let members = account
                        .friends
                        .values()
                        .filter(|record| record.groups.contains(group))
                        .count();
                    (group.clone(), members)
                })
                .collect();
            (paging, Entries::Groups(rows))
        }
        Tab::Requests => {
            let paging = paging(account.requests.len());
            let rows = account
                .requests
                .get_range(paging.range())
                .into_iter()
                .flat_map(|slice| slice.iter())
                .map(|(from, request)| RequestRow::of(from, request))
                .collect();
            (paging, Entries::Requests(rows))
        }
        Tab::Sent => {
            let paging = paging(sent.len());
            let rows = sent[paging.range()]
                .iter()
                .map(|(to, request)| RequestRow::of(to, request))
                .collect();
            (paging, Entries::Requests(rows))
        }
    };
    let profile = account
        .profile
        .fields
        .values()
        .map(|item| {
            let value = match item.value() {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            (item.tag().as_str().to_owned(), value)
        })
        .collect();
    Some(Graph {
        row: Row::of(id, account),
        admin_forbid: account.profile.admin_forbid.as_str().to_owned(),
        profile,
        fans: fans.len(),
        mutual: mutual.len(),
        received: account.requests.len(),
        sent: sent.len(),
        paging,
        entries,
    })
}

/// `GET /account?id=&tab=&page=&per_page=`: one account's profile and one of its lists.
pub(crate) async fn graph(State(ui): State<Ui>, Query(query): Query<GraphQuery>) -> Response {
    let id = query.id.clone().unwrap_or_default();
    let graph = {
        let world = lock(&ui);
        graph_of(&world, &id, &query)
    };
    let Some(graph) = graph else {
        return not_found(
            "/accounts",
            &format!("There is no account {id:?}: it was never imported, or it was deleted."),
        );
    };
    let per_page = graph.paging.per_page.to_string();
    let tab_link = |tab: Tab, page: usize| {
        let per_page = if graph.paging.per_page == ENTRIES_PER_PAGE {
            ""
        } else {
            per_page.as_str()
        };
        link(
            "/account",
            &[
                ("id", &id),
                ("tab", tab.name()),
                ("page", &page.to_string()),
                ("per_page", per_page),
            ],
        )
    };
    let row = &graph.row;
    let body = html! {
        h1 { "Account " code { (row.id) } }
        div.card {
            dl {
                dt { "Nick (Tag_Profile_IM_Nick)" } dd { (row.nick.as_deref().unwrap_or("—")) }
                dt { "AllowType (Tag_Profile_IM_AllowType)" } dd { code { (row.allow_type) } }
                dt { "Image (Tag_Profile_IM_Image)" } dd { (row.face_url.as_deref().unwrap_or("—")) }
                dt { "Friends" } dd #friend-count { (row.friends) }
                dt { "Blocklist" } dd #blocklist-count { (row.blocklist) }
                dt { "Friend groups" } dd { (row.groups.len()) }
                dt { "Following / fans / mutual" } dd { (row.following) " / " (graph.fans) " / " (graph.mutual) }
                dt { "Pending friend requests" }
                dd #request-counts { (graph.received) " received / " (graph.sent) " sent" }
            }
        }
        h2 { "Profile" }
        div.card {
            dl #profile {
                dt { "AdminForbidType (Tag_Profile_IM_AdminForbidType)" } dd { code { (graph.admin_forbid) } }
                @for (tag, value) in &graph.profile {
                    dt { code { (tag) } } dd { (value) }
                }
            }
            @if graph.profile.is_empty() {
                p.note { "No other field set: portrait_set sets the standard fields and the custom " code { "Tag_Profile_Custom_*" } " ones." }
            }
        }
        div.bar.tabs {
            @for (tab, _, label) in Tab::ALL {
                a href=(tab_link(tab, 1)) class=[(tab == query.tab).then_some("active")] { (label) }
            }
        }
        (graph.paging.nav(|p| tab_link(query.tab, p)))
        @match &graph.entries {
            Entries::Friends(rows) => {
                table #entries {
                    thead { tr {
                        th.num { "#" } th { "Friend" } th { "Remark" } th { "Groups" } th { "Added" }
                        th { "AddSource" } th { "Custom fields" } th { "Both ways" }
                    } }
                    tbody {
                        @for (n, friend) in rows.iter().enumerate() {
                            tr {
                                td.num { (graph.paging.range().start + n + 1) }
                                td { a href=(account_link(&friend.id)) { (friend.id) } }
                                td { (friend.remark.as_deref().unwrap_or("")) }
                                td { (friend.groups.join(", ")) }
                                td { (time(friend.add_time)) }
                                td { code { (friend.add_source) } }
                                td {
                                    @for (tag, value) in &friend.custom {
                                        code { (tag) } " = " (value) br;
                                    }
                                }
                                td { @if friend.both_ways { "yes" } @else { span.note { "one way" } } }
                            }
                        }
                    }
                }
            }
            Entries::Others(rows) => {
                table #entries {
                    thead { tr { th.num { "#" } th { "Account" } th { "Since" } } }
                    tbody {
                        @for (n, entry) in rows.iter().enumerate() {
                            tr {
                                td.num { (graph.paging.range().start + n + 1) }
                                td { a href=(account_link(&entry.id)) { (entry.id) } }
                                td { (entry.time.map(time).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            Entries::Requests(rows) => {
                table #entries {
                    thead { tr {
                        th.num { "#" }
                        th { @if query.tab == Tab::Sent { "To" } @else { "From" } }
                        th { "AddSource" } th { "Remark" } th { "Group" } th { "AddWording" } th { "Sent" }
                    } }
                    tbody {
                        @for (n, request) in rows.iter().enumerate() {
                            tr {
                                td.num { (graph.paging.range().start + n + 1) }
                                td { a href=(account_link(&request.id)) { (request.id) } }
                                td { code { (request.add_source) } }
                                td { (request.remark.as_deref().unwrap_or("")) }
                                td { (request.group.as_deref().unwrap_or("")) }
                                td { (request.add_wording.as_deref().unwrap_or("")) }
                                td { (time(request.at)) }
                            }
                        }
                    }
                }
                @if rows.is_empty() {
                    p.note {
                        @if query.tab == Tab::Sent { "No request of this account waits for an answer." }
                        @else { "No request waits for this account's answer: friend_add to an account whose AllowType is AllowType_Type_NeedConfirm keeps one (answer 30539)." }
                    }
                }
            }
            Entries::Groups(rows) => {
                table #entries {
                    thead { tr { th { "Group" } th.num { "Friends in it" } } }
                    tbody {
                        @for (group, members) in rows {
                            tr { td { (group) } td.num { (members) } }
                        }
                    }
                }
            }
        }
        (graph.paging.nav(|p| tab_link(query.tab, p)))
    };
    html_response(page(&format!("Account {}", row.id), "/accounts", body))
}
