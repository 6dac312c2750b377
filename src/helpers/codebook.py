"""The codebook: questions, types, options and scales, one YAML file per group.

It is the single source of truth: the loader, the validation, the indicators,
the figures and the synthetic sample are all driven by it, so adding a
question never needs new code. Each YAML file is checked against
``data/codebook/codebook.schema.json`` (JSON Schema) when it is read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helpers import CODEBOOK_DIR

#: The surveyed groups, each with its own codebook and export.
GROUPS = ("eig", "mentor")
#: The groups of the indicators: each surveyed group, and ``both`` (EIG and mentors pooled, on the
#: questions asked to both with the same options, see ``poolable``).
INDICATOR_GROUPS = (*GROUPS, "both")
#: Whom a claim of the paper is about (``helpers.claims``): an indicator group, or the programme
#: (its table, not the survey). Here so that the data package's schema needs no statistics.
CLAIM_GROUPS = (*INDICATOR_GROUPS, "programme")
#: The surveyed groups an indicator group reads.
MEMBERS = {"eig": ("eig",), "mentor": ("mentor",), "both": GROUPS}
#: Each group's name in French, as pages print it (in a sentence and in a table cell alike).
GROUP_NAMES = {"eig": "EIG", "mentor": "mentors", "both": "EIG et mentors"}
TYPES = ("scale", "single", "multi", "yes_no", "yes_no_dk", "free_text", "numeric")
AXES = ("tools", "transformation", "programme", "profile")
#: Option codes of the fixed-option types; their French labels live in the YAML too.
FIXED_OPTIONS = {
    "yes_no": ("yes", "no"),
    "yes_no_dk": ("yes", "no", "dont_know"),
}
#: Columns every respondent row carries besides the questions.
COMMON_COLUMNS = ("respondent_id", "promotion", "defi")
MULTI_SEP = "__"


class CodebookError(ValueError):
    """The codebook itself is malformed (file, path in the YAML, message)."""


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class Question:
    """One question of one group's questionnaire."""

    id: str
    group: str
    text: str
    type: str
    axis: str
    options: tuple[Option, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    low_label: str | None = None
    high_label: str | None = None
    figure: str | None = None
    item: str | None = None
    claims: tuple[str, ...] = ()
    #: ``(question_id, option codes)``: the question is only asked after one of these answers.
    asked_if: tuple[str, tuple[str, ...]] | None = None
    #: Promotions the question concerns (e.g. a seminar held for promotion 2 only); empty: all.
    promotions: tuple[int, ...] = ()

    @property
    def is_categorical(self) -> bool:
        return self.type in ("scale", "single", "yes_no", "yes_no_dk")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    @property
    def columns(self) -> tuple[str, ...]:
        """Tidy column names: one per option for ``multi``, else the id."""
        if self.type == "multi":
            return tuple(f"{self.id}{MULTI_SEP}{c}" for c in self.codes)
        return (self.id,)

    @property
    def levels(self) -> tuple[int, ...]:
        """Scale levels, lowest first (empty for non-scale questions)."""
        if self.type != "scale":
            return ()
        return tuple(range(self.scale_min, self.scale_max + 1))

    @property
    def top2(self) -> tuple[int, ...]:
        """The two highest levels of the declared scale (top-2 box)."""
        return self.levels[-2:]

    def label(self, code) -> str:
        """French label of an option code (or of a scale level)."""
        for o in self.options:
            if o.code == str(code):
                return o.label
        raise KeyError(f"{self.id}: unknown option {code!r}")


@dataclass(frozen=True)
class Codebook:
    group: str
    title: str
    questions: dict[str, Question] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.questions.values())

    def __getitem__(self, qid: str) -> Question:
        return self.questions[qid]

    def __contains__(self, qid: str) -> bool:
        return qid in self.questions

    def by_axis(self, axis: str) -> list[Question]:
        return [q for q in self if q.axis == axis]

    def by_figure(self, figure: str) -> list[Question]:
        return [q for q in self if q.figure == figure]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every tidy column, common fields first, in codebook order."""
        cols = list(COMMON_COLUMNS)
        for q in self:
            cols.extend(q.columns)
        return tuple(cols)


def _scale_options(lo: int, hi: int, low: str | None, high: str | None) -> tuple[Option, ...]:
    opts = []
    for v in range(lo, hi + 1):
        label = str(v)
        if v == lo and low:
            label = f"{v} - {low}"
        elif v == hi and high:
            label = f"{v} - {high}"
        opts.append(Option(str(v), label))
    return tuple(opts)


def _schema() -> dict:
    return json.loads((CODEBOOK_DIR / "codebook.schema.json").read_text(encoding="utf-8"))


def _validator_class():
    """jsonschema's 2020-12 validator (its IRI grammar skipped: see ``helpers/__init__.py``)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator


