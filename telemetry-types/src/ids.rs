//! W3C Trace Context identifiers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid trace or span id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdParseError {
    /// The string does not have the required number of hex digits.
    #[error("{kind} must be {expected} lowercase hex digits, got {actual} characters")]
    Length {
        /// `"trace id"` or `"span id"`.
        kind: &'static str,
        /// Required number of hex digits.
        expected: usize,
        /// Length of the input.
        actual: usize,
    },
    /// The string has a character that is not a lowercase hex digit.
    #[error("{kind} has a character that is not a lowercase hex digit at position {position}")]
    Character {
        /// `"trace id"` or `"span id"`.
        kind: &'static str,
        /// Byte offset of the first bad character.
        position: usize,
    },
    /// Every byte is zero, which W3C Trace Context declares invalid.
    #[error("{kind} is all zeros, which W3C Trace Context declares invalid")]
    AllZero {
        /// `"trace id"` or `"span id"`.
        kind: &'static str,
    },
}

fn decode_hex<const N: usize>(kind: &'static str, s: &str) -> Result<[u8; N], IdParseError> {
    let bytes = s.as_bytes();
    if bytes.len() != N * 2 {
        return Err(IdParseError::Length {
            kind,
            expected: N * 2,
            actual: bytes.len(),
        });
    }
    let digit = |position: usize| -> Result<u8, IdParseError> {
        match bytes[position] {
            b @ b'0'..=b'9' => Ok(b - b'0'),
            b @ b'a'..=b'f' => Ok(b - b'a' + 10),
            _ => Err(IdParseError::Character { kind, position }),
        }
    };
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (digit(2 * i)? << 4) | digit(2 * i + 1)?;
    }
    if out.iter().all(|b| *b == 0) {
        return Err(IdParseError::AllZero { kind });
    }
    Ok(out)
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 32];
    for (i, b) in bytes.iter().enumerate() {
        buf[2 * i] = HEX[(b >> 4) as usize];
        buf[2 * i + 1] = HEX[(b & 0xf) as usize];
    }
    // Only ASCII hex digits were written.
    f.write_str(std::str::from_utf8(&buf[..bytes.len() * 2]).map_err(|_| fmt::Error)?)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $len:literal, $int:ty, $kind:literal, $random:path) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Builds an id from its bytes; `None` when every byte is zero.
            pub fn from_bytes(bytes: [u8; $len]) -> Option<Self> {
                if bytes.iter().all(|b| *b == 0) { None } else { Some(Self(bytes)) }
            }

            /// The id's bytes, big-endian as on the wire.
            pub fn to_bytes(self) -> [u8; $len] {
                self.0
            }

            /// The id as an unsigned integer (big-endian interpretation).
            pub fn to_int(self) -> $int {
                <$int>::from_be_bytes(self.0)
            }

            /// A new random, non-zero id from a thread-local generator (no lock, no syscall).
            pub fn random() -> Self {
                loop {
                    let value = $random(..);
                    if value != 0 {
                        return Self(value.to_be_bytes());
                    }
                }
            }

            /// Parses the W3C lowercase hex form.
            pub fn parse(s: &str) -> Result<Self, IdParseError> {
                decode_hex::<$len>($kind, s).map(Self)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<&[u8]> for $name {
            type Error = IdParseError;
            fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
                let array: [u8; $len] = bytes.try_into().map_err(|_| IdParseError::Length {
                    kind: $kind,
                    expected: $len * 2,
                    actual: bytes.len() * 2,
                })?;
                Self::from_bytes(array).ok_or(IdParseError::AllZero { kind: $kind })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hex(f, &self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A 16-byte W3C trace id; 32 lowercase hex digits on the wire, never all zeros.
    TraceId, 16, u128, "trace id", fastrand::u128
);
id_type!(
    /// An 8-byte W3C span id; 16 lowercase hex digits on the wire, never all zeros.
    SpanId, 8, u64, "span id", fastrand::u64
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_hex() {
        let id = TraceId::parse("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
        assert_eq!(id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        let span = SpanId::parse("00f067aa0ba902b7").unwrap();
        assert_eq!(span.to_string(), "00f067aa0ba902b7");
        assert_eq!(span.to_int(), 0x00f0_67aa_0ba9_02b7);
    }

    #[test]
    fn rejects_bad_ids_with_clear_errors() {
        assert_eq!(
            TraceId::parse("abc").unwrap_err().to_string(),
            "trace id must be 32 lowercase hex digits, got 3 characters"
        );
        assert!(matches!(
            SpanId::parse("00F067AA0BA902B7"),
            Err(IdParseError::Character { position: 2, .. })
        ));
        assert_eq!(
            SpanId::parse("0000000000000000").unwrap_err(),
            IdParseError::AllZero { kind: "span id" }
        );
        assert!(TraceId::from_bytes([0; 16]).is_none());
        assert!(SpanId::try_from(&[1u8, 2][..]).is_err());
    }

    #[test]
    fn random_ids_are_distinct_and_non_zero() {
        let ids: std::collections::HashSet<_> = (0..10_000).map(|_| SpanId::random()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(TraceId::random().to_int() != 0);
    }

    #[test]
    fn serde_uses_hex_strings() {
        let id = SpanId::parse("00f067aa0ba902b7").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"00f067aa0ba902b7\"");
        let back: SpanId = serde_json::from_str("\"00f067aa0ba902b7\"").unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<SpanId>("\"zz\"").is_err());
    }
}
