"""Shared fixtures of the data-layer tests: the codebooks and the loaded sample."""

import pytest

from helpers import SAMPLE_DIR
from helpers.codebook import load_codebooks
from helpers.load import load_survey


@pytest.fixture(scope="session")
def codebooks():
    return load_codebooks()


@pytest.fixture(scope="session")
def sample():
    return load_survey(SAMPLE_DIR)
