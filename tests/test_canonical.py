"""The canonical writer: whatever it writes reads back as the same data, and it is a fixed point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pwc_registry import canonical, layout
from pwc_registry.load import read, read_rich

from conftest import REPO

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
scalar = st.one_of(text, st.booleans(), st.integers(-10**12, 10**12),
                   st.floats(allow_nan=False, allow_infinity=False, width=64), st.none())
keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
data = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=4),
    st.dictionaries(keys, inner, min_size=1, max_size=4)), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, data, min_size=1, max_size=6))
def test_what_is_written_reads_back_the_same(record: dict[str, Any]) -> None:
    written = canonical.dump(record, "paper")
    reference = read_rich("x.yaml", written.encode("utf-8"))
    assert reference.diagnostics == [], written
    assert reference.data == record, written
    assert read("x.yaml", written.encode("utf-8")).data == record
    assert canonical.dump(reference.data, "paper") == written


def test_numbers_are_written_as_every_yaml_reader_takes_them() -> None:
    assert canonical.number_text(66.36) == "66.36"
    assert canonical.number_text(90.0) == "90"
    assert canonical.number_text(1e-05) == "0.00001"
    assert canonical.number_text(1.5e20) == "150000000000000000000.0"


def test_every_shipped_file_is_canonical() -> None:
    files, _ = layout.discover(REPO / "registry")
    off = []
    for f in files:
        raw = Path(f.path).read_bytes()
        if canonical.dump(read(f.name, raw).data, f.kind).encode("utf-8") != raw:
            off.append(f.name)
    assert off == []
