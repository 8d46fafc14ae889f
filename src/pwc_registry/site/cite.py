"""How a paper is cited: BibTeX for people, ``citation_*`` meta tags for reference managers
(Zotero, Google Scholar read them: the Highwire Press tags)."""

from __future__ import annotations

import re

from ..registry import Paper, abstract_page, pdf_page

#: LaTeX for each character BibTeX or LaTeX would read otherwise. Braces become commands, not
#: ``\{``: BibTeX counts a brace after a backslash too, so one unbalanced brace in a title
#: ("A} @misc{evil") would still end the field; ``\~`` and ``\^`` are accents, ``\\`` a line
#: break.
_LATEX = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}", "\\": r"\textbackslash{}",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "%": r"\%", "&": r"\&",
          "$": r"\$", "#": r"\#", "_": r"\_"}
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX)) + "]")
#: What a URL or DOI field (read verbatim by biblatex and the url package) may not hold as is.
_VERBATIM_SPECIAL = re.compile(r"[{}\\]")
#: BibTeX splits a list of authors at each " and ".
_AND = re.compile(r"\sand\s", re.IGNORECASE)


def _field(text: str) -> str:
    """Text as a BibTeX field value: its special characters as LaTeX, so a title cannot close
    the field or the entry, and reads as written."""
    return _BIBTEX_SPECIAL.sub(lambda m: _LATEX[m.group()], " ".join(text.split()))


def _verbatim(text: str) -> str:
    """A URL or DOI as a field value: percent-encoded where it could close the field."""
    return _VERBATIM_SPECIAL.sub(lambda m: f"%{ord(m.group()):02X}", text)


def _author(name: str) -> str:
    """One name of the author list. A name holding " and " would split there, and one holding
    a comma would read as "Last, First" ("Bob Smith, Jr." as last name "Bob Smith"): either is
    braced whole, which BibTeX takes as the name as written."""
    field = _field(name)
    return "{" + field + "}" if _AND.search(f" {name} ") or "," in name else field


def bibtex(paper: Paper) -> str | None:
    """The paper's BibTeX entry; None while its title is unknown (an entry without a title
    cites nothing)."""
    if paper.title is None:
        return None
    arxiv = paper.identifiers.get("arxiv")
    fields = [("title", _field(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(_author(a) for a in paper.authors)))
    if paper.date:
        fields.append(("year", paper.date[:4]))
    if paper.venue:
        fields.append(("booktitle" if not arxiv else "note", _field(paper.venue)))
    if arxiv:
        fields += [("eprint", arxiv), ("archivePrefix", "arXiv")]
    if "doi" in paper.identifiers:
        fields.append(("doi", _verbatim(paper.identifiers["doi"])))
    url = abstract_page(paper)
    if url:
        fields.append(("url", _verbatim(url)))
    kind = "inproceedings" if paper.venue and not arxiv else "article" if not arxiv \
        else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
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
    # Scholar and Zotero fetch the PDF: an arXiv paper's is known from its id.
    pdf = pdf_page(paper)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    if paper.links.get("abstract"):
        tags.append(("citation_abstract_html_url", paper.links["abstract"]))
    return tags
