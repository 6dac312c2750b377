"""The determinism manifest: the run date is masked in HTML only, differences are listed."""

from helpers.manifest import differences, format_manifest, manifest, parse_manifest


def test_run_date_is_masked_in_html_only(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root, date in ((a, "2026-01-01"), (b, "2026-12-31")):
        (root / "report").mkdir(parents=True)
        (root / "report" / "x.html").write_text(f'<p>n = 21</p><time class="run-date">{date}</time>')
        (root / "tables").mkdir()
        (root / "tables" / "t.csv").write_text(f"date\n{date}\n")
        (root / ".staging").mkdir()
        (root / ".staging" / "tmp").write_text(date)
    ma, mb = manifest(a), manifest(b)
    assert sorted(ma) == ["report/x.html", "tables/t.csv"]
    assert differences(ma, mb) == ["differs: tables/t.csv"]


def test_manifest_round_trip_and_missing_extra(tmp_path):
    (tmp_path / "f.csv").write_text("a\n")
    entries = manifest(tmp_path)
    assert parse_manifest(format_manifest(entries)) == entries
    assert differences(entries, {}) == ["missing: f.csv"]
    assert differences({}, entries) == ["extra: f.csv"]
