//! A fixed-capacity text buffer: how the core hands out formatted text
//! without a heap.

use core::fmt;

use super::error::{FormatSpecError, IpError, TypeError, ValueError};

/// Fixed-capacity UTF-8 text, filled through [`core::fmt::Write`].
///
/// Writing past the capacity fails with [`fmt::Error`] and keeps what fit
/// (never a partial UTF-8 sequence), so a short buffer is an error, never a
/// panic.
///
/// ```
/// use core::fmt::Write;
/// use ipdb_core::ip::TextBuf;
/// let mut t = TextBuf::<8>::new();
/// write!(t, "{}", 1234).unwrap();
/// assert_eq!(t.as_str(), "1234");
/// assert!(write!(t, "56789").is_err());
/// assert_eq!(t.as_str(), "1234");
/// ```
#[derive(Clone, Copy)]
pub struct TextBuf<const N: usize> {
    len: usize,
    buf: [u8; N],
}

impl<const N: usize> TextBuf<N> {
    /// An empty buffer.
    pub const fn new() -> Self {
        TextBuf {
            len: 0,
            buf: [0; N],
        }
    }

    /// Format `value` into a new buffer; `None` when it does not fit.
    pub fn format(value: &dyn fmt::Display) -> Option<Self> {
        let mut t = Self::new();
        fmt::write(&mut t, format_args!("{}", value)).ok()?;
        Some(t)
    }

