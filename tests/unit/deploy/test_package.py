"""Packaging: contents, determinism, content-hash keys, the dependency cache, pip's flags."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from datalake.deploy import package
from infra_gen.config import GLUE_DEPENDENCY_WHEELS


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small repository shaped like this one."""
    root = tmp_path / "repo"
    (root / "src" / "datalake" / "events").mkdir(parents=True)
    (root / "src" / "datalake" / "__init__.py").write_text('"""pkg"""\n')
    (root / "src" / "datalake" / "events" / "__init__.py").write_text("X = 1\n")
    (root / "src" / "datalake" / "events" / "__pycache__").mkdir()
    (root / "src" / "datalake" / "events" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"0")
    for fn in ("ingestion", "validation"):
        (root / "lambdas" / fn).mkdir(parents=True)
        handler = f"def handler(e, c):\n    return '{fn}'\n"
        (root / "lambdas" / fn / "handler.py").write_text(handler)
    (root / "glue_jobs").mkdir()
    for job in ("raw_to_processed", "processed_to_curated"):
        (root / "glue_jobs" / f"{job}.py").write_text(f"# {job}\n")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "datalake"\nversion = "1.2.3"\n'
        'dependencies = ["boto3==1.44.8", "jsonschema==4.26.0"]\n'
    )
    return root


