"""Framing and the plain-data codec shared by the trusted parent and the untrusted worker.

Only plain data crosses: None, bool, int, float, str, bytes, and lists, tuples and dicts of
them, NumPy arrays and scalars of numeric dtype, and torch tensors (as dtype + shape + raw
bytes). Numbers in another representation (np.matrix, a memmap, big-endian, long double,
bfloat16, any memory layout) cross as a plain array of an allowed dtype. Anything else
stays in the worker behind an opaque handle.

The decoder runs in the parent on bytes written by student code, so it trusts nothing:
it checks every node's type, every dtype against an allow-list, every shape against the
buffer length, and it never unpickles.

Why over 300 lines: framing, encoding and reply validation must agree byte for byte on
both sides, so they live in one module.
"""

import json
import math
import struct
import sys

import numpy as np

# Numeric dtypes only: no objects, no structured or void types, no strings.
ALLOWED_DTYPES = frozenset(
    np.dtype(name).str
    for name in (
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64", "complex64", "complex128",
    )
)
TORCH_DTYPES = frozenset(
    f"torch.{name}" for name in ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")
)
MAX_DEPTH = 64
# ndarray types whose numbers cross as a plain array (never a student's own subclass).
PLAIN_ARRAY_TYPES = (np.ndarray, np.matrix, np.memmap)


def plain_dtype(dtype):
    """The allowed dtype an array of `dtype` crosses as (native byte order; long double as
    float64), or None for what is not numbers (objects, strings, records, dates)."""
    if dtype.str in ALLOWED_DTYPES:
        return dtype
    if dtype.kind not in "biufc" or dtype.fields is not None or dtype.subdtype is not None:
        return None
    native = dtype.newbyteorder("=")
    if native.str in ALLOWED_DTYPES:
        return native
    return {"f": np.dtype(np.float64), "c": np.dtype(np.complex128)}.get(dtype.kind)
