//! `#[instrument_class]` on inherent and trait impls, with generics, overrides and `#[skip_span]`.

#![cfg(feature = "macros")]

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use telemetry_core::attrs::Generic;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{
    FutureExt, SpanAttributes, SpanRecord, SpanType, Telemetry, instrument_class,
};

struct Workflow<T> {
    items: Vec<T>,
}

#[instrument_class(prefix = "workflow", span_type = workflow_step, attributes(workflow_name = "ingest"))]
impl<T: serde::Serialize + Clone + Send + Sync> Workflow<T> {
    fn push(&mut self, item: T) -> usize {
        self.items.push(item);
        self.items.len()
    }

    async fn first(&self) -> Option<T> {
        tokio::task::yield_now().await;
        self.items.first().cloned()
    }

    #[with_span(span_type = llm_generation, name = "summarize", attributes(model = "gpt-4o"))]
    async fn summarize(&self, words: u32) -> String {
        format!("{} items in {words} words", self.items.len())
    }

    #[with_span(skip(callback), skip_output)]
    fn each(&self, mut callback: impl FnMut(&T)) -> &Self {
        self.items.iter().for_each(&mut callback);
        self
    }

    #[skip_span]
    fn len(&self) -> usize {
        self.items.len()
    }

    const fn limit() -> usize {
        10
    }
}

trait Retriever {
    fn retrieve(&self, query: &str) -> Result<Vec<String>, std::fmt::Error>;
    async fn rerank(&self, hits: Vec<String>) -> Vec<String>;
}

struct Memory;

#[instrument_class(span_type = memory_lookup, attributes(memory_store = "redis"))]
impl Retriever for Memory {
    fn retrieve(&self, query: &str) -> Result<Vec<String>, std::fmt::Error> {
        if query.is_empty() {
            return Err(std::fmt::Error);
        }
        Ok(vec![query.to_owned()])
    }

    async fn rerank(&self, mut hits: Vec<String>) -> Vec<String> {
        hits.reverse();
        hits
    }
}

fn find<'a>(spans: &'a [Arc<SpanRecord>], name: &str) -> &'a SpanRecord {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

#[tokio::test]
async fn instruments_every_method_with_prefix_overrides_and_skips() {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("class")
        .exporter(spans.clone())
        .build()
        .unwrap();
    let root = telemetry.trace("root", Generic::default()).start();
    let mut wf = Workflow { items: Vec::new() };
    root.in_scope(|| {
        wf.push(1u32);
        wf.push(2);
        let mut seen = 0;
        wf.each(|_| seen += 1);
        assert_eq!(seen, 2);
        assert_eq!(wf.len(), 2);
        assert_eq!(Workflow::<u32>::limit(), 10);
    });
    assert_eq!(wf.first().in_span(&root).await, Some(1));
    assert_eq!(wf.summarize(5).in_span(&root).await, "2 items in 5 words");
    root.in_scope(|| {
        assert!(Memory.retrieve("q").is_ok());
        assert!(Memory.retrieve("").is_err());
    });
    let reranked = Memory
        .rerank(vec!["a".into(), "b".into()])
        .in_span(&root)
        .await;
    assert_eq!(reranked, vec!["b".to_owned(), "a".to_owned()]);
    root.end();
    telemetry.flush_blocking(Duration::from_secs(5)).unwrap();
    let spans = spans.ended_spans();

    let push = find(&spans, "workflow.push");
    assert_eq!(push.attributes.span_type(), SpanType::WorkflowStep);
    match &push.attributes {
        SpanAttributes::WorkflowStep(a) => assert_eq!(a.workflow_name.as_deref(), Some("ingest")),
        other => panic!("{other:?}"),
    }
    assert_eq!(push.input, Some(json!({"item": 1})));
    assert_eq!(push.output, Some(json!(1)));
    assert_eq!(find(&spans, "workflow.first").output, Some(json!(1)));
    let each = find(&spans, "workflow.each");
    assert_eq!((each.input.clone(), each.output.clone()), (None, None));
    let summarize = find(&spans, "summarize");
    assert_eq!(summarize.attributes.span_type(), SpanType::LlmGeneration);
    assert_eq!(summarize.attributes.model(), Some("gpt-4o"));
    assert!(
        spans
            .iter()
            .all(|s| s.name != "workflow.len" && s.name != "workflow.limit")
    );

    let retrieves: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "Memory.retrieve")
        .collect();
    assert_eq!(retrieves.len(), 2);
    assert!(retrieves.iter().any(|s| s.error.is_some()));
    assert!(
        retrieves
            .iter()
            .all(|s| s.attributes.span_type() == SpanType::MemoryLookup)
    );
    let rerank = find(&spans, "Memory.rerank");
    assert_eq!(rerank.output, Some(json!(["b", "a"])));
    let root = find(&spans, "root");
    assert!(
        spans
            .iter()
            .filter(|s| s.name != "root")
            .all(|s| s.parent_span_id == Some(root.span_id))
    );
}

#[async_trait::async_trait]
trait Embedder {
    async fn embed(&self, text: &str) -> Vec<f32>;
}

struct Local;

#[async_trait::async_trait]
#[instrument_class(prefix = "embedder", span_type = embedding_generation, attributes(model = "local"))]
impl Embedder for Local {
    async fn embed(&self, text: &str) -> Vec<f32> {
        tokio::task::yield_now().await;
        vec![text.len() as f32]
    }
}

struct Remote;

#[instrument_class(prefix = "remote", span_type = embedding_generation)]
#[async_trait::async_trait]
impl Embedder for Remote {
    async fn embed(&self, text: &str) -> Vec<f32> {
        vec![text.len() as f32 * 2.0]
    }
}

#[tokio::test]
async fn works_with_async_trait_either_order() {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("class-async-trait")
        .exporter(spans.clone())
        .build()
        .unwrap();
    let root = telemetry.trace("root", Generic::default()).start();
    let embedders: Vec<Box<dyn Embedder + Send + Sync>> = vec![Box::new(Local), Box::new(Remote)];
    let mut out = Vec::new();
    for e in &embedders {
        out.push(async { e.embed("abc").await }.in_span(&root).await);
    }
    assert_eq!(out, vec![vec![3.0], vec![6.0]]);
    root.end();
    telemetry.flush().await.unwrap();
    let spans = spans.ended_spans();
    for name in ["embedder.embed", "remote.embed"] {
        let s = find(&spans, name);
        assert_eq!(s.attributes.span_type(), SpanType::EmbeddingGeneration);
        assert_eq!(s.input, Some(json!({"text": "abc"})));
        assert!(s.output.is_some());
    }
}
