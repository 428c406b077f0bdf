"""The layer contract in pyproject.toml ([tool.importlinter]), as `make lint` runs it: the code
keeps to it, and a lower layer importing a higher one breaks it."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    # Run from the project directory: import-linter imports the packages it finds there first.
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_code_keeps_to_the_layers():
    result = lint_imports(Path(settings.BASE_DIR))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Layers KEPT" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    project = Path(settings.BASE_DIR)
    shutil.copy(project / "pyproject.toml", tmp_path)
    config = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["importlinter"]
    for package in config["root_packages"]:
        shutil.copytree(
            project / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    selectors = tmp_path / "buurt" / "selectors.py"
    selectors.write_text(selectors.read_text() + "\nfrom accounts import policy  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "buurt is not allowed to import accounts" in result.stdout
    assert "buurt.selectors -> accounts.policy" in result.stdout
