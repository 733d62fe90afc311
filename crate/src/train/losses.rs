//! The IRAD losses (design §1). Critics output logits; BCE is computed from logits, which equals
//! BCE on their sigmoid but stays finite when a critic saturates.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{ImageCritic, LatentCritic, TrainingNets};

/// Loss weights. `alpha`: cycle (reconstruction) terms; `beta`: disentanglement and similarity;
/// `latent`: the domain-confusion terms through D_z (0 = latent critic off); `random_style`:
/// whether x_rnd = G(z + E_sh(x_s)) takes part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LossWeights {
    pub alpha: f32,
    pub beta: f32,
    pub latent: f32,
    pub random_style: bool,
}

impl Default for LossWeights {
    fn default() -> Self {
        Self { alpha: 1.0, beta: 0.5, latent: 1.0, random_style: true }
    }
}

/// Mean binary cross-entropy of `sigmoid(logits)` against a constant target.
pub fn bce_logits(logits: Tensor<2>, target: f32) -> Tensor<1> {
    // softplus(l) − y·l, with softplus(l) = max(l, 0) + ln(1 + e^{−|l|}).
    let softplus = logits.clone().clamp_min(0.0) + logits.clone().abs().neg().exp().log1p();
    (softplus - logits.mul_scalar(target)).mean()
}

pub fn mse(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    (a - b).square().mean()
}

/// ‖ â b̂ᵀ ‖_F with rows L2-normalised: how aligned two sets of codes are.
pub fn cos_frobenius(a: Tensor<2>, b: Tensor<2>) -> Tensor<1> {
    let norm = |t: Tensor<2>| {
        let n = t.clone().square().sum_dim(1).sqrt().add_scalar(1e-8);
        t / n
    };
    norm(a).matmul(norm(b).transpose()).square().sum().add_scalar(1e-12).sqrt()
}

/// Everything one training step computes forward, shared by all losses.
pub struct Forward {
    /// E_sh(x_s), E_sh(x_t), E_pv(x_s)
    pub shared_s: Tensor<2>,
    pub shared_t: Tensor<2>,
    pub private_s: Tensor<2>,
    /// G(E_pv(x_s) + E_sh(x_s)), G(E_pv(x_s) + E_sh(x_t)), G(z + E_sh(x_s))
    pub recon_src: Tensor<4>,
    pub recon_tgt: Tensor<4>,
    pub random: Option<Tensor<4>>,
}

pub fn forward(nets: &TrainingNets, xs: Tensor<4>, xt: Tensor<4>, w: &LossWeights) -> Forward {
    let shared_s = nets.shared.forward(xs.clone());
    let shared_t = nets.shared.forward(xt);
    let private_s = nets.private.forward(xs);
    let recon_src = nets.generator.forward(private_s.clone() + shared_s.clone());
    let recon_tgt = nets.generator.forward(private_s.clone() + shared_t.clone());
    let random = w.random_style.then(|| {
        let z = Tensor::<2>::random(shared_s.dims(), burn::tensor::Distribution::Normal(0.0, 1.0), &shared_s.device());
        nets.generator.forward(z + shared_s.clone())
    });
    Forward { shared_s, shared_t, private_s, recon_src, recon_tgt, random }
}

/// The terms of the encoders' and generator's losses, unweighted.
pub struct Terms {
    /// D(x̂_src)→1 + D(x̂_tgt)→1
    pub adv: Tensor<1>,
    /// D(x_rnd)→1 (zero when random style is off)
    pub adv_random: Tensor<1>,
    /// MSE(x_s, x̂_src) + MSE(x_s, x̂_tgt)
    pub cycle: Tensor<1>,
    /// D_z(E_sh(x_s))→0 + D_z(E_sh(x_t))→1
    pub fool: Tensor<1>,
    /// ‖cos(E_sh(x_s), E_pv(x_s))‖_F
    pub disentangle: Tensor<1>,
    /// −‖cos(E_sh(x_t), E_sh(x_s))‖_F
    pub similarity: Tensor<1>,
}

pub fn terms(critic: &ImageCritic, latent_critic: &LatentCritic, xs: Tensor<4>, f: &Forward) -> Terms {
    let adv = bce_logits(critic.forward(f.recon_src.clone()), 1.0) + bce_logits(critic.forward(f.recon_tgt.clone()), 1.0);
    let adv_random = match &f.random {
        Some(r) => bce_logits(critic.forward(r.clone()), 1.0),
        None => Tensor::zeros([1], &xs.device()),
    };
    let cycle = mse(xs.clone(), f.recon_src.clone()) + mse(xs, f.recon_tgt.clone());
    let fool = bce_logits(latent_critic.forward(f.shared_s.clone()), 0.0)
        + bce_logits(latent_critic.forward(f.shared_t.clone()), 1.0);
    let disentangle = cos_frobenius(f.shared_s.clone(), f.private_s.clone());
    let similarity = cos_frobenius(f.shared_t.clone(), f.shared_s.clone()).neg();
    Terms { adv, adv_random, cycle, fool, disentangle, similarity }
}

/// Each network's own loss, exactly as the design states it.
pub struct NetworkLosses {
    pub generator: Tensor<1>,
    pub private: Tensor<1>,
    pub shared: Tensor<1>,
}

