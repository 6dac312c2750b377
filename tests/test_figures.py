"""Figures: reproducible bytes, alt text from the numbers, escaped HTML, contrast."""

import hashlib
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from helpers import figures as F
from helpers.codebook import Option, Question

S = "\u202f"
D = "\u2013"
HOSTILE = "<script>alert(1)</script>"
LEVEL_LABELS = {0: "0 - peu d'importance", 5: "5 - très important"}


def _scale_question(qid, item):
    options = tuple(Option(str(v), LEVEL_LABELS.get(v, str(v))) for v in range(6))
    return Question(qid, "eig", "Quels éléments ont été déterminants pour devenir EIG ?", "scale", "profile",
                    options=options, scale_min=0, scale_max=5, low_label="peu d'importance",
                    high_label="très important", figure="fig18", item=item)


YES_NO = Question("training_organised", "eig", "Avez-vous organisé des formations ?", "yes_no", "tools",
                  options=(Option("yes", "Oui"), Option("no", "Non")), figure="fig17")
MULTI = Question("users", "eig", "Qui sont les utilisateurs des réalisations ?", "multi", "tools",
                 options=(Option("agents", "Agents du service public"), Option("citizens", "Citoyens"),
                          Option("other", f'{HOSTILE} " onerror="x javascript:alert(1) $x^2$')),
                 figure="fig01")
ITEMS = [_scale_question("det_general", "La notion d'intérêt général"),
         _scale_question("det_team", "Le travail en équipe"),
         _scale_question("det_pay", "La rémunération")]


def _row(qid, option, count, base, low, high, subgroup="all", weighting="none", n_eff=None):
    masked = count is None
    return {"question_id": qid, "option": option, "group": "eig", "subgroup": subgroup,
            "weighting": weighting, "base": base, "count": np.nan if masked else count,
            "share": np.nan if masked else count / base, "ci_low": np.nan if masked else low,
            "ci_high": np.nan if masked else high, "suppressed": masked, "missing": 21 - base,
            "n_eff": float(base) if n_eff is None else n_eff, "suppression": "primary" if masked else ""}


def indicator_rows() -> pd.DataFrame:
    """A small indicator table with hand-set intervals (figures compute none)."""
    rows = [
        _row("training_organised", "yes", 13, 21, 0.409, 0.792),
        _row("training_organised", "no", 8, 21, 0.208, 0.591),
        _row("users", "agents", 17, 21, 0.581, 0.923),
        _row("users", "citizens", 6, 21, 0.138, 0.504),
        _row("users", "other", None, 21, None, None),
        # det_general: 1, 0, 0, 0, 6, 14 over 21; det_team: level 1 suppressed, base 19;
        # det_pay: everything suppressed.
        *[_row("det_general", str(lv), c, 21, 0.0, 0.5) for lv, c in enumerate([1, 0, 0, 0, 6, 14])],
        _row("det_general", "top2", 20, 21, 0.773, 0.992),
        *[_row("det_team", str(lv), c, 19, 0.0, 0.5) for lv, c in enumerate([0, None, 3, 5, 7, 3])],
        _row("det_team", "top2", 10, 19, 0.317, 0.726),
        *[_row("det_pay", str(lv), None, 4, None, None) for lv in range(6)],
        _row("det_pay", "top2", None, 4, None, None),
        # promotions and weighting
        _row("training_organised", "yes", 4, 5, 0.376, 0.964, subgroup="promotion=1"),
        _row("training_organised", "no", None, 5, None, None, subgroup="promotion=1"),
        _row("training_organised", "yes", 9, 16, 0.332, 0.769, subgroup="promotion=2"),
        _row("training_organised", "no", 7, 16, 0.231, 0.668, subgroup="promotion=2"),
        _row("training_organised", "yes", 12.4, 21, 0.38, 0.77, weighting="promotion", n_eff=17.34),
        _row("training_organised", "no", 8.6, 21, 0.23, 0.62, weighting="promotion", n_eff=17.34),
    ]
    return pd.DataFrame(rows)


