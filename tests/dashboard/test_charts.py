"""The server-rendered SVG charts: well-formed, proportional, escaped, self-contained."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(html: str) -> list[ET.Element]:
    """The <svg> elements of a chart's markup (wide and narrow), parsed as XML."""
    svgs = re.findall(r"<svg.*?</svg>", str(html), flags=re.S)
    return [ET.fromstring(s.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)) for s in svgs]


def test_numbers_are_written_the_vietnamese_way():
    assert charts.number(1234567) == "1.234.567"
    assert charts.number(12.346, 2) == "12,35" and charts.number(-0.5, 1) == "-0,5"
    assert charts.number(7.5, 2) == "7,50" and charts.number(None) == "—"


def test_bars_are_proportional_to_their_values():
    html = charts.bar_chart([{"label": "A", "value": 50}, {"label": "B", "value": 25}], cid="t", title="Thử", max_value=100)
    wide, narrow = parse(html)
    bars = [float(r.get("width")) for r in wide.iter(f"{SVG}rect") if r.get("rx") == "2"]
    assert len(bars) == 2 and abs(bars[0] - 2 * bars[1]) < 0.2
    assert "50,00 %" in "".join(t.text or "" for t in wide.iter(f"{SVG}text"))


def test_marked_rows_are_starred_and_hatched_and_links_are_kept():
    html = charts.bar_chart([{"label": "Xã Trung Yên", "value": 30, "marked": True, "href": "/dashboard/?unit=02539"}],
                            cid="m", title="Thử")
    wide = parse(html)[0]
    texts = "".join(t.text or "" for t in wide.iter(f"{SVG}text"))
    assert "★ Xã Trung Yên" in texts
    assert any((r.get("fill") or "").startswith("url(#m-w-hatch") for r in wide.iter(f"{SVG}rect"))
    link = next(wide.iter(f"{SVG}a"))
    assert link.get("href") == "/dashboard/?unit=02539" and wide.get("role") == "group"


def test_labels_are_escaped_and_nothing_is_loaded_from_outside():
    html = str(charts.bar_chart([{"label": "<script>x</script>", "value": 1}], cid="e", title="<b>"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http" not in html
    line = str(charts.line_chart(cid="l", title="Xu hướng", years=[2021, 2022], series=[{"name": "Nghèo", "values": {2021: 10.0, 2022: None}, "color": "#000"}]))
    assert "http" not in line and len(parse(line)) == 2


def test_a_missing_year_breaks_the_line():
    html = charts.line_chart(cid="g", title="Xu hướng", years=[2021, 2022, 2023, 2024],
                             series=[{"name": "Nghèo", "values": {2021: 10.0, 2022: 9.0, 2023: None, 2024: 7.0}, "color": "#b00"}])
    wide = parse(html)[0]
    assert len(list(wide.iter(f"{SVG}polyline"))) == 2


def test_stacked_bars_fill_their_share_of_the_households_to_review():
    html = charts.stacked_chart([{"label": "Tân Trào", "values": {"done": 30}, "total": 120, "note": "25 %"}], cid="s", title="Tiến độ",
                                segments=[("done", "Đã xong", "#0a0")], rest="Chưa")
    wide = parse(html)[0]
    rects = [r for r in wide.iter(f"{SVG}rect") if r.get("height") == "16"]
    full, done = float(rects[0].get("width")), float(rects[1].get("width"))
    assert abs(done - full / 4) < 0.2


def test_an_empty_chart_says_there_are_no_figures():
    assert "Chưa có số liệu" in str(charts.bar_chart([], cid="z", title="Trống"))


def test_a_point_label_moves_off_another_series_line():
    """The value above a point goes elsewhere when another line runs just above the point (issue #15)."""
    years = [2021, 2022, 2023]
    series = [{"name": "Nghèo", "values": {y: 10.0 for y in years}, "color": "#b00", "labels": True},
              {"name": "Lộ trình", "values": {y: 10.8 for y in years}, "color": "#0a0", "dashed": True}]
    wide = parse(charts.line_chart(cid="p", title="Xu hướng", years=years, series=series))[0]
    points = [float(c.get("cy")) for c in wide.iter(f"{SVG}circle") if c.get("fill") == "#b00"]
    labels = [t for t in wide.iter(f"{SVG}text") if t.get("fill") == "#b00" and t.text == "10,0"]
    assert len(labels) == 3 and all(float(t.get("y")) > points[0] for t in labels)  # below the points, clear of the line
    assert all(t.get("paint-order") == "stroke" for t in labels)  # a white halo where a line still passes near
