"""Identity: when two names, splits or results are the same thing.

Every tool that asks "is this the same result?" or "is this the same name?" asks here — the
validator's duplicate check, the compilers' grouping, the comparison of two versions of the
registry, the importers and ``pwc new``. Two answers to one question are how a changed value
gets past the guards (a split ``Test`` beside ``test`` once passed the duplicate check and then
made the history guard compare the wrong results), so there is one.

* :func:`fold` — how names compare: Unicode compatibility form (full-width letters, ligatures),
  invisible format characters (zero-width, bidi controls) dropped, runs of white space as one
  space, case ignored.
* :func:`slugify` — ids and splits: lowercase ASCII letters and digits joined by ``-``, after the
  same compatibility form. A split that slugifies to nothing is no split. New ids (``pwc new``)
  keep accented letters as their base letter: :func:`new_slug`, :func:`new_paper_id`.
* :func:`result_identity` — a result within its holder: task, dataset, split slug, folded model.
* :func:`name_keys` — the looser forms in which two entity names may be one name written
  otherwise: their slugs ("Knowledge-based:" and "Knowledge-based"), and each side of a
  name that spells out its abbreviation ("Automatic speech recognition (ASR)" and "ASR"). Not
  an identity: a clue for a maintainer (Q010).
* :func:`identifiers_known` — a paper's identifiers, with the arXiv id its arXiv DOI names.
* :func:`undated` — a model name as two rows of one paper with the same values are compared:
  folded, without the trailing "(2018)" and footnote marks ("*", "♦") that the Papers with Code
  archive's NLP-progress rows append ("ULMFiT (2018)" beside "ULMFiT").
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable

from .patterns import ARXIV_ID, DOI, ID

_WORDS = re.compile(r"[a-z0-9]+")
#: The identifiers that name a paper on their own (a paper whose title is unknown must have
#: one), in the order a paper's label prefers them, with how the label writes each.
PAPER_IDENTIFIERS = {"arxiv": "arXiv:", "doi": "doi:", "acl": "ACL ", "openreview": "OpenReview "}
#: The scheme under which a paper's folded title is held with its identifiers (the index of
#: papers, the validator's owners), so that papers sharing a title are found as papers sharing
#: an identifier are (Q013); never an identifier of the registry's own.
TITLE_SCHEME = "title"
#: Likewise the ids of the papers a paper's results are credited to (``paper:``), so that the
#: papers citing one are found when it changes (its title, its id); never an identifier either.
CITES_SCHEME = "cites"
#: The DOI arXiv gives every paper (DataCite, since 2022): the arXiv id under another scheme.
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.({ARXIV_ID})(?:v[0-9]+)?", re.IGNORECASE)


#: The page of each kind of identifier: one place, for every view that links a paper by it.
IDENTIFIER_PAGES = {"arxiv": "https://arxiv.org/abs/{}", "doi": "https://doi.org/{}",
                    "acl": "https://aclanthology.org/{}",
                    "openreview": "https://openreview.net/forum?id={}"}


def identifier_key(scheme: str, value: str) -> tuple[str, str]:
    """What makes two identifiers one: DOIs and the rest compared without case (the validator
    finds two papers holding one, I003; an importer finds the paper by it)."""
    return scheme, value.strip().casefold()


def identifier_page(scheme: str, value: str) -> str:
    """The page an identifier names (``https://arxiv.org/abs/2211.05344``)."""
    return IDENTIFIER_PAGES[scheme].format(value)


def arxiv_pdf(arxiv_id: str) -> str:
    """The PDF of an arXiv paper (its latest version)."""
    return f"https://arxiv.org/pdf/{arxiv_id}"


def identifiers_known(identifiers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """A paper's identifiers as (scheme, value), with those another one implies: an arXiv DOI
    (``10.48550/arXiv.2211.05344``) is also the arXiv id ``2211.05344``, so that a copy of a
    paper known by the DOI is the same paper as one known by the id."""
    given = list(identifiers)
    implied = [("arxiv", m.group(1)) for scheme, value in given
               if scheme == "doi" and (m := _ARXIV_DOI.fullmatch(value.strip()))]
    return tuple(dict.fromkeys([*given, *implied]))
#: A trailing year in parentheses or a footnote mark, any number of them: NLP-progress writes
#: "AWD-LSTM + dynamic eval * (2017)" for the row its paper files as "AWD-LSTM + dynamic eval".
_TRAILING_MARKS = re.compile(r"(?:\s*\((?:19|20)[0-9]{2}\)|\s+[*†‡♦♠♣§])+$")


def _visible(text: str) -> str:
    """``text`` in compatibility form without format characters (category Cf)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def fold(text: str) -> str:
    """The form in which two names are the same name."""
    if text.isascii():  # the usual case, and NFKC and format characters cannot apply
        return " ".join(text.split()).lower()
    folded = " ".join(_visible(text).split()).casefold()
    return unicodedata.normalize("NFKC", folded)  # casefold can leave a composable pair


def title_key(title: str) -> str:
    """The form in which two titles are one paper's (Q013): the words of :func:`fold`, letters
    and digits of any script, one space between ("BERT: Pre-training..." and "BERT - Pre
    Training..." are one title); a word keeps a "+" or "#" it ends with ("C++" is not "C")."""
    return " ".join(_TITLE_WORDS.findall(fold(title)))


_TITLE_WORDS = re.compile(r"[^\W_]+[+#]*")


@functools.lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """``"5-shot (val)"`` → ``5-shot-val``: lowercase ASCII letters and digits joined by '-'."""
    if not text.isascii():
        text = _visible(text)
    return "-".join(_WORDS.findall(text.lower()))


#: Latin letters that are not a base letter and a mark, so NFKD leaves them whole ("ß" is
#: "ss" by case folding).
_UNDECOMPOSED = str.maketrans({"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe",
                               "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Þ": "TH", "þ": "th",
                               "Ð": "D", "ð": "d", "ı": "i"})


def new_slug(text: str) -> str:
    """The slug of a *new* id: :func:`slugify` after each letter is taken to its ASCII base
    ("Über naïve Bayes für Café-Daten" → ``uber-naive-bayes-fur-cafe-daten``, "Straße" →
    ``strasse``), where :func:`slugify` drops it (``ber-na-ve-bayes-f-r-caf-daten``). Only ids
    made now (``pwc new``) take it: :func:`slugify` itself stays as it was, because split keys
    and the ids the importers derive from names already in the registry follow it, and
    changing it would rename their files and move their results on a re-import. A text with
    no Latin letter or digit at all (a Chinese title) gives ``""``: the caller decides (see
    :func:`new_paper_id`)."""
    if text.isascii():
        return slugify(text)
    decomposed = unicodedata.normalize("NFKD", _visible(text)).translate(_UNDECOMPOSED)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return slugify(base.casefold())


def new_paper_id(title: str, arxiv_id: str | None = None) -> str:
    """The id of a new paper: :func:`new_slug` of its title; for a title that gives none (no
    Latin letter or digit: "基于深度学习的股票预测"), ``arxiv-<id>`` from its arXiv id, else
    ``paper-`` and the first 8 hex digits of the SHA-1 of the title, so that the same title
    always gives the same id."""
    found = new_slug(title)
    if found:
        return found
    if arxiv_id:
        return "arxiv-" + slugify(arxiv_id)
    return "paper-" + hashlib.sha1(title.strip().encode("utf-8")).hexdigest()[:8]


def split_key(split: str | None) -> str:
    """A split as it identifies a result: its slug; ``""`` for none."""
    return slugify(split) if split else ""


def benchmark_id(task: str, dataset: str, split: str | None = None) -> str:
    """The id of the leaderboard of a task on a dataset (and split)."""
    key = split_key(split)
    return "--".join([task, dataset, *([key] if key else [])])


#: The longest leaderboard id: each of a leaderboard's files is named by it (the longest,
#: ``benchmarks/<id>.all.html``, adds 9 bytes), and a file's name holds at most 255 bytes.
MAX_BENCHMARK_ID = 240


def board_problem(task: str, dataset: str, split: str | None, longest_task: int = 0
                  ) -> tuple[str, str] | None:
    """Why results of ``task`` on ``dataset`` (and ``split``) can be on no leaderboard:
    ``("V011", why)`` for a split that slugifies to nothing (its results would be ranked with
    those that give no split), ``("V012", why)`` for a leaderboard id too long for a file's
    name (``longest_task``: the length of the longest id among the task's ancestors, on whose
    boards its results are too); None when they can. The validator reports it, the importers
    and ``pwc new`` do not write such a result, and the compiler leaves it off every board."""
    key = split_key(split)
    if split and not key:
        return "V011", (f"split {split!r} has no Latin letter or digit, so it names no "
                        "leaderboard")
    length = max(len(task), longest_task) + 2 + len(dataset) + (2 + len(key) if key else 0)
    if length > MAX_BENCHMARK_ID:
        return "V012", (f"its leaderboard's id would have {length} characters, more than "
                        f"{MAX_BENCHMARK_ID}: a leaderboard's files are named by it")
    return None


#: task id, dataset id, split slug, folded model name.
ResultIdentity = tuple[str, str, str, str]


def result_identity(task: str, dataset: str, split: str | None, model: str) -> ResultIdentity:
    """What makes two results of one holder the same result."""
    return (task, dataset, split_key(split), fold(model))


def name_keys(name: str) -> frozenset[str]:
    """The forms of an entity name under which another name may be the same one written
    otherwise: its slug (case, spacing and punctuation dropped, its words kept apart: "Q->AR"
    and "QA->R" differ) and, for "X (Y)" where one of X and Y abbreviates the other, the slugs
    of X and of Y."""
    keys = {slugify(name)}
    # "Automatic speech recognition (ASR)": a name, then one parenthesised part ending it (found
    # without a regular expression, so that a long hostile name is read in linear time).
    opening = name.rfind("(")
    if name.endswith(")") and opening > 0:
        outer, inner = name[:opening].strip(), name[opening + 1:-1]
        if outer and inner.strip() and ")" not in inner \
                and (abbreviates(inner, outer) or abbreviates(outer, inner)):
            keys |= {slugify(outer), slugify(inner)}
    keys.discard("")
    return frozenset(keys)


def abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` (one word) is an abbreviation of ``long`` (two words or more) made of
    the starts of its words in order, at least two of them, the first word's among them:
    "ASR" of "Automatic speech recognition", "CoQA" of "Conversational Question Answering
    Challenge"; not "English" of "CoNLL 2003"."""
    letters = "".join(_WORDS.findall(slugify(short)))
    words = _WORDS.findall(slugify(long))
    # An abbreviation's spelt-out form is a few words; the bound keeps a hostile name cheap.
    if " " in short.strip() or not 2 <= len(letters) <= 10 or not 2 <= len(words) <= 20:
        return False

    @functools.cache
    def match(i: int, j: int, used: int) -> bool:
        """``letters[i:]`` from the starts of ``words[j:]``, ``used`` words used so far."""
        if i == len(letters):
            return used >= 2
        for w in range(j, len(words) if used else 1):
            word = words[w]
            for n in range(min(len(word), len(letters) - i), 0, -1):
                if word[:n] == letters[i:i + n] and match(i + n, w + 1, used + 1):
                    return True
        return False

    return match(0, 0, 0)


def undated(model: str) -> str:
    """``"ULMFiT (2018)"`` → ``ulmfit``: :func:`fold` without trailing years and footnote marks.
    Not an identity (two papers' "CNN (2016)" and "CNN" differ): a clue, asked of rows of one
    paper on one board that already agree in every value."""
    return _TRAILING_MARKS.sub("", fold(model))


def identity_of(record: object) -> ResultIdentity | None:
    """:func:`result_identity` of a result record as written in a file; None where its names
    are not all strings (the schema says what is wrong)."""
    if not isinstance(record, dict):
        return None
    task, dataset, model = record.get("task"), record.get("dataset"), record.get("model")
    split = record.get("split")
    if not (isinstance(task, str) and isinstance(dataset, str) and isinstance(model, str)
            and (split is None or isinstance(split, str))):
        return None
    return result_identity(task, dataset, split, model)


#: Addresses that give a paper's identifier away.
ARXIV_URL = re.compile(rf"(?i:arxiv\.org)/(?:abs|pdf|html)/({ARXIV_ID})(?:v[0-9]+)?")
PWC_PAPER_URL = re.compile(rf"paperswithcode\.com/paper/({ID})/?\Z")
OPENREVIEW_URL = re.compile(r"openreview\.net/(?:forum|pdf)\?(?:[^#\s]*&)?id=([A-Za-z0-9_-]+)")


def identifiers_in(url: str) -> dict[str, str]:
    """The identifiers a paper's URL gives away: arXiv, the archive's slug, ACL, DOI."""
    found: dict[str, str] = {}
    if m := ARXIV_URL.search(url):
        found["arxiv"] = m.group(1)
    elif m := PWC_PAPER_URL.search(url):
        found["pwc"] = m.group(1)
    elif m := re.search(r"(?:aclweb\.org/anthology|aclanthology\.org)/"
                        r"([A-Z][0-9]{2}-[0-9]{4}|[0-9]{4}\.[a-z0-9-]+\.[0-9]+)", url):
        found["acl"] = m.group(1)
    elif m := re.search(rf"doi\.org/({DOI})\Z", url):
        found["doi"] = m.group(1)
    elif m := OPENREVIEW_URL.search(url):
        found["openreview"] = m.group(1)
    return found


#: An arXiv id as people write it: with "arXiv:" before it, a version after it (one paper).
ARXIV_WRITTEN = re.compile(rf"^(?:arxiv:)?({ARXIV_ID})(v[0-9]+)?$", re.IGNORECASE)


def arxiv_id_in(text: str) -> str | None:
    """The arXiv id ``text`` writes (``arXiv:2211.05344v1``, an arXiv address), without its
    version; None if it writes none."""
    m = ARXIV_WRITTEN.match(text.strip())
    return m.group(1) if m else identifiers_in(text.strip()).get("arxiv")
