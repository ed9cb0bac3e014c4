//! The accounts: a searchable, paged list, and one account's graph (friends, blocklist,
//! groups, follows), paged so that 3000 friends stay quick.
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
use crate::state::{Account, World};

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
}

impl Tab {
    const ALL: [(Tab, &'static str, &'static str); 6] = [
        (Tab::Friends, "friends", "Friends"),
        (Tab::Blocklist, "blocklist", "Blocklist"),
        (Tab::Groups, "groups", "Groups"),
        (Tab::Following, "following", "Following"),
        (Tab::Fans, "fans", "Fans"),
        (Tab::Mutual, "mutual", "Mutual follows"),
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

enum Entries {
    Friends(Vec<FriendRow>),
    Others(Vec<EntryRow>),
    Groups(Vec<(String, usize)>),
}

struct Graph {
    row: Row,
    fans: usize,
    mutual: usize,
    paging: Paging,
    entries: Entries,
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
    };
    Some(Graph {
        row: Row::of(id, account),
        fans: fans.len(),
        mutual: mutual.len(),
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
                dt { "Pending friend requests" } dd.note { "none kept: friend_add to an account that needs confirmation answers 30539 and changes nothing" }
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
