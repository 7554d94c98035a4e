//! The message of the panic that is unwinding this thread, for the span an instrumented call
//! records when it panics.
//!
//! A `Drop` impl cannot see the payload of the panic that runs it, so a panic hook, installed
//! once when the first instrumented span starts, copies each panic's message (and location)
//! into a thread-local before calling the hook that was there before — the default hook's
//! output, or a user's hook installed earlier, is unchanged. A hook the user installs *after*
//! ours replaces it; the span then records the generic message.

use std::cell::RefCell;
use std::panic::PanicHookInfo;
use std::sync::Once;

thread_local! {
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

/// Installs the capturing hook, once per process (one atomic load after the first call).
#[inline]
pub(crate) fn install() {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = describe(info);
            // `try_with`: a panic during thread-local destruction must not panic again.
            let _ = LAST.try_with(|last| *last.borrow_mut() = Some(message));
            previous(info);
        }));
    });
}

/// The message of the latest panic on this thread, taken (so a later span cannot reuse it).
pub(crate) fn take() -> Option<String> {
    LAST.try_with(|last| last.borrow_mut().take())
        .ok()
        .flatten()
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic with a non-string payload");
    match info.location() {
        Some(at) => format!("{text} (at {}:{})", at.file(), at.line()),
        None => text.to_owned(),
    }
}
