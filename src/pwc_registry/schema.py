"""The JSON Schemas of registry files, and checking data against them.

A compiled validator (jsonschema-rs) decides whether a record is valid; only for a record that
is not does the pure ``jsonschema`` package, slower to import and run but rich in detail, explain
each violation. ``tests/test_schema.py`` checks that the two agree.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from .diagnostics import Diagnostic, Pointer
from .ids import PAPER_IDENTIFIERS, arxiv_id_in, slugify
from .load import Document, describe_value
from .patterns import defined, ecma, schema_file
from .suggest import did_you_mean
from .values import read_number_text


@functools.cache
def schema(kind: str) -> dict[str, Any]:
    """The schema of a kind of record, with the schemas it shares with other kinds (a
    ``{"$ref": "correction.schema.json"}``) written in, so that no validator ever looks a
    reference up anywhere: editors follow the file reference, the tools read it here."""
    inlined: dict[str, Any] = _inline(schema_file(f"{kind}.schema.json"))
    return inlined


def _inline(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and (shared := _referred(ref)) is not None:
            return _inline({**shared, **{k: v for k, v in node.items() if k != "$ref"}})
        return {k: _inline(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v) for v in node]
    return node


def _referred(ref: str) -> dict[str, Any] | None:
    """What a reference to another schema file (``correction.schema.json``) or to one of its
    definitions (``common.schema.json#/$defs/id``) names; None for any other reference."""
    name, _, fragment = ref.partition("#")
    if not name.endswith(".schema.json") or "/" in name:
        return None
    node: Any = schema_file(name)
    if fragment:
        parts = fragment.split("/")
        if parts[:2] != ["", "$defs"] or len(parts) != 3:
            return None
        node = node["$defs"][parts[2]]
    return {k: v for k, v in node.items() if k not in ("$schema", "$id", "$defs")}


@functools.cache
def _fast_validator(kind: str) -> Callable[[Any], bool]:
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(schema(kind))
    is_valid: Callable[[Any], bool] = validator.is_valid
    return is_valid


@functools.cache
def rich_validator(kind: str) -> Any:
    """The validator that explains: jsonschema's, with patterns read as JSON Schema means them
    (ECMA-262), as jsonschema-rs reads them. Python's ``$`` also matches before a final line
    break, so an id or URL ending in one passed here and failed there: the record vanished from
    every leaderboard while `pwc validate` was clean."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import ValidationError

    def pattern(validator: Any, value: str, instance: Any, _: Any) -> Any:
        if validator.is_type(instance, "string") and not ecma(value).search(instance):
            yield ValidationError(f"{instance!r} does not match {value!r}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})(schema(kind))


def is_valid(kind: str, data: Any) -> bool:
    return _fast_validator(kind)(data)


def explain(kind: str, doc: Document, file: str) -> list[Diagnostic]:
    """Every schema violation in ``doc`` as a diagnostic: empty only when the record is valid.

    The compilers leave out every record :func:`is_valid` rejects, so a record it rejects must
    never be clean here: should the rich validator find nothing (the two engines read a keyword
    apart), one diagnostic at the root says so rather than letting the record vanish silently.
    """
    out: list[Diagnostic] = []
    for error in rich_validator(kind).iter_errors(doc.data):
        out.extend(_translate(error, doc, file))
    if not out and not is_valid(kind, doc.data):
        out.append(Diagnostic("S004", f"the record does not pass the {kind} schema, though no "
                              "single value can be named", file, *doc.locate(()),
                              hint="please report this file: the schema's two validators "
                              "disagree on it", pointer=()))
    return sorted(set(out), key=Diagnostic.sort_key)


def _leaf_errors(error: Any) -> list[Any]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        # The branch of the value's own type explains best: a URL string that fails its
        # pattern, not "expected a mapping" from the branch that takes {url: ...}.
        own_type = [e for e in error.context if e.validator != "type" or e.relative_path]
        return [best_match(own_type or error.context)]
    return [error]


def _translate(error: Any, doc: Document, file: str) -> list[Diagnostic]:
    pointer: Pointer = tuple(error.absolute_path)
    here = "/".join(str(p) for p in pointer) or "the document"
    if error.validator in ("anyOf", "oneOf") and _is_metric_value(pointer):
        return [_metric_value(error.instance, pointer, doc, file)]
    if error.validator == "anyOf" and _TITLE_OR_IDENTIFIER in error.validator_value:
        return [_no_title_nor_identifier(error.instance, doc, file)]
    out: list[Diagnostic] = []
    for leaf in _leaf_errors(error):
        pointer = tuple(leaf.absolute_path)
        here = _where(pointer)
        line, column = doc.locate(pointer)
        if leaf.validator == "required":
            missing = leaf.message.split("'")[1] if "'" in leaf.message else leaf.message
            out.append(Diagnostic("S001", f"{here}: required property '{missing}' is missing",
                                  file, line, column, hint=f"add {missing}: (docs/registry.md "
                                  "shows what each kind of record holds)", pointer=pointer))
        elif leaf.validator == "additionalProperties":
            allowed = sorted(leaf.schema.get("properties", {}))
            extras = sorted(set(leaf.instance) - set(allowed))
            for extra in extras:
                at = (*pointer, extra)
                kline, kcol = doc.locate(at, key=True)
                guess = did_you_mean(extra, allowed)
                hint = f"did you mean '{guess}'?" if guess else \
                    f"allowed here: {', '.join(allowed)}"
                if extra == "corrections" and pointer:
                    hint = ("corrections: is a list at the top level of the file, beside "
                            "results:, each naming the result it corrects (CONTRIBUTING.md)")
                out.append(Diagnostic(
                    "S002", f"{here}: unknown property '{extra}'", file, kline, kcol,
                    hint=hint, pointer=at))
        elif leaf.validator == "type":
            got = "nothing (null)" if leaf.instance is None else \
                f"{describe_value(leaf.instance)} {_show(leaf.instance)}".rstrip()
            out.append(Diagnostic(
                "S003", f"{here}: expected {_expected(leaf.validator_value)}, got {got}", file,
                line, column,
                hint=_type_hint(leaf.instance, leaf.validator_value, doc.plain_texts.get(pointer)),
                pointer=pointer))
        else:
            out.append(Diagnostic("S004", f"{here}: {_message(leaf)}", file, line, column,
                                  hint=_pattern_hint(leaf), pointer=pointer))
    return out


_SLUG = defined("id")
_DATES = (defined("day-or-month"), defined("day"))
_ARXIV = defined("arxiv")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: "Nov 2022", "November, 2022", "2022 Nov".
_MONTH_YEAR = re.compile(r"^\s*(?:([A-Za-z]{3,9})\.?,?\s+([0-9]{4})"
                         r"|([0-9]{4})\s+([A-Za-z]{3,9})\.?)\s*$")


def _pattern_hint(error: Any) -> str | None:
    """How to write a value that does not have its pattern's form, for the forms people meet:
    ids and dates."""
    value = error.instance
    if error.validator != "pattern" or not isinstance(value, str):
        return None
    if error.validator_value == _SLUG:
        slug = slugify(value)
        return "ids are lowercase letters and digits in words joined by '-'" + (
            f": {slug}" if slug else "")
    if error.validator_value == _ARXIV and (arxiv := arxiv_id_in(value)) is not None:
        return (f'write "{arxiv}": the id alone, without a version or "arXiv:" (its versions '
                "are one paper)")
    if error.validator_value in _DATES:
        day = error.validator_value == _DATES[1]
        m = _MONTH_YEAR.match(value)
        month = (m.group(1) or m.group(4) or "")[:3].lower() if m else ""
        if m and month in _MONTHS and not day:
            return f'write "{m.group(2) or m.group(3)}-{_MONTHS.index(month) + 1:02d}" (a month ' \
                "is YYYY-MM, a day YYYY-MM-DD, quoted)"
        return 'a date here is YYYY-MM-DD, quoted: "2022-11-10"' if day else \
            'a date is YYYY-MM-DD, or YYYY-MM when only the month is known, quoted: "2022-11"'
    return None


def _is_metric_value(pointer: Pointer) -> bool:
    return len(pointer) == 4 and pointer[0] == "results" and pointer[2] == "metrics"


def _metric_value(instance: Any, pointer: Pointer, doc: Document, file: str) -> Diagnostic:
    line, column = doc.locate(pointer)
    if isinstance(instance, str):
        reading = read_number_text(instance)
        if reading.value is not None and reading.value_text == instance.strip() \
                and reading.spread is None:
            hint = f"remove the quotes: {reading.value_text}"
        elif reading.value is not None:
            hint = f"write {reading.describe()}"
        elif _COMMA_NUMBER.fullmatch(instance.strip()):
            hint = ("a comma is not read as a decimal point: write "
                    f"{instance.strip().replace(',', '.')} if the paper means that, or the "
                    "digits without it if it separates thousands")
        else:
            hint = "write the number, or leave the metric out if the paper gives none"
        return Diagnostic("V001", f"{_where(pointer)}: value {instance!r} is a string, not a "
                          "number", file, line, column, hint=hint, pointer=pointer)
    if isinstance(instance, dict):
        why = _mapping_problem(instance)
        if why is not None:
            inner = instance.get("value")
            given = read_number_text(inner) if isinstance(inner, str) else None
            # The numbers given, where they can be read ("67.2 ± 0.5" as the value): an
            # example's 90.0 read as if it were the fix (helper-74).
            hint = f"write {given.describe()}" if given is not None \
                and given.value is not None else "write it as {value: NUMBER, spread: " \
                "NUMBER} with the paper's numbers (and a note of what the spread is, if the " \
                "paper says)"
            return Diagnostic("V001", f"{_where(pointer)}: {why}", file, line, column,
                              hint=hint, pointer=pointer)
    shown = _show(instance)
    subject = f"value {shown}" if shown else \
        f"the value, {'a list' if isinstance(instance, list) else 'a mapping'},"
    return Diagnostic("V001", f"{_where(pointer)}: {subject} is not a number or a mapping with "
                      "'value' (and 'spread')", file, line, column,
                      hint="write the number, or leave the metric out if the paper gives none",
                      pointer=pointer)


#: "68,2" or "1,234": a decimal comma or a thousands separator, which only the paper tells.
_COMMA_NUMBER = re.compile(r"[0-9]+,[0-9]+")


def _number_like(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _mapping_problem(value: dict[Any, Any]) -> str | None:
    """What makes a mapping written as a metric value no value with a spread, said in one
    sentence: the schema's own failure ("is not valid under any of the given schemas") names
    none of it."""
    if "value" not in value:
        return "the mapping has no 'value'"
    if not _number_like(value["value"]):
        return f"its 'value' ({_show(value['value']) or 'a list or mapping'}) is not a number"
    extra = sorted(str(k) for k in value if k not in ("value", "spread", "note"))
    if extra:
        return f"unknown key {extra[0]!r} (a value has 'value', 'spread' and 'note')"
    spread = value.get("spread")
    if "spread" in value and not _number_like(spread):
        return f"its 'spread' ({_show(spread) or 'a list or mapping'}) is not a number"
    if isinstance(spread, (int, float)) and spread < 0:  # a bool is not negative
        return f"its spread {spread} is negative: the ± part is written as a positive number"
    note = value.get("note")
    if "note" in value and not (isinstance(note, str) and note):
        return "its 'note' is not a text"
    return None


#: The first branch of the paper schema's rule "a title, or an identifier to know the paper by":
#: the rule's failure read as one sentence, not as whichever of its branches failed deepest.
_TITLE_OR_IDENTIFIER = {"required": ["title"]}


def _no_title_nor_identifier(instance: Any, doc: Document, file: str) -> Diagnostic:
    ids = instance.get("identifiers") if isinstance(instance, dict) else None
    pointer: Pointer = ("identifiers",) if isinstance(ids, dict) else ()
    line, column = doc.locate(pointer)
    known = ", ".join(PAPER_IDENTIFIERS).replace(", openreview", " or openreview")
    message = (f"identifiers: no {known} id, and no title: a paper whose title is unknown "
               "needs one (or a link, under links) to be known by") if pointer else (
               "required property 'title' is missing: a paper whose title is unknown needs "
               f"identifiers ({known}) or a link (links: abstract or pdf) to be known by")
    return Diagnostic("S001", message, file, line, column,
                      hint="write the title, or the paper's arXiv id under identifiers "
                      "(then `pwc papers fill` fetches the title)", pointer=pointer)


def _where(pointer: Pointer) -> str:
    from .diagnostics import pointer_text

    return pointer_text(pointer)


_TYPE_NAMES = {"string": "a string", "number": "a number", "integer": "an integer",
               "boolean": "true or false", "array": "a list", "object": "a mapping",
               "null": "nothing"}


def _expected(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return " or ".join(_TYPE_NAMES.get(str(n), str(n)) for n in names)


def _show(instance: Any) -> str:
    if isinstance(instance, (dict, list)):
        return ""
    text = json.dumps(instance, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


#: What people write for an empty list.
_NOTHING = frozenset({"none", "null", "n/a", "na", "-", "—", "empty", "nothing"})


def _type_hint(instance: Any, expected: Any, text: str | None = None) -> str | None:
    names = expected if isinstance(expected, list) else [expected]
    if "string" in names and isinstance(instance, (int, float, bool)):
        if text is not None:  # as written: 2405.01230 is not the number's 2405.0123
            return f'quote it: "{text}" (a plain YAML value like 1.10 or true is not text; ' \
                "pwc fmt quotes it)"
        return "a plain YAML value like 1.10 or true is not text: quote it"
    if "array" in names and isinstance(instance, str):
        if instance.strip().casefold() in _NOTHING:
            return "write [] for none (or leave the key out)"
        return f"write a list: [{instance}]"
    if instance is None and ("object" in names or "array" in names):
        return ("nothing follows the key on its line or below it: what belongs under it goes "
                "on the next lines, indented further than the key")
    return None


# The schemas spell out the characters a URL or DOI may not hold: `\S` means other sets of
# characters in ECMA-262, Python and Rust. Messages show it as people write it.
_SPACE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_PORTABLE_SHOWN = {
    # Not blank: some character other than a space.
    rf"^[{_SPACE}]*[^{_SPACE}](?:[{_SPACE}]|[^{_SPACE}])*$": "not blank",
    rf"[^{_SPACE}]": r"\S",
}
_NOT_BLANK = "not blank"
_PORTABLE = re.compile("|".join(re.escape(k) for k in _PORTABLE_SHOWN))


def _message(error: Any) -> str:
    v = error.validator
    if v == "pattern":
        shown = _PORTABLE.sub(lambda m: _PORTABLE_SHOWN[m.group()], error.validator_value)
        if shown == _NOT_BLANK:
            return f"{_show(error.instance)} is blank: it needs a character other than a space"
        ends = (" (it is blank)" if not error.instance.strip()
                else " (it ends with a line break)" if error.instance.endswith("\n")
                else " (it starts or ends with a space)" if error.instance != error.instance.strip()
                else "")
        return f"{_show(error.instance)} does not match the expected form {shown}{ends}"
    if v == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        guess = did_you_mean(str(error.instance), [str(c) for c in error.validator_value])
        extra = f" (did you mean '{guess}'?)" if guess else ""
        return f"{_show(error.instance)} is not one of: {choices}{extra}"
    if v == "minLength":
        least = error.validator_value
        return "must not be empty" if least == 1 else \
            f"{_show(error.instance)} is shorter than {least} characters"
    if v == "uniqueItems":
        return "the list holds the same item twice"
    if v in ("minProperties", "minItems"):
        return "must not be empty"
    if v == "propertyNames":
        return f"{error.message}; keys here are ids (lowercase words joined by '-')"
    return str(error.message)
