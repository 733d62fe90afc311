use burn::nn::conv::Conv2d;
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;

use super::down_conv;

/// Conv encoder 1×32×32 → L: four (conv k4 s2 p1, BN, ReLU) blocks and a final conv to 1×1×L.
/// The code has no activation (codes of two encoders are added before the generator).
#[derive(Module, Debug)]
pub struct Encoder {
    conv1: Conv2d,
    bn1: BatchNorm,
    conv2: Conv2d,
    bn2: BatchNorm,
    conv3: Conv2d,
    bn3: BatchNorm,
    conv4: Conv2d,
    bn4: BatchNorm,
    head: Conv2d,
}

impl Encoder {
    pub fn new(latent: usize, device: &Device) -> Self {
        Self {
            conv1: down_conv(1, 32).init(device),
            bn1: BatchNormConfig::new(32).init(device),
            conv2: down_conv(32, 64).init(device),
            bn2: BatchNormConfig::new(64).init(device),
            conv3: down_conv(64, 128).init(device),
            bn3: BatchNormConfig::new(128).init(device),
            conv4: down_conv(128, 256).init(device),
            bn4: BatchNormConfig::new(256).init(device),
            head: down_conv(256, latent).init(device),
        }
    }

    /// `x`: (B, 1, 32, 32) in [-1, 1] → (B, L).
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = relu(self.bn1.forward(self.conv1.forward(x)));
        let x = relu(self.bn2.forward(self.conv2.forward(x)));
        let x = relu(self.bn3.forward(self.conv3.forward(x)));
        let x = relu(self.bn4.forward(self.conv4.forward(x)));
        self.head.forward(x).flatten(1, 3)
    }
}
