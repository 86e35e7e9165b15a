"""Small helpers several test modules share."""

from pathlib import Path


def declare_coder(data: Path, coder: str, description: str) -> None:
    """Declare a coder in a data folder's vocabulary, as the README asks before a coder's rows are added."""
    path = data / "vocabulary.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n  - id: {coder}\n    description: {description}\n", encoding="utf-8")
