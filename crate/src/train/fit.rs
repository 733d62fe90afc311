//! After training: fit the detector on shared features of the training normals, calibrate the
//! threshold, and evaluate on a labelled target set.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::bundle::Calibration;
use crate::data::ImageSet;
use crate::data::protocol::oversample;
use crate::detector::{Detector, Features, IsolationForest, IsolationForestConfig, Kernel, OneClassSvm, OneClassSvmConfig, PairedSvm, Standardiser, pixels};
use crate::metrics::{RocPoint, auroc, roc_curve};
use crate::model::IMAGE_PIXELS;
use crate::score::{Networks, Scorer, residual_scores};

pub const EVAL_BATCH: usize = 256;
/// Quantile of training-normal scores used as the decision threshold.
pub const THRESHOLD_QUANTILE: f64 = 0.95;

fn quantile(v: &[f32], q: f64) -> f32 {
    let mut s = v.to_vec();
    s.sort_by(f32::total_cmp);
    let pos = q * (s.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    s[lo] + (s[hi] - s[lo]) * (pos - lo as f64) as f32
}

/// Shared features and residuals of the training normals: source normals + target normals
/// oversampled to the source count (design §1). Each distinct image goes through the networks
/// once; the oversampled rows repeat the target rows' outputs.
struct TrainingOutputs {
    features: Features,
    residuals: Vec<f32>,
    /// Features of the target normals alone (one row each).
    target: Features,
    /// How many leading rows of `features` are source normals.
    n_source: usize,
}

impl TrainingOutputs {
    /// Features of the source normals alone.
    fn source(&self) -> Features {
        Features::new(self.features.dim, self.features.data[..self.n_source * self.features.dim].to_vec())
    }
}

fn training_outputs(networks: &Networks, source: &ImageSet, target: &ImageSet, seed: u64) -> TrainingOutputs {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xDE7EC7);
    let target_rows: Vec<usize> = (0..target.len()).collect();
    let over = oversample(&target_rows, source.len().max(target.len()), &mut rng);
    let s = networks.forward_all(&source.images, EVAL_BATCH);
    let t = networks.forward_all(&target.images, EVAL_BATCH);
    let t_res = residual_scores(&target.images, &t.reconstructions);
    let mut residuals = residual_scores(&source.images, &s.reconstructions);
    residuals.extend(over.iter().map(|&i| t_res[i]));
    TrainingOutputs { features: s.features.concat(&t.features.select(&over)), residuals, target: t.features, n_source: source.len() }
}

/// Which detector a bundle carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub enum DetectorKind {
    /// Isolation Forest on source + oversampled target features (design §1).
    #[default]
    IsolationForest,
    /// One-class SVM (RBF, γ = 1/L) on the target normals' features, standardised with the
    /// source normals' feature statistics.
    FeatureSvm,
    /// That feature SVM plus a one-class SVM on the target normals' raw pixels (the reference's
    /// baseline), each score in units of its leave-one-out spread, averaged per image.
    PairedSvm,
}

const FEATURE_SVM: OneClassSvmConfig = OneClassSvmConfig { kernel: Kernel::Rbf { gamma: None }, nu: 0.5, tol: 1e-3 };

fn fit_feature_svm_calibrated(train: &TrainingOutputs) -> (OneClassSvm, f32) {
    OneClassSvm::fit_calibrated(&train.target, &FEATURE_SVM, Some(Standardiser::fit(&train.source())))
}

/// The raw-pixel member is the reference's baseline SVM (poly, degree 3, γ = 1/d).
fn fit_paired_svm(train: &TrainingOutputs, target: &ImageSet) -> (PairedSvm, f32) {
    PairedSvm::fit(&train.target, &FEATURE_SVM, Some(Standardiser::fit(&train.source())), &pixels(&target.images), &OneClassSvmConfig::default())
}

