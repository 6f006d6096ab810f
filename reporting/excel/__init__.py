"""The district's report workbook in the standard summary forms (`reporting/excel/`): one module per sheet in
`sheets/`, every text in `headers.py`, the shared layout in `layout.py`. Figures come from `reporting.selectors`, so
the workbook, the dashboards and the API agree.

Written with XlsxWriter in constant-memory mode (rows stream to disk). The bytes depend only on the data: the
document's creation time is fixed by the caller (the period's due date) and XlsxWriter stamps every zip entry with
1 January 1980, so the same data give the same checksum.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils import translation
from xlsxwriter.workbook import Workbook

from households.xlsx import new_workbook

from . import headers as H
from .context import ReportContext
from .layout import FONT, Formats
from .sheets import (
    causes, children, compliance, deprivation, ethnic, ethnic_groups, groups, households, movements, period, results, support, targets,
    tasks, trend,
)

CREATOR = "Hệ thống quản lý Chương trình giảm nghèo bền vững huyện Sơn Dương"

# (module, progress when done, message). The household list (personal data) only in the full edition.
SUMMARY_SHEETS = [
    (results, 8, "Kết quả rà soát"),
    (movements, 12, "Biến động hộ nghèo, hộ cận nghèo"),
    (ethnic, 15, "Hộ dân tộc thiểu số"),
    (ethnic_groups, 18, "Hộ theo dân tộc"),
    (deprivation, 22, "Thiếu hụt dịch vụ xã hội cơ bản"),
    (children, 25, "Thiếu hụt của trẻ em"),
    (groups, 27, "Nhóm hộ"),
    (causes, 35, "Nguyên nhân nghèo"),
    (targets, 40, "Chỉ tiêu"),
    (support, 45, "Hỗ trợ, nguồn vốn"),
    (tasks, 50, "Nhiệm vụ"),
    (compliance, 53, "Chấp hành báo cáo"),
    (trend, 55, "Diễn biến tỷ lệ"),
]


def open_workbook(path: Path, ctx: ReportContext) -> Workbook:
    wb = new_workbook(str(path), constant_memory=True, default_format_properties={"font_name": FONT, "font_size": 11})
    wb.report_formats = Formats(wb)  # type: ignore[attr-defined]
    wb.set_properties(
        {
            "title": f"{H.WORKBOOK_TITLE} – {ctx.period_label} – {ctx.unit.name}",
            "author": CREATOR,
            "company": ctx.unit.name,
            "created": ctx.document_time,
        }
    )
    return wb


# The standard forms stay Vietnamese whatever language the user who asked for them reads.
@translation.override("vi")
def build_report_workbook(ctx: ReportContext, path: Path, *, progress: Callable[[int, str], None] | None = None) -> None:
    """Build every sheet into `path` (same data → same bytes)."""
    wb = open_workbook(path, ctx)
    if ctx.is_period:  # the five-year and ten-year reviews open with the period's own sheets
        period.build(wb, ctx)
        ctx.progress(6, "Đã lập biểu: So sánh, biến động cả giai đoạn")
    for module, pct, message in SUMMARY_SHEETS:
        module.build(wb, ctx)
        ctx.progress(pct, f"Đã lập biểu: {message}")
    if ctx.personal_data:
        households.build(wb, ctx)
    if progress:
        progress(96, "Đang ghi tệp…")
    wb.close()