def build_all():
    table = indicator_rows()
    return [
        F.bar_shares(table, YES_NO, group="eig"),
        F.bar_shares(table, MULTI, group="eig", value="count", sort=True),
        F.stacked_scale(table, ITEMS, group="eig"),
        F.grouped_by_promotion(table, YES_NO, group="eig"),
        F.grouped_by_promotion(table, YES_NO, group="eig", by="weighting"),
    ]


def save_all(out_dir) -> dict[str, str]:
    """Save every test figure; SHA-256 of each file written (used in a subprocess too)."""
    digests = {}
    for fig in build_all():
        for path in fig.save(out_dir):
            digests[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


@pytest.fixture(scope="module")
def figs():
    return {f.name: f for f in build_all()}


# --- contrast -------------------------------------------------------------------

def test_contrast_ratio_on_known_pairs():
    assert F.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert F.contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert F.contrast_ratio("#777777") == pytest.approx(4.48, abs=0.01)
    assert F.contrast_ratio("#0072B2", "#0072B2") == pytest.approx(1.0)
    assert F.relative_luminance("#ffffff") == pytest.approx(1.0)
    assert F.relative_luminance("#000000") == 0.0


def test_palette_marks_and_text_meet_wcag():
    for colour in F.SERIES:
        assert F.contrast_ratio(colour) >= 3.0, colour
    for n in range(2, 8):
        for colour in F.level_colours(n):
            assert F.contrast_ratio(colour) >= 3.0, colour
            assert F.contrast_ratio(F.text_on(colour), colour) >= 4.5, colour
    for colour in (F.TEXT, F.MUTED):
        assert F.contrast_ratio(colour) >= 4.5


def test_ordinal_palette_is_ordered_darker_upwards():
    lum = [F.relative_luminance(c) for c in F.level_colours(6)]
    assert lum == sorted(lum, reverse=True)
    assert len(set(F.level_colours(6))) == 6


def _background(text: Text) -> str:
    patch = text.get_bbox_patch()
    return mcolors.to_hex(patch.get_facecolor()) if patch is not None else F.WHITE


def test_every_drawn_text_and_mark_meets_contrast(figs):
    for fig in figs.values():
        texts = [t for t in fig.fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
        assert texts
        for t in texts:
            assert F.contrast_ratio(t.get_color(), _background(t)) >= 4.5, (fig.name, t.get_text())
        marks = [p for p in fig.fig.findobj(Rectangle) if p.get_visible() and p.get_width() > 0]
        for patch in marks:
            face = mcolors.to_hex(patch.get_facecolor())
            if face != F.WHITE:
                assert F.contrast_ratio(face) >= 3.0, (fig.name, face)
            elif patch.get_hatch():  # the white "masqué" segment is told by its hatch and edge
                assert F.contrast_ratio(patch.get_edgecolor()) >= 3.0, fig.name


# --- reproducible files -----------------------------------------------------------

def test_files_are_byte_identical_across_processes(tmp_path):
    here = Path(__file__).resolve().parent
    code = (f"import sys, json; sys.path.insert(0, {str(here)!r}); import test_figures as t; "
            "print(json.dumps(t.save_all(sys.argv[1])))")
    # Another process with another string hash seed than this one's (random unless PYTHONHASHSEED is set).
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    other = subprocess.run([sys.executable, "-c", code, str(tmp_path / "other")], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed})
    here_digests = save_all(tmp_path / "in_process")
    assert set(here_digests) == {f"{f.name}.{k}" for f in build_all() for k in ("png", "svg")}
    assert json.loads(other.stdout) == here_digests


def test_files_carry_no_date_nor_version(tmp_path, figs):
    fig = figs["fig17_training_organised_eig"]
    png, svg = fig.save(tmp_path)
    assert png == tmp_path / "figures" / "fig17_training_organised_eig.png"
    assert b"Software" not in png.read_bytes() and b"Matplotlib" not in png.read_bytes()
    assert b"<dc:date>" not in svg.read_bytes()
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == [png.name, svg.name]  # no temp left


def test_figures_stay_out_of_pyplot(figs):
    assert plt.get_fignums() == []


def test_name_must_be_a_slug(figs):
    fig = figs["fig17_training_organised_eig"]
    with pytest.raises(ValueError):
        F.Figure.from_matplotlib("../evil", fig.fig, "c", "a", fig.table)


# --- alt text, caption, table -------------------------------------------------------

def test_bar_alt_states_base_and_values(figs):
    fig = figs["fig17_training_organised_eig"]
    assert "n = 21" in fig.alt
    assert f"Oui : 62{S}% (13 sur 21), IC 95{S}% 41{D}79{S}%" in fig.alt
    assert f"Non : 38{S}% (8 sur 21), IC 95{S}% 21{D}59{S}%" in fig.alt
    assert "\n" not in fig.caption and "n = 21" in fig.caption and f"IC 95{S}%" in fig.caption
    assert fig.table.to_dict("list") == {
        "Option": ["Oui", "Non"], "Effectif": ["13", "8"], "Base": ["21", "21"],
        "Part": [f"62{S}%", f"38{S}%"], f"IC 95{S}%": [f"41{D}79{S}%", f"21{D}59{S}%"],
    }


def test_bar_suppressed_option_is_written_masque_not_drawn(figs):
    fig = figs["fig01_users_eig"]
    assert "moins de 3 réponses, base 21" in fig.alt
    assert fig.table.iloc[-1][["Effectif", "Part"]].tolist() == ["moins de 3 réponses"] * 2
    drawn = [t.get_text() for t in fig.fig.findobj(Text)]
    assert "moins de 3 réponses" in drawn
    bars = [p for p in fig.fig.axes[0].patches if p.get_width() > 0]
    assert len(bars) == 2  # no zero-width bar for the suppressed option
    # sorted by share, counts on the axis: 17 first
    assert f"17 ({81}{S}%)" in drawn


def test_stacked_alt_gives_top2_per_item_and_bases(figs):
    fig = figs["fig18_eig"]
    assert f"La notion d'intérêt général : 95{S}% (20 sur 21), IC 95{S}% 77{D}99{S}%" in fig.alt
    assert f"Le travail en équipe : 53{S}% (10 sur 19), IC 95{S}% 32{D}73{S}%" in fig.alt
    assert "La rémunération : moins de 3 réponses, base 4" in fig.alt
    assert "n = 4 à 21" in fig.alt
    labels = [t.get_text() for t in fig.fig.axes[0].get_yticklabels()]
    assert any("(n = 19)" in lab for lab in labels) and any("(n = 21)" in lab for lab in labels)
    team = fig.table.set_index("Item").loc["Le travail en équipe"]
    assert team["1"] == "moins de 3 réponses" and team["2"] == "3" and team["Base"] == "19"
    assert fig.table.set_index("Item").loc["La rémunération", f"Part 4{D}5"] == "moins de 3 réponses"
    # counts written in the segments
    drawn = [t.get_text() for t in fig.fig.findobj(Text)]
    assert {"14", "6", "7"} <= set(drawn)
    assert "moins de 3 réponses" in drawn


def test_grouped_by_promotion(figs):
    fig = figs["fig17_training_organised_eig_par_promotion"]
    legend = [t.get_text() for t in fig.fig.legends[0].get_texts()]
    assert legend == ["Promotion 1 (n = 5)", "Promotion 2 (n = 16)"]
    assert f"Oui : promotion 1 80{S}% (4 sur 5), IC 95{S}% 38{D}96{S}%" in fig.alt
    assert "promotion 1 moins de 3 réponses, base 5" in fig.alt
    assert fig.table["Série"].tolist() == ["Promotion 1 (n = 5)", "Promotion 2 (n = 16)"] * 2
    assert "moins de 3 réponses" in [t.get_text() for t in fig.fig.findobj(Text)]


def test_grouped_by_weighting_shows_effective_size(figs):
    fig = figs["fig17_training_organised_eig_ponderation"]
    legend = [t.get_text() for t in fig.fig.legends[0].get_texts()]
    assert legend == ["Non pondéré (n = 21)", "Pondéré par promotion (n = 21, n eff. = 17,3)"]
    assert f"pondéré par promotion 59{S}% (12,4 sur 21)" in fig.alt


# --- HTML -----------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_block_is_escaped_and_accessible(figs):
    fig = figs["fig01_users_eig"]
    out = fig._repr_html_()
    assert "<script" not in out.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'onerror="' not in out
    parser = _Tags()
    parser.feed(out)
    tags = parser.tags
    names = [t for t, _ in tags]
    assert names[:2] == ["figure", "img"]
    assert tags[0][1] == {"class": "eig-figure", "id": "fig01_users_eig"}
    img = tags[1][1]
    assert img["src"].startswith("data:image/png;base64,")
    assert img["alt"] == fig.alt  # the parser unescapes: the whole alt text survives
    assert (int(img["width"]), int(img["height"])) == fig.size_px
    assert [t for t in names if t in ("figcaption", "details", "summary", "table", "caption")] == [
        "figcaption", "details", "summary", "table", "caption"]
    scopes = [a.get("scope") for t, a in tags if t == "th"]
    assert scopes.count("col") == 5 and scopes.count("row") == 3
    assert sum(1 for t, a in tags if "src" in a) == 1  # javascript: never reaches an attribute


def test_table_html_escapes_and_formats():
    df = pd.DataFrame({HOSTILE: ["a & b", "c"], "part": [0.5, np.nan], "n": [1234, 5]})
    out = F.table_html(df, f"Légende {HOSTILE}", na="masqué")
    assert "<script" not in out
    assert "<caption>Légende &lt;script&gt;alert(1)&lt;/script&gt;</caption>" in out
    assert '<th scope="col">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in out
    assert '<tr><th scope="row">a &amp; b</th><td>0,5</td><td>1\u202f234</td></tr>' in out
    assert "<td>masqué</td>" in out


def test_table_html_uses_a_named_index_as_row_header():
    df = pd.DataFrame({"n": [3]}, index=pd.Index(["EIG"], name="Groupe"))
    out = F.table_html(df, "Effectifs")
    assert '<th scope="col">Groupe</th><th scope="col">n</th>' in out
    assert '<tr><th scope="row">EIG</th><td>3</td></tr>' in out


def test_save_goes_through_staging_when_a_notebook_runs(tmp_path, monkeypatch, figs):
    out, staging = tmp_path / "out", tmp_path / "staging"
    monkeypatch.setenv("HELPERS_OUT_DIR", str(out))
    monkeypatch.setenv("HELPERS_STAGING_DIR", str(staging))
    paths = figs["fig18_eig"].save(out)
    assert paths == [staging / "figures" / "fig18_eig.png", staging / "figures" / "fig18_eig.svg"]
    assert not out.exists()


def test_set_style_applies_the_house_style():
    import matplotlib as mpl

    with mpl.rc_context():
        F.set_style()
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert mpl.rcParams["text.parse_math"] is False
        assert mpl.rcParams["svg.hashsalt"] == F.SVG_SALT


def test_grid_title_is_the_common_stem_of_the_items():
    stem = "Quels éléments ont été déterminants ?"
    items = [Question(f"q{k}", "eig", f"{stem} {item}", "scale", "profile", item=item)
             for k, item in enumerate(["Le salaire", "La durée"])]
    assert F._grid_title(items, None) == stem
    assert F._grid_title(items, "Titre") == "Titre"
    with pytest.raises(ValueError):
        F._grid_title([items[0], Question("x", "eig", "Autre ?", "scale", "profile")], None)


def test_bar_estimates_alt_and_table_from_the_rows():
    from helpers.figures import bar_estimates

    rows = pd.DataFrame({"count": [7, 9], "base": [9, 13], "share": [7 / 9, 9 / 13],
                         "ci_low": [0.4526, 0.4237], "ci_high": [0.9368, 0.8732]})
    fig = bar_estimates(rows, labels=["Promotion 1", "<b>Promotion 2</b>"], title="Code publié",
                        who="défis", name="essai_estimations")
    assert "Promotion 1 : 78\u202f% (7 sur 9), IC 95\u202f% 45–94\u202f%" in fig.alt
    assert "69\u202f% (9 sur 13)" in fig.alt
    html = fig._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;Promotion 2&lt;/b&gt;" in html
    assert fig.table["Base"].tolist() == ["9 (base faible)", "13"]


def test_nobody_answered_is_written_aucune_reponse_not_masque():
    """Base 0 (nobody answered): nothing is hidden, there is no value; no effective size either."""
    def nobody(option, subgroup="all", weighting="none"):
        return {**_row("training_organised", option, None, 0, None, None, subgroup=subgroup, weighting=weighting),
                "suppressed": subgroup != "all", "n_eff": np.nan}

    table = pd.DataFrame([nobody(o) for o in ("yes", "no")]
                         + [nobody(o, weighting="promotion") for o in ("yes", "no")]
                         + [nobody(o, "promotion=1") for o in ("yes", "no")])
    bar = F.bar_shares(table, YES_NO, group="eig")
    assert "Oui : aucune réponse" in bar.alt and "masqué" not in bar.alt
    assert bar.table["Part"].tolist() == ["aucune réponse"] * 2
    assert "aucune réponse" in [t.get_text() for t in bar.fig.findobj(Text)]
    weighted = F.grouped_by_promotion(table, YES_NO, group="eig", by="weighting")
    assert "n eff." not in " ".join(t.get_text() for t in weighted.fig.legends[0].get_texts())
    assert "masqué" not in weighted.alt and "masqué" not in " ".join(weighted.table["Part"])
    rows = [{**_row(q.id, str(lv), None, 0, None, None), "n_eff": np.nan} for q in ITEMS[:1]
            for lv in [*range(6), "top2"]]
    stacked = F.stacked_scale(pd.DataFrame(rows), ITEMS[:1], group="eig")
    assert "La notion d'intérêt général : aucune réponse" in stacked.alt
    assert stacked.table[f"Part 4{D}5"].tolist() == ["aucune réponse"]


# --- small bases, per-item effective size, non-response bounds -----------------------

def test_small_bases_are_outlined_and_flagged(figs):
    # promotion 1 has 5 answers: its bar is an outline, its label and table say "base faible"
    fig = figs["fig17_training_organised_eig_par_promotion"]
    assert F.SMALL_NOTE in fig.caption
    texts = [t.get_text() for t in fig.fig.findobj(Text)]
    assert f"80{S}%, base faible" in texts
    assert fig.table["Base"].tolist() == ["5 (base faible)", "16", "5 (base faible)", "16"]
    outlined = [p for p in fig.fig.axes[0].patches if isinstance(p, Rectangle) and p.get_hatch() == F.SMALL_HATCH]
    assert len(outlined) == 1 and mcolors.to_hex(outlined[0].get_facecolor()) == F.WHITE
    # the whole group (21) is not flagged
    assert F.SMALL_NOTE not in figs["fig17_training_organised_eig"].caption


def test_stacked_item_with_a_small_base_is_flagged(figs):
    fig = figs["fig18_eig"]
    assert fig.table.set_index("Item").loc["La rémunération", "Base"] == "4 (base faible)"
    assert F.STACKED_SMALL_NOTE in fig.caption
    labels = [t.get_text() for t in fig.fig.axes[0].get_yticklabels()]
    assert any("(n = 4, base faible)" in label for label in labels)


def test_effective_size_is_given_per_item():
    table = indicator_rows()
    extra = [_row("det_general", "top2", 18.2, 21, 0.6, 0.95, weighting="promotion", n_eff=14.2),
             _row("det_team", "top2", 9.1, 19, 0.3, 0.7, weighting="promotion", n_eff=8.9)]
    for lv in range(6):
        extra += [_row("det_general", str(lv), 3, 21, 0, 0.5, weighting="promotion", n_eff=14.2),
                  _row("det_team", str(lv), 3, 19, 0, 0.5, weighting="promotion", n_eff=8.9)]
    table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True)
    fig = F.grouped_by_promotion(table, ITEMS[:2], group="eig", by="weighting")
    legend = [t.get_text() for t in fig.fig.legends[0].get_texts()]
    assert legend[1] == "Pondéré par promotion (n = 19 à 21, n eff. = 8,9 à 14,2 selon l'item (voir le tableau))"
    assert fig.table["n eff."].tolist() == ["—", "14,2", "—", "8,9"]
    stacked = F.stacked_scale(table, ITEMS[:2], group="eig", weighting="promotion")
    assert stacked.table["n eff."].tolist() == ["14,2", "8,9"]


