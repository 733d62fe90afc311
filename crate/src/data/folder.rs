//! Image folders: `DIR/<label>/*.png|jpg|…` (label = sub-folder name), or a flat folder whose
//! images are all labelled `normal`. Bad files are reported and skipped, never fatal.

use std::path::{Path, PathBuf};

use super::ImageSet;
use crate::error::{IradError, Result};
use crate::preprocess::preprocess_bytes;

pub const EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "bmp", "webp"];

fn is_image(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let rd = std::fs::read_dir(dir).map_err(|e| IradError::io(format!("reading folder {}", dir.display()), e))?;
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    Ok(v)
}

/// Load a folder. Returns the images that decoded and, separately, the files that did not.
pub fn load(dir: &Path) -> Result<(ImageSet, Vec<(PathBuf, IradError)>)> {
    let mut set = ImageSet { name: dir.display().to_string(), ..Default::default() };
    let mut errors = vec![];
    let mut add = |path: &Path, label: &str, set: &mut ImageSet| match std::fs::read(path)
        .map_err(|e| IradError::io(format!("reading {}", path.display()), e))
        .and_then(|b| preprocess_bytes(&b, &path.display().to_string()))
    {
        Ok(px) => set.push(px, label.to_string(), path.display().to_string()),
        Err(e) => errors.push((path.to_path_buf(), e)),
    };
    for entry in sorted_entries(dir)? {
        if entry.is_dir() {
            let label = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            for f in sorted_entries(&entry)?.into_iter().filter(|p| p.is_file() && is_image(p)) {
                add(&f, &label, &mut set);
            }
        } else if is_image(&entry) {
            add(&entry, "normal", &mut set);
        }
    }
    if set.is_empty() {
        return Err(IradError::Data {
            name: dir.display().to_string(),
            reason: format!(
                "no readable images (expected DIR/<label>/*.{{{}}} or images directly in DIR){}",
                EXTENSIONS.join(","),
                if errors.is_empty() { String::new() } else { format!("; {} files failed to decode", errors.len()) }
            ),
        });
    }
    Ok((set, errors))
}
