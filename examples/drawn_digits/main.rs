//! How well are drawings read? `cargo run --release --example drawn_digits [brush|slant|teach]`
//!
//! Redraws MNIST test digits as a person would on the pad (each digit's centre line traced with a round
//! brush on a 280-pixel canvas, at several sizes, places and slants), runs the page's preprocessing and
//! classifies them. Three tables, for the README:
//! - `brush`: accuracy by brush width and digit size (the best preset without deskewing), which chose the
//!   pad's brush;
//! - `slant`: upright and slanted writing, read by the best preset with and without deskewing;
//! - `teach`: a handwriting the model reads badly, corrected drawing by drawing with `Trainer::teach`
//!   (what the page's digit buttons do), measured on drawings held out from those the lessons were tuned on.

mod strokes;

use mnist_logreg::{load_npz, preprocess_digit, Dataset, TrainConfig, Trainer};
use strokes::{draw, Drawing};

const CANVAS: usize = 280;
/// The pad's brush: 1/12 of its width (www/input/drawing-pad.js).
const PAD_BRUSH: f32 = CANVAS as f32 / 12.0;

fn trained(config: TrainConfig) -> Trainer {
    let data = load_npz(&std::fs::read("data/mini_mnist.npz").expect("run from the repository root")).unwrap();
    let mut trainer = Trainer::new(data, config).unwrap();
    trainer.step(usize::MAX);
    trainer
}

/// Test digit `index` drawn in a style: its 20-pixel box spanning `size` of the pad at a place that
/// depends on the index, traced with `brush`, slanted by `slant`; in MNIST's form (None if nothing shows).
fn drawn(data: &Dataset, index: usize, size: f32, brush: f32, slant: f32) -> Option<Vec<f32>> {
    let scale = size * CANVAS as f32 / 20.0;
    // A different place for each digit, with its box inside the pad.
    let room = CANVAS as f32 - 20.0 * scale;
    let left = (index * 37 % 101) as f32 / 100.0 * room - 4.0 * scale;
    let top = (index * 53 % 97) as f32 / 96.0 * room - 4.0 * scale;
    let drawing = Drawing { canvas: CANVAS, size: 28.0 * scale, left, top, brush, slant };
    preprocess_digit(&draw(&data.test.pixels(index), drawing), CANVAS, CANVAS).unwrap()
}

/// The share of `drawings` (MNIST form, with their labels) the trainer's model reads right.
fn accuracy(trainer: &Trainer, drawings: &[(Vec<f32>, u8)]) -> f32 {
    let right =
        drawings.iter().filter(|(pixels, label)| trainer.reader().classify(pixels).unwrap() == usize::from(*label));
    right.count() as f32 / drawings.len().max(1) as f32
}

/// Test digits `range` drawn in one style.
fn drawings(data: &Dataset, range: std::ops::Range<usize>, style: (f32, f32, f32)) -> Vec<(Vec<f32>, u8)> {
    let (size, brush, slant) = style;
    range.filter_map(|index| Some((drawn(data, index, size, brush, slant)?, data.test.labels[index]))).collect()
}

fn brush_table() {
    let trainer = trained(TrainConfig { deskew: false, ..TrainConfig::best() });
    let data = trainer.data().clone();
    println!("accuracy on MNIST's own test digits: {:.1} %", trainer.evaluate().test_accuracy * 100.0);
    println!("drawn digits, by brush width (fraction of the pad) and digit height (fraction of the pad):");
    let sizes = [0.5f32, 0.7, 0.9];
    println!("| brush | digit 50 % of pad | 70 % | 90 % |\n|---|---|---|---|");
    for divisor in [24.0f32, 20.0, 16.0, 14.0, 12.0, 10.0, 8.0] {
        let cells: Vec<String> = sizes
            .iter()
            .map(|&size| {
                let all = drawings(&data, 0..data.test.len(), (size, CANVAS as f32 / divisor, 0.0));
                format!("{:.1} %", accuracy(&trainer, &all) * 100.0)
            })
            .collect();
        println!("| 1/{divisor} | {} |", cells.join(" | "));
    }
}

