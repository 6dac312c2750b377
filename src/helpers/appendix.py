"""What an appendix notebook calls: one object per run, one method per thing shown.

Notebooks stay thin (narrative + one call per cell). ``Appendix`` is the run's data
(``helpers.views.Run``: the parameters, and the survey and its indicator tables loaded on
first use) and, for each thing shown, a method that hands over to the view module of its
topic: ``views_survey`` (charts and sentences of B–D), ``views_method`` (A),
``views_programme`` (E, public facts: never loads the survey) and ``views_claims`` (F).
"""

from __future__ import annotations

import functools
from functools import cached_property

from helpers import views_programme
from helpers.figures import set_style
from helpers.params import RunParams
from helpers.views import Html, Run
from helpers.views_claims import ClaimsViews
from helpers.views_method import MethodViews
from helpers.views_survey import SurveyViews


def _shown_by(topic: str, method):
    """An ``Appendix`` method calling ``method`` on the view object ``topic`` (its signature and docstring kept)."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        return method(getattr(self, topic), *args, **kwargs)

    return call


class Appendix(Run):
    """The data, parameters and indicator tables of one notebook run, and what its appendix shows."""

    @classmethod
    def from_namespace(cls, namespace: dict) -> Appendix:
        """From a notebook's variables (``Appendix.from_namespace(globals())``): every run parameter, by name."""
        from helpers.params import parameters

        return cls(**{name: namespace[name] for name in parameters() if name in namespace})

    def __init__(self, *args, save: bool | None = None, **kwargs):
        """The run parameters of ``helpers.params.RunParams`` (same order and defaults), checked first.

        ``save``: write the figures under ``out_dir/figures``. By default only when the
        pipeline runs the notebook for this ``out_dir`` (it sets ``HELPERS_OUT_DIR``), so
        exploring writes nothing under the report's outputs. The survey is not read here:
        it is loaded, and checked, by the first method that shows something of it.
        """
        super().__init__(RunParams(*args, **kwargs), save=save)
        set_style()

    @cached_property
    def _survey_views(self) -> SurveyViews:
        return SurveyViews(self)

    @cached_property
    def _method_views(self) -> MethodViews:
        return MethodViews(self)

    @cached_property
    def _claims_views(self) -> ClaimsViews:
        return ClaimsViews(self)

    # ---- charts and sentences about the answers (B–D) ----------------------------
    chart = _shown_by("_survey_views", SurveyViews.chart)
    fidelity = _shown_by("_survey_views", SurveyViews.fidelity)
    item_flags = _shown_by("_survey_views", SurveyViews.item_flags)
    published_check = _shown_by("_survey_views", SurveyViews.published_check)
    show = _shown_by("_survey_views", SurveyViews.show)
    share = _shown_by("_survey_views", SurveyViews.share)
    by_promotion = _shown_by("_survey_views", SurveyViews.by_promotion)
    weighting_effect = _shown_by("_survey_views", SurveyViews.weighting_effect)
    challenge_level = _shown_by("_survey_views", SurveyViews.challenge_level)
    compare = _shown_by("_survey_views", SurveyViews.compare)
    paired = _shown_by("_survey_views", SurveyViews.paired)
    verbatims = _shown_by("_survey_views", SurveyViews.verbatims)

    # ---- method appendix (A) -------------------------------------------------------
    response_rates = _shown_by("_method_views", MethodViews.response_rates)
    nonresponse = _shown_by("_method_views", MethodViews.nonresponse)
    nonresponse_example = _shown_by("_method_views", MethodViews.nonresponse_example)
    representation = _shown_by("_method_views", MethodViews.representation)
    representation_summary = _shown_by("_method_views", MethodViews.representation_summary)
    precision_summary = _shown_by("_method_views", MethodViews.precision_summary)
    challenges = _shown_by("_method_views", MethodViews.challenges)
    dataset_description = _shown_by("_method_views", MethodViews.dataset_description)
    disclosure_audit = _shown_by("_method_views", MethodViews.disclosure_audit)

    def parameters(self, *, survey: bool = True) -> Html:
        """The run's data set and parameters, in French, for the reader.

        ``survey=False`` for an appendix that reads no answer (E): what it reads instead, and
        that the survey's parameters do not apply to it — without loading the survey.
        """
        return self._method_views.parameters() if survey else views_programme.parameters(self.promotions)

    # ---- appendix E: the programme in figures (public facts, no survey) -----------
    programme_table = staticmethod(views_programme.table)
    programme_checks = staticmethod(views_programme.checks)
    programme_challenges = staticmethod(views_programme.challenges)
    programme_skills = staticmethod(views_programme.skills)
    programme_roster_gap = staticmethod(views_programme.roster_gap)

    def programme_source_code(self) -> Html:
        """Share of challenges with published source code, by promotion: figure and table."""
        return views_programme.source_code(self.confidence, self.figures_dir)

    # ---- appendix F: the claims check ---------------------------------------------
    @property
    def claims(self):
        """Every statement of the paper's text, recomputed on this run's data (``helpers.claims``)."""
        return self._claims_views.claims

    claims_context = _shown_by("_claims_views", ClaimsViews.claims_context)
    claims_summary = _shown_by("_claims_views", ClaimsViews.claims_summary)
    claims_verdicts = _shown_by("_claims_views", ClaimsViews.claims_verdicts)
    claims_rules = _shown_by("_claims_views", ClaimsViews.claims_rules)
    claims_table = _shown_by("_claims_views", ClaimsViews.claims_table)
    claims_by_verdict = _shown_by("_claims_views", ClaimsViews.claims_by_verdict)
    claims_granularity = _shown_by("_claims_views", ClaimsViews.claims_granularity)
    claims_not_claims = _shown_by("_claims_views", ClaimsViews.claims_not_claims)
