//! Parsing and checking the macros' arguments.

use syn::ext::IdentExt;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Meta, MetaNameValue, Token};

use crate::fields::{self, Kind, SpanTypeDef};

/// Where the arguments were written; decides which options exist.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    /// `#[with_span(...)]`.
    WithSpan,
    /// `#[instrument_class(...)]`.
    Class,
}

impl Site {
    fn options(self) -> &'static [&'static str] {
        match self {
            Site::WithSpan => &[
                "span_type",
                "name",
                "attributes",
                "skip",
                "skip_all",
                "skip_output",
                "telemetry",
            ],
            Site::Class => &[
                "prefix",
                "span_type",
                "attributes",
                "skip_all",
                "skip_output",
                "telemetry",
            ],
        }
    }

    fn macro_name(self) -> &'static str {
        match self {
            Site::WithSpan => "with_span",
            Site::Class => "instrument_class",
        }
    }
}

/// The arguments as written.
#[derive(Default, Clone)]
pub(crate) struct Options {
    pub(crate) span_type: Option<&'static SpanTypeDef>,
    pub(crate) name: Option<Expr>,
    pub(crate) attributes: Option<Vec<(Ident, Expr)>>,
    pub(crate) skip: Vec<Ident>,
    pub(crate) skip_all: bool,
    pub(crate) skip_output: bool,
    pub(crate) telemetry: Option<LitStr>,
    pub(crate) prefix: Option<LitStr>,
}

/// Collects several errors into one.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(e) => e.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

impl Options {
    /// Parses `args` written at `site`.
    pub(crate) fn parse(args: proc_macro2::TokenStream, site: Site) -> syn::Result<Options> {
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
        let mut options = Options::default();
        let mut errors = Errors::default();
        let mut seen: Vec<String> = Vec::new();
        for meta in metas {
            let Some(key) = meta.path().get_ident().map(Ident::to_string) else {
                errors.push(unknown_option(&meta, site));
                continue;
            };
            if !site.options().contains(&key.as_str()) {
                errors.push(unknown_option(&meta, site));
                continue;
            }
            if seen.contains(&key) {
                errors.push(syn::Error::new(
                    meta.path().span(),
                    format!("duplicate option `{key}`"),
                ));
                continue;
            }
            seen.push(key.clone());
            if let Err(e) = options.apply(&key, meta) {
                errors.push(e);
            }
        }
        if options.skip_all && !options.skip.is_empty() {
            errors.push(syn::Error::new(
                options.skip[0].span(),
                "`skip(...)` and `skip_all` together: `skip_all` already leaves out every argument",
            ));
        }
        errors.finish()?;
        Ok(options)
    }

