#![cfg(not(target_arch = "wasm32"))]
//! Networks, gradients and the update order.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use irad::model::{Encoder, Generator, ImageCritic, IradConfig, LatentCritic, ScoringNets, TrainingNets};
use irad::train::LossWeights;
use irad::train::losses::{critic_losses, forward, network_losses, terms};
use irad::train::step::{Optimizers, gradients, train_step};

fn dev() -> Device {
    Device::flex()
}

/// burn's CPU backend keeps one process-wide RNG: tests that seed it must not interleave.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn parameter_counts_match_the_design() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let d = dev();
    // `num_params` also counts BatchNorm running mean and variance (2 per BN channel),
    // which the design's counts (trainable parameters) leave out.
    let bn = |channels: &[usize]| 2 * channels.iter().sum::<usize>();
    assert_eq!(Encoder::new(64, &d).num_params() - bn(&[32, 64, 128, 256]), 952_288);
    assert_eq!(Generator::new(64, &d).num_params() - bn(&[256, 128, 64]), 919_424);
    assert_eq!(ImageCritic::new(0.5, &d).num_params() - bn(&[32, 32]), 279_489);
    assert_eq!(LatentCritic::new(64, 0.5, &d).num_params(), 8_449);
}

#[test]
fn shapes() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let d = dev();
    let nets = ScoringNets::new(&IradConfig { latent: 32, dropout: 0.5 }, &d).valid();
    let x = Tensor::<4>::random([3, 1, 32, 32], burn::tensor::Distribution::Uniform(-1.0, 1.0), &d);
    let (f, r) = nets.features_and_reconstruction(x.clone());
    assert_eq!(f.dims(), [3, 32]);
    assert_eq!(r.dims(), [3, 1, 32, 32]);
    let r: Vec<f32> = r.into_data().convert::<f32>().try_into_vec().unwrap();
    assert!(r.iter().all(|v| (-1.0..=1.0).contains(v)), "generator output must be tanh-bounded");
    assert_eq!(ImageCritic::new(0.5, &d).valid().forward(x).dims(), [3, 1]);
}

/// Flatten every gradient a `GradientsParams` holds for `module`'s parameters.
fn flat<M: Module>(module: &M, grads: &GradientsParams) -> Vec<f32> {
    struct V<'a>(&'a GradientsParams, Vec<f32>, usize);
    impl ModuleVisitor for V<'_> {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            if let Some(g) = self.0.get::<D>(p.id) {
                self.1.extend(g.into_data().convert::<f32>().try_into_vec::<f32>().unwrap());
                self.2 += 1;
            }
        }
    }
    let mut v = V(grads, vec![], 0);
    module.visit(&mut v);
    assert!(v.2 > 0, "no gradients found for the module");
    v.1
}

fn assert_close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: gradient sizes differ");
    let scale = b.iter().map(|v| v.abs()).fold(0.0f32, f32::max).max(1e-6);
    let worst = a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
    assert!(worst <= 2e-4 * scale, "{what}: gradients differ by {worst} (scale {scale})");
}

fn batch(seed: u64, d: &Device) -> Tensor<4> {
    d.seed(seed);
    Tensor::<4>::random([6, 1, 32, 32], burn::tensor::Distribution::Uniform(-1.0, 1.0), d)
}

#[test]
fn each_network_gets_the_gradient_of_its_own_loss() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Dropout off so two forward passes are identical; the noise is re-seeded.
    let d = dev().autodiff();
    d.seed(3);
    let nets = TrainingNets::new(&IradConfig { latent: 16, dropout: 0.0 }, &d);
    let w = LossWeights { alpha: 1.0, beta: 0.5, latent: 1.0, random_style: true };
    let (xs, xt) = (batch(11, &d), batch(12, &d));
    // burn initialises parameters lazily, drawing from the same RNG as the noise: materialise
    // them first so both passes below draw identical noise after re-seeding.
    let _ = gradients(&nets, xs.clone(), xt.clone(), &w);

    d.seed(99);
    let step = gradients(&nets, xs.clone(), xt.clone(), &w);

    // Reference: each network's own loss, from a fresh forward pass at the same parameters.
    let own = |which: &str| -> Vec<f32> {
        d.seed(99);
        let f = forward(&nets, xs.clone(), xt.clone(), &w);
        let t = terms(&nets.critic, &nets.latent_critic, xs.clone(), &f);
        let l = network_losses(&t, &w);
        let (dl, dzl) = critic_losses(&nets, xs.clone(), &f, &w);
        match which {
            "generator" => flat(&nets.generator, &GradientsParams::from_grads(l.generator.backward(), &nets.generator)),
            "private" => flat(&nets.private, &GradientsParams::from_grads(l.private.backward(), &nets.private)),
            "shared" => flat(&nets.shared, &GradientsParams::from_grads(l.shared.backward(), &nets.shared)),
            "critic" => flat(&nets.critic, &GradientsParams::from_grads(dl.backward(), &nets.critic)),
            "latent_critic" => flat(&nets.latent_critic, &GradientsParams::from_grads(dzl.backward(), &nets.latent_critic)),
            _ => unreachable!(),
        }
    };
    assert_close(&flat(&nets.generator, &step.generator), &own("generator"), "G");
    assert_close(&flat(&nets.private, &step.private), &own("private"), "E_pv");
    assert_close(&flat(&nets.shared, &step.shared), &own("shared"), "E_sh");
    assert_close(&flat(&nets.critic, &step.critic), &own("critic"), "D");
    assert_close(&flat(&nets.latent_critic, &step.latent_critic), &own("latent_critic"), "D_z");

    // And the combined scalar is not trivially equal to every loss: G's own loss differs from E_sh's.
    let own_g = own("generator");
    assert!(own_g.iter().any(|v| v.abs() > 0.0));
}

fn params<M: Module>(m: &M) -> Vec<f32> {
    struct V(Vec<f32>);
    impl ModuleVisitor for V {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            self.0.extend(p.val().into_data().convert::<f32>().try_into_vec::<f32>().unwrap());
        }
    }
    let mut v = V(vec![]);
    m.visit(&mut v);
    v.0
}

#[test]
fn a_step_updates_every_network() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let d = dev().autodiff();
    d.seed(5);
    let nets = TrainingNets::new(&IradConfig { latent: 16, dropout: 0.5 }, &d);
    let before = [params(&nets.shared), params(&nets.private), params(&nets.generator), params(&nets.critic), params(&nets.latent_critic)];
    let mut opt = Optimizers::adam();
    let (nets, stats) = train_step(nets, &mut opt, batch(1, &d), batch(2, &d), &LossWeights::default(), 1e-3);
    let after = [params(&nets.shared), params(&nets.private), params(&nets.generator), params(&nets.critic), params(&nets.latent_critic)];
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert!(b.iter().zip(a).any(|(x, y)| x != y), "network {i} did not change");
    }
    assert!(stats.cycle.is_finite() && stats.critic.is_finite());
}
