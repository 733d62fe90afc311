//! The epoch loop: source normals shuffled each epoch, target normals oversampled with
//! replacement to the source size and paired batch by batch. Seeded end to end (data order,
//! noise, dropout), checkpointed atomically, resumable, stoppable.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use burn::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::checkpoint::{self, LoopState};
use super::losses::LossWeights;
use super::step::{Optimizers, StepStats, train_step};
use crate::bundle::fnv1a;
use crate::data::ImageSet;
use crate::data::protocol::oversample;
use crate::error::{IradError, Result};
use crate::model::{IMAGE_PIXELS, IMAGE_SIZE, IradConfig, TrainingNets};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub model: IradConfig,
    pub weights: LossWeights,
    pub lr: f64,
    pub batch: usize,
    pub epochs: usize,
    pub seed: u64,
    /// Cap on steps per epoch (short runs and tests); `None` = a full pass over the source.
    pub max_steps_per_epoch: Option<usize>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            model: IradConfig::default(),
            weights: LossWeights::default(),
            lr: 1e-4,
            batch: 48,
            epochs: 15,
            seed: 0,
            max_steps_per_epoch: None,
        }
    }
}

pub struct TrainOutcome {
    pub nets: TrainingNets,
    /// Mean losses per finished epoch.
    pub history: Vec<StepStats>,
    /// What `on_epoch` returned after each epoch.
    pub evals: Vec<Option<super::fit::EvalPoint>>,
    /// True when stopped (Ctrl-C) before the last epoch; the checkpoint holds the position.
    pub interrupted: bool,
    /// Mean wall time of the steps run in this call.
    pub seconds_per_step: f64,
}

pub struct Trainer<'a> {
    pub config: TrainConfig,
    /// Source normals and target normals (already split).
    pub source: &'a ImageSet,
    pub target: &'a ImageSet,
    /// An autodiff device.
    pub device: Device,
    pub checkpoint: Option<PathBuf>,
    pub progress: bool,
    pub stop: Arc<AtomicBool>,
}

