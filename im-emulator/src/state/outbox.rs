//! The webhooks a call causes. A handler fills the outbox of the [`World`] as it changes it; the
//! route drains it after the handler, under the same lock, and hands the events to the sender.
//! Without a webhook URL nothing is kept, and the events are not even built.

use tencent_im_core::ResultItem;
use tencent_im_webhooks::{
    Event, FollowAdd, FollowDelete, FollowItem, FriendAdd, FriendPair, Pair, PairEvent,
    PortraitSet, ProfileItem,
};

use super::World;

/// The events of the call being handled.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    /// Whether a webhook URL is configured: otherwise nothing is kept.
    pub(crate) enabled: bool,
    /// The call's time in Unix milliseconds, for `EventTime`.
    now_ms: u64,
    events: Vec<Event>,
}

impl Outbox {
    /// Starts a call that arrived at `now` (Unix seconds), dropping anything left over.
    pub(crate) fn begin(&mut self, now: u64) {
        self.now_ms = now.saturating_mul(1000);
        self.events.clear();
    }

    /// The events of the call, in the order they happened.
    pub(crate) fn drain(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.now_ms
    }
}

/// Who made friendships and how, for `Sns.CallbackFriendAdd`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AddCause<'a> {
    /// `ClientCmd`: `friend_add` (REST), `FriendAdd` (a client's request), `FriendResponse`.
    pub(crate) client_cmd: &'static str,
    /// `Admin_Account`: the admin for a REST call, empty for a client.
    pub(crate) admin: &'a str,
    /// `ForceFlag`.
    pub(crate) forced: bool,
}

/// The friendships one call made, in the order it made them: (owner, new friend, initiator).
#[derive(Debug, Default)]
pub(crate) struct MadePairs(pub(crate) Vec<FriendPair>);

impl MadePairs {
    pub(crate) fn push(&mut self, owner: &str, friend: &str, initiator: &str) {
        self.0.push(FriendPair::new(owner, friend, initiator));
    }
}

impl World {
    /// Whether the call's events are kept (a webhook URL is configured).
    pub(crate) fn emits(&self) -> bool {
        self.outbox.enabled
    }

    /// Keeps `event` for the sender, when a webhook URL is configured.
    pub(crate) fn emit(&mut self, event: Event) {
        if self.outbox.enabled {
            self.outbox.events.push(event);
        }
    }

    /// `Sns.CallbackFriendAdd` for the friendships made, if any. As in the documented sample,
    /// one `PairList` entry per friend list that gained a friend (a two-way add is two entries)
    /// and no `EventTime`.
    pub(crate) fn emit_friends_made(&mut self, pairs: MadePairs, cause: AddCause<'_>) {
        if pairs.0.is_empty() || !self.emits() {
            return;
        }
        let mut event = FriendAdd::new(pairs.0);
        event.client_cmd = Some(cause.client_cmd.to_owned());
        event.admin_account = Some(cause.admin.to_owned());
        event.force_flag = Some(i64::from(cause.forced));
        self.emit(Event::FriendAdd(event));
    }

    /// A pair-list callback (`Sns.CallbackFriendDelete`, `Sns.CallbackBlackListAdd`,
    /// `Sns.CallbackBlackListDelete`, made by `wrap`) for `pairs`, if any. No `EventTime`, as
    /// in the documented samples.
    pub(crate) fn emit_pairs(&mut self, pairs: Vec<Pair>, wrap: fn(PairEvent) -> Event) {
        if !pairs.is_empty() {
            self.emit(wrap(PairEvent::new(pairs)));
        }
    }

    /// `Profile.CallbackPortraitSet`: the admin set `tags` of `from`'s profile.
    pub(crate) fn emit_portrait_set(
        &mut self,
        from: &str,
        tags: impl IntoIterator<Item = (String, serde_json::Value)>,
    ) {
        if !self.emits() {
            return;
        }
        let items = tags
            .into_iter()
            .map(|(tag, value)| ProfileItem::new(tag, value))
            .collect();
        let mut event = PortraitSet::new(from, items);
        event.operator_account = Some(self.admin.clone());
        event.event_time = Some(self.outbox.now_ms());
        self.emit(Event::PortraitSet(event));
    }

    /// `Follow.CallbackAfterFollowAdd` for the items of `results` that succeeded, if any.
    pub(crate) fn emit_follow_add(
        &mut self,
        from: &str,
        results: &(impl AsRef<[ResultItem]> + ?Sized),
    ) {
        let followed: Vec<FollowItem> = succeeded(results.as_ref()).map(FollowItem::new).collect();
        if followed.is_empty() || !self.emits() {
            return;
        }
        let mut event = FollowAdd::new(from, followed);
        event.event_time = Some(self.outbox.now_ms());
        self.emit(Event::FollowAdd(event));
    }

    /// `Follow.CallbackAfterFollowDelete` for the items of `results` that succeeded, if any.
    pub(crate) fn emit_follow_delete(
        &mut self,
        from: &str,
        results: &(impl AsRef<[ResultItem]> + ?Sized),
    ) {
        let unfollowed: Vec<String> = succeeded(results.as_ref()).map(str::to_owned).collect();
        if unfollowed.is_empty() || !self.emits() {
            return;
        }
        let mut event = FollowDelete::new(from, unfollowed);
        event.event_time = Some(self.outbox.now_ms());
        self.emit(Event::FollowDelete(event));
    }
}

fn succeeded(results: &[ResultItem]) -> impl Iterator<Item = &str> {
    results
        .iter()
        .filter(|item| item.is_ok())
        .map(|item| item.to_account.as_str())
}
