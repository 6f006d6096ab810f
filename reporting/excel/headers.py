"""Every text the workbook shows, in one place, so the official wording of the forms can replace it without
touching the builders.

The forms are those of Circular 07/2021/TT-BLĐTBXH Appendix VII (forms 7.1–7.10, 7.8–7.10 replaced by Circular
02/2022; consolidated text 1315/VBHN-BLĐTBXH). Their exact columns are **(to confirm)** (docs/domain.md §3): the layout
below follows the working layout the provinces' Excel files use — group headers over sub-columns, a row of column
numbers, rate columns that say how they are computed ("3 = 2/1 × 100").
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .spec import Column, SheetSpec

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PREPARER = ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")
SIGNER = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký tên, đóng dấu)")
DRAFT_MARK = "(DỰ THẢO)"
BASIS_NOTE = (
    "Số liệu chính thức: kết quả rà soát đã được Chủ tịch UBND xã công nhận hoặc huyện xác nhận "
    "(Quyết định 24/2021/QĐ-TTg); hộ chưa được rà soát lại giữ kết quả lần rà soát gần nhất, hộ chưa từng rà soát là hộ "
    "không nghèo. Tỷ lệ = số hộ của nhóm ÷ tổng số hộ dân cư ngày 31/12 × 100 (hộ dân cư theo sổ hộ, không phải số hộ được "
    "rà soát)."
)
TOTAL = "TỔNG CỘNG"
URBAN = "Thành thị"
RURAL = "Nông thôn"
NO_DATA = "Chưa có số liệu."
WORKBOOK_TITLE = "Báo cáo kết quả thực hiện giảm nghèo bền vững"


def issuer(unit: Any) -> tuple[str, str]:
    """The committee on the left of the title block: "ỦY BAN NHÂN DÂN" over the unit's name in capitals."""
    return ("ỦY BAN NHÂN DÂN", unit.name.upper())


def place_date(ctx: Any) -> str:
    """Left blank for the signer to date by hand, as the paper forms are."""
    return f"{ctx.place}, ngày      tháng      năm {ctx.signing_year}"


def period_line(ctx: Any) -> str:
    text = f"Kỳ báo cáo: {ctx.period_label}"
    if ctx.first_year != ctx.last_year:
        text += f" (số liệu năm {ctx.year}; diễn biến các năm {ctx.first_year}–{ctx.last_year})"
    text = f"{text} – {ctx.scope_label}"
    incomplete = getattr(ctx, "incomplete_note", "")
    return f"{text}. {incomplete}" if incomplete else text


def title(base: str, ctx: Any) -> str:
    text = base.format(year=ctx.year, period=ctx.period_label.lower(), unit=ctx.scope_label)
    return f"{text} {DRAFT_MARK}" if ctx.is_draft else text


def unit_header(ctx: Any) -> str:
    return "Thôn, tổ dân phố" if ctx.by == "village" else "Xã, thị trấn"


# --- 01. Review results ------------------------------------------------------------------------------------

RESULTS_TITLE = "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"


def results_spec(ctx: Any) -> SheetSpec:
    """Form 1 of the working layout: households and persons, the poor and the near-poor — by household (with the
    year's movement) and by person, count and rate. A column is one `Column` here and one key of the sheet's row
    (`sheets/results.py`); the column numbers of the rate formulas follow the columns they name."""
    p, n = "Hộ nghèo", "Hộ cận nghèo"
    a = "Hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống trung bình"
    return SheetSpec(
        name="01. Kết quả rà soát",
        form="Biểu số 01",
        title=RESULTS_TITLE,
        columns=[
            Column("stt", "STT", fmt="center", width=5),
            Column("name", unit_header(ctx), fmt="text", width=24),
            Column("households", "Tổng số hộ dân cư", width=11),
            Column("persons", "Tổng số nhân khẩu", width=11),
            Column("poor_start", "Đầu năm", group=p),
            Column("poor_escaped", "Thoát nghèo trong năm", group=p),
            Column("poor_fell_back", "Tái nghèo", group=p),
            Column("poor_new", "Phát sinh mới", group=p),
            Column("poor_end", "Cuối năm", group=p),
            Column("poor_rate", "Tỷ lệ cuối năm (%)", group=p, fmt="pct", number="{self} = {poor_end}/{households} × 100"),
            Column("poor_reduction", "Giảm so với năm trước (điểm %)", group=p, fmt="points", width=11,
                   number="{self} = tỷ lệ năm trước − {poor_rate}"),
            Column("poor_persons", "Nhân khẩu cuối năm", group=p),
            Column("poor_persons_rate", "Tỷ lệ nhân khẩu (%)", group=p, fmt="pct", number="{self} = {poor_persons}/{persons} × 100"),
            Column("near_start", "Đầu năm", group=n),
            Column("near_escaped", "Thoát cận nghèo trong năm", group=n),
            Column("near_fell_back", "Tái cận nghèo", group=n),
            Column("near_new", "Phát sinh mới", group=n),
            Column("near_end", "Cuối năm", group=n),
            Column("near_rate", "Tỷ lệ cuối năm (%)", group=n, fmt="pct", number="{self} = {near_end}/{households} × 100"),
            Column("near_persons", "Nhân khẩu cuối năm", group=n),
            Column("near_persons_rate", "Tỷ lệ nhân khẩu (%)", group=n, fmt="pct", number="{self} = {near_persons}/{persons} × 100"),
            Column("farm_end", "Số hộ", group=a),
            Column("farm_rate", "Tỷ lệ (%)", group=a, fmt="pct", number="{self} = {farm_end}/{households} × 100"),
            Column("farm_persons", "Nhân khẩu", group=a),
            Column("farm_persons_rate", "Tỷ lệ nhân khẩu (%)", group=a, fmt="pct", number="{self} = {farm_persons}/{persons} × 100"),
        ],
    )


