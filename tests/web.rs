//! The wasm build in headless Chromium: the shipped data set decodes and trains, options arrive from JS
//! objects, and refusals are thrown as `Error`s named after their kind.
#![cfg(target_family = "wasm")]

use mnist_logreg::web::WebTrainer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BUNDLED: &[u8] = include_bytes!("../data/mini_mnist.npz");

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap()
}

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

/// The name and message of what the facade throws.
fn thrown(error: impl Into<JsValue>) -> (String, String) {
    let error: js_sys::Error = error.into().unchecked_into();
    (error.name().into(), error.message().into())
}

#[wasm_bindgen_test]
fn the_bundled_data_set_decodes_and_trains_in_the_browser() {
    let mut trainer = WebTrainer::from_npz_js(BUNDLED, options(r#"{"epochs": 1, "batchSize": 256}"#)).unwrap();
    let info = trainer.dataset_info();
    assert_eq!(field(&info, "trainSamples").as_f64(), Some(8000.0));
    assert_eq!(field(&info, "testSamples").as_f64(), Some(2000.0));
    assert_eq!(field(&trainer.config(), "epochs").as_f64(), Some(1.0));

    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now = performance.unchecked_into::<web_sys::Performance>().now();
    let first = trainer.step_until_js(now + 1e9, true).unwrap();
    assert_eq!(field(&first, "epochEnded").as_bool(), Some(true), "an epoch's end stops the call");
    let progress = trainer.step(1000);
    assert_eq!(field(&progress, "done").as_bool(), Some(true));
    assert_eq!(field(&progress, "batchesPerEpoch").as_f64(), Some(31.0));
    let accuracy = field(&trainer.evaluate(), "testAccuracy").as_f64().unwrap();
    assert!(accuracy > 0.75, "one epoch in wasm reaches {accuracy}");

    let probs = trainer.predict(&[0.0; 784]).unwrap();
    assert_eq!(probs.len(), 10);
    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
}

#[wasm_bindgen_test]
fn bad_files_and_options_throw_errors_named_after_their_kind() {
    let truncated = &BUNDLED[..BUNDLED.len() / 3];
    let (name, message) = thrown(WebTrainer::from_npz_js(truncated, JsValue::UNDEFINED).err().unwrap());
    assert_eq!(name, "FileError");
    assert!(message.contains("not a valid .npz archive"), "{message}");

    let (name, message) = thrown(WebTrainer::from_npz_js(BUNDLED, options(r#"{"softmax": "column"}"#)).err().unwrap());
    assert_eq!(name, "ConfigError");
    assert!(message.contains(r#"softmax: must be "row" or "batch""#), "{message}");

    let (name, message) = thrown(WebTrainer::from_npz_js(BUNDLED, options(r#"{"learningrate": 0.5}"#)).err().unwrap());
    assert_eq!(name, "ConfigError");
    assert!(message.contains(r#""learningrate""#) && message.contains("learningRate"), "{message}");

    let trainer = WebTrainer::from_npz_js(BUNDLED, JsValue::NULL).unwrap();
    let (name, _) = thrown(trainer.predict(&[0.5; 3]).err().unwrap());
    assert_eq!(name, "InputError");
}
