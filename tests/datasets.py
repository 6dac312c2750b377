"""Synthetic data sets for tests, generated (seeded) here, unlike the calibrated sample.

``write_contrasting`` writes a data set that the sample's wording would describe
wrongly: three promotions, no ``defi`` column, one question nobody answered, a
promotion with a single mentor, answers skewed towards the low end of every scale
and the first options (the paper's charts lean the other way), free text marked
fictive with one answer given twice. ``DATASET.yaml`` says synthetic, without
``calibrated_to``. Same seed, same bytes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import yaml

from helpers.codebook import GROUPS, Question, load_codebooks

#: Respondents per group and promotion (within the populations of data/programme/programme.csv).
SIZES = {"eig": {1: 4, 2: 7, 3: 9}, "mentor": {1: 1, 2: 4, 3: 6}}
#: (group, question) nobody answered: a chart of the paper (fig03) and a sentence of Appendix B.
UNANSWERED = ("mentor", "mentor_satisfaction")
#: Free-text answer given by two respondents (counts must count answers, not distinct texts).
TWICE = "Réponse fictive de test, donnée deux fois."
SEED = 20240611
MISSING = 0.1


def _weights(k: int) -> np.ndarray:
    """Decreasing weights: the first option (lowest level) most likely, unlike the paper's charts."""
    w = np.arange(k, 0, -1, dtype=float) ** 2
    return w / w.sum()


def _answer(question: Question, rng: np.random.Generator, n: int):
    """One answer in the export's form (codes, 0/1 per multi option), or None."""
    if rng.random() < MISSING:
        return None
    if question.type == "multi":
        ticked = rng.random(len(question.codes)) < 0.3
        return ["1" if t else "0" for t in ticked]
    if question.type == "scale":
        return str(question.levels[rng.choice(len(question.levels), p=_weights(len(question.levels)))])
    if question.type == "free_text":
        return f"Réponse fictive de test n° {n}." if rng.random() < 0.5 else None
    if question.type == "numeric":
        return str(int(rng.integers(0, 40)))
    return question.codes[rng.choice(len(question.codes), p=_weights(len(question.codes)))]


def _rows(group: str, codebook, rng: np.random.Generator) -> tuple[list[str], list[list[str]]]:
    header = ["respondent_id", "promotion"]
    for question in codebook:
        header.extend(question.columns)
    rows = []
    n = 0
    for promotion, size in SIZES[group].items():
        for _ in range(size):
            n += 1
            answers: dict[str, object] = {}
            row = [f"{group[0].upper()}T{n:03d}", str(promotion)]
            for question in codebook:
                answer = None if (group, question.id) == UNANSWERED else _answer(question, rng, n)
                if question.asked_if is not None:
                    parent, wanted = question.asked_if
                    if answers.get(parent) not in wanted:
                        answer = None
                answers[question.id] = answer
                if question.type == "multi":
                    row.extend(answer if answer is not None else [""] * len(question.codes))
                else:
                    row.append("" if answer is None else str(answer))
            rows.append(row)
    if group == "eig":
        text = header.index("obstacles")
        for row in rows[:2]:
            row[text] = TWICE
    return header, rows


def write_contrasting(out_dir: Path | str, seed: int = SEED) -> Path:
    """Write ``eig.csv``, ``mentor.csv`` and ``DATASET.yaml`` into ``out_dir``; return it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    codebooks = load_codebooks()
    for group in GROUPS:
        header, rows = _rows(group, codebooks[group], rng)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (out_dir / f"{group}.csv").write_bytes(buffer.getvalue().encode("utf-8"))
    sidecar = {"synthetic": True,
               "description": "Jeu synthétique de test (tests/datasets.py) : réponses inventées, sans lien avec "
                              "les graphiques du document de travail.",
               "seed": seed}
    (out_dir / "DATASET.yaml").write_text(yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    return out_dir


if __name__ == "__main__":  # python tests/datasets.py OUT_DIR
    import sys

    print(write_contrasting(sys.argv[1]))
