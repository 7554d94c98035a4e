//! Protobuf wire primitives for writing OTLP messages straight into a byte buffer.
//!
//! Each writer follows prost's proto3 rules so the bytes equal `prost::Message::encode` of the
//! same struct: scalar and string fields at their default (0, empty) are left out; a oneof
//! member or a present sub-message is always written. A nested message is written in place
//! after a one-byte length placeholder and moved right only when its length needs more than
//! one varint byte, so the common small message (a key/value) costs no copy.

const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LEN: u32 = 2;

/// Appends `v` as a base-128 varint.
#[inline]
pub(crate) fn varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

#[inline]
fn varint_len(v: u64) -> usize {
    // One byte per started group of 7 bits; 0 still takes one byte.
    (64 - (v | 1).leading_zeros()).div_ceil(7) as usize
}

#[inline]
fn tag(buf: &mut Vec<u8>, field: u32, wire_type: u32) {
    varint(buf, u64::from(field << 3 | wire_type));
}

/// A length-delimited field (bytes, string), always written.
#[inline]
pub(crate) fn bytes(buf: &mut Vec<u8>, field: u32, value: &[u8]) {
    tag(buf, field, LEN);
    varint(buf, value.len() as u64);
    buf.extend_from_slice(value);
}

/// A string field, left out when empty.
#[inline]
pub(crate) fn string(buf: &mut Vec<u8>, field: u32, value: &str) {
    if !value.is_empty() {
        bytes(buf, field, value.as_bytes());
    }
}

/// A varint field (`int64`, `uint32`, enum), always written.
#[inline]
pub(crate) fn varint_always(buf: &mut Vec<u8>, field: u32, value: u64) {
    tag(buf, field, VARINT);
    varint(buf, value);
}

/// A varint field, left out when 0.
#[inline]
pub(crate) fn varint_field(buf: &mut Vec<u8>, field: u32, value: u64) {
    if value != 0 {
        varint_always(buf, field, value);
    }
}

/// A `fixed64` or `double` field given as its bits, always written.
#[inline]
pub(crate) fn fixed64_always(buf: &mut Vec<u8>, field: u32, bits: u64) {
    tag(buf, field, FIXED64);
    buf.extend_from_slice(&bits.to_le_bytes());
}

/// A `fixed64` field, left out when 0.
#[inline]
pub(crate) fn fixed64(buf: &mut Vec<u8>, field: u32, value: u64) {
    if value != 0 {
        fixed64_always(buf, field, value);
    }
}

/// Opens a sub-message in `field`; pass the returned mark to [`end`] once its body is written.
#[must_use]
#[inline]
pub(crate) fn begin(buf: &mut Vec<u8>, field: u32) -> usize {
    tag(buf, field, LEN);
    buf.push(0);
    buf.len()
}

/// Closes the sub-message opened at `mark`: writes its length, moving the body right when the
/// length takes more than the one byte reserved.
#[inline]
pub(crate) fn end(buf: &mut Vec<u8>, mark: usize) {
    let len = buf.len() - mark;
    if len < 0x80 {
        buf[mark - 1] = len as u8;
    } else {
        end_long(buf, mark, len);
    }
}

#[cold]
#[inline(never)]
fn end_long(buf: &mut Vec<u8>, mark: usize, len: usize) {
    let extra = varint_len(len as u64) - 1;
    buf.resize(buf.len() + extra, 0);
    buf.copy_within(mark..mark + len, mark + extra);
    let mut head = Vec::with_capacity(10);
    varint(&mut head, len as u64);
    buf[mark - 1..mark + extra].copy_from_slice(&head);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_len_counts_seven_bit_groups() {
        for v in [0u64, 1, 127, 128, 16_383, 16_384, u64::MAX] {
            let mut buf = Vec::new();
            varint(&mut buf, v);
            assert_eq!(varint_len(v), buf.len(), "{v}");
        }
    }

    #[test]
    fn long_sub_message_is_moved_behind_its_length() {
        for n in [0usize, 1, 127, 128, 300, 20_000] {
            let mut buf = vec![9];
            let mark = begin(&mut buf, 2);
            buf.extend(std::iter::repeat_n(7u8, n));
            end(&mut buf, mark);
            let mut want = vec![9, 2 << 3 | 2];
            varint(&mut want, n as u64);
            want.extend(std::iter::repeat_n(7u8, n));
            assert_eq!(buf, want, "{n}");
        }
    }
}
