//! Data loaders: every trace, span list, score list and subtree total a request asks for is
//! loaded in one batched query per kind, so a page of traces with their spans and scores
//! costs a fixed number of database round trips whatever the page size.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::dataloader::{DataLoader, Loader, LruCache};
use telemetry_store::{ProjectId, Score, Store, StoredSpan, SubtreeTotals, TraceSummary};
use telemetry_types::{LogRecord, SpanId, SpanRecord, TraceId};

/// Entries each loader keeps per request (a long-lived subscription stays bounded too).
const CACHE_ENTRIES: usize = 4096;

/// A loader's error: the store's, shared.
pub(crate) type LoadError = Arc<telemetry_store::Error>;

/// A span as resolvers see it: its record, shared, and its cost.
#[derive(Debug, Clone)]
pub(crate) struct SpanData {
    pub(crate) record: Arc<SpanRecord>,
    pub(crate) cost: Option<f64>,
}

impl From<StoredSpan> for SpanData {
    fn from(s: StoredSpan) -> Self {
        SpanData {
            record: Arc::new(s.record),
            cost: s.cost,
        }
    }
}

/// The spans of one trace, indexed for tree navigation.
#[derive(Debug, Default)]
pub(crate) struct TraceSpans {
    /// Spans by start time.
    pub(crate) spans: Vec<SpanData>,
    by_id: HashMap<SpanId, usize>,
    children: HashMap<SpanId, Vec<usize>>,
    roots: Vec<usize>,
}

impl TraceSpans {
    fn new(spans: Vec<SpanData>) -> Self {
        let by_id: HashMap<SpanId, usize> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.record.span_id, i))
            .collect();
        let mut children: HashMap<SpanId, Vec<usize>> = HashMap::new();
        let mut roots = Vec::new();
        for (i, s) in spans.iter().enumerate() {
            match s.record.parent_span_id {
                Some(p) if p != s.record.span_id && by_id.contains_key(&p) => {
                    children.entry(p).or_default().push(i);
                }
                _ => roots.push(i),
            }
        }
        TraceSpans {
            spans,
            by_id,
            children,
            roots,
        }
    }

    /// One span.
    pub(crate) fn get(&self, id: SpanId) -> Option<&SpanData> {
        self.by_id.get(&id).map(|&i| &self.spans[i])
    }

    /// Spans without a stored parent.
    pub(crate) fn roots(&self) -> impl Iterator<Item = &SpanData> {
        self.roots.iter().map(|&i| &self.spans[i])
    }

    /// Direct children, by start time.
    pub(crate) fn children(&self, id: SpanId) -> impl Iterator<Item = &SpanData> {
        self.children
            .get(&id)
            .into_iter()
            .flatten()
            .map(|&i| &self.spans[i])
    }

    /// Every descendant, depth first in start order (each once, even with cyclic links).
    pub(crate) fn descendants(&self, id: SpanId) -> Vec<&SpanData> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.spans.len()];
        if let Some(&me) = self.by_id.get(&id) {
            seen[me] = true;
        }
        let mut stack: Vec<usize> = self
            .children
            .get(&id)
            .into_iter()
            .flatten()
            .rev()
            .copied()
            .collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let span = &self.spans[i];
            out.push(span);
            if let Some(kids) = self.children.get(&span.record.span_id) {
                stack.extend(kids.iter().rev());
            }
        }
        out
    }
}

/// Shared by every loader: where to read and what to count.
#[derive(Clone)]
pub(crate) struct Source {
    store: Store,
    project: ProjectId,
    round_trips: Arc<AtomicUsize>,
}

impl Source {
    fn store(&self) -> &Store {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        &self.store
    }
}

/// Trace rows by id.
pub(crate) struct TraceLoader(Source);
/// The spans of traces, by trace id.
pub(crate) struct TraceSpansLoader(Source);
/// The scores of traces (and of their spans), by trace id.
pub(crate) struct TraceScoresLoader(Source);
/// Subtree totals, by span.
pub(crate) struct SubtreeLoader(Source);
/// The log records recorded in spans, by span.
pub(crate) struct SpanLogsLoader(Source);

