use burn::nn::conv::{ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

/// DCGAN-style generator L → 1×32×32 in [-1, 1]; no biases (BN follows every layer but the last).
#[derive(Module, Debug)]
pub struct Generator {
    up1: ConvTranspose2d,
    bn1: BatchNorm,
    up2: ConvTranspose2d,
    bn2: BatchNorm,
    up3: ConvTranspose2d,
    bn3: BatchNorm,
    up4: ConvTranspose2d,
}

fn up(cin: usize, cout: usize, stride: usize, pad: usize) -> ConvTranspose2dConfig {
    ConvTranspose2dConfig::new([cin, cout], [4, 4])
        .with_stride([stride, stride])
        .with_padding([pad, pad])
        .with_bias(false)
}

impl Generator {
    pub fn new(latent: usize, device: &Device) -> Self {
        Self {
            up1: up(latent, 256, 1, 0).init(device),
            bn1: BatchNormConfig::new(256).init(device),
            up2: up(256, 128, 2, 1).init(device),
            bn2: BatchNormConfig::new(128).init(device),
            up3: up(128, 64, 2, 1).init(device),
            bn3: BatchNormConfig::new(64).init(device),
            up4: up(64, 1, 2, 1).init(device),
        }
    }

    /// `z`: (B, L) → (B, 1, 32, 32).
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        let [b, l] = z.dims();
        let x = z.reshape([b, l, 1, 1]);
        let x = relu(self.bn1.forward(self.up1.forward(x)));
        let x = relu(self.bn2.forward(self.up2.forward(x)));
        let x = relu(self.bn3.forward(self.up3.forward(x)));
        tanh(self.up4.forward(x))
    }
}
