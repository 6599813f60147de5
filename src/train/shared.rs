//! A model to share in a link: the settings, the weights quantised to int8 with a scale per row, and the
//! visitor's drawings, in a small binary format the page compresses (deflate) and puts in the address's
//! fragment. [`encode`] writes it; [`decode`] reads it back and checks everything it reads, like a saved
//! model's `.npz` (src/train/saved.rs): the page never hands the core weights it has not checked.
//!
//! The format (version 1), little-endian, no padding:
//!
//! | bytes          | what                                                                      |
//! |----------------|---------------------------------------------------------------------------|
//! | 1              | the version, 1                                                            |
//! | 1              | S, the number of settings (at most [`MAX_SETTINGS`])                      |
//! | S × (1+n+8)    | each setting: its name's length n, the name (as in a saved `.npz`), a float64 |
//! | 2              | D, the pixels per image                                                   |
//! | 10 × 4         | each digit's bias, float32                                                |
//! | 10 × 4         | each digit's scale, float32: its pixel weight `j` is `scale · q[j]`         |
//! | 10 × D         | the pixel weights q, int8, a row per digit                                |
//! | 1              | N, the number of drawings (at most [`MAX_SHARED_DRAWINGS`])               |
//! | N              | their digits, uint8 0–9, oldest first                                     |
//! | N × D          | their grey levels, uint8 (0 black, 255 full ink)                          |
//! | 4              | CRC-32 of all the bytes before it, uint32 (so an altered weight is caught)|

use super::saved::{settings_as_numbers, settings_from_numbers};
use super::{Correction, Reader, Reading, TrainConfig};
use crate::data::digit_label;
use crate::error::ShareError;
use crate::model::Model;
use crate::CLASSES;
use ndarray::Array2;

/// The format this module writes and reads.
pub const SHARED_VERSION: u8 = 1;
/// Most drawings a link carries: the newest are kept.
pub const MAX_SHARED_DRAWINGS: usize = 50;
/// Most settings a link may name (there are 8 today).
pub const MAX_SETTINGS: usize = 32;
/// Rounds of nudging the rounding of the weights so that the shared model reads every drawing as the
/// sender's does (see [`quantise`]).
const NUDGE_ROUNDS: usize = 4;

/// A model read from a link.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub reader: Reader,
    pub config: TrainConfig,
    pub corrections: Vec<Correction>,
}

