use burn::nn::conv::Conv2d;
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{leaky_relu, relu};

use super::down_conv;

/// Image discriminator D. Returns **logits**: the sigmoid of the design is folded into the
/// BCE loss (`train::losses::bce_logits`) so saturated outputs keep finite gradients.
#[derive(Module, Debug)]
pub struct ImageCritic {
    conv1: Conv2d,
    bn1: BatchNorm,
    conv2: Conv2d,
    bn2: BatchNorm,
    fc1: Linear,
    dropout: Dropout,
    fc2: Linear,
}

impl ImageCritic {
    pub fn new(dropout: f64, device: &Device) -> Self {
        Self {
            conv1: down_conv(1, 32).init(device),
            bn1: BatchNormConfig::new(32).init(device),
            conv2: down_conv(32, 32).init(device),
            bn2: BatchNormConfig::new(32).init(device),
            fc1: LinearConfig::new(32 * 8 * 8, 128).init(device),
            dropout: DropoutConfig::new(dropout).init(),
            fc2: LinearConfig::new(128, 1).init(device),
        }
    }

    /// (B, 1, 32, 32) → (B, 1) logits.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = relu(self.bn1.forward(self.conv1.forward(x)));
        let x = relu(self.bn2.forward(self.conv2.forward(x)));
        let x = leaky_relu(self.fc1.forward(x.flatten(1, 3)), 0.2);
        self.fc2.forward(self.dropout.forward(x))
    }
}

/// Latent (domain) critic D_z on shared codes. Returns logits.
#[derive(Module, Debug)]
pub struct LatentCritic {
    fc1: Linear,
    dropout: Dropout,
    fc2: Linear,
}

impl LatentCritic {
    pub fn new(latent: usize, dropout: f64, device: &Device) -> Self {
        Self {
            fc1: LinearConfig::new(latent, 128).init(device),
            dropout: DropoutConfig::new(dropout).init(),
            fc2: LinearConfig::new(128, 1).init(device),
        }
    }

    /// (B, L) → (B, 1) logits.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        let x = leaky_relu(self.fc1.forward(z), 0.2);
        self.fc2.forward(self.dropout.forward(x))
    }
}
