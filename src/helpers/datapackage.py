"""OUT/datapackage.json: the published tables described for reuse (Frictionless Data Package).

Each CSV under ``OUT/tables`` is a resource whose Table Schema is built from the
CSV's own header and the column dictionary below (French title and description,
type, unit, constraints): a column the dictionary does not describe, or a CSV
that no entry of :data:`TABLES` describes, is an error naming it, so adding a
column is one line here. Shares are fractions of 1 in every table. The package
carries the licences (Licence Ouverte 2.0 for the tables, MIT for the code that
makes them) and the sources (the paper, the questionnaires, the data set with
each file's SHA-256, the code's commit); it is validated with ``frictionless``
before it is written, and its bytes depend only on its inputs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

import yaml

from helpers import CODEBOOK_DIR, DATA_DIR, PROJECT_ROOT, outputs
from helpers.codebook import CLAIM_GROUPS, INDICATOR_GROUPS

NAME = "eig-annexes-impact-2019"
PACKAGE_FILE = "datapackage.json"
TABLES_DIR = "tables"
FRACTION = "fraction (de 0 à 1)"
PAPER = ("Etalab, « Mesurer l'impact d'un programme après 3 ans », document de travail sur le programme "
         "Entrepreneurs d'intérêt général (EIG), juin 2019 (Licence Ouverte 2.0)")
LICENCES = [{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
             "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}]
CODE_LICENCE = "MIT"


def field(title: str, type_: str, description: str, unit: str | None = None, **constraints) -> dict:
    """One column of the dictionary, as a Table Schema field (``name`` is added from the CSV header)."""
    out = {"title": title, "type": type_, "description": description}
    if unit:
        out["unit"] = unit
    if constraints:
        out["constraints"] = constraints
    return out


def share(title: str, description: str) -> dict:
    return field(title, "number", description, FRACTION, minimum=0, maximum=1)


def indicator_fields(who: str, counted: str) -> dict[str, dict]:
    """The indicator tables' columns; ``who`` counts the base (répondants, défis), ``counted`` the count."""
    hidden = " Vide quand la case est masquée (voir « suppressed »)."
    return {
        "question_id": field("Question", "string", "Identifiant de la question dans le dictionnaire des "
                             "questionnaires du dépôt (data/codebook).", required=True),
        "option": field("Modalité", "string", "Code de la réponse (dictionnaire des questionnaires) ; pour une "
                        "question à échelle, un niveau de l'échelle, ou « top2 » : ses deux niveaux les plus "
                        "hauts.", required=True),
        "group": field("Groupe", "string", "eig : entrepreneurs d'intérêt général ; mentor : leurs mentors ; "
                       "both : les deux réunis (questions posées à l'identique aux deux).",
                       required=True, enum=list(INDICATOR_GROUPS)),
        "subgroup": field("Sous-groupe", "string", "all : tout le groupe (promotions retenues) ; promotion=N : "
                          "la promotion N seule.", required=True, pattern="all|promotion=[0-9]+"),
        "weighting": field("Pondération", "string", "none : chaque unité compte pour une ; promotion : chaque "
                           "promotion pèse son effectif réel (lignes « all » seulement).",
                           required=True, enum=["none", "promotion"]),
        "base": field("Base", "integer", f"Nombre de {who} ayant répondu à la question dans ce groupe et ce "
                      "sous-groupe (non pondéré) : le dénominateur de la part.", who, required=True, minimum=0),
        "count": field("Effectif", "number", f"Nombre de {counted} pour la modalité ; sur une ligne pondérée, "
                       "part × base (non entier)." + hidden, counted, minimum=0),
        "share": share("Part", "Part de la base ayant choisi la modalité, en fraction de 1 (0,62 = 62 %)."
                       + hidden),
        "ci_low": share("Borne basse de l'intervalle de confiance", "Intervalle de Wilson au niveau de "
                        "confiance de l'exécution (95 % par défaut) ; sur une ligne pondérée, calculé sur la "
                        "taille effective (n_eff)." + hidden),
        "ci_high": share("Borne haute de l'intervalle de confiance", "Voir ci_low." + hidden),
        "suppressed": field("Case masquée", "boolean", "Vrai quand la case est masquée par le secret "
                            "statistique : effectif ou base sous le seuil de diffusion (MIN_CELL), ou case qui "
                            "permettrait de retrouver une case masquée par différence ; effectif, part et "
                            "intervalle sont alors vides.", required=True),
        "suppression": field("Raison du masquage", "string", "primary : effectif ou base sous le seuil de "
                             "diffusion ; secondary : masquée pour qu'une autre case masquée ne puisse être "
                             "retrouvée par différence ; masked : masquée sans dire laquelle des deux raisons "
                             "(le dire en révélerait trop). Vide quand la case est diffusée.",
                             enum=["primary", "secondary", "masked"]),
        "missing": field("Sans réponse", "integer", f"Nombre de {who} du groupe et du sous-groupe qui n'ont pas "
                         "répondu à la question (comptés à part, jamais comme « non »).", who, minimum=0),
        "n_eff": field("Taille effective", "number", "Taille effective de Kish, (Σw)² / Σw², de l'échantillon "
                       "pondéré ; égale à la base sur une ligne non pondérée.", who, minimum=0),
        "population": field("Population", "number", "Effectif total du groupe et du sous-groupe selon le "
                            "tableau du programme (p. 8 du document de travail) ; vide quand il est inconnu.",
                            "personnes", minimum=0),
        "nr_low": share("Borne basse de non-réponse (Manski)", "Part dans toute la population si aucun "
                        "non-répondant n'avait choisi la modalité : k / N. Sans hypothèse sur les "
                        "non-répondants ; vide quand la population est inconnue." + hidden),
        "nr_high": share("Borne haute de non-réponse (Manski)", "Part dans toute la population si tous les "
                         "non-répondants avaient choisi la modalité : (k + N − n) / N." + hidden),
    }


