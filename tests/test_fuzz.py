"""Property tests: whatever bytes a log holds, reading keeps one row per line, raises nothing but a
clear LogInputError, and formats, masking and templates give the same answer every time.

``make test`` runs a few dozen fixed (derandomized) examples per property; ``benchmarks/fuzz.py``
runs the same properties with ``LOGAD_FUZZ_EXAMPLES`` random examples each.
"""
import codecs
import gzip
import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from logad_utils.cli import main
from logad_utils.formats import PRESETS, detect_format
from logad_utils.io import _SNIFF_BYTES, LogInputError, _iter_line_batches, read_logs
from logad_utils.masking import Masker
from logad_utils.templates import EMPTY_TEMPLATE, LogTemplateMiner, mine_templates

FUZZING = "LOGAD_FUZZ_EXAMPLES" in os.environ


def fuzz(weight: float = 1.0) -> settings:
    """One property's settings: 25 fixed examples in the suite; ``weight`` × LOGAD_FUZZ_EXAMPLES random ones
    when fuzzing (cheap properties get more)."""
    examples = max(1, round(weight * int(os.environ["LOGAD_FUZZ_EXAMPLES"]))) if FUZZING else 25
    return settings(max_examples=examples, deadline=None, database=None, derandomize=not FUZZING,
                    print_blob=FUZZING, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                               HealthCheck.function_scoped_fixture])

SEPARATORS = ["\n", "\r\n", "\r"]
MASKER = Masker()
MASKER_RELOADED = Masker.from_json(MASKER.to_json())
_LINE_END = re.compile(r"\r?\n")
_ANY_LINE_END = re.compile(r"\r\n|\r|\n")

# Line text: anything but line breaks and surrogates; NUL only where noted.
line_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=60)
latin_text = st.text(st.characters(min_codepoint=1, max_codepoint=0xFF, blacklist_characters="\r\n"), max_size=60)


def join(lines: list[str], ends: list[str], final: bool) -> str:
    """Lines joined by the given separators; ``final`` ends the last line with one too."""
    parts = [line + (end if i < len(lines) - 1 or final else "") for i, (line, end) in enumerate(zip(lines, ends))]
    return "".join(parts)


def expected_lines(text: str, head: bytes | None = None) -> list[str]:
    """The lines of decoded text: "\\r\\n" and "\\n" end a line, and so does a lone "\\r" in a file of those
    (a "\\r" in the first bytes, ``head``: by default UTF-8's, and no "\\n" anywhere); a final break starts none."""
    if head is None:
        text = text.removeprefix("\ufeff")  # written as UTF-8, a leading one is the byte order mark utf-8-sig drops
    if not text:
        return []
    head = text.encode()[:_SNIFF_BYTES] if head is None else _without_hole(head)[:_SNIFF_BYTES]
    encoding = _utf16(head)
    carriage = "\r" in head.decode(encoding, errors="replace") if encoding else b"\r" in head
    lines = (_ANY_LINE_END if carriage and "\n" not in text else _LINE_END).split(text)
    lines = lines[:-1] if lines[-1] == "" else lines
    # A byte order mark that opens a line is one a joined file carried in (split_lines leaves it out); a run of
    # NULs that opens a line is a hole a crash leaves, not text (one NUL is text).
    lines = [line.removeprefix("\ufeff") for line in lines]
    return [line.lstrip("\x00") if line.startswith("\x00\x00") else line for line in lines]


def _without_hole(data: bytes) -> bytes:
    """``data`` without the run of NULs that opens it (two or more: the hole copytruncate leaves)."""
    return data.lstrip(b"\x00") if len(data) - len(data.lstrip(b"\x00")) >= 2 else data


def _utf16(head: bytes) -> str | None:
    """The UTF-16 encoding a file's first bytes show (a byte order mark, or every other byte NUL), else None."""
    even, odd = head[0::2], head[1::2]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if odd and odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if odd and even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_like_a_log(data: bytes) -> str | None:
    """The text logad must read from ``data`` (None: it must refuse the file as binary)."""
    data = _without_hole(data)
    head = data[:_SNIFF_BYTES]
    encoding = _utf16(head)
    if encoding:
        return data.decode(encoding, errors="replace")
    lines = head.split(b"\n")
    if any(b"\x00" in _past_line_hole(line, i == len(lines) - 1) for i, line in enumerate(lines)):
        return None
    return data.decode("utf-8-sig", errors="replace")


