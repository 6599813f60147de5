//! Command-line trainer: `cargo run --release --example train -- data/mini_mnist.npz [options]`.

use mnist_logreg::{load_npz, TrainConfig, Trainer};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str =
    "usage: train <file.npz> [--epochs N] [--lr X] [--batch N] [--seed N] [--softmax row|batch] [--json]";

struct Options {
    path: String,
    config: TrainConfig,
    json: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut config = TrainConfig::default();
    let (mut path, mut json) = (None, false);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--epochs" => config.epochs = number(&value("--epochs")?, "--epochs")?,
            "--lr" => config.learning_rate = number(&value("--lr")?, "--lr")?,
            "--batch" => config.batch_size = number(&value("--batch")?, "--batch")?,
            "--seed" => config.seed = number(&value("--seed")?, "--seed")?,
            "--softmax" => config.softmax = value("--softmax")?.parse()?,
            "--weight-decay" => config.weight_decay = number(&value("--weight-decay")?, "--weight-decay")?,
            "--schedule" => config.schedule = value("--schedule")?.parse()?,
            "--json" => json = true,
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            file if path.is_none() => path = Some(file.to_owned()),
            extra => return Err(format!("unexpected argument {extra}\n{USAGE}")),
        }
    }
    Ok(Options { path: path.ok_or(USAGE)?, config, json })
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("{name} expects a number, not {text:?}"))
}

fn run(options: Options) -> Result<(), String> {
    let bytes = std::fs::read(&options.path).map_err(|e| format!("cannot read {}: {e}", options.path))?;
    let data = load_npz(&bytes).map_err(|e| format!("{}: {e}", options.path))?;
    for notice in &data.notices {
        eprintln!("note: {notice}");
    }
    let (train_len, test_len, features) = (data.train.len(), data.test.len(), data.features);
    let config = options.config;
    let mut trainer = Trainer::new(data, config).map_err(|e| e.to_string())?;
    eprintln!(
        "{train_len} train / {test_len} test samples of {features} pixels; lr {} batch {} epochs {} seed {} softmax {}",
        config.learning_rate, config.batch_size, config.epochs, config.seed, config.softmax
    );

    let mut training_seconds = 0.0;
    let mut progress = trainer.progress();
    while !progress.done {
        let started = Instant::now();
        progress = trainer.step(trainer.batches_per_epoch());
        training_seconds += started.elapsed().as_secs_f64();
        if let Some(message) = trainer.divergence_message() {
            return Err(message);
        }
        let eval = trainer.evaluate();
        eprintln!(
            "epoch {:>3}/{}  loss {:>9.4}  train acc {:.4}  test acc {:.4}",
            progress.epoch, config.epochs, progress.loss, eval.train_accuracy, eval.test_accuracy
        );
    }
    let eval = trainer.evaluate();
    let samples = (progress.total_batches * config.batch_size) as f64;
    let samples_per_second = samples / training_seconds.max(1e-9);
    println!(
        "final test accuracy {:.4}, final loss {:.4}, test loss {:.4}, {:.0} samples/s",
        eval.test_accuracy, progress.loss, eval.test_loss, samples_per_second
    );
    if options.json {
        let summary = serde_json::json!({
            "test_accuracy": eval.test_accuracy,
            "train_accuracy": eval.train_accuracy,
            "test_loss": eval.test_loss,
            "final_loss": progress.loss,
            "samples_per_second": samples_per_second,
            "epochs": config.epochs,
            "learning_rate": config.learning_rate,
            "batch_size": config.batch_size,
            "seed": config.seed,
            "softmax": config.softmax.to_string(),
        });
        println!("{summary}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
