"""Exports shaped like the common form tools', derived from the synthetic sample by code.

Each builder writes, into a folder, what a tool would have exported had the
sample's respondents answered through it: the right answers are known, so a
loader that reads the shape correctly gives back the sample's indicators.
Nothing here is committed as an export (the privacy guard refuses export-shaped
files in the tree); ``python tests/export_shapes.py SHAPE DIR`` builds one by hand
(e.g. to try ``make validate DATA=DIR``).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pandas as pd

#: Headers of the promotion and challenge questions a form would ask.
PROMOTION_TEXT = "De quelle promotion EIG faites-vous partie ?"
DEFI_TEXT = "Quel était votre défi ?"


def grid_parts(question) -> tuple[str, str] | None:
    """(stem, item) of a grid row whose wording ends with its item, else None."""
    if question.item and question.text.endswith(question.item):
        return question.text[: -len(question.item)].strip(), question.item
    return None


def full_header(question) -> str:
    parts = grid_parts(question)
    return f"{parts[0]} [{parts[1]}]" if parts else question.text


def _number(value) -> str:
    return f"{float(value):g}"


def _answer(question, row, tick_words=None) -> list[str]:
    """Cells of one question for one respondent as a form tool writes labels; '' when unanswered."""
    if question.type == "multi":
        ticks = [row[c] for c in question.columns]
        if tick_words is None:  # one cell, labels joined by ", " (Google Forms)
            return ["" if pd.isna(ticks[0]) else ", ".join(o.label for o, t in zip(question.options, ticks) if t)]
        return ["" if pd.isna(t) else tick_words[bool(t)] for t in ticks]
    value = row[question.id]
    if pd.isna(value):
        return [""]
    if question.type in ("single", "yes_no", "yes_no_dk"):
        return [question.label(value)]
    if question.type == "numeric":
        return [_number(value)]
    return [str(value)]


def _timestamp(i: int) -> str:
    return f"2019/03/{1 + i % 28:02d} {9 + i % 9:02d}:{(7 * i) % 60:02d}:00 UTC+1"


def _write_csv(path: Path, rows: list[list[str]], sep=",", encoding="utf-8", newline="\n") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def google_forms_rows(frame, codebook) -> list[list[str]]:
    """``Horodateur`` first, full wordings, grids as ``Stem [Item]``, multi joined by ", ", no id column."""
    header = ["Horodateur", PROMOTION_TEXT, DEFI_TEXT] + [full_header(q) for q in codebook]
    rows = [header]
    for i, (_, r) in enumerate(frame.iterrows()):
        cells = [_timestamp(i), f"Promotion {r.promotion}", "" if pd.isna(r.defi) else r.defi]
        for q in codebook:
            cells.extend(_answer(q, r))
        rows.append(cells)
    return rows


def google_forms(survey, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for group, frame in survey.frames.items():
        _write_csv(out / f"{group}.csv", google_forms_rows(frame, survey.codebooks[group]))


def excel_unicode_text(survey, out: Path) -> None:
    """Excel's "Texte Unicode": the Google-shaped sheet saved as UTF-16 with BOM, tab-separated, CRLF, ``.txt``."""
    out.mkdir(parents=True, exist_ok=True)
    for group, frame in survey.frames.items():
        _write_csv(out / f"{group}.txt", google_forms_rows(frame, survey.codebooks[group]), sep="\t",
                   encoding="utf-16", newline="\r\n")


def _limesurvey_columns(codebook) -> list[tuple[str, str, object]]:
    """(code header, wording header, (question, option index or None)) per column, LimeSurvey-style."""
    columns = []
    for g, q in enumerate(codebook, start=1):
        code = f"G01Q{g:02d}"
        if q.type == "multi":
            for k, option in enumerate(q.options, start=1):
                columns.append((f"{code}[SQ{k:03d}]", f"{q.text} [{option.label}]", (q, k - 1)))
        else:
            columns.append((code, full_header(q), (q, None)))
    return columns


def _limesurvey_rows(frame, codebook, coded: bool) -> list[list[str]]:
    meta = ["id", "submitdate", "lastpage", "startlanguage", "seed"]
    columns = _limesurvey_columns(codebook)
    header = meta + (["G00Q01", "G00Q02"] if coded else ["Promotion", "Défi"])
    header += [code if coded else text for code, text, _ in columns]
    rows = [header]
    if coded:  # the second header row: the wording, as the survey showed it
        rows.append(["", "", "", "", "", "Votre promotion", "Votre défi"] + [reworded(t) for _, t, _ in columns])
    for i, (_, r) in enumerate(frame.iterrows()):
        cells = [str(100 + i), _timestamp(i), "7", "fr", str(1000 + i), f"EIG {r.promotion}",
                 "N/A" if pd.isna(r.defi) else r.defi]
        for q, k in (target for _, _, target in columns):
            if k is None:
                value = _answer(q, r)[0]
            else:
                tick = r[q.columns[k]]
                value = "" if pd.isna(tick) else ("Oui" if tick else "Non")
            cells.append(value or "N/A")
        rows.append(cells)
    return rows