fn mix(a: u64, b: u64) -> u64 {
    // SplitMix64 finaliser over a combination: distinct streams per (seed, epoch, step).
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn batch_tensor(set: &ImageSet, idx: &[usize], device: &Device) -> Tensor<4> {
    let mut flat = Vec::with_capacity(idx.len() * IMAGE_PIXELS);
    for &i in idx {
        flat.extend_from_slice(set.image(i));
    }
    Tensor::<1>::from_floats(flat.as_slice(), device).reshape([idx.len(), 1, IMAGE_SIZE, IMAGE_SIZE])
}

impl Trainer<'_> {
    fn fingerprint(&self) -> String {
        let cfg = serde_json::to_string(&TrainConfig { epochs: 0, ..self.config.clone() }).unwrap_or_default();
        let data = format!("{}|{}|{}", self.source.len(), self.target.origins.join(","), self.source.origins.first().cloned().unwrap_or_default());
        format!("{:016x}", mix(fnv1a(cfg.as_bytes()), fnv1a(data.as_bytes())))
    }

    pub fn steps_per_epoch(&self) -> usize {
        let full = self.source.len().div_ceil(self.config.batch);
        self.config.max_steps_per_epoch.map_or(full, |m| m.min(full)).max(1)
    }

    /// Train (or resume). `on_epoch(epoch, nets)` runs after each epoch; what it returns is kept
    /// in `evals` (used for AUROC-against-epochs curves).
    pub fn run(&self, resume: bool, on_epoch: &mut dyn FnMut(usize, &TrainingNets) -> Option<super::fit::EvalPoint>) -> Result<TrainOutcome> {
        let c = &self.config;
        if self.source.is_empty() || self.target.is_empty() {
            return Err(IradError::Invalid("training needs at least one source and one target normal".into()));
        }
        if c.batch == 0 || c.epochs == 0 {
            return Err(IradError::Invalid("batch size and epochs must be at least 1".into()));
        }
        self.device.seed(c.seed);
        let mut nets = TrainingNets::new(&c.model, &self.device);
        let mut opt = Optimizers::adam();
        let mut state = LoopState {
            fingerprint: self.fingerprint(),
            epoch: 0,
            step: 0,
            history: vec![],
            partial: StepStats::default(),
            evals: vec![],
        };
        if resume {
            let path = self.checkpoint.as_ref().ok_or_else(|| IradError::Invalid("--resume needs a checkpoint path".into()))?;
            if path.exists() {
                let (s, n, o) = checkpoint::load(path, nets, opt)?;
                if s.fingerprint != state.fingerprint {
                    return Err(IradError::Checkpoint {
                        path: path.display().to_string(),
                        reason: "it was written with other data or settings; remove it or train without --resume".into(),
                    });
                }
                (state, nets, opt) = (s, n, o);
            }
        }
        let spe = self.steps_per_epoch();
        let total = (c.epochs * spe) as u64;
        let bar = if self.progress {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} epoch {prefix} [{bar:30}] {pos}/{len} steps · {per_sec} · ETA {eta} · {msg}",
                )
                .unwrap()
                .progress_chars("=> "),
            );
            b
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_position((state.epoch.min(c.epochs) * spe + state.step) as u64);
        // Time in training steps only (evaluation hooks and checkpoints excluded).
        let mut step_time = std::time::Duration::ZERO;
        let mut steps_run = 0usize;
        let mut interrupted = false;
        let save = |state: &LoopState, nets: &TrainingNets, opt: &Optimizers| -> Result<()> {
            match &self.checkpoint {
                Some(p) => checkpoint::save(p, state, nets, opt),
                None => Ok(()),
            }
        };
        'epochs: while state.epoch < c.epochs {
            let epoch = state.epoch;
            bar.set_prefix(format!("{}/{}", epoch + 1, c.epochs));
            let mut rng = ChaCha8Rng::seed_from_u64(mix(c.seed, epoch as u64 + 1));
            let mut order: Vec<usize> = (0..self.source.len()).collect();
            order.shuffle(&mut rng);
            let target_rows: Vec<usize> = (0..self.target.len()).collect();
            let paired = oversample(&target_rows, order.len(), &mut rng);
            while state.step < spe {
                if self.stop.load(Ordering::SeqCst) {
                    interrupted = true;
                    break 'epochs;
                }
                let s = state.step;
                let lo = s * c.batch;
                let hi = ((s + 1) * c.batch).min(order.len());
                let xs = batch_tensor(self.source, &order[lo..hi], &self.device);
                let xt = batch_tensor(self.target, &paired[lo..hi], &self.device);
                self.device.seed(mix(c.seed, ((epoch as u64) << 32) | s as u64));
                let t0 = Instant::now();
                let (n, stats) = train_step(nets, &mut opt, xs, xt, &c.weights, c.lr);
                step_time += t0.elapsed();
                nets = n;
                state.partial.add(&stats);
                state.step += 1;
                steps_run += 1;
                bar.set_message(format!(
                    "D {:.3} Dz {:.3} G {:.3} cycle {:.4}",
                    stats.critic, stats.latent_critic, stats.generator, stats.cycle
                ));
                bar.inc(1);
            }
            let mut mean = state.partial;
            mean.scale(1.0 / spe as f32);
            state.history.push(mean);
            state.evals.push(on_epoch(epoch, &nets));
            state.epoch += 1;
            state.step = 0;
            state.partial = StepStats::default();
            save(&state, &nets, &opt)?;
        }
        if interrupted {
            save(&state, &nets, &opt)?;
            bar.abandon_with_message("stopped; checkpoint saved");
        } else {
            bar.finish_and_clear();
        }
        Ok(TrainOutcome {
            nets,
            history: state.history,
            evals: state.evals,
            interrupted,
            seconds_per_step: step_time.as_secs_f64() / steps_run.max(1) as f64,
        })
    }
}
