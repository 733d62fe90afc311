//! One-class SVM (Schölkopf et al. 2001) with libsvm's / scikit-learn's formulation:
//! minimise ½ αᵀQα subject to 0 ≤ αᵢ ≤ 1 and Σαᵢ = ν·n, solved by SMO on the maximal
//! violating pair (libsvm's stopping rule, tolerance 1e-3). The decision function is
//! Σ αᵢ K(xᵢ, x) − ρ; we return its negation (higher = more anomalous).
//!
//! Meant for small training sets (a handful of target normals): the kernel matrix is held in
//! full, so fitting is O(n²) in memory.

use serde::{Deserialize, Serialize};

use super::Features;

/// Largest training set accepted (the kernel matrix is n² f64s: 200 MB at this size).
pub const MAX_ROWS: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kernel", rename_all = "kebab-case")]
pub enum Kernel {
    /// (γ⟨x, y⟩ + coef0)^degree; γ = None means 1 / dim (scikit-learn's `gamma="auto"`).
    Poly { gamma: Option<f64>, degree: i32, coef0: f64 },
    /// exp(−γ‖x − y‖²); γ = None means 1 / dim.
    Rbf { gamma: Option<f64> },
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OneClassSvmConfig {
    pub kernel: Kernel,
    pub nu: f64,
    pub tol: f64,
}

impl Default for OneClassSvmConfig {
    /// The baseline of the reference results: polynomial kernel of degree 3, γ = 1/d, ν = 0.5.
    fn default() -> Self {
        Self { kernel: Kernel::Poly { gamma: None, degree: 3, coef0: 0.0 }, nu: 0.5, tol: 1e-3 }
    }
}

/// Per-dimension affine input scaling, `(x − mean) / std`, fitted on some reference rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardiser {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Standardiser {
    /// Means and standard deviations of `x`'s columns (deviations floored at 1e-6).
    pub fn fit(x: &Features) -> Self {
        let n = x.len().max(1) as f64;
        let mut mean = vec![0.0f64; x.dim];
        for r in 0..x.len() {
            x.row(r).iter().zip(mean.iter_mut()).for_each(|(v, m)| *m += *v as f64 / n);
        }
        let mut var = vec![0.0f64; x.dim];
        for r in 0..x.len() {
            x.row(r).iter().zip(&mean).zip(var.iter_mut()).for_each(|((v, m), s)| *s += (*v as f64 - m).powi(2) / n);
        }
        Self { mean: mean.into_iter().map(|m| m as f32).collect(), std: var.into_iter().map(|v| (v.sqrt() as f32).max(1e-6)).collect() }
    }

