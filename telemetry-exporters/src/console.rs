//! The console exporter: each finished trace as an indented tree, for development.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use parking_lot::Mutex;
use telemetry_core::{
    EventKinds, ExportError, ExporterCapabilities, SpanAttributes, SpanId, SpanRecord, SpanStatus,
    TelemetryEvent, TelemetryExporter, TraceId, TraceRecord,
};

/// Most spans held while waiting for their trace to end; beyond it spans print on their own.
const MAX_BUFFERED_SPANS: usize = 10_000;

/// Prints every finished trace as an indented tree — type, name, duration, model and tokens,
/// error — with colours when the output is a terminal (and `NO_COLOR` is unset).
///
/// ```text
/// agent_run support  1.20s
///   llm_generation chat gpt-4o  640ms  gpt-4o 1200→80 tok
///   tool_call get_weather  12ms  ✗ Timeout: weather API timed out
/// ```
///
/// Spans are buffered until their trace ends; spans of traces still open at shutdown are
/// printed then, so nothing is lost.
pub struct ConsoleExporter {
    out: Mutex<Box<dyn Write + Send>>,
    color: bool,
    pending: Mutex<Pending>,
}

#[derive(Default)]
struct Pending {
    traces: HashMap<TraceId, Vec<Arc<SpanRecord>>>,
    spans: usize,
}

impl Default for ConsoleExporter {
    fn default() -> Self {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        ConsoleExporter::with_writer(std::io::stdout(), color)
    }
}

impl ConsoleExporter {
    /// Writes to stdout.
    pub fn new() -> Self {
        ConsoleExporter::default()
    }

    /// Writes to `out`, with or without ANSI colours.
    pub fn with_writer(out: impl Write + Send + 'static, color: bool) -> Self {
        ConsoleExporter {
            out: Mutex::new(Box::new(out)),
            color,
            pending: Mutex::default(),
        }
    }

    fn on_span(&self, span: Arc<SpanRecord>) -> std::io::Result<()> {
        let mut pending = self.pending.lock();
        if pending.spans >= MAX_BUFFERED_SPANS {
            drop(pending);
            return self.write(&render_tree(&[span], self.color));
        }
        pending.spans += 1;
        pending.traces.entry(span.trace_id).or_default().push(span);
        Ok(())
    }

    fn on_trace_end(&self, trace: &TraceRecord) -> std::io::Result<()> {
        let spans = {
            let mut pending = self.pending.lock();
            let spans = pending.traces.remove(&trace.trace_id).unwrap_or_default();
            pending.spans -= spans.len();
            spans
        };
        if spans.is_empty() {
            return Ok(());
        }
        let mut text = render_tree(&spans, self.color);
        if trace.incomplete {
            text.push_str("  (trace released before its root ended)\n");
        }
        self.write(&text)
    }

    /// Prints everything still buffered (traces whose end was not seen).
    fn drain(&self) -> std::io::Result<()> {
        let traces: Vec<_> = {
            let mut pending = self.pending.lock();
            pending.spans = 0;
            pending.traces.drain().map(|(_, spans)| spans).collect()
        };
        for spans in traces {
            self.write(&render_tree(&spans, self.color))?;
        }
        Ok(())
    }

    fn write(&self, text: &str) -> std::io::Result<()> {
        let mut out = self.out.lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }
}

#[async_trait]
impl TelemetryExporter for ConsoleExporter {
    fn name(&self) -> &str {
        "console"
    }

    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: EventKinds::ENDED,
            include_io: false,
            ..ExporterCapabilities::default()
        }
    }

    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        let result = match &event {
            TelemetryEvent::SpanEnded { span } => self.on_span(span.clone()),
            TelemetryEvent::TraceEnded { trace } => self.on_trace_end(trace),
            _ => Ok(()),
        };
        result.map_err(|e| ExportError::Other(Box::new(e)))
    }

    async fn shutdown(&self) -> Result<(), ExportError> {
        self.drain().map_err(|e| ExportError::Other(Box::new(e)))
    }
}

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const CYAN: &str = "\x1b[36m";
const YELLOW: &str = "\x1b[33m";