class FakeInstaller:
    """Stands in for pip: writes one module and a bin/ script per requirement."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, requirements: list[str], target: Path) -> None:
        self.calls.append(list(requirements))
        for req in requirements:
            name = req.split("==")[0]
            (target / name).mkdir(parents=True)
            (target / name / "__init__.py").write_text(f"NAME = {name!r}\n")
        (target / "bin").mkdir()
        (target / "bin" / "tool").write_text("#!/bin/sh\n")


class FakeDownloader:
    """Stands in for `pip download`: writes the locked wheel file each pin resolves to."""

    def __init__(self, skip: str = "") -> None:
        self.calls: list[list[str]] = []
        self.skip = skip

    def __call__(self, requirements: list[str], dest: Path) -> None:
        self.calls.append(list(requirements))
        for req in requirements:
            name = next(w for w in GLUE_DEPENDENCY_WHEELS if package.wheel_requirement(w) == req)
            if name != self.skip:
                (dest / name).write_bytes(b"wheel " + name.encode())


def _build(repo: Path, out: str, installer=None, downloader=None) -> package.Artifacts:
    return package.package_all(
        root=repo,
        out_dir=repo / out,
        cache_dir=repo / ".cache",
        installer=installer or FakeInstaller(),
        downloader=downloader or FakeDownloader(),
    )


def test_read_project_drops_what_the_runtimes_provide(repo):
    assert package.read_project(repo) == ("1.2.3", ["jsonschema==4.26.0"])


def test_lambda_zip_holds_handler_package_and_dependencies(repo):
    artifacts = _build(repo, "out")
    names = zipfile.ZipFile(artifacts.get("ingestion").path).namelist()
    assert "handler.py" in names
    assert "datalake/__init__.py" in names and "datalake/events/__init__.py" in names
    assert "jsonschema/__init__.py" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any(n.startswith("bin/") or n == ".complete" for n in names)
    assert "boto3/__init__.py" not in names
    assert names == sorted(names)


def test_zip_entries_have_fixed_times_and_modes(repo):
    artifacts = _build(repo, "out")
    for info in zipfile.ZipFile(artifacts.get("validation").path).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr == 0o644 << 16


def test_same_sources_give_identical_bytes_and_keys(repo):
    first = _build(repo, "out1")
    second = _build(repo, "out2")
    for a, b in zip(first.items, second.items, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), a.name
        assert a.key == b.key


def test_a_code_change_changes_only_the_affected_keys(repo):
    before = _build(repo, "out1").parameters
    (repo / "lambdas" / "ingestion" / "handler.py").write_text("def handler(e, c):\n    pass\n")
    after = _build(repo, "out2").parameters
    assert after["IngestionCodeKey"] != before["IngestionCodeKey"]
    assert after["ValidationCodeKey"] == before["ValidationCodeKey"]
    assert after["PackageWheelKey"] == before["PackageWheelKey"]


def test_keys_and_parameters(repo):
    artifacts = _build(repo, "out")
    params = artifacts.parameters
    assert set(params) == {
        "IngestionCodeKey",
        "ValidationCodeKey",
        "PackageWheelKey",
        "RawToProcessedScriptKey",
        "ProcessedToCuratedScriptKey",
    }
    ingestion = artifacts.get("ingestion")
    assert params["IngestionCodeKey"] == f"lambda/ingestion-{ingestion.sha256[:16]}.zip"
    assert params["PackageWheelKey"].endswith("/datalake-1.2.3-py3-none-any.whl")
    assert params["RawToProcessedScriptKey"].startswith("glue/raw_to_processed-")
    assert artifacts.get("raw_to_processed").path.read_text() == "# raw_to_processed\n"
    with pytest.raises(KeyError, match="no artifact named 'nope'"):
        artifacts.get("nope")


def test_wheel_is_a_valid_pure_wheel_of_datalake_only(repo):
    import base64
    import hashlib

    wheel = zipfile.ZipFile(_build(repo, "out").get("wheel").path)
    names = wheel.namelist()
    assert all(n.startswith(("datalake/", "datalake-1.2.3.dist-info/")) for n in names)
    metadata = wheel.read("datalake-1.2.3.dist-info/METADATA").decode()
    assert "Requires-Dist: jsonschema==4.26.0" in metadata and "boto3" not in metadata
    assert "Tag: py3-none-any" in wheel.read("datalake-1.2.3.dist-info/WHEEL").decode()
    record = wheel.read("datalake-1.2.3.dist-info/RECORD").decode().splitlines()
    rows = {line.split(",")[0]: line.split(",")[1:] for line in record}
    assert set(rows) == set(names)
    data = wheel.read("datalake/events/__init__.py")
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert rows["datalake/events/__init__.py"] == [f"sha256={digest}", str(len(data))]


def test_dependencies_are_built_once_per_requirement_set(repo):
    installer = FakeInstaller()
    _build(repo, "out1", installer)
    _build(repo, "out2", installer)
    assert installer.calls == [["jsonschema==4.26.0"]]
    cached = list((repo / ".cache" / "lambda-deps").iterdir())
    assert [p.name for p in cached] == [package.requirements_hash(["jsonschema==4.26.0"])]


def test_a_failed_install_leaves_no_cache(repo):
    def broken(requirements, target):
        (target / "half").mkdir()
        raise RuntimeError("pip failed")

    with pytest.raises(RuntimeError, match="pip failed"):
        _build(repo, "out", broken)
    assert list((repo / ".cache" / "lambda-deps").iterdir()) == []


def test_missing_handler_is_named(repo):
    (repo / "lambdas" / "validation" / "handler.py").unlink()
    with pytest.raises(FileNotFoundError, match="validation.*handler.py"):
        _build(repo, "out")


def test_pip_is_asked_for_lambda_platform_binaries(monkeypatch, tmp_path):
    seen = {}

    class Done:
        returncode = 0
        stdout = stderr = ""

    def fake_run(command, **kwargs):
        seen["command"] = command
        return Done()

    monkeypatch.setattr(package.subprocess, "run", fake_run)
    package.pip_install_for_lambda(["jsonschema==4.26.0"], tmp_path)
    command = seen["command"]
    for flag, value in (
        ("--platform", "manylinux2014_x86_64"),
        ("--implementation", "cp"),
        ("--python-version", "3.11"),
        ("--target", str(tmp_path)),
    ):
        assert command[command.index(flag) + 1] == value
    assert "--only-binary=:all:" in command and command[-1] == "jsonschema==4.26.0"


def test_pip_failure_is_reported(monkeypatch, tmp_path):
    class Failed:
        returncode = 1
        stdout = ""
        stderr = "ERROR: No matching distribution found for nothing==0"

    monkeypatch.setattr(package.subprocess, "run", lambda *a, **k: Failed())
    with pytest.raises(RuntimeError, match="No matching distribution"):
        package.pip_install_for_lambda(["nothing==0"], tmp_path)


def test_duplicate_zip_entries_are_refused(tmp_path):
    with pytest.raises(ValueError, match="duplicate entry 'a.py'"):
        package.write_zip(tmp_path / "x.zip", [("a.py", b"1"), ("a.py", b"2")])


def test_glue_dependency_wheels_are_packaged_under_fixed_keys(repo):
    downloader = FakeDownloader()
    artifacts = _build(repo, "out", downloader=downloader)
    assert [a.key for a in artifacts.glue_wheels] == [
        "packages/glue-deps/attrs-26.1.0-py3-none-any.whl",
        "packages/glue-deps/jsonschema-4.26.0-py3-none-any.whl",
        "packages/glue-deps/jsonschema_specifications-2025.9.1-py3-none-any.whl",
        "packages/glue-deps/referencing-0.37.0-py3-none-any.whl",
        "packages/glue-deps/rpds_py-2026.9.1-cp311-cp311-manylinux_2_17_x86_64"
        ".manylinux2014_x86_64.whl",
        "packages/glue-deps/typing_extensions-4.16.0-py3-none-any.whl",
    ]
    assert downloader.calls == [[
        "attrs==26.1.0", "jsonschema==4.26.0", "jsonschema_specifications==2025.9.1",
        "referencing==0.37.0", "rpds_py==2026.9.1", "typing_extensions==4.16.0",
    ]]
    # Not template parameters: the template names these keys itself.
    assert not any(key.startswith("packages/glue-deps/") for key in artifacts.parameters.values())
    again = FakeDownloader()
    _build(repo, "out2", downloader=again)
    assert again.calls == []  # cached


def test_a_download_that_misses_a_locked_wheel_is_an_error(repo):
    with pytest.raises(RuntimeError, match="update infra_gen.config.GLUE_DEPENDENCY_WHEELS"):
        _build(repo, "out", downloader=FakeDownloader(skip=GLUE_DEPENDENCY_WHEELS[0]))


def test_pip_download_asks_for_glue_5_wheels_without_dependencies(monkeypatch, tmp_path):
    seen = {}

    def fake_run(command, **kwargs):
        seen["command"] = command
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(package.subprocess, "run", fake_run)
    package.pip_download_for_glue(["rpds_py==2026.9.1"], tmp_path)
    command = seen["command"]
    assert command[command.index("--platform") + 1] == "manylinux2014_x86_64"
    assert command[command.index("--python-version") + 1] == "3.11"
    assert "--no-deps" in command and "--only-binary=:all:" in command
    assert command[-1] == "rpds_py==2026.9.1"


def test_locked_glue_wheels_match_the_pins_and_this_environment():
    """The lock follows pyproject's jsonschema pin and the versions the venv (decision 001)
    resolved, so Glue runs what the tests ran."""
    from importlib.metadata import version

    locked = dict(package.wheel_requirement(w).split("==") for w in GLUE_DEPENDENCY_WHEELS)
    _, requirements = package.read_project(package.repo_root())
    assert f"jsonschema=={locked['jsonschema']}" in requirements
    for distribution, pinned in locked.items():
        assert version(distribution.replace("_", "-")) == pinned, distribution
