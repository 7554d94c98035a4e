//! Behaviour of `#[with_span]` through the public API, recorded with the in-memory exporter.

#![cfg(feature = "macros")]

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use telemetry_core::attrs::{Generic, Usage};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{
    FutureExt, SpanRecord, SpanStatus, SpanType, Telemetry, current_span, with_span,
};

fn setup() -> (Telemetry, InMemoryExporter) {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("macros-behaviour")
        .exporter(spans.clone())
        .build()
        .unwrap();
    (telemetry, spans)
}

/// Runs `f` inside a root span of `telemetry` and returns the ended spans.
fn in_root<R>(f: impl FnOnce() -> R) -> (R, Vec<Arc<SpanRecord>>) {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let r = root.in_scope(f);
    root.end();
    telemetry.flush_blocking(Duration::from_secs(5)).unwrap();
    (r, spans.ended_spans())
}

fn find<'a>(spans: &'a [Arc<SpanRecord>], name: &str) -> &'a SpanRecord {
    spans.iter().find(|s| s.name == name).unwrap_or_else(|| {
        panic!(
            "no span {name}; have {:?}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>()
        )
    })
}

#[with_span]
fn add(a: i32, b: i32) -> i32 {
    a + b
}

#[test]
fn sync_fn_records_input_output_and_parent() {
    let (r, spans) = in_root(|| add(1, 2));
    assert_eq!(r, 3);
    let root = find(&spans, "root");
    let span = find(&spans, "add");
    assert_eq!(span.parent_span_id, Some(root.span_id));
    assert_eq!(span.input, Some(json!({"a": 1, "b": 2})));
    assert_eq!(span.output, Some(json!(3)));
    assert_eq!(span.status, SpanStatus::Ok);
    assert_eq!(span.attributes.span_type(), SpanType::Generic);
    assert!(!span.ended_by_drop);
}

#[with_span(span_type = llm_generation, name = "chat gpt-4o", attributes(model = "gpt-4o", provider = "openai"))]
async fn generate(prompt: &str) -> String {
    current_span().record_usage(Usage::new(10, 2));
    format!("re: {prompt}")
}

#[tokio::test]
async fn async_fn_with_type_name_and_attributes() {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let out = generate("hi").in_span(&root).await;
    root.end();
    telemetry.flush().await.unwrap();
    assert_eq!(out, "re: hi");
    let spans = spans.ended_spans();
    let span = find(&spans, "chat gpt-4o");
    assert_eq!(span.attributes.span_type(), SpanType::LlmGeneration);
    assert_eq!(span.attributes.model(), Some("gpt-4o"));
    assert_eq!(span.attributes.provider(), Some("openai"));
    assert_eq!(span.attributes.usage().unwrap().output_tokens, Some(2));
    assert_eq!(span.input, Some(json!({"prompt": "hi"})));
    assert_eq!(span.output, Some(json!("re: hi")));
}

// ---- input / output capture and skip ------------------------------------------------------

struct Client; // not Serialize

#[with_span(skip(client))]
fn with_client(client: &Client, query: &str) -> usize {
    let _ = client;
    query.len()
}

#[with_span(skip_all)]
fn secret(password: &str) -> bool {
    !password.is_empty()
}

#[with_span(skip_output)]
fn big(n: usize) -> Vec<u8> {
    vec![0; n]
}

#[with_span(skip_all, skip_output)]
fn opaque(client: Client) -> Client {
    client
}

#[with_span]
fn unit(_flag: bool) {}

#[with_span]
fn patterns((a, b): (i32, i32), Wrapper { inner }: Wrapper, _: u8) -> i32 {
    a + b + inner
}

struct Wrapper {
    inner: i32,
}

#[test]
fn skip_and_skip_all_and_skip_output() {
    let (_, spans) = in_root(|| {
        with_client(&Client, "abc");
        secret("hunter2");
        big(3);
        opaque(Client);
        unit(true);
        patterns((1, 2), Wrapper { inner: 3 }, 0);
    });
    let s = find(&spans, "with_client");
    assert_eq!(s.input, Some(json!({"query": "abc"})));
    assert_eq!(s.output, Some(json!(3)));
    let s = find(&spans, "secret");
    assert_eq!(s.input, None);
    assert_eq!(s.output, Some(json!(true)));
    let s = find(&spans, "big");
    assert_eq!(s.input, Some(json!({"n": 3})));
    assert_eq!(s.output, None);
    let s = find(&spans, "opaque");
    assert_eq!((s.input.clone(), s.output.clone()), (None, None));
    let s = find(&spans, "unit");
    assert_eq!(s.input, Some(json!({"_flag": true})));
    assert_eq!(s.output, None, "() records no output");
    assert!(s.error.is_none());
    let s = find(&spans, "patterns");
    assert_eq!(s.input, Some(json!({"a": 1, "b": 2, "inner": 3})));
    assert_eq!(s.output, Some(json!(6)));
}

