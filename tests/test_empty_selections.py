"""Empty selections are results, not crashes: nobody in the promotions kept, in one group, or one person.

Issue #19: `make report PROMOTIONS=3` on the sample (no respondent of promotion 3) crashed in
notebook 00. Each case here is a data set cut from the sample; the report's calls must say in
words that there is nobody, never raise.
"""

import builtins
import csv
from html import unescape
import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import inprocess
from conftest import ROOT, make
from helpers import SAMPLE_DIR
from helpers.appendix import Appendix
from helpers.pipeline import parse_params
from helpers.population import representation



def cut(tmp_path: Path, keep) -> Path:
    """A copy of the sample keeping the rows ``keep(group, row, promotion_index)`` accepts."""
    out = tmp_path / "data"
    out.mkdir()
    shutil.copy(SAMPLE_DIR / "DATASET.yaml", out)
    for group in ("eig", "mentor"):
        with open(SAMPLE_DIR / f"{group}.csv", encoding="utf-8", newline="") as f:
            header, *rows = list(csv.reader(f))
        kept = keep(group, rows, header.index("promotion"))
        with open(out / f"{group}.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header, *kept])
    return out


def mentors_of_promotion_1_only(tmp_path):
    return cut(tmp_path, lambda g, rows, p: rows if g == "eig" else [r for r in rows if r[p] == "1"])


def one_eig(tmp_path):
    return cut(tmp_path, lambda g, rows, p: [next(r for r in rows if r[p] == "1")] if g == "eig" else rows)


def whole_sample(tmp_path):
    return SAMPLE_DIR


def test_representation_of_nobody_is_an_empty_table():
    empty = {"eig": pd.DataFrame({"promotion": pd.array([], dtype="Int64")})}
    table = representation(empty)
    assert table.empty and "share_of_respondents" in table.columns


def test_no_respondent_in_the_promotions_kept_is_said_in_words(tmp_path):
    app = Appendix(SAMPLE_DIR, tmp_path, promotions=[3])
    assert "Aucun répondant dans les promotions retenues pour : EIG, mentors" in app.parameters().html
    assert app.representation().html.count("<tr>") == 1  # header only
    assert "Aucun répondant (EIG et mentors) dans les promotions retenues" in app.chart("fig01").html
    assert "base 0" in app.show("etalab_expertise")._repr_html_()
    assert "aucune réponse" in app.share("etalab_expertise", "yes").html
    assert "pas de lecture par promotion" in app.by_promotion("etalab_expertise").html
    assert ("comparaison impossible : la promotion 1 (EIG) n'est pas retenue dans cette exécution ; "
            "la promotion 2 (EIG) n'est pas retenue") in unescape(app.compare("etalab_expertise", "yes").html)


def test_one_group_empty_in_the_promotion_kept(tmp_path):
    app = Appendix(mentors_of_promotion_1_only(tmp_path), tmp_path / "out", promotions=[2])
    assert "Aucun répondant dans les promotions retenues pour : mentors</li>" in app.parameters().html
    assert "Aucun répondant" not in app.chart("fig17").html  # an EIG chart
    assert "pas de lecture par promotion" in app.by_promotion("mentor_satisfaction", "mentor").html
    assert "Aucun répondant" not in app.by_promotion("etalab_expertise", "eig")._repr_html_()


def test_a_group_of_one_respondent(tmp_path):
    app = Appendix(one_eig(tmp_path), tmp_path / "out")
    assert "Aucun répondant" not in app.parameters().html
    assert "1 EIG" in app.parameters().html
    html = unescape(app.compare("etalab_expertise", "yes", "eig").html)
    assert "comparaison impossible : aucun répondant de la promotion 2 (EIG) n'a répondu" in html
    assert app.by_promotion("etalab_expertise", "eig")._repr_html_()  # one series: drawn, masked


SURVEY_NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[0-3]_*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("case, promotions, weighting", [("mentors_of_promotion_1_only", "2", "none"),
                                                         ("one_eig", "1 2", "promotion"),
                                                         ("whole_sample", "3", "promotion")])
@pytest.mark.parametrize("notebook", SURVEY_NOTEBOOKS, ids=lambda p: p.stem)
def test_survey_notebooks_run_on_edge_selections(tmp_path, case, promotions, weighting, notebook):
    """Also the weighted reading (WEIGHTING=promotion) on a promotion of one EIG and on nobody.

    In this process (tests/inprocess.py: no kernel to start per run); every displayed result is
    rendered in every format. The kernel path: the make test below and tests/test_pipeline.py."""
    data = globals()[case](tmp_path)
    inprocess.run(notebook, parse_params([f"DATA={data}", f"OUT={tmp_path / 'out'}",
                                          f"PROMOTIONS={promotions}", f"WEIGHTING={weighting}"]))


def test_the_in_process_run_fails_on_a_cell_or_a_display_that_raises(tmp_path):
    """And leaves the test process as it found it (IPython replaces ``__main__``, adds builtins)."""
    main, names = sys.modules["__main__"], set(vars(builtins))
    path = tmp_path / "n.ipynb"
    for body, error in [("class A:\n    def _repr_html_(self):\n        raise KeyError(x)\nA()", "KeyError: 2"),
                        ("assert x == 2\n1 / 0", "ZeroDivisionError")]:
        nbformat.write(nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(body)]), path)
        with pytest.raises(inprocess.CellFailed, match=f"n.ipynb, cell 2: {error}"):
            inprocess.run(path, {"x": 2})
    assert sys.modules["__main__"] is main and set(vars(builtins)) == names


@pytest.mark.slow
def test_make_on_a_promotion_without_respondents_says_so(tmp_path):
    """Through make (parameters checked, data validated, notebook executed, both views and its
    chapter laid out); every survey notebook on that selection: the case ``whole_sample`` above."""
    out = tmp_path / "out"
    make(f"{out}/report/00_methode_population.html", "PROMOTIONS=3", f"OUT={out}")
    page = (out / "report" / "00_methode_population.html").read_text(encoding="utf-8")
    assert "Aucun répondant dans les promotions retenues pour : EIG, mentors" in page
    assert (out / ".chapters" / "00_methode_population.pdf").stat().st_size > 0
