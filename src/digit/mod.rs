//! Turns a drawing (a canvas's RGBA pixels) into a digit in MNIST's own form.
//!
//! MNIST's digits were cropped to their ink, scaled so the longer side is 20 px (keeping the aspect ratio,
//! with anti-aliasing), and placed in a 28×28 field so that their centre of mass is at its centre. This does
//! the same, with area averaging for the scaling, so a thick stroke drawn large keeps MNIST's grey edges.
//! Written by hand: it is MNIST's own recipe, which no image library does as such. [`deskew`] straightens
//! a slanted digit, for models trained with deskewing.

mod deskew;

pub use deskew::{deskew, slant};

use crate::error::DrawingError;

/// Side of the MNIST field.
pub const SIDE: usize = 28;
/// Longer side of the digit's box inside the field.
pub const BOX: usize = 20;
/// Pixel index of the centre of mass in MNIST's digits (measured: 14.02 ± 0.28 on the bundled test set).
pub const CENTRE: f64 = 14.0;
/// Largest canvas side accepted.
pub const MAX_CANVAS_SIDE: usize = 8192;
/// Ink below this fraction of the strongest ink is background noise, not part of the digit.
const INK_THRESHOLD: f32 = 0.05;
/// A drawing whose strongest ink is fainter than this has no ink at all.
const MIN_INK: f32 = 0.1;

/// The 28×28 digit (row-major, 0..1, ink bright) for an RGBA image, or `None` when nothing is drawn.
///
/// The ink style is read off the image's border: a transparent background means the ink is the alpha
/// (any colour); an opaque dark background means light ink; an opaque light background means dark ink.
pub fn preprocess_digit(rgba: &[u8], width: usize, height: usize) -> Result<Option<Vec<f32>>, DrawingError> {
    if width == 0 || height == 0 || width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE {
        return Err(DrawingError::BadDimensions { width, height, max: MAX_CANVAS_SIDE });
    }
    let expected = width * height * 4;
    if rgba.len() != expected {
        return Err(DrawingError::SizeMismatch { width, height, len: rgba.len(), expected });
    }
    let ink = ink_of(rgba, width, height);
    let strongest = ink.iter().copied().fold(0.0f32, f32::max);
    if strongest < MIN_INK {
        return Ok(None);
    }
    // Normalise contrast: the strongest ink becomes 1, as in MNIST, whatever the pen's colour.
    let ink: Vec<f32> = ink.iter().map(|&v| (v / strongest).min(1.0)).collect();
    let (left, top, right, bottom) = ink_bounds(&ink, width, height);
    let (crop_w, crop_h) = (right - left, bottom - top);

    let scale = BOX as f64 / crop_w.max(crop_h) as f64;
    let out_w = ((crop_w as f64 * scale).round() as usize).clamp(1, BOX);
    let out_h = ((crop_h as f64 * scale).round() as usize).clamp(1, BOX);
    let boxed = area_resize(&ink, width, (left, top, crop_w, crop_h), out_w, out_h);

    let (mass, sum_x, sum_y) = boxed.iter().enumerate().fold((0.0, 0.0, 0.0), |(m, sx, sy), (i, &v)| {
        let (x, y) = ((i % out_w) as f64, (i / out_w) as f64);
        (m + f64::from(v), sx + x * f64::from(v), sy + y * f64::from(v))
    });
    // Whole-pixel shift (no extra blur) that puts the centre of mass on pixel (14, 14), where MNIST has it.
    let shift_x = (CENTRE - sum_x / mass).round() as isize;
    let shift_y = (CENTRE - sum_y / mass).round() as isize;
    let mut digit = vec![0.0f32; SIDE * SIDE];
    for (i, &v) in boxed.iter().enumerate() {
        let x = (i % out_w) as isize + shift_x;
        let y = (i / out_w) as isize + shift_y;
        if (0..SIDE as isize).contains(&x) && (0..SIDE as isize).contains(&y) {
            digit[y as usize * SIDE + x as usize] = v;
        }
    }
    Ok(Some(digit))
}

