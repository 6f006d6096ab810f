"""Charts drawn on the server as inline SVG: no CDN, no Node, no JavaScript (DESIGN.md, static assets).

Every chart is rendered twice — a wide layout for office screens (1366×768) and print, and a narrow one with
larger type and labels above the bars for phones — and the page's CSS shows one of them (`.chart-wide`,
`.chart-narrow`). Vector output prints sharply; colours carry `print-color-adjust: exact`, and marked bars are
hatched as well as coloured, so a black-and-white print still tells them apart. Each chart has its table beneath it
on the page: the chart is a picture of the table, never the only place a figure appears.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

POOR = "#b3261e"
NEAR_POOR = "#d98e04"
TARGET = "#1e7b34"
ETHNIC = "#6a3d9a"
NEUTRAL = "#5b6470"
GRID = "#e3e5e8"
BLUE = "#2f6db5"
REST = "#e7e9ec"

WIDE = {"width": 560, "font": 12, "row": 24}
NARROW = {"width": 340, "font": 13, "row": 40}


def number(value: float | int | None, digits: int = 0) -> str:
    """Vietnamese number: 1.234 and 12,35 (dot for thousands, comma for decimals)."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _text_width(text: str, font: int) -> float:
    return len(text) * font * 0.56


def fit(text: str, width: float, font: int) -> str:
    """`text` cut with an ellipsis to fit `width` (the full text stays in the table and the tooltip)."""
    limit = int(width / (font * 0.56))
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^k)."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _ticks(top: float) -> list[float]:
    """Round ticks from 0 to `top` (a `nice_max`): steps of 0.5 for 2, 1 for 5, 2 for 10, … × 10^k."""
    lead = top / 10 ** math.floor(math.log10(top))
    count = 4 if round(lead, 6) == 2 else 5
    return [top * i / count for i in range(count + 1)]


def _svg(cid: str, width: float, height: float, title: str, body: str, *, interactive: bool, desc: str = "") -> str:
    role = 'role="group"' if interactive else 'role="img"'
    return (
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'{role} aria-labelledby="{cid}-t" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{cid}-t">{escape(title)}</title>'
        + (f"<desc>{escape(desc)}</desc>" if desc else "")
        + f'<defs><pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2.2"/></pattern></defs>'
        f"{body}</svg>"
    )


