//! The wasm build in headless Chromium: the shipped data set decodes and trains, bad input throws.
#![cfg(target_arch = "wasm32")]

use mnist_logreg::web::WebTrainer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BUNDLED: &[u8] = include_bytes!("../data/mini_mnist.npz");

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap()
}

fn error_message(error: wasm_bindgen::JsError) -> String {
    JsValue::from(error).unchecked_into::<js_sys::Error>().message().into()
}

#[wasm_bindgen_test]
fn the_bundled_data_set_decodes_and_trains_in_the_browser() {
    let options = js_sys::JSON::parse(r#"{"epochs": 1, "batchSize": 256}"#).unwrap();
    let mut trainer = WebTrainer::from_npz(BUNDLED, options).unwrap();
    let info = trainer.dataset_info();
    assert_eq!(field(&info, "trainSamples").as_f64(), Some(8000.0));
    assert_eq!(field(&info, "testSamples").as_f64(), Some(2000.0));

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
fn bad_files_and_options_throw_readable_errors() {
    let truncated = &BUNDLED[..BUNDLED.len() / 3];
    let message = error_message(WebTrainer::from_npz(truncated, JsValue::UNDEFINED).err().unwrap());
    assert!(message.contains("not a valid .npz archive"), "{message}");

    let options = js_sys::JSON::parse(r#"{"softmax": "column"}"#).unwrap();
    let message = error_message(WebTrainer::from_npz(BUNDLED, options).err().unwrap());
    assert!(message.contains("\"row\" or \"batch\""), "{message}");

    let options = js_sys::JSON::parse(r#"{"learningrate": 0.5}"#).unwrap();
    let message = error_message(WebTrainer::from_npz(BUNDLED, options).err().unwrap());
    assert!(message.contains("learningrate"), "a misspelt option is named: {message}");
}
