"""The pip and conda routes install the same pinned versions; building installs no test tool."""

import re
import tomllib

import yaml

from analysis.paths import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins(text: str) -> dict[str, str]:
    return {normalise(name): version for name, version in re.findall(r"([A-Za-z0-9_.-]+)==([0-9][^\s\"',]*)", text)}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(name: str) -> dict[str, str]:
    return pins((PROJECT_ROOT / name).read_text(encoding="utf-8"))


RUNTIME = pins("\n".join(PYPROJECT["dependencies"]))
EXTRAS = pins("\n".join(requirement for group in PYPROJECT["optional-dependencies"].values() for requirement in group))


def test_environment_yml_pins_the_same_direct_dependencies_as_pyproject():
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = pins("\n".join(item for item in environment["dependencies"] if isinstance(item, str)))
    assert "conda-forge" in environment["channels"]
    assert conda == RUNTIME | EXTRAS


def test_the_runtime_lock_agrees_with_every_runtime_pin_and_holds_no_test_or_dev_tool():
    runtime = locked("requirements.lock")
    assert RUNTIME.items() <= runtime.items()
    assert not set(EXTRAS) & set(runtime), "a test or dev tool is installed by make briefing"
    assert {"pytest", "playwright", "jupyterlab"}.isdisjoint(runtime)


def test_the_dev_lock_agrees_with_every_extra_pin_and_adds_only_what_the_runtime_lock_lacks():
    dev = locked("requirements-dev.lock")
    assert EXTRAS.items() <= dev.items()
    assert not set(dev) & set(locked("requirements.lock"))
