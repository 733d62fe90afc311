//! Native training: losses, the per-step update, the epoch loop with checkpoints, and detector
//! fitting / evaluation on top of a trained model.

pub mod checkpoint;
pub mod fit;
pub mod losses;
pub mod step;
pub mod trainer;

pub use fit::{DetectorKind, EvalPoint, EvalReport, eval_point, evaluate, fit_detector};
pub use losses::LossWeights;
pub use trainer::{TrainConfig, TrainOutcome, Trainer};
