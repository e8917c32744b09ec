//! JSON text as `JSON.stringify` writes it: quoted strings and numbers.

use super::Thrown;

/// Where text is written: the engine's memory, or a plain vector.
pub(super) trait Sink {
    /// Appends bytes.
    fn push(&mut self, bytes: &[u8]) -> Result<(), Thrown>;
}

impl Sink for Vec<u8> {
    fn push(&mut self, bytes: &[u8]) -> Result<(), Thrown> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// Appends `text`, WTF-8 as the engine hands strings out, as a quoted JSON string:
/// `"` and `\` escaped, control characters as `\b \t \n \f \r` or `\u00XX`, lone
/// surrogates as `\udXXX`, everything else as itself.
pub(super) fn quote(out: &mut impl Sink, text: &[u8]) -> Result<(), Thrown> {
    out.push(b"\"")?;
    let mut start = 0;
    let mut at = 0;
    while at < text.len() {
        let byte = text[at];
        let plain = byte >= 0x20 && byte != b'"' && byte != b'\\' && byte != 0xed;
        if plain {
            at += 1;
            continue;
        }
        out.push(&text[start..at])?;
        match byte {
            b'"' => out.push(b"\\\"")?,
            b'\\' => out.push(b"\\\\")?,
            b'\x08' => out.push(b"\\b")?,
            b'\t' => out.push(b"\\t")?,
            b'\n' => out.push(b"\\n")?,
            b'\x0c' => out.push(b"\\f")?,
            b'\r' => out.push(b"\\r")?,
            0xed => {
                let second = text.get(at + 1).copied().unwrap_or(0);
                let third = text.get(at + 2).copied().unwrap_or(0);
                if second >= 0xa0 {
                    // U+D800 to U+DFFF: a lone surrogate in WTF-8.
                    let unit = 0xd000 | ((second as u32 & 0x3f) << 6) | (third as u32 & 0x3f);
                    escape_unit(out, unit)?;
                } else {
                    out.push(&text[at..(at + 3).min(text.len())])?;
                }
                at += 3;
                start = at.min(text.len());
                continue;
            }
            control => escape_unit(out, control as u32)?,
        }
        at += 1;
        start = at;
    }
    out.push(&text[start.min(text.len())..])?;
    out.push(b"\"")
}

fn escape_unit(out: &mut impl Sink, unit: u32) -> Result<(), Thrown> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u32| HEX[((unit >> shift) & 0xf) as usize];
    out.push(&[b'\\', b'u', digit(12), digit(8), digit(4), digit(0)])
}

/// Appends a finite number as `Number.prototype.toString` writes it.
pub(super) fn number(out: &mut impl Sink, value: f64) -> Result<(), Thrown> {
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;
    if value == 0.0 {
        // Also -0, which JSON writes as 0.
        return out.push(b"0");
    }
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGERS {
        return out.push(itoa::Buffer::new().format(value as i64).as_bytes());
    }
    let mut text = Vec::with_capacity(32);
    layout_number(&mut text, value);
    out.push(&text)
}

fn layout_number(out: &mut Vec<u8>, value: f64) {
    if value < 0.0 {
        out.push(b'-');
    }
    let mut buffer = ryu::Buffer::new();
    let (digits, point) = shortest(buffer.format_finite(value.abs()));
    ecmascript(out, &digits, point);
}

/// The shortest digits that read back as the number ryu formatted, without leading or
/// trailing zeros, and where the decimal point goes: the number is `0.DIGITS × 10^point`.
fn shortest(formatted: &str) -> (Vec<u8>, i32) {
    let (mantissa, exponent) = match formatted.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (formatted, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: Vec<u8> = whole.bytes().chain(fraction.bytes()).collect();
    let mut point = whole.len() as i32 + exponent;
    let leading = digits.iter().take_while(|digit| **digit == b'0').count();
    digits.drain(..leading);
    point -= leading as i32;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, point)
}

/// Lays out `0.DIGITS × 10^point` as ECMAScript's Number::toString does.
fn ecmascript(out: &mut Vec<u8>, digits: &[u8], point: i32) {
    let count = digits.len() as i32;
    if count <= point && point <= 21 {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', (point - count) as usize));
    } else if 0 < point && point <= 21 {
        out.extend_from_slice(&digits[..point as usize]);
        out.push(b'.');
        out.extend_from_slice(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-point) as usize));
        out.extend_from_slice(digits);
    } else {
        let exponent = point - 1;
        out.push(digits[0]);
        if count > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exponent < 0 { b'-' } else { b'+' });
        out.extend_from_slice(itoa::Buffer::new().format(exponent.abs()).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: f64) -> String {
        let mut out = Vec::new();
        assert!(number(&mut out, value).is_ok());
        String::from_utf8(out).expect("ASCII")
    }

    #[test]
    fn numbers_read_as_javascript_writes_them() {
        let cases = [
            (1.5, "1.5"),
            (-0.0, "0"),
            (123456789.0, "123456789"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (2f64.powi(60), "1152921504606847000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (-1.5e300, "-1.5e+300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-123.456, "-123.456"),
        ];
        for (value, text) in cases {
            assert_eq!(written(value), text, "{value:e}");
        }
    }

    #[test]
    fn strings_are_escaped_as_json_stringify_escapes_them() {
        let mut text = b"a\"b\\c\x01\n\x7f\xc3\xa9".to_vec();
        text.extend_from_slice(&[0xed, 0xa0, 0x80, 0xed, 0x9f, 0xbf]);
        let mut out = Vec::new();
        assert!(quote(&mut out, &text).is_ok());
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            "\"a\\\"b\\\\c\\u0001\\n\u{7f}\u{e9}\\ud800\u{d7ff}\""
        );
    }
}
