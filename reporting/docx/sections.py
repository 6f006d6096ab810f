"""The body of the report, section by section after the plan (targets, agencies' tasks, support and funds, the
review and its checks, shortcomings, next tasks): sentences with the figures of `figures.Figures`, and small tables
in the workbook's columns. Sections V and VI are the officer's to write: a bracketed placeholder and the figures that
call for comment."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from households.models import CheckKind
from programs.models import TaskStatus
from programs.selectors import current_plan

from .. import selectors
from ..cube import DECREASES, INCREASES
from ..excel import headers as H
from ..excel.context import ReportContext
from . import tables
from . import text as T
from . import writer as W
from .figures import OFF_TRACK, Figures


def scope_phrase(ctx: ReportContext) -> str:
    """"địa bàn huyện Sơn Dương", "địa bàn xã Tân Trào"."""
    return ctx.scope_label if ctx.is_area else f"địa bàn {T.lower_first(ctx.unit.name)}"


def issuer_label(ctx: ReportContext) -> str:
    """The issuing body in a sentence: "Ủy ban nhân dân huyện Sơn Dương", "Sở Nông nghiệp và Môi trường"."""
    label = getattr(ctx, "issuer_label", None)
    if label:
        return str(label)
    top, name = ctx.issuer
    committee = "ỦY BAN NHÂN DÂN"
    rest = name[len(committee):].strip() if name.upper().startswith(committee) else (name if top.strip().upper() == committee else "")
    if rest:
        where = T.lower_first(ctx.unit.name) if rest.upper() == ctx.unit.name.upper() else T.lower_first(rest.title())
        return f"Ủy ban nhân dân {where}"
    # The chain names the compiling office in running text ("Sở Nông nghiệp và Môi trường tỉnh …"): its words, when it
    # begins with the issuer's name, are the name written as Vietnamese writes it.
    compiler = getattr(getattr(ctx, "chain", None), "compiler", "") or ""
    if compiler.upper().startswith(name.upper()):
        return compiler[: len(name)]
    return T.upper_first(name.lower())


def basis_note(ctx: ReportContext) -> str:
    return str(getattr(ctx, "basis_note", None) or H.BASIS_NOTE)


def is_period(ctx: ReportContext) -> bool:
    return bool(getattr(ctx, "is_period", ctx.first_year != ctx.last_year))


def subject(ctx: ReportContext) -> str:
    code = getattr(ctx.kind, "code", "")
    base = T.SUBJECTS.get(code, T.SUBJECT_OTHER)
    return base.format(year=ctx.year, period=T.lower_first(ctx.period_label)) + f" trên {scope_phrase(ctx)}"


def _plan_phrase() -> str:
    plan = current_plan()
    if plan is None:
        return T.PLAN_FALLBACK
    number = (plan.number or "").strip()
    when = plan.issued_on_text or (T.date(plan.issued_on) if plan.issued_on else "")
    head = f"Kế hoạch số {number}" if number.strip(" …./") else "Kế hoạch"
    if when:
        head += f" {'ngày ' if when[:1].isdigit() else ''}{when}"
    return f"{head} của {plan.issuer} về thực hiện Chỉ thị số 05-CT/TW ngày 23/6/2021 của Ban Bí thư Trung ương Đảng về tăng cường sự lãnh đạo của Đảng đối với công tác giảm nghèo bền vững đến năm 2030"


def opening(doc: Any, ctx: ReportContext) -> None:
    W.para(doc, T.BASIS.format(plan=_plan_phrase(), year=ctx.year, issuer=issuer_label(ctx), subject=T.lower_first(subject(ctx))))


def closing(doc: Any, ctx: ReportContext) -> None:
    W.para(doc, T.CLOSING.format(subject=T.lower_first(subject(ctx)), issuer=issuer_label(ctx)))


def _h(doc: Any, text: str, level: int) -> Any:
    return doc.add_paragraph(text, style=W.HEADINGS[level - 1])


def _bullets(doc: Any, lines: list[str]) -> None:
    """Dash items, each ending with ";" and the last with "." (as administrative texts list them)."""
    for n, line in enumerate(lines, start=1):
        line = line if line.startswith("- ") else f"- {line}"
        if n == len(lines) and line.endswith(";"):
            line = line[:-1] + "."
        W.para(doc, line)


def _count(n: Any, unit: str = "hộ") -> str:
    return f"{T.number(n or 0)} {unit}"


def _change(reduction: Any, *, what: str, since: str) -> str:
    """"giảm 7,14 điểm % so với {since}" from a reduction in points (positive: the rate fell)."""
    if reduction is None:
        return f"chưa có số liệu {since} để so sánh"
    if reduction == 0:
        return f"{what} không đổi so với {since}"
    return f"{what} {'giảm' if reduction > 0 else 'tăng'} {T.decimal2(abs(reduction))} điểm % so với {since}"


# --- I. Targets ---------------------------------------------------------------------------------------------------


def section_targets(doc: Any, ctx: ReportContext, fig: Figures, width_mm: float) -> None:
    _h(doc, T.H1, 1)
    _h(doc, T.H1_1, 2)
    total, y = fig.total, fig.year_row
    W.para(doc, f"Tổng số hộ dân cư trên {scope_phrase(ctx)} tại thời điểm 31/12/{ctx.year}: {_count(total['households'])}, "
                f"{_count(y.get('persons'), 'nhân khẩu')}.")
    before = T.percent(fig_prev_rate(fig)) if fig_prev_rate(fig) is not None else None
    since = f"cuối năm {ctx.year - 1}" + (f" ({before})" if before else "")
    poor_h, _ = fig.movement_total("poor")
    near_h, _ = fig.movement_total("near_poor")
    W.para(doc, (
        f"a) Hộ nghèo: đầu năm {_count(total['poor_start'])}; cuối năm {_count(total['poor_end'])}, chiếm "
        f"{T.percent(total['poor_rate'])} tổng số hộ dân cư, với {_count(y.get('poor_persons'), 'nhân khẩu')} "
        f"({T.percent(y.get('poor_persons_rate'))} tổng số nhân khẩu); "
        f"{_change(total['poor_reduction'], what='tỷ lệ hộ nghèo', since=since)}."
    ))
    decrease = sum(poor_h[c] for c in DECREASES["poor"])
    increase = sum(poor_h[c] for c in INCREASES["poor"])
    W.para(doc, (
        f"Trong năm, hộ nghèo giảm {_count(decrease)}: thoát nghèo {_count(total['poor_escaped'])} (trong đó "
        f"{_count(poor_h['escaped_to_near_poor'])} thành hộ cận nghèo, {_count(poor_h['escaped_above_near_poor'])} vượt "
        f"chuẩn cận nghèo), giảm khác {_count(poor_h['other_decrease'])}; tăng {_count(increase)}: hộ cận nghèo thành "
        f"hộ nghèo {_count(poor_h['near_poor_to_poor'])}, tái nghèo {_count(poor_h['fell_back'])}, phát sinh mới "
        f"{_count(poor_h['newly_poor'])}, tăng khác {_count(poor_h['other_increase'])}."
    ))
    near_dec = sum(near_h[c] for c in DECREASES["near_poor"])
    near_inc = sum(near_h[c] for c in INCREASES["near_poor"])
    W.para(doc, (
        f"b) Hộ cận nghèo: đầu năm {_count(total['near_start'])}; cuối năm {_count(total['near_end'])}, chiếm "
        f"{T.percent(total['near_rate'])} tổng số hộ dân cư, với {_count(y.get('near_poor_persons'), 'nhân khẩu')} "
        f"({T.percent(y.get('near_poor_persons_rate'))} tổng số nhân khẩu). Trong năm giảm {_count(near_dec)}: thành "
        f"hộ nghèo {_count(near_h['to_poor'])}, thoát cận nghèo {_count(near_h['escaped'])}, giảm khác "
        f"{_count(near_h['other_decrease'])}; tăng {_count(near_inc)}: hộ nghèo thành hộ cận nghèo "
        f"{_count(near_h['from_poor'])}, tái cận nghèo {_count(near_h['fell_back'])}, phát sinh mới "
        f"{_count(near_h['newly_near_poor'])}, tăng khác {_count(near_h['other_increase'])}."
    ))
    em = y.get("ethnic_minority") or {}
    if em.get("households"):
        em_change = em.get("poor_rate_change")
        W.para(doc, (
            f"c) Hộ dân tộc thiểu số: {_count(em['households'])}; trong đó hộ nghèo {_count(em.get('poor'))}, chiếm "
            f"{T.percent(em.get('poor_rate'))} số hộ dân tộc thiểu số "
            f"({_change(-em_change if em_change is not None else None, what='tỷ lệ', since='đầu năm')}); hộ cận nghèo "
            f"{_count(em.get('near_poor'))}, chiếm {T.percent(em.get('near_poor_rate'))}."
        ))
    else:
        W.para(doc, f"c) Trên {scope_phrase(ctx)} không có hộ dân tộc thiểu số trong sổ hộ.")
    g = fig.groups_total
    W.para(doc, (
        f"d) Trong số hộ nghèo: {_count(g['poor_no_labour'])} không có khả năng lao động, {_count(g['poor_merit'])} có "
        f"người có công với cách mạng, {_count(g['poor_em'])} là hộ dân tộc thiểu số; trong số hộ cận nghèo: "
        f"{_count(g['near_no_labour'])} không có khả năng lao động, {_count(g['near_merit'])} có người có công."
    ))
    W.para(doc, (
        f"đ) Hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống trung bình: "
        f"{_count(y.get('average_farming'))}, chiếm {T.percent(y.get('average_farming_rate'))} tổng số hộ dân cư, với "
        f"{_count(y.get('average_farming_persons'), 'nhân khẩu')}."
    ))
    if is_period(ctx):
        _period_sentence(doc, ctx, fig)
    line_change = fig.movements["poor"][1]
    W.para(doc, T.MOVES_TABLE_CAPTION.format(year=ctx.year), style=W.BLOCK, bold=True, before=6, after=3, keep_next=True)
    moves_table(doc, fig, width_mm)
    note = f"Ghi chú: {ctx.structure_note} {basis_note(ctx)}"
    if line_change:
        note += " " + H.LINE_CHANGE_NOTE.format(n=line_change).replace("Cột 4 và 8", "Các dòng giảm khác, tăng khác")
    W.para(doc, note, style=W.NOTE)

    _h(doc, T.H1_2, 2)
    targets_text(doc, ctx, fig)
    W.para(doc, T.TARGETS_TABLE_CAPTION, style=W.BLOCK, bold=True, before=6, after=3, keep_next=True)
    tables.form_table(doc, H.targets_spec(ctx).columns, fig.target_rows, width_mm=width_mm)
    if fig.year_rows:
        W.para(doc, T.YEARS_TABLE_CAPTION, style=W.BLOCK, bold=True, before=6, after=3, keep_next=True)
        tables.form_table(doc, H.TARGET_YEAR_COLUMNS, fig.year_rows, width_mm=width_mm)
    W.para(doc, H.TARGETS_FOOTNOTE, style=W.NOTE)


def fig_prev_rate(fig: Figures) -> float | None:
    """Last year's poor rate, the one form 01's total compares with (`results.rows`: the year row of last year)."""
    return selectors.rate(fig.previous_row["poor"], fig.previous_row["households"])


def _period_sentence(doc: Any, ctx: ReportContext, fig: Figures) -> None:
    """The period as a whole (form P1's total): the baseline year against the latest recognised year."""
    if not fig.period_comparison:
        return
    r = fig.period_comparison[0]
    points = r.get("poor_points")
    if points is None:
        W.para(doc, f"đ) Giai đoạn {ctx.first_year}–{ctx.last_year}: {T.NO_FIGURE} năm gốc hoặc năm so sánh để đánh giá cả giai đoạn.")
        return
    fell = points <= 0
    text = (
        f"đ) Giai đoạn {ctx.first_year}–{ctx.last_year}: tỷ lệ hộ nghèo từ {T.percent(r['b_poor_rate'])} (cuối năm "
        f"{ctx.first_year}, {_count(r['b_poor'])}) {'xuống' if fell else 'lên'} {T.percent(r['e_poor_rate'])} (cuối năm "
        f"{ctx.last_year}, {_count(r['e_poor'])}), {'giảm' if fell else 'tăng'} {T.decimal2(abs(points))} điểm %"
    )
    if r.get("poor_per_year") is not None:
        text += f", bình quân {'giảm' if r['poor_per_year'] >= 0 else 'tăng'} {T.decimal2(abs(r['poor_per_year']))} điểm %/năm"
    if r.get("em_per_year") is not None:
        text += f"; tỷ lệ hộ nghèo dân tộc thiểu số bình quân {'giảm' if r['em_per_year'] >= 0 else 'tăng'} {T.decimal2(abs(r['em_per_year']))} điểm %/năm"
    W.para(doc, text + f". Tỷ lệ hộ cận nghèo từ {T.percent(r['b_near_rate'])} {'xuống' if (r['e_near_rate'] or 0) <= (r['b_near_rate'] or 0) else 'lên'} {T.percent(r['e_near_rate'])}.")


def moves_table(doc: Any, fig: Figures, width_mm: float) -> Any:
    """Table 1: each movement column of forms 01a and 01b (households and persons) and the end-of-year rates."""
    share = [12, 0, 30, 30]
    share[1] = width_mm - sum(share)
    t = W.table(doc, widths_mm=share)
    cells = W.add_row(t, header=True)
    for c, label in zip(cells, T.MOVES_TABLE_HEAD):
        W.write(c, label, bold=True)
        W.shade(c)
    rates = {"poor": (fig.total["poor_rate"], fig.year_row.get("poor_persons_rate")),
             "near_poor": (fig.total["near_rate"], fig.year_row.get("near_poor_persons_rate"))}
    for table, (letter, title) in T.MOVES_SECTIONS.items():
        households, persons = fig.movement_total(table)
        cells = W.add_row(t)
        W.write(cells[0], letter, bold=True)
        W.write(cells[1].merge(cells[3]), title, bold=True, align="left")
        for i, (key, label) in enumerate(H.MOVEMENT_LABELS[table].items(), start=1):
            cells = W.add_row(t)
            bold = key in ("start", "end")
            W.write(cells[0], str(i))
            W.write(cells[1], label, align="left", bold=bold)
            W.write(cells[2], T.number(households.get(key, 0)), align="right", bold=bold)
            W.write(cells[3], T.number(persons.get(key, 0)), align="right", bold=bold)
        cells = W.add_row(t)
        W.write(cells[1], T.RATE_ROW, align="left", italic=True)
        W.write(cells[2], T.decimal2(rates[table][0]), align="right", italic=True)
        W.write(cells[3], T.decimal2(rates[table][1]), align="right", italic=True)
    return t


def targets_text(doc: Any, ctx: ReportContext, fig: Figures) -> None:
    for row, target in zip(fig.target_rows, fig.reduction_targets):
        wanted = T.COMPARISON.get(target.get("comparison"), "{v}").format(v=f"{T.decimal2(target['value'])} điểm %/năm")
        if row["actual"] is None:
            done = "chưa đủ số liệu để tính mức giảm bình quân"
        else:
            done = f"thực hiện bình quân {'giảm' if row['actual'] >= 0 else 'tăng'} {T.decimal2(abs(row['actual']))} điểm %/năm"
        line = f"- {row['name']}: chỉ tiêu {wanted}; {done}"
        if row["needed"] is not None and row["status"] in OFF_TRACK:
            line += f"; các năm còn lại cần giảm bình quân {T.decimal2(row['needed'])} điểm %/năm"
        W.para(doc, f"{line}. Đánh giá: {T.lower_first(row['status'])}.")
    for t in fig.level_targets:
        if t["current"] is None:
            where = f"chưa có số liệu năm {t['year']}"
        else:
            where = f"năm {t['year']} còn {T.number(t['current'])} {t['unit_label']}"
            if t["baseline"] is not None:
                where += f" (năm gốc: {T.number(t['baseline'])} {t['unit_label']})"
        status = T.lower_first(t["label"]) if t["label"] else H.STATUS_NA.lower()
        W.para(doc, f"- {t['title']}: chỉ tiêu không quá {T.number(t['value'])} {t['unit_label']}; {where}. Đánh giá: {status}.")


# --- II. Tasks ----------------------------------------------------------------------------------------------------


def _task_lines(items: list[dict[str, Any]]) -> list[str]:
    """One line per task of an agency; the communes' tasks of one duty in one line (how many communes, how many
    done, which are overdue)."""
    lines: list[str] = []
    by_duty: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    order: list[Any] = []
    for t in items:
        key = ("duty", t["duty_id"]) if t["commune_id"] is not None else ("task", t["id"])
        if key not in by_duty:
            order.append(key)
        by_duty[key].append(t)
    for key in order:
        group = by_duty[key]
        first = group[0]
        if key[0] == "task":
            line = f"- {first['title']}: {T.lower_first(first['status_label'])}, tiến độ {first['progress']}%, hạn {T.date(first['due_date'])}"
            if first["overdue"]:
                line += " (quá hạn)"
            lines.append(line + ".")
            continue
        counts: dict[str, int] = defaultdict(int)
        for t in group:
            counts[t["status"]] += 1
        parts = [f"{T.lower_first(label)} {counts[code]}" for code, label in TaskStatus.choices if counts.get(code)]
        overdue = [t["commune__name"] for t in group if t["overdue"]]
        line = f"- {first['title']} ({len(group)} xã, hạn {T.date(first['due_date'])}): {', '.join(parts)}"
        if overdue:
            who = f"cả {len(group)} xã" if len(overdue) == len(group) > 1 else ", ".join(overdue)
            line += f"; quá hạn chưa hoàn thành: {who}"
        lines.append(line + ".")
    return lines


def section_tasks(doc: Any, ctx: ReportContext, fig: Figures, width_mm: float) -> None:
    _h(doc, T.H2, 1)
    rows = fig.task_rows
    if not rows:
        W.para(doc, f"Chưa có nhiệm vụ nào của Kế hoạch được giao trong năm {ctx.year} trên hệ thống.")
        return
    total = rows[0]
    share = f" ({T.percent(100 * total['completed'] / total['total'])})" if total["total"] else ""
    W.para(doc, (
        f"Năm {ctx.year}, các cơ quan, đơn vị được giao {_count(total['total'], 'nhiệm vụ')} theo Kế hoạch; đã hoàn thành "
        f"{_count(total['completed'], 'nhiệm vụ')}{share}; {_count(total['stalled'], 'nhiệm vụ')} gặp khó khăn, vướng mắc; "
        f"{_count(total['overdue'], 'nhiệm vụ')} quá hạn chưa hoàn thành; tiến độ bình quân {T.percent(total['progress'])}."
    ))
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in fig.task_items:
        by_agency[t["agency"]].append(t)
    for n, row in enumerate(rows[1:], start=1):
        W.para(doc, (
            f"{n}. {row['name']}: {_count(row['total'], 'nhiệm vụ')}, hoàn thành {T.number(row['completed'])}, gặp khó "
            f"khăn {T.number(row['stalled'])}, quá hạn {T.number(row['overdue'])}; tiến độ bình quân {T.percent(row['progress'])}."
        ))
        _bullets(doc, _task_lines(by_agency.get(row["name"], [])))
    W.para(doc, T.TASKS_TABLE_CAPTION, style=W.BLOCK, bold=True, before=6, after=3, keep_next=True)
    tables.form_table(doc, H.tasks_spec().columns, rows, width_mm=width_mm)


# --- III. Support and funds -----------------------------------------------------------------------------------------


def section_support(doc: Any, ctx: ReportContext, fig: Figures, width_mm: float) -> None:
    _h(doc, T.H3, 1)
    _h(doc, T.H3_1, 2)
    if fig.support is None:
        W.para(doc, f"Chưa có số liệu hỗ trợ hộ gia đình được ghi nhận trong năm {ctx.year}.")
    else:
        rows, sources = fig.support
        total = rows[0]
        W.para(doc, (
            f"Năm {ctx.year} đã thực hiện {_count(total['records'], 'lượt')} hỗ trợ cho {_count(fig.support_households)} "
            f"với tổng kinh phí {T.money(total['amount'])}. Chia theo nguồn kinh phí:"
        ))
        _bullets(doc, [f"{label}: {T.money(total.get(f's{i}', 0))};" for i, (_, label) in enumerate(sources)])
        if fig.support_by_policy:
            W.para(doc, "Chia theo chính sách:")
            _bullets(doc, [
                f"{p['policy__name']} ({p['policy__agency__short_name'] or p['policy__agency__name']}): "
                f"{_count(p['records'], 'lượt')}, {_count(p['households'])}, {T.money(p['amount'])};"
                for p in fig.support_by_policy
            ])
        W.para(doc, f"Chi tiết theo {H.unit_header(ctx).lower()}: Biểu số 07 kèm theo.", style=W.NOTE)
    _h(doc, T.H3_2, 2)
    if not fig.funds:
        W.para(doc, f"Chưa có số liệu nguồn vốn được giao, giải ngân năm {ctx.year}.")
        return
    total = fig.funds[0]
    W.para(doc, (
        f"Tổng nguồn vốn được giao năm {ctx.year}: {T.money(total['allocated'])}; đã giải ngân {T.money(total['disbursed'])}, "
        f"đạt {T.percent(total['rate'])} kế hoạch vốn."
    ))
    W.para(doc, T.FUNDS_TABLE_CAPTION, style=W.BLOCK, bold=True, before=6, after=3, keep_next=True)
    tables.form_table(doc, H.FUNDS_COLUMNS, fig.funds, width_mm=width_mm)


# --- IV. The review and its checks ------------------------------------------------------------------------------------


def section_review(doc: Any, ctx: ReportContext, fig: Figures) -> None:
    _h(doc, T.H4, 1)
    _h(doc, T.H4_1, 2)
    p = fig.review_progress["total"]
    expected = f" trên tổng số {_count(p['expected'])} dân cư" if p.get("expected") else ""
    W.para(doc, (
        f"Năm {ctx.year} có {_count(p['reviews'])} được rà soát{expected}; trong đó: đang rà soát {_count(p['surveying'])}; "
        f"đã họp thôn, niêm yết {_count(p['in_village'])}; Chủ tịch UBND xã đã công nhận {_count(p['recognised'])}; "
        f"huyện đã xác nhận {_count(p['confirmed'])}."
    ))
    W.para(doc, f"Số liệu báo cáo: {basis_note(ctx)}", style=W.NOTE)
    _h(doc, T.H4_2, 2)
    moves = fig.movements
    rotating = moves["poor"][0][0].get("fell_back", 0) + moves["near_poor"][0][0].get("fell_back", 0)
    W.para(doc, (
        f"Thực hiện mục IV.13 của Kế hoạch (phát hiện hộ ra vào hộ nghèo để hưởng chính sách, bảo đảm kết quả giảm nghèo "
        f"thực chất): trong năm có {_count(rotating)} tái nghèo, tái cận nghèo."
    ))
    if not fig.checks_ran:
        W.para(doc, f"Chưa chạy kiểm tra kết quả rà soát năm {ctx.year} trên hệ thống (hộ ra vào hộ nghèo nhiều lần, kết quả "
                    f"giảm nghèo bất thường, hộ chưa được rà soát lại…).")
    else:
        W.para(doc, f"Kết quả kiểm tra kết quả rà soát năm {ctx.year} trên hệ thống:")
        for row in fig.flags:
            if not row["found"]:
                W.para(doc, f"- {row['label']}: không phát hiện trường hợp nào.")
                continue
            line = f"- {row['label']}: {T.number(row['found'])} trường hợp (chưa xử lý {T.number(row['open'])}, đã xử lý {T.number(row['resolved'])})"
            if row["communes"] and row["kind"] != CheckKind.REDUCTION_OUTLIER:
                line += "; chưa xử lý tại: " + ", ".join(f"{name or 'chưa rõ xã'} ({T.number(n)})" for name, n in row["communes"])
            W.para(doc, line + ".")
            for title in row["titles"]:
                W.para(doc, f"+ {title}.")
    _h(doc, T.H4_3, 2)
    rows, counts = fig.compliance
    if not counts["total"]:
        W.para(doc, f"Chưa có đơn vị nào phải báo cáo kỳ {T.lower_first(ctx.period_label)} trên hệ thống.")
        return
    W.para(doc, H.COMPLIANCE_SUMMARY.format(**counts))
    late = [r for r in rows if r["status"] in (H.NOT_SUBMITTED, H.NOT_SUBMITTED_OVERDUE) or str(r["status"]).startswith("Muộn")]
    if late:
        W.para(doc, "Các đơn vị chưa nộp hoặc nộp muộn:")
        _bullets(doc, [f"{r['name']}: {T.lower_first(r['status'])}, hạn {T.date(r['due'])};" for r in late])


# --- V, VI. For the officer to write --------------------------------------------------------------------------------


def prompts(ctx: ReportContext, fig: Figures) -> list[str]:
    """The figures that call for comment in section V."""
    lines = []
    for r in fig.unit_rows:
        if r.get("poor_reduction") is not None and r["poor_reduction"] < 0:
            before = r["poor_rate"] + r["poor_reduction"] if r["poor_rate"] is not None else None
            lines.append(
                f"{r['name']}: tỷ lệ hộ nghèo tăng {T.decimal2(-r['poor_reduction'])} điểm % "
                f"(từ {T.percent(before)} lên {T.percent(r['poor_rate'])}), cuối năm {_count(r['poor_end'])} nghèo;"
            )
    total = fig.total
    if total["poor_fell_back"] or total["poor_new"]:
        lines.append(f"Toàn {scope_phrase(ctx)}: {_count(total['poor_fell_back'])} tái nghèo, {_count(total['poor_new'])} nghèo phát sinh mới trong năm;")
    for row in fig.target_rows:
        if row["status"] in OFF_TRACK:
            lines.append(f"Chỉ tiêu «{row['name']}»: {T.lower_first(row['status'])};")
    for t in fig.level_targets:
        if t["label"] in OFF_TRACK:
            lines.append(f"Chỉ tiêu «{t['title']}»: {T.lower_first(t['label'])};")
    overdue = [t for t in fig.task_items if t["overdue"]]
    stalled = [t for t in fig.task_items if t["status"] == TaskStatus.STALLED]
    if overdue:
        lines.append(f"{_count(len(overdue), 'nhiệm vụ')} quá hạn chưa hoàn thành (mục II);")
    if stalled:
        lines.append(f"{_count(len(stalled), 'nhiệm vụ')} gặp khó khăn, vướng mắc (mục II);")
    if fig.funds and fig.funds[0]["rate"] is not None and fig.funds[0]["rate"] < 100:
        lines.append(f"Giải ngân nguồn vốn đạt {T.percent(fig.funds[0]['rate'])} kế hoạch vốn;")
    open_flags = sum(r["open"] for r in fig.flags)
    if open_flags:
        lines.append(f"{T.number(open_flags)} cảnh báo kiểm tra kết quả rà soát chưa được xử lý (mục IV.2);")
    counts = fig.compliance[1]
    if counts["late"] or counts["open"]:
        lines.append(f"Chế độ báo cáo: {T.number(counts['late'])} đơn vị nộp muộn, {T.number(counts['open'])} đơn vị chưa nộp hoặc chưa hoàn thành báo cáo;")
    return lines


def section_shortcomings(doc: Any, ctx: ReportContext, fig: Figures) -> None:
    _h(doc, T.H5, 1)
    W.para(doc, T.PLACEHOLDER_V, style=W.PLACEHOLDER)
    lines = prompts(ctx, fig)
    if lines:
        _bullets(doc, lines)
    else:
        W.para(doc, T.NOTHING_TO_FLAG)


def section_next(doc: Any, ctx: ReportContext, fig: Figures) -> None:
    period = is_period(ctx)
    _h(doc, T.H6_PERIOD if period else T.H6_YEAR.format(year=ctx.year + 1), 1)
    W.para(doc, T.PLACEHOLDER_VI.format(when="giai đoạn tiếp theo" if period else f"năm {ctx.year + 1}"), style=W.PLACEHOLDER)
    open_tasks = fig.open_tasks
    if not fig.task_items:
        return
    if not open_tasks:
        W.para(doc, T.NO_OPEN_TASKS.format(year=ctx.year))
        return
    W.para(doc, T.OPEN_TASKS_LEAD.format(year=ctx.year))
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in open_tasks:
        by_agency[t["agency"]].append(t)
    for agency, items in by_agency.items():
        W.para(doc, f"{agency}:")
        _bullets(doc, _task_lines(items))