/// A drawing's pixels (0..1) as grey levels, as a saved `.npz` keeps them.
fn grey(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// The model with its settings and the newest [`MAX_SHARED_DRAWINGS`] of `corrections`, as the bytes of the
/// format above (uncompressed).
pub fn encode(reader: &Reader, config: &TrainConfig, corrections: &[Correction]) -> Vec<u8> {
    let corrections = &corrections[corrections.len().saturating_sub(MAX_SHARED_DRAWINGS)..];
    let features = reader.model().features();
    let mut out = vec![SHARED_VERSION];
    let settings = settings_as_numbers(config, reader.reading());
    out.push(settings.len() as u8);
    for (name, number) in settings {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&number.to_le_bytes());
    }
    out.extend_from_slice(&(features as u16).to_le_bytes());
    let quantised = quantise(reader, corrections);
    for value in quantised.biases.iter().chain(&quantised.scales) {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend(quantised.weights.iter().map(|&q| q as u8));
    out.push(corrections.len() as u8);
    out.extend(corrections.iter().map(|correction| correction.label));
    out.extend(corrections.iter().flat_map(|correction| correction.pixels.iter().map(|&v| grey(v))));
    let checksum = crc32fast::hash(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    out
}

/// A model's weights in the link's form.
struct Quantised {
    biases: Vec<f32>,
    scales: Vec<f32>,
    /// CLASSES × D, row-major.
    weights: Vec<i8>,
}

impl Quantised {
    fn reader(&self, reading: Reading) -> Reader {
        Reader::new(Model::from_weights(dequantise(&self.biases, &self.scales, &self.weights).view()), reading)
    }
}

/// The K×(D+1) weights of the link's form (the bias first in each row).
fn dequantise(biases: &[f32], scales: &[f32], weights: &[i8]) -> Array2<f32> {
    let features = weights.len() / CLASSES;
    Array2::from_shape_fn((CLASSES, features + 1), |(k, j)| match j {
        0 => biases[k],
        _ => scales[k] * f32::from(weights[k * features + j - 1]),
    })
}

/// The reader's pixel weights rounded to int8, a scale per digit (its largest weight maps to ±127); the
/// biases as they are. Rounding to the nearest step can tip a drawing the model barely reads right (a
/// lesson stops as soon as it does), so the rounding of the weights a misread drawing inks is then turned
/// towards the digit the sender's model reads, and away from the one the rounded model reads: each weight
/// stays within one step of its value.
fn quantise(reader: &Reader, corrections: &[Correction]) -> Quantised {
    let exact = reader.model().weights();
    let features = reader.model().features();
    let biases: Vec<f32> = exact.column(0).to_vec();
    let scales: Vec<f32> = exact
        .rows()
        .into_iter()
        .map(|row| row.iter().skip(1).fold(0.0f32, |max, w| max.max(w.abs())) / 127.0)
        .collect();
    // A weight in steps of its row's scale (a row of zeros has none).
    let step = |k: usize, j: usize| if scales[k] > 0.0 { exact[(k, j + 1)] / scales[k] } else { 0.0 };
    let weights: Vec<i8> =
        (0..CLASSES * features).map(|i| step(i / features, i % features).round().clamp(-127.0, 127.0) as i8).collect();
    let mut quantised = Quantised { biases, scales: scales.clone(), weights };
    // The drawings as the sender's page holds them and as the link carries them (grey levels).
    let drawings: Vec<Vec<f32>> = corrections
        .iter()
        .flat_map(|c| [c.pixels.clone(), c.pixels.iter().map(|&v| f32::from(grey(v)) / 255.0).collect()])
        .collect();
    for _ in 0..NUDGE_ROUNDS {
        let rounded = quantised.reader(reader.reading());
        let mut nudged = false;
        for pixels in &drawings {
            let (Ok(wanted), Ok(read)) = (reader.classify(pixels), rounded.classify(pixels)) else { continue };
            if wanted == read {
                continue;
            }
            let input = reader.input(pixels).expect("classified above");
            for (j, _) in input.iter().enumerate().filter(|(_, &ink)| ink > 0.0) {
                quantised.weights[wanted * features + j] = step(wanted, j).ceil().clamp(-127.0, 127.0) as i8;
                quantised.weights[read * features + j] = step(read, j).floor().clamp(-127.0, 127.0) as i8;
            }
            nudged = true;
        }
        if !nudged {
            break;
        }
    }
    quantised
}

/// Reads the bytes of a link's model, made for images of `features` pixels, checking everything: the
/// checksum, the version, the settings as a saved model's are checked, the sizes, finite weights, at most
/// [`MAX_SHARED_DRAWINGS`] drawings labelled 0–9, and nothing after them.
pub fn decode(bytes: &[u8], features: usize) -> Result<Shared, ShareError> {
    if bytes.len() < 4 {
        return Err(ShareError::Truncated { needed: 4, len: bytes.len() });
    }
    let (bytes, checksum) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(bytes).to_le_bytes() != checksum {
        return Err(ShareError::Checksum);
    }
    let mut input = Bytes { bytes, at: 0 };
    let version = input.take(1)?[0];
    if version != SHARED_VERSION {
        return Err(ShareError::UnknownVersion(version));
    }
    let count = usize::from(input.take(1)?[0]);
    if count > MAX_SETTINGS {
        return Err(ShareError::BadSetting(format!("it names {count} settings; there are at most {MAX_SETTINGS}")));
    }
    let mut settings = Vec::with_capacity(count);
    for _ in 0..count {
        let length = usize::from(input.take(1)?[0]);
        let name = String::from_utf8_lossy(input.take(length)?).into_owned();
        settings.push((name, f64::from_le_bytes(input.array()?)));
    }
    let config = settings_from_numbers(&settings).map_err(ShareError::BadSetting)?;
    let got = usize::from(u16::from_le_bytes(input.array()?));
    if got != features {
        return Err(ShareError::WrongFeatures { expected: features, got });
    }
    let reading = Reading::of(config.deskew, features).ok_or_else(|| {
        ShareError::BadSetting(format!("it deskews, which needs square images, but these have {features} pixels"))
    })?;
    let mut floats =
        || -> Result<Vec<f32>, ShareError> { (0..CLASSES).map(|_| Ok(f32::from_le_bytes(input.array()?))).collect() };
    let (biases, scales) = (floats()?, floats()?);
    for row in 0..CLASSES {
        if !(biases[row].is_finite() && scales[row].is_finite()) {
            return Err(ShareError::NonFiniteWeight { row });
        }
        if scales[row] < 0.0 {
            return Err(ShareError::NegativeScale { row });
        }
    }
    let weights: Vec<i8> = input.take(CLASSES * features)?.iter().map(|&q| q as i8).collect();
    let weights = dequantise(&biases, &scales, &weights);
    if let Some(index) = weights.iter().position(|w| !w.is_finite()) {
        return Err(ShareError::NonFiniteWeight { row: index / (features + 1) });
    }
    let drawings = usize::from(input.take(1)?[0]);
    if drawings > MAX_SHARED_DRAWINGS {
        return Err(ShareError::TooManyDrawings { count: drawings, max: MAX_SHARED_DRAWINGS });
    }
    let labels = input.take(drawings)?.to_vec();
    if let Some(index) = labels.iter().position(|&label| digit_label(f64::from(label)).is_none()) {
        return Err(ShareError::LabelOutOfRange { index, value: labels[index] });
    }
    let pixels = input.take(drawings * features)?;
    if input.at != bytes.len() {
        return Err(ShareError::TrailingBytes(bytes.len() - input.at));
    }
    let corrections = pixels
        .chunks_exact(features.max(1))
        .zip(labels)
        .map(|(grey, label)| Correction { pixels: grey.iter().map(|&v| f32::from(v) / 255.0).collect(), label })
        .collect();
    Ok(Shared { reader: Reader::new(Model::from_weights(weights.view()), reading), config, corrections })
}

/// The bytes read so far.
struct Bytes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    /// The next `n` bytes, or a refusal saying how many there should have been.
    fn take(&mut self, n: usize) -> Result<&'a [u8], ShareError> {
        let needed = self.at + n;
        let taken = self.bytes.get(self.at..needed).ok_or(ShareError::Truncated { needed, len: self.bytes.len() })?;
        self.at = needed;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ShareError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawing_the_model_barely_reads_right_is_still_read_right_once_rounded() {
        // Digit 3 scores 0.5078 for the drawing, digit 5 0.5076. Rounded to the nearest step of each row's
        // scale (1/127 for 3, 0.9/127 for 5), 3 would score 64/127 = 0.504 and 5 72 · 0.9/127 = 0.510.
        let mut weights = Array2::zeros((CLASSES, 5));
        weights[(3, 1)] = 0.5078;
        weights[(3, 4)] = 1.0;
        weights[(5, 1)] = 0.5076;
        weights[(5, 4)] = 0.9;
        let reader = Reader::new(Model::from_weights(weights.view()), Reading::AsGiven);
        let drawing = Correction { pixels: vec![1.0, 0.0, 0.0, 0.0], label: 3 };
        assert_eq!(reader.classify(&drawing.pixels).unwrap(), 3);
        let nearest = Quantised {
            biases: vec![0.0; CLASSES],
            scales: (0..CLASSES).map(|k| [1.0 / 127.0, 0.9 / 127.0][usize::from(k == 5)]).collect(),
            weights: (0..CLASSES * 4).map(|i| [0, 64, 72][usize::from(i == 12) + 2 * usize::from(i == 20)]).collect(),
        };
        assert_eq!(
            nearest.reader(Reading::AsGiven).classify(&drawing.pixels).unwrap(),
            5,
            "the nearest steps misread it"
        );

        let bytes = encode(&reader, &TrainConfig::default(), std::slice::from_ref(&drawing));
        let shared = decode(&bytes, 4).unwrap();
        assert_eq!(shared.reader.classify(&drawing.pixels).unwrap(), 3);
        assert_eq!(shared.corrections, [drawing]);
        // Each weight is still within one step of its value.
        let (exact, rounded) = (reader.model().weights(), shared.reader.model().weights());
        for ((k, j), w) in exact.indexed_iter() {
            let step = [1.0 / 127.0, 0.9 / 127.0][usize::from(k == 5)];
            assert!((w - rounded[(k, j)]).abs() <= step * 1.0001, "weight ({k}, {j}): {w} → {}", rounded[(k, j)]);
        }
    }
}
