//! Proc macros `#[with_span]` and `#[instrument_class]` for AI telemetry.
//!
//! Use them through the facade, `telemetry_core::{with_span, instrument_class}` (the default
//! `macros` feature): the expansion calls `::telemetry_core::…`, so a crate that uses the macros
//! depends on `telemetry-core` only.
//!
//! What the macros add over `tracing::instrument`: they know the AI span types, and they check
//! `attributes(...)` against the span type's attributes struct **at compile time** — an unknown
//! field, an unknown span type or a misspelt option is a compile error that names the problem
//! and lists what is allowed.
//!
//! ```
//! use telemetry_core::{with_span, instrument_class, Telemetry, FutureExt};
//! use telemetry_core::testing::InMemoryExporter;
//!
//! #[with_span(span_type = llm_generation, attributes(model = "gpt-4o", provider = "openai"))]
//! async fn generate(prompt: &str) -> Result<String, std::io::Error> {
//!     Ok(format!("echo: {prompt}"))
//! }
//!
//! struct Support;
//!
//! #[instrument_class(prefix = "support", span_type = agent_run)]
//! impl Support {
//!     async fn answer(&self, question: String) -> String {
//!         generate(&question).await.unwrap_or_default()
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let spans = InMemoryExporter::new();
//! let telemetry = Telemetry::builder("docs").exporter(spans.clone()).build()?;
//! let root = telemetry.trace("request", telemetry_core::attrs::Generic::default()).start();
//! let answer = Support.answer("refunds?".into()).in_span(&root).await;
//! root.end();
//! telemetry.flush().await?;
//!
//! assert_eq!(answer, "echo: refunds?");
//! let agent = spans.span("support.answer").unwrap();
//! let llm = spans.span("generate").unwrap();
//! assert_eq!(llm.parent_span_id, Some(agent.span_id));
//! assert_eq!(llm.input.as_ref().unwrap()["prompt"], "refunds?");
//! assert_eq!(llm.output.as_ref().unwrap(), "echo: refunds?");
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

use proc_macro::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{ImplItem, ItemFn, ItemImpl};

mod args;
mod expand;
mod fields;

use args::{Errors, Options, Site};