RESULTS_FOOTNOTE = (
    "Đầu năm: số hộ cuối năm trước của các hộ nay thuộc đơn vị. Thoát nghèo: hộ nghèo năm trước nay là hộ cận nghèo "
    "hoặc vượt chuẩn cận nghèo. Tái nghèo: hộ đã từng thoát nghèo nay nghèo lại. Phát sinh mới: hộ chưa từng nghèo nay "
    "là hộ nghèo. Đầy đủ các cột tăng, giảm (hộ cận nghèo thành hộ nghèo, tách hộ, chuyển đến, chuyển đi…): biểu 01a, 01b. "
    "Nhân khẩu: thành viên của hộ ngày 31/12 theo sổ hộ (hộ chưa ghi thành viên: số nhân khẩu của lần rà soát gần "
    "nhất); tỷ lệ nhân khẩu = nhân khẩu của nhóm ÷ tổng số nhân khẩu × 100. Hộ có mức sống trung bình: thu nhập trên "
    "chuẩn cận nghèo đến mức sống trung bình (Nghị định 07/2021/NĐ-CP, Điều 3), theo nghề nghiệp chính của hộ ghi khi rà soát."
)

# --- 01a, 01b. Movement of poor and near-poor households (docs/domain.md §3, forms 2 and 3) ---------------------------

MOVEMENT_TITLES = {
    "poor": "BIẾN ĐỘNG HỘ NGHÈO NĂM {year}",
    "near_poor": "BIẾN ĐỘNG HỘ CẬN NGHÈO NĂM {year}",
}
MOVEMENT_NAMES = {"poor": "01a. Biến động hộ nghèo", "near_poor": "01b. Biến động hộ cận nghèo"}
MOVEMENT_FORMS = {"poor": "Biểu số 01a", "near_poor": "Biểu số 01b"}
HOUSEHOLDS_ROW, PERSONS_ROW = "Hộ", "Nhân khẩu"
MOVEMENT_DECREASE, MOVEMENT_INCREASE = "Giảm trong năm", "Tăng trong năm"
MOVEMENT_LABELS = {
    "poor": {
        "start": "Đầu năm", "escaped_to_near_poor": "Thoát nghèo, thành hộ cận nghèo",
        "escaped_above_near_poor": "Thoát nghèo, vượt chuẩn cận nghèo", "other_decrease": "Giảm khác",
        "near_poor_to_poor": "Hộ cận nghèo thành hộ nghèo", "fell_back": "Tái nghèo", "newly_poor": "Phát sinh mới",
        "other_increase": "Tăng khác", "end": "Cuối năm",
    },
    "near_poor": {
        "start": "Đầu năm", "to_poor": "Thành hộ nghèo", "escaped": "Thoát cận nghèo", "other_decrease": "Giảm khác",
        "from_poor": "Hộ nghèo thành hộ cận nghèo", "fell_back": "Tái cận nghèo", "newly_near_poor": "Phát sinh mới",
        "other_increase": "Tăng khác", "end": "Cuối năm",
    },
}
MOVEMENT_FOOTNOTE = (
    "Cột 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 trên mọi dòng. Đầu năm: cuối năm trước của các hộ nay thuộc đơn vị (qua sáp "
    "nhập đơn vị hành chính). Giảm khác, tăng khác: biến động sổ hộ trong năm — hộ chuyển đi, nhập vào hộ khác, không "
    "còn; hộ chuyển đến, tách hộ, chuyển nơi ở giữa các thôn, xã; với nhân khẩu còn gồm người sinh, chết, chuyển đến, "
    "chuyển đi trong các hộ ở lại. Hộ chưa được rà soát lại giữ kết quả năm trước (không tính là thoát nghèo)."
)
LINE_CHANGE_NOTE = (
    "Cột 4 và 8 gồm {n} hộ đổi phân loại chỉ vì nơi ở chuyển từ khu vực thành thị sang nông thôn (áp dụng chuẩn nông "
    "thôn), không tính là thoát nghèo hay phát sinh."
)


