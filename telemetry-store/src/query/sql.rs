//! A tiny builder of raw SQL with `$n` placeholders, which sqlx accepts on both SQLite and
//! PostgreSQL. Used only for dialect-specific aggregates.

use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Statement, Value};

use crate::error::Result;
use crate::query::TimeRange;
use crate::time::nanos;

/// SQL text and its bound values.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub(crate) text: String,
    values: Vec<Value>,
}

impl Sql {
    /// Binds a value and returns its placeholder.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// Appends text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends ` AND {column} >= from AND {column} < to` for the bounded ends of `range`.
    pub(crate) fn time_range(&mut self, column: &str, range: &TimeRange) -> &mut Self {
        if let Some(from) = range.from {
            let p = self.bind(nanos(from));
            self.text.push_str(&format!(" AND {column} >= {p}"));
        }
        if let Some(to) = range.to {
            let p = self.bind(nanos(to));
            self.text.push_str(&format!(" AND {column} < {p}"));
        }
        self
    }

    /// Runs the query.
    pub(crate) async fn fetch(self, db: &DatabaseConnection) -> Result<Vec<QueryResult>> {
        let stmt =
            Statement::from_sql_and_values(db.get_database_backend(), self.text, self.values);
        Ok(db.query_all_raw(stmt).await?)
    }
}

/// `(column / width) * width`, the start of a time bucket, or `None` without buckets.
pub(crate) fn bucket_expr(sql: &mut Sql, column: &str, width: Option<i64>) -> Option<String> {
    width.map(|w| {
        let p = sql.bind(w);
        format!("({column} / {p}) * {p}")
    })
}
