//! An MNIST-M-style target domain (after Ganin & Lempitsky 2015): MNIST **test** digits blended
//! into crops of natural photographs, `out = |photo − digit|`, in grayscale. The photographs are
//! the sample images shipped inside the scikit-image wheel (fetched by `scripts/fetch-data.sh`);
//! everything else is seeded, so the same files give the same images on every machine.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{ImageSet, cache_dir, read_cached};
use crate::error::{IradError, Result};
use crate::preprocess::{decode, prepare_gray, resize_bilinear, to_gray01};

/// The photographs, in a fixed order (their checksums are verified by `fetch-data.sh`).
pub const PHOTOS: [&str; 14] = [
    "astronaut.png",
    "brick.png",
    "camera.png",
    "chelsea.png",
    "coffee.png",
    "coins.png",
    "grass.png",
    "gravel.png",
    "hubble_deep_field.jpg",
    "ihc.png",
    "moon.png",
    "motorcycle_left.png",
    "retina.jpg",
    "rocket.jpg",
];
/// MNIST test rows used (the first ones; source validation draws from the second half).
pub const COUNT: usize = 2000;
const SEED: u64 = 0x4D4E_4953_544D;
const SIDE: usize = 28;

struct Photo {
    px: Vec<f32>,
    w: usize,
    h: usize,
}

fn load_photos() -> Result<Vec<Photo>> {
    PHOTOS
        .iter()
        .map(|name| {
            let bytes = read_cached("mnist-m", &format!("photos/{name}"))?;
            let img = decode(&bytes, name).map_err(|e| IradError::Data {
                name: "mnist-m".into(),
                reason: format!("{} is not a readable image ({e})", cache_dir().join("photos").join(name).display()),
            })?;
            let (px, w, h) = to_gray01(&img);
            Ok(Photo { px, w, h })
        })
        .collect()
}

/// A random square crop of `photo` (side 28–112 px, so textures vary in scale), resized to 28×28.
fn crop(photo: &Photo, rng: &mut ChaCha8Rng) -> Vec<f32> {
    let side = rng.random_range(SIDE..=(4 * SIDE).min(photo.w).min(photo.h));
    let (x0, y0) = (rng.random_range(0..=photo.w - side), rng.random_range(0..=photo.h - side));
    let mut patch = Vec::with_capacity(side * side);
    for y in y0..y0 + side {
        patch.extend_from_slice(&photo.px[y * photo.w + x0..y * photo.w + x0 + side]);
    }
    resize_bilinear(&patch, side, side, SIDE, SIDE)
}

/// The first `COUNT` MNIST test digits, each blended into its own random photo crop.
pub fn load() -> Result<ImageSet> {
    let photos = load_photos()?;
    let images = read_cached("mnist-m", "mnist/mnist-test-images.u8")?;
    let labels = read_cached("mnist-m", "mnist/mnist-test-labels.u8")?;
    if labels.len() < COUNT || images.len() < COUNT * SIDE * SIDE {
        return Err(IradError::Data { name: "mnist-m".into(), reason: format!("needs {COUNT} MNIST test images; run scripts/fetch-data.sh") });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut set = ImageSet { name: "mnist-m".into(), ..Default::default() };
    for i in 0..COUNT {
        let photo = &photos[rng.random_range(0..photos.len())];
        let bg = crop(photo, &mut rng);
        let digit = &images[i * SIDE * SIDE..(i + 1) * SIDE * SIDE];
        let blended: Vec<f32> = bg.iter().zip(digit).map(|(p, &d)| (p - d as f32 / 255.0).abs()).collect();
        set.push(prepare_gray(&blended, SIDE, SIDE), labels[i].to_string(), format!("mnist-m#{i}"));
    }
    Ok(set)
}