_LEN = struct.Struct("<Q")


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message."""


class Handle:
    """A reference to an object that lives in the worker; only its id and type name cross."""

    __slots__ = ("id", "type_name")

    def __init__(self, id, type_name):
        self.id = id
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object in student code>"


# ---------------------------------------------------------------- encoding (either side)


def encode(value, to_handle=None):
    """Turn `value` into (tree, buffers): a JSON-able tree and a list of raw byte buffers.

    `to_handle(obj) -> Handle` is called for anything that is not plain data; without it,
    such objects raise ProtocolError. Types are checked with `type(x) is`, never
    isinstance, so subclasses (an ndarray subclass, a float whose __eq__ lies) never pass
    as plain data.
    """
    buffers = []

    def enc(x, depth):
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        t = type(x)
        if x is None or t is bool or t is str:
            return x
        if t is int:
            if -(2**63) <= x < 2**63:
                return x
            digits = str(x) if x.bit_length() < 14000 else ""  # str() refuses past 4300 digits
            if not 0 < len(digits) <= 4000:  # what decode takes
                raise ProtocolError("an integer of more than 4000 digits cannot be sent")
            return {"$bigint": digits}
        if t is float:
            return x if math.isfinite(x) else {"$float": repr(x)}
        if t is bytes:
            buffers.append(x)
            return {"$bytes": len(buffers) - 1}
        if t is list:
            return [enc(v, depth + 1) for v in x]
        if t is tuple:
            return {"$tuple": [enc(v, depth + 1) for v in x]}
        if t is dict:
            return {"$dict": [[enc(k, depth + 1), enc(v, depth + 1)] for k, v in x.items()]}
        if t is Handle:
            return {"$handle": x.id, "type": x.type_name}
        if t in PLAIN_ARRAY_TYPES and plain_dtype(x.dtype) is not None:
            # np.matrix, a memmap, big-endian, long double, any memory layout: the numbers
            # cross as a C-contiguous array of an allowed dtype (rebuilt from bytes there).
            arr = np.ascontiguousarray(np.asarray(x).view(np.ndarray), dtype=plain_dtype(x.dtype))
            buffers.append(arr.tobytes())
            return {"$array": len(buffers) - 1, "dtype": arr.dtype.str, "shape": list(x.shape)}
        if isinstance(x, np.generic) and t.__module__ == "numpy" and plain_dtype(np.dtype(t)) is not None:
            arr = np.asarray(x).astype(plain_dtype(np.dtype(t)))
            buffers.append(arr.tobytes())
            return {"$scalar": len(buffers) - 1, "dtype": arr.dtype.str}
        torch = sys.modules.get("torch")
        if torch is not None and t in (torch.Tensor, torch.nn.Parameter) and (
                str(x.dtype) in TORCH_DTYPES or x.dtype == torch.bfloat16):
            tensor = x.detach().cpu()
            if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16; float32 holds it exactly
                tensor = tensor.float()
            arr = tensor.resolve_conj().resolve_neg().contiguous().numpy()
            buffers.append(arr.tobytes())
            return {
                "$tensor": len(buffers) - 1, "dtype": arr.dtype.str, "shape": list(arr.shape),
                "parameter": t is torch.nn.Parameter,
            }
        if to_handle is None:
            raise ProtocolError(f"cannot send an object of type {t.__name__}")
        h = to_handle(x)
        return {"$handle": h.id, "type": h.type_name}

    return enc(value, 0), buffers


# ---------------------------------------------------------------- decoding (strict)


def decode(tree, buffers, from_handle=None, torch_module=None, check_only=False):
    """Rebuild a value from (tree, buffers), validating every node.

    `from_handle(id, type_name)` maps a handle back to an object (the worker looks it up;
    the parent wraps it). Tensors come back as torch tensors when `torch_module` is given,
    else as NumPy arrays. `check_only`: validate alone (ProtocolError or None), copying no
    buffer and calling no `from_handle`.
    """
    if check_only:
        torch_module = None

        def from_handle(_id, _type_name):
            return None

    def buffer(i):
        if type(i) is not int or not 0 <= i < len(buffers):
            raise ProtocolError("bad buffer index")
        return buffers[i]

    def array(node):
        dtype = node.get("dtype")
        shape = node.get("shape")
        if type(dtype) is not str or dtype not in ALLOWED_DTYPES:
            raise ProtocolError(f"dtype {dtype!r} is not allowed")
        if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
            raise ProtocolError("bad array shape")
        dt = np.dtype(dtype)
        raw = buffer(node.get("$array", node.get("$tensor")))
        if len(raw) != dt.itemsize * math.prod(shape):
            raise ProtocolError("array buffer does not match its shape")
        if check_only:
            return np.zeros((), dtype=dt)
        return np.frombuffer(raw, dtype=dt).reshape(shape).copy()

    def dec(x, depth):
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        t = type(x)
        if x is None or t in (bool, int, float, str):
            return x
        if t is list:
            return [dec(v, depth + 1) for v in x]
        if t is not dict or len(x) == 0:
            raise ProtocolError(f"unexpected node of type {t.__name__}")
        if "$tuple" in x:
            if type(x["$tuple"]) is not list:
                raise ProtocolError("bad tuple")
            return tuple(dec(v, depth + 1) for v in x["$tuple"])
        if "$dict" in x:
            pairs = x["$dict"]
            if type(pairs) is not list or not all(type(p) is list and len(p) == 2 for p in pairs):
                raise ProtocolError("bad dict")
            out = {}
            for k, v in pairs:
                key = dec(k, depth + 1)
                if type(key) not in (type(None), bool, int, float, str, tuple):
                    raise ProtocolError("unhashable dict key")
                out[key] = dec(v, depth + 1)
            return out
        if "$array" in x:
            return array(x)
        if "$tensor" in x:
            arr = array(x)
            if torch_module is None:
                return arr
            tensor = torch_module.from_numpy(arr)
            return torch_module.nn.Parameter(tensor) if x.get("parameter") is True else tensor
        if "$scalar" in x:
            node = dict(x, shape=[], **{"$array": x["$scalar"]})
            return array(node)[()]
        if "$bytes" in x:
            return bytes(buffer(x["$bytes"]))
        if "$bigint" in x:
            digits = x["$bigint"]
            if type(digits) is not str or not 0 < len(digits) <= 4000 or not digits.lstrip("-").isdigit():
                raise ProtocolError("bad integer")
            try:
                return int(digits)
            except ValueError:  # isdigit() also accepts digits int() refuses ('²')
                raise ProtocolError("bad integer") from None
        if "$float" in x:
            if x["$float"] not in ("nan", "inf", "-inf"):
                raise ProtocolError("bad float")
            return float(x["$float"])
        if "$handle" in x:
            if from_handle is None or type(x["$handle"]) is not int or type(x.get("type")) is not str:
                raise ProtocolError("bad handle")
            return from_handle(x["$handle"], x["type"][:200])
        raise ProtocolError("unknown node")

    return dec(tree, 0)


# ---------------------------------------------------------------- replies

# The worker's reply fields and their types; the value is checked by decode.
_ERROR_FIELDS = ("type", "message", "traceback")


def check_reply(reply, buffers):
    """Raise ProtocolError unless `reply` is a well-formed worker reply (every field of its
    type, the value decodable), so the parent never reads a list where it expects text."""
    if type(reply) is not dict or type(reply.get("ok")) is not bool:
        raise ProtocolError("the reply is not a reply")
    if type(reply.get("output", "")) is not str:
        raise ProtocolError("the reply's output is not text")
    n = reply.get("output_bytes", 0)
    if type(n) is not int or n < 0:
        raise ProtocolError("the reply's output size is not a count")
    if reply["ok"]:
        decode(reply.get("value"), buffers, check_only=True)
        return
    error = reply.get("error", {})
    if type(error) is not dict or not all(type(error.get(k, "")) is str for k in _ERROR_FIELDS):
        raise ProtocolError("the reply's error is not a type, message and traceback")


# ---------------------------------------------------------------- framing


def pack(message, buffers=()):
    """Frame a JSON-able message and its buffers as bytes."""
    head = json.dumps({"m": message, "n": len(buffers)}).encode()
    parts = [_LEN.pack(len(head)), head]
    for b in buffers:
        parts += [_LEN.pack(len(b)), b]
    return b"".join(parts)


def write_message(stream, message, buffers=()):
    stream.write(pack(message, buffers))
    stream.flush()


def read_message(stream, max_bytes=2**31, max_header_bytes=2**31):
    """Read one framed message -> (message, buffers); EOFError if the stream closed.

    `max_header_bytes` bounds the JSON part alone: parsing JSON costs the reader far more
    memory and time per byte than taking a raw array buffer.
    """
    total = 0

    def chunk(limit):
        nonlocal total
        raw = _read_exact(stream, _LEN.size)
        (n,) = _LEN.unpack(raw)
        total += n
        if total > max_bytes or n > limit:
            raise ProtocolError(f"message larger than {min(max_bytes, limit)} bytes")
        return _read_exact(stream, n)

    try:
        head = json.loads(chunk(max_header_bytes))
    except (ValueError, UnicodeDecodeError) as e:
        raise ProtocolError(f"bad message header: {e}") from None
    except RecursionError:  # JSON nested thousands deep: the parser's own recursion limit
        raise ProtocolError("bad message header: nested too deeply") from None
    if type(head) is not dict or type(head.get("n")) is not int or not 0 <= head["n"] < 100_000:
        raise ProtocolError("bad message header")
    return head.get("m"), [chunk(max_bytes) for _ in range(head["n"])]


def _read_exact(stream, n):
    data = bytearray()
    while len(data) < n:
        part = stream.read(n - len(data))
        if not part:
            raise EOFError("stream closed")
        data += part
    return bytes(data)