def reworded(text: str) -> str:
    """The wording as a real form shows it, a little off the codebook's (a user must confirm the match)."""
    text = re.sub(r"\s*\?\s*(\[|$)", r" \1", text).strip()
    return text.replace("défi", "projet").replace("Défi", "Projet")


def limesurvey_text(survey, out: Path) -> None:
    """Full-text headers, sub-questions as ``Question [Option]`` with Oui/Non, ``N/A`` when unanswered."""
    out.mkdir(parents=True, exist_ok=True)
    for group, frame in survey.frames.items():
        _write_csv(out / f"{group}.csv", _limesurvey_rows(frame, survey.codebooks[group], coded=False), sep=";")


def limesurvey_codes(survey, out: Path) -> dict[str, dict[str, str]]:
    """Code headers (``G01Q02[SQ001]``), a second header row of (reworded) wordings; returns the true mapping."""
    out.mkdir(parents=True, exist_ok=True)
    truth = {}
    for group, frame in survey.frames.items():
        codebook = survey.codebooks[group]
        _write_csv(out / f"{group}.csv", _limesurvey_rows(frame, codebook, coded=True))
        truth[group] = {"G00Q01": "promotion", "G00Q02": "defi"}
        truth[group].update({code: q.columns[k] if k is not None else q.id
                             for code, _, (q, k) in _limesurvey_columns(codebook)})
    return truth


def spss(survey, out: Path) -> None:
    """An SPSS ``.sav``: variable names Q1…, the wording as variable labels, numeric codes with value labels."""
    import pyreadstat

    out.mkdir(parents=True, exist_ok=True)
    for group, frame in survey.frames.items():
        codebook = survey.codebooks[group]
        data = {"id": [f"S{i}" for i in range(len(frame))], "promotion": frame.promotion.astype(float).tolist(),
                "defi": frame.defi.fillna("").tolist()}
        labels = {"id": "ID de la réponse", "promotion": "Promotion", "defi": "Défi"}
        value_labels = {}
        n = 0
        for q in codebook:
            for k, column in enumerate(q.columns):
                n += 1
                name = f"Q{n}"
                values = frame[column]
                if q.type == "multi":
                    data[name] = [None if pd.isna(v) else float(bool(v)) for v in values]
                    labels[name] = f"{q.text} [{q.options[k].label}]"
                    value_labels[name] = {1.0: "Oui", 0.0: "Non"}
                    continue
                labels[name] = full_header(q)
                if q.type in ("single", "yes_no", "yes_no_dk"):
                    codes = {code: float(i) for i, code in enumerate(q.codes, start=1)}
                    data[name] = [None if pd.isna(v) else codes[v] for v in values]
                    value_labels[name] = {i: q.label(code) for code, i in codes.items()}
                elif q.type in ("scale", "numeric"):
                    data[name] = [None if pd.isna(v) else float(v) for v in values]
                else:
                    data[name] = ["" if pd.isna(v) else str(v) for v in values]
        table = pd.DataFrame(data)
        pyreadstat.write_sav(table, str(out / f"{group}.sav"), column_labels=labels, variable_value_labels=value_labels)


def crlf_trailing(sample_dir: Path, out: Path) -> None:
    """The sample's files with Windows line endings, a trailing empty column and trailing blank rows."""
    out.mkdir(parents=True, exist_ok=True)
    for group in ("eig", "mentor"):
        rows = list(csv.reader(io.StringIO((sample_dir / f"{group}.csv").read_text(encoding="utf-8"))))
        _write_csv(out / f"{group}.csv", [r + [""] for r in rows] + [[""] * (len(rows[0]) + 1)] * 3, newline="\r\n")


def workbook_with_cover(survey, out: Path) -> None:
    """XLSX whose first sheet is a cover page and whose answers are on the second sheet."""
    from openpyxl import Workbook

    out.mkdir(parents=True, exist_ok=True)
    for group, frame in survey.frames.items():
        book = Workbook()
        cover = book.active
        cover.title = "Couverture"
        cover.append(["Enquête EIG 2019 — export des réponses"])
        cover.append(["Exporté le", "2019-03-30"])
        sheet = book.create_sheet("Réponses")
        for row in google_forms_rows(frame, survey.codebooks[group]):
            sheet.append([int(c) if c.isdigit() else c for c in row])
        book.save(out / f"{group}.xlsx")


SHAPES = {"google-forms": google_forms, "excel-unicode": excel_unicode_text, "limesurvey-text": limesurvey_text,
          "limesurvey-codes": limesurvey_codes, "spss": spss, "cover-sheet": workbook_with_cover}

if __name__ == "__main__":
    from helpers import SAMPLE_DIR
    from helpers.load import load_survey

    shape, target = sys.argv[1], Path(sys.argv[2])
    SHAPES[shape](load_survey(SAMPLE_DIR), target)
    print(f"{shape} export of the sample written to {target}")
