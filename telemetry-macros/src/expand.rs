//! The expansion of one instrumented function.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, FnArg, Ident, Lit, Pat, ReturnType, Signature, Type};

use crate::args::{Errors, Options};
use crate::fields::Kind;

/// Rewrites `block`, the body of the function `sig`, so that it runs in a span.
pub(crate) fn instrument(
    options: &Options,
    sig: &Signature,
    block: &Block,
    default_name: &str,
) -> syn::Result<Block> {
    let mut errors = Errors::default();
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new(
            constness.span(),
            "a `const fn` cannot be instrumented: spans are started at run time",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "variadic functions cannot be instrumented",
        ));
    }
    let attributes = options.checked_attributes();
    let inputs = recorded_args(sig, options);
    let (attributes, inputs) = match (attributes, inputs) {
        (Ok(a), Ok(i)) => (a, i),
        (a, i) => {
            if let Err(e) = a {
                errors.push(e);
            }
            if let Err(e) = i {
                errors.push(e);
            }
            return Err(errors.finish().expect_err("an error was pushed"));
        }
    };
    errors.finish()?;

    let telemetry = match &options.telemetry {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    };
    let name = match &options.name {
        Some(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        })) => quote!(::telemetry_core::Str::Borrowed(#lit)),
        Some(expr) => quote_spanned!(expr.span()=> ::core::convert::Into::into(#expr)),
        None => quote!(::telemetry_core::Str::Borrowed(#default_name)),
    };
    let attributes = attributes_expr(options, &attributes);
    let record_input = record_input(&inputs);
    let output = match &sig.output {
        ReturnType::Type(_, ty) if !matches!(**ty, Type::Never(_)) => Some(&**ty),
        _ => None,
    };
    let fake_return = fake_return(output);

    // With no telemetry anywhere, `start` returns `None` after one check and the body runs
    // as written; the guard (which handles panics and cancellation) exists only for a span.
    let start = quote! {
        let __tm_span = ::telemetry_core::__private::start(#telemetry, || #name, || #attributes);
        #record_input
    };
    let run_async = |finish: &TokenStream| {
        quote! {
            match __tm_span {
                ::core::option::Option::None => __tm_body.await,
                ::core::option::Option::Some(__tm_span) => {
                    let __tm_cx = ::telemetry_core::SpanRef::context(&__tm_span);
                    let mut __tm_guard = ::telemetry_core::__private::Guard::new(__tm_span);
                    let __tm_ret =
                        ::telemetry_core::__private::FutureExt::with_context(__tm_body, __tm_cx).await;
                    if let ::core::option::Option::Some(__tm_span) = __tm_guard.take() {
                        #finish
                    }
                    __tm_ret
                }
            }
        }
    };
    let body = if sig.asyncness.is_some() {
        let run = run_async(&finish(output, options));
        quote! {{
            #start
            let __tm_body = async move { #fake_return #block };
            #run
        }}
    } else if let Some(future) = returned_future(block) {
        // `fn f() -> impl Future { async move { … } }` and `#[async_trait]` methods
        // (`Box::pin(async move { … })`): the span covers the future, not its creation.
        let output = output.and_then(future_output);
        let run = run_async(&finish(output, options));
        let prefix = &block.stmts[..block.stmts.len() - 1];
        let mut body = future.body.clone();
        let fake = self::fake_return(output);
        let stmts = &body.block.stmts;
        body.block = syn::parse2(quote!({ #fake #(#stmts)* }))?;
        let instrumented = quote!(async move { #run });
        let wrapped = match &future.wrapper {
            Some(func) => quote!(#func(#instrumented)),
            None => instrumented,
        };
        quote! {{
            #start
            #(#prefix)*
            let __tm_body = #body;
            #wrapped
        }}
    } else {
        let finish = finish(output, options);
        quote! {{
            #start
            let __tm_body = ::telemetry_core::__private::once(move || { #fake_return #block });
            match __tm_span {
                ::core::option::Option::None => __tm_body(),
                ::core::option::Option::Some(__tm_span) => {
                    let mut __tm_guard = ::telemetry_core::__private::Guard::new(__tm_span);
                    let __tm_ret = ::telemetry_core::__private::Guard::in_scope(&__tm_guard, __tm_body);
                    if let ::core::option::Option::Some(__tm_span) = __tm_guard.take() {
                        #finish
                    }
                    __tm_ret
                }
            }
        }}
    };
    syn::parse2(body)
}

/// Names of the arguments recorded as input, after `skip` and `skip_all`.
fn recorded_args(sig: &Signature, options: &Options) -> syn::Result<Vec<Ident>> {
    let mut all = Vec::new();
    for input in &sig.inputs {
        if let FnArg::Typed(typed) = input {
            pat_idents(&typed.pat, &mut all);
        }
    }
    all.retain(|i| i != "self");
    let mut errors = Errors::default();
    for skipped in &options.skip {
        if skipped != "self" && !all.iter().any(|a| a == skipped) {
            let listed: Vec<String> = all.iter().map(|a| format!("`{a}`")).collect();
            let message = if listed.is_empty() {
                format!(
                    "`skip({skipped})`: the function has no argument `{skipped}` (it has no arguments to skip)"
                )
            } else {
                format!(
                    "`skip({skipped})`: the function has no argument `{skipped}`; its arguments are {}",
                    listed.join(", ")
                )
            };
            errors.push(syn::Error::new(skipped.span(), message));
        }
    }
    errors.finish()?;
    if options.skip_all {
        return Ok(Vec::new());
    }
    all.retain(|a| !options.skip.contains(a));
    Ok(all)
}

fn pat_idents(pat: &Pat, out: &mut Vec<Ident>) {
    match pat {
        Pat::Ident(p) => {
            out.push(p.ident.clone());
            if let Some((_, sub)) = &p.subpat {
                pat_idents(sub, out);
            }
        }
        Pat::Tuple(t) => t.elems.iter().for_each(|p| pat_idents(p, out)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pat_idents(p, out)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| pat_idents(&f.pat, out)),
        Pat::Slice(s) => s.elems.iter().for_each(|p| pat_idents(p, out)),
        Pat::Reference(r) => pat_idents(&r.pat, out),
        Pat::Type(t) => pat_idents(&t.pat, out),
        Pat::Paren(p) => pat_idents(&p.pat, out),
        _ => {}
    }
}

/// `SpanAttributes` built from the span type and `attributes(...)`.
fn attributes_expr(options: &Options, attributes: &[(Ident, Expr, Option<Kind>)]) -> TokenStream {
    let def = options.span_type();
    let ty = format_ident!("{}", def.struct_name);
    if attributes.is_empty() {
        return quote! {
            ::telemetry_core::attrs::#ty::default()
        };
    }
    let sets = attributes.iter().map(|(field, value, kind)| {
        let span = value.span();
        let Some(kind) = kind else {
            let key = field.to_string();
            return quote_spanned! {span=>
                __tm_attrs.fields.insert(
                    ::std::string::String::from(#key),
                    ::telemetry_core::__private::json(&(#value)),
                );
            };
        };
        let converted = match kind {
            Kind::Str => match value {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(lit), ..
                }) => quote_spanned!(span=> ::core::option::Option::Some(::telemetry_core::Str::Borrowed(#lit))),
                _ => quote_spanned!(span=> ::core::option::Option::Some(::telemetry_core::__private::str_field(&(#value)))),
            },
            Kind::String => quote_spanned!(span=> ::core::option::Option::Some(::telemetry_core::__private::string_field(&(#value)))),
            Kind::StrList => quote_spanned!(span=> ::telemetry_core::__private::str_list(&(#value))),
            Kind::Value => quote_spanned!(span=> ::core::option::Option::Some(#value)),
            Kind::Into => quote_spanned!(span=> ::core::option::Option::Some(::core::convert::Into::into(#value))),
            Kind::List => quote_spanned!(span=> ::core::convert::Into::into(#value)),
            Kind::Json => quote_spanned!(span=> ::core::option::Option::Some(::telemetry_core::__private::json(&(#value)))),
        };
        quote! { __tm_attrs.#field = #converted; }
    });
    quote! {{
        let mut __tm_attrs = ::telemetry_core::attrs::#ty::default();
        #(#sets)*
        __tm_attrs
    }}
}

/// Records the arguments as a JSON object keyed by name, serialized straight from the borrowed
/// arguments, only when the span records and inputs are captured.
fn record_input(inputs: &[Ident]) -> TokenStream {
    if inputs.is_empty() {
        return TokenStream::new();
    }
    let len = inputs.len();
    let args = inputs.iter().map(|ident| {
        let key = ident.to_string().trim_start_matches("r#").to_owned();
        quote_spanned!(ident.span()=> __tm_input.arg(#key, &#ident);)
    });
    quote! {
        if let ::core::option::Option::Some(__tm_span) = &__tm_span {
            let mut __tm_input = ::telemetry_core::__private::Input::new(__tm_span, #len);
            #(#args)*
            __tm_input.record(__tm_span);
        }
    }
}

/// `if false { let x: R = loop {}; return x; }`: tells the closure or async block its return
/// type, so that `?` and `.into()` in the body infer as they did in the function.
fn fake_return(output: Option<&Type>) -> TokenStream {
    let Some(ty) = output else {
        return TokenStream::new();
    };
    let mut ty = ty.clone();
    ImplToInfer.visit_type_mut(&mut ty);
    if matches!(ty, Type::Infer(_)) {
        return TokenStream::new();
    }
    quote! {
        #[allow(
            unknown_lints,
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::empty_loop,
            clippy::let_unit_value,
            clippy::let_with_type_underscore,
            clippy::needless_return,
            clippy::unreachable
        )]
        if false {
            let __tm_fake_return: #ty = loop {};
            return __tm_fake_return;
        }
    }
}

/// `impl Trait` cannot be written in a `let`; `_` keeps the rest of the type as a hint.
struct ImplToInfer;

impl VisitMut for ImplToInfer {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(it) = ty {
            *ty = Type::Infer(syn::TypeInfer {
                underscore_token: syn::Token![_](it.span()),
            });
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// Records the error (`Err` of any `Result`) and the output, then ends the span. `output` is
/// the return type (`None` for `()`, `!`, or a future whose output type is not written).
fn finish(output: Option<&Type>, options: &Options) -> TokenStream {
    let Some(output) = output else {
        return quote!(__tm_span.end(););
    };
    let error = quote! {
        (&&&&&&&::telemetry_core::__private::Probe(&__tm_ret)).__tm_error(&__tm_span);
    };
    let end = if options.skip_output {
        quote!(__tm_span.end();)
    } else {
        quote_spanned! {output.span()=>
            (&&&&::telemetry_core::__private::Probe(&__tm_ret)).__tm_end(__tm_span);
        }
    };
    quote! {
        #[allow(unused_imports)]
        use ::telemetry_core::__private::{
            ErrorProbe0 as _, ErrorProbe1 as _, ErrorProbe2 as _, ErrorProbe3 as _,
            ErrorProbe4 as _, ErrorProbe5 as _, ErrorProbe6 as _, OutputProbe0 as _,
            OutputProbe1 as _, OutputProbe2 as _, OutputProbe3 as _,
        };
        #error
        #end
    }
}

/// A future returned as the last expression of a non-async function.
struct ReturnedFuture {
    /// `Box::pin` (or another one-argument function) around the async block, if any.
    wrapper: Option<Expr>,
    body: syn::ExprAsync,
}

fn returned_future(block: &Block) -> Option<ReturnedFuture> {
    let syn::Stmt::Expr(last, None) = block.stmts.last()? else {
        return None;
    };
    match last {
        Expr::Async(body) => Some(ReturnedFuture {
            wrapper: None,
            body: body.clone(),
        }),
        Expr::Call(call) if call.args.len() == 1 => {
            let Expr::Path(func) = &*call.func else {
                return None;
            };
            if func.path.segments.last()?.ident != "pin" {
                return None;
            }
            match call.args.first()? {
                Expr::Async(body) => Some(ReturnedFuture {
                    wrapper: Some((*call.func).clone()),
                    body: body.clone(),
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `X` in `impl Future<Output = X>` or `Pin<Box<dyn Future<Output = X> + Send>>`.
fn future_output(ty: &Type) -> Option<&Type> {
    fn in_bounds<'a>(
        bounds: impl IntoIterator<Item = &'a syn::TypeParamBound>,
    ) -> Option<&'a Type> {
        bounds.into_iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(t) => in_path(&t.path),
            _ => None,
        })
    }
    fn in_path(path: &syn::Path) -> Option<&Type> {
        let last = path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            syn::GenericArgument::Type(inner) => future_output(inner),
            _ => None,
        })
    }
    match ty {
        Type::ImplTrait(t) => in_bounds(&t.bounds),
        Type::TraitObject(t) => in_bounds(&t.bounds),
        Type::Path(p) => in_path(&p.path),
        Type::Paren(p) => future_output(&p.elem),
        Type::Group(g) => future_output(&g.elem),
        _ => None,
    }
}
