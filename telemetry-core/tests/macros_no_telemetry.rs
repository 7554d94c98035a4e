//! With no telemetry anywhere (empty global registry, no context), instrumented functions run
//! unchanged. This file never registers an instance.

#![cfg(feature = "macros")]

use telemetry_core::{Registry, current_span, with_span};

#[with_span(span_type = llm_generation, attributes(model = "m"))]
fn plain(x: u32) -> Result<u32, std::fmt::Error> {
    assert!(!current_span().is_recording());
    if x == 0 {
        return Err(std::fmt::Error);
    }
    Ok(x * 2)
}

#[with_span]
async fn plain_async(x: u32) -> u32 {
    tokio::task::yield_now().await;
    x + 1
}

#[tokio::test]
async fn runs_unchanged_without_telemetry() {
    assert!(Registry::global().names().is_empty());
    assert_eq!(plain(2), Ok(4));
    assert_eq!(plain(0), Err(std::fmt::Error));
    assert_eq!(plain_async(1).await, 2);
    assert!(
        std::panic::catch_unwind(|| {
            #[with_span]
            fn panics() {
                panic!("still panics")
            }
            panics()
        })
        .is_err()
    );
}
