//! After training: fit the detector on shared features of the training normals, calibrate the
//! threshold, and evaluate on a labelled target set.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::bundle::Calibration;
use crate::data::ImageSet;
use crate::data::protocol::oversample;
use crate::detector::{Detector, IsolationForest, IsolationForestConfig};
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

/// Fit an Isolation Forest on E_sh features of source normals + target normals oversampled to
/// the source count (design §1), and calibrate the threshold on the same rows.
pub fn fit_detector(networks: Networks, source: &ImageSet, target: &ImageSet, seed: u64) -> (Scorer, Calibration) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xDE7EC7);
    let target_rows: Vec<usize> = (0..target.len()).collect();
    let over = target.subset(&oversample(&target_rows, source.len().max(target.len()), &mut rng));
    let mut images = source.images.clone();
    images.extend_from_slice(&over.images);
    let out = networks.forward_all(&images, EVAL_BATCH);
    let forest = IsolationForest::fit(&out.features, &IsolationForestConfig { seed, ..Default::default() });
    let detector = Detector::IsolationForest(forest);
    let scores = detector.score(&out.features);
    let residuals = residual_scores(&images, &out.reconstructions);
    let calibration = Calibration {
        threshold: quantile(&scores, THRESHOLD_QUANTILE),
        quantile: THRESHOLD_QUANTILE,
        residual_threshold: quantile(&residuals, THRESHOLD_QUANTILE),
    };
    (Scorer { networks, detector, threshold: calibration.threshold }, calibration)
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
    let scores = scorer.detector.score(&out.features);
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