fn slant_table() {
    let slants = [0.0f32, 0.3, -0.3, 0.5, -0.5];
    println!("drawn digits (70 % of the pad, the pad's brush) by slant (pixels across per pixel up):");
    println!("| model | MNIST's own | upright | leaning right 0.3 | left 0.3 | right 0.5 | left 0.5 |");
    println!("|---|---|---|---|---|---|---|");
    for (name, config) in [
        ("best preset, not deskewed", TrainConfig { deskew: false, ..TrainConfig::best() }),
        ("best preset, deskewed", TrainConfig::best()),
    ] {
        let trainer = trained(config);
        let data = trainer.data().clone();
        let cells: Vec<String> = slants
            .iter()
            .map(|&slant| {
                let all = drawings(&data, 0..data.test.len(), (0.7, PAD_BRUSH, slant));
                format!("{:.1} %", accuracy(&trainer, &all) * 100.0)
            })
            .collect();
        println!("| {name} | {:.1} % | {} |", trainer.evaluate().test_accuracy * 100.0, cells.join(" | "));
    }
}

/// A handwriting the best preset reads badly: small digits traced with a thick pen, leaning right.
const HANDWRITING: (f32, f32, f32) = (0.45, CANVAS as f32 / 6.0, 0.35);
/// Corrections a visitor makes in one session.
const CORRECTIONS: usize = 50;

/// Corrects drawings of test digits `pool` in [`HANDWRITING`], in order, as a visitor would: each one the
/// model misreads is taught, until [`CORRECTIONS`] have been; then reports on the corrected drawings, on
/// drawings of `held_out` (never corrected) and on the bundled test set.
fn teach_session(pool: std::ops::Range<usize>, held_out: std::ops::Range<usize>) {
    let mut trainer = trained(TrainConfig::best());
    let data = trainer.data().clone();
    let unseen = drawings(&data, held_out, HANDWRITING);
    let (unseen_before, test_before) = (accuracy(&trainer, &unseen), trainer.evaluate().test_accuracy);
    let (mut corrected, mut steps, mut teaching) = (Vec::new(), Vec::new(), std::time::Duration::ZERO);
    for (pixels, label) in drawings(&data, pool, HANDWRITING) {
        if corrected.len() == CORRECTIONS {
            break;
        }
        if trainer.reader().classify(&pixels).unwrap() != usize::from(label) {
            let started = std::time::Instant::now();
            steps.push(trainer.teach(&pixels, label).unwrap().steps);
            teaching += started.elapsed();
            corrected.push((pixels, label));
        }
    }
    let per_lesson = teaching.as_secs_f64() * 1000.0 / corrected.len().max(1) as f64;
    let (unseen_after, test_after) = (accuracy(&trainer, &unseen), trainer.evaluate().test_accuracy);
    println!(
        "| {} | {:.1} % | {:.1} % → {:.1} % ({:+.1}) | {:.1} % → {:.1} % ({:+.1}) | {:.1} / {} | {per_lesson:.2} ms |",
        corrected.len(),
        accuracy(&trainer, &corrected) * 100.0,
        unseen_before * 100.0,
        unseen_after * 100.0,
        (unseen_after - unseen_before) * 100.0,
        test_before * 100.0,
        test_after * 100.0,
        (test_after - test_before) * 100.0,
        steps.iter().sum::<usize>() as f32 / steps.len().max(1) as f32,
        steps.iter().max().unwrap_or(&0),
    );
}

fn teach_table() {
    println!("teaching a handwriting the model reads badly (small, thick, leaning right), best preset:");
    println!("| drawings | corrected | corrected drawings read right after | never corrected | bundled test set | steps per lesson: mean / max | time per lesson |");
    println!("|---|---|---|---|---|---|---|");
    // The lessons' constants were tuned on the first row's drawings; the second row's are held out.
    print!("| tuning: test digits 0–699 corrected, 700–999 never ");
    teach_session(0..700, 700..1000);
    print!("| held out: test digits 1000–1599 corrected, 1600–1999 never ");
    teach_session(1000..1600, 1600..2000);
}

fn main() {
    let which = std::env::args().nth(1);
    let run = |name: &str| which.as_deref().is_none_or(|w| w == name);
    if run("brush") {
        brush_table();
    }
    if run("slant") {
        slant_table();
    }
    if run("teach") {
        teach_table();
    }
}
