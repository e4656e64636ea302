"""The lock files: every dependency pyproject.toml names (and what its extras bring) is
pinned in them, within pyproject's ranges, so a dependency added without `make lock`
fails here; and `make run` / `make test` install from them."""

import subprocess
import tomllib
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = REPO / "requirements.lock"
TEST_LOCK = REPO / "requirements-test.lock"


def pins(lock: Path) -> dict[str, str]:
    """Package name (canonical) to its pinned version."""
    pinned: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        [specifier] = requirement.specifier  # exactly one clause...
        assert specifier.operator == "==", line  # ...and it is a pin
        pinned[canonicalize_name(requirement.name)] = specifier.version
    return pinned


def declared() -> dict[str, list[Requirement]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return {
        "runtime": [Requirement(line) for line in project["dependencies"]],
        "test": [Requirement(line) for line in project["optional-dependencies"]["test"]],
    }


def brought_by_extras(requirement: Requirement) -> list[Requirement]:
    """What the requirement's extras add, as the installed package declares it."""
    try:
        declared_there = requires(requirement.name) or []
    except PackageNotFoundError:
        return []  # not installed here: only the package itself is checked
    brought = []
    for line in declared_there:
        extra_requirement = Requirement(line)
        marker = extra_requirement.marker
        if marker is None:
            continue
        if any(marker.evaluate({"extra": extra}) for extra in requirement.extras):
            brought.append(extra_requirement)
    return brought


def assert_pinned(requirement: Requirement, lock: Path) -> None:
    pinned = pins(lock)
    name = canonicalize_name(requirement.name)
    assert name in pinned, f"{requirement.name} is not in {lock.name}: run `make lock`"
    assert requirement.specifier.contains(pinned[name], prereleases=True), (
        f"{lock.name} pins {requirement.name}=={pinned[name]}, outside {requirement.specifier}:"
        " run `make lock`"
    )


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, TEST_LOCK], ids=lambda lock: lock.name)
def test_every_runtime_dependency_and_its_extras_are_pinned(lock: Path) -> None:
    for requirement in declared()["runtime"]:
        assert_pinned(requirement, lock)
        for extra_requirement in brought_by_extras(requirement):
            assert_pinned(extra_requirement, lock)


def test_every_test_dependency_is_pinned_in_the_test_lock() -> None:
    for requirement in declared()["test"]:
        assert_pinned(requirement, TEST_LOCK)


def test_the_two_locks_agree_on_what_they_share() -> None:
    runtime, test = pins(RUNTIME_LOCK), pins(TEST_LOCK)
    assert {name: test.get(name) for name in runtime} == runtime


def test_the_set_up_commands_install_from_the_locks(tmp_path: Path) -> None:
    venv = tmp_path / "venv"  # does not exist: make prints the whole install
    dry_run = subprocess.run(
        ["make", "-n", "test", f"VENV={venv}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in dry_run.splitlines() if "pip install" in line]
    assert any("-r requirements.lock" in line for line in installs)
    assert any("-r requirements-test.lock" in line for line in installs)
    project = [line for line in installs if line.rstrip().endswith("-e .")]
    assert project and all("--no-deps" in line for line in project)  # nothing unpinned