def movement_spec(ctx: Any, table: str) -> SheetSpec:
    labels = MOVEMENT_LABELS[table]
    names = [name for name in labels]
    groups = {name: (MOVEMENT_DECREASE if i in (1, 2, 3) else MOVEMENT_INCREASE if i in (4, 5, 6, 7) else None)
              for i, name in enumerate(names)}
    cols = [
        Column("stt", "STT", fmt="center", width=5),
        Column("name", unit_header(ctx), fmt="text", width=24),
        Column("measure", "Chỉ tiêu", fmt="text", width=11, number="C"),  # "Nhân khẩu" in bold on one line
    ]
    for i, name in enumerate(names, start=1):
        number = "9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8" if name == "end" else str(i)
        cols.append(Column(name, f"({i}) {labels[name]}", group=groups[name], width=10 if name != "end" else 12, number=number))
    return SheetSpec(name=MOVEMENT_NAMES[table], form=MOVEMENT_FORMS[table], title=MOVEMENT_TITLES[table], columns=cols,
                     unit_note="Đơn vị tính: hộ; người")

# --- 02. Ethnic-minority households -----------------------------------------------------------------------

ETHNIC_TITLE = "HỘ NGHÈO, HỘ CẬN NGHÈO LÀ HỘ DÂN TỘC THIỂU SỐ NĂM {year}"


def ethnic_spec(ctx: Any) -> SheetSpec:
    g, p, n = "Hộ dân tộc thiểu số", "Hộ nghèo dân tộc thiểu số", "Hộ cận nghèo dân tộc thiểu số"
    return SheetSpec(
        name="02. Hộ DTTS",
        form="Biểu số 02",
        title=ETHNIC_TITLE,
        columns=[
            Column("stt", "STT", fmt="center", width=5),
            Column("name", unit_header(ctx), fmt="text", width=24),
            Column("households", "Tổng số hộ dân cư", width=11),
            Column("em_households", "Số hộ", group=g),
            Column("em_share", "Tỷ lệ trên tổng số hộ (%)", group=g, fmt="pct", number="{self} = {em_households}/{households} × 100"),
            Column("em_poor", "Số hộ", group=p),
            Column("em_poor_rate", "Tỷ lệ trên số hộ DTTS (%)", group=p, fmt="pct", number="{self} = {em_poor}/{em_households} × 100"),
            Column("em_poor_share", "Tỷ trọng trong tổng số hộ nghèo (%)", group=p, fmt="pct"),
            Column("em_escaped", "Thoát nghèo", group=p),
            Column("em_fell_back", "Tái nghèo", group=p),
            Column("em_new", "Phát sinh mới", group=p),
            Column("em_poor_reduction", "Giảm tỷ lệ so với năm trước (điểm %)", group=p, fmt="points", width=11,
                   number="{self} = tỷ lệ năm trước − {em_poor_rate}"),
            Column("em_near", "Số hộ", group=n),
            Column("em_near_rate", "Tỷ lệ trên số hộ DTTS (%)", group=n, fmt="pct"),
        ],
    )


# --- 02a. By ethnic group (docs/domain.md §3, form 6 of the working layout) ----------------------------------------

ETHNIC_GROUPS_TITLE = "HỘ DÂN CƯ, HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC NĂM {year}"
ETHNIC_GROUPS_SECTIONS = {
    "households": "A. TỔNG SỐ HỘ DÂN CƯ",
    "poor": "B. HỘ NGHÈO",
    "near_poor": "C. HỘ CẬN NGHÈO",
}
ETHNIC_GROUPS_RATE_ROW = {"poor": "Tỷ lệ hộ nghèo của dân tộc (%)", "near_poor": "Tỷ lệ hộ cận nghèo của dân tộc (%)"}
ETHNIC_GROUPS_FOOTNOTE = (
    "Dân tộc của hộ: dân tộc của chủ hộ (thành viên có quan hệ \"chủ hộ\" ngày 31/12, theo dân tộc đang ghi trong sổ "
    "hộ) – cách xác định cần đối chiếu văn bản. Hộ dân tộc thiểu số ở biểu 02 xác định theo kết quả rà soát (chủ hộ "
    "hoặc vợ/chồng là người dân tộc thiểu số) nên có thể khác cột \"Dân tộc thiểu số\" của biểu này. Tỷ lệ: số hộ "
    "nghèo (cận nghèo) của dân tộc ÷ số hộ dân cư của dân tộc × 100."
)
UNKNOWN_ETHNIC = "Chưa ghi dân tộc"


