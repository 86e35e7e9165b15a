"""The command line: unknown options are errors, and every command's --help lists its options."""

from __future__ import annotations

import pytest

from analysis.cli import DELEGATED, main, parser


def exit_code_and_output(capsys, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    captured = capsys.readouterr()
    return stopped.value.code, captured.out + captured.err


@pytest.mark.parametrize("argv, named", [
    (("build", "--parms", "params/smoke.yaml"), "--parms"),
    (("--parms", "params/smoke.yaml", "build"), "invalid choice"),
    (("validate", "--data-dri", "data"), "--data-dri"),
    (("extract", "--chek"), "--chek"),
    (("benchmark", "--repeats", "1"), "--repeats"),
    (("buld",), "invalid choice: 'buld'"),
    ((), "required: command"),
])
def test_an_unknown_option_or_command_is_an_error_naming_it(capsys, argv, named):
    code, output = exit_code_and_output(capsys, *argv)
    assert code == 2
    assert named in output
    assert "Traceback" not in output


@pytest.mark.parametrize("argv, options", [
    (("--help",), [*DELEGATED, "build"]),
    (("build", "--help"), ["--params", "--outputs-dir", "--figures-dir"]),
    (("validate", "--help"), ["--data-dir"]),
    (("extract", "--help"), ["--data-dir", "--check"]),
    (("qda", "--help"), ["export", "import"]),
    (("benchmark", "--help"), ["--params", "--repeat"]),
])
def test_every_command_help_lists_its_options(capsys, argv, options):
    code, output = exit_code_and_output(capsys, *argv)
    assert code == 0
    assert all(option in output for option in options), output


def test_every_command_is_listed_once():
    listed = parser()._subparsers._group_actions[0].choices
    assert list(listed) == ["build", *DELEGATED]
