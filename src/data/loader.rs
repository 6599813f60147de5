//! Loading a data set a slice at a time. The loader opens on the archive's directory; its first steps read
//! a header each, and all four are checked together before any values are decompressed (so every refusal a
//! header can tell comes first); then each `step` decompresses and converts about as many bytes as it is
//! given, straight into sparse rows. The decoded array is never held whole, and the caller (the page,
//! between its tasks) decides when to stop and let the browser draw.

use super::npz::{open_reader, read_header, Archive, ArrayHeader, EntryLocation};
use super::stream::ArrayStream;
use super::{check_images, check_labels, digit_label, square_side, Dataset, SparseRows, Split, MAX_PIXELS};
use crate::error::FileError;
use std::io::{Read, Seek};

const DATA_ARRAYS: &str = "a data set's .npz must contain X_train, y_train, X_test and y_test";

/// What a grey level 0..255 is multiplied by to bring it into 0..1.
const GREY_LEVELS: f32 = 1.0 / 255.0;

/// The four arrays, in the order they are read (images before their labels, as errors are reported).
const ARRAYS: [&str; 4] = ["X_train", "y_train", "X_test", "y_test"];

/// Whether `ARRAYS[index]` holds images (`X_…`) rather than labels.
fn holds_images(index: usize) -> bool {
    ARRAYS[index].starts_with('X')
}

/// A data set on its way out of an `.npz`.
pub struct DatasetLoader<R> {
    /// The archive while its headers are read (one a step), then only its reader, for the values.
    archive: Option<Archive<R>>,
    reader: Option<R>,
    headers: Vec<ArrayHeader>,
    locations: Vec<EntryLocation>,
    features: usize,
    image_shape: Option<(usize, usize)>,
    /// The array being read (an index into `ARRAYS`), and its stream.
    current: usize,
    stream: Option<ArrayStream>,
    /// The values of the last chunk read (reused).
    values: Vec<f64>,
    images: Option<Images>,
    labels: Vec<u8>,
    /// The splits read so far: train, then test.
    splits: Vec<Split>,
    notices: Vec<String>,
    /// Bytes of values read so far, of all four arrays.
    read_bytes: usize,
    total_bytes: usize,
    failed: bool,
}

impl<R: Read + Seek> DatasetLoader<R> {
    /// Opens an `.npz` (its directory only); the headers are read and checked by the first steps, before
    /// any values (so every refusal a header can tell comes before anything large is decompressed).
    pub fn open(reader: R) -> Result<DatasetLoader<R>, FileError> {
        Ok(DatasetLoader {
            archive: Some(open_reader(reader)?),
            reader: None,
            headers: Vec::with_capacity(ARRAYS.len()),
            locations: Vec::new(),
            features: 0,
            image_shape: None,
            current: 0,
            stream: None,
            values: Vec::new(),
            images: None,
            labels: Vec::new(),
            splits: Vec::with_capacity(2),
            notices: Vec::new(),
            read_bytes: 0,
            total_bytes: 0,
            failed: false,
        })
    }

    /// Reads the next array's header; once all four are read, checks them together and finds the values.
    fn read_next_header(&mut self) -> Result<(), FileError> {
        let archive = self.archive.as_mut().expect("headers are read from the archive");
        let name = ARRAYS[self.headers.len()];
        self.headers.push(read_header(archive, name, DATA_ARRAYS)?);
        if self.headers.len() < ARRAYS.len() {
            return Ok(());
        }
        let [x_train, y_train, x_test, y_test] = &self.headers[..] else { unreachable!("four arrays") };
        let (n_train, features, image_train) = check_images(x_train)?;
        let (n_test, features_test, _) = check_images(x_test)?;
        if features != features_test {
            return Err(FileError::FeatureMismatch { train: features, test: features_test });
        }
        check_labels(y_train, "X_train", n_train)?;
        check_labels(y_test, "X_test", n_test)?;
        let total_pixels = (n_train + n_test) * features;
        if total_pixels > MAX_PIXELS {
            return Err(FileError::TooLarge {
                name: "X_train and X_test together",
                detail: format!("{} pixels ({n_train} + {n_test} samples × {features})", total_pixels),
                limit: format!("{MAX_PIXELS} pixels, e.g. the full MNIST's 70,000 images of 28×28"),
            });
        }
        self.locations = self.headers.iter().map(|header| archive.locate(header)).collect::<Result<_, _>>()?;
        self.total_bytes = self.headers.iter().map(|header| header.npy_bytes - header.values_offset).sum();
        self.features = features;
        self.image_shape = image_train.or(square_side(features).map(|side| (side, side)));
        self.reader = self.archive.take().map(Archive::into_reader);
        Ok(())
    }

    /// How much of the values has been read, 0 to 1.
    pub fn fraction(&self) -> f64 {
        self.read_bytes as f64 / self.total_bytes.max(1) as f64
    }

    /// Reads on until about `budget` more bytes of values have been decompressed and converted (at least a
    /// header or a chunk); true once every array is read. A refusal ends the loading: later calls refuse too.
    pub fn step(&mut self, budget: usize) -> Result<bool, FileError> {
        if self.failed {
            return Err(FileError::Corrupt { name: ARRAYS[self.current.min(3)], reason: "it was refused".into() });
        }
        let result = self.read_for(budget);
        self.failed = result.is_err();
        result
    }