def _check(doc: dict, path: Path) -> None:
    errors = sorted(_validator_class()(_schema()).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        lines = [f"{path}: {'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors]
        raise CodebookError("\n".join(lines))


def _question(raw: dict, group: str, doc: dict, path: Path, previous: dict[str, Question]) -> Question:
    qtype = raw["type"]
    scale = {}
    if qtype == "scale":
        name = raw["scale"]
        if name not in doc.get("scales", {}):
            raise CodebookError(f"{path}: question {raw['id']}: unknown scale {name!r}")
        scale = doc["scales"][name]
        options = _scale_options(scale["min"], scale["max"], scale.get("low"), scale.get("high"))
    elif "options" in raw:
        opts = raw["options"]
        if isinstance(opts, str):  # a named option set
            if opts not in doc.get("option_sets", {}):
                raise CodebookError(f"{path}: question {raw['id']}: unknown option set {opts!r}")
            opts = doc["option_sets"][opts]
        options = tuple(Option(str(o["code"]), o["label"]) for o in opts)
    else:
        options = ()
    if qtype in FIXED_OPTIONS and tuple(o.code for o in options) != FIXED_OPTIONS[qtype]:
        raise CodebookError(
            f"{path}: question {raw['id']}: a {qtype} question needs the options "
            f"{', '.join(FIXED_OPTIONS[qtype])} in that order"
        )
    if qtype in ("single", "multi") and not options:
        raise CodebookError(f"{path}: question {raw['id']}: a {qtype} question needs options")
    asked_if = None
    if "asked_if" in raw:
        parent = previous.get(raw["asked_if"]["question"])
        wanted = tuple(str(c) for c in raw["asked_if"]["options"])
        if parent is None or not set(wanted) <= set(parent.codes):
            raise CodebookError(
                f"{path}: question {raw['id']}: asked_if must name an earlier question and its option codes"
            )
        asked_if = (parent.id, wanted)
    return Question(
        id=raw["id"],
        group=group,
        text=raw["text"],
        type=qtype,
        axis=raw["axis"],
        options=options,
        scale_min=scale.get("min"),
        scale_max=scale.get("max"),
        low_label=scale.get("low"),
        high_label=scale.get("high"),
        figure=raw.get("figure"),
        item=raw.get("item"),
        claims=tuple(raw.get("claims", ())),
        asked_if=asked_if,
        promotions=tuple(int(p) for p in raw.get("promotions", ())),
    )


def read_yaml(path: Path | str):
    """One of the project's own YAML files (codebooks, claims registry), read by nearly every process:
    with libyaml's parser when PyYAML has it, 8× faster than the pure-Python one on these files."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_codebook(group: str, codebook_dir: Path | str = CODEBOOK_DIR) -> Codebook:
    """Read and check ``<codebook_dir>/<group>.yaml``."""
    path = Path(codebook_dir) / f"{group}.yaml"
    doc = read_yaml(path)
    _check(doc, path)
    if doc["group"] != group:
        raise CodebookError(f"{path}: group is {doc['group']!r}, expected {group!r}")
    questions: dict[str, Question] = {}
    for raw in doc["questions"]:
        if raw["id"] in questions:
            raise CodebookError(f"{path}: question id {raw['id']!r} is defined twice")
        questions[raw["id"]] = _question(raw, group, doc, path, questions)
    return Codebook(group=group, title=doc["title"], questions=questions)


def load_codebooks(codebook_dir: Path | str = CODEBOOK_DIR) -> dict[str, Codebook]:
    """Both groups' codebooks, keyed by group."""
    return {g: load_codebook(g, codebook_dir) for g in GROUPS}


def poolable(codebooks: dict[str, Codebook]) -> list[str]:
    """Ids asked to both groups with the same type and options (the ``both`` group)."""
    eig, mentor = codebooks["eig"], codebooks["mentor"]
    return [
        q.id
        for q in eig
        if q.id in mentor
        and mentor[q.id].type == q.type
        and mentor[q.id].codes == q.codes
        and q.type not in ("free_text", "numeric")
    ]