fn luminance(px: &[u8]) -> f32 {
    (0.299 * f32::from(px[0]) + 0.587 * f32::from(px[1]) + 0.114 * f32::from(px[2])) / 255.0
}

/// Median of a channel over the image's border: what the background is.
fn border_median(rgba: &[u8], width: usize, height: usize, value: impl Fn(&[u8]) -> f32) -> f32 {
    let pixel = |x: usize, y: usize| &rgba[(y * width + x) * 4..][..4];
    let mut values: Vec<f32> = (0..width)
        .flat_map(|x| [pixel(x, 0), pixel(x, height - 1)])
        .chain((0..height).flat_map(|y| [pixel(0, y), pixel(width - 1, y)]))
        .map(value)
        .collect();
    values.sort_by(f32::total_cmp);
    values[values.len() / 2]
}

/// How much ink each pixel holds, 0..1, whatever the drawing style.
fn ink_of(rgba: &[u8], width: usize, height: usize) -> Vec<f32> {
    let pixels = rgba.chunks_exact(4);
    if border_median(rgba, width, height, |px| f32::from(px[3]) / 255.0) < 0.5 {
        return pixels.map(|px| f32::from(px[3]) / 255.0).collect();
    }
    let background = border_median(rgba, width, height, luminance);
    if background < 0.5 {
        let range = (1.0 - background).max(1e-3);
        pixels.map(|px| ((luminance(px) - background) / range).clamp(0.0, 1.0)).collect()
    } else {
        let range = background.max(1e-3);
        pixels.map(|px| ((background - luminance(px)) / range).clamp(0.0, 1.0)).collect()
    }
}

/// Bounding box (left, top, right, bottom; right and bottom exclusive) of the pixels holding ink.
fn ink_bounds(ink: &[f32], width: usize, height: usize) -> (usize, usize, usize, usize) {
    let (mut left, mut top, mut right, mut bottom) = (width, height, 0, 0);
    for (i, _) in ink.iter().enumerate().filter(|(_, &v)| v > INK_THRESHOLD) {
        let (x, y) = (i % width, i / width);
        left = left.min(x);
        right = right.max(x + 1);
        top = top.min(y);
        bottom = bottom.max(y + 1);
    }
    (left, top, right, bottom)
}

/// For each output cell of an axis scaled from `source` to `target` cells: the source cells it covers and
/// the fraction of the output cell each one fills (the weights sum to 1).
fn area_weights(source: usize, target: usize) -> Vec<Vec<(usize, f32)>> {
    let ratio = source as f64 / target as f64;
    (0..target)
        .map(|t| {
            let (start, end) = (t as f64 * ratio, (t + 1) as f64 * ratio);
            (start.floor() as usize..(end.ceil() as usize).min(source))
                .map(|s| {
                    let overlap = end.min(s as f64 + 1.0) - start.max(s as f64);
                    (s, (overlap / ratio) as f32)
                })
                .filter(|&(_, w)| w > 0.0)
                .collect()
        })
        .collect()
}

/// Area-averaging resize of a crop (left, top, width, height) of `image` (row stride `stride`).
fn area_resize(
    image: &[f32],
    stride: usize,
    (left, top, width, height): (usize, usize, usize, usize),
    out_w: usize,
    out_h: usize,
) -> Vec<f32> {
    let columns = area_weights(width, out_w);
    let rows = area_weights(height, out_h);
    // Horizontal pass over the crop's rows, then vertical pass.
    let mut narrowed = vec![0.0f32; height * out_w];
    for y in 0..height {
        let source = &image[(top + y) * stride + left..][..width];
        for (x, weights) in columns.iter().enumerate() {
            narrowed[y * out_w + x] = weights.iter().map(|&(s, w)| source[s] * w).sum();
        }
    }
    let mut out = vec![0.0f32; out_h * out_w];
    for (y, weights) in rows.iter().enumerate() {
        for x in 0..out_w {
            out[y * out_w + x] = weights.iter().map(|&(s, w)| narrowed[s * out_w + x] * w).sum::<f32>().min(1.0);
        }
    }
    out
}
