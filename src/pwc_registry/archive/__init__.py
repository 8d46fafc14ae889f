"""The Papers with Code archive: importing its five dumps, and exporting back to them.

The modules follow the data:

- :mod:`.discover` tells which dump a file or folder holds (the archive's names, dated copies,
  Hugging Face's ``pwc-archive`` datasets and their shards);
- :mod:`.dumps` opens a dump (JSON or JSON Lines, plain or gzipped) and streams its records,
  and says what a file is when it is no dump; :mod:`.parquet` streams a Parquet dump's rows as
  the same records;
- :mod:`.directions` knows which way is better for metrics met by name;
- :mod:`.convert` turns archive records into registry records, resolving names to ids and
  reading values without guessing; it does no I/O;
- the shared path of every importer (:mod:`pwc_registry.imports`: names, holders, merging
  without overwriting, writing, the report) does the rest;
- :mod:`.importer` runs the whole import;
- :mod:`.export` writes the registry back in the archive's format.
"""
