//! Native benchmarks of the training hot paths, so regressions show without a browser:
//! `cargo bench --bench training`.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mnist_logreg::data::SampleMap;
use mnist_logreg::digit::deskew;
use mnist_logreg::{load_npz, Dataset, TrainConfig, Trainer};

fn bundled() -> Dataset {
    load_npz(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/mini_mnist.npz")).unwrap()).unwrap()
}

fn benches(c: &mut Criterion) {
    let data = bundled();
    let config = TrainConfig { epochs: 1_000, ..TrainConfig::default() };
    let mut group = c.benchmark_group("training");

    group.throughput(Throughput::Elements(256));
    let mut trainer = Trainer::new(data.clone(), config).unwrap();
    group.bench_function("sgd_step_batch_256", |b| {
        b.iter(|| {
            // Criterion may run more steps than the 31,000 planned: a finished trainer's step does nothing.
            if trainer.is_done() {
                trainer.restart(config).unwrap();
            }
            trainer.step(1)
        })
    });

    let batches = trainer.batches_per_epoch();
    group.throughput(Throughput::Elements((batches * 256) as u64));
    group.bench_function("epoch_8000_samples", |b| {
        b.iter_batched(
            || Trainer::new(data.clone(), config).unwrap(),
            |mut fresh| fresh.step(batches),
            BatchSize::LargeInput,
        )
    });

    group.throughput(Throughput::Elements(data.test.len() as u64));
    group.bench_function("evaluate_test_set_2000", |b| {
        b.iter(|| {
            let mut pending = trainer.start_evaluation(false);
            trainer.evaluate_some(&mut pending, usize::MAX)
        })
    });

    group.throughput(Throughput::Elements(1));
    let pixels = data.test.pixels(0);
    group.bench_function("predict_one", |b| b.iter(|| trainer.reader().predict(&pixels)));
    group.finish();

    // Straightening the whole data set, as a run that deskews does first: 64 samples a call, as the page does.
    let mut group = c.benchmark_group("straightening");
    let side = data.square_side().unwrap();
    let samples = data.train.len() + data.test.len();
    group.throughput(Throughput::Elements(samples as u64));
    group.bench_function("straighten_10000_samples", |b| {
        b.iter(|| {
            let mut straightening = SampleMap::default();
            while !straightening.advance(&data, 64, |pixels| deskew(pixels, side)) {}
            straightening.finish(&data)
        })
    });
    // Deskewing alone, on images already written out in full: the rest of the above is unpacking and packing.
    let images: Vec<Vec<f32>> = [&data.train, &data.test]
        .into_iter()
        .flat_map(|split| (0..split.len()).map(|index| split.pixels(index)))
        .collect();
    group.bench_function("deskew_10000_images", |b| {
        b.iter(|| images.iter().for_each(|pixels| drop(black_box(deskew(pixels, side)))))
    });
    group.finish();
}

criterion_group!(name = training; config = Criterion::default().sample_size(30); targets = benches);
criterion_main!(training);