CLAIMS_FIELDS = {
    "claim_id": field("Affirmation", "string", "Identifiant de l'affirmation dans le registre du dépôt "
                      "(data/published/claims.yaml) ; « table_… » pour les vérifications du tableau du "
                      "programme (p. 8).", required=True, unique=True),
    "page": field("Page", "integer", "Page du document de travail où figure l'affirmation.", "page",
                  required=True, minimum=1),
    "quote": field("Citation", "string", "Le passage du document de travail, tel qu'imprimé.", required=True),
    "group": field("Population", "string", "eig, mentor, both (les deux) ou programme (chiffres du "
                   "programme, hors enquête).", required=True, enum=list(CLAIM_GROUPS)),
    "promotions": field("Promotions", "string", "Promotions sur lesquelles l'affirmation est vérifiée "
                        "(séparées par une espace) ; vide quand elle ne porte pas sur l'enquête.",
                        pattern="[0-9]+( [0-9]+)*"),
    "base": field("Base", "integer", "Nombre de réponses (ou de défis, ou de mentions) sur lequel la part "
                  "recalculée est calculée ; vide pour un effectif.", minimum=0),
    "unit": field("Unité", "string", "Unité des colonnes published et recomputed : fraction (part de 0 à 1), "
                  "count (effectif), year (année), euro ; vide pour une affirmation non recalculée, dont le "
                  "nombre est recopié tel qu'imprimé (durée, date, montant ou effectif, jamais une part).",
                  enum=["fraction", "count", "year", "euro"]),
    "published": field("Valeur publiée", "string", "Le nombre du texte dans l'unité de la ligne (0,62 pour "
                       "« 62 % ») ; le seuil de la règle pour « majorité » (0,5) ou « très large majorité » "
                       "(0,75) ; « 2/3 » pour « deux tiers » ; « 2 ou 3 » pour plusieurs valeurs."),
    "expression": field("Formulation", "string", "Comment le texte énonce le nombre (exact, lower_bound, "
                        "approx, majority, count, ranking…) ; la règle de chaque formulation est donnée dans "
                        "l'annexe F."),
    "recomputed": field("Valeur recalculée", "number", "La valeur recalculée à partir des données, dans "
                        "l'unité de la ligne ; pour un classement, la part la plus basse des éléments cités. "
                        "Vide quand elle n'est pas calculable ou qu'elle est masquée (voir detail)."),
    "ci_low": share("Borne basse de l'intervalle de confiance", "Intervalle de Wilson de la part recalculée ; "
                    "vide pour un effectif, une année ou un montant."),
    "ci_high": share("Borne haute de l'intervalle de confiance", "Voir ci_low."),
    "verdict": field("Verdict (code)", "string", "Code stable du verdict ; son libellé est dans verdict_fr.",
                     required=True, enum=["match", "rounding", "other_reading", "mismatch", "not_computable",
                                          "calibrated_unverifiable"]),
    "verdict_fr": field("Verdict", "string", "Libellé français du verdict.", required=True),
    "detail": field("Détail", "string", "Ce qui a été recalculé et comparé, l'écart, ou pourquoi la valeur "
                    "est masquée ou non calculable."),
    "base_note": field("Base retenue", "string", "Sur quelle population et quelle question la base est prise."),
}

