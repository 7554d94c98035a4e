//! Conversions between [`Timestamp`] and the stored Unix nanoseconds.

use telemetry_types::Timestamp;

/// A timestamp as stored (`i64` nanoseconds, saturating).
pub(crate) fn nanos(ts: Timestamp) -> i64 {
    i64::try_from(ts.as_unix_nanos()).unwrap_or(i64::MAX)
}

/// A stored time as a timestamp (negative clamps to the epoch).
pub(crate) fn timestamp(nanos: i64) -> Timestamp {
    Timestamp::from_unix_nanos(u64::try_from(nanos).unwrap_or(0))
}

/// Now, as stored.
pub(crate) fn now_nanos() -> i64 {
    nanos(Timestamp::now())
}