    /// The data set, reading whatever is left at once.
    pub fn into_dataset(mut self) -> Result<Dataset, FileError> {
        while !self.step(usize::MAX)? {}
        let mut splits = self.splits.into_iter();
        let (train, test) = (splits.next().expect("read"), splits.next().expect("read"));
        Ok(Dataset { train, test, features: self.features, image_shape: self.image_shape, notices: self.notices })
    }

    fn read_for(&mut self, budget: usize) -> Result<bool, FileError> {
        let mut spent = 0;
        while self.current < ARRAYS.len() {
            if spent >= budget {
                return Ok(false);
            }
            if self.archive.is_some() {
                self.read_next_header()?;
                spent += 1;
                continue;
            }
            let header = &self.headers[self.current];
            let stream = self.stream.get_or_insert_with(|| ArrayStream::new(header, self.locations[self.current]));
            let before = stream.values_left();
            let reader = self.reader.as_mut().expect("the values are read once the headers are");
            let more = stream.next(reader, &mut self.values)?;
            if holds_images(self.current) {
                self.images.get_or_insert_with(|| Images::new(header, self.features)).push(&self.values)?;
            } else {
                for &value in &self.values {
                    push_label(&mut self.labels, header.name, value)?;
                }
            }
            let read = before - stream.values_left();
            self.read_bytes += read;
            spent += read.max(1);
            if !more {
                self.finish_array();
            }
        }
        Ok(true)
    }

    /// Closes the array just read: images wait for their labels, which make a split.
    fn finish_array(&mut self) {
        self.stream = None;
        if !holds_images(self.current) {
            let images = self.images.take().expect("images come before their labels");
            let sparse = images.into_rows(&mut self.notices);
            let labels = std::mem::take(&mut self.labels);
            self.splits.push(Split { labels, sparse, features: self.features });
        }
        self.current += 1;
    }
}

/// An images array becoming sparse design-matrix rows: a bias of 1, then the non-zero pixels.
struct Images {
    name: &'static str,
    is_float: bool,
    features: usize,
    rows: SparseRows,
    /// The next value's position: its sample and pixel.
    sample: usize,
    pixel: usize,
    max: f64,
}

impl Images {
    fn new(header: &ArrayHeader, features: usize) -> Images {
        Images {
            name: header.name,
            is_float: header.elem.is_float(),
            features,
            rows: SparseRows::default(),
            sample: 0,
            pixel: 0,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds the next values (in order, rows straddling calls), after checking them.
    fn push(&mut self, mut values: &[f64]) -> Result<(), FileError> {
        while !values.is_empty() {
            let (part, rest) = values.split_at((self.features - self.pixel).min(values.len()));
            self.check(part)?;
            if self.pixel == 0 {
                self.rows.begin_sample();
            }
            // Integer grey levels are scaled as they arrive; floats once their largest value is known.
            let scale = if self.is_float { 1.0 } else { GREY_LEVELS };
            self.rows.push_values(self.pixel as u32 + 1, part, scale);
            self.pixel += part.len();
            if self.pixel == self.features {
                self.rows.end_row();
                (self.sample, self.pixel) = (self.sample + 1, 0);
            }
            values = rest;
        }
        Ok(())
    }

    /// Refuses a non-finite value, or an integer grey level outside 0..255, naming where it is; notes the
    /// largest value (floats are rescaled when they plainly are grey levels).
    fn check(&mut self, part: &[f64]) -> Result<(), FileError> {
        let fits = |&value: &f64| value.is_finite() && (self.is_float || (0.0..=255.0).contains(&value));
        if let Some(at) = part.iter().position(|value| !fits(value)) {
            let (name, value, sample, pixel) = (self.name, part[at], self.sample, self.pixel + at);
            return Err(if value.is_finite() {
                FileError::PixelOutOfRange { name, value: value.to_string(), sample, pixel }
            } else {
                FileError::NonFinitePixel { name, value: value.to_string(), sample, pixel }
            });
        }
        if self.is_float {
            self.max = part.iter().fold(self.max, |max, &value| max.max(value));
        }
        Ok(())
    }

    /// The rows in the model's scale. Integers are 0..255 grey levels; floats are taken as they are unless
    /// they plainly are grey levels too.
    fn into_rows(self, notices: &mut Vec<String>) -> SparseRows {
        let Images { mut rows, is_float, max, name, .. } = self;
        if is_float && max > 1.0 {
            notices
                .push(format!("{name} holds floats up to {max}, so it was divided by 255 to bring pixels into 0..1"));
            // The bias is scaled too; it is put back to 1 below.
            rows.scale(GREY_LEVELS);
            rows.reset_bias();
        }
        rows
    }
}

fn push_label(labels: &mut Vec<u8>, name: &'static str, value: f64) -> Result<(), FileError> {
    let label = digit_label(value);
    labels.push(label.ok_or(FileError::LabelOutOfRange { name, value: value.to_string(), index: labels.len() })?);
    Ok(())
}
