//! Drawings become digits in MNIST's form: cropped, scaled to a 20-px box, centred by mass in 28×28.

mod common;

use mnist_logreg::digit::{preprocess_digit, BOX, SIDE};
use mnist_logreg::DrawingError;
use mnist_logreg::{TrainConfig, Trainer};

#[derive(Clone, Copy)]
enum Style {
    LightOnDark,
    DarkOnLight,
    ColourOnTransparent,
}

/// An RGBA canvas with `ink(x, y)` (0..1) drawn in the given style.
fn canvas(width: usize, height: usize, style: Style, ink: impl Fn(usize, usize) -> f32) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        for x in 0..width {
            let v = ink(x, y).clamp(0.0, 1.0);
            let grey = |g: f32| (g * 255.0).round() as u8;
            rgba.extend_from_slice(&match style {
                Style::LightOnDark => [grey(v), grey(v), grey(v), 255],
                Style::DarkOnLight => [grey(1.0 - v), grey(1.0 - v), grey(1.0 - v), 255],
                Style::ColourOnTransparent => [30, 90, 200, grey(v)],
            });
        }
    }
    rgba
}

/// An "L": a tall bar and a foot, off-centre in a wide canvas, far larger than 20 px.
fn big_l(x: usize, y: usize) -> f32 {
    let bar = (40..100).contains(&x) && (30..270).contains(&y);
    let foot = (40..220).contains(&x) && (220..270).contains(&y);
    if bar || foot {
        1.0
    } else {
        0.0
    }
}

fn bounds(digit: &[f32]) -> (usize, usize, usize, usize) {
    let inked: Vec<(usize, usize)> =
        digit.iter().enumerate().filter(|(_, &v)| v > 0.0).map(|(i, _)| (i % SIDE, i / SIDE)).collect();
    let xs = inked.iter().map(|p| p.0);
    let ys = inked.iter().map(|p| p.1);
    (xs.clone().min().unwrap(), ys.clone().min().unwrap(), xs.max().unwrap() + 1, ys.max().unwrap() + 1)
}

fn centre_of_mass(digit: &[f32]) -> (f32, f32) {
    let mass: f32 = digit.iter().sum();
    let x: f32 = digit.iter().enumerate().map(|(i, v)| (i % SIDE) as f32 * v).sum();
    let y: f32 = digit.iter().enumerate().map(|(i, v)| (i / SIDE) as f32 * v).sum();
    (x / mass, y / mass)
}

