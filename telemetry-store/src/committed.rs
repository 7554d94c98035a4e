//! Committed-span notices between servers that share one PostgreSQL database: after a
//! commit a server announces the keys of the spans it wrote (`NOTIFY`), every other server
//! listens (`LISTEN`) and loads those spans for its live subscribers. Only keys travel,
//! because a notification carries at most 8000 bytes and one span's record can be larger.
//! On SQLite (one file, one server) there is nothing to announce.

use std::collections::{BTreeMap, HashSet};

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use telemetry_types::{SpanId, TraceId};

use crate::entities::span;
use crate::error::Result;
use crate::exclusive::{conn_err, exec_err};
use crate::projects::ProjectId;
use crate::query::StoredSpan;
use crate::store::{Backend, Store};

/// The notification channel.
pub const COMMITTED_CHANNEL: &str = "telemetry_committed";

/// Largest payload sent, below PostgreSQL's limit of 8000 bytes.
const MAX_PAYLOAD: usize = 7_900;

/// Keys loaded per statement by [`Store::spans_by_keys`].
const CHUNK: usize = 500;

/// Spans of one project that one server committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedSpans {
    /// Who committed them (a random id per server process), so a server skips its own.
    pub origin: u64,
    /// Their project.
    pub project: ProjectId,
    /// Their keys.
    pub spans: Vec<(TraceId, SpanId)>,
}

impl CommittedSpans {
    /// The notification payloads that carry these keys, each at most 7 900 bytes (under
    /// PostgreSQL's 8 000-byte `NOTIFY` limit):
    /// a header line `v1 <origin> <project>`, then one line per trace, `<trace> <span>…`.
    pub fn payloads(&self) -> Vec<String> {
        let mut by_trace: BTreeMap<TraceId, Vec<SpanId>> = BTreeMap::new();
        for (trace, span) in &self.spans {
            by_trace.entry(*trace).or_default().push(*span);
        }
        let header = format!("v1 {:016x} {}", self.origin, self.project.0);
        let mut out = Vec::new();
        let mut current = header.clone();
        for (trace, spans) in by_trace {
            let mut line = format!("\n{trace}");
            for span in spans {
                // A trace line is 33 bytes, a span 17: one of each always fits a fresh payload.
                if current.len() + line.len() + 17 > MAX_PAYLOAD {
                    if line.len() > 33 {
                        current.push_str(&line);
                    }
                    out.push(std::mem::replace(&mut current, header.clone()));
                    line = format!("\n{trace}");
                }
                line.push(' ');
                line.push_str(&span.to_string());
            }
            current.push_str(&line);
        }
        if current.len() > header.len() {
            out.push(current);
        }
        out
    }

    /// Reads a payload written by [`payloads`](Self::payloads); `None` when it is not one.
    pub fn parse(payload: &str) -> Option<CommittedSpans> {
        let mut lines = payload.lines();
        let mut header = lines.next()?.split(' ');
        if header.next()? != "v1" {
            return None;
        }
        let origin = u64::from_str_radix(header.next()?, 16).ok()?;
        let project = ProjectId(header.next()?.parse().ok()?);
        let mut spans = Vec::new();
        for line in lines {
            let mut words = line.split(' ');
            let trace: TraceId = words.next()?.parse().ok()?;
            for word in words {
                spans.push((trace, word.parse().ok()?));
            }
        }
        Some(CommittedSpans {
            origin,
            project,
            spans,
        })
    }
}

/// A listener for [`CommittedSpans`] announced by any server on the database.
pub struct CommittedListener {
    inner: PgListener,
}

impl std::fmt::Debug for CommittedListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommittedListener").finish_non_exhaustive()
    }
}

impl CommittedListener {
    /// The next notice. A lost connection is re-established on the next call (notices sent
    /// meanwhile are missed: the live tail is best effort, the spans are in the store).
    /// Payloads that are not notices are skipped.
    pub async fn recv(&mut self) -> Result<CommittedSpans> {
        loop {
            let notification = self.inner.recv().await.map_err(conn_err)?;
            match CommittedSpans::parse(notification.payload()) {
                Some(notice) => return Ok(notice),
                None => tracing::warn!(
                    channel = COMMITTED_CHANNEL,
                    "ignoring a notification that is not a committed-spans notice"
                ),
            }
        }
    }
}

