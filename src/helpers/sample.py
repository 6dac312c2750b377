"""The synthetic sample: invented answers calibrated to the paper's charts.

Real answers are confidential, so the repository ships a sample that reproduces
every published chart exactly (its sidecar names the paper in ``calibrated_to``). How many respondents give each answer comes from
``data/sample/calibration.yaml``; this module only decides who gives it (seeded
shuffles) and writes the files byte for byte the same on every run.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import numpy as np
import yaml

from helpers import SAMPLE_DIR
from helpers.codebook import GROUPS, Codebook, Question, load_codebooks
from helpers.sidecar import DATASET_FILE

CALIBRATION = SAMPLE_DIR / "calibration.yaml"
ID_PREFIX = {"eig": "E", "mentor": "M"}
#: What the sample is calibrated on (``calibrated_to`` in DATASET.yaml): the report then says
#: that its charts agree with the paper's by construction.
CALIBRATED_TO = "Etalab, « Mesurer l'impact d'un programme après 3 ans », document de travail, juin 2019"
DESCRIPTION = (
    "Échantillon synthétique : réponses inventées, calibrées pour reproduire exactement les graphiques "
    "publiés du document de travail « Mesurer l'impact d'un programme après 3 ans » ; les réponses libres "
    "sont fictives. Aucune réponse réelle."
)


class CalibrationError(ValueError):
    """The calibration file contradicts the codebook or itself."""


def _respondents(spec: dict, group: str, rng: np.random.Generator) -> list[dict]:
    people = [
        {"promotion": int(promotion), "defi": defi, "answers": {}}
        for promotion, defis in spec.items()
        for defi, count in defis.items()
        for _ in range(count)
    ]
    order = rng.permutation(len(people))
    people = [people[i] for i in order]
    width = len(str(len(people)))
    for n, person in enumerate(people, start=1):
        person["respondent_id"] = f"{ID_PREFIX[group]}{n:0{width}d}"
    return people


def _answers(spec: dict) -> list:
    """The answers a spec hands out, in the order it lists them."""
    if "patterns" in spec:
        return [frozenset(codes) for codes, n in spec["patterns"] for _ in range(n)]
    if "texts" in spec:
        return list(spec["texts"])
    if "values" in spec:
        return list(spec["values"])
    if "counts" in spec:
        return [str(code) for code, n in spec["counts"].items() for _ in range(n)]
    raise CalibrationError(f"no counts, patterns, texts or values in {spec!r}")


def _check(question: Question, answers: list) -> None:
    if question.type in ("free_text", "numeric"):
        return
    allowed = {str(level) for level in question.levels} | set(question.codes)
    for answer in answers:
        codes = answer if isinstance(answer, frozenset) else {answer}
        if not codes <= allowed:
            raise CalibrationError(f"{question.group}/{question.id}: unknown option(s) {sorted(codes - allowed)}")


def _eligible(people: list[dict], question: Question) -> list[dict]:
    if question.asked_if is None:
        return people
    parent, wanted = question.asked_if
    return [p for p in people if p["answers"].get(parent) in wanted]


def _rank(value) -> float:
    """Sort key of an answer to the scale question named by ``sort_with`` (missing first)."""
    return -1.0 if value is None else float(value)


def _assign(people: list[dict], question: Question, spec: dict, rng: np.random.Generator) -> None:
    if "by_promotion" in spec:
        pools = [
            ([p for p in people if p["promotion"] == int(promotion)], {"counts": counts})
            for promotion, counts in spec["by_promotion"].items()
        ]
    else:
        pools = [(people, spec)]
    for pool, pool_spec in pools:
        answers = _answers(pool_spec)
        _check(question, answers)
        eligible = _eligible(pool, question)
        if len(answers) > len(eligible):
            raise CalibrationError(
                f"{question.group}/{question.id}: {len(answers)} answers for {len(eligible)} eligible respondents"
            )
        if "sort_with" in spec:
            if len(answers) != len(eligible):
                raise CalibrationError(f"{question.group}/{question.id}: sort_with needs one answer per respondent")
            key = spec["sort_with"]
            ties = rng.permutation(len(eligible))
            ranked = sorted(zip(eligible, ties), key=lambda pair: (_rank(pair[0]["answers"].get(key)), pair[1]))
            chosen = [person for person, _ in ranked]
        else:
            chosen = [eligible[i] for i in rng.permutation(len(eligible))[: len(answers)]]
            answers = [answers[i] for i in rng.permutation(len(answers))]
        for person, answer in zip(chosen, answers):
            person["answers"][question.id] = answer


def generate(calibration: dict, codebooks: dict[str, Codebook]) -> dict[str, list[dict]]:
    """Respondents of each group with their answers (codes, levels, texts, numbers)."""
    rng = np.random.default_rng(calibration["seed"])
    out = {}
    for group in GROUPS:
        codebook = codebooks[group]
        people = _respondents(calibration["respondents"][group], group, rng)
        for qid, spec in calibration["answers"][group].items():
            if qid not in codebook:
                raise CalibrationError(f"{group}/{qid}: not in the codebook")
            _assign(people, codebook[qid], spec, rng)
        out[group] = sorted(people, key=lambda p: p["respondent_id"])
    return out


def _cells(question: Question, answer) -> list[str]:
    if question.type == "multi":
        if answer is None:
            return [""] * len(question.codes)
        return ["1" if code in answer else "0" for code in question.codes]
    return ["" if answer is None else str(answer)]


def to_csv(people: list[dict], codebook: Codebook) -> str:
    """The export file of one group: option codes, one 0/1 column per multi option."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(codebook.columns)
    for person in people:
        row = [person["respondent_id"], str(person["promotion"]), person["defi"]]
        for question in codebook:
            row.extend(_cells(question, person["answers"].get(question.id)))
        writer.writerow(row)
    return buffer.getvalue()


def dataset_sidecar(calibration: dict) -> str:
    doc = {
        "synthetic": True,
        "calibrated_to": CALIBRATED_TO,
        "description": DESCRIPTION,
        "generator": "python -m helpers sample-data (helpers.sample)",
        "calibration": "data/sample/calibration.yaml",
        "seed": calibration["seed"],
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)


def write_sample(out_dir: Path, calibration_path: Path = CALIBRATION) -> list[Path]:
    """Write ``eig.csv``, ``mentor.csv`` and the sidecar into ``out_dir``."""
    calibration = yaml.safe_load(Path(calibration_path).read_text(encoding="utf-8"))
    codebooks = load_codebooks()
    people = generate(calibration, codebooks)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {f"{g}.csv": to_csv(people[g], codebooks[g]) for g in GROUPS}
    files[DATASET_FILE] = dataset_sidecar(calibration)
    written = []
    for name, text in files.items():
        path = out_dir / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers sample-data", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="output directory (default: data/sample)")
    parser.add_argument("--calibration", type=Path, default=CALIBRATION)
    args = parser.parse_args(argv)
    for path in write_sample(args.out, args.calibration):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
