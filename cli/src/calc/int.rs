//! Integers as Python has them: unbounded, so the batch driver can take any
//! argument CPython can and fail the way CPython fails.

use serde_json::Value;

/// An integer of any size: sign and magnitude, the magnitude saturated above
/// 2**128. Every op either needs at most 129 bits or treats all wider values
/// alike (always out of range).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BigInt {
    /// True for values below zero.
    pub negative: bool,
    /// `|value|`, or `None` when it is 2**128 or more.
    pub magnitude: Option<u128>,
    /// `|value|` is exactly 2**128 (`-2**128` indexes `::/0`).
    pub pow128: bool,
}

/// 2**128 in decimal.
const POW128: &str = "340282366920938463463374607431768211456";

impl BigInt {
    /// From a JSON argument: a number, or a decimal string (FORMAT.md writes
    /// magnitudes above 2**53 as strings). `None` for anything else.
    pub fn from_json(v: &Value) -> Option<BigInt> {
        match v {
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    Some(BigInt {
                        negative: false,
                        magnitude: Some(u128::from(u)),
                        pow128: false,
                    })
                } else {
                    n.as_i64().map(|i| BigInt {
                        negative: i < 0,
                        magnitude: Some(u128::from(i.unsigned_abs())),
                        pow128: false,
                    })
                }
            }
            Value::String(s) => BigInt::parse(s),
            _ => None,
        }
    }

    /// `[+-]digits`, ASCII only.
    pub fn parse(s: &str) -> Option<BigInt> {
        let (negative, digits) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let magnitude = digits.bytes().try_fold(0u128, |m, b| {
            m.checked_mul(10)?.checked_add(u128::from(b - b'0'))
        });
        let pow128 = digits.trim_start_matches('0') == POW128;
        Some(BigInt {
            negative: negative && magnitude != Some(0),
            magnitude,
            pow128,
        })
    }

    /// The value when it fits an `i128`.
    pub fn to_i128(self) -> Option<i128> {
        let m = self.magnitude?;
        if self.negative {
            0i128.checked_sub_unsigned(m)
        } else {
            i128::try_from(m).ok()
        }
    }

    /// The value when it is in `0 ..= u128::MAX`.
    pub fn to_u128(self) -> Option<u128> {
        if self.negative {
            None
        } else {
            self.magnitude
        }
    }

    /// Clamped into `i64`: for prefix-length arguments every value beyond
    /// ±2**63 behaves like the bound (always out of range).
    pub fn to_i64_saturating(self) -> i64 {
        let m = self
            .magnitude
            .map_or(u64::MAX, |m| u64::try_from(m).unwrap_or(u64::MAX));
        if self.negative {
            0i64.checked_sub_unsigned(m).unwrap_or(i64::MIN)
        } else {
            i64::try_from(m).unwrap_or(i64::MAX)
        }
    }

    /// The value with its sign flipped.
    pub fn negated(self) -> BigInt {
        BigInt {
            negative: !self.negative && self.magnitude != Some(0),
            ..self
        }
    }
}

/// A JSON integer as FORMAT.md writes it: a number up to 2**53, beyond that a
/// decimal string (JSON readers lose precision above 2**53).
pub fn json_u128(v: u128) -> Value {
    if v <= 1u128 << 53 {
        Value::from(v as u64)
    } else {
        Value::String(v.to_string())
    }
}

/// [`json_u128`] for a count that may be exactly 2**128 (`None`).
pub fn json_count(v: Option<u128>) -> Value {
    match v {
        Some(v) => json_u128(v),
        None => Value::String(POW128.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_python_ints() {
        assert_eq!(BigInt::parse("-5").and_then(BigInt::to_i128), Some(-5));
        assert_eq!(BigInt::parse("+7").and_then(BigInt::to_i128), Some(7));
        assert_eq!(
            BigInt::parse("-0"),
            Some(BigInt {
                negative: false,
                magnitude: Some(0),
                pow128: false
            })
        );
        let max = BigInt::parse("340282366920938463463374607431768211455").unwrap();
        assert_eq!(max.to_u128(), Some(u128::MAX));
        assert_eq!(max.to_i128(), None);
        let over = BigInt::parse("340282366920938463463374607431768211456").unwrap();
        assert_eq!((over.magnitude, over.pow128), (None, true));
        let wider = BigInt::parse("340282366920938463463374607431768211457").unwrap();
        assert_eq!((wider.magnitude, wider.pow128), (None, false));
        assert_eq!(
            BigInt::parse("-170141183460469231731687303715884105728")
                .unwrap()
                .to_i128(),
            Some(i128::MIN)
        );
        assert_eq!(
            BigInt::parse("-170141183460469231731687303715884105729")
                .unwrap()
                .to_i128(),
            None
        );
        for bad in ["", "-", "1.5", " 1", "1e3", "٣", "0x10"] {
            assert_eq!(BigInt::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn saturates_into_i64() {
        assert_eq!(
            BigInt::parse("99999999999999999999999")
                .unwrap()
                .to_i64_saturating(),
            i64::MAX
        );
        assert_eq!(
            BigInt::parse("-99999999999999999999999")
                .unwrap()
                .to_i64_saturating(),
            i64::MIN
        );
        assert_eq!(BigInt::parse("-12").unwrap().to_i64_saturating(), -12);
    }

    #[test]
    fn big_values_become_strings() {
        assert_eq!(json_u128(1 << 53), Value::from(1u64 << 53));
        assert_eq!(
            json_u128((1 << 53) + 1),
            Value::String("9007199254740993".into())
        );
        assert_eq!(
            json_count(None),
            Value::String((u128::MAX).to_string().replace("455", "456"))
        );
        assert_eq!(POW128.parse::<f64>().unwrap(), 2f64.powi(128));
    }
}