/// Renders spans as trees: children under their parent in start order; spans whose parent is
/// not among them are roots.
pub fn render_tree(spans: &[Arc<SpanRecord>], color: bool) -> String {
    let ids: std::collections::HashSet<SpanId> = spans.iter().map(|s| s.span_id).collect();
    let mut children: HashMap<Option<SpanId>, Vec<&SpanRecord>> = HashMap::new();
    for span in spans {
        let parent = span.parent_span_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(span);
    }
    for list in children.values_mut() {
        list.sort_by_key(|s| s.start_time);
    }
    let mut out = String::new();
    let mut stack: Vec<(&SpanRecord, usize)> = children
        .get(&None)
        .into_iter()
        .flatten()
        .rev()
        .map(|s| (*s, 0))
        .collect();
    while let Some((span, depth)) = stack.pop() {
        render_line(&mut out, span, depth, color);
        if let Some(kids) = children.get(&Some(span.span_id)) {
            stack.extend(kids.iter().rev().map(|s| (*s, depth + 1)));
        }
    }
    out
}

fn paint(out: &mut String, color: bool, code: &str, text: &str) {
    if color {
        let _ = write!(out, "{code}{text}{RESET}");
    } else {
        out.push_str(text);
    }
}

fn render_line(out: &mut String, span: &SpanRecord, depth: usize, color: bool) {
    out.push_str(&"  ".repeat(depth));
    paint(out, color, DIM, span.span_type().as_str());
    out.push(' ');
    paint(out, color, BOLD, &span.name);
    let _ = write!(
        out,
        "  {}",
        format_duration(span.duration().unwrap_or_default())
    );
    if let Some(detail) = model_detail(&span.attributes) {
        out.push_str("  ");
        paint(out, color, CYAN, &detail);
    }
    if let Some(error) = &span.error {
        out.push_str("  ");
        paint(
            out,
            color,
            RED,
            &format!("✗ {}: {}", short_kind(&error.kind), error.message),
        );
    } else if span.status == SpanStatus::Error {
        paint(out, color, RED, "  ✗ error");
    }
    if !span.errored_descendants.is_empty() {
        let note = format!("  ({} failed below)", span.errored_descendants.len());
        paint(out, color, YELLOW, &note);
    }
    if span.ended_by_drop {
        paint(out, color, DIM, "  (ended by drop)");
    }
    out.push('\n');
}

fn model_detail(attributes: &SpanAttributes) -> Option<String> {
    match attributes {
        SpanAttributes::RagQuery(rag) if !rag.chunks.is_empty() => {
            return Some(format!("{} chunks", rag.chunks.len()));
        }
        SpanAttributes::EvalExecution(eval) => {
            let verdict = match eval.passed {
                Some(true) => " ✓",
                Some(false) => " ✗",
                None => "",
            };
            let score = eval.score.map_or(String::new(), |s| format!(" {s}"));
            return Some(format!(
                "{}{score}{verdict}",
                eval.metric.as_deref().unwrap_or("score")
            ));
        }
        _ => {}
    }
    let model = attributes.model();
    let usage = attributes.usage();
    if model.is_none() && usage.is_none() {
        return None;
    }
    let mut detail = model.unwrap_or("").to_owned();
    if let Some(usage) = usage {
        match (usage.input_tokens, usage.output_tokens) {
            (Some(i), Some(o)) => {
                let _ = write!(detail, " {i}→{o} tok");
            }
            (Some(n), None) | (None, Some(n)) => {
                let _ = write!(detail, " {n} tok");
            }
            (None, None) => {}
        }
    }
    if let Some(total) = attributes.cost().and_then(|c| c.resolved_total()) {
        let _ = write!(detail, " ${total:.4}");
    }
    Some(detail.trim().to_owned())
}

/// The last path segment of a Rust type name (`my_crate::LlmError` → `LlmError`).
fn short_kind(kind: &str) -> &str {
    let base = kind.split('<').next().unwrap_or(kind);
    base.rsplit("::").next().unwrap_or(base)
}

fn format_duration(d: Duration) -> String {
    let micros = d.as_micros();
    match micros {
        0..1_000 => format!("{micros}µs"),
        1_000..1_000_000 => format!("{}ms", micros / 1_000),
        _ => format!("{:.2}s", d.as_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_kinds_are_short() {
        assert_eq!(format_duration(Duration::from_micros(12)), "12µs");
        assert_eq!(format_duration(Duration::from_millis(640)), "640ms");
        assert_eq!(format_duration(Duration::from_millis(1200)), "1.20s");
        assert_eq!(short_kind("my_crate::errors::LlmError"), "LlmError");
        assert_eq!(short_kind("Timeout"), "Timeout");
    }
}
