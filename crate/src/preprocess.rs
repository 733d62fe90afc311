//! The one preprocessing path: decoded pixels → 1×32×32 in [-1, 1]. Used by dataset loaders,
//! the CLI and the browser, so every score sees identical inputs.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::error::{IradError, Result};
use crate::model::{IMAGE_PIXELS, IMAGE_SIZE};

/// Images larger than this on either side are refused from their header, before decoding.
pub const MAX_SIDE: u32 = 8192;
/// Decoder allocation ceiling (bytes).
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Bilinear resize with half-pixel centres (OpenCV INTER_LINEAR / torch `align_corners=False`),
/// no antialiasing, clamped at the edges. `src` is row-major `w×h` grayscale.
pub fn resize_bilinear(src: &[f32], w: usize, h: usize, ow: usize, oh: usize) -> Vec<f32> {
    assert_eq!(src.len(), w * h, "resize_bilinear: pixel count does not match {w}x{h}");
    let axis = |o: usize, n: usize, on: usize| -> (usize, usize, f32) {
        let s = ((o as f32 + 0.5) * n as f32 / on as f32 - 0.5).max(0.0);
        let i0 = (s.floor() as usize).min(n - 1);
        let i1 = (i0 + 1).min(n - 1);
        (i0, i1, s - i0 as f32)
    };
    let xs: Vec<_> = (0..ow).map(|x| axis(x, w, ow)).collect();
    let mut out = Vec::with_capacity(ow * oh);
    for y in 0..oh {
        let (y0, y1, fy) = axis(y, h, oh);
        for &(x0, x1, fx) in &xs {
            let top = src[y0 * w + x0] * (1.0 - fx) + src[y0 * w + x1] * fx;
            let bot = src[y1 * w + x0] * (1.0 - fx) + src[y1 * w + x1] * fx;
            out.push(top * (1.0 - fy) + bot * fy);
        }
    }
    out
}

/// Grayscale pixels in [0, 1] (row-major `w×h`) → the network input: 32×32, mapped to [-1, 1].
pub fn prepare_gray(pixels01: &[f32], w: usize, h: usize) -> Vec<f32> {
    let resized = if w == IMAGE_SIZE && h == IMAGE_SIZE {
        pixels01.to_vec()
    } else {
        resize_bilinear(pixels01, w, h, IMAGE_SIZE, IMAGE_SIZE)
    };
    debug_assert_eq!(resized.len(), IMAGE_PIXELS);
    resized.into_iter().map(|v| v.clamp(0.0, 1.0) * 2.0 - 1.0).collect()
}

/// Decoded image → grayscale [0, 1], alpha composited onto black (digits are light on dark).
pub fn to_gray01(img: &DynamicImage) -> (Vec<f32>, usize, usize) {
    let rgba = img.to_rgba32f();
    let (w, h) = rgba.dimensions();
    let px = rgba
        .pixels()
        .map(|p| {
            let [r, g, b, a] = p.0;
            // Rec. 709 luma, as image's own grayscale conversion.
            (0.2126 * r + 0.7152 * g + 0.0722 * b) * a
        })
        .collect();
    (px, w as usize, h as usize)
}

/// Encoded bytes (PNG, JPEG, GIF, BMP, WebP) → network input. `name` only labels errors.
/// Oversized images are refused from the header alone, before any pixel is decoded.
pub fn decode(bytes: &[u8], name: &str) -> Result<DynamicImage> {
    let err = |reason: String| IradError::Image { name: name.to_string(), reason };
    if bytes.is_empty() {
        return Err(err("the file is empty (0 bytes)".into()));
    }
    // PNG states its size in the first chunk: refuse giants even when nothing else is readable.
    if let Some((w, h)) = png_dimensions(bytes) {
        check_side(w, h).map_err(err)?;
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| err(e.to_string()))?;
    if reader.format().is_none() {
        return Err(err("not a recognised image format (expected PNG, JPEG, GIF, BMP or WebP)".into()));
    }
    if reader.format() == Some(image::ImageFormat::Gif) {
        refuse_animation(bytes).map_err(err)?;
    }
    let mut decoder = reader.into_decoder().map_err(|e| err(e.to_string()))?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(err(format!("image has no pixels ({w}×{h})")));
    }
    check_side(w, h).map_err(err)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    decoder.set_limits(limits).map_err(|e| err(e.to_string()))?;
    DynamicImage::from_decoder(decoder).map_err(|e| err(e.to_string()))
}

fn check_side(w: u32, h: u32) -> std::result::Result<(), String> {
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!("image is {w}×{h}; at most {MAX_SIDE}×{MAX_SIDE} is accepted (it is shrunk to 32×32 anyway)"));
    }
    Ok(())
}

/// Width and height from a PNG's IHDR chunk, if `bytes` starts like a PNG.
fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |o: usize| u32::from_be_bytes(bytes[o..o + 4].try_into().unwrap());
    Some((be(16), be(20)))
}

