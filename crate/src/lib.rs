//! IRAD — Invariant Representation Anomaly Detection (Yang, Soltani & Darve), in Rust.
//!
//! Trained natively on many source-domain normals plus a few target-domain normals; scored
//! natively or in the browser (wasm + WebGPU) through the same model, preprocessing and detector.

pub mod bundle;
pub mod detector;
pub mod error;
pub mod fsutil;
pub mod metrics;
pub mod model;
pub mod preprocess;
pub mod score;

#[cfg(feature = "native")]
pub mod data;
#[cfg(feature = "native")]
pub mod train;
#[cfg(feature = "native")]
pub mod cli;
#[cfg(feature = "native")]
pub mod experiment;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use bundle::Bundle;
pub use error::{IradError, Result};
pub use score::{ImageScore, Scorer};