impl Loader<TraceId> for TraceLoader {
    type Value = Arc<TraceSummary>;
    type Error = LoadError;

    async fn load(&self, keys: &[TraceId]) -> Result<HashMap<TraceId, Self::Value>, Self::Error> {
        let rows = self.0.store().traces_by_ids(self.0.project, keys).await?;
        Ok(rows
            .into_iter()
            .map(|t| (t.trace_id, Arc::new(t)))
            .collect())
    }
}

impl Loader<TraceId> for TraceSpansLoader {
    type Value = Arc<TraceSpans>;
    type Error = LoadError;

    async fn load(&self, keys: &[TraceId]) -> Result<HashMap<TraceId, Self::Value>, Self::Error> {
        let spans = self.0.store().spans_of_traces(self.0.project, keys).await?;
        let mut grouped: HashMap<TraceId, Vec<SpanData>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for span in spans {
            grouped
                .entry(span.record.trace_id)
                .or_default()
                .push(span.into());
        }
        Ok(grouped
            .into_iter()
            .map(|(k, v)| (k, Arc::new(TraceSpans::new(v))))
            .collect())
    }
}

impl Loader<TraceId> for TraceScoresLoader {
    type Value = Arc<Vec<Score>>;
    type Error = LoadError;

    async fn load(&self, keys: &[TraceId]) -> Result<HashMap<TraceId, Self::Value>, Self::Error> {
        let scores = self
            .0
            .store()
            .scores_of_traces(self.0.project, keys)
            .await?;
        let mut grouped: HashMap<String, Vec<Score>> = HashMap::new();
        for score in scores {
            grouped
                .entry(score.trace_id.clone())
                .or_default()
                .push(score);
        }
        Ok(keys
            .iter()
            .map(|k| {
                let list = grouped.remove(&k.to_string()).unwrap_or_default();
                (*k, Arc::new(list))
            })
            .collect())
    }
}

impl Loader<(TraceId, SpanId)> for SubtreeLoader {
    type Value = SubtreeTotals;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(TraceId, SpanId)],
    ) -> Result<HashMap<(TraceId, SpanId), Self::Value>, Self::Error> {
        Ok(self.0.store().subtree_totals(self.0.project, keys).await?)
    }
}

impl Loader<(TraceId, SpanId)> for SpanLogsLoader {
    type Value = Arc<Vec<LogRecord>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(TraceId, SpanId)],
    ) -> Result<HashMap<(TraceId, SpanId), Self::Value>, Self::Error> {
        let logs = self.0.store().logs_of_spans(self.0.project, keys).await?;
        Ok(logs.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// The loaders of one request.
pub(crate) struct Loaders {
    pub(crate) traces: DataLoader<TraceLoader, LruCache>,
    pub(crate) spans: DataLoader<TraceSpansLoader, LruCache>,
    pub(crate) scores: DataLoader<TraceScoresLoader, LruCache>,
    pub(crate) subtrees: DataLoader<SubtreeLoader, LruCache>,
    pub(crate) span_logs: DataLoader<SpanLogsLoader, LruCache>,
}

impl Loaders {
    /// Fresh loaders reading `project` from `store`, counting round trips in `round_trips`.
    pub(crate) fn new(store: &Store, project: ProjectId, round_trips: Arc<AtomicUsize>) -> Self {
        let source = Source {
            store: store.clone(),
            project,
            round_trips,
        };
        let cache = || LruCache::new(CACHE_ENTRIES);
        Loaders {
            traces: DataLoader::with_cache(TraceLoader(source.clone()), tokio::spawn, cache()),
            spans: DataLoader::with_cache(TraceSpansLoader(source.clone()), tokio::spawn, cache()),
            scores: DataLoader::with_cache(
                TraceScoresLoader(source.clone()),
                tokio::spawn,
                cache(),
            ),
            subtrees: DataLoader::with_cache(SubtreeLoader(source.clone()), tokio::spawn, cache()),
            span_logs: DataLoader::with_cache(SpanLogsLoader(source), tokio::spawn, cache()),
        }
    }
}
