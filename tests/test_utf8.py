"""Text in another encoding is named as such by every reader (``pwc_registry.utf8``).

"byte 0xff is not valid UTF-8" sent a contributor looking for a stray byte in a file an editor had
saved whole as UTF-16; UTF-16 without a byte-order mark decodes as UTF-8 with a NUL after every
letter, which the YAML reader called a control character. The registry's own files are covered
by the examples (``tests/examples/invalid/Y008-*``); the importers here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pwc_registry.archive.dumps import DumpError, dump_format
from pwc_registry.imports.hf_card import read_card
from pwc_registry.imports.model_index import read_model_index
from pwc_registry.imports.records import SourceRef
from pwc_registry.imports.table import TableMapping, read_table
from pwc_registry.utf8 import not_utf8, nul_text


def _message(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not_utf8(raw, exc)
    raise AssertionError("decoded")


def test_each_encoding_is_named() -> None:
    text = "id: café\n"
    assert _message(text.encode("utf-16")) == \
        "the file is UTF-16 (it starts with a UTF-16 byte-order mark)"
    assert _message(text.encode("utf-16-be").join([b"\xfe\xff", b""])) == \
        "the file is UTF-16 (it starts with a UTF-16 byte-order mark)"
    assert _message(text.encode("utf-32")) == \
        "the file is UTF-32 (it starts with a UTF-32 byte-order mark)"
    assert _message(text.encode("utf-16-le")) == \
        "the file looks like UTF-16 (every other byte is 0)"
    assert _message(text.encode("latin-1")) == \
        "byte 0xe9 is not valid UTF-8 (in Windows-1252 or Latin-1 it would be 'é')"
    assert _message(b"ok \x81") == "byte 0x81 is not valid UTF-8"  # no character in cp1252
    assert nul_text("id: x\n".encode("utf-16-be")) == \
        "the file looks like UTF-16 (every other byte is 0)"
    assert nul_text(b"id: x\x00\n") is None  # one stray NUL is the YAML reader's to report


def test_a_utf16_table_is_refused_saying_so(tmp_path: Path) -> None:
    table = tmp_path / "results.csv"
    table.write_bytes("model,Accuracy\nA,90.1\n".encode("utf-16"))
    batch = read_table(table, TableMapping(model="model", task="t", dataset="d",
                                           metrics=(("Accuracy", "accuracy"),),
                                           source=SourceRef(kind="own", title="t")))
    assert batch.results == ()
    [(code, message, _)] = batch.problems
    assert code == "A038" and "UTF-16" in message, message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_metafile_and_card_are_refused_saying_so(tmp_path: Path, encoding: str) -> None:
    metafile = tmp_path / "model-index.yml"
    metafile.write_bytes("Models:\n  - Name: m\n".encode(encoding))
    [batch] = read_model_index([metafile])
    assert [(code, "UTF-16" in message) for code, message, _ in batch.problems] == [
        ("A040", True)], batch.problems
    card = tmp_path / "README.md"
    card.write_bytes("---\nmodel-index:\n- name: m\n---\n".encode(encoding))
    problems = read_card(str(card)).problems
    assert [(code, "UTF-16" in message) for code, message, _ in problems] == [("A040", True)], \
        problems


def test_a_utf16_dump_is_refused_saying_so(tmp_path: Path) -> None:
    dump = tmp_path / "papers-with-abstracts.json"
    dump.write_bytes('[{"title": "x"}]'.encode("utf-16"))
    with pytest.raises(DumpError) as raised:
        dump_format(dump)
    assert "UTF-16" in raised.value.diagnostic.message
    assert "re-save it as UTF-8" in raised.value.diagnostic.message
