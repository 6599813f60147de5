//! A shared link's model (src/train/shared.rs): what the receiver gets reads as the sender's model does, and
//! a link cut short, altered or made to harm is refused, each refusal by its variant.

mod common;

use common::bundled;
use flate2::{write::DeflateEncoder, Compression};
use mnist_logreg::train::shared::{decode, encode, Shared, MAX_SHARED_DRAWINGS};
use mnist_logreg::{ShareError, TrainConfig, Trainer, CLASSES};
use std::io::Write;
use std::sync::OnceLock;

const D: usize = 784;

/// The drawings a sender taught, with their digits, in order.
type Taught = Vec<(Vec<f32>, u8)>;

/// A sender: the best settings (fewer epochs), then 20 misread test digits taught, in order.
fn sender() -> &'static (Trainer, Taught) {
    static SENDER: OnceLock<(Trainer, Taught)> = OnceLock::new();
    SENDER.get_or_init(|| {
        let mut trainer = Trainer::new(bundled(), TrainConfig { epochs: 10, ..TrainConfig::best() }).unwrap();
        trainer.step(usize::MAX);
        let test = &trainer.data().test;
        let wrong: Taught = (0..test.len())
            .map(|i| (test.pixels(i), test.labels[i]))
            .filter(|(pixels, label)| trainer.reader().classify(pixels).unwrap() != usize::from(*label))
            .take(20)
            .collect();
        for (pixels, label) in &wrong {
            trainer.teach(pixels, *label).unwrap();
        }
        (trainer, wrong)
    })
}

fn payload() -> Vec<u8> {
    let (trainer, _) = sender();
    encode(trainer.reader(), trainer.config(), trainer.corrections())
}

/// The payload without its checksum: what the checksum covers.
fn body() -> Vec<u8> {
    let bytes = payload();
    bytes[..bytes.len() - 4].to_vec()
}

/// `body` with its checksum, as an encoder would seal it.
fn sealed(body: &[u8]) -> Vec<u8> {
    [body, &crc32fast::hash(body).to_le_bytes()].concat()
}

/// Where the parts of a payload begin: (D's two bytes, the biases, the drawing count).
fn offsets(bytes: &[u8]) -> (usize, usize, usize) {
    let mut at = 2;
    for _ in 0..bytes[1] {
        at += 1 + usize::from(bytes[at]) + 8;
    }
    let biases = at + 2;
    (at, biases, biases + 2 * CLASSES * 4 + CLASSES * D)
}

/// The receiver: a fresh run on the same data, with the link's model.
fn receive(shared: Shared) -> Trainer {
    let mut receiver = Trainer::new(bundled(), TrainConfig::default()).unwrap();
    receiver.set_corrections(shared.corrections).unwrap();
    receiver.restart_from(shared.reader, Some(shared.config)).unwrap();
    receiver
}

#[test]
fn the_receiver_reads_as_the_sender_does() {
    let (trainer, taught) = sender();
    let shared = decode(&payload(), D).unwrap();
    assert_eq!(shared.config, *trainer.config());
    assert_eq!(shared.corrections.len(), 20);
    for (correction, (pixels, label)) in shared.corrections.iter().zip(taught) {
        assert_eq!(correction.label, *label);
        // MNIST's grey levels are whole 255ths: a link carries them exactly.
        assert!(correction.pixels.iter().zip(pixels).all(|(a, b)| (a - b).abs() < 1e-6));
    }
    let receiver = receive(shared);
    for (pixels, _) in taught {
        let sender_reads = trainer.reader().classify(pixels).unwrap();
        assert_eq!(receiver.reader().classify(pixels).unwrap(), sender_reads);
    }
    let (sent, got) = (trainer.evaluate().test_accuracy, receiver.evaluate().test_accuracy);
    assert!((sent - got).abs() <= 0.005, "test accuracy: sender {sent}, receiver {got}");
    assert_eq!(receiver.corrections().len(), 20, "the drawings are the receiver's, to train on or forget");
}

#[test]
fn a_link_keeps_the_newest_drawings_only() {
    let (trainer, _) = sender();
    let many: Vec<_> = (0..MAX_SHARED_DRAWINGS + 7).map(|i| trainer.corrections()[i % 20].clone()).collect();
    let shared = decode(&encode(trainer.reader(), trainer.config(), &many), D).unwrap();
    assert_eq!(shared.corrections.len(), MAX_SHARED_DRAWINGS);
    assert_eq!(shared.corrections[0].label, many[7].label);
    assert_eq!(shared.corrections.last().unwrap().label, many.last().unwrap().label);
}

#[test]
fn a_link_cut_short_anywhere_is_refused() {
    let bytes = payload();
    for len in 0..bytes.len() {
        let refusal = decode(&bytes[..len], D).unwrap_err();
        assert!(matches!(refusal, ShareError::Checksum | ShareError::Truncated { .. }), "{len}: {refusal:?}");
    }
    // Cut short and sealed again: the format itself says it is short.
    let body = body();
    for len in 0..body.len() {
        let refusal = decode(&sealed(&body[..len]), D).unwrap_err();
        assert!(matches!(refusal, ShareError::Truncated { len: l, .. } if l == len), "{len}: {refusal:?}");
    }
    let longer = sealed(&[&body[..], &[0]].concat());
    assert!(matches!(decode(&longer, D), Err(ShareError::TrailingBytes(1))));
}

