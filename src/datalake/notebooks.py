"""Run the numbered notebooks headless with papermill, in order, into build/notebooks/."""

from __future__ import annotations

import logging
import os
from pathlib import Path

_logger = logging.getLogger(__name__)

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def list_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The numbered notebooks (`NN_name.ipynb`) in order."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def run_notebooks(
    out_dir: Path,
    parameters: dict | None = None,
    *,
    only: list[str] | None = None,
    kernel: str = "python3",
    directory: Path = NOTEBOOK_DIR,
) -> list[Path]:
    """Execute each notebook with papermill (parameters injected after the `parameters` cell);
    stops at the first failing notebook. Returns the executed copies."""
    import papermill

    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MPLBACKEND", "agg")
    executed = []
    for notebook in list_notebooks(directory):
        if only and not any(notebook.name.startswith(prefix) for prefix in only):
            continue
        target = out_dir / notebook.name
        _logger.info("running %s", notebook.name)
        try:
            papermill.execute_notebook(
                str(notebook), str(target), parameters=_accepted(notebook, parameters or {}),
                kernel_name=kernel, cwd=str(directory), progress_bar=False,
            )
        except papermill.PapermillExecutionError as error:
            raise NotebookFailed(notebook.name, target, error) from error
        executed.append(target)
    return executed


class NotebookFailed(RuntimeError):
    """A notebook raised: which one, where its executed copy is, and the cell's error."""

    def __init__(self, name: str, executed: Path, error) -> None:
        super().__init__(f"{name} failed in cell [{error.exec_count}]: {error.ename}: "
                         f"{error.evalue} (executed copy: {executed})")
        self.name = name
        self.executed = executed


def _accepted(notebook: Path, parameters: dict) -> dict:
    """Only the parameters this notebook declares (papermill warns about the others)."""
    import papermill

    declared = {p["name"] for p in papermill.inspect_notebook(str(notebook)).values()}
    return {k: v for k, v in parameters.items() if k in declared}