def ethnic_groups_spec(ctx: Any, groups: list[dict]) -> SheetSpec:
    """Kinh, all minorities, then one column per minority group present (by the 1979 list's code)."""
    g, m = "Chia theo dân tộc của chủ hộ", "Trong đó, dân tộc thiểu số"
    cols = [
        Column("stt", "STT", fmt="center", width=5),
        Column("name", unit_header(ctx), fmt="text", width=22),
        Column("total", "Tổng số", width=10),
        Column("kinh", "Kinh", group=g, width=9),
        Column("minority", "Dân tộc thiểu số", group=g, width=10),
    ]
    if any(gr["code"] is None for gr in groups):
        cols.append(Column("unknown", UNKNOWN_ETHNIC, group=g, width=9))
    for gr in groups:
        if gr["code"] is not None and gr["minority"]:
            cols.append(Column(f"g{gr['code']}", gr["name"], group=m, width=9))
    return SheetSpec(name="02a. Theo dân tộc", form="Biểu số 02a", title=ETHNIC_GROUPS_TITLE, columns=cols, unit_note="Đơn vị tính: hộ; tỷ lệ: %")


# --- 03. Deprivations -----------------------------------------------------------------------------------------

DEPRIVATION_TITLE = "HỘ NGHÈO, HỘ CẬN NGHÈO THIẾU HỤT CÁC DỊCH VỤ XÃ HỘI CƠ BẢN NĂM {year}"
DEPRIVATION_SECTIONS = {"poor": "A. HỘ NGHÈO", "near_poor": "B. HỘ CẬN NGHÈO"}
PERCENT_ROW = "Tỷ lệ thiếu hụt (%)"


def deprivation_spec(ctx: Any, indicators: list[dict]) -> SheetSpec:
    cols = [
        Column("stt", "STT", fmt="center", width=5),
        Column("name", unit_header(ctx), fmt="text", width=22),
        Column("households", "Tổng số hộ", width=9),
        Column("total_deprivations", "Tổng số lượt thiếu hụt", width=10),
    ]
    for ind in indicators:
        cols.append(Column(f"i{ind['code']}", f"{ind['code']}. {ind['name']}", group=f"Số hộ thiếu hụt – {ind['dimension_name']}", width=9))
    return SheetSpec(name="03. Thiếu hụt", form="Biểu số 03", title=DEPRIVATION_TITLE, columns=cols)


# --- 03a. Children's deprivations (docs/domain.md §3, form 8 of the working layout) --------------------------------

# The indicators about children of the standard in force, by their code in it: Decree 07/2021/NĐ-CP (and Decree
# 351/2025/NĐ-CP) indicator 3 "dinh dưỡng" (health) and 6 "tình trạng đi học của trẻ em" (education).
CHILDREN_INDICATORS = ("3", "6")
CHILDREN_AGE = 16  # "trẻ em dưới 16 tuổi" (indicators 2, 3 and 6 of Decree 07)
CHILDREN_TITLE = "HỘ NGHÈO, HỘ CẬN NGHÈO THIẾU HỤT CÁC CHỈ SỐ VỀ TRẺ EM NĂM {year}"
CHILDREN_SECTIONS = {"poor": "A. HỘ NGHÈO", "near_poor": "B. HỘ CẬN NGHÈO"}
CHILDREN_FOOTNOTE = (
    "Trẻ em: thành viên của hộ dưới 16 tuổi ngày 31/12 (tính theo ngày sinh ghi trong sổ hộ; thành viên chưa ghi ngày "
    "sinh không được tính). Tỷ lệ: số hộ thiếu hụt chỉ số ÷ tổng số hộ nghèo (cận nghèo) × 100. Chỉ số thiếu hụt theo "
    "lần rà soát mà phân loại của hộ căn cứ vào."
)


def children_spec(ctx: Any, indicators: list[dict]) -> SheetSpec:
    cols = [
        Column("stt", "STT", fmt="center", width=5),
        Column("name", unit_header(ctx), fmt="text", width=22),
        Column("households", "Tổng số hộ", width=9),
        Column("children", "Số trẻ em dưới 16 tuổi trong hộ", width=11),
    ]
    for ind in indicators:
        group = f"{ind['code']}. {ind['name']} ({ind['dimension_name']})"
        key = f"i{ind['code']}"
        cols += [
            Column(key, "Số hộ thiếu hụt", group=group, width=10),
            Column(f"{key}_pct", "Tỷ lệ (%)", group=group, fmt="pct", width=9, number=f"{{self}} = {{{key}}}/{{households}} × 100"),
            Column(f"{key}_children", "Số trẻ em dưới 16 tuổi trong các hộ này", group=group, width=12),
        ]
    return SheetSpec(name="03a. Thiếu hụt của trẻ em", form="Biểu số 03a", title=CHILDREN_TITLE, columns=cols,
                     unit_note="Đơn vị tính: hộ; người; tỷ lệ: %")


# --- 04. Groups: without working capacity, people of merit -----------------------------------------------

GROUPS_TITLE = "HỘ NGHÈO, HỘ CẬN NGHÈO KHÔNG CÓ KHẢ NĂNG LAO ĐỘNG, CÓ NGƯỜI CÓ CÔNG NĂM {year}"


