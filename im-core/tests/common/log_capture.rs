//! Capturing the tracing events of a test, to check what the SDK logs.

use std::sync::{Arc, Mutex};

/// A capture of this thread's tracing events, and what keeps it installed. Tests that capture
/// run one at a time: a scoped dispatcher set or dropped on one thread while another thread's
/// events are being registered can leave a callsite's cached interest stale.
pub fn capture() -> (Arc<Capture>, Installed) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let capture = Arc::new(Capture::default());
    let installed =
        tracing::dispatcher::set_default(&tracing::Dispatch::from(Arc::clone(&capture)));
    (
        capture,
        Installed {
            _dispatcher: installed,
            _turn: turn,
        },
    )
}

/// Fields drop in order: the dispatcher first, then the turn.
pub struct Installed {
    _dispatcher: tracing::dispatcher::DefaultGuard,
    _turn: std::sync::MutexGuard<'static, ()>,
}

/// Records every tracing event's fields as text.
#[derive(Default)]
pub struct Capture {
    pub lines: Mutex<Vec<String>>,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = String::new();
        event.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
