"""The Lambda runtime's AWS lifecycle: dates from cfn-lint's data, the deploy notice on fixed
days (never on the day of the run), and the date-relative cfn-lint rules left to it."""

from datetime import date
from pathlib import Path

import pytest

from datalake.deploy.runtime_support import NOTICE_WINDOW, runtime_notice, runtime_schedule
from infra_gen.ingestion import LAMBDA_RUNTIME

ROOT = Path(__file__).resolve().parents[3]


def test_schedule_of_python311_is_awss():
    schedule = runtime_schedule("python3.11")
    assert schedule["deprecated"] == date(2027, 6, 30)
    assert schedule["create-block"] == date(2027, 7, 31)
    assert schedule["update-block"] == date(2027, 8, 31)


def test_unknown_runtime_has_no_schedule_and_no_notice():
    assert runtime_schedule("cobol85") is None
    assert runtime_notice("cobol85", date(2030, 1, 1)) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 2), None),  # more than NOTICE_WINDOW before the deprecation
        (date(2027, 1, 1), "comes"),
        (date(2027, 6, 30), "passed"),
        (date(2028, 2, 29), "passed"),
    ],
)
def test_notice_on_fixed_days(today, expected):
    notice = runtime_notice("python3.11", today)
    if expected is None:
        assert notice is None
    else:
        assert f"its deprecation {expected} (2027-06-30: AWS deprecates it" in notice
        assert "2027-07-31: new functions can no longer be created with it" in notice
        assert "move LAMBDA_RUNTIME (infra_gen/ingestion.py) to python3.14" in notice


def test_the_template_runtime_is_supported_for_the_notice_window_from_its_last_review():
    # Reviewed 2026-12-02: LAMBDA_RUNTIME can still be created then. Raising this date is the
    # review; the test fails when the runtime changes to one AWS no longer lets us create.
    reviewed = date(2026, 12, 2)
    schedule = runtime_schedule(LAMBDA_RUNTIME)
    assert schedule["create-block"] > reviewed + NOTICE_WINDOW / 2


def test_cfn_lint_leaves_the_date_relative_runtime_rules_to_the_deploy_notice():
    text = (ROOT / ".cfnlintrc").read_text()
    for rule in ("E2531", "E2533", "W2531"):
        assert f"  - {rule}\n" in text
