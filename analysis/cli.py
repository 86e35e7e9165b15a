"""The project's command line: python -m analysis <command>.

Every option is checked: an unknown one is an error, never ignored. ``build`` is parsed here;
the other commands parse their own options (``python -m analysis <command> --help`` lists them).
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module


#: Commands whose own module parses their options: name -> (module, one-line help).
DELEGATED: dict[str, tuple[str, str]] = {
    "validate": ("analysis.evidence.validate", "check every data file; one line per problem"),
    "extract": ("analysis.evidence.extraction", "rebuild data/contributions.csv from the source texts (--check: compare only)"),
    "qda": ("analysis.exchange.qda_command", "REFI-QDA exchange: export, import a .qdpx or .qdc from a QDA program, merge its coding"),
    "reliability": ("analysis.coding.blind_test", "a blind reliability test: write a packet for a new coder, import the answers"),
    "suggest": ("analysis.coding.suggest_command", "rank likely codes for uncoded statements, apart from the coding, "
                "for a person to review (evaluate: leave-one-source-out accuracy; accept: the reviewed CSV into coding.csv)"),
    "benchmark": ("benchmarks.benchmark", "time the build against the naive chain of command-line tools "
                  "(--scale: time each analysis step on synthetic data of 10^3 to 10^6 contributions, "
                  "--scale --build: the whole build on it; "
                  "--suggest: time training and suggesting codes for 1,000 statements)"),
}


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n\n")[0])
    sub = commands.add_subparsers(dest="command", required=True, metavar="command")
    build = sub.add_parser("build", help="run every notebook and write the briefing (HTML and PDF)",
                           description="Run every notebook with a run profile and write the briefing (HTML and PDF).")
    build.add_argument("--params", default="params/default.yaml", help="run profile (YAML; default: %(default)s)")
    build.add_argument("--outputs-dir", default=None, help="write outputs here instead of the profile's own folder")
    build.add_argument("--figures-dir", default=None, help="write figures here instead of the profile's own folder")
    for name, (_, help_line) in DELEGATED.items():
        sub.add_parser(name, help=f"{help_line} (options: python -m analysis {name} --help)", add_help=False)
    return commands


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["benchmark"] and "--scale" in argv and "--build" in argv:
        from benchmarks.scale_build import main as scale_build_main

        return scale_build_main([arg for arg in argv[1:] if arg not in ("--scale", "--build")])
    if argv[:1] == ["benchmark"] and "--scale" in argv:
        from benchmarks.scale_benchmark import main as scale_main

        return scale_main([arg for arg in argv[1:] if arg != "--scale"])
    if argv[:1] == ["benchmark"] and "--suggest" in argv:
        from benchmarks.suggest_benchmark import main as suggest_main

        return suggest_main([arg for arg in argv[1:] if arg != "--suggest"])
    if argv and argv[0] in DELEGATED:
        if argv[0] == "validate":
            import analysis.coding.checks  # noqa: F401  (registers the codebook and coding checks)
        return import_module(DELEGATED[argv[0]][0]).main(argv[1:])
    args = parser().parse_args(argv)
    from analysis.report.build import main as build_main

    return build_main(args.params, outputs_dir=args.outputs_dir, figures_dir=args.figures_dir)
