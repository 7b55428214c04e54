"""Ingest pipeline: extract, clean, structure, enrich, index; each stage a module of pure functions."""
