//! PostgreSQL array literals (`{1,NULL,"a \"b\""}`), one per column, for the bulk insert
//! `INSERT … SELECT * FROM unnest($1::bigint[], $2::text[], …)`: a statement of any number of
//! rows binds one parameter per column instead of one per value, so building it is a string
//! append per value and the server parses one short statement (no 60 000-parameter
//! statements to build, bind and plan).
//!
//! Each literal is bound as text and cast in SQL (`$2::text[]`), which runs PostgreSQL's own
//! array parser, so the encoding below only has to follow its quoting rules: every element is
//! double-quoted with `\` and `"` escaped, and SQL NULL is the bare word `NULL`.

use std::fmt::Write;

/// Builds one array literal, element by element.
#[derive(Debug)]
pub(crate) struct ArrayLiteral {
    text: String,
    empty: bool,
}

impl ArrayLiteral {
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        let mut text = String::with_capacity(bytes + 2);
        text.push('{');
        ArrayLiteral { text, empty: true }
    }

    fn separate(&mut self) {
        if !self.empty {
            self.text.push(',');
        }
        self.empty = false;
    }

    /// Appends a text element, or NULL.
    pub(crate) fn text(&mut self, value: Option<&str>) {
        self.separate();
        let Some(value) = value else {
            self.text.push_str("NULL");
            return;
        };
        self.text.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                self.text.push('\\');
            }
            self.text.push(c);
        }
        self.text.push('"');
    }

    /// Appends an integer element, or NULL.
    pub(crate) fn int(&mut self, value: Option<i64>) {
        self.separate();
        match value {
            Some(v) => {
                let _ = write!(self.text, "{v}");
            }
            None => self.text.push_str("NULL"),
        }
    }

    /// Appends a float element (exact round trip), or NULL; non-finite values are NULL, as
    /// the price computation never yields them.
    pub(crate) fn float(&mut self, value: Option<f64>) {
        self.separate();
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                let _ = write!(self.text, "{v:?}");
            }
            None => self.text.push_str("NULL"),
        }
    }

    /// Appends a boolean element.
    pub(crate) fn bool(&mut self, value: bool) {
        self.separate();
        self.text.push(if value { 't' } else { 'f' });
    }

    /// The finished literal.
    pub(crate) fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_every_text_element_and_escapes_quotes_and_backslashes() {
        let mut a = ArrayLiteral::with_capacity(0);
        a.text(Some("plain"));
        a.text(None);
        a.text(Some(r#"say "hi" \ {x,y} NULL"#));
        a.text(Some(""));
        assert_eq!(
            a.finish(),
            r#"{"plain",NULL,"say \"hi\" \\ {x,y} NULL",""}"#
        );
    }

    #[test]
    fn numbers_and_booleans_are_bare() {
        let mut a = ArrayLiteral::with_capacity(0);
        a.int(Some(-5));
        a.int(None);
        assert_eq!(a.finish(), "{-5,NULL}");
        let mut f = ArrayLiteral::with_capacity(0);
        f.float(Some(0.1));
        f.float(Some(f64::NAN));
        f.bool(true);
        f.bool(false);
        assert_eq!(f.finish(), "{0.1,NULL,t,f}");
    }

    #[test]
    fn an_empty_array_is_braces() {
        assert_eq!(ArrayLiteral::with_capacity(0).finish(), "{}");
    }
}
