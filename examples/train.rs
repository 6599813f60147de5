//! Command-line trainer: `cargo run --release --example train -- data/mini_mnist.npz [options]`
//! (`--help` lists the options).

use clap::Parser;
use mnist_logreg::{load_npz, TrainConfig, Trainer};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Trains softmax regression on an .npz data set, printing the accuracy after every epoch.
#[derive(Debug, Parser)]
#[command(name = "train")]
struct Cli {
    /// The data set: an .npz holding X_train, y_train, X_test and y_test.
    file: PathBuf,
    /// The settings of the run, whose defaults are the seed homework's: flags derived from TrainConfig.
    #[command(flatten)]
    settings: TrainConfig,
    /// Also print a JSON summary (every setting and the results) on the last line.
    #[arg(long)]
    json: bool,
}

fn run(cli: Cli) -> Result<(), String> {
    let path = cli.file.display();
    let bytes = std::fs::read(&cli.file).map_err(|e| format!("cannot read {path}: {e}"))?;
    let data = load_npz(&bytes).map_err(|e| format!("{path}: {e}"))?;
    for notice in &data.notices {
        eprintln!("note: {notice}");
    }
    let (train_len, test_len, features) = (data.train.len(), data.test.len(), data.features);
    let config = cli.settings;
    let mut trainer = Trainer::new(data, config).map_err(|e| e.to_string())?;
    let settings = serde_json::to_string(&config).expect("settings serialise");
    eprintln!("{train_len} train / {test_len} test samples of {features} pixels; {settings}");

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
    if cli.json {
        let summary = serde_json::json!({
            "config": config,
            "evaluation": eval,
            "finalLoss": progress.loss,
            "samplesPerSecond": samples_per_second,
        });
        println!("{summary}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use mnist_logreg::SoftmaxMode;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["train", "data.npz"].iter().chain(args))
    }

    #[test]
    fn every_setting_has_a_flag_named_after_it() {
        let command = Cli::command();
        let flags: Vec<&str> = command.get_arguments().filter_map(|arg| arg.get_long()).collect();
        let settings = serde_json::to_value(TrainConfig::default()).unwrap();
        for name in settings.as_object().unwrap().keys() {
            // learningRate → --learning-rate
            let flag: String = name
                .chars()
                .flat_map(|c| [(c.is_uppercase()).then_some('-'), Some(c.to_ascii_lowercase())])
                .flatten()
                .collect();
            assert!(flags.contains(&flag.as_str()), "no --{flag} among {flags:?}");
        }
    }

    #[test]
    fn flags_parse_into_the_settings_and_leave_out_the_defaults() {
        assert_eq!(parse(&[]).unwrap().settings, TrainConfig::default());
        let cli =
            parse(&["--lr", "0.5", "--batch", "64", "--epochs", "30", "--schedule", "cosine", "--deskew", "--json"])
                .unwrap();
        assert!(cli.json);
        assert_eq!(cli.settings, TrainConfig { seed: 0, ..TrainConfig::best() });
        let long =
            parse(&["--learning-rate", "0.2", "--batch-size", "32", "--softmax", "batch", "--weight-decay", "0.01"]);
        let config = long.unwrap().settings;
        assert_eq!(
            (config.learning_rate, config.batch_size, config.softmax, config.weight_decay),
            (0.2, 32, SoftmaxMode::Batch, 0.01)
        );
    }

    #[test]
    fn bad_flags_are_refused_by_clap_naming_the_flag() {
        for args in [&["--softmax", "column"][..], &["--epochs", "2.5"], &["--schedule"], &["--learningrate", "1"]] {
            let error = parse(args).unwrap_err().to_string();
            assert!(error.contains(args[0]), "{args:?}: {error}");
        }
        assert!(parse(&["--softmax", "column"]).unwrap_err().to_string().contains(r#"must be "row" or "batch""#));
    }
}