#[test]
fn include_io_off_records_neither() {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("no-io")
        .include_io(false)
        .exporter(spans.clone())
        .build()
        .unwrap();
    let root = telemetry.trace("root", Generic::default()).start();
    root.in_scope(|| add(2, 2));
    root.end();
    telemetry.flush_blocking(Duration::from_secs(5)).unwrap();
    let s = spans.span("add").unwrap();
    assert_eq!((s.input.clone(), s.output.clone()), (None, None));
}

// ---- errors ----------------------------------------------------------------------------------

#[derive(Debug, PartialEq, thiserror::Error)]
#[error("tool failed")]
struct ToolError(#[source] Cause);

#[derive(Debug, PartialEq, thiserror::Error)]
#[error("connection refused")]
struct Cause;

#[with_span(span_type = tool_call, attributes(tool_name = "search"))]
fn search(fail: bool) -> Result<Vec<String>, ToolError> {
    if fail {
        return Err(ToolError(Cause));
    }
    Ok(vec!["hit".to_owned()])
}

fn parse_number(s: &str) -> Result<i64, std::num::ParseIntError> {
    s.parse()
}

#[with_span]
fn question_mark(s: &str) -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
    let n = parse_number(s)?;
    if n < 0 {
        return Err("negative".into());
    }
    Ok(n * 2)
}

#[with_span]
fn string_error(ok: bool) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err("plain message".to_owned())
    }
}

#[test]
fn err_marks_span_and_returns_error_untouched() {
    let ((ok, err), spans) = in_root(|| (search(false), search(true)));
    assert_eq!(ok.unwrap(), vec!["hit".to_owned()]);
    assert_eq!(err.unwrap_err(), ToolError(Cause));
    let ended: Vec<_> = spans.iter().filter(|s| s.name == "search").collect();
    assert_eq!(ended.len(), 2);
    let good = ended.iter().find(|s| s.error.is_none()).unwrap();
    assert_eq!(good.output, Some(json!(["hit"])), "Ok value is the output");
    assert_eq!(good.status, SpanStatus::Ok);
    let bad = ended.iter().find(|s| s.error.is_some()).unwrap();
    assert_eq!(bad.status, SpanStatus::Error);
    let error = bad.error.as_ref().unwrap();
    assert!(error.kind.ends_with("ToolError"), "{}", error.kind);
    assert_eq!(error.message, "tool failed");
    assert_eq!(error.source_chain, vec!["connection refused".to_owned()]);
    assert_eq!(bad.output, None);
    let root = find(&spans, "root");
    assert!(root.errored_descendants.contains(&bad.span_id));
}

#[test]
fn question_mark_and_early_return_and_boxed_errors() {
    let (results, spans) = in_root(|| {
        [question_mark("21"), question_mark("x"), question_mark("-1")]
            .map(|r| r.map_err(|e| e.to_string()))
    });
    assert_eq!(results[0], Ok(42));
    assert!(results[1].is_err());
    assert_eq!(results[2], Err("negative".to_owned()));
    let qs: Vec<_> = spans.iter().filter(|s| s.name == "question_mark").collect();
    assert_eq!(qs.iter().filter(|s| s.error.is_some()).count(), 2);
    let negative = qs
        .iter()
        .find(|s| s.error.as_ref().is_some_and(|e| e.message == "negative"))
        .unwrap();
    assert!(negative.error.as_ref().unwrap().kind.contains("Box<dyn"));
    assert_eq!(
        qs.iter().find(|s| s.error.is_none()).unwrap().output,
        Some(json!(42))
    );
}

#[test]
fn display_errors_are_recorded_and_ok_unit_has_no_output() {
    let (_, spans) = in_root(|| {
        let _ = string_error(true);
        let _ = string_error(false);
    });
    let all: Vec<_> = spans.iter().filter(|s| s.name == "string_error").collect();
    let ok = all.iter().find(|s| s.error.is_none()).unwrap();
    assert_eq!(ok.output, None);
    let bad = all.iter().find(|s| s.error.is_some()).unwrap();
    let error = bad.error.as_ref().unwrap();
    assert_eq!(error.message, "plain message");
    assert!(error.kind.contains("String"), "{}", error.kind);
}

