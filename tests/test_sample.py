"""The synthetic sample: byte-for-byte regeneration, the paper's head counts and quoted percentages."""

import filecmp
from fractions import Fraction
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from helpers import SAMPLE_DIR
from helpers import sample as sample_module
from helpers.codebook import MEMBERS
from helpers.claims import load_claims
from helpers.headcounts import populations
from helpers.sidecar import is_synthetic

CLAIMS = {c["id"]: c for c in load_claims()}
QUALIFIERS = {"lower_bound": "plus de", "upper_bound": "moins de", "majority": "plus de"}


def _target(claim_id: str) -> SimpleNamespace:
    """A statement the sample is calibrated on, from the claims registry."""
    c = CLAIMS[claim_id]
    published = c.get("published", 50 if c["expression"] == "majority" else None)
    value = float(Fraction(str(published)) * 100) if c["expression"] == "fraction" else float(published)
    qualifier = QUALIFIERS.get(c.get("qualifier") or c["expression"], "")
    promotion = c.get("promotion")
    return SimpleNamespace(claim_id=claim_id, value=value, qualifier=qualifier, group=c["group"],
                           question_id=c["question_id"], options="|".join(map(str, c["options"])),
                           subgroup=f"promotion={promotion}" if promotion else "all")


TARGETS = [_target(i) for i in yaml.safe_load((SAMPLE_DIR / "calibration.yaml").read_text())["text_targets"]]


def test_regenerates_identical_bytes(tmp_path):
    assert sample_module.main(["--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["DATASET.yaml", "eig.csv", "mentor.csv"]
    match, mismatch, errors = filecmp.cmpfiles(SAMPLE_DIR, tmp_path, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert b"\r" not in (tmp_path / "eig.csv").read_bytes()


def test_marked_synthetic(sample):
    assert is_synthetic(SAMPLE_DIR) and sample.synthetic
    assert "synthétique" in sample.metadata["description"]


def test_respondents_as_in_the_paper(sample):
    """21 EIG (5 + 16) and 13 mentors (3 + 10), within each promotion's population."""
    pops = populations()
    expected = {"eig": {1: 5, 2: 16}, "mentor": {1: 3, 2: 10}}
    for group, split in expected.items():
        frame = sample.frames[group]
        assert frame.promotion.value_counts().to_dict() == split
        for promotion, n in split.items():
            assert n <= pops[(group, promotion)]
        assert frame.defi.notna().all()
    # several fellows per challenge in promotion 2
    assert sample.frames["eig"].query("promotion == 2").defi.value_counts().max() >= 2


def test_skip_logic_respected(sample):
    """Follow-up questions are answered only after the answer that opens them."""
    for group, codebook in sample.codebooks.items():
        frame = sample.frames[group]
        for question in codebook:
            if question.asked_if is None:
                continue
            parent, wanted = question.asked_if
            answered = frame[list(question.columns)].notna().any(axis=1)
            assert frame.loc[answered, parent].isin(wanted).all(), question.id
    eig = sample.frames["eig"]
    assert (eig.training_topics__data_science.notna() == (eig.trainings_organised == "yes")).all()


def _share(sample, row) -> tuple[int, int]:
    question = sample.codebooks[MEMBERS[row.group][0]][row.question_id]
    frames = [sample.frames[g] for g in MEMBERS[row.group]]
    data = pd.concat(frames, ignore_index=True)
    if row.subgroup != "all":
        data = data[data.promotion == int(row.subgroup.split("=")[1])]
    cols = data[list(question.columns)]
    answered = cols.notna().any(axis=1)
    options = row.options.split("|")
    if question.type == "multi":
        hit = data[[f"{question.id}__{o}" for o in options]].fillna(False).any(axis=1)
    else:
        wanted = [int(o) for o in options] if question.type == "scale" else options
        hit = data[question.id].astype(object).isin(wanted)
    return int((hit & answered).sum()), int(answered.sum())


@pytest.mark.parametrize("claim", TARGETS, ids=lambda c: c.claim_id)
def test_quoted_percentage_is_the_closest_attainable(sample, claim):
    """On its base, no other count would come closer to the quote (respecting plus de / moins de)."""
    k, base = _share(sample, claim)
    shares = [100 * n / base for n in range(base + 1)]
    if claim.qualifier == "plus de":
        shares = [s for s in shares if s > claim.value]
    elif claim.qualifier == "moins de":
        shares = [s for s in shares if s < claim.value]
    best = min(shares, key=lambda s: abs(s - claim.value))
    assert 100 * k / base == pytest.approx(best), f"{k}/{base} for {claim.value}%"


def test_paper_etalab_split_by_promotion(sample):
    """52% overall, près de 70% in promotion 2, moins de 20% in promotion 1."""
    eig = sample.frames["eig"]
    yes = eig.etalab_expertise == "yes"
    assert (yes.sum(), yes[eig.promotion == 2].sum(), yes[eig.promotion == 1].sum()) == (11, 11, 0)
