"""Writes tests/fixtures/loader/*.npz: small archives the loader must accept or refuse.

Made with numpy itself (np.savez, np.savez_compressed, zipfile for hand-made hostile entries) so the tests
check real numpy output. Committed, so the tests need no Python. Run: python3 scripts/make_loader_fixtures.py
"""
import io
import pathlib
import zipfile

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "loader"


def images(n, shape=(28, 28), dtype=np.uint8):
    """A known pattern, grey level (31·sample + 7·pixel) mod 256, so tests can check every value's place."""
    pixels = int(np.prod(shape))
    grey = (31 * np.arange(n)[:, None] + 7 * np.arange(pixels)[None, :]) % 256
    return grey.reshape(n, *shape).astype(dtype)


def labels(n, dtype=np.uint8):
    return (np.arange(n) % 10).astype(dtype)


def good(**over):
    arrays = dict(X_train=images(20), y_train=labels(20), X_test=images(10), y_test=labels(10))
    arrays.update(over)
    return {k: v for k, v in arrays.items() if v is not None}


def save(name, compressed=True, **arrays):
    (np.savez_compressed if compressed else np.savez)(OUT / f"{name}.npz", **arrays)


def npy_bytes(header_dict_text, payload=b"", version=1):
    """A .npy file written by hand, for headers numpy itself would never write."""
    text = header_dict_text.encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    text = text + b" " * pad + b"\n"
    size = len(text).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + size + text + payload


def save_raw(name, entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    (OUT / f"{name}.npz").write_bytes(buffer.getvalue())


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    # Accepted variants.
    save("ok_uint8_3d", **good())
    save("ok_uncompressed_float32_2d", compressed=False,
         **good(X_train=images(20, (784,), np.float32) / 255, X_test=images(10, (784,), np.float32) / 255))
    save("ok_float64_0_255", **good(X_train=images(20).astype(np.float64), X_test=images(10).astype(np.float64)))
    big_endian = good(X_train=images(20).astype(">f4") / np.float32(255), y_train=labels(20, ">i8"),
                      X_test=images(10).astype(">f4") / np.float32(255), y_test=labels(10, ">i2"))
    save("ok_big_endian", **big_endian)
    fortran = good()
    fortran["X_train"] = np.asfortranarray(fortran["X_train"].reshape(20, 784))
    fortran["X_test"] = np.asfortranarray(fortran["X_test"].reshape(10, 784))
    save("ok_fortran_order", **fortran)
    save("ok_int_labels_extra_arrays", **good(y_train=labels(20, np.int64), y_test=labels(10, np.int32)),
         mean_image=np.zeros(784), note=np.array(["extra arrays are ignored"]))
    save("ok_small_images", **good(X_train=images(20, (8, 8)), X_test=images(10, (8, 8))))

    # Refused.
    (OUT / "bad_not_a_zip.npz").write_bytes(b"X_train,y_train\n0,1,2,3\n")
    whole = (OUT / "ok_uint8_3d.npz").read_bytes()
    (OUT / "bad_truncated.npz").write_bytes(whole[: len(whole) // 2])
    save("bad_missing_y_test", **good(y_test=None))
    save("bad_rank_1d_images", **good(X_train=images(20, ()).astype(np.uint8)))
    save("bad_rank_4d_images", **good(X_train=images(20, (1, 28, 28))))
    save("bad_feature_mismatch", **good(X_test=images(10, (27, 27))))
    save("bad_length_mismatch", **good(y_train=labels(19)))
    save("bad_empty_train", **good(X_train=images(0), y_train=labels(0)))
    save("bad_label_10", **good(y_test=np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], dtype=np.uint8)))
    save("bad_label_negative", **good(y_train=labels(20, np.int8) - 1))
    nan = images(20).astype(np.float32) / 255
    nan[3, 4, 5] = np.nan
    save("bad_nan_pixel", **good(X_train=nan))
    inf = images(10).astype(np.float64) / 255
    inf[1, 0, 0] = np.inf
    save("bad_inf_pixel", **good(X_test=inf))
    save("bad_int_pixel_out_of_range", **good(X_train=images(20).astype(np.uint16) * 4))
    save("bad_string_dtype", **good(X_train=np.full((20, 784), "7", dtype="<U1")))
    save("bad_complex_dtype", **good(X_test=images(10).astype(np.complex64)))
    save("bad_float_labels", **good(y_train=labels(20, np.float32)))
    save("bad_bool_pixels", **good(X_train=images(20) > 127))
    save("bad_float16_pixels", **good(X_train=images(20).astype(np.float16)))
    save("bad_structured_dtype", **good(y_test=np.zeros(10, dtype=[("digit", "u1"), ("weight", "f4")])))
    arrays = {f"{k}.npy": npy(v) for k, v in good().items()}
    objects = np.empty(10, dtype=object)
    objects[:] = [i % 10 for i in range(10)]
    save_raw("bad_object_array", {**arrays, "y_test.npy": npy(objects)})
    # A 200-byte header that claims 10^12 pixels: must be refused before anything is allocated.
    save_raw("bad_huge_declared_shape",
             {**arrays, "X_train.npy": npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (1000000, 1000000), }")})
    save_raw("bad_overflowing_shape",
             {**arrays, "X_train.npy": npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }")})
    # A version-2 header whose length field claims 4 GB.
    save_raw("bad_huge_header", {**arrays, "X_train.npy": b"\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'"})
    # Shape (20, 784) but 100 times more data than that: a zip bomb must stop at the announced size.
    bomb_header = "{'descr': '|u1', 'fortran_order': False, 'shape': (20, 784), }"
    save_raw("bad_more_data_than_shape", {**arrays, "X_train.npy": npy_bytes(bomb_header, bytes(20 * 784 * 100))})
    save_raw("bad_less_data_than_shape", {**arrays, "X_train.npy": npy_bytes(bomb_header, bytes(20 * 700))})
    save_raw("bad_not_npy", {**arrays, "y_train.npy": b"this is not a numpy array"})
    too_many = "{'descr': '|u1', 'fortran_order': False, 'shape': (70000, 1000), }"
    save_raw("bad_too_many_pixels", {**arrays, "X_train.npy": npy_bytes(too_many)})
    print(f"wrote {len(list(OUT.glob('*.npz')))} fixtures to {OUT}")


if __name__ == "__main__":
    main()
