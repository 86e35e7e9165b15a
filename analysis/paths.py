"""Where the project's folders are."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
FIGURES_DIR = PROJECT_ROOT / "figures"
PARAMS_DIR = PROJECT_ROOT / "params"
TEMPLATES_DIR = Path(__file__).resolve().parent / "report" / "templates"
CITATION_CFF = PROJECT_ROOT / "CITATION.cff"  # who made it, its licence and how to cite it
SUGGESTIONS_DIR = "suggestions"  # inside a data folder: suggested codes, never read by the analysis


def display_path(path: Path) -> str:
    """A path relative to the project root when it lies inside it, for messages."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
