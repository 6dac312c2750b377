"""Widgets over :mod:`helpers.explore` for the exploration notebook (notebooks/explore/).

Group, question, promotion, weighting, private mode and an optional second question
to cross with: each change recomputes one :class:`helpers.explore.Result` (kept in
:attr:`Dashboard.result`, its numbers in ``.data``) and shows it. Explorers are cached per
(promotions, min_cell), so moving between questions does not recompute the tables.
"""

from __future__ import annotations

from helpers.explore import Explorer, Result, load
from helpers.indicators import group_questions

__all__ = ["Dashboard", "dashboard"]

GROUPS = (("EIG", "eig"), ("Mentors", "mentor"), ("EIG et mentors", "both"))
WEIGHTINGS = (("non pondérée", "none"), ("pondérée par promotion", "promotion"))
#: Question types a chart or a cross-tab can show (free text and numbers cannot).
SHOWN = ("single", "yes_no", "yes_no_dk", "multi", "scale")
NONE = "(aucune)"


class Dashboard:
    """The controls, the output area, and the result on screen."""

    def __init__(self, data_dir: str = "data/sample", promotions=(1, 2)):
        import ipywidgets as w

        self.data_dir = data_dir
        self.kept = tuple(promotions) if promotions else None
        self._explorers: dict = {}
        self.result: Result | None = None
        self.error: str | None = None
        first = self.explorer()
        promotion_choices = [(f"promotions retenues ({', '.join(map(str, self.kept))})" if self.kept
                              else "toutes les promotions", "all")]
        present = sorted({int(p) for f in first.survey.frames.values() for p in f["promotion"].dropna()})
        promotion_choices += [(f"promotion {p}", str(p)) for p in present if not self.kept or p in self.kept]
        self.group = w.Dropdown(options=GROUPS, value="eig", description="Groupe")
        self.question = w.Dropdown(description="Question", layout=w.Layout(width="95%"))
        self.cross = w.Dropdown(description="Croiser avec", layout=w.Layout(width="95%"))
        self.promotion = w.Dropdown(options=promotion_choices, value="all", description="Promotion")
        self.weighting = w.ToggleButtons(options=WEIGHTINGS, value="none", description="Lecture")
        self.private = w.Checkbox(value=False, description="exploration privée (rien de masqué : non diffusable)",
                                  layout=w.Layout(width="95%"))
        self.output = w.Output()
        self._fill_questions()
        self.group.observe(self._on_group, names="value")
        for control in (self.question, self.cross, self.promotion, self.weighting, self.private):
            control.observe(lambda _change: self.refresh(), names="value")
        self.widget = w.VBox([w.HBox([self.group, self.promotion]), self.question, self.cross, self.weighting,
                              self.private, self.output])
        self.refresh()

    def explorer(self, promotion: str = "all", private: bool = False) -> Explorer:
        promotions = self.kept if promotion == "all" else (int(promotion),)
        key = (promotions, private)
        if key not in self._explorers:
            self._explorers[key] = load(self.data_dir, promotions=promotions, min_cell=0 if private else 3)
        return self._explorers[key]

    def _fill_questions(self) -> None:
        questions = group_questions(self.explorer().survey, self.group.value)
        choices = [(f"{q.text[:90]} [{q.id}]", q.id) for q in questions if q.type in SHOWN]
        self._quiet = True
        self.question.options = choices
        self.question.value = choices[0][1]
        self.cross.options = [(NONE, ""), *choices]
        self.cross.value = ""
        self._quiet = False

    def _on_group(self, _change) -> None:
        self._fill_questions()
        self.refresh()

    def compute(self) -> Result:
        """The result the controls ask for (a chart, or a cross-tab when a second question is chosen)."""
        ex = self.explorer(self.promotion.value, self.private.value)
        if self.cross.value and self.cross.value != self.question.value:
            return ex.crosstab(self.question.value, self.cross.value, group=self.group.value)
        return ex.show(self.question.value, self.group.value, weighting=self.weighting.value)

    def refresh(self) -> Result | None:
        if getattr(self, "_quiet", False):
            return self.result
        from IPython.display import display

        self.output.clear_output(wait=True)
        try:
            self.result, self.error = self.compute(), None
        except (KeyError, ValueError) as err:  # e.g. a weighted reading the audit withheld
            self.result, self.error = None, f"Lecture impossible : {err}"
        with self.output:
            display(self.result if self.result is not None else self.error)
        return self.result


def dashboard(data_dir: str = "data/sample", promotions=(1, 2)) -> Dashboard:
    """Build the dashboard; display ``board.widget`` in a notebook."""
    return Dashboard(data_dir, promotions)
