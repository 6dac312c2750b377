"""Which column of an export answers which codebook question.

Form tools do not export the project's column names: Google Forms writes the full
wording (grids as ``Stem [Item]``), LimeSurvey writes codes (``G01Q02[SQ001]``)
or the wording, SPSS files carry variable names and labels. The unambiguous
layouts are recognised here without help; everything else is described in a
``mapping.yaml`` beside the export (schema-checked, documented in
data/README.md), which ``python -m helpers mapping suggest DIR`` drafts from the
closest codebook wording (``helpers.suggest``, above ``load``). The export itself is never modified.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from helpers.codebook import COMMON_COLUMNS, GROUPS, MULTI_SEP, Codebook
from helpers.problems import Problem

#: Column targets that carry no answer: the submission time (kept as metadata) and dropped columns.
TIMESTAMP, IGNORE = "timestamp", "ignore"
#: The mapping file, looked for beside the exports.
MAPPING_FILE = "mapping.yaml"
#: Cells read as a missing answer in every question type (compared case- and accent-insensitively).
MISSING_WORDS = (
    "N/A", "NA", "N.A.", "#N/A", "-", "--", "—", "néant", "Sans réponse", "Pas de réponse",
    "Non renseigné", "Non réponse", "NR", "null", "None", "NaN",
)
#: Headers of a submission time in common tools (Google Forms, Excel Forms, LimeSurvey).
TIMESTAMP_HEADERS = ("horodateur", "horodatage", "timestamp", "submitdate", "date de soumission",
                     "date submitted", "heure de fin", "completion time")
#: Bookkeeping columns of survey tools, carried no answer: dropped without a warning.
TOOL_COLUMNS = ("lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr", "refurl",
                "derniere page", "langue de depart", "date de debut", "date de la derniere action",
                "heure de debut", "adresse e-mail", "email address", "interviewtime")
#: Headers that hold a respondent id in common tools.
ID_HEADERS = ("id", "respondent id", "response id", "id de la reponse", "id de reponse", "identifiant",
              "numero de reponse", "token")
#: Headers read as the challenge (``defi``) column.
DEFI_HEADERS = ("defi", "nom du defi", "votre defi", "quel est votre defi ?", "quel etait votre defi ?",
                "intitule du defi")
#: Grid headers: ``Stem [Item]`` (Google Forms, LimeSurvey) or ``Stem - Item``.
_BRACKETS = re.compile(r"^(?P<stem>.*?)\s*\[(?P<item>[^\[\]]+)\]\s*$")
#: Lowest rapidfuzz score (0-100) for "did you mean", and for a suggestion to be written uncommented.
NEAR, SUGGEST = 80, 60

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "mapping.yaml: how an export's columns map to the codebook",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "missing_values": {"$ref": "#/$defs/words"},
        "eig": {"$ref": "#/$defs/group"},
        "mentor": {"$ref": "#/$defs/group"},
    },
    "$defs": {
        "words": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "group": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "file": {"type": "string", "pattern": r"^[^/\\]+\.(csv|tsv|txt|xlsx|sav)$"},
                "sheet": {"type": "string", "minLength": 1},
                "encoding": {"enum": ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252",
                                      "latin-1"]},
                "separator": {"enum": [",", ";", "\t"]},
                "skip_rows": {"type": "array", "items": {"type": "integer", "minimum": 2}},
                "ids": {"type": "string", "minLength": 1},
                "columns": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
                "answers": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
                },
                "not_asked": {"type": "array", "items": {"type": "string"}},
                "missing_values": {"$ref": "#/$defs/words"},
            },
        },
    },
}


def norm(text: str) -> str:
    """Matching key: no accents, no case, straight apostrophes, single spaces.

    Short texts are remembered: the loader asks for the key of every cell and of every option
    of its question, the same few hundred labels millions of times on a large export (long
    free-text answers, each seen once, are not kept)."""
    return _remembered(text) if isinstance(text, str) and len(text) <= 200 else _norm(text)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2018\u2019\u02bc\u00b4`]", "'", text).casefold().replace("\u0153", "oe")
    return " ".join(text.split())


_remembered = lru_cache(maxsize=1 << 16)(_norm)


def _stem_key(text: str) -> str:
    """A grid stem or wording without its closing punctuation (``… EIG ?`` = ``… EIG``)."""
    return norm(text).rstrip(" ?:.-")


@dataclass
class GroupMapping:
    """The mapping of one group's export (every field optional)."""

    file: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    separator: str | None = None
    skip_rows: tuple[int, ...] = ()
    ids: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    not_asked: tuple[str, ...] = ()
    missing_values: tuple[str, ...] = ()

    @property
    def row_number_ids(self) -> bool:
        return self.ids == "row_number"