/// Fit an Isolation Forest on E_sh features of source normals + target normals oversampled to
/// the source count (design §1), and calibrate the threshold on the same rows.
///
/// With [`DetectorKind::FeatureSvm`] the detector is the target-feature SVM instead, with its
/// threshold at the largest leave-one-out score of the target normals; with
/// [`DetectorKind::PairedSvm`] that SVM paired with a raw-pixel SVM, threshold likewise.
pub fn fit_detector(networks: Networks, source: &ImageSet, target: &ImageSet, seed: u64, kind: DetectorKind) -> (Scorer, Calibration) {
    let out = training_outputs(&networks, source, target, seed);
    let (detector, threshold) = match kind {
        DetectorKind::IsolationForest => {
            let d = Detector::IsolationForest(IsolationForest::fit(&out.features, &IsolationForestConfig { seed, ..Default::default() }));
            let t = quantile(&d.score(&out.features, &[]), THRESHOLD_QUANTILE);
            (d, t)
        }
        DetectorKind::FeatureSvm => {
            let (svm, t) = fit_feature_svm_calibrated(&out);
            (Detector::OneClassSvm(svm), t)
        }
        DetectorKind::PairedSvm => {
            let (pair, t) = fit_paired_svm(&out, target);
            (Detector::PairedSvm(pair), t)
        }
    };
    let calibration = Calibration {
        threshold,
        quantile: if kind == DetectorKind::IsolationForest { THRESHOLD_QUANTILE } else { 1.0 },
        residual_threshold: quantile(&out.residuals, THRESHOLD_QUANTILE),
    };
    (Scorer { networks, detector, threshold: calibration.threshold }, calibration)
}

/// AUROCs of one trained state, for curves over training and for model selection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalPoint {
    /// Target test set: Isolation Forest on source + oversampled target features (the product's score).
    pub auroc: f64,
    /// Target test set: one-class SVM on the target normals' shared features only.
    pub auroc_svm: f64,
    /// Target test set: reconstruction residual.
    pub auroc_residual: f64,
    /// Source validation set (source-domain normals vs other source classes, never trained on):
    /// the same Isolation Forest. Used to choose when to stop without looking at target test images.
    pub source_val: Option<f64>,
    /// Cross-domain validation: an Isolation Forest fitted on source-normal features only scores
    /// the target normals (never seen by it) against the source-validation anomalies. High when
    /// target normals land among source normals in the shared space and anomalies do not.
    #[serde(default)]
    pub target_val: Option<f64>,
    /// Target test set: hybrid of the product's score and a one-class SVM on the target normals'
    /// raw pixels (mean of the two scores' ranks).
    #[serde(default)]
    pub auroc_hybrid: Option<f64>,
    /// Target test set: one-class SVM with an RBF kernel (γ = 1/L) on target-normal features
    /// standardised with the source normals' feature means and deviations.
    #[serde(default)]
    pub auroc_svm_rbf: Option<f64>,
    /// Target test set: rank-average of that feature SVM and the raw-pixel one-class SVM.
    #[serde(default)]
    pub auroc_svm_pair: Option<f64>,
    /// Target test set: the paired detector a bundle carries ([`DetectorKind::PairedSvm`]): the
    /// same two SVMs, combined per image by their leave-one-out spreads (no test-set ranks).
    #[serde(default)]
    pub auroc_paired: Option<f64>,
}

/// Ranks scaled to [0, 1] (ties share their mean rank): puts detectors on one scale.
pub fn unit_ranks(v: &[f32]) -> Vec<f32> {
    let top = (v.len().max(2) - 1) as f64;
    crate::metrics::ranks(v).into_iter().map(|r| (r / top) as f32).collect()
}

/// Rank-average of a detector's scores with precomputed unit ranks of another's.
fn rank_sum(scores: &[f32], other_ranks: &[f32]) -> Vec<f32> {
    unit_ranks(scores).iter().zip(other_ranks).map(|(a, b)| a + b).collect()
}