/// An animated GIF has no single image to score: refuse it rather than silently pick a frame.
fn refuse_animation(bytes: &[u8]) -> std::result::Result<(), String> {
    use image::AnimationDecoder;
    let dec = image::codecs::gif::GifDecoder::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let frames = dec.into_frames().take(2).count();
    if frames > 1 {
        return Err("animated GIF (several frames); export the one frame to score as PNG".into());
    }
    Ok(())
}

/// Encoded bytes → network input (1024 values in [-1, 1]).
pub fn preprocess_bytes(bytes: &[u8], name: &str) -> Result<Vec<f32>> {
    let img = decode(bytes, name)?;
    let (px, w, h) = to_gray01(&img);
    Ok(prepare_gray(&px, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_identity_and_constant() {
        let src: Vec<f32> = (0..16).map(|i| i as f32).collect();
        assert_eq!(resize_bilinear(&src, 4, 4, 4, 4), src);
        let c = vec![0.25; 8 * 8];
        assert!(resize_bilinear(&c, 8, 8, 32, 32).iter().all(|&v| (v - 0.25).abs() < 1e-6));
    }

    #[test]
    fn resize_matches_half_pixel_rule() {
        // 2 → 4 upscale of [0, 1]: OpenCV INTER_LINEAR gives [0, 0.25, 0.75, 1].
        let out = resize_bilinear(&[0.0, 1.0], 2, 1, 4, 1);
        let want = [0.0, 0.25, 0.75, 1.0];
        for (a, b) in out.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{out:?}");
        }
    }

    #[test]
    fn prepare_maps_to_minus_one_one() {
        let out = prepare_gray(&vec![1.0; 28 * 28], 28, 28);
        assert_eq!(out.len(), IMAGE_PIXELS);
        assert!(out.iter().all(|&v| (v - 1.0).abs() < 1e-6));
    }

    #[test]
    fn decode_refuses_empty_and_garbage() {
        let e = preprocess_bytes(&[], "empty.png").unwrap_err().to_string();
        assert!(e.contains("empty.png") && e.contains("empty"), "{e}");
        let e = preprocess_bytes(b"hello world, not an image", "notes.txt").unwrap_err().to_string();
        assert!(e.contains("notes.txt"), "{e}");
    }

    fn encode(img: image::DynamicImage, fmt: image::ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(vec![]);
        img.write_to(&mut out, fmt).unwrap();
        out.into_inner()
    }

    #[test]
    fn sixteen_bit_png_is_scored_like_eight_bit() {
        let g8 = image::GrayImage::from_fn(20, 20, |x, y| image::Luma([(x * 12 + y) as u8]));
        let g16 = image::ImageBuffer::<image::Luma<u16>, _>::from_fn(20, 20, |x, y| image::Luma([(x * 12 + y) as u16 * 257]));
        let a = preprocess_bytes(&encode(g8.into(), image::ImageFormat::Png), "8.png").unwrap();
        let b = preprocess_bytes(&encode(g16.into(), image::ImageFormat::Png), "16.png").unwrap();
        assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-5));
    }

    #[test]
    fn animated_gif_is_refused_single_frame_gif_is_not() {
        let frame = |k: u8| image::Frame::new(image::RgbaImage::from_fn(8, 8, |x, _| image::Rgba([x as u8 * 30, k, 0, 255])));
        let mut anim = vec![];
        {
            let mut enc = image::codecs::gif::GifEncoder::new(&mut anim);
            enc.encode_frames([frame(0), frame(99)]).unwrap();
        }
        let e = preprocess_bytes(&anim, "spin.gif").unwrap_err().to_string();
        assert!(e.contains("spin.gif") && e.contains("animated"), "{e}");
        let mut one = vec![];
        image::codecs::gif::GifEncoder::new(&mut one).encode_frames([frame(0)]).unwrap();
        assert!(preprocess_bytes(&one, "still.gif").is_ok());
    }

    #[test]
    fn huge_dimensions_are_refused_from_the_header() {
        // 20000×20000 8-bit gray PNG header; the pixel data is absent and never read.
        let img = image::GrayImage::new(1, 1);
        let mut png = encode(img.into(), image::ImageFormat::Png);
        png[16..20].copy_from_slice(&20000u32.to_be_bytes());
        png[20..24].copy_from_slice(&20000u32.to_be_bytes());
        // Fix the IHDR CRC so the header itself is valid.
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = preprocess_bytes(&png, "huge.png").unwrap_err().to_string();
        assert!(e.contains("20000×20000") && e.contains("at most"), "{e}");
    }

    #[test]
    fn header_only_png_of_huge_size_is_refused_by_size() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&20000u32.to_be_bytes());
        png.extend_from_slice(&20000u32.to_be_bytes());
        png.extend_from_slice(&[8, 0, 0, 0, 0]);
        let e = preprocess_bytes(&png, "giant.png").unwrap_err().to_string();
        assert!(e.contains("giant.png") && e.contains("20000×20000"), "{e}");
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
}
