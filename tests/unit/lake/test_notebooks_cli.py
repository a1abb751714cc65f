"""`datalake notebooks run` argument parsing (no notebook is executed here)."""

from __future__ import annotations

import argparse

import pytest

from datalake.cli.common import CliError
from datalake.cli.notebooks import _prefixes, parse_parameters, parse_value
from datalake.notebooks import NOTEBOOK_DIR, list_notebooks


@pytest.mark.parametrize(("text", "value"), [
    ("200", 200), ("0.5", 0.5), ("True", True), ("'x'", "x"), ("datalake", "datalake"),
    ("[1, 2]", [1, 2]), ("us-east-1", "us-east-1"),
])
def test_parse_value_takes_literals_else_text(text, value):
    assert parse_value(text) == value


def test_parse_parameters_refuses_non_identifiers():
    assert parse_parameters([["N_EVENTS", "50"], ["DESTROY", "True"]]) == {
        "N_EVENTS": 50, "DESTROY": True}
    with pytest.raises(CliError, match="identifier"):
        parse_parameters([["N-EVENTS", "50"]])


def test_only_takes_notebook_numbers():
    assert _prefixes("0,1,10") == ["00", "01", "10"]
    with pytest.raises(argparse.ArgumentTypeError):
        _prefixes("setup")


def test_the_notebooks_are_numbered_in_order_with_one_parameters_cell():
    import nbformat

    names = [p.name for p in list_notebooks(NOTEBOOK_DIR)]
    assert names[0] == "00_setup.ipynb" and names[-1] == "10_teardown.ipynb"
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(len(names))]
    for path in list_notebooks(NOTEBOOK_DIR):
        notebook = nbformat.read(path, as_version=4)
        tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert "def " not in "".join(c.source for c in notebook.cells if c.cell_type == "code")


def test_summarize_figures_names_each_zone():
    from datalake.cli.notebooks import summarize_figures

    figures = {
        "02_ingestion": {"raw_events": 10},
        "05_raw_to_processed": {"raw_events": 12, "processed_rows": 9},
        "06_processed_to_curated": {"curated_events": 9},
    }
    assert summarize_figures(figures) == (
        "lake: 12 events in the raw zone, 9 processed rows, 9 events in daily_summary")
    assert summarize_figures({"02_ingestion": {"raw_events": 10}}) == (
        "lake: 10 events in the raw zone")
    assert summarize_figures({}) == ""