/// Evaluate every score of one trained state on the target test set and (optionally) a source
/// validation set.
pub fn eval_point(networks: &Networks, source: &ImageSet, target: &ImageSet, test: &ImageSet, normal: &str, source_val: Option<&ImageSet>, seed: u64) -> EvalPoint {
    let train = training_outputs(networks, source, target, seed);
    let forest = IsolationForest::fit(&train.features, &IsolationForestConfig { seed, ..Default::default() });
    let svm = OneClassSvm::fit(&train.target, &OneClassSvmConfig::default());
    let out = networks.forward_all(&test.images, EVAL_BATCH);
    let anomalous: Vec<bool> = test.labels.iter().map(|l| l != normal).collect();
    let auc = |s: &[f32], a: &[bool]| auroc(s, a).unwrap_or(f64::NAN);
    let vals = source_val.map(|v| {
        let o = networks.forward_all(&v.images, EVAL_BATCH);
        let a: Vec<bool> = v.labels.iter().map(|l| l != normal).collect();
        let source_val = auc(&forest.anomaly_scores(&o.features), &a);
        let f = IsolationForest::fit(&train.source(), &IsolationForestConfig { seed, ..Default::default() });
        let anomalies: Vec<usize> = (0..v.len()).filter(|&i| a[i]).collect();
        let mut scores = f.anomaly_scores(&train.target);
        scores.extend(f.anomaly_scores(&o.features.select(&anomalies)));
        let labels: Vec<bool> = (0..scores.len()).map(|i| i >= train.target.len()).collect();
        (source_val, auc(&scores, &labels))
    });
    let if_scores = forest.anomaly_scores(&out.features);
    // The paired detector's members are the RBF feature SVM and the raw-pixel SVM: one fit
    // serves every score built from them.
    let (pair_svm, _) = fit_paired_svm(&train, target);
    let rbf_scores = pair_svm.features.anomaly_scores(&out.features);
    let raw_scores = pair_svm.pixels.anomaly_scores(&pixels(&test.images));
    let raw_ranks = unit_ranks(&raw_scores);
    let hybrid = rank_sum(&if_scores, &raw_ranks);
    let pair = rank_sum(&rbf_scores, &raw_ranks);
    let paired = pair_svm.combine(&rbf_scores, &raw_scores);
    EvalPoint {
        auroc_paired: Some(auc(&paired, &anomalous)),
        auroc_svm_pair: Some(auc(&pair, &anomalous)),
        auroc_svm_rbf: Some(auc(&rbf_scores, &anomalous)),
        auroc_hybrid: Some(auc(&hybrid, &anomalous)),
        auroc: auc(&if_scores, &anomalous),
        auroc_svm: auc(&svm.anomaly_scores(&out.features), &anomalous),
        auroc_residual: auc(&residual_scores(&test.images, &out.reconstructions), &anomalous),
        source_val: vals.map(|v| v.0),
        target_val: vals.map(|v| v.1),
    }
}

/// AUROC (anomaly positive) and friends on a labelled set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvalReport {
    pub normal_class: String,
    pub n_normal: usize,
    pub n_anomalous: usize,
    /// AUROC of the detector score.
    pub auroc: f64,
    /// AUROC of the reconstruction residual (secondary score).
    pub auroc_residual: f64,
    /// AUROC of normal vs each anomalous label alone.
    pub per_label: BTreeMap<String, f64>,
    /// Share of normals / anomalies on the right side of the calibrated threshold.
    pub normal_accepted: f64,
    pub anomalies_flagged: f64,
    pub roc: Vec<RocPoint>,
}

pub fn evaluate(scorer: &Scorer, set: &ImageSet, normal: &str) -> EvalReport {
    debug_assert_eq!(set.images.len(), set.len() * IMAGE_PIXELS);
    let out = scorer.networks.forward_all(&set.images, EVAL_BATCH);
    let scores = scorer.detector.score(&out.features, &set.images);
    let residuals = residual_scores(&set.images, &out.reconstructions);
    let anomalous: Vec<bool> = set.labels.iter().map(|l| l != normal).collect();
    let mut per_label = BTreeMap::new();
    let mut labels: Vec<&String> = set.labels.iter().filter(|l| *l != normal).collect();
    labels.sort();
    labels.dedup();
    for l in labels {
        let keep: Vec<usize> = (0..set.len()).filter(|&i| set.labels[i] == normal || &set.labels[i] == l).collect();
        let s: Vec<f32> = keep.iter().map(|&i| scores[i]).collect();
        let a: Vec<bool> = keep.iter().map(|&i| anomalous[i]).collect();
        if let Some(v) = auroc(&s, &a) {
            per_label.insert(l.clone(), v);
        }
    }
    let n_anom = anomalous.iter().filter(|&&a| a).count();
    let n_norm = set.len() - n_anom;
    let flagged = |want: bool| {
        let n = (0..set.len()).filter(|&i| anomalous[i] == want && (scores[i] > scorer.threshold) == want).count();
        n as f64 / (if want { n_anom } else { n_norm }).max(1) as f64
    };
    EvalReport {
        normal_class: normal.to_string(),
        n_normal: n_norm,
        n_anomalous: n_anom,
        auroc: auroc(&scores, &anomalous).unwrap_or(f64::NAN),
        auroc_residual: auroc(&residuals, &anomalous).unwrap_or(f64::NAN),
        per_label,
        normal_accepted: flagged(false),
        anomalies_flagged: flagged(true),
        roc: roc_curve(&scores, &anomalous),
    }
}

#[cfg(test)]
mod tests {
    use super::unit_ranks;

    #[test]
    fn unit_ranks_span_zero_to_one_and_share_ties() {
        assert_eq!(unit_ranks(&[3.0, -1.0, 3.0, 7.0]), vec![0.5, 0.0, 0.5, 1.0]);
        assert_eq!(unit_ranks(&[2.0]), vec![0.0]);
    }
}
