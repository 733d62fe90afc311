//! Detectors fitted on shared-encoder features. Scores are "higher = more anomalous".
//! Pure Rust, serialisable, and compiled into the wasm build as well.

mod iforest;
mod ocsvm;
mod paired;

pub use iforest::{IsolationForest, IsolationForestConfig};
pub use ocsvm::{Kernel, OneClassSvm, OneClassSvmConfig, Standardiser};
pub use paired::{PairedSvm, ScoreScale};

use crate::model::IMAGE_PIXELS;

use serde::{Deserialize, Serialize};

/// A row-major matrix of features: `n` rows of `dim` values.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub dim: usize,
    pub data: Vec<f32>,
}

impl Features {
    pub fn new(dim: usize, data: Vec<f32>) -> Self {
        assert!(dim > 0 && data.len() % dim == 0, "features: {} values is not a multiple of {dim}", data.len());
        Self { dim, data }
    }
    pub fn len(&self) -> usize {
        self.data.len() / self.dim
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }
    /// Rows picked by index, in that order (repeats allowed: oversampling).
    pub fn select(&self, idx: &[usize]) -> Features {
        let mut data = Vec::with_capacity(idx.len() * self.dim);
        for &i in idx {
            data.extend_from_slice(self.row(i));
        }
        Features { dim: self.dim, data }
    }
    pub fn concat(mut self, other: &Features) -> Features {
        assert_eq!(self.dim, other.dim);
        self.data.extend_from_slice(&other.data);
        self
    }
}

/// The fitted detector stored in a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Detector {
    IsolationForest(IsolationForest),
    OneClassSvm(OneClassSvm),
    /// Feature SVM + raw-pixel SVM, combined per image.
    PairedSvm(PairedSvm),
}

impl Detector {
    /// Anomaly score per image (higher = more anomalous) from its shared features (row i of
    /// `x`) and its preprocessed pixels (`images[i·1024..]`, read only by detectors that use them).
    pub fn score(&self, x: &Features, images: &[f32]) -> Vec<f32> {
        match self {
            Detector::IsolationForest(f) => f.anomaly_scores(x),
            Detector::OneClassSvm(s) => s.anomaly_scores(x),
            Detector::PairedSvm(p) => p.anomaly_scores(x, &pixels(images)),
        }
    }
    /// Feature dimension the detector was fitted on.
    pub fn dim(&self) -> usize {
        match self {
            Detector::IsolationForest(f) => f.dim,
            Detector::OneClassSvm(s) => s.dim,
            Detector::PairedSvm(p) => p.features.dim,
        }
    }
    /// Whether a detector read from a file can score: its parts agree, a paired SVM's pixel
    /// member takes 32×32 images.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Detector::IsolationForest(_) => Ok(()),
            Detector::OneClassSvm(s) => s.check(),
            Detector::PairedSvm(p) => {
                p.features.check()?;
                p.pixels.check()?;
                if p.pixels.dim != IMAGE_PIXELS {
                    return Err(format!("paired SVM: pixel member takes {} values, images have {IMAGE_PIXELS}", p.pixels.dim));
                }
                Ok(())
            }
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Detector::IsolationForest(_) => "isolation-forest",
            Detector::OneClassSvm(_) => "one-class-svm",
            Detector::PairedSvm(_) => "paired-svm",
        }
    }
}

/// Preprocessed images (`n × 1024`) as feature rows.
pub fn pixels(images: &[f32]) -> Features {
    Features::new(IMAGE_PIXELS, images.to_vec())
}

/// Quantile of the adaptation normals' scores used as the new threshold. With a handful of
/// images, the largest normal score is the only honest bound; a small margin keeps it.
pub const ADAPT_QUANTILE: f64 = 1.0;

/// Refit the detector on a user's own normal images (`normals`: their shared features,
/// `images`: their preprocessed pixels), keeping its kind: SVMs are refitted with the same
/// kernels and input scaling and a leave-one-out threshold; otherwise a fresh Isolation Forest
/// with a threshold at `quantile` of their scores (+2% margin of the score range).
pub fn refit(normals: &Features, images: &[f32], quantile: f64, like: &Detector) -> (Detector, f32) {
    match like {
        Detector::OneClassSvm(svm) => {
            let (svm, threshold) = svm.refit_like(normals);
            (Detector::OneClassSvm(svm), threshold)
        }
        Detector::PairedSvm(p) => {
            let (p, threshold) = p.refit_like(normals, &pixels(images));
            (Detector::PairedSvm(p), threshold)
        }
        Detector::IsolationForest(_) => {
            let forest = IsolationForest::fit(normals, &IsolationForestConfig::default());
            let mut scores = forest.anomaly_scores(normals);
            scores.sort_by(f32::total_cmp);
            let pos = ((scores.len() - 1) as f64 * quantile).round() as usize;
            let threshold = scores[pos] + 0.02 * (scores[scores.len() - 1] - scores[0]).max(0.01);
            (Detector::IsolationForest(forest), threshold)
        }
    }
}
