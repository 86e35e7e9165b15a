"""Shared fixtures: the smoke build (params/smoke.yaml, fixture data) is made once per session."""

import pytest

from analysis.build import BuildLayout, build
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT


@pytest.fixture(scope="session")
def smoke_build(tmp_path_factory) -> BuildLayout:
    root = tmp_path_factory.mktemp("smoke")
    layout = BuildLayout(notebooks_dir=NOTEBOOKS_DIR, outputs_dir=root / "outputs", figures_dir=root / "figures")
    build(PROJECT_ROOT / "params" / "smoke.yaml", layout=layout, echo=lambda _: None)
    return layout
