"""The committed briefing is not stale: built from the default profile and exactly the current inputs."""

import json

from analysis.params import load_profile
from analysis.report.build import DEFAULT_PARAMS, input_hashes, sha256_file
from analysis.paths import NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT


def test_committed_briefing_was_built_from_the_current_inputs():
    manifest_path = OUTPUTS_DIR / "manifest.json"
    assert manifest_path.is_file(), "outputs/manifest.json is missing: run make briefing and commit outputs/"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["params_file"] == "params/default.yaml", (
        f"outputs/ was built from {manifest['params_file']}, not the default profile (run make briefing)"
    )
    assert manifest["parameters"] == load_profile(DEFAULT_PARAMS), "outputs/ was built with other parameters (run make briefing)"
    assert not manifest["git_dirty"], "outputs/ was built with uncommitted changes to its inputs: commit them, then run make briefing"
    current = input_hashes(DEFAULT_PARAMS, PROJECT_ROOT / manifest["parameters"]["data_dir"], NOTEBOOKS_DIR)
    changed = sorted(path for path in set(current) | set(manifest["inputs"]) if current.get(path) != manifest["inputs"].get(path))
    assert not changed, f"outputs/briefing.* are stale; inputs changed since the build: {changed[:10]} (run make briefing)"
    for relative, digest in manifest["outputs"].items():
        assert (PROJECT_ROOT / relative).is_file(), f"{relative} is missing"
        assert sha256_file(PROJECT_ROOT / relative) == digest, f"{relative} differs from the build that made it"