pub fn network_losses(t: &Terms, w: &LossWeights) -> NetworkLosses {
    let cycle = t.cycle.clone().mul_scalar(w.alpha);
    NetworkLosses {
        generator: t.adv.clone() + t.adv_random.clone() + cycle.clone(),
        private: t.adv.clone() + cycle.clone() + t.disentangle.clone().mul_scalar(w.beta),
        shared: t.adv.clone()
            + t.adv_random.clone()
            + cycle
            + t.fool.clone().mul_scalar(w.latent)
            + (t.disentangle.clone() + t.similarity.clone()).mul_scalar(w.beta),
    }
}

/// One scalar whose gradient w.r.t. each of E_sh, E_pv and G equals the gradient of that
/// network's own loss: every term is included once, and a term absent from a network's loss
/// does not depend on that network's parameters (x_rnd, the D_z terms and the similarity term
/// never touch E_pv; the D_z, disentangle and similarity terms never touch G). Gradients it
/// sends into D and D_z are discarded; they learn from `critic_losses`.
pub fn generator_side_total(t: &Terms, w: &LossWeights) -> Tensor<1> {
    t.adv.clone()
        + t.adv_random.clone()
        + t.cycle.clone().mul_scalar(w.alpha)
        + t.fool.clone().mul_scalar(w.latent)
        + (t.disentangle.clone() + t.similarity.clone()).mul_scalar(w.beta)
}

/// D: real x_s → 1, generated → 0. D_z: E_sh(x_s) → 1, E_sh(x_t) → 0. Inputs are detached so
/// only the critics receive gradients.
pub fn critic_losses(nets: &TrainingNets, xs: Tensor<4>, f: &Forward, w: &LossWeights) -> (Tensor<1>, Tensor<1>) {
    let mut d = bce_logits(nets.critic.forward(xs), 1.0)
        + bce_logits(nets.critic.forward(f.recon_src.clone().detach()), 0.0)
        + bce_logits(nets.critic.forward(f.recon_tgt.clone().detach()), 0.0);
    if let Some(r) = &f.random {
        d = d + bce_logits(nets.critic.forward(r.clone().detach()), 0.0);
    }
    let dz = bce_logits(nets.latent_critic.forward(f.shared_s.clone().detach()), 1.0)
        + bce_logits(nets.latent_critic.forward(f.shared_t.clone().detach()), 0.0);
    (d, dz.mul_scalar(if w.latent > 0.0 { 1.0 } else { 0.0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev() -> Device {
        Device::flex()
    }
    fn scalar(t: Tensor<1>) -> f32 {
        t.into_scalar::<f32>()
    }

    #[test]
    fn bce_matches_hand_computation() {
        // sigmoid(0) = 0.5 → −ln 0.5 for either target.
        let l = Tensor::<2>::from_floats([[0.0], [0.0]], &dev());
        assert!((scalar(bce_logits(l, 1.0)) - std::f32::consts::LN_2).abs() < 1e-6);
        // logit 2 → p = 0.880797; target 1: −ln p = 0.126928; target 0: −ln(1−p) = 2.126928.
        let l = Tensor::<2>::from_floats([[2.0]], &dev());
        assert!((scalar(bce_logits(l.clone(), 1.0)) - 0.126_928).abs() < 1e-5);
        assert!((scalar(bce_logits(l, 0.0)) - 2.126_928).abs() < 1e-5);
        // Saturated logits stay finite.
        let l = Tensor::<2>::from_floats([[200.0]], &dev());
        assert!((scalar(bce_logits(l, 0.0)) - 200.0).abs() < 1e-3);
    }

    #[test]
    fn mse_matches_hand_computation() {
        let a = Tensor::<1>::from_floats([0.0, 1.0, 2.0, 3.0], &dev()).reshape([1, 1, 2, 2]);
        let b = Tensor::<1>::from_floats([1.0, 1.0, 0.0, 3.0], &dev()).reshape([1, 1, 2, 2]);
        // (1 + 0 + 4 + 0) / 4
        assert!((scalar(mse(a, b)) - 1.25).abs() < 1e-6);
    }

    #[test]
    fn cos_frobenius_matches_hand_computation() {
        // Every row of one orthogonal to every row of the other → 0.
        let a = Tensor::<2>::from_floats([[1.0, 0.0], [2.0, 0.0]], &dev());
        let b = Tensor::<2>::from_floats([[0.0, 3.0], [0.0, -4.0]], &dev());
        assert!(scalar(cos_frobenius(a, b)).abs() < 1e-4);
        // Orthonormal rows against themselves → ‖I₂‖_F = √2.
        let a = Tensor::<2>::from_floats([[1.0, 0.0], [0.0, 2.0]], &dev());
        assert!((scalar(cos_frobenius(a.clone(), a)) - 2f32.sqrt()).abs() < 1e-5);
        // [[1,0]] vs [[1,1]]: cos = 1/√2.
        let a = Tensor::<2>::from_floats([[1.0, 0.0]], &dev());
        let b = Tensor::<2>::from_floats([[1.0, 1.0]], &dev());
        assert!((scalar(cos_frobenius(a, b)) - 0.5f32.sqrt()).abs() < 1e-5);
    }
}
