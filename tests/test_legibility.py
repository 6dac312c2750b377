"""Charts legible on a phone: no text under MIN_TEXT_PT, no overlapping row labels (issue 17, item 4).

The browser test (tests/test_browser.py) measures that a chart is never shrunk at 390 px; these
measure the drawn figures themselves.
"""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from helpers.appendix import Appendix
from helpers.figures import MIN_TEXT_PT, Figure


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    app = Appendix(data_dir="data/sample", out_dir=tmp_path_factory.mktemp("legible"))
    shown = [app.show("skill_profile", "eig"), app.by_promotion("tool_maintained", "both"),
             app.weighting_effect("etalab_expertise", "eig"),
             app.show(["willingness_before", "willingness_after"], "eig",  # fig23, its two-line title
                      title="Volonté de continuer à travailler dans l'administration avant et après le programme EIG"),
             app.show(["tech_environment_adapted", "work_arrangements_satisfaction"], "eig", title="t")]
    return [c for c in shown if isinstance(c, Figure)]


def test_no_chart_text_is_smaller_than_min_text_pt(charts):
    sizes = [t.get_fontsize() for c in charts for t in c.fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(charts) == 5 and sizes
    assert min(sizes) >= MIN_TEXT_PT


def test_row_labels_do_not_overlap(charts):
    """fig23's two items (three-line labels above a two-row legend) overlapped before the legend got its room."""
    for chart in charts:
        fig = chart.fig
        FigureCanvasAgg(fig)  # a canvas that lays text out (the figure is not attached to pyplot)
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        for ax in fig.axes:
            boxes = sorted((t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()),
                           key=lambda b: b.y0)
            for low, high in zip(boxes, boxes[1:]):
                assert low.y1 <= high.y0 + 0.5, (chart.name, low, high)