    /// The text written so far.
    pub fn as_str(&self) -> &str {
        // Only whole `&str`s are ever appended, so the bytes are UTF-8; the
        // fallback is unreachable but keeps this free of `unsafe` and panics.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forget the contents.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

// Byte-level appends for the address formatters: ASCII only (so the
// contents stay UTF-8), and silently bounded by the capacity, which callers
// size for the longest possible output.
impl<const N: usize> TextBuf<N> {
    #[inline]
    pub(crate) fn push(&mut self, b: u8) {
        debug_assert!(b.is_ascii());
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    #[inline]
    pub(crate) fn push_str(&mut self, s: &str) {
        let _ = fmt::Write::write_str(self, s);
    }

    /// Decimal, no leading zeros.
    #[inline]
    pub(crate) fn push_dec_u8(&mut self, v: u8) {
        if v >= 100 {
            self.push(b'0' + v / 100);
            self.push(b'0' + v / 10 % 10);
        } else if v >= 10 {
            self.push(b'0' + v / 10);
        }
        self.push(b'0' + v % 10);
    }

    /// Lowercase hex, no leading zeros.
    #[inline]
    pub(crate) fn push_hex_u16(&mut self, v: u16) {
        let digits = if v >= 0x1000 {
            4
        } else if v >= 0x100 {
            3
        } else if v >= 0x10 {
            2
        } else {
            1
        };
        let mut shift = digits * 4;
        while shift > 0 {
            shift -= 4;
            self.push(HEX_LOWER[((v >> shift) & 0xf) as usize]);
        }
    }

    /// Lowercase hex, always 4 digits.
    #[inline]
    pub(crate) fn push_hex_u16_padded(&mut self, v: u16) {
        self.push(HEX_LOWER[(v >> 12) as usize & 0xf]);
        self.push(HEX_LOWER[(v >> 8) as usize & 0xf]);
        self.push(HEX_LOWER[(v >> 4) as usize & 0xf]);
        self.push(HEX_LOWER[v as usize & 0xf]);
    }
}

pub(crate) const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
pub(crate) const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

impl<const N: usize> Default for TextBuf<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for TextBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        if end > N {
            return Err(fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl<const N: usize> fmt::Display for TextBuf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> fmt::Debug for TextBuf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> PartialEq<str> for TextBuf<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// Python's `format(address, spec)` (CPython `_BaseAddress.__format__`):
///
/// - `''` or a spec ending in `s`: `format(str(address), spec)`, Python's
///   string formatting (fill, align, width, precision);
/// - `[#][_](b|x|X|n)`: the integer, zero-padded to the full width of the
///   version, `_` every 4 digits, `#` adds `0b`/`0x`/`0X`; `n` is `b` for
///   IPv4 and `x` for IPv6;
/// - anything else: `TypeError` (`object.__format__`).
pub(crate) fn format_address(
    spec: &str,
    version: u8,
    value: u128,
    text: &str,
    out: &mut dyn fmt::Write,
) -> Result<(), IpError> {
    let output = |_| IpError::Value(ValueError::FormatSpec(FormatSpecError::Output));
    if spec.is_empty() {
        return out.write_str(text).map_err(output);
    }
    if spec.ends_with('s') {
        let s = StrSpec::parse(spec).map_err(|e| IpError::Value(ValueError::FormatSpec(e)))?;
        return s.write(text, out).map_err(output);
    }
    // CPython: `re.fullmatch('(#?)(_?)([xbnX])', spec)`, else object.__format__.
    let b = spec.as_bytes();
    let alternate = b.first() == Some(&b'#');
    let mut i = alternate as usize;
    let grouping = b.get(i) == Some(&b'_');
    i += grouping as usize;
    let kind = match (b.get(i), b.len() == i + 1) {
        (Some(&k @ (b'b' | b'x' | b'X')), true) => k,
        (Some(b'n'), true) => {
            if version == 4 {
                b'b'
            } else {
                b'x'
            }
        }
        _ => return Err(IpError::Type(TypeError::unsupported_format(version))),
    };
    let bits: u32 = if version == 4 { 32 } else { 128 };
    let (digit_bits, digits) = if kind == b'b' {
        (1, bits)
    } else {
        (4, bits / 4)
    };
    let table = if kind == b'X' { HEX_UPPER } else { HEX_LOWER };
    // 2 + 128 + 31 for '#_b' on IPv6.
    let mut t = TextBuf::<161>::new();
    if alternate {
        t.push(b'0');
        t.push(match kind {
            b'b' => b'b',
            b'X' => b'X',
            _ => b'x',
        });
    }
    for d in (0..digits).rev() {
        let nibble = (value >> (d * digit_bits)) & ((1 << digit_bits) - 1);
        t.push(table[nibble as usize]);
        if grouping && d % 4 == 0 && d != 0 {
            t.push(b'_');
        }
    }
    out.write_str(t.as_str()).map_err(output)
}

/// A Python string format spec: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`,
/// checked the way CPython checks it for `str` (so `#`, a sign, `=` or a
/// grouping character are errors).
struct StrSpec {
    fill: char,
    align: u8,
    width: usize,
    precision: Option<usize>,
}

impl StrSpec {
    fn parse(spec: &str) -> Result<StrSpec, FormatSpecError> {
        let is_align = |c: char| matches!(c, '<' | '>' | '=' | '^');
        let mut rest = spec;
        let (mut fill, mut align, mut fill_given, mut align_given) = (' ', b'<', false, false);
        let mut it = spec.chars();
        let (c0, c1) = (it.next(), it.next());
        match (c0, c1) {
            (Some(f), Some(a)) if is_align(a) => {
                fill = f;
                align = a as u8;
                fill_given = true;
                align_given = true;
                rest = &spec[f.len_utf8() + 1..];
            }
            (Some(a), _) if is_align(a) => {
                align = a as u8;
                align_given = true;
                rest = &spec[1..];
            }
            _ => {}
        }
        let b = rest.as_bytes();
        let mut i = 0;
        let mut sign = false;
        if matches!(b.first(), Some(b'+' | b'-' | b' ')) {
            sign = true;
            i += 1;
        }
        let mut no_neg_0 = false;
        if b.get(i) == Some(&b'z') {
            no_neg_0 = true;
            i += 1;
        }
        let mut alternate = false;
        if b.get(i) == Some(&b'#') {
            alternate = true;
            i += 1;
        }
        if !fill_given && b.get(i) == Some(&b'0') {
            fill = '0';
            i += 1;
        }
        let (width, n) = digits(&b[i..])?;
        i += n;
        let width = width.unwrap_or(0);
        let mut grouping = false;
        if matches!(b.get(i), Some(b',' | b'_')) {
            grouping = true;
            i += 1;
            if matches!(b.get(i), Some(b',' | b'_')) {
                return Err(FormatSpecError::Grouping);
            }
        }
        let mut precision = None;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let (p, n) = digits(&b[i..])?;
            if p.is_none() {
                return Err(FormatSpecError::MissingPrecision);
            }
            precision = p;
            i += n;
        }
        // What is left must be at most the type character; callers only
        // come here with a spec ending in 's'.
        if b.len() - i > 1 {
            return Err(FormatSpecError::Invalid);
        }
        if grouping {
            return Err(FormatSpecError::Grouping);
        }
        if sign {
            return Err(FormatSpecError::Sign);
        }
        if no_neg_0 {
            return Err(FormatSpecError::NegativeZero);
        }
        if alternate {
            return Err(FormatSpecError::Alternate);
        }
        if align_given && align == b'=' {
            return Err(FormatSpecError::EqualsAlign);
        }
        Ok(StrSpec {
            fill,
            align,
            width,
            precision,
        })
    }

    fn write(&self, text: &str, out: &mut dyn fmt::Write) -> fmt::Result {
        let text = match self.precision {
            Some(p) => match text.char_indices().nth(p) {
                Some((end, _)) => &text[..end],
                None => text,
            },
            None => text,
        };
        let len = text.chars().count();
        let pad = self.width.saturating_sub(len);
        let left = match self.align {
            b'>' => pad,
            b'^' => pad / 2,
            _ => 0,
        };
        let mut fill = [0u8; 4];
        let fill = self.fill.encode_utf8(&mut fill);
        for _ in 0..left {
            out.write_str(fill)?;
        }
        out.write_str(text)?;
        for _ in left..pad {
            out.write_str(fill)?;
        }
        Ok(())
    }
}

/// Leading ASCII digits as a number (`None` when there are none) and how
/// many bytes they took; Python refuses values above `sys.maxsize`.
fn digits(b: &[u8]) -> Result<(Option<usize>, usize), FormatSpecError> {
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return Ok((None, 0));
    }
    let mut v: u64 = 0;
    for &c in &b[..n] {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add((c - b'0') as u64))
            .filter(|&v| v <= i64::MAX as u64)
            .ok_or(FormatSpecError::TooManyDigits)?;
    }
    Ok((
        Some(usize::try_from(v).map_err(|_| FormatSpecError::TooManyDigits)?),
        n,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(
        spec: &str,
        version: u8,
        v: u128,
        text: &str,
    ) -> Result<std::string::String, &'static str> {
        let mut s = std::string::String::new();
        format_address(spec, version, v, text, &mut s)
            .map(|_| s)
            .map_err(|e| e.python_class())
    }

    #[test]
    fn integer_forms() {
        assert_eq!(
            fmt("#_n", 4, 0, "0.0.0.0").unwrap(),
            "0b0000_0000_0000_0000_0000_0000_0000_0000"
        );
        assert_eq!(fmt("_X", 4, 0xc034c103, "").unwrap(), "C034_C103");
        assert_eq!(fmt("#X", 4, 0x005126cc, "").unwrap(), "0X005126CC");
        assert_eq!(
            fmt("n", 6, 0x2002717e, "").unwrap(),
            "0000000000000000000000002002717e"
        );
        assert_eq!(fmt("_x", 4, 0x0a000000, "").unwrap(), "0a00_0000");
        for bad in [
            "#_", "_#x", "__x", "#010x", "^30", ">50", "10", "z", "c", "S", " 1 ", "xx", "%",
        ] {
            assert_eq!(fmt(bad, 4, 1, "0.0.0.1"), Err("TypeError"), "{:?}", bad);
        }
    }

    #[test]
    fn string_forms() {
        assert_eq!(fmt("", 4, 0, "1.2.3.4").unwrap(), "1.2.3.4");
        assert_eq!(fmt("s", 4, 0, "1.2.3.4").unwrap(), "1.2.3.4");
        assert_eq!(
            fmt(">20s", 4, 0, "192.168.255.255").unwrap(),
            "     192.168.255.255"
        );
        assert_eq!(
            fmt("^30s", 6, 0, "::ffff:93.61.84.36").unwrap(),
            "      ::ffff:93.61.84.36      "
        );
        assert_eq!(fmt("^6s", 6, 0, "::1").unwrap(), " ::1  ");
        assert_eq!(fmt("<5s", 6, 0, "::").unwrap(), "::   ");
        assert_eq!(fmt("*>6s", 6, 0, "::").unwrap(), "****::");
        assert_eq!(fmt("€>4s", 6, 0, "::").unwrap(), "€€::");
        assert_eq!(fmt("06s", 6, 0, "::").unwrap(), "::0000");
        assert_eq!(fmt(".3s", 4, 0, "1.2.3.4").unwrap(), "1.2");
        assert_eq!(fmt("x<0s", 4, 0, "1.2.3.4").unwrap(), "1.2.3.4");
        for bad in [
            " s",
            "+s",
            "#s",
            "=10s",
            ",s",
            "_s",
            ".s",
            "abs",
            "zs",
            "99999999999999999999s",
        ] {
            assert_eq!(fmt(bad, 4, 0, "1.2.3.4"), Err("ValueError"), "{:?}", bad);
        }
    }
}