// ---- panics and cancellation -----------------------------------------------------------------

#[with_span]
fn boom(n: u32) -> u32 {
    if n > 0 {
        panic!("boom");
    }
    n
}

#[test]
fn panic_marks_span_errored_and_unwinds() {
    let (caught, spans) = in_root(|| std::panic::catch_unwind(|| boom(1)));
    assert!(caught.is_err(), "the panic continues");
    let s = find(&spans, "boom");
    assert_eq!(s.status, SpanStatus::Error);
    assert_eq!(s.error.as_ref().unwrap().kind, "panic");
    let message = &s.error.as_ref().unwrap().message;
    assert!(
        message.starts_with("boom (at "),
        "the payload is the message: {message}"
    );
    assert!(message.contains("macros_behaviour.rs"), "{message}");
    assert_eq!(s.input, Some(json!({"n": 1})));
}

#[with_span]
async fn async_boom() -> u32 {
    tokio::task::yield_now().await;
    panic!("async boom");
}

#[with_span]
async fn slow() -> u32 {
    tokio::time::sleep(Duration::from_secs(60)).await;
    1
}

#[tokio::test]
async fn async_panic_and_cancellation() {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let panicked = tokio::spawn(async_boom().in_span(&root)).await;
    assert!(panicked.unwrap_err().is_panic());
    let timed_out = tokio::time::timeout(Duration::from_millis(10), slow().in_span(&root)).await;
    assert!(timed_out.is_err());
    root.end();
    telemetry.flush().await.unwrap();
    let spans = spans.ended_spans();
    let s = find(&spans, "async_boom");
    assert_eq!(s.status, SpanStatus::Error);
    assert_eq!(s.error.as_ref().unwrap().kind, "panic");
    let message = &s.error.as_ref().unwrap().message;
    assert!(message.starts_with("async boom (at "), "{message}");
    let s = find(&spans, "slow");
    assert!(s.ended_by_drop, "a dropped future ends its span by drop");
    assert!(s.error.is_none());
}

// ---- nesting ---------------------------------------------------------------------------------

#[with_span(span_type = tool_call)]
fn sync_leaf(x: u32) -> u32 {
    x + 1
}

#[with_span(span_type = llm_generation)]
async fn async_child(x: u32) -> u32 {
    tokio::task::yield_now().await;
    sync_leaf(x)
}

#[with_span(span_type = agent_run)]
async fn async_parent(x: u32) -> u32 {
    let a = async_child(x).await;
    let b = tokio::spawn(async_child(x).with_current_context())
        .await
        .unwrap();
    a + b
}

#[with_span]
fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    fib(n - 1) + fib(n - 2)
}

#[tokio::test]
async fn nesting_async_in_async_sync_in_async_and_spawned() {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    assert_eq!(async_parent(1).in_span(&root).await, 4);
    root.end();
    telemetry.flush().await.unwrap();
    let spans = spans.ended_spans();
    let parent = find(&spans, "async_parent");
    let children: Vec<_> = spans.iter().filter(|s| s.name == "async_child").collect();
    assert_eq!(children.len(), 2);
    for child in &children {
        assert_eq!(child.parent_span_id, Some(parent.span_id));
        assert_eq!(child.trace_id, parent.trace_id);
        let leaf = spans
            .iter()
            .find(|s| s.name == "sync_leaf" && s.parent_span_id == Some(child.span_id))
            .expect("sync leaf under each async child");
        assert_eq!(leaf.attributes.span_type(), SpanType::ToolCall);
    }
}

#[test]
fn recursion_nests() {
    let (r, spans) = in_root(|| fib(3));
    assert_eq!(r, 2);
    let fibs: Vec<_> = spans.iter().filter(|s| s.name == "fib").collect();
    assert_eq!(fibs.len(), 5); // fib(3) → fib(2) → fib(1), fib(0); fib(1)
    let top = fibs
        .iter()
        .find(|s| s.input == Some(json!({"n": 3})))
        .unwrap();
    let depth2 = fibs
        .iter()
        .find(|s| s.input == Some(json!({"n": 2})))
        .unwrap();
    assert_eq!(depth2.parent_span_id, Some(top.span_id));
    assert_eq!(
        fibs.iter()
            .filter(|s| s.parent_span_id == Some(depth2.span_id))
            .count(),
        2
    );
}

