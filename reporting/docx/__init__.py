"""The narrative report as a Word document (.docx): the district's (or a commune's) report on the plan, drafted
from the same figures as the workbook (`reporting.excel`: the same `ReportContext`, the same sheet rows and
selectors), laid out as an administrative document under Decree 30/2020/NĐ-CP.

    build_report_document(ctx, path, progress=None)

The document: the header block (issuing body and number; national motto, place and date), "BÁO CÁO" and the
subject ("(DỰ THẢO)" on a draft), the basis, sections I–VI after the plan (targets; agencies' tasks; support and
funds; the review and its checks; shortcomings and next tasks, left for the officer to write with the figures that
prompt them), the closing, recipients and signature, and an annex of the summary forms on landscape pages (01,
01a, 01b, and 07 where support was recorded; a period report first P1, P2a, P2b). Always Vietnamese.

Same data, same bytes: the core properties carry the report's due date (`ctx.document_time`), never the clock, and
the zip is rewritten with every entry at 1 January 1980, in a stable order. (Figures that depend on the day — a
task is overdue once its due date has passed — change the text as they change the workbook.)
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils import translation

from ..excel.context import ReportContext
from . import annex as A
from . import blocks, sections
from . import text as T
from . import writer as W
from .figures import gather

__all__ = ["build_report_document"]


# The document stays Vietnamese whatever language the user who asked for it reads.
@translation.override("vi")
def build_report_document(ctx: ReportContext, path: Path, *, progress: Callable[[int, str], None] | None = None) -> None:
    """Write the narrative report of `ctx` to `path` (same data → same bytes)."""

    def step(pct: int, message: str) -> None:
        if progress:
            progress(pct, message)

    step(5, "Đang tính số liệu cho báo cáo…")
    fig = gather(ctx)
    subject = sections.subject(ctx)
    doc = W.new_document()
    W.page_numbers(doc.sections[0])
    W.properties(
        doc, title=f"{T.TITLE} – {subject}", subject=subject, author=T.CREATOR, when=ctx.document_time,
        keywords=T.KEYWORDS, category=str(getattr(ctx.kind, "name", "") or ""),
        comments=("Dự thảo. " if ctx.is_draft else "") + f"{ctx.period_label} – {ctx.unit.name}",
    )
    width = W.text_width(doc.sections[0])
    step(20, "Đang viết báo cáo: phần đầu, kết quả thực hiện chỉ tiêu…")
    blocks.header_block(doc, ctx)
    blocks.title_block(doc, ctx, subject)
    sections.opening(doc, ctx)
    sections.section_targets(doc, ctx, fig, width)
    step(40, "Đang viết báo cáo: nhiệm vụ, hỗ trợ và nguồn vốn…")
    sections.section_tasks(doc, ctx, fig, width)
    sections.section_support(doc, ctx, fig, width)
    step(60, "Đang viết báo cáo: rà soát, kiểm tra, tồn tại và nhiệm vụ…")
    sections.section_review(doc, ctx, fig)
    sections.section_shortcomings(doc, ctx, fig)
    sections.section_next(doc, ctx, fig)
    sections.closing(doc, ctx)
    blocks.signature_block(doc, ctx)
    step(80, "Đang lập phụ lục: các biểu tổng hợp…")
    A.annex(doc, ctx, fig)
    step(96, "Đang ghi tệp…")
    W.save(doc, Path(path))