/// Runs a function or method in a typed AI span.
///
/// Works on `fn` and `async fn`: free functions, methods taking `&self`, `&mut self` or
/// `self`, generic functions, functions with lifetimes and `impl Trait` arguments, and
/// `async fn` in traits (default bodies) and trait impls. The signature and behaviour are
/// unchanged.
///
/// A non-async function whose body ends in an `async` block — `fn f() -> impl Future<Output =
/// T> { async move { … } }`, or a method rewritten by `#[async_trait]` (`Box::pin(async move
/// { … })`) — gets a span that covers the future: started (and the input recorded) when the
/// function is called, ended when the future completes, with the future's output as output.
///
/// # Arguments
///
/// | argument | meaning |
/// |---|---|
/// | `span_type = llm_generation` | one of `agent_run`, `workflow_run`, `workflow_step`, `llm_generation`, `tool_call`, `mcp_tool_call`, `memory_lookup`, `memory_update`, `rag_query`, `embedding_generation`, `eval_execution`, `generic` (the default) |
/// | `name = "chat"` | the span's name (default: the function's name); any expression `Into<Str>` |
/// | `attributes(model = "gpt-4o", …)` | fields of the span type's `attrs::*` struct, checked at compile time; values are evaluated at span start and never moved (strings are copied, literals borrowed); `generic` takes any `key = serializable value` |
/// | `skip(a, b)` | leave these arguments out of the input (`self` is never recorded; `skip(self)` is accepted) |
/// | `skip_all` | record no input |
/// | `skip_output` | do not record the return value (errors are still recorded) |
/// | `telemetry = "name"` | the registry instance to use when the context has none |
///
/// # What is recorded
///
/// * **Input**: the arguments (not `self`) as a JSON object keyed by argument name. Each must
///   be `serde::Serialize` unless skipped; otherwise compilation fails with a message saying to
///   add it to `skip(...)`.
/// * **Output**: the return value (must be `Serialize` unless `skip_output`), and the span's
///   status becomes OK (unless the body recorded an error into it). For a `Result`, the `Ok`
///   value is the output. `()`, `Ok(())` and `skip_output` record no output and leave the
///   status unset (which OpenTelemetry reads as success).
/// * **Errors**: a returned `Err` marks the span errored with the structured error
///   (`SpanError::from_error`: type name, message, source chain; `anyhow`-style and boxed
///   errors, and plain `Display` errors, are captured too); the error is returned untouched.
/// * **Panics**: a panic marks the span errored (kind `panic`, the panic's message and location
///   as the error message) and keeps unwinding. The message is read by a panic hook installed
///   once, which calls the hook that was there before; a hook set after it replaces it, and the
///   span then says only that the function panicked.
/// * **Cancellation**: a future dropped before completion ends its span as `ended_by_drop`.
///
/// The runtime's include-I/O setting, sampling and processors apply as to any span. Inside the
/// body, [`current_span()`](../telemetry_core/fn.current_span.html) is this span: record
/// usage, metadata or events into it.
///
/// # Which telemetry records the span
///
/// In order: the current context's (the telemetry of the enclosing span); else the instance
/// named by `telemetry = "…"` in `Registry::global()`; else the instance the global registry's
/// **selector** picks for the current context (`Registry::global().set_selector(|cx| …)`, e.g.
/// a tenant's instance named by the context's baggage); else the global registry's default.
/// With no telemetry anywhere the function runs as written after one check.
///
/// # Nesting
///
/// Async bodies run with `.in_span(...)`, sync bodies with `in_scope`, so instrumented calls
/// nest (sync inside async, async inside async, recursion). The body is wrapped in a closure or
/// async block: `return` and `?` work as in the original function.
///
/// # Example
///
/// ```
/// use telemetry_core::{with_span, current_span, Telemetry, attrs::Usage};
/// use telemetry_core::testing::InMemoryExporter;
///
/// #[derive(Debug)]
/// struct RateLimited;
///
/// impl std::fmt::Display for RateLimited {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("rate limited")
///     }
/// }
///
/// impl std::error::Error for RateLimited {}
///
/// struct Client;
///
/// #[with_span(span_type = llm_generation, name = "chat", skip(client),
///             attributes(model = "gpt-4o", provider = "openai", streaming = false))]
/// fn chat(client: &Client, prompt: &str, fail: bool) -> Result<String, RateLimited> {
///     if fail {
///         return Err(RateLimited);
///     }
///     current_span().record_usage(Usage::new(12, 3));
///     Ok(prompt.to_uppercase())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let spans = InMemoryExporter::new();
/// let telemetry = Telemetry::builder("docs").exporter(spans.clone()).build()?;
/// let root = telemetry.trace("run", telemetry_core::attrs::Generic::default()).start();
/// root.in_scope(|| {
///     assert_eq!(chat(&Client, "hi", false).unwrap(), "HI");
///     assert!(chat(&Client, "hi", true).is_err());
/// });
/// root.end();
/// telemetry.flush().await?;
///
/// let calls = spans.ended_spans();
/// let ok = calls.iter().find(|s| s.name == "chat" && s.error.is_none()).unwrap();
/// let input = ok.input.as_ref().unwrap();
/// assert_eq!((&input["prompt"], &input["fail"]), (&"hi".into(), &false.into()));
/// assert!(input.get("client").is_none(), "skipped");
/// assert_eq!(ok.attributes.model(), Some("gpt-4o"));
/// assert_eq!(ok.attributes.usage().unwrap().input_tokens, Some(12));
/// let failed = calls.iter().find(|s| s.name == "chat" && s.error.is_some()).unwrap();
/// assert!(failed.error.as_ref().unwrap().kind.ends_with("RateLimited"));
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
///
/// Misuse is a compile error:
///
/// ```compile_fail
/// #[telemetry_core::with_span(span_type = llm_generation, attributes(modle = "gpt-4o"))]
/// fn chat() {}
/// // error: unknown attribute `modle` for span type `llm_generation` (`attrs::LlmGeneration`)
/// //        (did you mean `model`?); allowed: model, provider, operation, …
/// ```
#[proc_macro_attribute]
pub fn with_span(args: TokenStream, item: TokenStream) -> TokenStream {
    let item2: proc_macro2::TokenStream = item.clone().into();
    let result = Options::parse(args.into(), Site::WithSpan).and_then(|options| {
        let mut function: ItemFn = syn::parse2(item2.clone()).map_err(|_| {
            syn::Error::new(
                item2.span(),
                "#[with_span] goes on a function or method with a body (for an `impl` block use #[instrument_class])",
            )
        })?;
        let name = function.sig.ident.to_string();
        let name = name.trim_start_matches("r#");
        function.block = Box::new(expand::instrument(
            &options,
            &function.sig,
            &function.block,
            name,
        )?);
        Ok(function.into_token_stream())
    });
    match result {
        Ok(tokens) => tokens.into(),
        // Keep the item so that one bad attribute does not cascade into "not found" errors.
        Err(e) => {
            let e = e.to_compile_error();
            quote!(#e #item2).into()
        }
    }
}

/// Instruments every method of an `impl` block (inherent or trait impl, generic or not).
///
/// Each method gets a span called `prefix.method` (`Type.method` without a prefix) and the
/// block's options; a method's own `#[with_span(...)]` overrides them (a method that chooses
/// another `span_type` does not inherit the block's `attributes`), and `#[skip_span]` leaves a
/// method uninstrumented. `const fn` methods are left alone.
///
/// Arguments: `prefix = "…"`, `span_type = …`, `attributes(...)`, `skip_all`, `skip_output`,
/// `telemetry = "…"` — as for [`with_span`](macro@with_span).
///
/// ```
/// use telemetry_core::{instrument_class, with_span, Telemetry};
/// use telemetry_core::testing::InMemoryExporter;
///
/// struct Pipeline { runs: u32 }
///
/// #[instrument_class(prefix = "workflow", span_type = workflow_step,
///                    attributes(workflow_name = "ingest"))]
/// impl Pipeline {
///     fn fetch(&mut self, url: &str) -> usize {
///         self.runs += 1;
///         url.len()
///     }
///
///     #[with_span(span_type = tool_call, name = "parse-tool", attributes(tool_name = "parser"))]
///     fn parse(&self, bytes: usize) -> Vec<u8> {
///         vec![0; bytes]
///     }
///
///     #[skip_span]
///     fn helper(&self) -> u32 {
///         self.runs
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let spans = InMemoryExporter::new();
/// let telemetry = Telemetry::builder("docs").exporter(spans.clone()).build()?;
/// let root = telemetry.trace("ingest", telemetry_core::attrs::Generic::default()).start();
/// let mut p = Pipeline { runs: 0 };
/// root.in_scope(|| {
///     let n = p.fetch("https://example.com");
///     p.parse(n);
///     p.helper();
/// });
/// root.end();
/// telemetry.flush().await?;
///
/// let fetch = spans.span("workflow.fetch").unwrap();
/// assert_eq!(fetch.attributes.span_type().as_str(), "workflow_step");
/// assert!(spans.span("parse-tool").is_some());
/// assert!(spans.span("workflow.helper").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[proc_macro_attribute]
pub fn instrument_class(args: TokenStream, item: TokenStream) -> TokenStream {
    let item2: proc_macro2::TokenStream = item.into();
    let result = Options::parse(args.into(), Site::Class).and_then(|options| {
        let imp: ItemImpl = syn::parse2(item2.clone()).map_err(|_| {
            syn::Error::new(
                item2.span(),
                "#[instrument_class] goes on an `impl` block (for one function use #[with_span])",
            )
        })?;
        Ok(instrument_impl(&options, imp))
    });
    match result {
        Ok(tokens) => tokens.into(),
        Err(e) => {
            let e = e.to_compile_error();
            quote!(#e #item2).into()
        }
    }
}

/// The instrumented impl block; on errors, the errors followed by the block with the macros'
/// helper attributes removed (so that they do not add "cannot find attribute" errors).
fn instrument_impl(options: &Options, mut imp: ItemImpl) -> proc_macro2::TokenStream {
    let prefix = match &options.prefix {
        Some(lit) => lit.value(),
        None => type_name(&imp.self_ty),
    };
    let mut errors = Errors::default();
    for item in &mut imp.items {
        let ImplItem::Fn(method) = item else {
            continue;
        };
        let before = method.attrs.len();
        method.attrs.retain(|a| !a.path().is_ident("skip_span"));
        if method.attrs.len() != before || method.sig.constness.is_some() {
            continue;
        }
        let mut own = Options::default();
        let mut keep = Vec::with_capacity(method.attrs.len());
        for attr in std::mem::take(&mut method.attrs) {
            let is_with_span = attr
                .path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "with_span");
            if !is_with_span {
                keep.push(attr);
                continue;
            }
            let args = match &attr.meta {
                syn::Meta::Path(_) => proc_macro2::TokenStream::new(),
                syn::Meta::List(list) => list.tokens.clone(),
                syn::Meta::NameValue(nv) => {
                    errors.push(syn::Error::new(nv.span(), "expected #[with_span(...)]"));
                    continue;
                }
            };
            match Options::parse(args, Site::WithSpan) {
                Ok(o) => own = o,
                Err(e) => errors.push(e),
            }
        }
        method.attrs = keep;
        let method_options = own.inherit(options);
        let ident = method.sig.ident.to_string();
        let name = format!("{prefix}.{}", ident.trim_start_matches("r#"));
        match expand::instrument(&method_options, &method.sig, &method.block, &name) {
            Ok(block) => method.block = block,
            Err(e) => errors.push(e),
        }
    }
    match errors.finish() {
        Ok(()) => imp.into_token_stream(),
        Err(e) => {
            let e = e.to_compile_error();
            quote!(#e #imp)
        }
    }
}

/// `Pipeline` for `Pipeline<T>`, `crate::Pipeline`, `&Pipeline`.
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
}

/// The field names the macros accept for a span type, as `&[&str]` (for the test that proves
/// the tables match the attributes structs). Not a public API.
#[doc(hidden)]
#[proc_macro]
pub fn __span_fields(input: TokenStream) -> TokenStream {
    let ident = syn::parse_macro_input!(input as syn::Ident);
    match fields::span_type(&ident.to_string()) {
        Some(def) => {
            let names: Vec<&str> = def.fields.unwrap_or(&[]).iter().map(|(n, _)| *n).collect();
            quote!(&[#(#names),*] as &[&str]).into()
        }
        None => syn::Error::new(ident.span(), "unknown span type")
            .to_compile_error()
            .into(),
    }
}
