"""How a paper is cited: BibTeX for people, ``citation_*`` meta tags for reference managers
(Zotero, Google Scholar read them: the Highwire Press tags)."""

from __future__ import annotations

import re

from ..registry import Paper

_BIBTEX_SPECIAL = re.compile(r"([{}\\%&$#_^~])")


def _field(text: str) -> str:
    """Text as a BibTeX field value: its special characters escaped, so a title cannot close
    the field or the entry."""
    return _BIBTEX_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def bibtex(paper: Paper) -> str | None:
    """The paper's BibTeX entry; None while its title is unknown (an entry without a title
    cites nothing)."""
    if paper.title is None:
        return None
    arxiv = paper.identifiers.get("arxiv")
    fields = [("title", "{" + _field(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_field(a) for a in paper.authors)))
    if paper.date:
        fields.append(("year", paper.date[:4]))
    if paper.venue:
        fields.append(("booktitle" if not arxiv else "note", _field(paper.venue)))
    if arxiv:
        fields += [("eprint", arxiv), ("archivePrefix", "arXiv")]
    if "doi" in paper.identifiers:
        fields.append(("doi", _field(paper.identifiers["doi"])))
    url = paper.links.get("abstract") or (f"https://arxiv.org/abs/{arxiv}" if arxiv else None)
    if url:
        fields.append(("url", _field(url)))
    kind = "inproceedings" if paper.venue and not arxiv else "article" if not arxiv \
        else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" if not value.startswith("{")
                      else f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{paper.id},\n{body}\n}}"


def meta_tags(paper: Paper) -> list[tuple[str, str]]:
    """``(name, content)`` of the paper's ``citation_*`` meta tags."""
    tags: list[tuple[str, str]] = []
    if paper.title is not None:
        tags.append(("citation_title", paper.title))
    tags += [("citation_author", a) for a in paper.authors]
    if paper.date:
        tags.append(("citation_publication_date", paper.date.replace("-", "/")))
    if paper.venue:
        tags.append(("citation_conference_title", paper.venue))
    if "doi" in paper.identifiers:
        tags.append(("citation_doi", paper.identifiers["doi"]))
    if "arxiv" in paper.identifiers:
        tags.append(("citation_arxiv_id", paper.identifiers["arxiv"]))
    if paper.links.get("pdf"):
        tags.append(("citation_pdf_url", paper.links["pdf"]))
    if paper.links.get("abstract"):
        tags.append(("citation_abstract_html_url", paper.links["abstract"]))
    return tags