def groups_spec(ctx: Any) -> SheetSpec:
    p, n = "Hộ nghèo", "Hộ cận nghèo"
    return SheetSpec(
        name="04. Không có KNLĐ",
        form="Biểu số 04",
        title=GROUPS_TITLE,
        columns=[
            Column("stt", "STT", fmt="center", width=5),
            Column("name", unit_header(ctx), fmt="text", width=24),
            Column("poor", "Tổng số", group=p),
            Column("poor_no_labour", "Không có khả năng lao động", group=p, width=12),
            Column("poor_no_labour_pct", "Tỷ lệ (%)", group=p, fmt="pct", number="{self} = {poor_no_labour}/{poor} × 100"),
            Column("poor_merit", "Có người có công", group=p),
            Column("poor_em", "Dân tộc thiểu số", group=p),
            Column("poor_other", "Hộ nghèo khác", group=p, number="{self} = {poor} − {poor_no_labour} − {poor_merit}"),
            Column("near", "Tổng số", group=n),
            Column("near_no_labour", "Không có khả năng lao động", group=n, width=12),
            Column("near_no_labour_pct", "Tỷ lệ (%)", group=n, fmt="pct", number="{self} = {near_no_labour}/{near} × 100"),
            Column("near_merit", "Có người có công", group=n),
            Column("near_em", "Dân tộc thiểu số", group=n),
        ],
    )


GROUPS_FOOTNOTE = (
    "Hộ không có khả năng lao động: không có thành viên nào có khả năng lao động (trẻ em, người cao tuổi, người "
    "khuyết tật, ốm đau) – định nghĩa cần đối chiếu văn bản. \"Hộ nghèo khác\" có thể âm nếu một hộ thuộc cả hai nhóm."
)

# --- 05. Causes ---------------------------------------------------------------------------------------------

CAUSES_TITLE = "NGUYÊN NHÂN NGHÈO CỦA HỘ NGHÈO NĂM {year}"


def causes_spec(ctx: Any, causes: list[dict]) -> SheetSpec:
    cols = [
        Column("stt", "STT", fmt="center", width=5),
        Column("name", unit_header(ctx), fmt="text", width=22),
        Column("households", "Tổng số hộ nghèo", width=9),
    ]
    for c in causes:
        cols.append(Column(f"c_{c['code']}", c["name"], group="Số hộ nghèo theo nguyên nhân", width=10))
    return SheetSpec(name="05. Nguyên nhân nghèo", form="Biểu số 05", title=CAUSES_TITLE, columns=cols)


CAUSES_FOOTNOTE = "Một hộ có thể có nhiều nguyên nhân nghèo nên tổng các cột nguyên nhân có thể lớn hơn số hộ nghèo."

# --- 06. Targets against actuals ----------------------------------------------------------------------------

TARGETS_TITLE = "THỰC HIỆN CHỈ TIÊU GIẢM NGHÈO ĐẾN NĂM {year}"
TARGETS_SECTION = "A. CHỈ TIÊU CỦA KẾ HOẠCH VÀ KẾT QUẢ THỰC HIỆN"
TARGETS_YEARS_SECTION = "B. TỶ LỆ HỘ NGHÈO QUA CÁC NĂM SO VỚI LỘ TRÌNH CỦA KẾ HOẠCH"


def targets_spec(ctx: Any) -> SheetSpec:
    return SheetSpec(
        name="06. Chỉ tiêu",
        form="Biểu số 06",
        title=TARGETS_TITLE,
        unit_note="Đơn vị tính: điểm %/năm; %",
        columns=[
            Column("stt", "STT", fmt="center", width=5),
            Column("name", "Chỉ tiêu", fmt="text", width=40),
            Column("span", "Giai đoạn", fmt="center", width=11),
            Column("target", "Chỉ tiêu (điểm %/năm)", fmt="points", width=11),
            Column("actual", "Thực hiện bình quân (điểm %/năm)", fmt="points", width=12),
            Column("needed", "Cần giảm mỗi năm còn lại (điểm %)", fmt="points", width=12),
            Column("status", "Đánh giá", fmt="text", width=16),
        ],
    )


TARGET_YEAR_COLUMNS = [
    Column("stt", "STT", fmt="center", width=5),
    Column("name", "Năm", fmt="center", width=40),
    Column("households", "Tổng số hộ dân cư", width=11),
    Column("poor_rate", "Thực hiện (%)", group="Tỷ lệ hộ nghèo", fmt="pct", width=12),
    Column("poor_change", "Giảm so với năm trước (điểm %)", group="Tỷ lệ hộ nghèo", fmt="points", width=12),
    Column("poor_path", "Lộ trình (%)", group="Tỷ lệ hộ nghèo", fmt="pct", width=12),
    Column("em_rate", "Thực hiện (%)", group="Tỷ lệ hộ nghèo DTTS", fmt="pct", width=16),
]
STATUS_NA = "Chưa đủ số liệu"
TARGETS_FOOTNOTE = (
    "Chỉ tiêu theo mục II.2 Kế hoạch của huyện: giai đoạn 2021–2025 tỷ lệ hộ nghèo giảm bình quân 3 điểm %/năm, "
    "hộ nghèo dân tộc thiểu số giảm trên 4 điểm %/năm; đến năm 2030 giảm trên 2 điểm %/năm (chỉ tiêu sửa tại trang "
    "Chỉ tiêu). Thực hiện bình quân: mức giảm trung bình mỗi năm từ năm gốc; lộ trình: tỷ lệ năm gốc trừ mức giảm "
    "chỉ tiêu mỗi năm."
)


