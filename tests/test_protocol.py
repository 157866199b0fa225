"""Does every plain value survive the codec unchanged, does everything else stay behind a
handle, and does malformed input only ever raise ProtocolError or EOFError?"""

import io
import json
import math
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.worker import protocol

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False), st.sampled_from([math.inf, -math.inf]), st.text(max_size=20),
    st.binary(max_size=20),
)
ARRAYS = hnp.arrays(
    dtype=st.sampled_from(["bool", "int8", "uint16", "int32", "int64", "float16", "float32", "float64",
                           "complex128"]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
)
VALUES = st.recursive(
    st.one_of(SCALARS, ARRAYS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers(-5, 5)), inner, max_size=4),
    ),
    max_leaves=12,
)


def round_trip(value):
    tree, buffers = protocol.encode(value)
    message, got = protocol.read_message(io.BytesIO(protocol.pack({"v": tree}, buffers)))
    return protocol.decode(message["v"], got)


def same(a, b):
    if type(a) is not type(b):
        return False
    if type(a) is np.ndarray:
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b or (type(a) is float and math.isnan(a) and math.isnan(b))


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_plain_values_round_trip_exactly(value):
    assert same(round_trip(value), value)


def test_nan_and_numpy_scalars_round_trip():
    assert math.isnan(round_trip(float("nan")))
    for scalar in (np.float32(1.5), np.int64(-3), np.bool_(True), np.complex128(1 + 2j)):
        back = round_trip(scalar)
        assert type(back) is type(scalar) and back == scalar


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return True


class LyingFloat(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [
    np.zeros(3).view(LyingArray), LyingFloat(1.0), np.array([object()], dtype=object),
    np.zeros(2, dtype=[("a", "i4")]), np.array(["text"]), object(), {1, 2}, range(3),
])
def test_anything_but_plain_data_becomes_a_handle_never_a_value(value):
    handles = []

    def to_handle(obj):
        handles.append(obj)
        return protocol.Handle(len(handles), type(obj).__name__)

    tree, buffers = protocol.encode(value, to_handle)
    assert "$handle" in tree and handles == [value]
    with pytest.raises(protocol.ProtocolError):
        protocol.encode(value)


@pytest.mark.parametrize("tree, buffers", [
    ({"$array": 0, "dtype": "|O", "shape": [1]}, [b"x" * 8]),
    ({"$array": 0, "dtype": "<f8", "shape": [2]}, [b"x" * 8]),
    ({"$array": 0, "dtype": "<f8", "shape": [-1]}, [b""]),
    ({"$array": 5, "dtype": "<f8", "shape": [1]}, [b"x" * 8]),
    ({"$array": True, "dtype": "<f8", "shape": [1]}, [b"x" * 8]),
    ({"$scalar": 0, "dtype": "|V8"}, [b"x" * 8]),
    ({"$bigint": "1" * 5000}, []),
    ({"$bigint": ""}, []),
    ({"$bigint": "--1"}, []),
    ({"$bigint": "\u00b2"}, []),
    ({"$float": "1e400"}, []),
    ({"$dict": [[[1], 2]]}, []),
    ({"$dict": [[1]]}, []),
    ({"$tuple": "ab"}, []),
    ({"$handle": 1, "type": "X"}, []),
    ({"$pickle": "gASVAAAAAAAAAAA="}, []),
    ({}, []),
    (b"raw", []),
])
def test_malformed_trees_are_refused(tree, buffers):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(tree, buffers)


def test_nesting_is_bounded():
    tree = 0
    for _ in range(protocol.MAX_DEPTH + 5):
        tree = [tree]
    with pytest.raises(protocol.ProtocolError, match="nested too deeply"):
        protocol.decode(tree, [])


@settings(max_examples=1000, deadline=None)
@given(st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6),
              st.sampled_from(["$array", "$tensor", "$scalar", "$bytes", "$handle", "<f8", "|O"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(
        st.sampled_from(["$array", "$tensor", "$scalar", "$bytes", "$tuple", "$dict", "$bigint", "$float",
                         "$handle", "dtype", "shape", "type", "parameter"]), inner, max_size=4)),
    max_leaves=10), st.lists(st.binary(max_size=16), max_size=3))
def test_random_trees_decode_or_raise_protocol_error(tree, buffers):
    try:
        protocol.decode(tree, buffers)
    except protocol.ProtocolError:
        pass


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_on_the_channel_raise_only_protocol_or_eof_errors(data):
    try:
        protocol.read_message(io.BytesIO(data), max_bytes=1 << 16)
    except (protocol.ProtocolError, EOFError):
        pass


def test_a_huge_announced_length_is_refused_before_reading():
    data = struct.pack("<Q", 1 << 40) + b"{}"
    with pytest.raises(protocol.ProtocolError, match="larger than"):
        protocol.read_message(io.BytesIO(data), max_bytes=1 << 20)


def test_headers_must_be_well_formed():
    for head in (b"[1]", b'{"n": -1}', b'{"n": "2"}', b"not json", b"\xff\xfe"):
        with pytest.raises(protocol.ProtocolError):
            protocol.read_message(io.BytesIO(struct.pack("<Q", len(head)) + head))
    head = json.dumps({"m": {}, "n": 2}).encode()
    with pytest.raises(EOFError):
        protocol.read_message(io.BytesIO(struct.pack("<Q", len(head)) + head + struct.pack("<Q", 0)))


