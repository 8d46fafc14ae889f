"""Importers: results from where they are published (model-index metafiles, Hugging Face model
cards, CSV tables, the Papers with Code archive) into registry files, through one shared path.

Each format reads its files into :mod:`.records` (names and values as written, with where each
came from); the rest — resolving names, reading values, the unit rule, holders, merging,
writing, the report — is shared.
"""