# --- 07. Support and funds ------------------------------------------------------------------------------------

SUPPORT_TITLE = "KẾT QUẢ HỖ TRỢ HỘ NGHÈO, HỘ CẬN NGHÈO VÀ NGUỒN VỐN NĂM {year}"
SUPPORT_SECTION = "A. HỖ TRỢ ĐÃ THỰC HIỆN CHO HỘ GIA ĐÌNH, THEO XÃ VÀ NGUỒN KINH PHÍ"
FUNDS_SECTION = "B. NGUỒN VỐN ĐƯỢC GIAO VÀ GIẢI NGÂN, THEO NGUỒN"


def support_spec(ctx: Any, sources: list[str]) -> SheetSpec:
    cols = [
        Column("stt", "STT", fmt="center", width=5),
        Column("name", unit_header(ctx), fmt="text", width=26),
        Column("records", "Số lượt hỗ trợ", width=10),
        Column("amount", "Tổng kinh phí (đồng)", fmt="money", width=16),
    ]
    for i, s in enumerate(sources):
        cols.append(Column(f"s{i}", s, group="Chia theo nguồn kinh phí (đồng)", fmt="money", width=15))
    return SheetSpec(name="07. Hỗ trợ, nguồn vốn", form="Biểu số 07", title=SUPPORT_TITLE, columns=cols, unit_note="Đơn vị tính: lượt; đồng")


FUNDS_COLUMNS = [
    Column("stt", "STT", fmt="center", width=5),
    Column("name", "Nguồn vốn", fmt="text", width=26),
    Column("allocated", "Kế hoạch vốn được giao (đồng)", fmt="money", width=16),
    Column("disbursed", "Đã giải ngân (đồng)", fmt="money", width=16),
    Column("rate", "Tỷ lệ giải ngân (%)", fmt="pct", width=12, number="{self} = {disbursed}/{allocated} × 100"),
]
SUPPORT_FOOTNOTE = "Số liệu hỗ trợ do các cơ quan, đơn vị ghi nhận trong hệ thống, theo xã nơi hộ cư trú khi được hỗ trợ."


# --- 08. Tasks by agency ----------------------------------------------------------------------------------

TASKS_TITLE = "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ CỦA CÁC CƠ QUAN, ĐƠN VỊ NĂM {year}"


def tasks_spec() -> SheetSpec:
    g = "Số nhiệm vụ"
    return SheetSpec(
        name="08. Nhiệm vụ",
        form="Biểu số 08",
        title=TASKS_TITLE,
        unit_note="Đơn vị tính: nhiệm vụ; %",
        columns=[
            Column("stt", "STT", fmt="center", width=5),
            Column("name", "Cơ quan, đơn vị", fmt="text", width=34),
            Column("total", "Được giao", group=g),
            Column("completed", "Hoàn thành", group=g),
            Column("stalled", "Gặp khó khăn, vướng mắc", group=g, width=12),
            Column("overdue", "Quá hạn chưa hoàn thành", group=g, width=12),
            Column("progress", "Tiến độ bình quân (%)", fmt="pct", width=11),
        ],
    )


# --- 09. Deadline compliance ------------------------------------------------------------------------------

COMPLIANCE_TITLE = "TÌNH HÌNH CHẤP HÀNH CHẾ ĐỘ BÁO CÁO – {period}"


def compliance_spec() -> SheetSpec:
    return SheetSpec(
        name="09. Chấp hành báo cáo",
        form="Biểu số 09",
        title=COMPLIANCE_TITLE,
        unit_note="",
        columns=[
            Column("stt", "STT", fmt="center", width=5),
            Column("name", "Đơn vị báo cáo", fmt="text", width=36),
            Column("kind", "Loại đơn vị", fmt="text", width=16),
            Column("due", "Hạn nộp (trước ngày)", fmt="date", width=12),
            Column("submitted", "Ngày nộp", fmt="date", width=12),
            Column("status", "Tình trạng", fmt="text", width=22),  # "Đúng hạn – đã tiếp nhận" on one line
            Column("note", "Ghi chú", fmt="text", width=30),
        ],
    )


