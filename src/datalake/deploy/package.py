"""Packaging: the deployable files built from this repository, deterministically.

- one Lambda zip per function: its `lambdas/<name>/` files at the root, the `datalake` package,
  and the runtime dependencies (jsonschema and its compiled deps) built for Lambda's platform
  (manylinux2014 x86_64, CPython 3.11) — cached under .cache/ by a hash of the requirements;
- a pure wheel of `src/datalake` for the Glue jobs (`--extra-py-files`);
- the wheels of its dependencies for Glue 5.x (`infra_gen.config.GLUE_DEPENDENCY_WHEELS`,
  from `pip download`, cached under .cache/glue-wheels/), which the jobs install with
  `--no-index` instead of reaching PyPI (decision 131);
- the Glue scripts `glue_jobs/<job>.py`.

Each file's S3 key holds a hash of its content, so a code change changes a template parameter
and CloudFormation updates the function or job; the same sources give byte-identical files.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from infra_gen.config import GLUE_DEPENDENCY_PREFIX, GLUE_DEPENDENCY_WHEELS

_logger = logging.getLogger(__name__)

LAMBDA_PLATFORM = ("manylinux2014_x86_64", "cp", "3.11")
# AWS Glue 5.x runs CPython 3.11 on x86_64 Linux: the same wheels as Lambda's.
GLUE_PLATFORM = LAMBDA_PLATFORM
LAMBDA_FUNCTIONS = {"ingestion": "IngestionCodeKey", "validation": "ValidationCodeKey"}
GLUE_SCRIPTS = {
    "raw_to_processed": "RawToProcessedScriptKey",
    "processed_to_curated": "ProcessedToCuratedScriptKey",
}
WHEEL_PARAMETER = "PackageWheelKey"
# Provided by both the Lambda and the Glue runtimes; never bundled.
RUNTIME_PROVIDED = {
    "boto3",
    "botocore",
    "s3transfer",
    "urllib3",
    "jmespath",
    "python-dateutil",
    "six",
}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_EXCLUDED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}
_EXCLUDED_SUFFIXES = {".pyc", ".pyo"}

DepsInstaller = Callable[[list[str], Path], None]
WheelDownloader = Callable[[list[str], Path], None]


@dataclass(frozen=True)
class Artifact:
    """One built file: where it is, the S3 key it goes to, the parameter that names the key."""

    name: str
    path: Path
    key: str
    parameter: str
    sha256: str


@dataclass(frozen=True)
class Artifacts:
    """Everything `package_all` built."""

    items: tuple[Artifact, ...]

    @property
    def parameters(self) -> dict[str, str]:
        """Template parameters implied by the artifacts (without ArtifactsBucketName); the
        dependency wheels have fixed keys that the template names itself."""
        return {a.parameter: a.key for a in self.items if a.parameter}

    @property
    def glue_wheels(self) -> list[Artifact]:
        """The Glue jobs' dependency wheels, in GLUE_DEPENDENCY_WHEELS order."""
        return [a for a in self.items if a.key.startswith(GLUE_DEPENDENCY_PREFIX)]

    def get(self, name: str) -> Artifact:
        for artifact in self.items:
            if artifact.name == name:
                return artifact
        raise KeyError(f"no artifact named {name!r}; built: {[a.name for a in self.items]}")


def repo_root() -> Path:
    """The repository holding this package (src layout)."""
    return Path(__file__).resolve().parents[3]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_project(root: Path) -> tuple[str, list[str]]:
    """(version, runtime requirements) from pyproject.toml, minus what the runtimes provide."""
    import tomllib

    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    requirements = [
        req
        for req in project.get("dependencies", [])
        if _requirement_name(req) not in RUNTIME_PROVIDED
    ]
    return project["version"], sorted(requirements)


def _requirement_name(requirement: str) -> str:
    name = requirement
    for sep in ("==", ">=", "<=", "~=", "!=", ">", "<", "[", ";", " "):
        name = name.split(sep)[0]
    return name.strip().lower().replace("_", "-")


