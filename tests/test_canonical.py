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
# Subnormal floats are no registry number (Y020), so no writer is asked to write one.
scalar = st.one_of(text, st.booleans(), st.integers(-10**12, 10**12),
                   st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False,
                             width=64), st.none())
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


def test_a_text_a_lax_reader_takes_for_a_number_stays_quoted() -> None:
    """helper-90: `pwc fmt` unquoted "0X09", "_1", "0O7" and "0B1": text to YAML 1.2's core
    schema and to YAML 1.1, but yaml_rs (in this project's own environment) read 0X09 as 9;
    helper-91: and "0_9" (yaml_rs drops an underscore anywhere in a number)."""
    import yaml_rs

    for name in ("0X09", "_1", "_1_000", "0O7", "0B1", "-0XFF", "0_9", "09_", "1_0e1", "._1",
                 "_.1", "9E9_"):
        written = canonical.dump({"id": "x", "title": name}, "paper")
        assert f'title: "{name}"' in written, written
        assert yaml_rs.loads(written)["title"] == name


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


def test_fmt_keeps_comments_and_is_a_fixed_point(tmp_path: Path) -> None:
    import shutil

    from pwc_registry.formatting import format_registry

    registry = tmp_path / "registry"
    shutil.copytree(REPO / "registry", registry)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    canonical_text = lert.read_text("utf-8")
    messy = (canonical_text
             .replace("title:", "# The title as on arXiv v1\ntitle:")
             .replace("      accuracy: 66.36\n", "      accuracy: 66.36  # Table 3\n", 1)
             .replace("results:\n", "results:\n  # checked by a maintainer\n", 1)
             .replace('date: "2022-11-10"\n', "")
             .replace("identifiers:\n  arxiv", "identifiers:\n\n  arxiv"))
    messy = messy.replace("authors:", 'date: "2022-11-10"\nauthors:') + "# end note\n"
    lert.write_text(messy, encoding="utf-8")

    checked = format_registry(registry, check=True, jobs=1)
    assert checked.changed == [f"registry/{lert.relative_to(registry)}"]
    assert lert.read_text("utf-8") == messy  # --check changes nothing
    format_registry(registry, jobs=1)
    text = lert.read_text("utf-8")
    assert text.index("# The title as on arXiv v1\ntitle:") < text.index("authors:") \
        < text.index("date:")  # keys back in schema order, the comment still on its key
    assert "      accuracy: 66.36  # Table 3\n" in text
    assert "results:\n  # checked by a maintainer\n  - task:" in text
    assert text.endswith("# end note\n") and "identifiers:\n  arxiv" in text
    assert read("x", text.encode()).data == read("x", canonical_text.encode()).data
    assert format_registry(registry, check=True, jobs=1).changed == []


def test_fmt_leaves_an_unreadable_file_alone(tmp_path: Path) -> None:
    from pwc_registry.formatting import format_registry

    (tmp_path / "registry" / "tasks").mkdir(parents=True)
    bad = tmp_path / "registry" / "tasks" / "x.yaml"
    bad.write_text("id: x\nid: z\n")  # (not y: a plain y is a YAML 1.1 boolean, Y007)
    outcome = format_registry(tmp_path / "registry", jobs=1)
    assert [d.code for d in outcome.not_formatted] == ["Y002"]
    assert bad.read_text() == "id: x\nid: z\n"
