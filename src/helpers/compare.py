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

from scipy.stats import fisher_exact

from helpers.disclosure import hidden_involved
from helpers.indicators import answer_matrix, group_frame, option_indices, question_of


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


def involves_hidden(table, question_id: str, options, a: str, b: str, group: str = "eig") -> bool:
    """True when a cell behind either side of the comparison is hidden in the published ``table``."""
    for spec in (a, b):
        source, promotion = parse_subgroup(spec, group)
        subgroup = "all" if promotion is None else f"promotion={promotion}"
        if hidden_involved(table, question_id, source, [subgroup], options):
            return True
    return False
