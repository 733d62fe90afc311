use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Encoder, Generator, ImageCritic, LatentCritic};

/// Architecture settings that a bundle must carry to rebuild the networks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IradConfig {
    /// Latent size L.
    pub latent: usize,
    /// Dropout of both critics during training.
    pub dropout: f64,
}

impl Default for IradConfig {
    fn default() -> Self {
        Self { latent: 64, dropout: 0.5 }
    }
}

/// What scoring needs: shared encoder, source-private encoder, generator.
/// This is all a bundle stores and all the browser runs.
#[derive(Module, Debug)]
pub struct ScoringNets {
    pub shared: Encoder,
    pub private: Encoder,
    pub generator: Generator,
}

impl ScoringNets {
    pub fn new(config: &IradConfig, device: &Device) -> Self {
        Self {
            shared: Encoder::new(config.latent, device),
            private: Encoder::new(config.latent, device),
            generator: Generator::new(config.latent, device),
        }
    }

    /// Shared features and reconstruction G(E_pv(x) + E_sh(x)) in one pass.
    pub fn features_and_reconstruction(&self, x: Tensor<4>) -> (Tensor<2>, Tensor<4>) {
        let shared = self.shared.forward(x.clone());
        let private = self.private.forward(x);
        let recon = self.generator.forward(shared.clone() + private);
        (shared, recon)
    }
}

/// Every network trained by IRAD: the scoring nets plus the two critics.
#[derive(Module, Debug)]
pub struct TrainingNets {
    pub shared: Encoder,
    pub private: Encoder,
    pub generator: Generator,
    pub critic: ImageCritic,
    pub latent_critic: LatentCritic,
}

impl TrainingNets {
    pub fn new(config: &IradConfig, device: &Device) -> Self {
        Self {
            shared: Encoder::new(config.latent, device),
            private: Encoder::new(config.latent, device),
            generator: Generator::new(config.latent, device),
            critic: ImageCritic::new(config.dropout, device),
            latent_critic: LatentCritic::new(config.latent, config.dropout, device),
        }
    }

    /// The scoring part, for evaluation and bundles.
    pub fn scoring(&self) -> ScoringNets {
        ScoringNets {
            shared: self.shared.clone(),
            private: self.private.clone(),
            generator: self.generator.clone(),
        }
    }
}
