"""Exports: the registry in the formats other tools read.

:data:`EXPORTS` is the one list of them: each name (as in ``pwc export NAME``) maps to the
module that writes it. An export module has a ``COMMAND`` (what its output folder's marker
says, :mod:`..outputs`) and writes into a folder it makes or owns.
"""

from __future__ import annotations

#: ``pwc export NAME`` → the module that writes it.
EXPORTS: dict[str, str] = {
    "results": "pwc_registry.exports.results",
    "pwc-archive": "pwc_registry.archive.export",
    "model-index": "pwc_registry.exports.model_card",
    "hf": "pwc_registry.exports.model_card",
}
