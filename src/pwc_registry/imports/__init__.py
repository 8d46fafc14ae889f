"""Importers: results from where they are published (model-index metafiles, Hugging Face model
cards, CSV tables, the Papers with Code archive) into registry files, through one shared path.

Each format reads its files into :mod:`.records` (names and values as written, with where each
came from) and is listed in :data:`.formats.FORMATS`; the rest is shared:

- :mod:`.resolve` — names → ids through the registry's ids, names and aliases; new ids; papers
  found by identifier then title, sources by id then title;
- :mod:`.holders` — paper drafts and the records they become;
- :mod:`.fields` — text, URLs, dates and values (the one number reader) as the registry holds them;
- :mod:`.units` — the unit rule's judgement on a batch;
- :mod:`.sink` — :class:`.records.Imported` batches through all of it;
- :mod:`.merge` — laying a record over the registry's, never overwriting;
- :mod:`.write` — files written, never through a link, in batches over workers;
- :mod:`.report` — the report every importer writes.

:mod:`.table` reads CSV tables (``pwc import table``); the archive (:mod:`..archive`) runs its own
pipeline over the same parts.
"""
