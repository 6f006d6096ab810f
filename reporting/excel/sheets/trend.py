"""10. The rate trend since the plan's first year, with the plan's target path and a native Excel line chart."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext
from ..layout import FormSheet


def rows(ctx: ReportContext) -> list[dict[str, Any]]:
    first = min(ctx.first_year, ctx.kind.first_year)
    trend = ctx.trend(first)
    path = {p["year"]: p["target"] for p in selectors.target_path(trend=trend)}
    out = []
    for i, t in enumerate(trend, start=1):
        out.append(
            {
                "stt": i, "name": str(t["year"]), "households": t["households"], "poor": t["poor"],
                "poor_rate": t["poor_rate"], "near": t["near_poor"], "near_rate": t["near_poor_rate"],
                "em_rate": t["ethnic_minority"]["poor_rate"], "target": path.get(t["year"]),
            }
        )
    return out


# The chart under the table, across the table's width, on rows kept blank for it (rows of the default height:
# 20 pixels), inside the print area and above the signature.
CHART_HEIGHT = 240  # pixels
CHART_MARGIN = 6  # pixels either side


def build(wb, ctx: ReportContext) -> None:
    spec = H.trend_spec()
    data = rows(ctx)
    sheet = FormSheet(wb, spec, ctx, pages_tall=1)  # one page, the chart under the table
    first_year = data[0]["name"] if data else ctx.year
    sheet.title_block(
        title=H.title(H.TREND_TITLE.format(first=first_year, last=ctx.last_year), ctx), subtitle=H.period_line(ctx),
        note=ctx.basis_note,
    )
    sheet.header()
    first_row = sheet.row_no  # 0-based index of the first data row
    sheet.rows(data)
    last_row = sheet.row_no - 1
    if data:
        chart = wb.add_chart({"type": "line"})
        keys = [c.key for c in spec.columns]
        name_row = first_row - 3  # the header's top row names the series (single columns are merged down from it)
        for key, colour in (("poor_rate", "#A31D1D"), ("near_rate", "#D98E04"), ("em_rate", "#17406E"), ("target", "#1E7B34")):
            col = keys.index(key)
            chart.add_series({
                "name": [spec.name, name_row, col],
                "categories": [spec.name, first_row, 1, last_row, 1],
                "values": [spec.name, first_row, col, last_row, col],
                "marker": {"type": "circle", "size": 5},
                "line": {"color": colour, "width": 2, **({"dash_type": "dash"} if key == "target" else {})},
            })
        chart.set_title({"name": H.CHART_TITLE, "name_font": {"name": "Times New Roman", "size": 12}})
        font = {"name": "Times New Roman"}
        chart.set_x_axis({"name": H.CHART_X, "name_font": font, "num_font": font})
        chart.set_y_axis({"name": H.CHART_Y, "name_font": font, "num_format": "0.00", "min": 0, "num_font": font})
        chart.set_legend({"position": "right", "font": font})
        width = sum(int(c.width * 7 + 0.5) + 5 for c in spec.columns) - 2 * CHART_MARGIN  # XlsxWriter's pixels
        chart.set_size({"width": width, "height": CHART_HEIGHT})
        sheet.blank()
        sheet.ws.insert_chart(sheet.row_no, 0, chart, {"x_offset": CHART_MARGIN, "y_offset": 0, "object_position": 1})
        for _ in range(-(-CHART_HEIGHT // 20)):
            sheet.blank()
    sheet.signature()
    sheet.finish()
