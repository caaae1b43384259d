//! Running percentiles in fixed memory: a histogram of fixed-width bins over a known range. The
//! batch analysis takes percentiles of sorted samples (`v[round((n - 1) q)]`); this returns the
//! centre of the bin holding that same rank, so it is within half a bin of the batch figure over
//! the same samples (values outside the range count in the end bins). Each histogram follows one
//! percentile with a cursor that moves a few bins per sample, so a query costs next to nothing.

/// A histogram of `f64` samples with a percentile query.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    lo: f64,
    bin: f64,
    counts: Vec<u32>,
    n: u64,
    /// The followed percentile (0..=1), its bin, and the samples in the bins below it.
    q: f64,
    cursor: usize,
    below: u64,
}

impl Histogram {
    /// Bins of width `bin` from `lo` to `hi` (at least one bin; at most 1,000,000), following the
    /// `q` percentile (0..=1).
    pub fn new(lo: f64, hi: f64, bin: f64, q: f64) -> Histogram {
        let bins = (((hi - lo) / bin).ceil() as usize).clamp(1, 1_000_000);
        Histogram { lo, bin, counts: vec![0; bins], n: 0, q: q.clamp(0.0, 1.0), cursor: 0, below: 0 }
    }

    pub fn add(&mut self, v: f64) {
        if !v.is_finite() {
            return;
        }
        let last = self.counts.len() - 1;
        let b = ((v - self.lo) / self.bin).floor();
        let b = if b < 0.0 { 0 } else { (b as usize).min(last) };
        self.counts[b] = self.counts[b].saturating_add(1);
        self.n += 1;
        if b < self.cursor {
            self.below += 1;
        }
        let rank = ((self.n - 1) as f64 * self.q).round() as u64;
        while self.below > rank {
            self.cursor -= 1;
            self.below -= u64::from(self.counts[self.cursor]);
        }
        while self.below + u64::from(self.counts[self.cursor]) <= rank {
            self.below += u64::from(self.counts[self.cursor]);
            self.cursor += 1;
        }
    }

    /// The followed percentile, as the batch code ranks it; `None` when empty.
    pub fn followed(&self) -> Option<f64> {
        (self.n > 0).then_some(self.lo + (self.cursor as f64 + 0.5) * self.bin)
    }

    /// Samples added.
    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The `q` percentile (0..=1) as the batch code ranks it; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let rank = ((self.n - 1) as f64 * q).round() as u64;
        let mut seen = 0u64;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen > rank {
                return Some(self.lo + (b as f64 + 0.5) * self.bin);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_within_half_a_bin_of_the_sorted_ones() {
        let v: Vec<f64> = (0..10_007).map(|i| 900.0 + 300.0 * ((i as f64) * 0.37).sin() + (i % 13) as f64 + i as f64 * 0.05).collect();
        for q in [0.0, 0.1, 0.5, 0.9, 0.95, 1.0] {
            let mut h = Histogram::new(0.0, 2000.0, 0.1, q);
            for (n, &x) in v.iter().enumerate() {
                h.add(x);
                // The followed percentile is right after every sample, not only at the end.
                if n % 997 == 0 || n + 1 == v.len() {
                    let mut sorted = v[..=n].to_vec();
                    sorted.sort_by(f64::total_cmp);
                    let exact = sorted[(n as f64 * q).round() as usize];
                    let got = h.followed().unwrap();
                    assert!((got - exact).abs() <= 0.05 + 1e-9, "q {q} after {n}: {got} vs {exact}");
                    assert_eq!(h.quantile(q), Some(got));
                }
            }
        }
        assert_eq!(Histogram::new(0.0, 1.0, 0.1, 0.5).quantile(0.5), None);
        assert_eq!(Histogram::new(0.0, 1.0, 0.1, 0.5).followed(), None);
    }
}
