""""Did you mean" suggestions for unknown names: the one place that picks them and words them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How many suggestions at most: one is often the wrong one ("Stock Market Predction" is a
#: near miss of several tasks); more than three is a list to read, not a suggestion.
MOST = 3
#: A further suggestion is offered only when it is about as close as the best one: a far
#: second guess beside a near miss only distracts.
_NEARLY_AS_CLOSE = 0.1


def suggestions(name: str, candidates: Iterable[str], cutoff: float = 0.6,
                most: int = MOST) -> list[str]:
    """The candidates closest to ``name`` (case-insensitive), best first, each close enough."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    wanted = name.casefold()
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    scored: list[tuple[float, str]] = []
    for folded in by_folded:  # as difflib.get_close_matches, keeping the scores
        matcher.set_seq1(folded)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            ratio = matcher.ratio()
            if ratio >= cutoff:
                scored.append((ratio, folded))
    scored.sort(key=lambda s: (-s[0], s[1]))
    if not scored:
        return []
    best = scored[0][0]
    return [by_folded[f] for r, f in scored[:most] if r >= best - _NEARLY_AS_CLOSE]


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``name`` (case-insensitive), if any is close enough."""
    found = suggestions(name, candidates, cutoff, most=1)
    return found[0] if found else None


def phrase(guesses: Iterable[str]) -> str | None:
    """``did you mean 'a', 'b' or 'c'?``; None for no guess."""
    quoted = [f"'{g}'" for g in guesses]
    if not quoted:
        return None
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"did you mean {listed}?"
