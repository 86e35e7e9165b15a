"""The pip and conda routes install the same pinned versions."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def pins(text: str) -> dict[str, str]:
    return {name.lower(): version for name, version in re.findall(r"([A-Za-z0-9_.-]+)==([0-9][^\s\"',]*)", text)}


def test_environment_yml_pins_the_same_direct_dependencies_as_pyproject():
    direct = pins((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = pins("\n".join(item for item in environment["dependencies"] if isinstance(item, str)))
    assert "conda-forge" in environment["channels"]
    assert conda == direct


def test_lock_file_agrees_with_every_direct_pin():
    direct = pins((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    locked = pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    normalise = lambda name: re.sub(r"[-_.]+", "-", name)
    locked = {normalise(name): version for name, version in locked.items()}
    assert {normalise(n): v for n, v in direct.items()}.items() <= locked.items()