#[test]
fn an_off_centre_oversized_digit_is_boxed_to_20_px_and_centred_by_mass() {
    let (width, height) = (400, 300);
    let digit = preprocess_digit(&canvas(width, height, Style::LightOnDark, big_l), width, height).unwrap().unwrap();
    assert_eq!(digit.len(), SIDE * SIDE);
    let (left, top, right, bottom) = bounds(&digit);
    assert_eq!(bottom - top, BOX, "the longer side (240 px tall) becomes 20 px");
    assert_eq!(right - left, 15, "the aspect ratio is kept: 180 × 20/240 = 15 px wide");
    let (cx, cy) = centre_of_mass(&digit);
    // Pixel indices, as MNIST centres its digits on pixel (14, 14).
    assert!((cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5, "centre of mass at ({cx}, {cy})");
    // The L's mass sits low and left of its box, so centring by mass is not centring the box.
    assert_ne!((left + right) as f32 / 2.0, 14.0);
    assert!(digit.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(digit.iter().any(|&v| v > 0.999), "solid ink stays full strength");
}

#[test]
fn scaling_averages_areas_instead_of_picking_pixels() {
    // Two 1-px lines in a 200-px-tall drawing each cover 1/10 of their output cells: grey, not absent or full.
    let tall = |x: usize, y: usize| if (10..210).contains(&y) && (x == 10 || x == 100) { 1.0 } else { 0.0 };
    let digit = preprocess_digit(&canvas(300, 300, Style::LightOnDark, tall), 300, 300).unwrap().unwrap();
    let greys = digit.iter().filter(|&&v| v > 0.05 && v < 0.2).count();
    assert!(greys >= 30, "thin lines average to grey cells ({greys})");
    assert!(digit.iter().all(|&v| v < 0.2));
}

#[test]
fn the_three_ink_styles_give_the_same_digit() {
    let (width, height) = (320, 300);
    let results: Vec<Vec<f32>> = [Style::LightOnDark, Style::DarkOnLight, Style::ColourOnTransparent]
        .into_iter()
        .map(|style| preprocess_digit(&canvas(width, height, style, big_l), width, height).unwrap().unwrap())
        .collect();
    for other in &results[1..] {
        let worst = results[0].iter().zip(other).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst < 1e-2, "styles differ by {worst}");
    }
}

#[test]
fn a_pale_pen_is_normalised_to_full_contrast() {
    let pale = |x, y| big_l(x, y) * 0.4;
    let digit = preprocess_digit(&canvas(300, 300, Style::DarkOnLight, pale), 300, 300).unwrap().unwrap();
    assert!(digit.iter().any(|&v| v > 0.99));
}

#[test]
fn a_blank_canvas_has_no_digit() {
    for style in [Style::LightOnDark, Style::DarkOnLight, Style::ColourOnTransparent] {
        assert_eq!(preprocess_digit(&canvas(64, 48, style, |_, _| 0.0), 64, 48).unwrap(), None);
    }
    let faint = |x, y| if x == 5 && y == 5 { 0.05 } else { 0.0 };
    assert_eq!(preprocess_digit(&canvas(64, 48, Style::LightOnDark, faint), 64, 48).unwrap(), None);
}

#[test]
fn a_buffer_that_does_not_match_its_size_is_refused() {
    let refused = preprocess_digit(&[0; 100], 10, 10).unwrap_err();
    assert!(matches!(refused, DrawingError::SizeMismatch { width: 10, height: 10, len: 100, expected: 400 }));
    let message = refused.to_string();
    assert!(message.contains("10×10") && message.contains("400"), "{message}");
    assert!(matches!(preprocess_digit(&[], 0, 0), Err(DrawingError::BadDimensions { width: 0, height: 0, .. })));
}

/// A trainer run to the end on the bundled data with `config`.
fn trained(config: TrainConfig) -> Trainer {
    let mut trainer = Trainer::new(common::bundled(), config).unwrap();
    trainer.step(usize::MAX);
    trainer
}

#[test]
fn mnist_digits_drawn_large_and_off_centre_come_back_as_mnist() {
    let trainer = trained(TrainConfig::default());
    let test = &trainer.data().test;
    let (scale, width, height, left, top) = (10, 420, 360, 57, 23);
    let (mut right_original, mut right_redrawn, mut total_diff) = (0, 0, 0.0);
    let samples = 300;
    for index in 0..samples {
        let pixels = test.pixels(index);
        // Nearest-neighbour ×10, as if drawn with a big brush on a larger pad.
        let ink = |x: usize, y: usize| {
            let (sx, sy) = (x.wrapping_sub(left) / scale, y.wrapping_sub(top) / scale);
            if sx < SIDE && sy < SIDE && x >= left && y >= top {
                pixels[sy * SIDE + sx]
            } else {
                0.0
            }
        };
        let redrawn =
            preprocess_digit(&canvas(width, height, Style::DarkOnLight, ink), width, height).unwrap().unwrap();
        total_diff += redrawn.iter().zip(&pixels).map(|(a, b)| (a - b).abs()).sum::<f32>() / (SIDE * SIDE) as f32;
        let label = test.labels[index] as usize;
        let guess = |p: &[f32]| trainer.reader().classify(p).unwrap();
        right_original += usize::from(guess(&pixels) == label);
        right_redrawn += usize::from(guess(&redrawn) == label);
    }
    let mean_diff = total_diff / samples as f32;
    // MNIST's own normalisation undone and redone gives the digit back almost exactly (measured: 4.5e-5).
    assert!(mean_diff < 2e-3, "mean absolute pixel difference {mean_diff}");
    assert!(right_redrawn + 3 >= right_original, "redrawn {right_redrawn} vs original {right_original} right");
}

#[path = "../examples/drawn_digits/strokes.rs"]
mod strokes;

#[test]
fn digits_redrawn_with_the_pads_brush_are_read_nearly_as_well_as_mnists_own() {
    use strokes::{draw, Drawing};
    let trainer = trained(TrainConfig::best());
    let test = &trainer.data().test;
    let samples = 400;
    let guess = |p: &[f32]| trainer.reader().classify(p).unwrap();
    let accuracy_with = |brush_fraction: f32| {
        let canvas = 280;
        let scale = 0.7 * canvas as f32 / 20.0; // the digit's 20-pixel box spans 70 % of the pad
        let right = (0..samples)
            .filter(|&index| {
                let pixels = test.pixels(index);
                let drawing = Drawing {
                    canvas,
                    size: 28.0 * scale,
                    left: 20.0,
                    top: 30.0,
                    brush: brush_fraction * canvas as f32,
                    slant: 0.0,
                };
                let rgba = draw(&pixels, drawing);
                preprocess_digit(&rgba, canvas, canvas)
                    .unwrap()
                    .is_some_and(|d| guess(&d) == test.labels[index] as usize)
            })
            .count();
        right as f32 / samples as f32
    };
    let mnist =
        (0..samples).filter(|&i| guess(&test.pixels(i)) == test.labels[i] as usize).count() as f32 / samples as f32;
    let pad = accuracy_with(1.0 / 12.0); // the pad's brush (www/input/drawing-pad.js)
    let thin = accuracy_with(1.0 / 24.0);
    assert!(pad >= mnist - 0.06, "drawn {pad} vs MNIST's own {mnist}");
    assert!(pad >= thin + 0.02, "stroke thickness matters: 1/12 gives {pad}, 1/24 gives {thin}");
}
