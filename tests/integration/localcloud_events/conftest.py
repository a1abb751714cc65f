"""The fast-clock cloud (tests/integration/conftest.py: scaled_cloud) of this folder's tests runs
in its own region, apart from the other folders' and the session cloud's resources."""

import pytest

SCALED_REGION = "eu-west-1"


@pytest.fixture(scope="module")
def scaled_region() -> str:
    return SCALED_REGION
