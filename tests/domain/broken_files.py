"""The runner the loaders' tests share: one broken file per refusal, refused at the offending line.

A test module lists REFUSALS as (file, line, part of the message) and gives a `problems_of(data, name)`
that returns the loader's problems for a refused file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assessment.domain import yaml_nodes

LOADERS = ["libyaml", "pure-python"]


def use_loader(loader: str, monkeypatch) -> None:
    """Read YAML with libyaml (skipped when PyYAML lacks it) or the pure-Python loader."""
    if loader == "pure-python":
        monkeypatch.setattr(yaml_nodes, "Loader", yaml_nodes._BoundedSafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")


def assert_refused_at(problems, name: str, line: int, fragment: str) -> None:
    """Exactly one problem, located `name:line:`, its message holding `fragment`."""
    assert [(problem.file, problem.line) for problem in problems] == [(name, line)]
    assert fragment in problems[0].message
    assert str(problems[0]).startswith(f"{name}:{line}: ")


def assert_every_file_listed(folder: Path, refusals) -> None:
    """Each broken file of `folder` has its row in the table, and each row its file."""
    assert sorted(path.name for path in folder.glob("*.yaml")) == sorted(name for name, _line, _fragment in refusals)


def refusal_tests(folder: Path, refusals, problems_of):
    """The two tests of a folder of broken files: each refused at its line (with both YAML loaders), all listed.

    test_it_refuses_each_bad_file_at_the_offending_line, test_every_bad_file_is_in_the_table = refusal_tests(...)
    """

    @pytest.mark.parametrize("loader", LOADERS)
    @pytest.mark.parametrize("name, line, fragment", refusals)
    def refused_at_the_offending_line(name, line, fragment, loader, monkeypatch):
        use_loader(loader, monkeypatch)

        problems = problems_of((folder / name).read_bytes(), name)

        assert_refused_at(problems, name, line, fragment)

    def every_file_listed():
        assert_every_file_listed(folder, refusals)

    return refused_at_the_offending_line, every_file_listed
