"""Shared fixtures: the smoke build (params/smoke.yaml, fixture data) is made once per session."""

import shutil
from pathlib import Path

import pytest

from analysis.report.build import BuildLayout, build
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT


@pytest.fixture(scope="session")
def smoke_build(tmp_path_factory) -> BuildLayout:
    root = tmp_path_factory.mktemp("smoke")
    layout = BuildLayout(notebooks_dir=NOTEBOOKS_DIR, outputs_dir=root / "outputs", figures_dir=root / "figures")
    build(PROJECT_ROOT / "params" / "smoke.yaml", layout=layout, echo=lambda _: None)
    return layout


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the evidence files (vocabulary, sources, groups, contributions, repairs) to break."""
    target = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "sources", target / "sources")
    for name in ("vocabulary.yaml", "groups.yaml", "contributions.csv", "extraction_repairs.yaml", "extraction_rules.yaml"):
        shutil.copy(PROJECT_ROOT / "data" / name, target / name)
    return target