    fn apply(&mut self, key: &str, meta: Meta) -> syn::Result<()> {
        match key {
            "span_type" => {
                let value = name_value(&meta, key, "span_type = llm_generation")?;
                let ident = match value {
                    Expr::Path(p) if p.path.get_ident().is_some() => {
                        p.path.get_ident().cloned().expect("checked")
                    }
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(s), ..
                    }) => Ident::new(&s.value(), s.span()),
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            format!(
                                "expected a span type name, e.g. `span_type = llm_generation`; one of: {}",
                                fields::span_type_names()
                            ),
                        ));
                    }
                };
                let name = ident.to_string();
                match fields::span_type(&name) {
                    Some(def) => self.span_type = Some(def),
                    None => {
                        let hint =
                            fields::suggest(&name, fields::SPAN_TYPES.iter().map(|t| t.name))
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default();
                        return Err(syn::Error::new(
                            ident.span(),
                            format!(
                                "unknown span type `{name}`{hint}; expected one of: {}",
                                fields::span_type_names()
                            ),
                        ));
                    }
                }
            }
            "name" => {
                self.name = Some(name_value(&meta, key, "name = \"chat\"")?.clone());
            }
            "telemetry" | "prefix" => {
                let value = name_value(&meta, key, &format!("{key} = \"…\""))?;
                let lit = match value {
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(s), ..
                    }) => s.clone(),
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            format!("`{key}` takes a string literal, e.g. `{key} = \"support\"`"),
                        ));
                    }
                };
                if key == "telemetry" {
                    self.telemetry = Some(lit);
                } else {
                    self.prefix = Some(lit);
                }
            }
            "attributes" => {
                let list = list(
                    &meta,
                    key,
                    "attributes(model = \"gpt-4o\", provider = \"openai\")",
                )?;
                let pairs = Punctuated::<MetaNameValue, Token![,]>::parse_terminated
                    .parse2(list.tokens.clone())
                    .map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            "expected `field = value` pairs, e.g. `attributes(model = \"gpt-4o\")`",
                        )
                    })?;
                let mut out: Vec<(Ident, Expr)> = Vec::new();
                for pair in pairs {
                    let Some(field) = pair.path.get_ident() else {
                        return Err(syn::Error::new(
                            pair.path.span(),
                            "expected a field name, e.g. `model = \"gpt-4o\"`",
                        ));
                    };
                    if out.iter().any(|(f, _)| f == field) {
                        return Err(syn::Error::new(
                            field.span(),
                            format!("attribute `{field}` is set twice"),
                        ));
                    }
                    out.push((field.clone(), pair.value));
                }
                self.attributes = Some(out);
            }
            "skip" => {
                let list = list(&meta, key, "skip(client, config)")?;
                // `parse_any` also accepts `self`, which is never recorded (`skip(self)` is a no-op).
                let idents = (|input: syn::parse::ParseStream<'_>| {
                    Punctuated::<Ident, Token![,]>::parse_terminated_with(input, Ident::parse_any)
                })
                .parse2(list.tokens.clone())
                .map_err(|e| {
                    syn::Error::new(e.span(), "expected argument names, e.g. `skip(client)`")
                })?;
                self.skip = idents.into_iter().collect();
            }
            "skip_all" | "skip_output" => {
                if !matches!(meta, Meta::Path(_)) {
                    return Err(syn::Error::new(
                        meta.span(),
                        format!("`{key}` takes no value; write just `{key}`"),
                    ));
                }
                if key == "skip_all" {
                    self.skip_all = true;
                } else {
                    self.skip_output = true;
                }
            }
            _ => unreachable!("checked against the site's options"),
        }
        Ok(())
    }

    /// The options of a method in `#[instrument_class]`: the method's own, falling back to the
    /// class's. A method that picks another span type does not inherit the class's attributes.
    pub(crate) fn inherit(mut self, class: &Options) -> Options {
        if self.span_type.is_none() {
            self.span_type = class.span_type;
            if self.attributes.is_none() {
                self.attributes = class.attributes.clone();
            }
        }
        if self.telemetry.is_none() {
            self.telemetry = class.telemetry.clone();
        }
        self.skip_all |= class.skip_all;
        self.skip_output |= class.skip_output;
        self
    }

    /// The span type (generic when not given).
    pub(crate) fn span_type(&self) -> &'static SpanTypeDef {
        self.span_type
            .unwrap_or_else(|| fields::span_type("generic").expect("generic exists"))
    }

    /// Checks every attribute against the span type's fields.
    pub(crate) fn checked_attributes(&self) -> syn::Result<Vec<(Ident, Expr, Option<Kind>)>> {
        let def = self.span_type();
        let mut errors = Errors::default();
        let mut out = Vec::new();
        for (field, value) in self.attributes.iter().flatten() {
            let name = field.to_string();
            match def.fields {
                None => out.push((field.clone(), value.clone(), None)),
                Some(fields) => match fields.iter().find(|(f, _)| *f == name) {
                    Some((_, kind)) => out.push((field.clone(), value.clone(), Some(*kind))),
                    None => {
                        let allowed: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
                        let hint = fields::suggest(&name, allowed.iter().copied())
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        let other_types: Vec<&str> = fields::SPAN_TYPES
                            .iter()
                            .filter(|t| t.fields.is_some_and(|f| f.iter().any(|(n, _)| *n == name)))
                            .map(|t| t.name)
                            .collect();
                        let elsewhere = if other_types.is_empty() {
                            String::new()
                        } else {
                            format!("; `{name}` is a field of {}", other_types.join(", "))
                        };
                        errors.push(syn::Error::new(
                            field.span(),
                            format!(
                                "unknown attribute `{name}` for span type `{}` (`attrs::{}`){hint}; allowed: {}{elsewhere}",
                                def.name,
                                def.struct_name,
                                allowed.join(", "),
                            ),
                        ));
                    }
                },
            }
        }
        errors.finish()?;
        Ok(out)
    }
}

fn unknown_option(meta: &Meta, site: Site) -> syn::Error {
    let written = meta
        .path()
        .get_ident()
        .map(Ident::to_string)
        .unwrap_or_else(|| "?".to_owned());
    let hint = fields::suggest(&written, site.options().iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    let mut message = format!(
        "unknown option `{written}` for #[{}]{hint}; expected one of: {}",
        site.macro_name(),
        site.options().join(", ")
    );
    if site == Site::Class && matches!(written.as_str(), "name" | "skip") {
        message.push_str(&format!(
            "; `{written}` applies to one method: put #[with_span({written} …)] on it"
        ));
    }
    syn::Error::new(meta.path().span(), message)
}

fn name_value<'a>(meta: &'a Meta, key: &str, example: &str) -> syn::Result<&'a Expr> {
    match meta {
        Meta::NameValue(nv) => Ok(&nv.value),
        _ => Err(syn::Error::new(
            meta.span(),
            format!("`{key}` takes a value: `{example}`"),
        )),
    }
}

fn list<'a>(meta: &'a Meta, key: &str, example: &str) -> syn::Result<&'a syn::MetaList> {
    match meta {
        Meta::List(list) => Ok(list),
        _ => Err(syn::Error::new(
            meta.span(),
            format!("`{key}` takes a list: `{example}`"),
        )),
    }
}
