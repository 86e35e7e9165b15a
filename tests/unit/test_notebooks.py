"""Notebooks stay thin and parameterised: one parameters cell agreeing with PARAMETERS, every
parameter passed through to open_study, no outputs."""

import ast

import nbformat
import pytest

from analysis.params import PARAMETERS
from analysis.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
BUILD_PARAMETERS = {"tables_dir", "figures_dir", "exports_dir"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_agreeing_with_the_definitions(path):
    notebook = nbformat.read(str(path), as_version=4)
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    declared = {node.target.id: ast.literal_eval(node.value) for node in ast.parse(tagged[0].source).body if isinstance(node, ast.AnnAssign)}
    assert BUILD_PARAMETERS <= set(declared) <= set(PARAMETERS) | BUILD_PARAMETERS
    assert {"profile", "data_dir", "sources"} <= set(declared)
    assert {name: value for name, value in declared.items() if name in PARAMETERS} == {name: PARAMETERS[name].default for name in declared if name in PARAMETERS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_parameter_reaches_the_study_not_a_fixed_list(path):
    notebook = nbformat.read(str(path), as_version=4)
    calls = [cell.source for cell in notebook.cells if "open_study(" in cell.source]
    assert len(calls) == 1 and "open_study(globals())" in calls[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs_and_with_a_purpose(path):
    notebook = nbformat.read(str(path), as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in notebook.cells if cell.cell_type == "code")
    assert notebook.cells[0].cell_type == "markdown" and "**Purpose.**" in notebook.cells[0].source


def test_the_order_ends_with_the_briefing():
    assert NOTEBOOKS[-1].name.startswith("90_")
    assert [p.name[:2] for p in NOTEBOOKS] == sorted(p.name[:2] for p in NOTEBOOKS)
