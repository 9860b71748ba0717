"""The package list in pyproject.toml matches the package folders."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "actlab").rglob("__init__.py")
    }
    found.add("actlab.conf")
    assert listed == found


def test_listed_packages_exist():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mapping = config["tool"]["setuptools"]["package-dir"]
    for package in config["tool"]["setuptools"]["packages"]:
        folder = mapping.get(package, package.replace(".", "/"))
        assert (ROOT / folder / "__init__.py").is_file(), package