def iter_files(directory: Path) -> list[tuple[str, Path]]:
    """(archive name relative to `directory`, path) of every packaged file, sorted."""
    found = []
    for path in directory.rglob("*"):
        rel = path.relative_to(directory)
        if path.is_dir() or _EXCLUDED_PARTS & set(rel.parts) or path.suffix in _EXCLUDED_SUFFIXES:
            continue
        found.append((rel.as_posix(), path))
    return sorted(found)


def write_zip(out: Path, entries: Iterable[tuple[str, bytes]]) -> Path:
    """A zip whose bytes depend only on the entries: sorted names, fixed times and modes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(entries, key=lambda e: e[0]):
            if name in seen:
                raise ValueError(f"duplicate entry {name!r} in {out.name}")
            seen.add(name)
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever the building machine
            archive.writestr(info, data)
    return out


def _tree_entries(directory: Path, prefix: str = "") -> list[tuple[str, bytes]]:
    return [(prefix + name, path.read_bytes()) for name, path in iter_files(directory)]


def requirements_hash(requirements: list[str]) -> str:
    """Cache key of a dependency set built for Lambda's platform."""
    text = "\n".join([*LAMBDA_PLATFORM, *sorted(requirements)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def pip_install_for_lambda(requirements: list[str], target: Path) -> None:
    """Install `requirements` as binary wheels for Lambda's platform into `target`."""
    platform, implementation, version = LAMBDA_PLATFORM
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--platform",
        platform,
        "--implementation",
        implementation,
        "--python-version",
        version,
        "--only-binary=:all:",
        "--no-compile",
        "--target",
        str(target),
        *requirements,
    ]
    _logger.info("installing Lambda dependencies: %s", " ".join(requirements))
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(
            f"pip could not build the Lambda dependencies {requirements}: "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )


def lambda_dependencies(
    requirements: list[str], cache_dir: Path, installer: DepsInstaller = pip_install_for_lambda
) -> Path:
    """The directory holding `requirements` built for Lambda, from the cache when present."""
    target = cache_dir / "lambda-deps" / requirements_hash(requirements)
    if (target / ".complete").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="deps-", dir=target.parent))
    try:
        if requirements:
            installer(requirements, staging)
        (staging / ".complete").write_text("\n".join(requirements) + "\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _dependency_entries(deps_dir: Path) -> list[tuple[str, bytes]]:
    return [
        (name, path.read_bytes())
        for name, path in iter_files(deps_dir)
        if name != ".complete" and not name.startswith("bin/")
    ]


def build_lambda_zip(function: str, root: Path, deps_dir: Path, out_dir: Path) -> Path:
    """`lambdas/<function>/*` at the zip root + `datalake/` + the Lambda dependencies."""
    source = root / "lambdas" / function
    if not (source / "handler.py").is_file():
        raise FileNotFoundError(f"Lambda {function!r}: {source / 'handler.py'} is missing")
    entries = _tree_entries(source)
    entries += _tree_entries(root / "src" / "datalake", "datalake/")
    entries += _dependency_entries(deps_dir)
    return write_zip(out_dir / f"{function}.zip", entries)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel(root: Path, version: str, requirements: list[str], out_dir: Path) -> Path:
    """A pure-Python wheel of `src/datalake` only (Glue needs the package, not localcloud or
    infra_gen), written deterministically."""
    dist_info = f"datalake-{version}.dist-info"
    entries = _tree_entries(root / "src" / "datalake", "datalake/")
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            "Name: datalake",
            f"Version: {version}",
            "Summary: The data lake's own logic (events, transforms) for AWS Glue jobs",
            *[f"Requires-Dist: {req}" for req in requirements],
            "",
        ]
    )
    wheel = (
        "Wheel-Version: 1.0\nGenerator: datalake.deploy.package\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n"
    )
    entries += [
        (f"{dist_info}/METADATA", metadata.encode()),
        (f"{dist_info}/WHEEL", wheel.encode()),
        (f"{dist_info}/top_level.txt", b"datalake\n"),
    ]
    record_lines = [f"{name},{_record_hash(data)},{len(data)}" for name, data in sorted(entries)]
    record_lines.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode()))
    return write_zip(out_dir / f"datalake-{version}-py3-none-any.whl", entries)