@dataclass
class Mapping:
    """A data set's ``mapping.yaml``: its path, SHA-256 and one ``GroupMapping`` per group."""

    path: Path | None = None
    groups: dict[str, GroupMapping] = field(default_factory=dict)
    missing_values: tuple[str, ...] = ()

    def group(self, name: str) -> GroupMapping:
        return self.groups.get(name, GroupMapping())


def mapping_path(data_dir: Path | str, path: Path | str | None = None) -> Path | None:
    """The mapping in use: ``path`` when given, else ``DATA_DIR/mapping.yaml`` when it exists."""
    if path is not None:
        return Path(path)
    candidate = Path(data_dir) / MAPPING_FILE
    return candidate if candidate.is_file() else None


def load_mapping(data_dir: Path | str, path: Path | str | None = None,
                 codebooks: dict[str, Codebook] | None = None) -> tuple[Mapping, list[Problem]]:
    """Read and check the mapping (an empty one when there is none); problems name the YAML path."""
    path = mapping_path(data_dir, path)
    if path is None:
        return Mapping(), []
    file = str(path)
    fix = f"fix {path} (format: data/README.md, section 'The mapping file'), or move it away to start afresh"
    if not path.is_file():
        return Mapping(), [Problem(file, None, None, None, "a mapping file (not found)",
                                   hint="give the path of an existing mapping.yaml")]
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        return Mapping(), [Problem(file, mark.line + 1 if mark else None, None, None,
                                   f"a YAML mapping in UTF-8 ({type(err).__name__})", hint=fix)]
    doc = {} if doc is None else doc
    from helpers.codebook import _validator_class  # jsonschema, loaded as the codebook loads it

    errors = sorted(_validator_class()(SCHEMA).iter_errors(doc), key=lambda e: list(map(str, e.path)))
    if errors:
        return Mapping(), [Problem(file, None, "/".join(map(str, e.path)) or "(root)", None,
                                   f"a valid mapping: {e.message}", hint=fix) for e in errors]
    mapping = Mapping(path=path, missing_values=tuple(doc.get("missing_values", ())))
    for group in GROUPS:
        raw = doc.get(group) or {}
        columns = {str(k): (IGNORE if v is None else v) for k, v in (raw.get("columns") or {}).items()}
        answers = {q: {str(k): str(v) for k, v in a.items()} for q, a in (raw.get("answers") or {}).items()}
        mapping.groups[group] = GroupMapping(
            file=raw.get("file"), sheet=raw.get("sheet"), encoding=raw.get("encoding"),
            separator=raw.get("separator"), skip_rows=tuple(raw.get("skip_rows", ())), ids=raw.get("ids"),
            columns=columns, answers=answers, not_asked=tuple(raw.get("not_asked", ())),
            missing_values=tuple(raw.get("missing_values", ())),
        )
        if raw.get("ids") not in (None, "row_number"):  # ids: <column> names the id column
            mapping.groups[group].columns.setdefault(raw["ids"], "respondent_id")
    return mapping, _target_problems(mapping, codebooks, fix) if codebooks else []


def _target_problems(mapping: Mapping, codebooks: dict[str, Codebook], fix: str) -> list[Problem]:
    """Every id the mapping names must exist in the codebook."""
    problems = []
    for group, gm in mapping.groups.items():
        resolver = Resolver(codebooks[group])
        for source, target in gm.columns.items():
            if target not in resolver.targets:
                near = resolver.nearest(target, resolver.targets)
                problems.append(Problem(str(mapping.path), None, f"{group}/columns/{source}", target,
                                        "a codebook id, 'id__option', respondent_id, promotion, defi, "
                                        f"timestamp or ignore{near}", hint=fix))
        for qid in (*gm.not_asked, *gm.answers):
            if qid not in codebooks[group] and not (qid in ("promotion", "defi") and qid in gm.answers):
                near = resolver.nearest(qid, [q.id for q in codebooks[group]])
                problems.append(Problem(str(mapping.path), None, f"{group}", qid,
                                        f"a question id of the {group} codebook{near}", hint=fix))
    return problems


def missing_keys(mapping: Mapping, group: str) -> frozenset[str]:
    """Normalised cells that mean "no answer" for one group: the defaults and the mapping's words."""
    words = (*MISSING_WORDS, *mapping.missing_values, *mapping.group(group).missing_values)
    return frozenset(norm(w) for w in words)


# ---------------------------------------------------------------- matching headers


