//! UCI optdigits as shipped in scikit-learn (`sklearn/datasets/data/digits.csv.gz`): 1,797 rows
//! of 64 values 0..16 plus the label; a different set of writers and an 8×8 sensor.

use std::io::Read;

use super::{ImageSet, read_cached};
use crate::error::{IradError, Result};
use crate::preprocess::prepare_gray;

pub const ROWS: usize = 1_797;

pub fn parse_csv(text: &str) -> Result<ImageSet> {
    let bad = |r: String| IradError::Data { name: "optdigits".into(), reason: r };
    let mut set = ImageSet { name: "optdigits".into(), ..Default::default() };
    for (row, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let vals: Vec<f32> = line
            .split(',')
            .map(|v| v.trim().parse::<f32>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| bad(format!("row {row}: {e}")))?;
        if vals.len() != 65 {
            return Err(bad(format!("row {row} has {} values, expected 65", vals.len())));
        }
        let px: Vec<f32> = vals[..64].iter().map(|v| v / 16.0).collect();
        set.push(prepare_gray(&px, 8, 8), format!("{}", vals[64] as u32), format!("optdigits#{row}"));
    }
    if set.len() != ROWS {
        return Err(bad(format!("expected {ROWS} rows, found {}", set.len())));
    }
    Ok(set)
}

pub fn load() -> Result<ImageSet> {
    let gz = read_cached("optdigits", "optdigits/digits.csv.gz")?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut text)
        .map_err(|e| IradError::Data { name: "optdigits".into(), reason: format!("not gzip text: {e}") })?;
    parse_csv(&text)
}
