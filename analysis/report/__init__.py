"""Report: figures, findings written as sentences from saved tables, HTML and PDF rendering, and the build that runs the notebooks. The last stage: it reads the earlier ones and nothing reads it."""