def test_nonresponse_bounds_reach_the_data_table():
    table = indicator_rows().assign(population=39.0)
    table["nr_low"] = table["count"] / 39
    table["nr_high"] = (table["count"] + 39 - table["base"]) / 39
    fig = F.bar_shares(table, YES_NO, group="eig")
    # 13 of 21 among 39: 33–79 %
    assert fig.table[F.NR_COLUMN].tolist() == [f"33{D}79{S}%", f"21{D}67{S}%"]
    stacked = F.stacked_scale(table, ITEMS, group="eig")
    assert stacked.table.iloc[:, -1].tolist() == [f"51{D}97{S}%", f"26{D}77{S}%", "masqué"]  # 20/21 and 10/19 among 39


def test_complete_counts_are_drawn_without_interval():
    rows = pd.DataFrame({"count": [3, 9], "base": [9, 13], "share": [3 / 9, 9 / 13]})
    fig = F.bar_estimates(rows, labels=["Promotion 1", "Promotion 2"], title="Code publié", who="défis",
                          name="essai_comptage")
    assert "sans intervalle" in fig.caption and "IC" not in fig.alt
    assert list(fig.table.columns) == ["Option", "Effectif", "Base", "Part"]
    assert not [line for line in fig.fig.axes[0].lines]


def test_effective_size_of_a_masked_row_is_masked():
    # Kish's size of a suppressed weighted row would give back the small promotion base
    table = indicator_rows()
    extra = [_row("det_general", "top2", 18.2, 21, 0.6, 0.95, weighting="promotion", n_eff=14.2),
             _row("det_team", "top2", None, 19, None, None, weighting="promotion", n_eff=8.9)]
    for lv in range(6):
        extra += [_row("det_general", str(lv), 3, 21, 0, 0.5, weighting="promotion", n_eff=14.2),
                  _row("det_team", str(lv), None, 19, None, None, weighting="promotion", n_eff=8.9)]
    table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True)
    fig = F.grouped_by_promotion(table, ITEMS[:2], group="eig", by="weighting")
    assert fig.table["n eff."].tolist() == ["—", "14,2", "—", "masqué"]
    assert "8,9" not in fig.caption and "n eff. = 14,2" in fig.caption


def test_one_line_is_the_text_of_a_result_on_one_line():
    from helpers.figures import one_line

    assert one_line("Figure", "fig01", "Outils\n  maintenus", pd.DataFrame({"a": [1]})) == (
        "<Figure fig01: Outils maintenus — .data: 1 row>")
    assert one_line("Html", "", "x" * 80, pd.DataFrame({"a": [1, 2]})) == f"<Html: {'x' * 69}… — .data: 2 rows>"
