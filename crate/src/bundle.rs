//! The one-file model bundle: weights of E_sh, E_pv and G (one burnpack record), the config,
//! the fitted detector, the score calibration and provenance, behind a versioned header.
//!
//! Layout (little-endian): `IRADBNDL` · u32 version · u64 meta length · u64 detector length ·
//! u64 weights length · u64 FNV-1a checksum of everything after the header · meta JSON ·
//! detector JSON · burnpack weights. Everything is validated before burn sees the weights.

use std::collections::BTreeMap;

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device};
use serde::{Deserialize, Serialize};

use crate::detector::Detector;
use crate::error::{IradError, Result};
use crate::model::{IMAGE_SIZE, IradConfig, ScoringNets};

pub const MAGIC: &[u8; 8] = b"IRADBNDL";
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 * 4;

/// How raw images become network inputs (fixed today; recorded so a future change is detectable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSpec {
    pub size: usize,
    pub channels: usize,
    /// Network input range after mapping [0, 1] → [-1, 1].
    pub range: [f32; 2],
    pub resize: String,
}

impl Default for InputSpec {
    fn default() -> Self {
        Self { size: IMAGE_SIZE, channels: 1, range: [-1.0, 1.0], resize: "bilinear-half-pixel".into() }
    }
}

/// Decision threshold on the anomaly score, taken from the training normals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub threshold: f32,
    /// The quantile of training-normal scores used as the threshold.
    pub quantile: f64,
    /// Residual-score threshold at the same quantile (secondary score).
    pub residual_threshold: f32,
}

/// Where the model came from and how well it did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: String,
    pub target: String,
    pub normal_class: String,
    pub seed: u64,
    pub n_target: usize,
    pub epochs: usize,
    pub revision: String,
    pub command: String,
    /// Training settings (loss weights and the like), free-form.
    pub training: BTreeMap<String, serde_json::Value>,
    /// Evaluation metrics, e.g. `auroc` on the target test split.
    pub metrics: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleMeta {
    pub config: IradConfig,
    pub input: InputSpec,
    pub calibration: Calibration,
    pub provenance: Provenance,
}

/// A parsed, validated bundle whose weights are not yet on a device.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub meta: BundleMeta,
    pub detector: Detector,
    weights: Vec<u8>,
}

/// FNV-1a, 64-bit: the bundle checksum, also used to fingerprint training runs.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

