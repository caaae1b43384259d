//! Numbers as a person reads them in a message: "7.5", "1e308" (never three hundred digits),
//! "not a number", "infinity".

/// `x` written briefly: plainly between 0.001 and a million, in scientific form outside that
/// range, and in words when it is not finite.
pub fn show(x: f64) -> String {
    if x.is_nan() {
        "not a number".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "infinity".to_string() } else { "minus infinity".to_string() }
    } else if x == 0.0 || (1e-3..1e6).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::show;

    #[test]
    fn numbers_stay_short() {
        assert_eq!(show(7.0), "7");
        assert_eq!(show(-5.0), "-5");
        assert_eq!(show(7.25), "7.25");
        assert_eq!(show(0.0), "0");
        assert_eq!(show(1e308), "1e308");
        assert_eq!(show(-1e300), "-1e300");
        assert_eq!(show(1.5e-7), "1.5e-7");
        assert_eq!(show(999_999.0), "999999");
        assert_eq!(show(f64::NAN), "not a number");
        assert_eq!(show(f64::INFINITY), "infinity");
        assert_eq!(show(f64::NEG_INFINITY), "minus infinity");
        assert!(show(f64::MAX).len() < 30);
    }
}
