"""Small helpers several test modules share."""

from pathlib import Path

import pandas as pd


def declare_coder(data: Path, coder: str, description: str) -> None:
    """Declare a coder in a data folder's vocabulary, as the README asks before a coder's rows are added."""
    path = data / "vocabulary.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n  - id: {coder}\n    description: {description}\n", encoding="utf-8")


TESTABLE = 5  # a code is tested for reliability once this many sampled contributions carry it


def with_twelve_themes(fixture: Path, target: Path) -> Path:
    """A copy of the fixture data whose codebook has twelve themes (and the not-codable one): each of
    its codes heads a theme of its own, and so does a twin of each code, carried wherever the code
    is. Every coder codes alike, and a code carried by too few sampled contributions to be tested
    is added to more of them, so every theme is tested and counted."""
    import shutil

    import pandas as pd
    import yaml

    shutil.copytree(fixture, target)
    codebook = yaml.safe_load((target / "codebook.yaml").read_text(encoding="utf-8"))
    coding = pd.read_csv(target / "coding.csv", dtype=str, keep_default_na=False)
    sample = pd.read_csv(target / "reliability" / "sample.csv", dtype=str)["contribution_id"]
    codable = sorted(set(sample) - set(coding.loc[coding["code_id"] == "not_codable", "contribution_id"]))
    coders = coding["coder"].unique()
    themes, codes = [theme for theme in codebook["themes"] if theme["id"] == "none"], []
    for code in codebook["codes"]:
        if code["theme"] == "none":
            codes.append(code)
            continue
        carrying = set(coding.loc[coding["code_id"] == code["id"], "contribution_id"])
        more = [cid for cid in codable if cid not in carrying][:max(0, TESTABLE - len(carrying & set(sample)))]
        added = pd.DataFrame([{"contribution_id": cid, "code_id": code["id"], "coder": coder, "memo": ""}
                              for cid in more for coder in coders])
        coding = pd.concat([coding, added], ignore_index=True)
        twin = {**code, "id": f"{code['id']}_twin", "label": f"{code['label']}, again"}
        coding = pd.concat([coding, coding[coding["code_id"] == code["id"]].assign(code_id=twin["id"])], ignore_index=True)
        for entry in (code, twin):
            themes.append({"id": f"{entry['id']}_theme", "label": entry["label"], "description": f"The code {entry['label']}."})
            codes.append({**entry, "theme": f"{entry['id']}_theme"})
    text = yaml.safe_dump({**codebook, "themes": themes, "codes": codes}, sort_keys=False)
    for path in (target / "codebook.yaml", target / "reliability" / "codebook_as_given.yaml"):  # tested as it stands
        path.write_text(text, encoding="utf-8")
    coding.to_csv(target / "coding.csv", index=False, lineterminator="\n")
    return target


def read_table(path: Path) -> pd.DataFrame:
    """A CSV file (a data file or an export) as text columns, empty cells as empty strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)
