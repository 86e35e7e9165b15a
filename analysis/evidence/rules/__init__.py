"""Extraction rules of sources whose layout is their own: one module per source, named by its
source id, each with ``extract(ctx) -> list[dict]``. A source laid out in a known way needs
none: see :mod:`analysis.evidence.layouts` and data/extraction_rules.yaml."""