impl Store {
    /// Announces committed spans to the other servers on this PostgreSQL database (one
    /// statement however many payloads); does nothing on SQLite.
    pub async fn announce_committed(&self, notice: &CommittedSpans) -> Result<()> {
        if self.backend != Backend::Postgres || notice.spans.is_empty() {
            return Ok(());
        }
        let payloads = notice.payloads();
        let rows: Vec<String> = (0..payloads.len())
            .map(|i| format!("(${})", i + 2))
            .collect();
        let sql = format!(
            "SELECT pg_notify($1, p) FROM (VALUES {}) AS v(p)",
            rows.join(", ")
        );
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(payloads.len() + 1);
        values.push(COMMITTED_CHANNEL.into());
        values.extend(payloads.into_iter().map(sea_orm::Value::from));
        let stmt = Statement::from_sql_and_values(self.db.get_database_backend(), sql, values);
        self.db.execute_raw(stmt).await?;
        Ok(())
    }

    /// Listens for [`CommittedSpans`] on a connection of its own; `None` on SQLite.
    pub async fn committed_listener(&self) -> Result<Option<CommittedListener>> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let pool = self.db.get_postgres_connection_pool();
        let mut inner = PgListener::connect_with(pool).await.map_err(conn_err)?;
        inner.listen(COMMITTED_CHANNEL).await.map_err(exec_err)?;
        Ok(Some(CommittedListener { inner }))
    }

    /// The project's spans among `keys` (missing ones are skipped), in no particular order.
    pub async fn spans_by_keys(
        &self,
        project: ProjectId,
        keys: &[(TraceId, SpanId)],
    ) -> Result<Vec<StoredSpan>> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(CHUNK) {
            let wanted: HashSet<(String, String)> = chunk
                .iter()
                .map(|(t, s)| (t.to_string(), s.to_string()))
                .collect();
            let traces: HashSet<&String> = wanted.iter().map(|(t, _)| t).collect();
            let spans: HashSet<&String> = wanted.iter().map(|(_, s)| s).collect();
            let models = span::Entity::find()
                .filter(span::Column::ProjectId.eq(project.0))
                .filter(span::Column::TraceId.is_in(traces))
                .filter(span::Column::SpanId.is_in(spans))
                .all(&self.db)
                .await?;
            for model in models {
                if wanted.contains(&(model.trace_id.clone(), model.span_id.clone())) {
                    out.push(StoredSpan::try_from(model)?);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(traces: u64, per_trace: u64) -> CommittedSpans {
        let mut spans = Vec::new();
        for t in 0..traces {
            for s in 0..per_trace {
                let trace = TraceId::from_bytes((u128::from(t) + 1).to_be_bytes()).expect("id");
                let span = SpanId::from_bytes((t * 10_000 + s + 1).to_be_bytes()).expect("id");
                spans.push((trace, span));
            }
        }
        CommittedSpans {
            origin: 0xdead_beef,
            project: ProjectId(7),
            spans,
        }
    }

    fn sorted(mut spans: Vec<(TraceId, SpanId)>) -> Vec<(TraceId, SpanId)> {
        spans.sort();
        spans
    }

    #[test]
    fn payloads_round_trip_within_the_size_limit() {
        for (traces, per_trace) in [(1, 1), (3, 5), (1, 2_000), (700, 1), (50, 40)] {
            let sent = notice(traces, per_trace);
            let payloads = sent.payloads();
            let mut got = Vec::new();
            for payload in &payloads {
                assert!(payload.len() <= MAX_PAYLOAD, "{} bytes", payload.len());
                let part = CommittedSpans::parse(payload).expect("parses");
                assert_eq!((part.origin, part.project), (sent.origin, sent.project));
                got.extend(part.spans);
            }
            assert_eq!(
                sorted(got),
                sorted(sent.spans.clone()),
                "{traces}×{per_trace}"
            );
        }
        assert!(notice(0, 0).payloads().is_empty());
    }

    #[test]
    fn other_payloads_are_not_notices() {
        for bad in [
            "",
            "hello",
            "v2 1 1",
            "v1 zz 1",
            "v1 1 x",
            "v1 1 1\nnot-a-trace 1",
        ] {
            assert_eq!(CommittedSpans::parse(bad), None, "{bad:?}");
        }
    }
}