    pub fn apply(&self, x: &Features) -> Features {
        assert_eq!(x.dim, self.mean.len(), "standardiser: fitted on {} features, got {}", self.mean.len(), x.dim);
        let data = x.data.chunks(x.dim).flat_map(|row| row.iter().zip(&self.mean).zip(&self.std).map(|((v, m), s)| (v - m) / s)).collect();
        Features::new(x.dim, data)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneClassSvm {
    pub dim: usize,
    /// Applied to every input (training rows included) before the kernel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Standardiser>,
    kernel: Kernel,
    gamma: f64,
    /// Support vectors (rows with αᵢ > 0), row-major, and their coefficients.
    support: Vec<f32>,
    alpha: Vec<f64>,
    rho: f64,
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
}

fn kernel(k: &Kernel, gamma: f64, a: &[f32], b: &[f32]) -> f64 {
    match *k {
        Kernel::Poly { degree, coef0, .. } => (gamma * dot(a, b) + coef0).powi(degree),
        Kernel::Rbf { .. } => {
            let d2: f64 = a.iter().zip(b).map(|(x, y)| (*x as f64 - *y as f64).powi(2)).sum();
            (-gamma * d2).exp()
        }
    }
}

impl OneClassSvm {
    /// Fit on `x` after standardising it with `scale` (fitted elsewhere, e.g. on source rows).
    pub fn fit_scaled(x: &Features, config: &OneClassSvmConfig, scale: Standardiser) -> Self {
        let svm = Self::fit(&scale.apply(x), config);
        Self { scale: Some(scale), ..svm }
    }

    pub fn fit(x: &Features, config: &OneClassSvmConfig) -> Self {
        let n = x.len();
        assert!(n > 0, "one-class SVM: no training rows");
        assert!(n <= MAX_ROWS, "one-class SVM: {n} training rows, at most {MAX_ROWS} supported");
        assert!(config.nu > 0.0 && config.nu <= 1.0, "one-class SVM: nu must be in (0, 1], got {}", config.nu);
        let gamma = match config.kernel {
            Kernel::Poly { gamma, .. } | Kernel::Rbf { gamma } => gamma.unwrap_or(1.0 / x.dim as f64),
        };
        let q: Vec<f64> = (0..n * n).map(|ij| kernel(&config.kernel, gamma, x.row(ij / n), x.row(ij % n))).collect();
        // libsvm's feasible start: the first ⌊νn⌋ coefficients at the bound, one fractional.
        let total = config.nu * n as f64;
        let mut alpha = vec![0.0f64; n];
        let full = (total.floor() as usize).min(n);
        alpha[..full].iter_mut().for_each(|a| *a = 1.0);
        if full < n {
            alpha[full] = total - full as f64;
        }
        let mut grad: Vec<f64> = (0..n).map(|i| (0..n).map(|j| q[i * n + j] * alpha[j]).sum()).collect();
        for _ in 0..(100 * n).max(10_000_000) {
            // Maximal violating pair: i may grow (α < 1) with the smallest gradient, j may
            // shrink (α > 0) with the largest.
            let (mut i, mut gi) = (usize::MAX, f64::INFINITY);
            let (mut j, mut gj) = (usize::MAX, f64::NEG_INFINITY);
            for t in 0..n {
                if alpha[t] < 1.0 && grad[t] < gi {
                    (i, gi) = (t, grad[t]);
                }
                if alpha[t] > 0.0 && grad[t] > gj {
                    (j, gj) = (t, grad[t]);
                }
            }
            if i == usize::MAX || j == usize::MAX || gj - gi < config.tol {
                break;
            }
            let curvature = (q[i * n + i] + q[j * n + j] - 2.0 * q[i * n + j]).max(1e-12);
            let step = ((gj - gi) / curvature).min(1.0 - alpha[i]).min(alpha[j]);
            alpha[i] += step;
            alpha[j] -= step;
            for t in 0..n {
                grad[t] += step * (q[t * n + i] - q[t * n + j]);
            }
        }
        // ρ: the gradient on free coefficients (all equal at the optimum); libsvm's midpoint
        // of the bounds when none is free.
        let free: Vec<f64> = (0..n).filter(|&t| alpha[t] > 1e-12 && alpha[t] < 1.0 - 1e-12).map(|t| grad[t]).collect();
        let rho = if free.is_empty() {
            let ub = (0..n).filter(|&t| alpha[t] < 1.0).map(|t| grad[t]).fold(f64::INFINITY, f64::min);
            let lb = (0..n).filter(|&t| alpha[t] > 0.0).map(|t| grad[t]).fold(f64::NEG_INFINITY, f64::max);
            match (ub.is_finite(), lb.is_finite()) {
                (true, true) => (ub + lb) / 2.0,
                (true, false) => ub,
                _ => lb,
            }
        } else {
            free.iter().sum::<f64>() / free.len() as f64
        };
        let keep: Vec<usize> = (0..n).filter(|&t| alpha[t] > 0.0).collect();
        Self {
            dim: x.dim,
            scale: None,
            kernel: config.kernel,
            gamma,
            support: x.select(&keep).data,
            alpha: keep.iter().map(|&t| alpha[t]).collect(),
            rho,
        }
    }

    /// Fit on `x` and return a threshold for unseen normals: the largest leave-one-out score
    /// (each row scored by an SVM fitted on the others). Training rows sit on or inside the
    /// boundary they define, so their own scores would put the threshold too low.
    pub fn fit_calibrated(x: &Features, config: &OneClassSvmConfig, scale: Option<Standardiser>) -> (Self, f32) {
        let (svm, loo) = Self::fit_with_loo(x, config, scale);
        let threshold = match loo {
            Some(l) => l.into_iter().fold(f32::NEG_INFINITY, f32::max),
            None => svm.anomaly_scores(x).into_iter().fold(f32::NEG_INFINITY, f32::max) + 1e-3,
        };
        (svm, threshold)
    }

    /// Fit on `x`, plus each row's leave-one-out score (scored by an SVM fitted on the other
    /// rows) when there are at least 3 rows: how unseen normals score.
    pub fn fit_with_loo(x: &Features, config: &OneClassSvmConfig, scale: Option<Standardiser>) -> (Self, Option<Vec<f32>>) {
        let fit = |rows: &Features| match &scale {
            Some(s) => Self::fit_scaled(rows, config, s.clone()),
            None => Self::fit(rows, config),
        };
        let svm = fit(x);
        let n = x.len();
        let loo = (n >= 3).then(|| {
            (0..n)
                .map(|i| {
                    let rest: Vec<usize> = (0..n).filter(|&j| j != i).collect();
                    fit(&x.select(&rest)).anomaly_scores(&x.select(&[i]))[0]
                })
                .collect()
        });
        (svm, loo)
    }

    /// The configuration this SVM was fitted with (ν and tolerance at their defaults).
    pub fn config(&self) -> OneClassSvmConfig {
        OneClassSvmConfig { kernel: self.kernel, ..Default::default() }
    }

    /// A new SVM of the same kind (kernel, input scaling) fitted on `normals`, with its
    /// leave-one-out threshold: adapting a bundle's SVM to a user's own normal images.
    pub fn refit_like(&self, normals: &Features) -> (Self, f32) {
        Self::fit_calibrated(normals, &self.config(), self.scale.clone())
    }

    /// Whether the stored parts fit together (a bundle's detector comes from a file).
    pub fn check(&self) -> Result<(), String> {
        if self.dim == 0 || self.support.len() != self.alpha.len() * self.dim {
            return Err(format!("one-class SVM: {} support values for {} vectors of {} features", self.support.len(), self.alpha.len(), self.dim));
        }
        if let Some(s) = &self.scale
            && (s.mean.len() != self.dim || s.std.len() != self.dim)
        {
            return Err(format!("one-class SVM: input scaling for {} features, vectors have {}", s.mean.len(), self.dim));
        }
        Ok(())
    }

    pub fn support_vectors(&self) -> usize {
        self.alpha.len()
    }

    /// −(Σ αᵢ K(xᵢ, x) − ρ) per row: positive outside the learned region.
    pub fn anomaly_scores(&self, x: &Features) -> Vec<f32> {
        assert_eq!(x.dim, self.dim, "one-class SVM: fitted on {} features, got {}", self.dim, x.dim);
        let scaled;
        let x = match &self.scale {
            Some(s) => {
                scaled = s.apply(x);
                &scaled
            }
            None => x,
        };
        (0..x.len())
            .map(|r| {
                let row = x.row(r);
                let s: f64 = self
                    .alpha
                    .iter()
                    .enumerate()
                    .map(|(k, a)| a * kernel(&self.kernel, self.gamma, &self.support[k * self.dim..(k + 1) * self.dim], row))
                    .sum();
                (self.rho - s) as f32
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_hold_and_far_points_score_higher() {
        // Points around (1, 1) with a little spread; RBF so that distance matters in every direction.
        let pts: Vec<f32> = (0..20).flat_map(|i| [1.0 + 0.05 * (i % 5) as f32, 1.0 - 0.04 * (i / 5) as f32]).collect();
        let x = Features::new(2, pts);
        let svm = OneClassSvm::fit(&x, &OneClassSvmConfig { kernel: Kernel::Rbf { gamma: Some(1.0) }, nu: 0.3, tol: 1e-6 });
        let sum: f64 = svm.alpha.iter().sum();
        assert!((sum - 0.3 * 20.0).abs() < 1e-9, "Σα = {sum}");
        assert!(svm.alpha.iter().all(|a| (0.0..=1.0 + 1e-12).contains(a)));
        let s = svm.anomaly_scores(&Features::new(2, vec![1.1, 0.95, 3.0, 3.0, -2.0, 1.0]));
        assert!(s[0] < s[1] && s[0] < s[2], "{s:?}");
        assert!(s[0] < 0.0 && s[1] > 0.0, "{s:?}");
        // About ν of the training points lie outside (score > 0): the ν-property.
        let outside = svm.anomaly_scores(&x).iter().filter(|v| **v > 1e-6).count();
        assert!(outside <= 6, "{outside} of 20 outside with ν = 0.3");
    }

    #[test]
    fn scaled_fit_equals_fit_on_standardised_rows() {
        let x = Features::new(2, (0..40).map(|i| if i % 2 == 0 { 100.0 + i as f32 } else { 0.01 * i as f32 }).collect());
        let z = Standardiser::fit(&x);
        let zx = z.apply(&x);
        let m: Vec<f32> = (0..2).map(|c| (0..zx.len()).map(|r| zx.row(r)[c]).sum::<f32>() / zx.len() as f32).collect();
        assert!(m.iter().all(|v| v.abs() < 1e-4), "{m:?}");
        let cfg = OneClassSvmConfig { kernel: Kernel::Rbf { gamma: None }, ..Default::default() };
        let a = OneClassSvm::fit_scaled(&x, &cfg, z.clone());
        let b = OneClassSvm::fit(&zx, &cfg);
        assert_eq!(a.anomaly_scores(&x), b.anomaly_scores(&zx));
    }

    #[test]
    fn leave_one_out_threshold_admits_unseen_normals_and_refit_keeps_the_scaling() {
        // Normals: a 4-d Gaussian-ish cloud from a fixed sequence; 12 to fit, 200 unseen.
        let cloud = |n: usize, off: usize| Features::new(4, (0..n * 4).map(|i| (((i + off) as f32 * 0.618).fract() - 0.5) * 2.0).collect());
        let (train, unseen) = (cloud(12, 0), cloud(200, 1000));
        let scale = Standardiser::fit(&cloud(500, 7));
        let cfg = OneClassSvmConfig { kernel: Kernel::Rbf { gamma: None }, ..Default::default() };
        let (svm, t) = OneClassSvm::fit_calibrated(&train, &cfg, Some(scale.clone()));
        let own_max = svm.anomaly_scores(&train).into_iter().fold(f32::NEG_INFINITY, f32::max);
        assert!(t > own_max, "LOO threshold {t} above the training rows' own scores ({own_max})");
        let pass = svm.anomaly_scores(&unseen).iter().filter(|s| **s <= t).count();
        assert!(pass >= 150, "{pass} of 200 unseen normals pass");
        let far = Features::new(4, vec![9.0, -9.0, 9.0, -9.0]);
        assert!(svm.anomaly_scores(&far)[0] > t);
        let (again, t2) = svm.refit_like(&train);
        assert_eq!(again, svm);
        assert_eq!(t2, t);
    }

    #[test]
    fn round_trips_through_json() {
        let x = Features::new(3, (0..30).map(|i| (i as f32 * 0.37).sin()).collect());
        let svm = OneClassSvm::fit(&x, &OneClassSvmConfig::default());
        let back: OneClassSvm = serde_json::from_str(&serde_json::to_string(&svm).unwrap()).unwrap();
        assert_eq!(back.anomaly_scores(&x), svm.anomaly_scores(&x));
    }
}
