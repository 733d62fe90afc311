#![cfg(not(target_arch = "wasm32"))]
//! Real datasets (fetched by `scripts/fetch-data.sh`) and the digits protocol.

use irad::data::protocol::{source_normals, split_target};
use irad::data::{Domain, ImageSet};

fn load(d: Domain) -> ImageSet {
    d.load().unwrap_or_else(|e| panic!("{e} — run scripts/fetch-data.sh (the README's setup does)"))
}

#[test]
fn mnist_and_optdigits_are_verified() {
    let m = load(Domain::Mnist);
    assert_eq!(m.len(), 60_000);
    assert_eq!(m.indices_of("0").len(), 5_923);
    assert_eq!(m.images.len(), 60_000 * 1024);
    assert!(m.images.iter().all(|v| (-1.0..=1.0).contains(v)));
    let t = load(Domain::MnistTest);
    assert_eq!(t.indices_of("0").len(), 980);
    let o = load(Domain::Optdigits);
    assert_eq!(o.len(), 1_797);
    // Background is -1, strokes reach near +1 (after 8×8 → 32×32 bilinear).
    let img = o.image(0);
    assert_eq!(img.iter().cloned().fold(f32::INFINITY, f32::min), -1.0);
    assert!(img.iter().cloned().fold(f32::NEG_INFINITY, f32::max) > 0.5);
}

#[test]
fn fashion_mnist_loads() {
    let f = load(Domain::FashionTest);
    assert_eq!(f.len(), 10_000);
    assert_eq!(f.indices_of("9").len(), 1_000);
}

#[test]
fn digits_protocol_matches_the_reference_splits() {
    let o = load(Domain::Optdigits);
    let s = split_target(&o, "0", 10, 0).unwrap();
    assert_eq!(s.train, vec![1716, 825, 1494, 925, 1002, 1049, 1039, 48, 1105, 854]);
    assert_eq!(s.test.len(), 1_787);
    assert!(s.train.iter().all(|&i| o.labels[i] == "0"));
    let s50 = split_target(&o, "9", 50, 2).unwrap();
    assert_eq!(s50.train.len(), 50);
    assert_eq!(s50.test.len(), 1_747);
    let m = load(Domain::Mnist);
    assert_eq!(source_normals(&m, "0").unwrap().len(), 5_923);
}

#[test]
fn image_folders_load_and_report_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    for (label, n) in [("normal", 2), ("anomaly", 1)] {
        std::fs::create_dir_all(dir.path().join(label)).unwrap();
        for i in 0..n {
            let img = image::GrayImage::from_fn(28, 20, |x, y| image::Luma([((x * 9 + y * (i + 1)) % 256) as u8]));
            img.save(dir.path().join(label).join(format!("{i}.png"))).unwrap();
        }
    }
    std::fs::write(dir.path().join("normal/broken.png"), b"not a png").unwrap();
    std::fs::write(dir.path().join("normal/readme.txt"), b"ignored: not an image extension").unwrap();
    let (set, errors) = irad::data::folder::load(dir.path()).unwrap();
    assert_eq!(set.len(), 3);
    assert_eq!(set.indices_of("normal").len(), 2);
    assert_eq!(set.indices_of("anomaly").len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].1.to_string().contains("broken.png"));
    let empty = tempfile::tempdir().unwrap();
    let e = irad::data::folder::load(empty.path()).unwrap_err().to_string();
    assert!(e.contains("no readable images"), "{e}");
}

#[test]
fn mnist_m_is_deterministic_and_blends_photos_into_mnist_test_digits() {
    use irad::data::protocol::source_validation;
    let a = load(Domain::MnistM);
    let b = load(Domain::MnistM);
    assert_eq!(a.len(), 2_000);
    assert_eq!(a.images, b.images, "same files, same images");
    let t = load(Domain::MnistTest);
    assert_eq!(a.labels[..], t.labels[..2_000], "labels are the MNIST test digits'");
    assert!(a.images.iter().all(|v| (-1.0..=1.0).contains(v)));
    // MNIST backgrounds are flat black; here they carry photo texture.
    let flat = |s: &ImageSet, i: usize| s.image(i).iter().filter(|v| **v == -1.0).count();
    let (mnist_flat, mm_flat): (usize, usize) = (0..100).map(|i| (flat(&t, i), flat(&a, i))).fold((0, 0), |x, y| (x.0 + y.0, x.1 + y.1));
    assert!(mm_flat * 20 < mnist_flat, "photo backgrounds: {mm_flat} flat pixels vs MNIST's {mnist_flat}");
    // The source-validation set is drawn from the other half of MNIST's test split.
    let v = source_validation(&t, "3", 500, 0);
    assert_eq!(v.len(), 1_000);
    assert_eq!(v.labels.iter().filter(|l| *l == "3").count(), 500);
    assert!(v.origins.iter().all(|o| o.trim_start_matches("mnist-test#").parse::<usize>().unwrap() >= 5_000), "{:?}", &v.origins[..3]);
}
