"""The Papers with Code archive: importing its five JSON dumps, and exporting back to them.

The modules follow the data:

- :mod:`.dumps` opens a dump (plain or gzipped) and streams its records;
- :mod:`.directions` knows which way is better for metrics met by name;
- :mod:`.convert` turns archive records into registry records, resolving names to ids and
  reading values without guessing; it does no I/O;
- the shared path of every importer (:mod:`pwc_registry.imports`: names, holders, merging
  without overwriting, writing, the report) does the rest;
- :mod:`.importer` runs the whole import;
- :mod:`.export` writes the registry back in the archive's format.
"""