COMPLIANCE_SUMMARY = "Tổng số đơn vị phải báo cáo: {total}; đã nộp: {submitted} (đúng hạn {on_time}, muộn {late}); chưa nộp: {open}."
OWNER_COMMUNE, OWNER_AGENCY = "UBND xã, thị trấn", "Cơ quan, đơn vị"
NOT_SUBMITTED, NOT_SUBMITTED_OVERDUE = "Chưa nộp", "Chưa nộp (quá hạn)"

# --- 11. Household list -------------------------------------------------------------------------------------

HOUSEHOLDS_TITLE = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"


def households_spec() -> SheetSpec:
    b = "Năm sinh"
    g = "Thuộc nhóm"
    return SheetSpec(
        name="11. Danh sách hộ",
        form="Biểu số 11",
        title=HOUSEHOLDS_TITLE,
        unit_note="",
        columns=[
            Column("stt", "STT", fmt="center", width=6),
            Column("code", "Mã hộ", fmt="text", width=17),
            Column("person", "Họ và tên chủ hộ, thành viên", fmt="text", width=24),
            Column("male", "Nam", group=b, fmt="year", width=6),
            Column("female", "Nữ", group=b, fmt="year", width=6),
            Column("relation", "Quan hệ với chủ hộ", fmt="text", width=11),
            Column("ethnic", "Dân tộc", fmt="text", width=9),
            Column("citizen_id", "Số định danh cá nhân", fmt="center", width=14),
            Column("village", "Thôn, tổ dân phố", fmt="text", width=16),
            Column("commune", "Xã, thị trấn", fmt="text", width=16),
            Column("classification", "Phân loại", fmt="text", width=10),
            Column("change", "Diễn biến", fmt="text", width=13),
            Column("income", "Thu nhập bình quân (đồng/người/tháng)", fmt="money", width=13),
            Column("deprivations", "Số chỉ số thiếu hụt", width=9),
            Column("em", "DTTS", group=g, fmt="center", width=6),
            Column("no_labour", "Không có KNLĐ", group=g, fmt="center", width=8),
            Column("merit", "Có người có công", group=g, fmt="center", width=8),
            Column("support", "Hỗ trợ đã nhận trong năm", fmt="text", width=22),
        ],
    )


HOUSEHOLDS_NOTE = (
    "Tài liệu có dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP; Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): chỉ dùng cho "
    "công tác giảm nghèo, không sao chép, chuyển giao cho người không có thẩm quyền."
)
MARK = "x"
CHANGE_WORDS = {
    "newly_poor": "Phát sinh mới",
    "fell_back_poor": "Tái nghèo",
    "near_poor_to_poor": "Từ cận nghèo",
    "newly_near_poor": "Phát sinh mới",
    "fell_back_near_poor": "Tái cận nghèo",
    "escaped_poverty": "Thoát nghèo",
    "first_review": "Mới đến, tách hộ",
    "stayed": "Tiếp tục",
    "escaped_near_poverty": "Thoát cận nghèo",
}

# --- 10. Trend ------------------------------------------------------------------------------------------------

TREND_TITLE = "DIỄN BIẾN TỶ LỆ HỘ NGHÈO, HỘ CẬN NGHÈO GIAI ĐOẠN {first}–{last}"


def trend_spec() -> SheetSpec:
    """One landscape A4 page: the table across the page's width and the chart under it, as wide."""
    return SheetSpec(
        name="10. Diễn biến tỷ lệ",
        form="Biểu số 10",
        title=TREND_TITLE,
        unit_note="Đơn vị tính: hộ; %",
        columns=[
            Column("stt", "STT", fmt="center", width=6),
            Column("name", "Năm", fmt="center", width=12),
            Column("households", "Tổng số hộ dân cư", width=16),
            Column("poor", "Số hộ nghèo", width=16),
            Column("poor_rate", "Tỷ lệ hộ nghèo (%)", fmt="pct", width=16),
            Column("near", "Số hộ cận nghèo", width=16),
            Column("near_rate", "Tỷ lệ hộ cận nghèo (%)", fmt="pct", width=16),
            Column("em_rate", "Tỷ lệ hộ nghèo DTTS (%)", fmt="pct", width=16),
            Column("target", "Lộ trình theo Kế hoạch (%)", fmt="pct", width=16),
        ],
    )


CHART_TITLE = "Diễn biến tỷ lệ hộ nghèo, hộ cận nghèo (%)"
CHART_Y = "Tỷ lệ (%)"
CHART_X = "Năm"


# What the rates are over (after the chain's note on how the official figures were recognised: `ctx.basis_note`).
RATE_NOTE = (
    "Hộ chưa được rà soát lại giữ kết quả lần rà soát gần nhất, hộ chưa từng rà soát là hộ không nghèo. Tỷ lệ = số hộ "
    "của nhóm ÷ tổng số hộ dân cư ngày 31/12 × 100 (hộ dân cư theo sổ hộ, không phải số hộ được rà soát)."
)


# --- P1–P3. The period reports (five-year review 2021–2025, ten-year review 2021–2030) --------------------------
# Sheets of `reporting/excel/sheets/period.py`, in the period reports only: the baseline year against the latest
# year officially recognised before the due date, per commune on today's structure.