def pip_download_for_glue(requirements: list[str], dest: Path) -> None:
    """Download `requirements` (exact pins, no dependencies) as wheels for Glue's platform."""
    platform, implementation, version = GLUE_PLATFORM
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--only-binary=:all:", "--platform", platform,
        "--implementation", implementation, "--python-version", version,
        "--dest", str(dest), *requirements,
    ]
    _logger.info("downloading Glue dependency wheels: %s", " ".join(requirements))
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(
            f"pip could not download the Glue dependency wheels {requirements}: "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )


def wheel_requirement(filename: str) -> str:
    """`rpds_py-2026.9.1-cp311-...whl` -> `rpds_py==2026.9.1` (the pin that wheel satisfies)."""
    distribution, version = filename.split("-")[:2]
    return f"{distribution}=={version}"


def glue_dependency_wheels(
    cache_dir: Path, downloader: WheelDownloader = pip_download_for_glue
) -> list[Path]:
    """The files of GLUE_DEPENDENCY_WHEELS, downloading the ones not cached yet. Raises when
    the download does not give exactly the locked file names (a new release, another tag)."""
    folder = cache_dir / "glue-wheels"
    missing = [name for name in GLUE_DEPENDENCY_WHEELS if not (folder / name).is_file()]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="wheels-", dir=folder))
        try:
            downloader([wheel_requirement(name) for name in missing], staging)
            got = sorted(p.name for p in staging.iterdir())
            if got != sorted(missing):
                raise RuntimeError(
                    f"the Glue dependency download gave {got}, not the locked {sorted(missing)}:"
                    " update infra_gen.config.GLUE_DEPENDENCY_WHEELS"
                )
            for name in missing:
                os.replace(staging / name, folder / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in GLUE_DEPENDENCY_WHEELS]


def copy_glue_script(job: str, root: Path, out_dir: Path) -> Path:
    source = root / "glue_jobs" / f"{job}.py"
    if not source.is_file():
        raise FileNotFoundError(f"Glue job {job!r}: {source} is missing")
    out = out_dir / source.name
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, out)
    return out


def _artifact(name: str, path: Path, parameter: str, key_format: str) -> Artifact:
    digest = file_sha256(path)
    return Artifact(
        name=name,
        path=path,
        key=key_format.format(hash=digest[:16]),
        parameter=parameter,
        sha256=digest,
    )


def package_all(
    root: Path | None = None,
    out_dir: Path | None = None,
    cache_dir: Path | None = None,
    installer: DepsInstaller = pip_install_for_lambda,
    downloader: WheelDownloader = pip_download_for_glue,
) -> Artifacts:
    """Build every artifact; keys are `lambda/<fn>-<hash>.zip`,
    `packages/<hash>/datalake-<v>-py3-none-any.whl`, `packages/glue-deps/<wheel>` and
    `glue/<job>-<hash>.py`."""
    root = root or repo_root()
    out_dir = out_dir or root / "build" / "artifacts"
    cache_dir = cache_dir or root / ".cache"
    version, requirements = read_project(root)
    deps = lambda_dependencies(requirements, cache_dir, installer)
    items = [
        _artifact(
            fn, build_lambda_zip(fn, root, deps, out_dir), parameter, f"lambda/{fn}-{{hash}}.zip"
        )
        for fn, parameter in LAMBDA_FUNCTIONS.items()
    ]
    wheel = build_wheel(root, version, requirements, out_dir)
    items.append(_artifact("wheel", wheel, WHEEL_PARAMETER, "packages/{hash}/" + wheel.name))
    items += [
        _artifact(path.name, path, "", GLUE_DEPENDENCY_PREFIX + path.name)
        for path in glue_dependency_wheels(cache_dir, downloader)
    ]
    items += [
        _artifact(job, copy_glue_script(job, root, out_dir), parameter, f"glue/{job}-{{hash}}.py")
        for job, parameter in GLUE_SCRIPTS.items()
    ]
    for item in items:
        _logger.info("packaged %s -> %s", item.path, item.key)
    return Artifacts(tuple(items))
