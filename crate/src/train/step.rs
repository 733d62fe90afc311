//! One IRAD update: one forward pass, every network's gradient from it, then every optimiser
//! steps (never a step between two gradient computations).

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::losses::{LossWeights, critic_losses, forward, generator_side_total, network_losses, terms};
use crate::model::TrainingNets;

/// One Adam per network (design: lr 1e-4, β1 0.5, β2 0.999).
pub struct Optimizers {
    pub shared: ModuleOptimizer,
    pub private: ModuleOptimizer,
    pub generator: ModuleOptimizer,
    pub critic: ModuleOptimizer,
    pub latent_critic: ModuleOptimizer,
}

impl Optimizers {
    pub fn adam() -> Self {
        let c = AdamConfig::new().with_beta_1(0.5).with_beta_2(0.999).with_epsilon(1e-8);
        Self { shared: c.init(), private: c.init(), generator: c.init(), critic: c.init(), latent_critic: c.init() }
    }

    pub fn all(&self) -> [&ModuleOptimizer; 5] {
        [&self.shared, &self.private, &self.generator, &self.critic, &self.latent_critic]
    }
}

/// Loss values of one step, for progress and history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StepStats {
    pub critic: f32,
    pub latent_critic: f32,
    pub generator: f32,
    pub private: f32,
    pub shared: f32,
    pub cycle: f32,
}

impl StepStats {
    pub fn add(&mut self, o: &StepStats) {
        self.critic += o.critic;
        self.latent_critic += o.latent_critic;
        self.generator += o.generator;
        self.private += o.private;
        self.shared += o.shared;
        self.cycle += o.cycle;
    }
    pub fn scale(&mut self, k: f32) {
        for v in [&mut self.critic, &mut self.latent_critic, &mut self.generator, &mut self.private, &mut self.shared, &mut self.cycle] {
            *v *= k;
        }
    }
}

/// Gradients of one step, per network, all evaluated at the same parameters.
pub struct StepGrads {
    pub shared: GradientsParams,
    pub private: GradientsParams,
    pub generator: GradientsParams,
    pub critic: GradientsParams,
    pub latent_critic: GradientsParams,
    pub stats: StepStats,
}

/// Forward once, compute every network's gradient. `xs`, `xt` on an autodiff device.
pub fn gradients(nets: &TrainingNets, xs: Tensor<4>, xt: Tensor<4>, w: &LossWeights) -> StepGrads {
    let f = forward(nets, xs.clone(), xt, w);
    let t = terms(&nets.critic, &nets.latent_critic, xs.clone(), &f);
    let own = network_losses(&t, w);
    let total = generator_side_total(&t, w);
    let (d, dz) = critic_losses(nets, xs, &f, w);
    // One read-back for all reported values.
    let report = Tensor::cat(
        vec![d.clone(), dz.clone(), own.generator.detach(), own.private.detach(), own.shared.detach(), t.cycle.detach()],
        0,
    );
    let mut g_side = total.backward();
    let mut c_side = (d + dz).backward();
    let v: Vec<f32> = report.into_data().convert::<f32>().try_into_vec::<f32>().expect("f32 losses");
    StepGrads {
        shared: GradientsParams::from_module(&mut g_side, &nets.shared),
        private: GradientsParams::from_module(&mut g_side, &nets.private),
        generator: GradientsParams::from_module(&mut g_side, &nets.generator),
        critic: GradientsParams::from_module(&mut c_side, &nets.critic),
        latent_critic: GradientsParams::from_module(&mut c_side, &nets.latent_critic),
        stats: StepStats { critic: v[0], latent_critic: v[1], generator: v[2], private: v[3], shared: v[4], cycle: v[5] },
    }
}

/// One full update.
pub fn train_step(nets: TrainingNets, opt: &mut Optimizers, xs: Tensor<4>, xt: Tensor<4>, w: &LossWeights, lr: f64) -> (TrainingNets, StepStats) {
    let g = gradients(&nets, xs, xt, w);
    let nets = TrainingNets {
        shared: opt.shared.step(lr, nets.shared, g.shared),
        private: opt.private.step(lr, nets.private, g.private),
        generator: opt.generator.step(lr, nets.generator, g.generator),
        critic: opt.critic.step(lr, nets.critic, g.critic),
        latent_critic: opt.latent_critic.step(lr, nets.latent_critic, g.latent_critic),
    };
    (nets, g.stats)
}