def _past_line_hole(line: bytes, last: bool) -> bytes:
    """A line of the first bytes past the hole that opens it: two NULs or more, or a lone NUL that the first
    bytes' end may have cut short (NULs anywhere else make a binary file)."""
    return line.lstrip(b"\x00") if line.startswith(b"\x00\x00") or (last and line == b"\x00") else line


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def read_rows(path) -> pd.DataFrame:
    frame = read_logs(path, warn=False)
    assert frame["line_no"].tolist() == list(range(1, len(frame) + 1))
    return frame


@fuzz(2)
@given(data=st.binary(max_size=600))
@example(data=b"\x00" * 7)
@example(data=b"\x00")  # found by the fuzz campaign: a lone NUL that ends the first bytes may be a cut hole
@example(data=b"a\n\x00\x00b\n")  # a hole that opens a later line is no binary file's NUL
@example(data=b"\xef")  # found by the fuzz campaign: a file of a cut BOM lost its only line
@example(data=b"\xff\xfe" + "a\r\nb".encode("utf-16-le") + b"\x00")  # odd length after a BOM
@example(data=b"\xef\xbb\xbf\r\r\n\n\xc3")  # BOM, only separators, a cut UTF-8 sequence
def test_random_bytes_give_one_row_per_line_or_a_clear_error(workdir, data):
    path = workdir / "random.log"
    path.write_bytes(data)
    text = decode_like_a_log(data)
    if text is None or data[:2] == b"\x1f\x8b":
        with pytest.raises(LogInputError, match=str(path)):
            read_rows(path)
        return
    frame = read_rows(path)
    assert len(frame) == len(expected_lines(text, data))