// ---- methods, generics, lifetimes, impl Trait, traits --------------------------------------

#[derive(Default)]
struct Agent {
    name: String,
    steps: u32,
}

impl Agent {
    #[with_span(span_type = agent_run, attributes(agent_name = self.name))]
    fn name(&self) -> &str {
        &self.name
    }

    #[with_span]
    fn step(&mut self, by: u32) -> &mut u32 {
        self.steps += by;
        &mut self.steps
    }

    #[with_span(skip(self), skip_output)]
    fn into_steps(self) -> u32 {
        self.steps
    }

    #[with_span]
    async fn step_async(&mut self, by: u32) -> u32 {
        tokio::task::yield_now().await;
        self.steps += by;
        self.steps
    }
}

#[with_span]
fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.len() >= b.len() { a } else { b }
}

#[with_span]
fn generic_sum<T: serde::Serialize + Copy + std::ops::Add<Output = T>>(a: T, b: T) -> T {
    a + b
}

#[with_span(skip(items))]
fn count(items: impl IntoIterator<Item = u8>, label: impl AsRef<str> + serde::Serialize) -> usize {
    let _ = label.as_ref();
    items.into_iter().count()
}

#[with_span(skip_output)]
fn evens(limit: u32) -> impl Iterator<Item = u32> {
    (0..limit).filter(|n| n % 2 == 0)
}

trait Tool {
    async fn call(&self, input: String) -> Result<String, ToolError>;

    #[with_span(span_type = tool_call, name = "describe")]
    async fn describe(&self) -> String {
        "a tool".to_owned()
    }
}

struct Echo;

impl Tool for Echo {
    #[with_span(span_type = tool_call, attributes(tool_name = "echo"))]
    async fn call(&self, input: String) -> Result<String, ToolError> {
        if input.is_empty() {
            return Err(ToolError(Cause));
        }
        Ok(input)
    }
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test]
async fn methods_generics_lifetimes_and_traits() {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let mut agent = Agent {
        name: "planner".to_owned(),
        steps: 0,
    };
    root.in_scope(|| {
        assert_eq!(agent.name(), "planner");
        *agent.step(2) += 1;
        assert_eq!(longest("ab", "abc"), "abc");
        assert_eq!(generic_sum(1.5, 2.0), 3.5);
        assert_eq!(count(vec![1, 2, 3], "three"), 3);
        assert_eq!(evens(5).collect::<Vec<_>>(), vec![0, 2, 4]);
    });
    let fut = assert_send(agent.step_async(1));
    assert_eq!(fut.in_span(&root).await, 4);
    assert_eq!(
        root.in_scope(|| Agent {
            steps: 7,
            ..Agent::default()
        }
        .into_steps()),
        7
    );
    assert_eq!(
        assert_send(Echo.call("x".into()))
            .in_span(&root)
            .await
            .unwrap(),
        "x"
    );
    assert!(Echo.call(String::new()).in_span(&root).await.is_err());
    assert_eq!(Echo.describe().in_span(&root).await, "a tool");
    root.end();
    telemetry.flush().await.unwrap();
    let spans = spans.ended_spans();
    let name = find(&spans, "name");
    assert_eq!(name.input, None, "self is not recorded");
    assert_eq!(name.output, Some(json!("planner")));
    let agent_attrs = match &name.attributes {
        telemetry_core::SpanAttributes::AgentRun(a) => a,
        other => panic!("{other:?}"),
    };
    assert_eq!(agent_attrs.agent_name.as_deref(), Some("planner"));
    assert_eq!(find(&spans, "step").output, Some(json!(2)));
    assert_eq!(find(&spans, "step_async").output, Some(json!(4)));
    assert_eq!(find(&spans, "longest").output, Some(json!("abc")));
    assert_eq!(
        find(&spans, "generic_sum").input,
        Some(json!({"a": 1.5, "b": 2.0}))
    );
    assert_eq!(find(&spans, "count").input, Some(json!({"label": "three"})));
    assert_eq!(find(&spans, "evens").output, None);
    assert_eq!(find(&spans, "into_steps").output, None);
    let calls: Vec<_> = spans.iter().filter(|s| s.name == "call").collect();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().any(|s| s.error.is_some()));
    assert_eq!(
        find(&spans, "describe").attributes.span_type(),
        SpanType::ToolCall
    );
}

#[with_span(name = format!("dynamic-{}", n))]
fn dynamic_name(n: u32) -> u32 {
    n
}