PERIOD_COMPARISON_TITLE = "SO SÁNH KẾT QUẢ GIẢM NGHÈO NĂM {base} VÀ NĂM {latest}"
PERIOD_MOVEMENT_TITLES = {
    "poor": "BIẾN ĐỘNG HỘ NGHÈO GIAI ĐOẠN {base}–{latest}",
    "near_poor": "BIẾN ĐỘNG HỘ CẬN NGHÈO GIAI ĐOẠN {base}–{latest}",
}
PERIOD_SUPPORT_TITLE = "KẾT QUẢ HỖ TRỢ VÀ NGUỒN VỐN GIAI ĐOẠN {first}–{latest}"
PERIOD_NOTE = (
    "Năm gốc {base}: kết quả tổng điều tra, rà soát hộ nghèo, hộ cận nghèo cuối năm {base} (số liệu đầu kỳ của giai "
    "đoạn). Năm so sánh {latest}: năm gần nhất có kết quả rà soát được công nhận trước hạn báo cáo {due}."
)
PERIOD_MOVEMENT_NOTE = (
    "Cộng dồn các năm {first}–{latest}: đầu kỳ là cuối năm {base}, cuối kỳ là cuối năm {latest}; mỗi cột khác là tổng "
    "các năm. Cột 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 trên mọi dòng."
)


def period_comparison_spec(ctx: Any, base: int, latest: int) -> SheetSpec:
    b, e, c = f"Năm {base}", f"Năm {latest}", "Thay đổi"
    return SheetSpec(
        name="P1. So sánh giai đoạn",
        form="Biểu số P1",
        title=PERIOD_COMPARISON_TITLE,
        columns=[
            Column("stt", "STT", fmt="center", width=5),
            Column("name", unit_header(ctx), fmt="text", width=24),
            Column("b_households", "Tổng số hộ", group=b),
            Column("b_poor", "Hộ nghèo", group=b),
            Column("b_poor_rate", "Tỷ lệ hộ nghèo (%)", group=b, fmt="pct", number="3 = 2/1 × 100"),
            Column("b_near", "Hộ cận nghèo", group=b),
            Column("b_near_rate", "Tỷ lệ hộ cận nghèo (%)", group=b, fmt="pct", number="5 = 4/1 × 100"),
            Column("e_households", "Tổng số hộ", group=e),
            Column("e_poor", "Hộ nghèo", group=e),
            Column("e_poor_rate", "Tỷ lệ hộ nghèo (%)", group=e, fmt="pct", number="8 = 7/6 × 100"),
            Column("e_near", "Hộ cận nghèo", group=e),
            Column("e_near_rate", "Tỷ lệ hộ cận nghèo (%)", group=e, fmt="pct", number="10 = 9/6 × 100"),
            Column("poor_points", "Tỷ lệ hộ nghèo tăng (+), giảm (−) (điểm %)", group=c, fmt="points", width=12, number="11 = 8 − 3"),
            Column("poor_per_year", "Bình quân giảm mỗi năm (điểm %)", group=c, fmt="points", width=12,
                   number=f"12 = (3 − 8)/{latest - base}"),
            Column("em_per_year", "Hộ nghèo DTTS: bình quân giảm mỗi năm (điểm %)", group=c, fmt="points", width=13,
                   number=f"{{self}} = giảm tỷ lệ hộ nghèo DTTS/{latest - base}"),
        ],
    )


def period_movement_spec(ctx: Any, table: str) -> SheetSpec:
    spec = movement_spec(ctx, table)
    labels = {"start": "(1) Đầu kỳ", "end": "(9) Cuối kỳ"}
    cols = [replace(c, label=labels[c.key]) if c.key in labels else c for c in spec.columns]
    names = {"poor": "P2a. Biến động hộ nghèo GĐ", "near_poor": "P2b. Biến động hộ cận nghèo GĐ"}
    forms = {"poor": "Biểu số P2a", "near_poor": "Biểu số P2b"}
    return SheetSpec(name=names[table], form=forms[table], title=PERIOD_MOVEMENT_TITLES[table], columns=cols, unit_note=spec.unit_note)


def period_support_spec(sources: list[str]) -> SheetSpec:
    cols = [
        Column("stt", "STT", fmt="center", width=5),
        Column("name", "Năm", fmt="text", width=14),
        Column("records", "Số lượt hỗ trợ", width=10),
        Column("amount", "Tổng kinh phí (đồng)", fmt="money", width=16),
    ]
    for i, s in enumerate(sources):
        cols.append(Column(f"s{i}", s, group="Chia theo nguồn kinh phí (đồng)", fmt="money", width=15))
    return SheetSpec(name="P3. Hỗ trợ cả giai đoạn", form="Biểu số P3", title=PERIOD_SUPPORT_TITLE, columns=cols,
                     unit_note="Đơn vị tính: lượt; đồng")