@fuzz(2)
@given(lines=st.lists(line_text, max_size=30), ends=st.lists(st.sampled_from(SEPARATORS), min_size=30, max_size=30),
       final=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gzip"]))
def test_every_line_ending_mix_and_encoding_keeps_every_line(workdir, lines, ends, final, encoding):
    text = join(lines, ends, final)
    data = gzip.compress(text.encode(), mtime=0) if encoding == "gzip" else text.encode(encoding)
    path = workdir / ("mix.log.gz" if encoding == "gzip" else "mix.log")
    path.write_bytes(data)
    frame = read_rows(path)
    head = text.encode() if encoding == "gzip" else data
    assert frame["raw"].tolist() == [s[:65_536] for s in expected_lines(text, head)]


@fuzz(1)
@given(lines=st.lists(latin_text, min_size=1, max_size=20), ends=st.lists(st.sampled_from(SEPARATORS), min_size=20,
                                                                           max_size=20),
       big_endian=st.booleans())
def test_utf16_without_bom_is_recognised(workdir, lines, ends, big_endian):
    text = "log line " + join(lines, ends, True)  # a start in the ASCII range, as logs have
    path = workdir / "nobom.log"
    data = text.encode("utf-16-be" if big_endian else "utf-16-le")
    path.write_bytes(data)
    assert read_rows(path)["raw"].tolist() == expected_lines(text, data)


@fuzz(5)
@given(text=st.lists(st.sampled_from(SEPARATORS + [" ", "\t"]), min_size=1, max_size=100).map("".join))
def test_files_of_only_separators_are_all_blank_rows(workdir, text):
    path = workdir / "blank.log"
    path.write_bytes(text.encode())
    frame = read_rows(path)
    assert len(frame) == len(expected_lines(text)) and frame["blank"].all()


@fuzz(40)
@given(lines=st.lists(line_text, min_size=1, max_size=40), ends=st.lists(st.sampled_from(SEPARATORS), min_size=40,
                                                                          max_size=40),
       read_size=st.integers(1, 64), batch=st.integers(1, 7))
def test_read_boundaries_never_split_or_merge_lines(workdir, lines, ends, read_size, batch):
    text = join(lines, ends, False)
    path = workdir / "blocks.log"
    path.write_bytes(text.encode())
    batches = list(_iter_line_batches(path, batch, read_size=read_size))
    assert all(0 < len(b) <= batch for b in batches)
    assert [line for b in batches for line in b] == expected_lines(text)


@fuzz(0.5)
@given(head=st.lists(line_text, min_size=1, max_size=5), tail=st.lists(line_text, min_size=1, max_size=5))
def test_nul_bytes_after_the_head_are_kept_as_text(workdir, head, tail):
    text = "\n".join(["x" * 100] * (_SNIFF_BYTES // 100 + 1) + head + ["\x00".join(tail) + "\x00"])
    path = workdir / "nul.log"
    path.write_bytes(text.encode())
    assert read_rows(path)["raw"].tolist() == expected_lines(text)


@pytest.mark.parametrize("sep", SEPARATORS)
def test_one_megabyte_lines(tmp_path, sep):
    rng = np.random.default_rng(0)
    big = "".join(rng.choice(list("abc <>=\x00é€"), size=1_000_000))
    lines = ["first", big, big.replace("\x00", ""), "", "last"]
    path = tmp_path / "big.log"
    path.write_bytes(sep.join(lines).encode())
    frame = read_rows(path)
    assert len(frame) == 5 and frame["truncated"].tolist() == [False, True, True, False, False]
    assert frame["raw"].iloc[1] == big[:65_536]


# JSON values of any shape, with texts that json writes as escapes of half a UTF-16 pair, and odd numbers.
json_text = st.text(max_size=12) | st.sampled_from(["\ud800", "a\udfffb", "\ud83d\ude00", "\\ud800", "<\u2028>"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**20, max_value=10**20) | st.floats() | json_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_text, inner, max_size=3), max_leaves=8)
json_lines = st.lists(st.fixed_dictionaries(
    {"time": st.sampled_from(["2024-05-01T10:00:00Z", 1714557600, 1714557600123, "yesterday"]) | json_values,
     "message": json_text | json_values},
    optional={"level": st.sampled_from(["info", "ERROR", 30, 50]) | json_values, "logger": json_values,
              "extra": json_values}), min_size=1, max_size=12)


@fuzz(0.5)
@given(objects=json_lines, deep=st.sampled_from([0, 0, 0, 600, 980]))
def test_json_lines_of_any_values_keep_every_line_and_are_written(workdir, objects, deep):
    # Whatever a JSON log holds (and a value nested as deep as json reads), every line is read and written out.
    lines = [json.dumps(obj) for obj in objects]
    if deep:
        lines[len(lines) // 2] = lines[len(lines) // 2][:-1] + ', "deep": ' + "[" * deep + "]" * deep + "}"
    path = workdir / "objects.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(read_rows(path)) == len(lines)
    for out in ("objects.csv", "objects.parquet"):
        assert main(["parse", str(path), "--out", str(workdir / out)]) == 0


@fuzz(1)
@given(lines=st.lists(line_text, min_size=1, max_size=25), preset=st.sampled_from(sorted(PRESETS)))
def test_formats_parse_any_text_row_for_row(lines, preset):
    fmt = PRESETS[preset]
    fields, matched = fmt.parse(lines)
    again, matched_again = fmt.parse(lines)
    assert len(fields) == len(matched) == len(lines) and matched.dtype == bool
    pd.testing.assert_frame_equal(fields, again)
    assert np.array_equal(matched, matched_again)
    assert detect_format(lines).name == detect_format(list(lines)).name


@fuzz(50)
@given(texts=st.lists(st.text(max_size=120), max_size=20))
def test_masking_is_a_deterministic_function(texts):
    masked = MASKER.mask_many(texts)
    assert masked == [MASKER.mask(t) for t in texts] == MASKER_RELOADED.mask_many(texts)
    assert all(isinstance(m, str) for m in masked)


@fuzz(1)
@given(texts=st.lists(st.text(max_size=80), min_size=1, max_size=30))
def test_templates_cover_every_row_and_survive_a_round_trip(texts):
    frame = pd.DataFrame({"content": texts})
    first, second = mine_templates(frame, LogTemplateMiner()), mine_templates(frame, LogTemplateMiner())
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == len(texts)
    # A text of whitespace alone is an empty message: an event of its own, not a blank row (no ``blank`` column).
    empty = np.array([not t.strip() for t in texts])
    assert (first["template_id"] >= 0).all() and first["template"][empty].eq(EMPTY_TEMPLATE).all()
    miner = LogTemplateMiner()
    ids = miner.fit_transform(list(texts))
    reloaded = LogTemplateMiner.from_dict(miner.to_dict())
    assert np.array_equal(reloaded.transform(list(texts)), ids)


def test_parse_output_is_identical_across_processes(tmp_path):
    """Hash seeds differ from run to run; the output must not."""
    rng = np.random.default_rng(1)
    alphabet = list("abcXYZ019 :=<>/.-_\t\x00é€\ufffd")
    lines = ["".join(rng.choice(alphabet, size=rng.integers(0, 80))).replace("\x00", "") for _ in range(400)]
    log = tmp_path / "mixed.log"
    log.write_bytes("\r\n".join(lines[:200]).encode() + b"\n" + b"\xff\xfe\n".join(s.encode() for s in lines[200:]))
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"p{seed}.csv"
        subprocess.run([sys.executable, "-m", "logad_utils", "parse", str(log), "--out", str(out)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 400
