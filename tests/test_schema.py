"""The schemas are well formed and documented, and the fast validator agrees with the rich one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pwc_registry import layout, load, schema

from examples import EXAMPLES


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{path}[{i}]")


@pytest.mark.parametrize("kind", layout.KINDS)
def test_schema_is_draft_2020_12_with_id_descriptions_and_closed_objects(kind: str) -> None:
    s = schema.schema(kind)
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].endswith(f"/{kind}.schema.json")
    assert s["examples"]
    for path, prop in _properties(s):
        assert prop.get("description"), f"{kind}{path} has no description"

    def closed(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, node.get("description")
            for sub in node.values():
                closed(sub)
        elif isinstance(node, list):
            for sub in node:
                closed(sub)

    closed(s)
    for example in s["examples"]:
        assert schema.is_valid(kind, example)


def test_fast_and_rich_validators_agree_on_every_example_file() -> None:
    checked = 0
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        kind = layout.kind_of(path.parts[path.parts.index("registry") + 1:])
        doc = load.read_rich(path.name, path.read_bytes()) if path.is_file() else None
        if kind is None or doc is None or doc.data is None:
            continue
        rich_ok = not list(Draft202012Validator(schema.schema(kind)).iter_errors(doc.data))
        assert schema.is_valid(kind, doc.data) == rich_ok, path
        checked += 1
    assert checked > 30
