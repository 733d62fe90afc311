//! Bundle + device → anomaly score, reconstruction and residual. The single scoring path used by
//! `irad score`, `irad eval`, detector fitting and the browser.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::detector::{Detector, Features};
use crate::error::{IradError, Result};
use crate::model::{IMAGE_PIXELS, IMAGE_SIZE, ScoringNets};

/// Score of one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageScore {
    /// Detector score on shared features (higher = more anomalous).
    pub score: f32,
    pub threshold: f32,
    pub is_anomaly: bool,
    /// Mean absolute residual |x − G(E_pv(x) + E_sh(x))| in [0, 1] pixel units (secondary score).
    pub residual_score: f32,
    /// Reconstruction, 32×32 row-major in [0, 1].
    pub reconstruction: Vec<f32>,
    /// |x − reconstruction|, 32×32 row-major in [0, 1].
    pub residual: Vec<f32>,
}

/// Raw network outputs of a batch, read back to host memory.
pub struct BatchOutput {
    pub features: Features,
    /// Reconstructions in [-1, 1], `n × 1024`.
    pub reconstructions: Vec<f32>,
}

/// The scoring networks in inference mode on one device.
pub struct Networks {
    pub nets: ScoringNets,
    pub latent: usize,
    pub device: Device,
}

fn to_vec(d: burn::tensor::TensorData) -> Vec<f32> {
    d.convert::<f32>().try_into_vec::<f32>().expect("f32 tensor data")
}

impl Networks {
    /// `nets` must already be in inference mode (`.valid()`) on `device`.
    pub fn new(nets: ScoringNets, latent: usize, device: &Device) -> Self {
        Self { nets, latent, device: device.clone() }
    }

    /// Stack preprocessed images (1024 values each, in [-1, 1]) into a batch tensor.
    pub fn batch_tensor(images: &[f32], device: &Device) -> Tensor<4> {
        assert_eq!(images.len() % IMAGE_PIXELS, 0, "preprocessed images have {IMAGE_PIXELS} values each");
        Tensor::<1>::from_floats(images, device).reshape([images.len() / IMAGE_PIXELS, 1, IMAGE_SIZE, IMAGE_SIZE])
    }

    fn launch(&self, images: &[f32]) -> (Tensor<2>, Tensor<4>) {
        self.nets.features_and_reconstruction(Self::batch_tensor(images, &self.device))
    }

    /// Run a batch (`n × 1024`) with a blocking read-back (native).
    pub fn forward(&self, images: &[f32]) -> BatchOutput {
        let (f, r) = self.launch(images);
        BatchOutput { features: Features::new(self.latent, to_vec(f.into_data())), reconstructions: to_vec(r.into_data()) }
    }

    /// Run a batch, reading back asynchronously (the only read-back allowed in the browser).
    pub async fn forward_async(&self, images: &[f32]) -> Result<BatchOutput> {
        let (f, r) = self.launch(images);
        let err = |e: burn::tensor::ExecutionError| IradError::Invalid(format!("device read-back failed: {e:?}"));
        let f = f.into_data_async().await.map_err(err)?;
        let r = r.into_data_async().await.map_err(err)?;
        Ok(BatchOutput { features: Features::new(self.latent, to_vec(f)), reconstructions: to_vec(r) })
    }

    /// Run many images, `batch` at a time (blocking).
    pub fn forward_all(&self, images: &[f32], batch: usize) -> BatchOutput {
        let mut feats = Vec::new();
        let mut recon = Vec::with_capacity(images.len());
        for chunk in images.chunks(batch.max(1) * IMAGE_PIXELS) {
            let out = self.forward(chunk);
            feats.extend(out.features.data);
            recon.extend(out.reconstructions);
        }
        BatchOutput { features: Features::new(self.latent, feats), reconstructions: recon }
    }
}

/// Mean absolute residual per image, in [0, 1] pixel units (images and reconstructions in [-1, 1]).
pub fn residual_scores(images: &[f32], reconstructions: &[f32]) -> Vec<f32> {
    images
        .chunks(IMAGE_PIXELS)
        .zip(reconstructions.chunks(IMAGE_PIXELS))
        .map(|(x, r)| x.iter().zip(r).map(|(a, b)| (a - b).abs()).sum::<f32>() / (2.0 * IMAGE_PIXELS as f32))
        .collect()
}

/// Networks + detector + calibrated threshold.
pub struct Scorer {
    pub networks: Networks,
    pub detector: Detector,
    pub threshold: f32,
}

impl Scorer {
    pub fn new(bundle: &Bundle, device: &Device) -> Result<Self> {
        let networks = Networks::new(bundle.nets(device)?, bundle.meta.config.latent, device);
        Ok(Self { networks, detector: bundle.detector.clone(), threshold: bundle.meta.calibration.threshold })
    }

    /// Detector scores + reconstructions + residuals from network outputs of `images`.
    pub fn finish(&self, images: &[f32], out: &BatchOutput) -> Vec<ImageScore> {
        let scores = self.detector.score(&out.features, images);
        let residual_means = residual_scores(images, &out.reconstructions);
        images
            .chunks(IMAGE_PIXELS)
            .zip(out.reconstructions.chunks(IMAGE_PIXELS))
            .enumerate()
            .map(|(i, (x, r))| ImageScore {
                score: scores[i],
                threshold: self.threshold,
                is_anomaly: scores[i] > self.threshold,
                residual_score: residual_means[i],
                reconstruction: r.iter().map(|v| (v + 1.0) / 2.0).collect(),
                residual: x.iter().zip(r).map(|(a, b)| (a - b).abs() / 2.0).collect(),
            })
            .collect()
    }

    /// Score preprocessed images (`n × 1024`), blocking (native).
    pub fn score(&self, images: &[f32]) -> Vec<ImageScore> {
        if images.is_empty() {
            return vec![];
        }
        let out = self.networks.forward(images);
        self.finish(images, &out)
    }

    /// Score preprocessed images, reading back asynchronously (browser).
    pub async fn score_async(&self, images: &[f32]) -> Result<Vec<ImageScore>> {
        if images.is_empty() {
            return Ok(vec![]);
        }
        let out = self.networks.forward_async(images).await?;
        Ok(self.finish(images, &out))
    }
}
