"""One diagnostic type and the one catalogue of every problem the tools can report.

Each problem has a stable code (never reused), a severity, a title and an explanation. The
catalogue is the source of ``docs/diagnostics.md`` (see :mod:`pwc_registry.docs`), so a new code
is documented by adding it here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Literal

Severity = Literal["error", "warning"]

#: A location inside a document: mapping keys and sequence indices from the root.
Pointer = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class Problem:
    code: str
    name: str
    severity: Severity
    title: str
    explanation: str


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """A problem found at a place: file, 1-based line and column, and the data path there."""

    code: str
    message: str
    file: str
    line: int = 1
    column: int = 1
    hint: str | None = None
    pointer: Pointer | None = None

    @property
    def problem(self) -> Problem:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code].severity

    def __post_init__(self) -> None:
        for field in ("file", "message", "hint"):
            text = getattr(self, field)
            if text is not None and not text.isascii():
                object.__setattr__(self, field, shown_name(text))

    def record(self) -> dict[str, object]:
        """The diagnostic as every JSON report writes it."""
        return {"code": self.code, "name": self.problem.name, "severity": self.severity,
                "file": self.file, "line": self.line, "column": self.column,
                "message": self.message, "hint": self.hint}

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)


def shown_name(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 written ``\\xff``. Names
    from git and the file system hold such bytes as lone surrogates (as :func:`os.fsdecode`
    does, so that they name the files on disk), which no report, job summary or comment can
    write (helper-82: a pull request adding ``registry/\\xffbad.yaml`` crashed both)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def count(diagnostics: Iterable[Diagnostic], severity: Severity) -> int:
    """How many of ``diagnostics`` have ``severity``."""
    return sum(d.severity == severity for d in diagnostics)


def pointer_text(pointer: Pointer) -> str:
    """``results[0].metrics.accuracy`` — how a path inside a document is shown to people."""
    out = ""
    for part in pointer:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


_PROBLEMS = [
    # --- reading files: Y ---
    Problem("Y001", "invalid-yaml", "error", "The file is not valid YAML",
            "The YAML parser stopped at this position. Nothing else in the file is checked until "
            "it parses."),
    Problem("Y002", "duplicate-key", "error", "A mapping has the same key twice",
            "Most YAML readers silently keep the last value, so one of the two facts would be lost. "
            "Keep one key and merge the values by hand."),
    Problem("Y003", "anchor-or-alias", "error", "Anchors and aliases are not allowed",
            "`&anchor` and `*alias` make one value stand for another, which hides what a file says "
            "and enables alias bombs. Write every value out in full."),
    Problem("Y004", "tag", "error", "Explicit tags are not allowed",
            "Tags such as `!!python/object` or `!custom` ask a reader to construct objects or "
            "reinterpret values. Registry files hold plain data only."),
    Problem("Y005", "multiple-documents", "error", "A file holds more than one YAML document",
            "A registry file is exactly one document. Remove the `---` or `...` separators or split "
            "the content into separate files."),
    Problem("Y006", "non-finite-number", "error", "A number is not finite",
            "`.nan` and `.inf` are not results. Leave the value out if the paper does not give one."),
    Problem("Y007", "ambiguous-scalar", "error",
            "A plain value reads differently in YAML 1.1 and YAML 1.2",
            "YAML 1.1 readers (PyYAML among them) turn `NO` into false, `010` into 8, `1_000` into "
            "1000 and `2022-11-10` into a date object (and some, not PyYAML, `y` and `n` into "
            "booleans), where YAML 1.2 reads strings or other numbers. Quote the value, or "
            "write it in the one form both agree on: the hint says which fits the field "
            "(`false` for `no` where a boolean belongs, quotes where text does), and `pwc fmt` "
            "writes it. The rest of the file is checked as YAML 1.2 reads it, so one round "
            "shows every problem."),
    Problem("Y008", "not-utf8", "error", "The file is not valid UTF-8",
            "Registry files are UTF-8. Re-save the file as UTF-8; the position is the first byte "
            "that does not decode, and the message says what that byte would be in Windows-1252. "
            "A file saved whole as UTF-16 or UTF-32 (a byte-order mark, or every other byte 0) "
            "is named so, at its start."),
    Problem("Y009", "byte-order-mark", "error", "The file starts with a byte-order mark",
            "A UTF-8 BOM is invisible in editors and ends up inside the first key. Save the file "
            "without it."),
    Problem("Y010", "file-too-large", "error", "The file exceeds the size limit",
            "Registry files are small by design; a paper with very many results still fits. A file "
            "over the limit is not read at all."),
    Problem("Y011", "too-deep", "error", "The data is nested too deeply",
            "No registry file needs deep nesting; very deep structures exhaust readers."),
    Problem("Y012", "symlink", "error", "A symbolic link in the registry",
            "Symlinks can point outside the repository or make one file appear twice. Registry "
            "files are regular files."),
    Problem("Y013", "outside-layout", "error", "A file is outside the registry layout",
            "Every registry file lives at the path that follows from its kind and id "
            "(see docs/registry.md). Files elsewhere are not read. A folder given to `pwc "
            "validate` that holds the registry (the repository's top: `pwc validate .`) "
            "checks the registry in it; any other folder outside the registry is reported "
            "once."),
    Problem("Y014", "not-a-mapping", "error", "The document is not a mapping",
            "A registry file is a mapping of keys to values (`id: ...`, `name: ...`). An empty "
            "file, a list or a single value is not a record."),
    Problem("Y015", "non-string-key", "error", "A mapping key is not a string",
            "Keys such as `1:` or `true:` are numbers or booleans to a YAML reader. Quote them."),
    Problem("Y016", "not-a-regular-file", "error",
            "A named pipe, socket, device or submodule in the registry",
            "Registry files are regular files. Opening a named pipe (FIFO) waits for a writer "
            "and reading a device may never end, so such a file is reported and never opened. "
            "Git cannot hold one: it was made in this work tree; remove it. A submodule (git "
            "holds a commit of another repository at the path) is checked out as an empty "
            "folder, which nothing validates, and filled by a recursive clone with files CI "
            "never saw: remove it (`git rm --cached PATH`)."),
    Problem("Y021", "name-not-written-plainly", "error",
            "A record's name is not written as it is",
            "An id, a task, dataset, paper or metric named by a record, or an identifier, is "
            "written with an escape sequence (\"\\x61stock\" for astock) or with a line "
            "folded in it. The data is the same, but the checks of a pull request find the "
            "files that name a record by searching their text, and would not find this one: a "
            "change to what it names (a metric's direction) would be compared without it. "
            "Write the name as it is (`pwc fmt` does)."),
    Problem("Y020", "number-beyond-float", "error",
            "A number is too large or too small for a 64-bit float",
            "Leaderboards, snapshots and the site compute with 64-bit floats, which end near "
            "1.8 × 10^308, keep fewer digits below 2.2 × 10^-308 (where readers of the exports "
            "read a number as 0 or refuse it) and read anything below about 5 × 10^-324 as 0. "
            "A 400-digit integer would crash them, and `1.0e-400` would become 0. No result is "
            "either; write the number the paper gives (see docs/registry.md, Numbers)."),
    Problem("Y022", "hidden-line-break", "error",
            "The file holds a line break that some readers or viewers do not see",
            "NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) are line "
            "breaks to YAML 1.1 readers (PyYAML, libyaml) and ordinary characters to YAML 1.2 "
            "ones, and most editors, `cat` and `git diff` show no break at all; a carriage "
            "return alone (not before a line feed) is a line break to every YAML reader and to "
            "none of those viewers. After a `#` the rest of the line is a comment to a "
            "reviewer, but data to a reader: `accuracy: 66.36  # Table 2<NEL>f1-score: 99.9` "
            "filed an F1 no one saw. The file is refused whole. Remove the character, end lines "
            "with a line feed, or write the character as an escape in a double-quoted string "
            "(`\\u2028`)."),
    # --- schema: S ---
    Problem("S001", "missing-property", "error", "A required property is missing",
            "The schema of this kind of file requires the property."),
    Problem("S002", "unknown-property", "error", "A property is not part of the schema",
            "Every property is defined in the schema; an unknown one is usually a typo, and would "
            "otherwise be silently ignored."),
    Problem("S003", "wrong-type", "error", "A value has the wrong type",
            "The schema expects another type here (a string, a number, a list...). A YAML value "
            "such as `1.10` is a number: quote it if you mean the text."),
    Problem("S004", "invalid-value", "error", "A value does not match the schema",
            "The value has the right type but is not allowed: a malformed id or URL, a value "
            "outside a list of choices, an empty string."),
    # --- identity and layout: I ---
    Problem("I001", "id-path-mismatch", "error", "The file's path does not follow from its id",
            "A record's path is derived from its id, so that there is one place for every fact. "
            "Move the file, or fix the id."),
    Problem("I002", "duplicate-name", "error", "Two entities claim the same name or alias",
            "A name or alias must lead to exactly one task, dataset, metric or method; otherwise "
            "results could be filed under either."),
    Problem("I003", "duplicate-identifier", "error", "Two papers share an identifier",
            "An arXiv id, DOI or other identifier belongs to one paper. Merge the two files."),
    Problem("I004", "benchmark-id", "error", "A benchmark's id does not follow from its task, "
            "dataset and split",
            "A leaderboard's settings live at registry/benchmarks/<task>--<dataset>.yaml (with "
            "--<split> when results name a split), so that each leaderboard has one file."),
    Problem("I010", "reserved-id", "error", "An id is reserved for a page of the site",
            "The site writes each record's page at `<folder>/<id>.html` beside pages of its own: "
            "`index.html` in every folder, `datasets/index-2.html`... for the list of datasets, "
            "`sota/<area>-2.html`... for long lists of an area's leaderboards, and the area "
            "`other` for tasks without one. A record with such an id would overwrite that page "
            "or be overwritten by it. docs/registry.md lists the reserved ids; choose another."),
    Problem("I011", "holder-id-taken", "error", "A source has the id of a paper",
            "Papers and sources both hold results and share one set of ids: a leaderboard row "
            "names its holder by id alone, so a source with a paper's id would take that paper's "
            "rows, its page and its history. Give the source another id."),
    # --- references: R ---
    Problem("R001", "unknown-reference", "error", "A reference names nothing in the registry",
            "Tasks, datasets, metrics, methods and research areas form closed vocabularies. Use an "
            "existing id (the suggestion is the closest one) or add the entity in the same pull "
            "request."),
    Problem("R002", "alias-reference", "error", "A reference uses an alias instead of the id",
            "Aliases exist so that importers and people can find an entity; the registry itself "
            "writes each fact one way, by id."),
    Problem("R003", "task-cycle", "error", "The task tree has a cycle",
            "Following `parent` from this task comes back to it. A task cannot be its own "
            "ancestor."),
    Problem("R004", "task-tree-too-deep", "error", "A task has too many ancestors",
            "Each result of a task also counts on the leaderboards of its parent task, that "
            "task's parent, and so on: a tree deeper than ten tasks (the archive's deepest has "
            "two) would copy each result onto ever more leaderboards, so past ten ancestors "
            "they are not counted. Give the task a parent nearer the root."),
    Problem("R005", "dataset-cycle", "error", "The datasets' parents make a cycle",
            "Following `parent` (the dataset this one is a part or a version of) from this "
            "dataset comes back to it: a dataset cannot be part of itself. The archive's export "
            "filed each of such datasets as a subdataset of the other."),
    # --- values: V ---
    Problem("V001", "value-not-number", "error", "A metric value is not a number",
            "Values are numbers, or a mapping with `value` and `spread`. Strings such as "
            "`\"76.5%\"` or `\"**70.3**\"` are not read; the hint shows the number if one can be "
            "read without guessing."),
    Problem("V002", "value-out-of-range", "error", "A metric value is outside the metric's range",
            "The metric's file gives the range of possible values. A value outside it is a typo or "
            "a different unit."),
    Problem("V003", "fraction-on-percentage", "warning",
            "A value looks like a fraction on a percentage metric",
            "The metric is in percent but the value is at most 1, as if 0.765 was written for "
            "76.5. Check the paper; a maintainer decides."),
    Problem("V004", "future-date", "error", "A date is in the future",
            "A paper or result cannot be dated after today."),
    Problem("V005", "control-character", "error", "A string holds a control character",
            "Control characters are invisible, break terminals and CI annotations, and never belong "
            "in titles or names."),
    Problem("V006", "duplicate-result", "error", "The same result appears twice",
            "Two results of one paper name the same task, dataset, split and model. Merge their "
            "metrics into one result."),
    Problem("V007", "invalid-date", "error", "A date does not exist",
            "The text looks like a date but is not a day or month of the calendar (such as "
            "2022-02-30 or 2015-13)."),
    Problem("V008", "metric-without-direction", "warning", "A metric has no direction",
            "Nobody has yet said whether a higher or a lower value is better, so its leaderboards "
            "are listed without ranks. The importer leaves a metric so when its curated table of "
            "known metrics does not know the name; a maintainer decides from the definition."),
    Problem("V010", "invisible-character", "error", "A string holds an invisible character",
            "Zero-width spaces and joiners, bidirectional embeddings, overrides and isolates "
            "(U+202A–U+202E, U+2066–U+2069), the soft hyphen, a byte-order mark inside the text: "
            "every character of Unicode's category Cf (format), and the default-ignorable letters "
            "that show as nothing (Hangul fillers such as U+3164, the combining grapheme joiner). "
            "They make two names that look "
            "the same differ, so a result could be filed apart from its leaderboard, or reorder "
            "what a line shows on screen; so do the variation selectors. Remove them. A zero-width "
            "non-joiner or joiner between two letters of a script that spells with them "
            "(Arabic and Persian, the Indic scripts, Sinhala, Tibetan, Myanmar, Khmer, "
            "Mongolian), the first with any marks it carries (a virama), is text and allowed; "
            "beside a digit, a punctuation mark or a Latin letter it is not. Names are compared "
            "without it."),
    Problem("V011", "split-without-name", "error", "A split has no Latin letter or digit",
            "A leaderboard is known by its task, dataset and split, the split as a slug of "
            "lowercase ASCII letters and digits (\"Test\" and \"test\" are one split). A split "
            "written without any (\"验证集\", \"—\") would give an empty slug, and its results "
            "would be ranked with the results that name no split: validation numbers beside "
            "test numbers. Write the split in Latin letters or digits (\"validation\"); the "
            "paper's own words can go in the result's notes."),
    Problem("V012", "benchmark-id-too-long", "error", "A leaderboard's id is too long",
            "Every file of a leaderboard (its page, its CSV and JSON, the API's folder) is "
            "named by its id, task--dataset--split, and a file's name holds at most 255 bytes. "
            "A result filed under a subtask is on each ancestor's leaderboard too, so the "
            "longest of their ids counts. Shorten the split (or the task's or dataset's id)."),
    Problem("V015", "number-loses-digits", "error",
            "A number has more digits than a 64-bit float keeps",
            "Leaderboards, snapshots and the site hold values as 64-bit floats, which keep 15 to "
            "17 significant digits: 2222399999999999999999999999999 would be ranked and shown as "
            "2.2224e+30 and 3.14159265358979323846 as 3.141592653589793, other numbers than the "
            "file's, and `pwc fmt` would rewrite the digits. Write the number as the paper prints "
            "it, or the one the float holds (the hint gives it)."),
    Problem("V016", "result-before-paper", "error", "A paper's result is dated before the paper",
            "A result's own date says when it appeared, if that was later than its paper (a "
            "later version, an erratum); a result cannot appear before the paper that reports "
            "it. The state of the art over time and the feeds place a result at its date, so an "
            "earlier one would put it ahead of results that came first. Remove the result's "
            "date, or correct the paper's (its first version's date). A result the paper quotes "
            "from another paper names that paper (`paper:`) and is not checked against this "
            "one's date."),
    Problem("V017", "range-inverted", "error", "A metric's least value is above its greatest",
            "A metric's `range` says what values can be (an error rate from 0, an accuracy in "
            "percent from 0 to 100); every value outside it is refused (V002). With `min` above "
            "`max` no value can be, so every result of the metric would be refused."),
    # --- benchmarks: B ---
    Problem("B001", "primary-metric-not-listed", "error",
            "A benchmark's primary metric is not among its metrics",
            "When a benchmark lists its metrics, the primary metric (the one that ranks) must be "
            "one of them."),
]

# --- the quality of the data (what the imported archive let through): Q ---
# Warnings: each has real cases in the shipped registry (docs/registry-warnings.md lists them)
# that need a maintainer's reading of the source, and a rare real record can look the same.
_PROBLEMS += [
    Problem("Q001", "extractor-placeholder", "warning",
            "A name holds the extractor's placeholder",
            "`wzxhzdk:12` is what the sota-extractor left where it cut markup out of a page (a "
            "link, a citation marker, a symbol). It is never part of a real name, but what it "
            "replaced is lost, so only someone reading the source can write the name. A "
            "warning, since the imported registry has such names and nothing is to be guessed."),
    Problem("Q002", "title-is-citation", "warning", "A paper's title looks like a citation",
            "\"Xiaodong Liu et al. '19\", \"Smith et al. (2020)\", \"[10]\": the archive filed "
            "a reference where the title belongs, so the paper cannot be found by its title and "
            "two papers may be one. Write the real title (the arXiv id or the corpus often has "
            "it). A warning: a real title can mention \"et al.\" and a year."),
    Problem("Q003", "title-is-url", "warning", "A paper's title holds a URL",
            "A link is not a title; the page it points to usually has one. Move the link to "
            "`links` or `identifiers` and write the title."),
    Problem("Q004", "title-markup", "warning", "A paper's title holds Markdown",
            "A Markdown link, emphasis (`*…*`, `__…__`), a code span or a trailing footnote mark "
            "is markup of the page the title was copied from. Titles are plain text. A warning: "
            "a real title can hold an asterisk (\"A* search\")."),
    Problem("Q005", "duplicate-row", "warning",
            "A paper has the same row twice under two names",
            "Two results of one paper on one leaderboard with every value equal, whose model "
            "names differ only by a trailing year or footnote mark (\"ULMFiT\" beside "
            "\"ULMFiT (2018)\"): the archive listed one result twice, and the board shows it "
            "twice. Remove one. A warning, because which name to keep is a choice."),
    Problem("Q006", "same-values", "warning",
            "Two results of a paper have the same values under different names",
            "Two results of one paper on one leaderboard agree on every value, two metrics or "
            "more, though their model names differ. Usually one result filed twice; sometimes two "
            "models that really scored the same. Check the paper. With a single metric the same "
            "value is common enough by chance (Atari scores) that it is not reported."),
    Problem("Q007", "primary-metric-unused", "warning",
            "No result on a benchmark has its primary metric",
            "The benchmark file names a primary metric (or, naming none, lists first a metric) "
            "that no result on its leaderboard (directly or through a subtask) reports, so "
            "every row is unranked. Pick a metric "
            "the results have, or check the metric's id. A benchmark with no results yet is not "
            "reported (its settings may come first). A warning, since which metric ranks is the "
            "maintainer's choice and nothing is wrong with any one value."),
    Problem("Q008", "undated-arxiv-paper", "warning", "A paper with an arXiv id has no date",
            "An arXiv id tells the month the paper first appeared (`1512.03385`: December "
            "2015), and a paper's date places its results on the state-of-the-art chart. Write "
            "the month (`\"2015-12\"`), or the day from the paper's first version; never a "
            "guessed day. `pwc import` dates such papers to the month itself."),
    Problem("Q009", "title-unknown", "warning", "A paper's title is unknown",
            "The paper is known by an identifier only (arXiv, DOI, ACL Anthology, "
            "OpenReview): the source named it by its URL, and no title is invented for it. Its "
            "pages and rows show the identifier, marked \"title unknown\". For an arXiv paper, "
            "`pwc papers fill` fetches the title, authors, date and abstract; for the others, "
            "write them from the publisher's page."),
    Problem("Q010", "near-duplicate-name", "warning",
            "Two entities of a kind have names that differ only in form",
            "Two tasks (or datasets, metrics, methods, areas) whose names or aliases are the same "
            "once case, spacing and punctuation are dropped (\"Knowledge-based\" and "
            "\"Knowledge-based:\"), or where one spells out the other's abbreviation "
            "(\"Automatic speech recognition (ASR)\" beside \"ASR\"; \"CoQA "
            "(Conversational Question Answering Challenge)\" beside \"CoQA\"): the archive "
            "filed one thing twice, and its results are split over two leaderboards. Merge "
            "them: keep one id, give it the other's name as an alias, move the results "
            "(`scripts/merge_entities.py` does all three, with the corrections the guard asks "
            "for). A warning: two things can share an abbreviation."),
    Problem("Q013", "same-title", "warning", "Two papers have the same title",
            "Titles are compared by their words (letters and digits of any script, a word's "
            "closing \"+\" or \"#\" kept: \"C++\" is not \"C\"), without case, punctuation "
            "or invisible characters. The archive "
            "filed some papers twice, under a second id (a title with a link or a note glued "
            "to it, then cleaned), and a copy of a paper under a new id and no shared "
            "identifier would put its numbers beside the original's as if they were the "
            "same paper's. If the two are one paper, merge them: keep one file, and in it a "
            "rename (`renamed_from`) and the corrections the guard asks for. A warning: two "
            "papers can share a title."),
    Problem("Q014", "mixed-script-word", "warning",
            "A word mixes Latin letters with look-alike letters of another script",
            "\"Lаrge\" with a Cyrillic а reads as \"Large\" but is another word: a model so "
            "named is another result than the one it looks like, filed beside it on the same "
            "leaderboard (a pull request adding it reads as the published row with a new "
            "value), and a search for the name does not find it. Cyrillic letters, and Greek "
            "capitals and omicron that look like Latin ones, are looked for within a word (α, "
            "β and μ are not: \"αNLI\" and \"μP\" are real names; a word all Cyrillic, "
            "\"СССР\", is a word of its own). Write the word in one script."),
    Problem("Q015", "html-entity", "warning", "A name holds an HTML character reference",
            "\"convolution &amp; 7 recurrent layers\": the page a name was copied from escaped a "
            "character, and the copy kept the escape. Names are plain text, shown as written "
            "(the site shows \"&amp;\"). Write the character itself (a correction names a "
            "published result by its old name)."),
    Problem("Q016", "link-names-another-identifier", "warning",
            "A paper's link names an identifier its identifiers do not hold",
            "A link of the paper (`links.abstract`, `links.pdf`...) is an arXiv, ACL, DOI or "
            "OpenReview address, and gives the paper's identifier away, but `identifiers` does "
            "not hold it (a copy of the paper under another id, known by its identifiers, would "
            "not be found: I003), or holds another one (the page links one paper and the "
            "registry knows it as another). Add the identifier, or correct the one that is "
            "wrong."),
    Problem("Q012", "float-artefact", "warning",
            "A value looks like a floating-point artefact",
            "A value written with 15 or more significant digits a few units in the last place "
            "from a short number (77.28999999999999 beside 77.29) is what a computation in "
            "binary floating point makes of a short decimal — an archive's 100 − 22.71 for an "
            "error rate the paper prints — not what a paper prints. Leaderboards, the site and "
            "every export show it with all its digits. If the paper prints the short number, "
            "write that (a correction says why). A warning: a source may print such digits."),
]

# --- guards on history (pwc validate --changed-since): H ---
_PROBLEMS += [
    Problem("Q011", "split-spellings", "warning",
            "Results on one leaderboard write its split differently",
            "A split is known by its slug (lowercase ASCII letters and digits), so \"C++\" and "
            "\"C\", or \"test-clean\" and \"test clean\", are one split and their results are "
            "ranked together. If they are one split, write it alike; if not, give one a name "
            "whose slug differs (\"c-plus-plus\"). A full validation reports the less "
            "common spelling; a pull request's check (`--changed-since`) reports each changed "
            "result written otherwise than results already on the leaderboard."),
    Problem("H001", "value-changed", "error", "A published value changes",
            "A value that was on the leaderboards changes. It is how typos, unit mix-ups and "
            "vandalism look, so it needs a correction with a reason in the paper file "
            "(`corrections:`), added in the same change."),
    Problem("H002", "result-removed", "error", "A published result is removed",
            "Results are not deleted silently. If the paper withdrew it, add a correction "
            "naming the result and the reason."),
    Problem("H003", "paper-removed", "error", "A paper file is removed",
            "Papers are never deleted. A paper renamed to a new id records `renamed_from` in a "
            "correction under its new id."),
    Problem("H004", "outside-registry", "warning", "Tool files change together with data",
            "The change touches files outside `registry/` as well as registry data. A maintainer "
            "reviews both; consider separate pull requests."),
    Problem("H005", "leaderboard-setting-changed", "error",
            "A published leaderboard is ranked differently",
            "A metric's direction, unit or range, or a leaderboard's primary metric, changes: every "
            "row of the leaderboards using it is ranked or read anew. A direction given to a "
            "metric that had none is an addition; any other change needs a correction on the "
            "metric (or benchmark) file with `field`, `old` and `new`."),
    Problem("H006", "row-field-changed", "error",
            "A published result's flag, date or paper changes",
            "Whether a result used extra training data, whether it is a point of reference "
            "(`source.kind: reference`, never ranked), the date that places it on the "
            "state-of-the-art chart, and the paper it is credited to (its holder, or the paper "
            "its `paper:` names) are part of what readers saw. A date where there was none is "
            "an addition; any other change — a result given to another paper, or to a paper "
            "where it named none — needs a correction with `field`, `old` and `new` (`field: "
            "paper`, paper ids, null for none; `field: source_kind`, the kinds)."),
    Problem("H007", "correction-rewritten", "error", "A published correction is edited or removed",
            "Corrections are append-only: rewriting one could make it cover a change it was never "
            "written for. Restore it and add a new correction for the new change."),
    Problem("H008", "correction-unused", "error", "A new correction explains no change",
            "A correction names exactly what changes (the result and metric, or the field) and its "
            "old and new value. One that matches nothing this change makes is a mistake, or is "
            "written ahead to cover a later change; the message says what really changes."),
    Problem("H009", "rename-refused", "error", "A rename cannot be taken",
            "`renamed_from` is claimed once, by a paper file new in the change, for a paper whose "
            "file the same change deletes; the renamed paper is then compared value by value with "
            "the old one. A paper that exists may claim it only for a record of itself (an "
            "identifier or its title in common) that holds no results (the same paper filed "
            "twice: move its results first, each with its correction). Any other claim could "
            "hand one paper's history to another."),
    Problem("H010", "ranks-changed", "error", "Ranks change with nothing to explain it",
            "The rows that were on a leaderboard rank differently, though no value, direction, "
            "primary metric or row changed. This is the guard of last resort; report it."),
    Problem("H011", "spelling-changed", "warning", "A published name is spelt otherwise",
            "A model's name is shown with another spelling that identity reads as the same "
            "name (case, full-width letters, spacing), or a leaderboard is shown under another "
            "name (its benchmark file's `name`, or its task's, dataset's or split's spelling), "
            "or a metric of a leaderboard is renamed (its column's heading). "
            "No value or rank changes, but readers see it: a maintainer checks it is meant."),
    Problem("H014", "provenance-changed", "warning",
            "Where a published result comes from changes",
            "A result on the leaderboards says otherwise where its numbers come from: its "
            "`source` location, kind, address or reporter changed or removed (giving one "
            "where there was none is an addition). No number changes, but provenance is part "
            "of the result: a maintainer checks the new one against the paper or source."),
    Problem("H015", "row-details-changed", "warning",
            "What a published result shows beside its numbers changes",
            "A result on the leaderboards keeps its numbers but shows something else beside "
            "them: its `notes`, `code_links` or `model_links`, the `note` of a value (what "
            "its spread is), the code of the paper or "
            "source holding it, or the `notes` of its leaderboard (printed under the board's "
            "heading: \"values are error rates\"), changed or removed (giving one where there "
            "was none is an addition, except a result's first code link where its row showed "
            "its paper's code: that replaces it). So do its `aliases` (the archive's export "
            "writes a row under each), added or removed, and the authors, venue, `links`, "
            "named `tasks` and abstract of the paper or source holding it (its page, the API "
            "and its citation show them; an abstract is shown around where it changes). A "
            "note (\"on the dev set\") or a link to another repository changes what readers "
            "take from the row: a maintainer checks it against the source."),
    Problem("H016", "checkout-rewrites-file", "error",
            "Git writes a registry file out as other bytes than it stores",
            "A git attribute (`working-tree-encoding`, `filter` or `ident`, from a "
            "`.gitattributes` file anywhere in the repository) makes git check the file out "
            "as other bytes than the commit holds: the validator reads the bytes on disk, "
            "the comparison and `pwc diff` read what git stores, so a value can change "
            "between them unseen (a Shift_JIS checkout turned a `¥\"` into `\\\"` and moved "
            "a number onto another row). Registry files are stored and checked out as the "
            "UTF-8 they are: remove the attribute for them. A change to any `.gitattributes` "
            "has every registry file checked."),
    Problem("H017", "too-many-leaderboards", "error",
            "A change adds more leaderboards than one change may",
            "A result on a split, dataset or task that no other result has opens a new "
            "leaderboard, and one more on each ancestor task. The site writes about a dozen "
            "files for each (its page, the whole table, the API's files), so a change adding "
            "thousands — one small file of results on made-up splits, under a task ten levels "
            "deep — would pass review and then make the site build write millions of files. "
            "A paper's results lie on tens of leaderboards, the archive's largest on a few "
            "hundred; over 1,000 new ones in one change (net of those it removes: a renamed "
            "dataset moves its boards) is refused. Check the splits are "
            "named as the paper names them (\"test\", not one split per row); a bulk import "
            "is split into pull requests under the limit."),
    Problem("H018", "value-on-another-scale", "warning",
            "A value is on another scale than its leaderboard's",
            "A value this change gives a leaderboard reads as a fraction of 1 (above 0, at "
            "most 1) where most of the board's values of its metric, as they were before the "
            "change (on a new board, its other values), are above 1 and at least 5 times it, "
            "or the reverse (a metric the board "
            "holds a negative value of is a score, not a rate, and is not judged): a model "
            "card's word error rate of 0.3719 beside 18.504 ranks first on a lower-is-better "
            "board. A metric with a unit has its "
            "importers convert stated fractions (the unit rule), but a value written by hand, or "
            "of a metric without a unit, is taken as written. A warning: some boards hold both "
            "legitimately (a game score of 0.1 where others score 10 to 34; a count in "
            "millions beside one in units); check the value against the paper and write it "
            "on the board's scale."),
    Problem("H019", "row-copied", "warning",
            "A result added repeats another paper's row",
            "A result this change adds has the model name (as names compare, a trailing "
            "year or footnote mark aside) and every value of a row another paper or source "
            "holds on the same leaderboard: the board then "
            "shows one result twice, as two papers'. A paper quoting another's number says so "
            "(`paper:` the other's id, and `kind: baseline` in its `source`: the row then shows whose "
            "it is, and this is not said); a copy of someone's row filed as one's own is what "
            "review is for. A warning: two papers can report the same model with the same "
            "numbers. Judged on whole leaderboards: the PR comment (`pwc diff`) always says it; "
            "`pwc validate --changed-since`, which compiles only the changed papers' rows when "
            "it can, says it when it compiles whole boards."),
    Problem("H013", "history-rewritten", "warning",
            "The state of the art over time loses published new bests",
            "Results whose values do not change no longer set a new best when they appeared: "
            "a result added or given a date at or before them (or an earlier date) now sets "
            "the best first. Adding is an addition, so this is a warning, but the "
            "leaderboard's history as readers saw it changes (the chart, the feeds): a "
            "maintainer checks the date against the paper."),
    Problem("H012", "holder-identity-changed", "error",
            "A paper holding published results is known otherwise",
            "The title or an identifier (arXiv id, DOI, ACL or OpenReview id, the archive's id) "
            "of a paper or source whose results are on the leaderboards changes: every one of "
            "its rows would then be credited to the paper it now names, with no value "
            "changing. A title or identifier given where there was none is an addition. If the "
            "paper really is known so (a typo in its title, the DOI of its published version), "
            "add a correction to its file with `field: title` (or the identifier's scheme, "
            "`field: arxiv`), the old and the new value, and the reason."),
]

# --- importing the Papers with Code archive: A ---
_PROBLEMS += [
    Problem("A001", "dump-not-json", "error", "A dump is not valid JSON",
            "The file cannot be parsed, so nothing is imported from it. Fix or re-download it; "
            "the position is where the parser stopped."),
    Problem("A002", "dump-shape", "warning", "A dump does not have the archive's shape",
            "A record is not what the archive's format puts there (a list where a mapping is "
            "expected, a name that is not text). The record is skipped."),
    Problem("A003", "value-unreadable", "warning", "A metric value cannot be read",
            "The text does not say one number (\"-\", \"78.6/84.4\", \"78.6 (84.4)\", "
            "\"185M\"). It is not imported; nothing is guessed. Read the paper and file the "
            "number by hand."),
    Problem("A005", "row-without-values", "warning", "A leaderboard row has no readable value",
            "None of the row's values could be read, so there is nothing to import."),
    Problem("A006", "conflicting-row", "warning", "One row gives a metric two values",
            "Two of the row's columns (a card's two metrics of one type, \"Test Accuracy\" and "
            "\"Validation Accuracy\") are one metric and hold different values. Neither is "
            "imported: which one the result's split means is a guess. File the right one by "
            "hand."),
    Problem("A007", "kept-registry-value", "warning", "The registry already says otherwise",
            "The registry holds another value here, perhaps a human's correction. The importer "
            "never overwrites it; compare and decide."),
    Problem("A008", "file-not-merged", "error", "A registry file could not be merged",
            "The file is invalid or holds comments, and the import would change it. It is left "
            "as it is; merge the import's data by hand or fix the file and import again."),
    Problem("A009", "unreadable-field", "warning", "A field cannot be imported as given",
            "A date that is not a date, a link that is not a URL, a name with control "
            "characters. The field is left out of the registry (the rest of the record is "
            "imported)."),
    Problem("A010", "metric-direction-unknown", "warning", "A metric's direction is not known",
            "The curated table of known metrics does not know this name, so the metric is "
            "imported without a direction and its leaderboards are not ranked (V008)."),
    Problem("A011", "dropped-extra", "warning", "Part of a record has no place in the registry",
            "The registry records one research area per task; further ones are listed here."),
    Problem("A012", "row-without-model", "warning", "A leaderboard row names no model",
            "The row's values are imported under the paper's title, with a note saying so. "
            "Give the model its name from the paper."),
    Problem("A013", "registry-link", "error", "A registry path is a link or not a file",
            "The file, or a folder on its way, is a symbolic link (or not a regular file), so "
            "writing there could change a file outside the registry. The importer leaves it "
            "alone; replace the link with the file or folder itself and import again."),
    Problem("A054", "value-outside-range", "warning",
            "An imported value is outside its metric's range",
            "The registry's metric says which values it can take (its `range`: a percentage "
            "from 0 to 100); a value outside it (1.8e308 for an accuracy) is not imported, "
            "since written it would make the registry invalid (V002). Check the source's "
            "value and unit, and file it by hand if the metric's range is wrong."),
    Problem("A014", "file-not-written", "error", "A registry file cannot be written",
            "The system refused to write the file (its name is too long, the disk is full, a "
            "folder is not writable), or it would be larger than the registry reads (Y010: a "
            "source of tens of thousands of results). The rest of the import goes on; fix the "
            "cause and import again."),
    Problem("A015", "number-out-of-range", "warning", "A number cannot be kept as written",
            "The number is too large for a float (`1e400`, thousands of digits), so small it "
            "would be stored as 0, has more digits than a float keeps (as V015 and Y020 say of "
            "a file), or is not a number (`NaN`, `Infinity`). It is not imported: every tool "
            "reads values as floats, and a changed number is a wrong result."),
    Problem("A016", "metric-not-added", "warning", "A result in the registry lacks a metric",
            "The registry already holds this result (the same paper, task, dataset, split and "
            "model), and the archive gives it a metric it does not have. The importer never "
            "adds values to a result the registry holds: it may have been checked as it stands. "
            "Add the value by hand if the paper reports it."),
    Problem("A017", "record-too-deep", "error", "A dump record is nested too deeply",
            "A record of the dump nests lists and mappings deeper than the importer reads "
            "(the limit is in docs/import.md; the archive's deepest record is far below it). The "
            "record is skipped, the rest of the dump is imported."),
    Problem("A018", "record-too-large", "error", "A dump record is too large",
            "One record of the dump is larger than the importer holds in memory at once (the "
            "limit is in docs/import.md). The record is skipped, the rest of the dump is "
            "imported."),
    Problem("A019", "problems-not-listed", "warning", "More problems than the report lists",
            "The report lists the first problems of each code in full and counts the others, "
            "so that a broken dump cannot make a report larger than the dump."),
    Problem("A020", "row-named-again", "warning", "A model is named twice on a board",
            "Two rows of one paper (or one board's source) on one board name the same model "
            "with different values: anonymous leaderboard submissions, two settings of one "
            "model. Both are kept; the later one is numbered (\"Anonymous [2]\") with a note "
            "giving its row in the table. Give it the name the paper or leaderboard uses."),
    Problem("A021", "dump-key-twice", "error", "A record of a dump gives one key twice",
            "JSON lets an object name a key twice, and its readers keep the last value without "
            "a word: a dump with `\"TEST-EM\": \"74.178\", \"TEST-EM\": \"99.999\"` would "
            "import 99.999. Which value the source means is a guess, so the record is skipped "
            "(the rest of the dump is imported). Fix the dump, or file the record by hand."),
    # The shared path of every importer (imports/sink.py) and the table importer: A030-A039.
    Problem("A030", "entity-created", "warning", "An import named a task or dataset the registry "
            "lacks",
            "No task or dataset has this name, id or alias, so the import created it. If it is "
            "another spelling of one the registry has, add the name to that one's aliases, "
            "delete the new file and import again."),
    Problem("A031", "metric-unknown", "warning", "An import named a metric the registry lacks",
            "Values are filed only under a metric the registry defines (its direction and unit "
            "decide ranking and the unit rule), so this value is not imported. Add the metric, "
            "or the name as an alias of the one it means, and import again."),
    Problem("A032", "fraction-converted", "warning", "A fraction was converted to a percent",
            "The metric is in percent and the source writes it as a fraction of 1: it says so, "
            "or every value of the metric in the file or card (however the file spells the "
            "metric) is within [0, 1] ([-1, 1] for a metric whose range goes below 0, such as "
            "Matthews correlation). The value was "
            "multiplied by 100, and the result's notes say so. Check against the source."),
    Problem("A033", "unit-ambiguous", "warning", "A value may be a fraction or a percent",
            "The metric is in percent and the value is within (0, 1] ([-1, 1] but 0, for a "
            "metric whose range goes below 0), but other values of the metric in the same "
            "source are not, and the source does not state its unit: 0.85 could be 85 % or "
            "0.85 %. Or the source says the value is a fraction of 1 and it is not within that "
            "interval, or the registry's metric has no unit to convert a fraction to. It is "
            "not imported; state the unit (a table's mapping: unit), give the metric its unit, "
            "or file the value by hand."),
    Problem("A034", "result-without-holder", "warning", "A result has no paper or source to "
            "hold it",
            "The result names no paper that can be identified (a title or an identifier) and "
            "its source is not a source record, so no file can hold it. It is not imported."),
    Problem("A035", "result-repeated", "warning", "A result is given twice with other values",
            "Two results of one source name the same task, dataset, split and model with "
            "different values. The first is imported; name the second apart (a table's model "
            "template can add a column such as the image size) and import again."),
    Problem("A036", "result-incomplete", "warning", "A result lacks its task, dataset or model",
            "Without each of them it cannot be placed on a leaderboard; it is not imported."),
    Problem("A037", "table-mapping", "error", "A table's mapping cannot be used",
            "The mapping (flags or a YAML file) names a column the table lacks, lacks a required "
            "entry (model, a metric, task, dataset, source) or is not valid YAML. Nothing is "
            "imported."),
    Problem("A038", "table-unreadable", "error", "A table cannot be read",
            "The file is not UTF-8 CSV with a header row, or a row has more cells than the "
            "header. Nothing of the file (or of the row) is imported."),
    Problem("A050", "not-a-dump", "error", "A file given as a dump is not one",
            "The file is not JSON, JSON Lines or Parquet (a ZIP archive, a Git LFS pointer, a web "
            "page, a gzipped Parquet file), or is Parquet that cannot be read (cut short, a "
            "column of a type no dump has). The message says what it is; nothing is imported "
            "from it."),
    Problem("A051", "row-group-too-large", "error", "A Parquet row group is too large to read",
            "A column of one row group of a Parquet dump is larger than the importer reads at "
            "once (the limit is in docs/import.md): one of its pages may be that large. Its rows "
            "are skipped, the rest of the file is imported; rewrite the file with smaller row "
            "groups."),
    Problem("A052", "synonyms-unreadable", "error", "The synonyms file cannot be read",
            "The archive's `synonyms.csv` (task,synonym) given with `--synonyms` is not a "
            "regular file, is larger than the importer reads, is not UTF-8, or is not CSV (a "
            "field over the CSV reader's limit, a NUL byte). Nothing is imported: without its "
            "synonyms, tasks would be filed under two names. Fix the file or leave it out."),
    Problem("A053", "removed-result-not-restored", "warning",
            "A result a correction removed is not imported again",
            "The file's corrections say the result was removed (or moved: its model renamed, "
            "filed under another task or dataset), a change a maintainer made with its reason "
            "and CI reviewed. The import does not add it back; if the removal was wrong, add "
            "the result by hand with a new correction."),
    Problem("A055", "renamed-paper-not-recreated", "warning",
            "A paper renamed into a source is not made again",
            "The import names a paper the registry no longer has: a maintainer found it was no "
            "paper (a leaderboard submission the archive titled by its web address) and made it "
            "a source, whose correction says `renamed_from` its id. Importing the paper again "
            "would file the same results twice, under a paper nobody reviewed, so its results "
            "are not imported. If the source lacks some of them, add them to it by hand; a "
            "paper renamed to another paper is found under its new id and merged as usual."),
]

# --- importing model-index metafiles and Hugging Face model cards: A040-A049, A056 ---
_PROBLEMS += [
    Problem("A039", "result-on-no-board", "error", "An imported result would be on no leaderboard",
            "Its split has no Latin letter or digit (V011), or its leaderboard's id, "
            "task--dataset--split, would be too long for a file's name (V012): the registry "
            "cannot hold it as written, so it is not imported. Give the split (or the task or "
            "dataset) another name and import again, or file the result by hand."),
    Problem("A040", "source-file-unreadable", "error", "A source file cannot be read",
            "A model-index file, metafile or model card is not valid YAML, holds tags, an "
            "alias of no anchor or an anchor defined twice, repeats more than 100,000 values "
            "or 2 MiB of characters through aliases (an alias reads as a copy of its anchor's "
            "value), is larger or nested deeper than the importer reads, or is not a regular "
            "file. Nothing is imported from it; the "
            "message says what the YAML reader found and where. A problem confined to one "
            "value, a number no float holds or a key written twice, leaves out that value "
            "alone (A015, A049)."),
    Problem("A041", "import-outside-tree", "error", "An Import points outside the tree",
            "An `Import` (or a field naming a file) is an absolute path, climbs out of the "
            "folder given with `..`, or reaches a file through a symbolic link that leads out "
            "of it; or a model card or `.eval_results` file found in a folder given to `pwc "
            "import hf` is such a link. The importer reads only the tree it was given; the "
            "file is not read."),
    Problem("A042", "import-not-found", "error", "An imported file does not exist",
            "An `Import` (or a field naming a file) names a path, or a pattern, that matches no "
            "file. Its models are missing from the import; fix the path."),
    Problem("A043", "import-cycle", "warning", "Files import each other in a cycle",
            "A file imports, directly or through others, a file that imports it. Each file is "
            "read once; the import that closes the cycle is ignored."),
    Problem("A044", "metafile-not-imported", "warning", "A metafile is not imported",
            "A `metafile.yml` under the folder given is not reached from any `model-index.yml` "
            "there, so the library does not publish it. It is not read: import it by naming it, "
            "or add it to the library's `Import` list."),
    Problem("A045", "model-index-shape", "warning", "An entry does not have the format's shape",
            "A model-index entry is not what the format puts there: `Models` a mapping where a "
            "list is expected, a result without `Task`, `Dataset` or `Metrics`, a metric value "
            "that is a list. The entry is skipped, the rest of the file is imported. A file with "
            "none of the format's keys (`Models`, `Collections`, `Import`) is not a model-index "
            "file; a Hugging Face card's `model-index` block is read by `pwc import hf`."),
    Problem("A046", "collection-not-found", "warning",
            "A model's collection is not defined, or not once",
            "`In Collection` names no collection of the tree, or one that two files of the tree "
            "define differently (neither being the model's own file), so the model inherits no "
            "paper or code from it. Its results are imported with what the model itself says."),
    Problem("A047", "card-without-results", "warning", "A model card has no results to import",
            "The card has no YAML front matter, its front matter is not YAML, or it has no "
            "`model-index` block (nor is it an `.eval_results` file). Nothing is imported from "
            "it."),
    Problem("A048", "card-entry-shape", "warning", "A model card's result is incomplete",
            "A `model-index` result or an `.eval_results` entry lacks a field the Hub requires "
            "(task type, dataset type and name, metric type and value; dataset id, task id and "
            "value), or has one of the wrong kind. The entry is skipped."),
    Problem("A049", "ambiguous-entry", "warning", "An entry of a metafile or card is ambiguous",
            "A key written twice (YAML readers differ on which value they keep: PyYAML keeps the "
            "last without a word) or a number that YAML 1.1 and 1.2 read differently (`010`: 10 "
            "or 8) makes its value a guess, and with it the list entry holding it (a card's "
            "metric, a result, a model), whose other keys describe that value. The entry is not "
            "imported; the rest of the file is (a number no float holds is left out alone, A015), "
            "and the unit rule does not judge the file's scale by the values it read. Outside "
            "any list entry, the file is refused (A040). Fix the file, or file the result by "
            "hand."),
    Problem("A056", "library-named-by-folder", "warning",
            "A library is named after a metafile's folder",
            "A metafile given alone, in no library's checkout (no `model-index.yml` in a "
            "folder above it), without a `Library: Name`, names its library after the "
            "repository it is in (a `.git` above it, which may hold many libraries' files) or "
            "else its own folder: OpenMMLab keeps each method's metafile in "
            "`configs/<method>/`, so the source would be called after the method "
            "(\"mask2former\") and another library's metafile in a folder of that name would "
            "join it. The import goes on with that name; "
            "import the library's checkout instead (its folder names it), or rename the source."),
]

# --- writing registry files and outputs (pwc fmt): F ---
_PROBLEMS += [
    Problem("F001", "format-would-change", "error",
            "A file cannot be formatted without changing it",
            "`pwc fmt` rewrites a file only when the rewrite holds the same data, every comment "
            "and every number written as before. This file's rewrite would not (a comment where "
            "the canonical layout has no place for it), so it is left as it is. Move the "
            "comment onto a line of its own, or lay the file out by hand."),
]

CATALOGUE: dict[str, Problem] = {p.code: p for p in _PROBLEMS}
# Two problems under one code would show one's title and explanation for the other's message.
_twice = sorted({p.code for p in _PROBLEMS if sum(q.code == p.code for q in _PROBLEMS) > 1})
if _twice:
    raise AssertionError(f"codes given to two problems: {', '.join(_twice)}")
