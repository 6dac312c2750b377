"""Differences between two promotions or two groups on a share, with Fisher's exact test.

With bases of 5 to 16 respondents, a chi-squared test's approximation does not
hold; Fisher's exact test conditions on the margins of the 2×2 table and is
exact at any size. The p-value is two-sided (scipy's default: tables as or
less probable than the one observed). A difference is a reading aid; a high
p-value says the data cannot tell the subgroups apart, not that they agree.

A difference, a test statistic and a p-value are functions of the two counts:
published beside a hidden cell, they give it back (with the margins, Fisher's
p-value often pins the count). :func:`involves_hidden` tells when a comparison
must show neither.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest, fisher_exact
from statsmodels.stats.contingency_tables import mcnemar

from helpers.disclosure import hidden_involved
from helpers.indicators import answer_matrix, categorical, group_frame, option_indices, question_of, scale_scores


def compare_counts(count_a: int, base_a: int, count_b: int, base_b: int) -> dict:
    """Shares a and b, their difference (a − b) and the two-sided Fisher p-value."""
    for count, base in ((count_a, base_a), (count_b, base_b)):
        if not 0 <= count <= base or base == 0:
            raise ValueError(f"a count must lie between 0 and a positive base, got {count}/{base}")
    table = [[count_a, base_a - count_a], [count_b, base_b - count_b]]
    share_a, share_b = count_a / base_a, count_b / base_b
    return {
        "count_a": int(count_a),
        "base_a": int(base_a),
        "share_a": share_a,
        "count_b": int(count_b),
        "base_b": int(base_b),
        "share_b": share_b,
        "difference": share_a - share_b,
        "p_value": float(fisher_exact(table, alternative="two-sided").pvalue),
    }


def parse_subgroup(spec: str, group: str) -> tuple[str, int | None]:
    """``"promotion=2"`` → (group, 2); ``"eig"``/``"mentor"``/``"both"`` → (that group, None)."""
    if spec.startswith("promotion="):
        return group, int(spec.split("=", 1)[1])
    return spec, None


def chose_any(survey, question_id: str, options, group: str, promotion: int | None) -> tuple[int, int]:
    """(count, base): answering respondents who chose any of ``options``, and all answering respondents."""
    question = question_of(survey, group, question_id)
    frame = group_frame(survey, group, promotion)
    answered, chosen = answer_matrix(frame, question)
    anyof = chosen[:, option_indices(question, options)].any(axis=1)
    return int((anyof & answered).sum()), int(answered.sum())


def compare_shares(survey, question_id: str, options, a: str, b: str, group: str = "eig") -> dict:
    """Compare subgroup ``a`` with ``b`` on the share choosing any of ``options``.

    ``a`` and ``b`` are each ``"promotion=N"`` (within ``group``) or a group name,
    e.g. ``compare_shares(s, "etalab_experts", ["yes"], "promotion=2", "promotion=1")``.
    Unweighted, on answering respondents; the result also names the two subgroups.
    """
    count_a, base_a = chose_any(survey, question_id, options, *parse_subgroup(a, group))
    count_b, base_b = chose_any(survey, question_id, options, *parse_subgroup(b, group))
    return {"question_id": question_id, "a": a, "b": b, **compare_counts(count_a, base_a, count_b, base_b)}


def paired_change(survey, before_id: str, after_id: str, group: str = "eig", promotions=None) -> dict:
    """The same respondents asked twice on one scale: who moved up, stayed, moved down.

    Only respondents who answered both questions count (``pairs``; the others
    are ``incomplete``). Two exact tests on the paired answers, never on the two
    margins as if they were independent samples: the sign test (binomial,
    p = 1/2, on the respondents who moved: ``sign_p``) and McNemar's exact test
    on the top-2 box (``top2`` = [[top-2 both times, before only], [after only,
    neither]], ``mcnemar_p``). Both two-sided; with no discordant pair, p = 1.
    """
    before_q, after_q = question_of(survey, group, before_id), question_of(survey, group, after_id)
    if before_q.type != "scale" or before_q.levels != after_q.levels:
        raise ValueError(f"{before_id} and {after_id}: a paired change needs two questions on the same scale")
    frame = group_frame(survey, group, promotions)
    before = scale_scores(categorical(frame, before_q))
    after = scale_scores(categorical(frame, after_q))
    both = ~np.isnan(before) & ~np.isnan(after)
    b, a = before[both], after[both]
    up, down = int((a > b).sum()), int((a < b).sum())
    top = float(before_q.top2[0])
    hi_b, hi_a = b >= top, a >= top
    top2 = [[int((hi_b & hi_a).sum()), int((hi_b & ~hi_a).sum())],
            [int((~hi_b & hi_a).sum()), int((~hi_b & ~hi_a).sum())]]
    discordant = top2[0][1] + top2[1][0]
    return {
        "pairs": int(both.sum()),
        "incomplete": int(len(frame) - both.sum()),
        "up": up,
        "same": int(both.sum()) - up - down,
        "down": down,
        "sign_p": float(binomtest(up, up + down, 0.5).pvalue) if up + down else 1.0,
        "top2": top2,
        "mcnemar_p": float(mcnemar(top2, exact=True).pvalue) if discordant else 1.0,
    }


def involves_hidden(table, question_id: str, options, a: str, b: str, group: str = "eig") -> bool:
    """True when a cell behind either side of the comparison is hidden in the published ``table``."""
    for spec in (a, b):
        source, promotion = parse_subgroup(spec, group)
        subgroup = "all" if promotion is None else f"promotion={promotion}"
        if hidden_involved(table, question_id, source, [subgroup], options):
            return True
    return False
