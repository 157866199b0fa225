"""assert_valid_results(path): is a results.json file what Gradescope can always read?"""

import json
import re
from pathlib import Path

import jsonschema

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "autograder" / "grading" / "results_schema.json").read_text())
# Raw control characters (newline and tab are text), DEL and C1, lone surrogates.
_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def assert_valid_results(path):
    """Strict UTF-8 JSON, no raw control characters or lone surrogates in any string (even
    as escapes), valid against autograder/grading/results_schema.json -> the parsed results."""
    raw = Path(path).read_bytes()
    text = raw.decode("utf-8", errors="strict")
    assert not _BAD.search(text), f"raw control character in {path}: {_BAD.search(text).group()!r}"
    results = json.loads(text)

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    for s in strings(results):
        found = _BAD.search(s)
        assert found is None, f"{path}: a string holds {found.group()!r}: {s[:200]!r}"
    jsonschema.validate(results, SCHEMA)
    return results