impl Bundle {
    /// Package trained networks. Fails only if burn cannot serialise the record.
    pub fn new(meta: BundleMeta, detector: Detector, nets: ScoringNets) -> Result<Self> {
        let weights = nets
            .into_record()
            .into_bytes()
            .map_err(|e| IradError::BundleFormat(format!("cannot serialise weights: {e:?}")))?;
        let bundle = Self { meta, detector, weights: weights.to_vec() };
        bundle.validate()?;
        Ok(bundle)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let meta = serde_json::to_vec(&self.meta).expect("bundle meta serialises");
        let det = serde_json::to_vec(&self.detector).expect("detector serialises");
        let mut body = Vec::with_capacity(meta.len() + det.len() + self.weights.len());
        body.extend_from_slice(&meta);
        body.extend_from_slice(&det);
        body.extend_from_slice(&self.weights);
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        for len in [meta.len(), det.len(), self.weights.len()] {
            out.extend_from_slice(&(len as u64).to_le_bytes());
        }
        out.extend_from_slice(&fnv1a(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Parse and validate; never panics on any input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(IradError::BundleFormat(format!(
                "expected the bytes `IRADBNDL` at the start, found {:?} (is this a file written by `irad train`?)",
                String::from_utf8_lossy(&bytes[..bytes.len().min(8)])
            )));
        }
        if bytes.len() < HEADER_LEN {
            return Err(IradError::BundleTruncated(format!(
                "{} bytes, shorter than the {HEADER_LEN}-byte header",
                bytes.len()
            )));
        }
        let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
        let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap());
        let version = u32_at(8);
        if version > FORMAT_VERSION {
            return Err(IradError::BundleVersion { found: version, supported: FORMAT_VERSION });
        }
        if version == 0 {
            return Err(IradError::BundleFormat("format version 0 does not exist".into()));
        }
        let lens = [u64_at(12), u64_at(20), u64_at(28)];
        let checksum = u64_at(36);
        let body = &bytes[HEADER_LEN..];
        let want = lens.iter().try_fold(0u64, |a, &l| a.checked_add(l));
        match want {
            Some(w) if w == body.len() as u64 => {}
            Some(w) if w > body.len() as u64 => {
                return Err(IradError::BundleTruncated(format!(
                    "header announces {w} bytes of content, only {} present",
                    body.len()
                )));
            }
            _ => {
                return Err(IradError::BundleCorrupt(format!(
                    "section lengths {lens:?} do not add up to the {} bytes present",
                    body.len()
                )));
            }
        }
        if fnv1a(body) != checksum {
            return Err(IradError::BundleCorrupt("checksum mismatch: the file was altered or damaged".into()));
        }
        let (meta, rest) = body.split_at(lens[0] as usize);
        let (det, weights) = rest.split_at(lens[1] as usize);
        let meta: BundleMeta = serde_json::from_slice(meta)
            .map_err(|e| IradError::BundleCorrupt(format!("metadata is not valid: {e}")))?;
        let detector: Detector = serde_json::from_slice(det)
            .map_err(|e| IradError::BundleCorrupt(format!("detector is not valid: {e}")))?;
        let bundle = Self { meta, detector, weights: weights.to_vec() };
        bundle.validate()?;
        Ok(bundle)
    }

    fn validate(&self) -> Result<()> {
        let c = &self.meta.config;
        if c.latent == 0 || c.latent > 4096 {
            return Err(IradError::BundleShape(format!("latent size {} is out of range 1..=4096", c.latent)));
        }
        if self.meta.input != InputSpec::default() {
            return Err(IradError::BundleShape(format!(
                "input spec {:?} is not the one this irad implements ({:?})",
                self.meta.input,
                InputSpec::default()
            )));
        }
        self.detector.check().map_err(IradError::BundleShape)?;
        if self.detector.dim() != c.latent {
            return Err(IradError::BundleShape(format!(
                "detector expects {} features but the encoder produces {}",
                self.detector.dim(),
                c.latent
            )));
        }
        Ok(())
    }

    /// Size of the serialised weights, in bytes.
    pub fn weights_len(&self) -> usize {
        self.weights.len()
    }

    /// Rebuild the scoring networks on `device` (inference mode). Shape mismatches are errors.
    pub fn nets(&self, device: &Device) -> Result<ScoringNets> {
        let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(self.weights.clone()))
            .map_err(|e| IradError::BundleCorrupt(format!("weights are not a burnpack record: {e:?}")))?;
        let nets = ScoringNets::new(&self.meta.config, device)
            .try_load_record(record)
            .map_err(|e| IradError::BundleShape(format!("{e:?}")))?;
        Ok(nets.valid())
    }

    pub fn read(path: &std::path::Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| IradError::io(format!("reading bundle {}", path.display()), e))?;
        Self::from_bytes(&bytes).map_err(|e| match e {
            IradError::BundleFormat(m) => IradError::BundleFormat(format!("{}: {m}", path.display())),
            IradError::BundleTruncated(m) => IradError::BundleTruncated(format!("{}: {m}", path.display())),
            IradError::BundleCorrupt(m) => IradError::BundleCorrupt(format!("{}: {m}", path.display())),
            IradError::BundleShape(m) => IradError::BundleShape(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Write atomically: a temporary file beside the target, then rename.
    pub fn write(&self, path: &std::path::Path) -> Result<()> {
        crate::fsutil::write_atomic(path, &self.to_bytes())
    }
}
