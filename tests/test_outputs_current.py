"""The committed briefing is not stale: it was built from exactly the current inputs."""

import json

from analysis.report.build import input_hashes, sha256_file
from analysis.paths import NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT


def test_committed_briefing_was_built_from_the_current_inputs():
    manifest_path = OUTPUTS_DIR / "manifest.json"
    assert manifest_path.is_file(), "outputs/manifest.json is missing: run make briefing and commit outputs/"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    current = input_hashes(PROJECT_ROOT / manifest["params_file"], PROJECT_ROOT / manifest["parameters"]["data_dir"], NOTEBOOKS_DIR)
    changed = sorted(path for path in set(current) | set(manifest["inputs"]) if current.get(path) != manifest["inputs"].get(path))
    assert not changed, f"outputs/briefing.* are stale; inputs changed since the build: {changed[:10]} (run make briefing)"
    for relative, digest in manifest["outputs"].items():
        assert (PROJECT_ROOT / relative).is_file(), f"{relative} is missing"
        assert sha256_file(PROJECT_ROOT / relative) == digest, f"{relative} differs from the build that made it"