#[test]
fn an_altered_byte_anywhere_is_caught_by_the_checksum() {
    let bytes = payload();
    // A weight's byte is any int8: only the checksum tells it was altered.
    for at in (0..bytes.len()).step_by(97) {
        let mut changed = bytes.clone();
        changed[at] ^= 0x20;
        assert!(matches!(decode(&changed, D), Err(ShareError::Checksum)), "byte {at}");
    }
}

/// The payload with `change` made to it, sealed again (as a hostile link would be).
fn altered(change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut bytes = body();
    change(&mut bytes);
    sealed(&bytes)
}

#[test]
fn an_altered_link_is_refused() {
    let (features, biases, drawings) = offsets(&body());
    let scales = biases + CLASSES * 4;
    let refused = |bytes: Vec<u8>| decode(&bytes, D).unwrap_err();
    assert!(matches!(refused(altered(|b| b[0] = 2)), ShareError::UnknownVersion(2)));
    assert!(matches!(decode(&payload(), 100), Err(ShareError::WrongFeatures { expected: 100, got: 784 })));
    let smaller = altered(|b| b[features..features + 2].copy_from_slice(&783u16.to_le_bytes()));
    assert!(matches!(refused(smaller), ShareError::WrongFeatures { expected: 784, got: 783 }));
    let nan = altered(|b| b[biases + 4..biases + 8].copy_from_slice(&f32::NAN.to_le_bytes()));
    assert!(matches!(refused(nan), ShareError::NonFiniteWeight { row: 1 }));
    let infinite = altered(|b| b[scales..scales + 4].copy_from_slice(&f32::INFINITY.to_le_bytes()));
    assert!(matches!(refused(infinite), ShareError::NonFiniteWeight { row: 0 }));
    // Finite, but 127 of its steps are not.
    let overflowing = altered(|b| b[scales + 8..scales + 12].copy_from_slice(&(f32::MAX / 2.0).to_le_bytes()));
    assert!(matches!(refused(overflowing), ShareError::NonFiniteWeight { row: 2 }));
    let negative = altered(|b| b[scales + 12..scales + 16].copy_from_slice(&(-0.01f32).to_le_bytes()));
    assert!(matches!(refused(negative), ShareError::NegativeScale { row: 3 }));
    let label = altered(|b| b[drawings + 1 + 4] = 10);
    assert!(matches!(refused(label), ShareError::LabelOutOfRange { index: 4, value: 10 }));
    let too_many = altered(|b| b[drawings] = 51);
    assert!(matches!(refused(too_many), ShareError::TooManyDrawings { count: 51, max: 50 }));
    // Fewer drawings than the bytes hold: what follows is not a model.
    assert!(matches!(refused(altered(|b| b[drawings] = 19)), ShareError::TrailingBytes(_)));
    assert!(matches!(refused(altered(|b| b[drawings] = 21)), ShareError::Truncated { .. }));
}

#[test]
fn a_link_with_settings_that_cannot_train_is_refused() {
    // The first setting is the learning rate: its name, then its value.
    let name = altered(|b| b[3] = b'X');
    assert!(matches!(decode(&name, D), Err(ShareError::BadSetting(_))));
    let value_at = 3 + usize::from(body()[2]);
    for bad in [f64::NAN, -1.0, f64::INFINITY] {
        let rate = altered(|b| b[value_at..value_at + 8].copy_from_slice(&bad.to_le_bytes()));
        assert!(matches!(decode(&rate, D), Err(ShareError::BadSetting(_))), "learning rate {bad}");
    }
    let repeated = altered(|b| {
        let first = b[2..value_at + 8].to_vec();
        b[1] += 1;
        b.splice(2..2, first);
    });
    assert!(matches!(decode(&repeated, D), Err(ShareError::BadSetting(_))));
    let too_many = altered(|b| b[1] = 200);
    assert!(matches!(decode(&too_many, D), Err(ShareError::BadSetting(_))));
}

/// The link's text: deflated (as the browser's CompressionStream does), then base64url, 4 characters per 3 bytes.
fn link_chars(bytes: &[u8]) -> usize {
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::default());
    deflate.write_all(bytes).unwrap();
    deflate.finish().unwrap().len().div_ceil(3) * 4
}

#[test]
fn a_link_of_20_drawings_stays_small() {
    let (trainer, _) = sender();
    let mut report = Vec::new();
    for count in [3, 20] {
        let bytes = encode(trainer.reader(), trainer.config(), &trainer.corrections()[..count]);
        let (_, biases, drawings) = offsets(&bytes);
        // The same link without the weights: the settings and the drawings alone.
        let alone = [&bytes[..biases - 2], &bytes[drawings..]].concat(); // with the checksum
        let (with, without) = (link_chars(&bytes), link_chars(&alone));
        report.push(format!("{count} drawings: {with} characters with the weights, {without} without"));
        if count == 20 {
            assert!(with < 16_000 && without < 8_000, "{}", report.join("; "));
        }
    }
    eprintln!("{}", report.join("; "));
}
