"""Which characters registry text may hold that show as nothing: one definition for the
validator (V010), the importers and every output that shows names (the Markdown of a PR
comment or a snapshot). A module of its own, below every other, as all of them use it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

#: Invisible characters, Unicode's category Cf (format): zero-width spaces and joiners, bidi
#: embeddings, overrides and isolates, the soft hyphen, the byte-order mark, tag characters; and
#: the letters and marks Unicode lists as default-ignorable that show as nothing or as a blank
#: (:data:`IGNORABLE_BLANKS`: a model named only U+3164 was a name of nothing). They make two
#: names that look alike differ, or reorder how a line shows. (Listed by hand: deriving it from
#: unicodedata costs a tenth of a second at every start; tests/test_load.py checks it.)
#: The zero-width non-joiner and joiner are spelling between two letters of the scripts that
#: join or form conjuncts (Persian "می‌خواهم", Sinhala "ශ්‍රී"): there they are text
#: (:func:`find_invisible`), and elsewhere ("BE\u200cRT") invisible. Names compare without them
#: either way (:func:`.ids.fold`). The variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF)
#: and Mongolian's free variation selectors are default-ignorable marks that show as nothing.
IGNORABLE_BLANKS = ("\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f"
                    "\uffa0\U000e0100-\U000e01ef")
INVISIBLE = re.compile(
    f"[{IGNORABLE_BLANKS}\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]")
JOINERS = "\u200c\u200d"
#: The blocks of the scripts that join or form conjuncts: Arabic (with Syriac, Thaana, N'Ko and
#: the presentation forms), the Indic scripts through Sinhala, Tibetan, Myanmar, Khmer,
#: Mongolian.
JOINING_SCRIPTS = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x0F00, 0x0FFF), (0x1000, 0x109F),
                   (0x1780, 0x18AF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE))


def _joining_letter(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char).startswith("L") and any(
        low <= code <= high for low, high in JOINING_SCRIPTS)


def joins(text: str, index: int) -> bool:
    """Whether the joiner at ``index`` of ``text`` is spelling: between a letter of a joining
    script (with any marks it carries, a virama) and another letter of one."""
    left = index - 1
    while left >= 0 and unicodedata.category(text[left]).startswith("M") \
            and not INVISIBLE.match(text[left]):
        left -= 1
    return left >= 0 and index + 1 < len(text) and _joining_letter(text[left]) \
        and _joining_letter(text[index + 1])


def invisible_at(text: str) -> Iterator[int]:
    """Where each character a registry string may not hold for being invisible (V010) is: a
    character :data:`INVISIBLE` matches, but a joiner that :func:`joins`."""
    for m in INVISIBLE.finditer(text):
        if m.group() not in JOINERS or not joins(text, m.start()):
            yield m.start()


def find_invisible(text: str) -> int | None:
    """Where the first of :func:`invisible_at` is, or None."""
    return next(invisible_at(text), None)
