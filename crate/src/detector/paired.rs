//! Two one-class SVMs fitted on the same few target normals — one on IRAD's shared features,
//! one on the raw pixels — combined per image. They err on different images (the features carry
//! what the source domain taught, the pixels what the target looks like), so their sum ranks
//! better than either.
//!
//! The two scores live on unrelated scales. Each is put in units of its own spread on unseen
//! normals: z = (s − mean) / std of the members' leave-one-out scores on the training normals.
//! That needs nothing but the normals, so a bundle carries it and scores one image at a time.

use serde::{Deserialize, Serialize};

use super::{Features, OneClassSvm, OneClassSvmConfig, Standardiser};

/// One member's scale: its scores map to (s − mean) / std.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreScale {
    pub mean: f32,
    pub std: f32,
}

impl ScoreScale {
    /// Mean and deviation of `scores` (deviation floored so a degenerate member cannot explode).
    fn of(scores: &[f32]) -> Self {
        let n = scores.len().max(1) as f64;
        let mean = scores.iter().map(|&v| v as f64).sum::<f64>() / n;
        let var = scores.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
        Self { mean: mean as f32, std: (var.sqrt() as f32).max(1e-6) }
    }
    fn apply(&self, s: f32) -> f32 {
        (s - self.mean) / self.std
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedSvm {
    /// On shared features (L per image).
    pub features: OneClassSvm,
    /// On preprocessed pixels (1024 per image, in [-1, 1]).
    pub pixels: OneClassSvm,
    pub feature_scale: ScoreScale,
    pub pixel_scale: ScoreScale,
}

fn loo_or_own(svm: &OneClassSvm, loo: Option<Vec<f32>>, x: &Features) -> Vec<f32> {
    loo.unwrap_or_else(|| svm.anomaly_scores(x))
}

impl PairedSvm {
    /// Fit both members on the same normals (row i of `features` and of `pixels` is one image)
    /// and return the threshold: the largest combined leave-one-out score of the normals.
    pub fn fit(
        features: &Features,
        feature_config: &OneClassSvmConfig,
        feature_scale: Option<Standardiser>,
        pixels: &Features,
        pixel_config: &OneClassSvmConfig,
    ) -> (Self, f32) {
        assert_eq!(features.len(), pixels.len(), "paired SVM: {} feature rows but {} images", features.len(), pixels.len());
        let (f, f_loo) = OneClassSvm::fit_with_loo(features, feature_config, feature_scale);
        let (p, p_loo) = OneClassSvm::fit_with_loo(pixels, pixel_config, None);
        let (f_loo, p_loo) = (loo_or_own(&f, f_loo, features), loo_or_own(&p, p_loo, pixels));
        let paired = Self { feature_scale: ScoreScale::of(&f_loo), pixel_scale: ScoreScale::of(&p_loo), features: f, pixels: p };
        let threshold = paired.combine(&f_loo, &p_loo).into_iter().fold(f32::NEG_INFINITY, f32::max);
        // With fewer than 3 normals the "unseen" scores are the training rows' own: add a margin.
        let margin = if features.len() < 3 { 1e-3 } else { 0.0 };
        (paired, threshold + margin)
    }

    /// The same kind of detector (kernels, feature scaling) fitted on other normals: adaptation.
    pub fn refit_like(&self, features: &Features, pixels: &Features) -> (Self, f32) {
        Self::fit(features, &self.features.config(), self.features.scale.clone(), pixels, &self.pixels.config())
    }

    /// Combine member scores already computed for the same images (feature SVM's, pixel SVM's).
    pub fn combine(&self, f: &[f32], p: &[f32]) -> Vec<f32> {
        f.iter().zip(p).map(|(a, b)| (self.feature_scale.apply(*a) + self.pixel_scale.apply(*b)) / 2.0).collect()
    }

    /// Mean of the two members' normalised scores per image (higher = more anomalous).
    pub fn anomaly_scores(&self, features: &Features, pixels: &Features) -> Vec<f32> {
        assert_eq!(features.len(), pixels.len(), "paired SVM: {} feature rows but {} images", features.len(), pixels.len());
        self.combine(&self.features.anomaly_scores(features), &self.pixels.anomaly_scores(pixels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detector::Kernel;

    /// A 2-d cloud around `c` from a fixed low-discrepancy sequence.
    fn cloud(n: usize, c: f32, off: usize) -> Features {
        Features::new(2, (0..n * 2).map(|i| c + (((i + off) as f32 * 0.618).fract() - 0.5)).collect())
    }

    #[test]
    fn each_member_counts_and_unseen_normals_pass() {
        let rbf = OneClassSvmConfig { kernel: Kernel::Rbf { gamma: Some(0.5) }, ..Default::default() };
        let (f, p) = (cloud(12, 0.0, 0), cloud(12, 5.0, 3));
        let (pair, t) = PairedSvm::fit(&f, &rbf, None, &p, &rbf);
        // Unseen normals (new points of both clouds) mostly pass.
        let (fu, pu) = (cloud(100, 0.0, 500), cloud(100, 5.0, 900));
        let pass = pair.anomaly_scores(&fu, &pu).iter().filter(|s| **s <= t).count();
        assert!(pass >= 80, "{pass} of 100 unseen normals pass");
        // An image odd in only one member scores above a normal one, and odd in both above that.
        let normal = pair.anomaly_scores(&cloud(1, 0.0, 77), &cloud(1, 5.0, 77))[0];
        let odd_f = pair.anomaly_scores(&Features::new(2, vec![4.0, -4.0]), &cloud(1, 5.0, 77))[0];
        let odd_p = pair.anomaly_scores(&cloud(1, 0.0, 77), &Features::new(2, vec![0.0, 0.0]))[0];
        let odd_both = pair.anomaly_scores(&Features::new(2, vec![4.0, -4.0]), &Features::new(2, vec![0.0, 0.0]))[0];
        assert!(normal < odd_f && normal < odd_p, "{normal} {odd_f} {odd_p}");
        assert!(odd_both > odd_f.max(odd_p), "{odd_both} {odd_f} {odd_p}");
        assert!(odd_f > t && odd_p > t);
    }

    #[test]
    fn refit_on_the_same_normals_is_the_same_detector_and_json_round_trips() {
        let (f, p) = (cloud(10, 1.0, 0), cloud(10, -1.0, 5));
        let cfg = OneClassSvmConfig::default();
        let (pair, t) = PairedSvm::fit(&f, &cfg, Some(Standardiser::fit(&cloud(50, 1.0, 9))), &p, &cfg);
        let (again, t2) = pair.refit_like(&f, &p);
        assert_eq!((again.clone(), t2), (pair.clone(), t));
        let back: PairedSvm = serde_json::from_str(&serde_json::to_string(&pair).unwrap()).unwrap();
        assert_eq!(back.anomaly_scores(&f, &p), pair.anomaly_scores(&f, &p));
    }
}
