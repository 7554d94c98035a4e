//! PostgreSQL's bulk statements: the span upsert as `INSERT … SELECT … FROM unnest(…)` with
//! one array parameter per column, and the totals refresh with the trace ids as one array
//! (`= ANY($2::text[])`). Same semantics as the multi-row statements SQLite gets in
//! `write.rs`; only the way the rows travel differs.

use sea_orm::{DbBackend, IdenStatic, Statement, Value};

use super::pg_array::ArrayLiteral;
use super::rows::SpanRow;
use super::write::{SPAN_COLUMNS, TOTALS_FROM_SPANS};

/// The array type of each span column after `project_id` (which is one scalar, `$1`), in
/// [`SPAN_COLUMNS`] order.
const SPAN_ARRAY_TYPES: [&str; 23] = [
    "text",    // trace_id
    "text",    // span_id
    "text",    // parent_span_id
    "text",    // span_type
    "text",    // name
    "text",    // service_name
    "text",    // status
    "boolean", // is_error
    "bigint",  // start_time
    "bigint",  // end_time
    "bigint",  // duration_ns
    "text",    // model
    "text",    // provider
    "bigint",  // input_tokens
    "bigint",  // output_tokens
    "bigint",  // total_tokens
    "bigint",  // cache_read_tokens
    "bigint",  // cache_write_tokens
    "bigint",  // reasoning_tokens
    "double precision",
    "text", // user_id
    "text", // session_id
    "text", // record
];

/// Span upsert of `rows`, idempotent on the table's key, named by its constraint: (project,
/// trace, span, start time) on the time-partitioned table, whose key must hold the partition
/// key (a span's start is the same in its start and end events and in every retry), and
/// (project, trace, span) on a schema from before the partitions — one statement for both.
/// A stored end is not replaced by a later-arriving start (as the SQLite statement).
pub(super) fn span_upsert(project: i64, rows: &[SpanRow]) -> Statement {
    let names: Vec<&str> = SPAN_COLUMNS.iter().map(|c| c.as_str()).collect();
    let arrays: Vec<String> = SPAN_ARRAY_TYPES
        .iter()
        .enumerate()
        .map(|(i, ty)| format!("${}::{ty}[]", i + 2))
        .collect();
    let updates: Vec<String> = names[3..]
        .iter()
        .map(|n| format!("{n} = excluded.{n}"))
        .collect();
    let sql = format!(
        "INSERT INTO spans ({}) SELECT $1::bigint, u.* FROM unnest({}) AS u \
         ON CONFLICT ON CONSTRAINT spans_pkey DO UPDATE SET {} \
         WHERE excluded.end_time IS NOT NULL OR spans.end_time IS NULL",
        names.join(", "),
        arrays.join(", "),
        updates.join(", ")
    );
    let mut values: Vec<Value> = Vec::with_capacity(SPAN_COLUMNS.len());
    values.push(project.into());
    values.extend(span_arrays(rows).into_iter().map(Value::from));
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The 23 array literals of `rows`, in [`SPAN_ARRAY_TYPES`] order.
fn span_arrays(rows: &[SpanRow]) -> Vec<String> {
    let n = rows.len();
    let record_bytes: usize = rows.iter().map(|r| r.record.len() + 8).sum();
    let mut a: Vec<ArrayLiteral> = SPAN_ARRAY_TYPES
        .iter()
        .enumerate()
        .map(|(i, _)| ArrayLiteral::with_capacity(if i == 22 { record_bytes } else { n * 20 }))
        .collect();
    for r in rows {
        a[0].text(Some(&r.trace_id));
        a[1].text(Some(&r.span_id));
        a[2].text(r.parent_span_id.as_deref());
        a[3].text(Some(r.span_type));
        a[4].text(Some(&r.name));
        a[5].text(Some(&r.service_name));
        a[6].text(Some(r.status));
        a[7].bool(r.is_error);
        a[8].int(Some(r.start_time));
        a[9].int(r.end_time);
        a[10].int(r.duration_ns);
        a[11].text(r.model.as_deref());
        a[12].text(r.provider.as_deref());
        for (k, tokens) in r.tokens.iter().enumerate() {
            a[13 + k].int(*tokens);
        }
        a[19].float(r.cost);
        a[20].text(r.user_id.as_deref());
        a[21].text(r.session_id.as_deref());
        a[22].text(Some(&r.record));
    }
    a.into_iter().map(ArrayLiteral::finish).collect()
}

/// Recomputes the totals of `trace_ids` from their spans.
pub(super) fn refresh_totals(project: i64, trace_ids: &[String]) -> Statement {
    let mut ids = ArrayLiteral::with_capacity(trace_ids.len() * 35);
    for id in trace_ids {
        ids.text(Some(id));
    }
    Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{TOTALS_FROM_SPANS} AND traces.trace_id = ANY($2::text[])"),
        [Value::from(project), Value::from(ids.finish())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_parameter_per_column_whatever_the_rows() {
        let row = SpanRow {
            trace_id: "t".into(),
            span_id: "s".into(),
            parent_span_id: None,
            span_type: "generic",
            name: "n \"q\"".into(),
            service_name: "svc".into(),
            status: "ok",
            is_error: false,
            start_time: 1,
            end_time: Some(3),
            duration_ns: Some(2),
            model: None,
            provider: None,
            tokens: [Some(1), None, None, None, None, None],
            cost: Some(0.5),
            user_id: None,
            session_id: None,
            record: "{}".into(),
        };
        let statement = span_upsert(7, &vec![row; 3]);
        let values = statement.values.expect("values").0;
        assert_eq!(values.len(), 24);
        assert_eq!(values[5], Value::from(r#"{"n \"q\"","n \"q\"","n \"q\""}"#));
        assert_eq!(values[8], Value::from("{f,f,f}"));
        assert!(statement.sql.contains("$24::text[]"), "{}", statement.sql);
    }
}