#[with_span(span_type = generic, attributes(user = "u-7", attempt = n, tags = ["a", "b"]))]
fn generic_attrs(n: u32) -> u32 {
    n
}

#[test]
fn dynamic_names_and_generic_attributes() {
    let (_, spans) = in_root(|| {
        dynamic_name(4);
        generic_attrs(2);
    });
    assert!(spans.iter().any(|s| s.name == "dynamic-4"));
    let g = find(&spans, "generic_attrs");
    assert_eq!(
        serde_json::to_value(&g.attributes).unwrap()["attributes"],
        json!({"user": "u-7", "attempt": 2, "tags": ["a", "b"]})
    );
}

// ---- functions returning futures: `-> impl Future` and `#[async_trait]` ------------------------

#[with_span(span_type = tool_call)]
fn returns_future(x: u32) -> impl std::future::Future<Output = Result<u32, ToolError>> + Send {
    async move {
        tokio::task::yield_now().await;
        if x == 0 {
            return Err(ToolError(Cause));
        }
        Ok(x * 10)
    }
}

#[async_trait::async_trait]
trait Retriever {
    async fn retrieve(&self, query: &str) -> Result<Vec<String>, ToolError>;
}

struct Store;

#[async_trait::async_trait]
impl Retriever for Store {
    #[with_span(span_type = rag_query, attributes(index = "docs"))]
    async fn retrieve(&self, query: &str) -> Result<Vec<String>, ToolError> {
        tokio::task::yield_now().await;
        if query.is_empty() {
            return Err(ToolError(Cause));
        }
        Ok(vec![query.to_owned()])
    }
}

#[tokio::test]
async fn spans_cover_returned_futures_and_async_trait_methods() {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    // The span of a function that returns a future starts when the function is called (as
    // with `#[async_trait]`), so the futures are created in the root's context.
    let store: Box<dyn Retriever + Send + Sync> = Box::new(Store);
    let (ok, err, found, missing) = root.in_scope(|| {
        (
            returns_future(4),
            returns_future(0),
            store.retrieve("q"),
            store.retrieve(""),
        )
    });
    assert_eq!(ok.await.unwrap(), 40);
    assert!(err.await.is_err());
    assert_eq!(found.await.unwrap(), vec!["q".to_owned()]);
    assert!(missing.await.is_err());
    root.end();
    telemetry.flush().await.unwrap();
    let spans = spans.ended_spans();
    let futs: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "returns_future")
        .collect();
    assert_eq!(futs.len(), 2);
    let ok = futs.iter().find(|s| s.error.is_none()).unwrap();
    assert_eq!(ok.input, Some(json!({"x": 4})));
    assert_eq!(
        ok.output,
        Some(json!(40)),
        "the future's output, not the future"
    );
    assert!(futs.iter().any(|s| s.error.is_some()));
    let retrieves: Vec<_> = spans.iter().filter(|s| s.name == "retrieve").collect();
    assert_eq!(retrieves.len(), 2);
    let ok = retrieves.iter().find(|s| s.error.is_none()).unwrap();
    assert_eq!(ok.input, Some(json!({"query": "q"})));
    assert_eq!(ok.output, Some(json!(["q"])));
    assert_eq!(ok.attributes.span_type(), SpanType::RagQuery);
    assert!(retrieves.iter().any(|s| s.error.is_some()));
}

#[test]
fn sampled_out_calls_run_and_record_nothing() {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("sampled-out")
        .sampling(telemetry_core::SamplingStrategy::AlwaysOff)
        .exporter(spans.clone())
        .build()
        .unwrap();
    let root = telemetry.trace("root", Generic::default()).start();
    let (sum, found) = root.in_scope(|| (add(1, 1), search(true)));
    root.end();
    telemetry.flush_blocking(Duration::from_secs(5)).unwrap();
    assert_eq!(sum, 2);
    assert!(found.is_err());
    assert!(spans.ended_spans().is_empty());
}

#[with_span(span_type = tool_call)]
fn login(user: &str, password: &str) -> bool {
    !user.is_empty() && !password.is_empty()
}

#[test]
fn processors_apply_to_recorded_arguments() {
    let (ok, spans) = in_root(|| login("ada", "hunter2"));
    assert!(ok);
    let s = find(&spans, "login");
    assert_eq!(
        s.input,
        Some(json!({"user": "ada", "password": telemetry_core::processors::REDACTED}))
    );
}
