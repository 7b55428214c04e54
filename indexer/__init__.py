"""Ingest pipeline: extract, clean, structure, enrich, index; each stage a module of pure functions."""

PIPELINE_VERSION = 3  # raise when a stage changes what passages or tags come out (an index then needs a rebuild)