class Resolver:
    """Matches the header cells of one group's export to codebook columns."""

    def __init__(self, codebook: Codebook, mapping: GroupMapping | None = None):
        self.codebook = codebook
        self.mapping = mapping or GroupMapping()
        self.explicit = {norm(k): v for k, v in self.mapping.columns.items()}
        names = {norm(c): c for c in COMMON_COLUMNS}
        texts = [norm(q.text) for q in codebook]
        grids: dict[tuple[str, str], str] = {}
        for question in codebook:
            names[norm(question.id)] = question.id
            if texts.count(norm(question.text)) == 1:
                names[norm(question.text)] = question.id
            if question.item and norm(question.text).endswith(norm(question.item)):
                stem = norm(question.text)[: -len(norm(question.item))]
                grids[(_stem_key(stem), _stem_key(question.item))] = question.id
            if question.type == "multi":
                for option in question.options:
                    column = f"{question.id}{MULTI_SEP}{option.code}"
                    names[norm(column)] = column
                    names[norm(f"{question.id}{MULTI_SEP}{option.label}")] = column
                    grids[(_stem_key(question.text), _stem_key(option.label))] = column
        self.names, self.grids = names, grids
        self.targets = sorted({*names.values(), TIMESTAMP, IGNORE})
        #: Wordings (unique ones) and grid rows with what to show of them, for "did you mean" and suggestions.
        self.wordings = {norm(q.text): (q.id, q.text) for q in codebook if texts.count(norm(q.text)) == 1}
        self.rows = {}
        for question in codebook:
            if question.type == "multi":
                for option, column in zip(question.options, question.columns):
                    self.rows[(_stem_key(question.text), _stem_key(option.label))] = (
                        column, f"{question.text} [{option.label}]")
            elif question.item and norm(question.text).endswith(norm(question.item)):
                stem = question.text[: len(question.text) - len(question.item)].strip()
                self.rows[(_stem_key(stem), _stem_key(question.item))] = (question.id, f"{stem} [{question.item}]")

    def resolve(self, cell: str) -> str | None:
        """The target of one header cell, or None when nothing recognises it."""
        key = norm(cell)
        if not key:
            return None
        if key in self.explicit:
            return self.explicit[key]
        if key in self.names:
            return self.names[key]
        return self._grid(key) or self._common(key)

    def _grid(self, key: str) -> str | None:
        match = _BRACKETS.match(key)
        if match:
            return self.grids.get((_stem_key(match["stem"]), _stem_key(match["item"])))
        for found in re.finditer(r" - ", key):
            hit = self.grids.get((_stem_key(key[: found.start()]), _stem_key(key[found.end():])))
            if hit:
                return hit
        return None

    @staticmethod
    def _common(key: str) -> str | None:
        if key in TIMESTAMP_HEADERS:
            return TIMESTAMP
        if key in TOOL_COLUMNS:
            return IGNORE
        if key in ID_HEADERS:
            return "respondent_id"
        if key in DEFI_HEADERS:
            return "defi"
        if re.search(r"\bpromo(tion)?\b", key) and len(key) <= 80:
            return "promotion"
        return None

    def scored(self, text: str) -> tuple[str, float, str] | None:
        """(target, score 0-100, codebook wording) closest to ``text``: a grid row for ``Stem [Item]``."""
        from rapidfuzz import fuzz, process

        key = norm(text)
        match = _BRACKETS.match(key)
        if not key:
            return None
        if match and self.rows:  # the stem and the item must both be close
            stem, item = _stem_key(match["stem"]), _stem_key(match["item"])
            score, (target, shown) = max(
                ((min(fuzz.token_set_ratio(stem, s), fuzz.ratio(item, i)), value)
                 for (s, i), value in self.rows.items()), key=lambda pair: pair[0])
            return target, score, shown
        hit = process.extractOne(key, list(self.wordings), scorer=fuzz.token_sort_ratio, processor=None)
        if hit is None:
            return None
        target, shown = self.wordings[hit[0]]
        return target, hit[1], shown

    def nearest(self, text: str, choices=None, cutoff: int = NEAR) -> str:
        """``" (did you mean 'x'?)"`` for the closest codebook wording (or of ``choices``), else ``""``."""
        if choices is not None:
            from rapidfuzz import fuzz, process

            hit = process.extractOne(text, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
            return f" (did you mean '{hit[0]}'?)" if hit else ""
        best = self.scored(text)
        if best is None or best[1] < cutoff:
            return ""
        return f" (did you mean '{best[2]}', the question '{best[0]}'?)"

    def closest(self, texts: list[str]) -> tuple[str, float, str] | None:
        """(target, score, wording) closest to any of ``texts`` (a header, its label)."""
        found = [hit for hit in (self.scored(t) for t in texts if t) if hit]
        return max(found, key=lambda hit: hit[1]) if found else None


def label_row(resolver: Resolver, header: list[str], cells: list[str]) -> bool:
    """True when a row below the header holds the questions' wording (LimeSurvey's second header)."""
    filled = [c for c in cells if c.strip()]
    hits = sum(1 for h, c in zip(header, cells) if c.strip() and norm(c) != norm(h)
               and (resolver.resolve(c) not in (None, "promotion") or resolver.nearest(c)))
    return len(filled) >= 3 and hits * 2 >= len(filled)