def _both(render, cid: str, **kwargs: Any) -> SafeString:
    wide = render(cid=f"{cid}-w", layout=WIDE, **kwargs)
    narrow = render(cid=f"{cid}-n", layout=NARROW, **kwargs)
    return mark_safe(f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>')


def _legend(items: list[tuple[str, str, str]], *, x0: float, y0: float, width: float, font: int) -> tuple[str, float]:
    """Legend swatches (label, colour, kind: bar|line|dash|hatch) wrapped to `width`; returns (svg, height)."""
    parts, x, y = [], x0, y0
    for label, color, kind in items:
        w = 22 + _text_width(label, font) + 14
        if x + w > width and x > x0:
            x, y = x0, y + font + 8
        if kind == "line":
            parts.append(f'<line x1="{x:.1f}" y1="{y - font / 3:.1f}" x2="{x + 16:.1f}" y2="{y - font / 3:.1f}" stroke="{color}" stroke-width="2.5"/>')
        elif kind == "dash":
            parts.append(f'<line x1="{x:.1f}" y1="{y - font / 3:.1f}" x2="{x + 16:.1f}" y2="{y - font / 3:.1f}" stroke="{color}" stroke-width="2.5" stroke-dasharray="4 3"/>')
        else:
            parts.append(f'<rect x="{x:.1f}" y="{y - font + 2:.1f}" width="14" height="{font - 1}" fill="{color}"/>')
            if kind == "hatch":
                parts.append(f'<rect x="{x:.1f}" y="{y - font + 2:.1f}" width="14" height="{font - 1}" fill="url(#HATCH)"/>')
        parts.append(f'<text x="{x + 20:.1f}" y="{y:.1f}" font-size="{font}" fill="#1f2328">{escape(label)}</text>')
        x += w
    return "".join(parts), (y - y0) + font + 6


# --- horizontal bars -------------------------------------------------------------------------------------


def bar_chart(
    rows: list[dict[str, Any]],
    *,
    cid: str,
    title: str,
    digits: int = 2,
    suffix: str = " %",
    color: str = POOR,
    max_value: float | None = None,
    reference: tuple[float, str] | None = None,
    legend: list[tuple[str, str, str]] | None = None,
    desc: str = "",
) -> SafeString:
    """Horizontal bars, one per row: {"label", "value", "href"?, "marked"?, "color"?, "note"?}.

    `marked` rows (extremely difficult communes) get a star and hatching; `href` makes the row a link (drill-down);
    `reference` draws a dashed line (the district's rate); `note` is a short text after the value (the change).
    """
    return _both(_bar_chart, cid, rows=rows, title=title, digits=digits, suffix=suffix, color=color,
                 max_value=max_value, reference=reference, legend=legend, desc=desc)


def _bar_chart(*, cid: str, layout: dict[str, int], rows, title, digits, suffix, color, max_value, reference, legend, desc) -> str:
    width, font, row_h = layout["width"], layout["font"], layout["row"]
    narrow = layout is NARROW
    values = [r["value"] for r in rows if r.get("value") is not None]
    top_value = max_value or nice_max(max(values + [reference[0] if reference else 0, 0.0001]))
    labels = [("★ " if r.get("marked") else "") + str(r["label"]) for r in rows]
    value_texts = [number(r.get("value"), digits) + (suffix if r.get("value") is not None else "") + (f"  {r['note']}" if r.get("note") else "") for r in rows]
    value_w = max([_text_width(t, font) for t in value_texts] + [30]) + 8
    if narrow:
        label_w, bar_x = 0.0, 4.0
        labels = [fit(t, width - 8, font) for t in labels]
    else:
        label_w = min(max([_text_width(t, font) for t in labels] + [60]) + 10, width * 0.45)
        bar_x = label_w + 4
        labels = [fit(t, label_w - 6, font) for t in labels]
    bar_w = max(width - bar_x - value_w - 4, 40)
    top = 20 if reference else 6
    body: list[str] = []
    for i, (r, label, vtext) in enumerate(zip(rows, labels, value_texts)):
        y = top + i * row_h
        value = r.get("value")
        fill = r.get("color") or color
        length = 0 if value is None else max(bar_w * min(value / top_value, 1), 1 if value > 0 else 0)
        bar_y = y + (row_h - font - 4) if narrow else y + (row_h - 16) / 2
        bar_h = font + 2 if narrow else 16
        label_x, label_y, anchor = (bar_x, y + font, "start") if narrow else (label_w, y + row_h / 2 + font / 2.8, "end")
        row_svg = [
            f'<text x="{label_x:.1f}" y="{label_y:.1f}" font-size="{font}" text-anchor="{anchor}" fill="#1f2328"'
            + (' font-weight="600"' if r.get("marked") else "") + f">{escape(label)}</text>",
            f'<rect x="{bar_x:.1f}" y="{bar_y:.1f}" width="{length:.1f}" height="{bar_h}" fill="{fill}" rx="2"/>',
        ]
        if r.get("marked") and length:
            row_svg.append(f'<rect x="{bar_x:.1f}" y="{bar_y:.1f}" width="{length:.1f}" height="{bar_h}" fill="url(#{cid}-hatch)"/>')
        row_svg.append(
            f'<text x="{bar_x + length + 4:.1f}" y="{bar_y + bar_h / 2 + font / 2.8:.1f}" font-size="{font}" fill="#1f2328">{escape(vtext)}</text>'
        )
        inner = "".join(row_svg)
        if r.get("href"):
            inner = (
                f'<a href="{escape(r["href"])}" aria-label="{escape(str(r["label"]))}: {escape(vtext)}" class="chart-link">'
                f'<rect x="0" y="{y:.1f}" width="{width}" height="{row_h}" fill="transparent"/>{inner}</a>'
            )
        body.append(inner)
    height = top + len(rows) * row_h + 4
    if reference:
        rx = bar_x + bar_w * min(reference[0] / top_value, 1)
        body.append(
            f'<line x1="{rx:.1f}" y1="{top - 4}" x2="{rx:.1f}" y2="{height - 2:.1f}" stroke="{NEUTRAL}" stroke-width="1.2" stroke-dasharray="4 3"/>'
            f'<text x="{min(rx, width - 4):.1f}" y="{font}" font-size="{font - 1}" text-anchor="{"end" if rx > width * 0.6 else "middle"}" fill="{NEUTRAL}">'
            f"{escape(reference[1])}</text>"
        )
    if not rows:
        body.append(f'<text x="{width / 2:.0f}" y="{top + 18}" font-size="{font}" text-anchor="middle" fill="{NEUTRAL}">{escape(gettext("Chưa có số liệu"))}</text>')
        height = top + 30
    if legend:
        svg, h = _legend(legend, x0=4, y0=height + font + 4, width=width, font=font - 1)
        body.append(svg.replace("url(#HATCH)", f"url(#{cid}-hatch)"))
        height += h + font
    return _svg(cid, width, height, title, "".join(body), interactive=any(r.get("href") for r in rows), desc=desc)


# --- stacked bars (progress) -------------------------------------------------------------------------------


def stacked_chart(
    rows: list[dict[str, Any]],
    *,
    cid: str,
    title: str,
    segments: list[tuple[str, str, str]],
    rest: str = "",
    desc: str = "",
) -> SafeString:
    """Rows {"label", "values": {segment key: n}, "total", "href"?, "note"?, "marked"?} as 100 % bars: each segment
    its share of `total` (the households to review), the rest grey (named `rest` in the legend).
    `segments`: (key, label, colour)."""
    return _both(_stacked_chart, cid, rows=rows, title=title, segments=segments, rest=rest, desc=desc)


def _stacked_chart(*, cid: str, layout: dict[str, int], rows, title, segments, rest, desc) -> str:
    width, font, row_h = layout["width"], layout["font"], layout["row"]
    narrow = layout is NARROW
    notes = [r.get("note", "") for r in rows]
    labels = [("★ " if r.get("marked") else "") + str(r["label"]) for r in rows]
    note_w = max([_text_width(n, font) for n in notes] + [30]) + 8
    label_w = 0.0 if narrow else min(max([_text_width(t, font) for t in labels] + [60]) + 10, width * 0.45)
    bar_x = 4.0 if narrow else label_w + 4
    labels = [fit(t, (width - 8) if narrow else label_w - 6, font) for t in labels]
    bar_w = max(width - bar_x - note_w - 4, 40)
    top, body = 6, []
    for i, (r, label, note) in enumerate(zip(rows, labels, notes)):
        y = top + i * row_h
        bar_y = y + (row_h - font - 4) if narrow else y + (row_h - 16) / 2
        bar_h = font + 2 if narrow else 16
        total = max(r.get("total") or 0, sum(r["values"].values()), 1)
        label_x, label_y, anchor = (bar_x, y + font, "start") if narrow else (label_w, y + row_h / 2 + font / 2.8, "end")
        parts = [f'<text x="{label_x:.1f}" y="{label_y:.1f}" font-size="{font}" text-anchor="{anchor}" fill="#1f2328">{escape(label)}</text>',
                 f'<rect x="{bar_x:.1f}" y="{bar_y:.1f}" width="{bar_w:.1f}" height="{bar_h}" fill="{REST}" rx="2"/>']
        x = bar_x
        for key, seg_label, color in segments:
            w = bar_w * (r["values"].get(key, 0) / total)
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{color}"><title>{escape(seg_label)}: {number(r["values"].get(key, 0))}</title></rect>')
                x += w
        parts.append(f'<text x="{bar_x + bar_w + 4:.1f}" y="{bar_y + bar_h / 2 + font / 2.8:.1f}" font-size="{font}" fill="#1f2328">{escape(note)}</text>')
        inner = "".join(parts)
        if r.get("href"):
            inner = (f'<a href="{escape(r["href"])}" aria-label="{escape(str(r["label"]))}: {escape(note)}" class="chart-link">'
                     f'<rect x="0" y="{y:.1f}" width="{width}" height="{row_h}" fill="transparent"/>{inner}</a>')
        body.append(inner)
    height = top + len(rows) * row_h + 4
    if not rows:
        body.append(f'<text x="{width / 2:.0f}" y="{top + 18}" font-size="{font}" text-anchor="middle" fill="{NEUTRAL}">{escape(gettext("Chưa có số liệu"))}</text>')
        height = top + 30
    svg, h = _legend([(lbl, color, "bar") for _, lbl, color in segments] + ([(rest, REST, "bar")] if rest else []),
                     x0=4, y0=height + font + 4, width=width, font=font - 1)
    body.append(svg)
    height += h + font
    return _svg(cid, width, height, title, "".join(body), interactive=any(r.get("href") for r in rows), desc=desc)


# --- lines (trend with the target path) ---------------------------------------------------------------------


def line_chart(
    *,
    cid: str,
    title: str,
    years: list[int],
    series: list[dict[str, Any]],
    suffix: str = " %",
    digits: int = 2,
    desc: str = "",
) -> SafeString:
    """Lines over the years: series {"name", "values": {year: value or None}, "color", "dashed"?, "labels"?}.
    A missing value breaks the line; `labels` writes each point's value above it."""
    return _both(_line_chart, cid, title=title, years=years, series=series, suffix=suffix, digits=digits, desc=desc)


def _line_chart(*, cid: str, layout: dict[str, int], title, years, series, suffix, digits, desc) -> str:
    width, font = layout["width"], layout["font"]
    height_plot = 200 if layout is WIDE else 190
    left, right, top = 8 + _text_width("00" + suffix, font), 14, 12
    plot_w = width - left - right
    values = [v for s in series for v in s["values"].values() if v is not None]
    top_value = nice_max(max(values + [0.0001]) * 1.1)
    if suffix.strip() == "%" and max(values + [0]) <= 100:
        top_value = min(top_value, 100.0)  # a rate never goes above 100 %
    body: list[str] = []
    bottom = top + height_plot

    def yy(v: float) -> float:
        return bottom - (v / top_value) * height_plot

    def xx(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(len(years), 1))

    for t in _ticks(top_value):
        body.append(f'<line x1="{left:.1f}" y1="{yy(t):.1f}" x2="{width - right:.1f}" y2="{yy(t):.1f}" stroke="{GRID}" stroke-width="1"/>')
        body.append(f'<text x="{left - 4:.1f}" y="{yy(t) + font / 3:.1f}" font-size="{font - 1}" text-anchor="end" fill="{NEUTRAL}">{number(t, 0 if t == int(t) else (1 if t * 10 == int(t * 10) else 2))}{escape(suffix.strip())}</text>')
    for i, year in enumerate(years):
        body.append(f'<text x="{xx(i):.1f}" y="{bottom + font + 4:.1f}" font-size="{font}" text-anchor="middle" fill="#1f2328">{year}</text>')
    drawn: list[tuple[dict[str, Any], list[list[tuple[float, float, float]]]]] = []  # each series with its drawn segments
    for s in series:
        segments, current = [], []
        for i, year in enumerate(years):
            v = s["values"].get(year)
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((xx(i), yy(v), v))
        if current:
            segments.append(current)
        drawn.append((s, segments))
        dash = ' stroke-dasharray="6 4"' if s.get("dashed") else ""
        for seg in segments:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in seg)
            body.append(f'<polyline points="{pts}" fill="none" stroke="{s["color"]}" stroke-width="2.5"{dash}/>')
            for x, y, v in seg:
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2.5 if s.get("dashed") else 3.5}" fill="{s["color"]}"><title>{escape(s["name"])}: {number(v, digits)}{escape(suffix)}</title></circle>')
    # Point labels last, over every line: beside the point on the side that keeps clear of the lines (all series,
    # the labelled one included), with a white halo where a line still passes near.
    label_font = font - 1
    for s, segments in drawn:
        if not s.get("labels"):
            continue
        lines = [other for _, other in drawn]
        for seg in segments:
            for x, y, v in seg:
                text = number(v, 1)
                tx, baseline, anchor = _label_place(x, y, text, label_font, lines, box=(left, top, width - right, bottom))
                body.append(
                    f'<text x="{tx:.1f}" y="{baseline:.1f}" font-size="{label_font}" text-anchor="{anchor}" fill="{s["color"]}" font-weight="600" '
                    f'stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{text}</text>'
                )
    if not values:
        body.append(f'<text x="{width / 2:.0f}" y="{top + height_plot / 2:.0f}" font-size="{font}" text-anchor="middle" fill="{NEUTRAL}">{escape(gettext("Chưa có số liệu"))}</text>')
    legend, h = _legend([(s["name"], s["color"], "dash" if s.get("dashed") else "line") for s in series],
                        x0=left, y0=bottom + 2 * font + 12, width=width, font=font - 1)
    body.append(legend)
    height = bottom + 2 * font + 12 + h
    return _svg(cid, width, height, title, "".join(body), interactive=False, desc=desc)


