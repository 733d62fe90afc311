//! Datasets (native only). Everything arrives through `preprocess::prepare_gray`, so images here
//! are exactly what the scorer sees: `n × 1024` values in [-1, 1].

pub mod folder;
pub mod mnist;
pub mod mnistm;
pub mod optdigits;
pub mod protocol;

use std::path::{Path, PathBuf};

use crate::error::{IradError, Result};
use crate::model::IMAGE_PIXELS;

/// Preprocessed images with string labels (class ids as "0".."9" for the digit sets).
#[derive(Debug, Clone, Default)]
pub struct ImageSet {
    pub name: String,
    /// `n × 1024` values in [-1, 1].
    pub images: Vec<f32>,
    pub labels: Vec<String>,
    /// Where each image came from (file path or dataset row), for reports.
    pub origins: Vec<String>,
}

impl ImageSet {
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    pub fn image(&self, i: usize) -> &[f32] {
        &self.images[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
    }
    /// Indices whose label equals `label`, ascending.
    pub fn indices_of(&self, label: &str) -> Vec<usize> {
        (0..self.len()).filter(|&i| self.labels[i] == label).collect()
    }
    /// A new set with the rows at `idx` (in that order, repeats allowed).
    pub fn subset(&self, idx: &[usize]) -> ImageSet {
        let mut out = ImageSet { name: self.name.clone(), ..Default::default() };
        for &i in idx {
            out.images.extend_from_slice(self.image(i));
            out.labels.push(self.labels[i].clone());
            out.origins.push(self.origins[i].clone());
        }
        out
    }
    pub fn push(&mut self, pixels: Vec<f32>, label: String, origin: String) {
        debug_assert_eq!(pixels.len(), IMAGE_PIXELS);
        self.images.extend(pixels);
        self.labels.push(label);
        self.origins.push(origin);
    }
}

/// Where cached datasets live: `$IRAD_DATA`, else `~/.cache/irad/data`.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("IRAD_DATA") {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache/irad/data")
}

pub(crate) fn read_cached(name: &str, file: &str) -> Result<Vec<u8>> {
    let path = cache_dir().join(file);
    std::fs::read(&path).map_err(|e| IradError::Data {
        name: name.into(),
        reason: format!("cannot read {} ({e}); fetch the datasets with `scripts/fetch-data.sh`", path.display()),
    })
}

/// A domain named on the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// MNIST training images (60,000).
    Mnist,
    /// MNIST test images (10,000).
    MnistTest,
    /// MNIST test digits blended into photo crops (2,000; see `mnistm`).
    MnistM,
    /// UCI optdigits, 1,797 images (8×8 upscaled to 32×32).
    Optdigits,
    /// Fashion-MNIST training images.
    Fashion,
    /// Fashion-MNIST test images.
    FashionTest,
    /// `DIR/<label>/*.png|jpg|…`, or a flat folder (every image labelled `normal`).
    Folder(PathBuf),
}

impl std::str::FromStr for Domain {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "mnist" => Domain::Mnist,
            "mnist-test" => Domain::MnistTest,
            "mnist-m" => Domain::MnistM,
            "optdigits" => Domain::Optdigits,
            "fashion" | "fashion-mnist" => Domain::Fashion,
            "fashion-test" | "fashion-mnist-test" => Domain::FashionTest,
            other if Path::new(other).is_dir() => Domain::Folder(PathBuf::from(other)),
            other => {
                return Err(format!(
                    "`{other}` is neither a dataset (mnist, mnist-test, mnist-m, optdigits, fashion, fashion-test) nor an existing folder"
                ));
            }
        })
    }
}

impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Domain::Mnist => write!(f, "mnist"),
            Domain::MnistTest => write!(f, "mnist-test"),
            Domain::MnistM => write!(f, "mnist-m"),
            Domain::Optdigits => write!(f, "optdigits"),
            Domain::Fashion => write!(f, "fashion"),
            Domain::FashionTest => write!(f, "fashion-test"),
            Domain::Folder(p) => write!(f, "{}", p.display()),
        }
    }
}

impl Domain {
    pub fn load(&self) -> Result<ImageSet> {
        match self {
            Domain::Mnist => mnist::load_mnist(mnist::Split::Train),
            Domain::MnistTest => mnist::load_mnist(mnist::Split::Test),
            Domain::MnistM => mnistm::load(),
            Domain::Optdigits => optdigits::load(),
            Domain::Fashion => mnist::load_fashion(mnist::Split::Train),
            Domain::FashionTest => mnist::load_fashion(mnist::Split::Test),
            Domain::Folder(p) => folder::load(p).map(|(set, _errors)| set),
        }
    }
}
