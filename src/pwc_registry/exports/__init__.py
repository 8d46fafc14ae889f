"""Exports of the registry in formats others read."""
