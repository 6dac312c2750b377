"""OUT/datapackage.json: every published table and column described, validated by frictionless, one scale for shares."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from helpers import SAMPLE_DIR, datapackage, render
from helpers.claims import main as claims_main
from helpers.cli import main as cli_main
from helpers.datapackage import FRACTION, TABLES, PackageError

FRICTIONLESS = Path(sys.executable).with_name("frictionless")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """The tables as `make report` writes them, and the package."""
    out = tmp_path_factory.mktemp("package") / "out"
    assert cli_main(["tables", "--data", str(SAMPLE_DIR), "--out", str(out), "--promotions", "1 2"]) == 0
    assert claims_main(["--data-dir", str(SAMPLE_DIR), "--csv", str(out / "tables" / "claims.csv"), "--quiet"]) == 0
    assert cli_main(["granularity", "--csv", str(out / "tables" / "granularity.csv")]) == 0
    assert cli_main(["datapackage", "--out", str(out), "--data", str(SAMPLE_DIR), "--promotions", "1 2"]) == 0
    return out


@pytest.fixture
def copy(out, tmp_path):
    target = tmp_path / "out"
    shutil.copytree(out, target)
    return target


def package(out: Path) -> dict:
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def write(out: Path) -> Path:
    return datapackage.write(out, SAMPLE_DIR, confidence=0.95, min_cell=3, promotions="1 2")


def test_frictionless_validate_passes(out):
    proc = subprocess.run([str(FRICTIONLESS), "validate", "datapackage.json"], cwd=out,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert proc.stdout.count("VALID") == 4  # indicators, indicators-defi, claims, granularity


def test_every_published_table_and_column_is_described(out):
    described = package(out)
    assert [r["path"] for r in described["resources"]] == [
        "tables/indicators.csv", "tables/indicators-defi.csv", "tables/claims.csv", "tables/granularity.csv"]
    for resource in described["resources"]:
        csv_columns = list(pd.read_csv(out / resource["path"], nrows=0).columns)
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == csv_columns
        for f in fields:
            assert f["title"] and f["description"] and f["type"] in ("string", "integer", "number", "boolean"), f
        assert set(resource["schema"]["primaryKey"]) <= set(csv_columns)
        path = out / resource["path"]
        assert resource["hash"] == f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"
        assert resource["bytes"] == path.stat().st_size


def test_shares_are_fractions_in_every_table(out):
    """One scale: every share column of every table is a fraction in [0, 1], and the data hold it."""
    for resource in package(out)["resources"]:
        table = pd.read_csv(out / resource["path"], keep_default_na=False, dtype=str)
        for f in resource["schema"]["fields"]:
            if f.get("unit") != FRACTION:
                continue
            assert f["constraints"]["minimum"] == 0 and f["constraints"]["maximum"] == 1, f
            values = pd.to_numeric(table[f["name"]].replace("", None))
            assert values.dropna().between(0, 1).all(), (resource["name"], f["name"])
    names = {r["name"]: {f["name"] for f in r["schema"]["fields"] if f.get("unit") == FRACTION}
             for r in package(out)["resources"]}
    assert {"share", "ci_low", "ci_high"} <= names["indicators"]
    assert {"ci_low", "ci_high"} <= names["claims"] and {"published", "nearest"} <= names["granularity"]


def test_suppressed_cells_are_empty(out):
    for name in ("indicators.csv", "indicators-defi.csv"):
        table = pd.read_csv(out / "tables" / name, keep_default_na=False, dtype=str)
        hidden = table[table["suppressed"] == "True"]
        assert len(hidden) > 0
        assert (hidden[["count", "share", "ci_low", "ci_high"]] == "").all().all()


def test_licence_sources_and_fingerprints(out):
    described = package(out)
    assert [lic["name"] for lic in described["licenses"]] == ["etalab-2.0"]
    assert "licence MIT" in described["description"] and "fractions de 1" in described["description"]
    titles = " ".join(s["title"] for s in described["sources"])
    assert "Mesurer l'impact d'un programme après 3 ans" in titles and "Questionnaire mentors" in titles
    data = [s for s in described["sources"] if s.get("path", "").startswith("data/sample/")]
    files = sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix in (".csv", ".yaml"))
    assert [Path(s["path"]).name for s in data] == [p.name for p in files]
    for source, path in zip(data, files):
        assert source["hash"] == f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"
    claims = next(r for r in described["resources"] if r["name"] == "claims")
    assert any(s.get("path") == "data/published/claims.yaml" for s in claims["sources"])


def test_prefilled_columns_of_the_coming_tables():
    """Non-response bounds, Kish size and the suppression reason are described before they are published."""
    fields = TABLES["indicators.csv"]["fields"]
    assert fields["nr_low"]["unit"] == fields["nr_high"]["unit"] == FRACTION
    assert "Manski" in fields["nr_low"]["title"] and "Kish" in fields["n_eff"]["description"]
    assert fields["suppression"]["constraints"]["enum"] == ["primary", "secondary", "masked"]


def test_same_inputs_same_bytes(copy):
    before = (copy / "datapackage.json").read_bytes()
    write(copy)
    assert (copy / "datapackage.json").read_bytes() == before


def test_an_undescribed_column_is_named_and_nothing_is_written(copy):
    before = (copy / "datapackage.json").read_bytes()
    claims = pd.read_csv(copy / "tables" / "claims.csv", keep_default_na=False, dtype=str)
    claims.assign(surprise="x").to_csv(copy / "tables" / "claims.csv", index=False)
    with pytest.raises(PackageError, match=r"claims.csv: column\(s\) 'surprise' not described"):
        write(copy)
    assert (copy / "datapackage.json").read_bytes() == before


def test_an_undescribed_table_is_named(copy):
    (copy / "tables" / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(PackageError, match="extra.csv not described"):
        write(copy)
    assert cli_main(["datapackage", "--out", str(copy), "--data", str(SAMPLE_DIR)]) == 1


def test_a_percentage_where_a_fraction_is_expected_fails_validation(copy):
    before = (copy / "datapackage.json").read_bytes()
    table = pd.read_csv(copy / "tables" / "granularity.csv", keep_default_na=False, dtype=str)
    table.loc[0, "published"] = "90"
    table.to_csv(copy / "tables" / "granularity.csv", index=False)
    with pytest.raises(PackageError, match=r"granularity: row 2, column published: .*maximum"):
        write(copy)
    assert (copy / "datapackage.json").read_bytes() == before


def test_a_table_changed_after_the_package_fails_validation(copy):
    """The package pins each table's SHA-256: a table edited afterwards no longer matches it."""
    path = copy / "tables" / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("skill_profile", "skill_profilX", 1), encoding="utf-8")
    proc = subprocess.run([str(FRICTIONLESS), "validate", "datapackage.json"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode != 0 and "hash" in proc.stdout


def test_the_index_links_every_table_and_the_package(out, tmp_path):
    notebook = tmp_path / "00_essai.ipynb"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Annexe A — Essai"),
        nbformat.v4.new_code_cell("confidence = 0.95", metadata={"tags": ["parameters"]}),
    ])
    nbformat.write(nb, notebook)
    index = out / "report" / "index.html"
    render.render_index([notebook], index, SAMPLE_DIR, out / "datapackage.json")
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert "../datapackage.json" in hrefs
    for resource in package(out)["resources"]:
        assert f"../{resource['path']}" in hrefs
        assert (index.parent / f"../{resource['path']}").resolve().is_file()
    section = soup.find(id="tables")
    assert section and soup.find("a", href="#tables")
    assert "fractions de 1" in soup.main.get_text() and "Licence Ouverte 2.0" in soup.main.get_text()


@pytest.mark.slow
def test_make_report_writes_a_valid_package_linked_from_the_index(full_report):
    proc = subprocess.run([str(FRICTIONLESS), "validate", "datapackage.json"], cwd=full_report,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    soup = BeautifulSoup((full_report / "report" / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    assert {"../datapackage.json", "../tables/indicators.csv", "../tables/claims.csv",
            "../tables/granularity.csv"} <= hrefs