GRANULARITY_FIELDS = {
    "source": field("Source", "string", "Identifiant de l'affirmation du registre, ou "
                    "« graphique:question:modalité » pour une valeur d'un graphique publié.",
                    required=True, unique=True),
    "kind": field("Type", "string", "claim : affirmation du texte ; figure : valeur d'un graphique.",
                  required=True, enum=["claim", "figure"]),
    "page": field("Page", "integer", "Page du document de travail.", "page", required=True, minimum=1),
    "quote": field("Citation", "string", "Le passage, ou la série et la catégorie du graphique."),
    "expression": field("Formulation", "string", "exact, lower_bound (« plus de »), upper_bound "
                        "(« moins de ») ou approx (« près de »).",
                        enum=["exact", "lower_bound", "upper_bound", "approx"]),
    "published": share("Pourcentage imprimé", "Le pourcentage du document de travail, en fraction de 1 "
                       "(0,7 pour « 70 % »).") | {"constraints": {"required": True, "minimum": 0, "maximum": 1}},
    "base": field("Base publiée", "integer", "Nombre de répondants que le document publie pour cette valeur ; "
                  "vide quand il n'en publie aucun.", "répondants", minimum=1),
    "base_origin": field("Origine de la base", "string", "D'où vient la base (graphique, nombre de "
                         "répondants annoncé p. 9…)."),
    "feasible_half_up": field("Atteignable (arrondi)", "boolean", "Vrai quand un nombre entier de répondants "
                              "sur la base donne ce pourcentage arrondi au plus proche ; vide sans base."),
    "feasible_truncated": field("Atteignable (tronqué)", "boolean", "Idem, le pourcentage étant tronqué."),
    "counts": field("Effectifs compatibles", "string", "Les effectifs (séparés par une espace) qui donnent ce "
                    "pourcentage arrondi sur la base."),
    "nearest": share("Part atteignable la plus proche", "La part k / base la plus proche de la valeur "
                     "imprimée, en fraction de 1 ; vide sans base."),
    "nearest_count": field("Effectif le plus proche", "string", "k/base de la part la plus proche (« 12/13 »)."),
    "implied_bases": field("Bases possibles (arrondi)", "string", "Les bases de 1 à 60 sur lesquelles le "
                           "pourcentage est atteignable en arrondissant (séparées par une espace)."),
    "implied_bases_truncated": field("Bases possibles (tronqué)", "string", "Idem en tronquant."),
    "closest_bases": field("Bases possibles les plus proches", "string", "Les bases atteignables les plus "
                           "proches de la base publiée, au-dessous et au-dessus."),
}

