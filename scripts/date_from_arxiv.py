"""Date each paper that has an arXiv id and no date to the month its id names (what `Q008`
asks): ``1512.03385`` → ``date: "2015-12"``. The file is rewritten in the canonical layout with
its comments and number texts kept; a file with any other problem is left alone. A day is never
invented; `pwc import` dates new papers the same way (``dates.month_of_arxiv``).

    python scripts/date_from_arxiv.py [registry]
"""

from __future__ import annotations

import sys
from pathlib import Path

from pwc_registry import canonical, layout, schema, writing
from pwc_registry.dates import month_of_arxiv
from pwc_registry.load import read_rich


def date_papers(registry: Path) -> list[Path]:
    """The paper files dated."""
    files = writing.files_to_rewrite(registry)
    dated: list[Path] = []
    for f in files:
        if f.kind != layout.PAPER:
            continue
        raw = f.read_bytes()
        doc = read_rich(f.name, raw)
        data = doc.data
        if not isinstance(data, dict) or doc.diagnostics or "date" in data:
            continue
        ids = data.get("identifiers")
        arxiv = ids.get("arxiv") if isinstance(ids, dict) else None
        month = month_of_arxiv(arxiv) if isinstance(arxiv, str) else None
        if month is None:
            continue
        comments = canonical.comments_of(raw.decode("utf-8"), doc.positions, doc.key_positions)
        record = {**data, "date": month}
        if not schema.is_valid(layout.PAPER, record):
            continue
        writing.rewrite_file(registry, f.path, canonical.dump(record, layout.PAPER, comments).encode(
            "utf-8"))
        dated.append(Path(f.path))
    return dated


if __name__ == "__main__":
    try:
        done = date_papers(Path(sys.argv[1] if len(sys.argv) > 1 else "registry"))
    except writing.NotWritten as e:
        print(f"refused: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"dated {len(done)} paper{'s' if len(done) != 1 else ''} to the month of their "
          "arXiv id")
