"""The rendered appendices, read as a survey statistician would (slow: uses the full report build)."""

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow


def _page(full_report, name):
    return BeautifulSoup((full_report / "report" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _table(soup, caption_start, contains=""):
    for table in soup.select("table.eig-table"):
        caption = table.caption.get_text() if table.caption else ""
        caption = re.sub(r"^Tableau [A-F]\.\d+ — ", "", caption)  # the number the page gives it
        if caption.startswith(caption_start) and contains in caption:
            return table
    raise AssertionError(f"no table whose caption starts with {caption_start!r}")


def _headers(table):
    return [th.get_text() for th in table.select("thead th")]


def test_appendix_a_has_the_nonresponse_section(full_report):
    soup = _page(full_report, "00_methode_population")
    headings = [h.get_text() for h in soup.select("h2, h3")]
    assert any("La non-réponse" in h for h in headings)
    text = " ".join(soup.get_text().split())
    assert "bornes de Manski" in text and "(k + N − n) / N" in text
    assert "n* = n · (N − 1) / (N − n)" in text
    nonresponse = _table(soup, "Non-réponse au questionnaire par groupe et par promotion")
    assert "Taux de non-réponse" in _headers(nonresponse)
    readings = _table(soup, "Avez-vous fait appel", "cinq lectures")
    assert [tr.th.get_text() for tr in readings.select("tbody tr")][:4] == [
        "Part parmi les répondants", "IC 95\u202f%, population infinie", "IC 95\u202f%, population finie",
        "Bornes de non-réponse"]


def test_response_rates_and_programme_counts_have_no_interval(full_report):
    rates = _table(_page(full_report, "00_methode_population"), "Taux de réponse par groupe")
    assert not [h for h in _headers(rates) if h.startswith("IC")]
    appendix_e = _page(full_report, "04_programme_en_chiffres")
    for table in appendix_e.select("table.eig-table"):
        assert not [h for h in _headers(table) if h.startswith("IC")], table.caption.get_text()
    code = appendix_e.select_one("figure#programme_source_code")
    assert "sans intervalle" in code.figcaption.get_text() and "IC" not in code.img["alt"]


def test_appendix_d_shows_the_paired_table_and_tests(full_report):
    soup = _page(full_report, "03_role_programme")
    changes = _table(soup, "Avant de vous engager dans le programme")
    assert [tr.th.get_text() for tr in changes.select("tbody tr")] == ["En hausse", "Identique", "En baisse", "Total"]
    counts = [int(tr.td.get_text()) for tr in changes.select("tbody tr")]
    assert counts[0] + counts[1] + counts[2] == counts[3]
    reading = soup.select_one("p.eig-paired").get_text()
    assert "Test du signe exact" in reading and "McNemar" in reading and re.search(r"p [=<] 0,\d{3}", reading)
    assert f"{counts[0]} donnent une note plus haute" in reading


def test_effective_size_per_item_and_stratum_flags(full_report):
    soup = _page(full_report, "03_role_programme")
    weighted = [f for f in soup.select("figure.eig-figure") if "ponderation" in f["id"]]
    assert weighted
    for figure in weighted:
        table = figure.select_one("details table")
        assert "n eff." in _headers(table)
        column = _headers(table).index("n eff.")
        values = {tr.select("th, td")[column].get_text() for tr in table.select("tbody tr")} - {"—"}
        assert values  # each weighted row has its own effective size
    assert "Strates de promotion à signaler" in soup.get_text()


def test_small_bases_are_marked(full_report):
    soup = _page(full_report, "03_role_programme")
    fig19 = soup.select_one("figure#fig19_mentor")
    assert "base faible" in fig19.figcaption.get_text()
    assert "(base faible)" in fig19.select_one("details table").get_text()


def test_every_chart_of_the_paper_states_its_group_and_departures(full_report):
    notes = []
    for name in ("01_perennisation_outils", "02_transformation_numerique", "03_role_programme"):
        notes += [p.get_text() for p in _page(full_report, name).select("p.eig-fidelity")]
    assert len(notes) >= 20
    assert all(("imprimé dans le document de travail" in n) or ("déduit" in n) for n in notes)
    assert any("Nombre de défis" in n for n in notes)
    assert any("deux séries de barres" in n for n in notes)


def test_indicator_table_has_bounds_on_every_known_row(full_report):
    table = pd.read_csv(full_report / "tables" / "indicators.csv")
    shown = table[table["group"].isin(["eig", "mentor"]) & ~table["suppressed"] & table["population"].notna()]
    assert len(shown) and shown[["nr_low", "nr_high"]].notna().all().all()
    assert (shown["nr_low"] <= shown["share"] + 1e-9).all() and (shown["share"] <= shown["nr_high"] + 1e-9).all()
    eig_all = table[(table["group"] == "eig") & (table["subgroup"] == "all")]
    assert set(eig_all["population"]) == {39}