def test_a_huge_json_part_is_refused_before_parsing():
    """Is a reply whose plain-data part exceeds the JSON bound refused, while a large array passes?"""
    import io

    import numpy as np

    from autograder.worker import protocol as p

    big_list = p.pack({"value": [0] * 500_000})  # about 1.5 MB of JSON
    with pytest.raises(p.ProtocolError, match="message larger than 1000000 bytes"):
        p.read_message(io.BytesIO(big_list), max_header_bytes=1_000_000)
    tree, buffers = p.encode(np.zeros(1_000_000))
    message, got = p.read_message(io.BytesIO(p.pack(tree, buffers)), max_header_bytes=1_000_000)
    assert len(got[0]) == 8_000_000


def test_a_deeply_nested_header_is_a_protocol_error_not_a_recursion_error():
    """JSON nested past the parser's recursion limit: ProtocolError, like any bad header."""
    head = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(protocol.ProtocolError, match="nested too deeply"):
        protocol.read_message(io.BytesIO(struct.pack("<Q", len(head)) + head))


@pytest.mark.parametrize("make", [
    lambda x: x.astype(">f8"),
    lambda x: x.astype(">i4"),
    lambda x: np.asmatrix(x),
    lambda x: x.astype(np.longdouble),
    lambda x: np.asfortranarray(x),
    lambda x: x[:, ::2],
    lambda x: x.astype(np.clongdouble),
], ids=["big-endian float", "big-endian int", "matrix", "longdouble", "fortran", "strided", "clongdouble"])
def test_other_representations_of_numbers_cross_as_plain_arrays(make):
    """Big-endian, np.matrix, long double and any memory layout: the numbers cross as a plain,
    native, allowed-dtype ndarray (float64 for long double), never a handle."""
    x = np.arange(12.0).reshape(3, 4)
    value = make(x)
    got = round_trip(value)
    assert type(got) is np.ndarray and got.dtype.str in protocol.ALLOWED_DTYPES
    assert got.shape == np.asarray(value).shape
    np.testing.assert_array_equal(got, np.asarray(value))


def test_zero_dimensional_arrays_keep_their_shape():
    got = round_trip(np.array(2.5, dtype=">f8"))
    assert type(got) is np.ndarray and got.shape == () and got == 2.5


def test_long_double_scalars_cross_as_float64():
    got = round_trip(np.longdouble(0.25))
    assert type(got) is np.float64 and got == 0.25


@pytest.mark.parametrize("value", [np.array(["a"]), np.array([1], dtype=object),
                                   np.zeros(2, dtype=[("a", "<f8")]), np.array(["2020-01-01"], dtype="M8[D]")])
def test_what_is_not_numbers_is_still_refused_with_its_type(value):
    with pytest.raises(protocol.ProtocolError, match="cannot send an object of type ndarray"):
        protocol.encode(value)


def test_an_array_subclass_of_student_code_is_still_refused():
    class Lying(np.ndarray):
        pass

    with pytest.raises(protocol.ProtocolError, match="Lying"):
        protocol.encode(np.zeros(3).view(Lying))


def test_an_integer_decode_would_refuse_is_refused_when_sent():
    with pytest.raises(protocol.ProtocolError, match="4000 digits"):
        protocol.encode(10**4100)
    assert round_trip(10**3999) == 10**3999


GOOD_REPLIES = [
    ({"ok": True, "value": 3, "output": "", "output_bytes": 0}, []),
    ({"ok": True, "value": {"$array": 0, "dtype": "<f8", "shape": [1]}, "output": "x", "output_bytes": 1},
     [b"\0" * 8]),
    ({"ok": False, "error": {"type": "ValueError", "message": "m", "traceback": ""}, "output": "",
      "output_bytes": 0}, []),
    ({"ok": True}, []),
]
BAD_REPLIES = [
    ([], []),
    ({"ok": 1}, []),
    ({"ok": True, "output": ["a", "list"]}, []),
    ({"ok": True, "output": None}, []),
    ({"ok": True, "output_bytes": "5"}, []),
    ({"ok": True, "output_bytes": -1}, []),
    ({"ok": True, "output_bytes": True}, []),
    ({"ok": False, "error": "text"}, []),
    ({"ok": False, "error": {"type": ["ValueError"]}}, []),
    ({"ok": False, "error": {"message": 5}}, []),
    ({"ok": False, "error": {"traceback": {}}}, []),
    ({"ok": True, "value": {"$array": 0, "dtype": ">f8", "shape": [1]}}, [b"\0" * 8]),
    ({"ok": True, "value": {"$pickle": "x"}}, []),
]


@pytest.mark.parametrize("reply, buffers", GOOD_REPLIES)
def test_well_formed_replies_pass_the_check(reply, buffers):
    protocol.check_reply(reply, buffers)


@pytest.mark.parametrize("reply, buffers", BAD_REPLIES)
def test_a_reply_field_of_the_wrong_type_is_refused(reply, buffers):
    with pytest.raises(protocol.ProtocolError):
        protocol.check_reply(reply, buffers)


def test_tensors_of_bfloat16_and_zero_dimensions_cross_as_numbers():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[0.5, -2.0], [3.0, 1.25]], dtype=torch.bfloat16)
    tree, buffers = protocol.encode(x.t())
    got = protocol.decode(tree, buffers, torch_module=torch)
    assert type(got) is torch.Tensor and got.dtype == torch.float32
    assert torch.equal(got, x.t().float())
    tree, buffers = protocol.encode(torch.tensor(2.5))
    assert protocol.decode(tree, buffers, torch_module=torch).shape == ()