def _y_at(segments: list[list[tuple[float, float, float]]], x: float) -> float | None:
    """The height of a drawn line at `x` (between its points), or None where the line does not pass."""
    for seg in segments:
        if len(seg) == 1 and abs(seg[0][0] - x) < 0.5:
            return seg[0][1]
        for (x1, y1, _), (x2, y2, _) in zip(seg, seg[1:]):
            if x1 <= x <= x2 and x2 > x1:
                return y1 + (y2 - y1) * (x - x1) / (x2 - x1)
    return None


def _label_place(x: float, y: float, text: str, font: int, lines: list[list[list[tuple[float, float, float]]]], *,
                 box: tuple[float, float, float, float]) -> tuple[float, float, str]:
    """Where a point's value label goes (x, baseline, text-anchor): above the point, as before, unless a line (any
    series, the labelled one included) runs through that spot; then below, right, left or at a corner of the point,
    whichever keeps the most room from the lines. `box`: the plot area (left, top, right, bottom) the label stays inside."""
    w = _text_width(text, font)
    # (x, baseline, anchor, the text's box: x0, x1, top, bottom)
    candidates = [
        (x, y - 7, "middle", (x - w / 2, x + w / 2, y - 7 - font * 0.8, y - 5)),
        (x, y + 6 + font * 0.8, "middle", (x - w / 2, x + w / 2, y + 6, y + 8 + font * 0.8)),
        (x + 7, y + font / 3, "start", (x + 7, x + 7 + w, y + font / 3 - font * 0.8, y + font / 3 + 2)),
        (x - 7, y + font / 3, "end", (x - 7 - w, x - 7, y + font / 3 - font * 0.8, y + font / 3 + 2)),
    ] + [
        (x + dx * 5, y + dy, "start" if dx > 0 else "end",
         (x + 5 if dx > 0 else x - 5 - w, x + 5 + w if dx > 0 else x - 5, y + dy - font * 0.8, y + dy + 2))
        for dx, dy in ((1, -6), (-1, -6), (1, 6 + font * 0.8), (-1, 6 + font * 0.8))
    ]

    def room(c) -> float:
        x0, x1, top, bottom = c[3]
        if x0 < box[0] - 6 or x1 > box[2] + 6 or top < box[1] - 10 or bottom > box[3]:
            return -99.0
        heights = [h for segments in lines for k in range(5) if (h := _y_at(segments, x0 + (x1 - x0) * k / 4)) is not None]
        return min((max(top - h, h - bottom) for h in heights), default=99.0)

    rooms = [room(c) for c in candidates]
    best = 0 if rooms[0] >= 3 else max(range(len(candidates)), key=lambda i: (rooms[i], -i))
    return candidates[best][0], candidates[best][1], candidates[best][2]


def rows_for(items: Iterable[dict[str, Any]], *, label: str, value: str, **extra: Any) -> list[dict[str, Any]]:
    """Chart rows from selector rows: {"label": item[label], "value": item[value], **extra}."""
    return [{"label": i[label], "value": i[value], **extra} for i in items]
