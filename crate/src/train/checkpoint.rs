//! Training checkpoints: all five networks, their optimiser states and the loop position, in one
//! file written atomically (temporary file + rename), so a killed run never leaves a torn file.
//!
//! Layout: `IRADCKPT` · u64 JSON length · JSON state · u64 length + bytes for the network record
//! and for each of the five optimiser records.

use std::path::Path;

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};

use super::step::{Optimizers, StepStats};
use crate::error::{IradError, Result};
use crate::fsutil::write_atomic;
use crate::model::TrainingNets;

const MAGIC: &[u8; 8] = b"IRADCKPT";

/// Where the loop stood, plus what must match to resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopState {
    /// Fingerprint of the training configuration and data; resuming with other settings is refused.
    pub fingerprint: String,
    /// Next epoch to run and the step inside it.
    pub epoch: usize,
    pub step: usize,
    /// Mean losses of each finished epoch.
    pub history: Vec<StepStats>,
    /// Sum of losses so far in the current epoch (to finish its mean after a resume).
    pub partial: StepStats,
    /// Per-epoch evaluation values recorded by the caller (e.g. AUROC), if any.
    pub evals: Vec<Option<super::fit::EvalPoint>>,
}

fn section(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

pub fn save(path: &Path, state: &LoopState, nets: &TrainingNets, opt: &Optimizers) -> Result<()> {
    let err = |r: String| IradError::Checkpoint { path: path.display().to_string(), reason: r };
    let mut out = MAGIC.to_vec();
    section(&mut out, &serde_json::to_vec(state).map_err(|e| err(e.to_string()))?);
    // `valid()` first: BatchNorm running statistics hold their newest update in a per-thread
    // buffer until synced, and a record taken without syncing would be one update behind.
    let rec = nets.valid().into_record().into_bytes().map_err(|e| err(format!("{e:?}")))?;
    section(&mut out, &rec);
    for o in opt.all() {
        section(&mut out, &o.into_bytes().map_err(|e| err(format!("{e:?}")))?);
    }
    write_atomic(path, &out)
}

pub fn load(path: &Path, nets: TrainingNets, mut opt: Optimizers) -> Result<(LoopState, TrainingNets, Optimizers)> {
    let err = |r: String| IradError::Checkpoint { path: path.display().to_string(), reason: r };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(err("not an irad checkpoint".into()));
    }
    let mut pos = 8;
    let mut next = || -> Result<Vec<u8>> {
        let len = bytes
            .get(pos..pos + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap()) as usize)
            .ok_or_else(|| err("truncated".into()))?;
        let body = bytes.get(pos + 8..pos + 8 + len).ok_or_else(|| err("truncated".into()))?.to_vec();
        pos += 8 + len;
        Ok(body)
    };
    let state: LoopState = serde_json::from_slice(&next()?).map_err(|e| err(format!("bad state: {e}")))?;
    let rec = ModuleRecord::from_bytes(Bytes::from_bytes_vec(next()?)).map_err(|e| err(format!("{e:?}")))?;
    let nets = nets.try_load_record(rec).map_err(|e| err(format!("{e:?}")))?;
    let mut load_opt = |o: burn::optim::ModuleOptimizer| -> Result<burn::optim::ModuleOptimizer> {
        o.from_bytes(Bytes::from_bytes_vec(next()?)).map_err(|e| err(format!("{e:?}")))
    };
    opt = Optimizers {
        shared: load_opt(opt.shared)?,
        private: load_opt(opt.private)?,
        generator: load_opt(opt.generator)?,
        critic: load_opt(opt.critic)?,
        latent_critic: load_opt(opt.latent_critic)?,
    };
    Ok((state, nets, opt))
}
