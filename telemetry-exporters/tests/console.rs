//! The console exporter prints each finished trace as an indented tree.

use std::io::Write;
use std::sync::{Arc, Mutex};

use telemetry_core::attrs::{AgentRun, LlmGeneration, ToolCall, Usage};
use telemetry_core::{SpanError, Telemetry};
use telemetry_exporters::ConsoleExporter;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn prints_a_tree_with_types_models_tokens_and_errors() {
    let out = Buffer::default();
    let telemetry = Telemetry::builder("console-test")
        .exporter(ConsoleExporter::with_writer(out.clone(), false))
        .build()
        .unwrap();
    let run = telemetry.trace("support", AgentRun::named("bot")).start();
    run.in_scope(|| {
        let llm = telemetry
            .span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai"))
            .start();
        llm.record_usage(Usage::new(1200, 80));
        llm.in_scope(|| {
            telemetry
                .span("execute_tool search", ToolCall::named("search"))
                .start()
                .end_with_error(SpanError::new("my_app::ToolError", "index offline"));
        });
        llm.end();
    });
    run.end();
    // A span of an unfinished trace is printed at shutdown, not lost.
    let open = telemetry
        .trace("still-open", AgentRun::named("bot"))
        .start();
    open.in_scope(|| telemetry.span("child", ToolCall::named("x")).start().end());
    std::mem::forget(open);
    telemetry.shutdown().await.unwrap();

    let text = out.text();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("agent_run support  "), "{text}");
    assert!(lines[0].ends_with("(1 failed below)"), "{text}");
    assert!(
        lines[1].starts_with("  llm_generation chat gpt-4o  "),
        "{text}"
    );
    assert!(lines[1].contains("gpt-4o 1200→80 tok"), "{text}");
    assert!(
        lines[2].starts_with("    tool_call execute_tool search  "),
        "{text}"
    );
    assert!(lines[2].ends_with("✗ ToolError: index offline"), "{text}");
    assert!(text.contains("tool_call child"), "{text}");
    assert!(!text.contains('\x1b'), "no colours when asked for none");
}