AUDIT_FIELDS = {
    "unit": field("Unité", "string", "respondent : table des répondants ; defi : un vote par défi.",
                  enum=["respondent", "defi"]),
    "question_id": field("Question", "string", "Identifiant de la question (data/codebook)."),
    "group": field("Groupe", "string", "eig, mentor ou both.", enum=list(INDICATOR_GROUPS)),
    "subgroup": field("Sous-groupe", "string", "all ou promotion=N.", pattern="all|promotion=[0-9]+"),
    "weighting": field("Pondération", "string", "none ou promotion.", enum=["none", "promotion"]),
    "option": field("Modalité", "string", "Code de la réponse."),
    "kind": field("Raison du masquage", "string", "primary, secondary ou masked (voir indicators.csv).",
                  enum=["primary", "secondary", "masked"]),
    "base": field("Base", "integer", "Base de la case masquée.", minimum=0),
    "low": field("Effectif minimal déductible", "integer", "Le plus petit effectif compatible avec tout ce qui "
                 "est publié.", minimum=0),
    "high": field("Effectif maximal déductible", "integer", "Le plus grand effectif compatible avec tout ce qui "
                  "est publié.", minimum=0),
    "required": field("Étendue exigée", "integer", "Nombre de valeurs que l'intervalle doit couvrir pour que la "
                      "case soit protégée.", minimum=0),
    "protected": field("Protégée", "boolean", "Vrai quand l'intervalle déductible est assez large."),
}

#: Every table published under OUT/tables: file → title, description, primary key, columns, sources.
TABLES = {
    "indicators.csv": {
        "name": "indicators", "required": True,
        "title": "Indicateurs de l'enquête, par répondant",
        "description": "Chaque part de l'enquête (toutes les questions comptées, chaque modalité) avec sa base, "
                       "son intervalle de confiance et le masquage des petites cases ; une ligne par question, "
                       "modalité, groupe, sous-groupe et pondération. Les graphiques des annexes en sont tirés.",
        "primaryKey": ["question_id", "option", "group", "subgroup", "weighting"],
        "fields": indicator_fields("répondants", "répondants"),
        "sources": ("data", "questionnaires"),
    },
    "indicators-defi.csv": {
        "name": "indicators-defi", "required": False,
        "title": "Indicateurs de l'enquête, un vote par défi",
        "description": "La même table lue au niveau des défis : chaque défi compte pour une voix (la réponse la "
                       "plus fréquente de ses répondants), lecture de sensibilité non pondérée.",
        "primaryKey": ["question_id", "option", "group", "subgroup", "weighting"],
        "fields": indicator_fields("défis", "défis"),
        "sources": ("data", "questionnaires"),
    },
    "claims.csv": {
        "name": "claims", "required": True,
        "title": "Vérification des affirmations chiffrées du document de travail",
        "description": "Chaque nombre que le document de travail énonce, recalculé à partir des données ou des "
                       "tableaux publiés, avec un verdict gradué ; puis les vérifications arithmétiques du "
                       "tableau « Le programme EIG en chiffres » (p. 8). La colonne unit dit l'unité de chaque "
                       "ligne ; les parts y sont des fractions de 1.",
        "primaryKey": ["claim_id"],
        "fields": CLAIMS_FIELDS,
        "sources": ("paper", "registry", "programme", "data", "questionnaires"),
    },
    "granularity.csv": {
        "name": "granularity", "required": True,
        "title": "Pourcentages imprimés et bases publiées",
        "description": "Chaque pourcentage imprimé (texte et graphiques) : est-il atteignable sur la base que "
                       "le document publie (test GRIM) ? Ne dépend que des nombres publiés, pas des données.",
        "primaryKey": ["source"],
        "fields": GRANULARITY_FIELDS,
        "sources": ("paper", "registry", "figures"),
    },
    "audit.csv": {
        "name": "audit", "required": False,
        "title": "Audit du secret statistique",
        "description": "Pour chaque case masquée des tables d'indicateurs, l'intervalle d'effectifs qu'on peut "
                       "en déduire à partir de tout ce qui est publié, et s'il est assez large.",
        "primaryKey": ["unit", "question_id", "group", "subgroup", "weighting", "option"],
        "fields": AUDIT_FIELDS,
        "sources": ("data", "questionnaires"),
    },
}


