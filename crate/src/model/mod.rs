//! The IRAD networks. Backend-agnostic: every module runs on whatever `Device` it is built on
//! (flex CPU, wgpu natively or in the browser; autodiff for training).

mod critics;
mod encoder;
mod generator;
mod irad;

pub use critics::{ImageCritic, LatentCritic};
pub use encoder::Encoder;
pub use generator::Generator;
pub use irad::{IradConfig, ScoringNets, TrainingNets};

/// Side length of the square images every network sees.
pub const IMAGE_SIZE: usize = 32;
/// Pixels in one preprocessed image (1 channel).
pub const IMAGE_PIXELS: usize = IMAGE_SIZE * IMAGE_SIZE;

use burn::nn::conv::Conv2dConfig;
use burn::nn::PaddingConfig2d;

/// The k4 s2 p1 convolution that halves the spatial size; used by the encoder and critic.
pub(crate) fn down_conv(cin: usize, cout: usize) -> Conv2dConfig {
    Conv2dConfig::new([cin, cout], [4, 4])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_bias(true)
}
