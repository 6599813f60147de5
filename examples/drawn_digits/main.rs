//! How well are drawings read? `cargo run --release --example drawn_digits`
//!
//! Trains the best preset on the bundled data, then redraws each test digit as a person would on the pad
//! (its centre line traced with a round brush on a 280-pixel canvas, at several sizes and places), runs the
//! page's preprocessing and classifies it. Prints the accuracy for each brush width (as a fraction of the
//! pad) and digit size, next to the accuracy on MNIST's own test digits.

mod strokes;

use mnist_logreg::{load_npz, preprocess_digit, TrainConfig, Trainer};
use strokes::{draw, Drawing};

const CANVAS: usize = 280;

fn main() {
    let data = load_npz(&std::fs::read("data/mini_mnist.npz").expect("run from the repository root")).unwrap();
    let mut trainer = Trainer::new(data, TrainConfig::best()).unwrap();
    trainer.step(usize::MAX);
    let test = &trainer.data().test;
    let mnist = trainer.evaluate().test_accuracy;
    println!("accuracy on MNIST's own test digits: {:.1} %", mnist * 100.0);
    println!("drawn digits, by brush width (fraction of the pad) and digit height (fraction of the pad):");
    let sizes = [0.5f32, 0.7, 0.9];
    print!("| brush |");
    for size in sizes {
        print!(" digit {:.0} % of pad |", size * 100.0);
    }
    println!("\n|---|---|---|---|");
    for divisor in [24.0f32, 20.0, 16.0, 14.0, 12.0, 10.0, 8.0] {
        print!("| 1/{divisor} |");
        for size in sizes {
            // MNIST's 20-pixel box (pixels 4 to 24 of the field) spans `size` of the pad.
            let scale = size * CANVAS as f32 / 20.0;
            let field = 28.0 * scale;
            let mut right = 0;
            for index in 0..test.len() {
                let pixels = test.pixels(index);
                // A different place for each digit, with its box inside the pad.
                let room = CANVAS as f32 - 20.0 * scale;
                let left = (index * 37 % 101) as f32 / 100.0 * room - 4.0 * scale;
                let top = (index * 53 % 97) as f32 / 96.0 * room - 4.0 * scale;
                let brush = CANVAS as f32 / divisor;
                let rgba = draw(&pixels, Drawing { canvas: CANVAS, size: field, left, top, brush });
                if let Some(digit) = preprocess_digit(&rgba, CANVAS, CANVAS).unwrap() {
                    let probabilities = trainer.model().predict(&digit).unwrap();
                    let guess = probabilities.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
                    right += usize::from(guess == test.labels[index] as usize);
                }
            }
            print!(" {:.1} % |", right as f32 / test.len() as f32 * 100.0);
        }
        println!();
    }
}