class PackageError(ValueError):
    """A published table the dictionary cannot describe, or a package that does not validate."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh), [])


def schema(name: str, path: Path) -> dict:
    """The Table Schema of one CSV: its header's columns, in order, from the dictionary."""
    spec = TABLES[name]
    columns = header(path)
    unknown = [c for c in columns if c not in spec["fields"]]
    if unknown:
        raise PackageError(f"{path}: column(s) {', '.join(repr(c) for c in unknown)} not described in the "
                           f"column dictionary; add them to helpers.datapackage.TABLES[{name!r}]['fields']")
    return {"fields": [{"name": c, **spec["fields"][c]} for c in columns],
            "missingValues": [""], "primaryKey": spec["primaryKey"]}


def _relative(path: Path) -> str:
    """A path as the reader of the package knows it: inside the repository, relative to it."""
    resolved = path.resolve()
    return (resolved.relative_to(PROJECT_ROOT) if resolved.is_relative_to(PROJECT_ROOT) else path).as_posix()


def sources(data_dir: Path) -> dict[str, list[dict]]:
    """Every source a table may name, by key; files with their SHA-256."""
    from helpers.sidecar import is_synthetic
    from helpers.origin import fingerprints

    def file_source(title: str, path: Path) -> dict:
        return {"title": title, "path": _relative(path), "hash": f"sha256:{sha256(path)}"}

    kind = "échantillon synthétique (réponses inventées)" if is_synthetic(data_dir) else "réponses à l'enquête"
    questionnaires = []
    for path in sorted(CODEBOOK_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        questionnaires.append(file_source(f"{doc['title']}, transcrit en dictionnaire des questions "
                                          f"(d'après : {doc['source']})", path))
    return {
        "paper": [{"title": PAPER}],
        "questionnaires": questionnaires,
        "data": [{"title": f"Jeu de données, {kind} : {Path(p).name}", "path": _relative(Path(p)),
                  "hash": f"sha256:{digest}"} for p, digest in fingerprints(data_dir)],
        "registry": [file_source("Registre des affirmations chiffrées du document de travail, transcrites",
                                 DATA_DIR / "published" / "claims.yaml")],
        "figures": [file_source("Valeurs des graphiques du document de travail, transcrites",
                                DATA_DIR / "published" / "figures.csv")],
        "programme": [file_source("Tableau « Le programme EIG en chiffres » (p. 8), transcrit",
                                  DATA_DIR / "programme" / "programme.csv")],
    }


def descriptor(out_dir: Path, data_dir: Path, *, confidence: float, min_cell: int,
               promotions: str = "") -> dict:
    """The package: one resource per CSV of ``out_dir/tables`` (dictionary order), licences, sources."""
    from helpers.origin import git_state

    tables = out_dir / TABLES_DIR
    present = sorted(p.name for p in tables.glob("*.csv")) if tables.is_dir() else []
    strangers = [n for n in present if n not in TABLES]
    if strangers:
        raise PackageError(f"{tables}: {', '.join(strangers)} not described; add an entry to "
                           "helpers.datapackage.TABLES (title, description, primary key, columns)")
    missing = [n for n, spec in TABLES.items() if spec["required"] and n not in present]
    if missing:
        raise PackageError(f"{tables}: {', '.join(missing)} missing; run `make report` (it writes the tables first)")
    known = sources(data_dir)
    resources = []
    for name, spec in TABLES.items():
        if name not in present:
            continue
        path = tables / name
        resources.append({
            "name": spec["name"], "title": spec["title"], "description": spec["description"],
            "path": f"{TABLES_DIR}/{name}", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": path.stat().st_size, "hash": f"sha256:{sha256(path)}",
            "schema": schema(name, path),
            "sources": [s for key in spec["sources"] for s in known[key]],
        })
    commit, dirty = git_state()
    parameters = (f"niveau de confiance {confidence:g}, seuil de diffusion {min_cell} "
                  f"(MIN_CELL), promotions {promotions.strip() or 'toutes'}")
    return {
        "name": NAME,
        "title": "Tables des annexes du document de travail « Mesurer l'impact d'un programme après 3 ans » "
                 "(programme EIG, 2019)",
        "description": (
            "Les tables publiées avec les annexes : indicateurs de l'enquête auprès des entrepreneurs d'intérêt "
            "général et de leurs mentors, vérification des affirmations chiffrées du document de travail, "
            "granularité des pourcentages imprimés. Toutes les parts sont des fractions de 1 (0,62 = 62 %). "
            "Une case masquée par le secret statistique est vide, et une colonne dit qu'elle l'est. "
            f"Paramètres de l'exécution : {parameters}. "
            f"Tables sous Licence Ouverte 2.0 ; le code qui les produit est sous licence {CODE_LICENCE} "
            f"(commit {commit}{', arbre de travail modifié' if dirty else ''})."
        ),
        "licenses": LICENCES,
        "sources": [*known["paper"], *known["questionnaires"], *known["data"],
                    {"title": f"Code du dépôt (licence {CODE_LICENCE}), commit {commit}"
                              f"{' (arbre de travail modifié)' if dirty else ''}"}],
        "resources": resources,
    }


def problems(package: dict, out_dir: Path) -> list[str]:
    """What frictionless finds wrong with the package (tables read from ``out_dir``), one line each."""
    from frictionless import Package

    report = Package(package, basepath=str(out_dir)).validate()
    return [f"{task.name}: row {e.get('rowNumber', '-')}, column {e.get('fieldName', '-')}: {e['note'] or e['type']}"
            for task in report.tasks for e in (err.to_dict() for err in task.errors)] + \
           [f"package: {e.note}" for e in report.errors]


def write(out_dir: Path, data_dir: Path, *, confidence: float, min_cell: int, promotions: str = "") -> Path:
    """Build, validate and write ``out_dir/datapackage.json``; nothing is written if it does not validate."""
    package = descriptor(out_dir, data_dir, confidence=confidence, min_cell=min_cell, promotions=promotions)
    found = problems(package, out_dir)
    if found:
        raise PackageError(f"{out_dir / PACKAGE_FILE}: the tables do not match their description "
                           f"({len(found)} problem(s)):\n  " + "\n  ".join(found[:20]))
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    return outputs.write_text(outputs.target(out_dir, PACKAGE_FILE), text)


def resources(package_path: Path) -> list[dict]:
    """(title, path relative to the package) of each table a written package describes (for the index)."""
    package = json.loads(Path(package_path).read_text(encoding="utf-8"))
    return [{"title": r["title"], "path": r["path"], "name": Path(r["path"]).name} for r in package["resources"]]


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers datapackage --out OUT --data DATA``: write OUT/datapackage.json."""
    parser = argparse.ArgumentParser(prog="python -m helpers datapackage", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="the output directory (holds tables/)")
    parser.add_argument("--data", required=True, type=Path, help="the data set the tables were computed from")
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--min-cell", type=int, default=3)
    parser.add_argument("--promotions", default="")
    args = parser.parse_args(argv)
    try:
        write(args.out, args.data, confidence=args.confidence, min_cell=args.min_cell, promotions=args.promotions)
    except PackageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0
