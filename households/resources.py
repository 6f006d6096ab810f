"""The household-and-member workbook: its columns (Vietnamese headers and the other spellings accepted on import)
and django-import-export widgets that read a cell into a value and render a value into a cell.

The template, the import (`households.imports`) and the exports (`households.exports`) all take their columns
from here, so an exported member list can be edited and imported back unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from import_export import fields, resources, widgets

from .excel_io import as_text, citizen_id_text, header_key, is_blank, parse_birth
from .models import EthnicGroup, Livelihood, Relation, Sex
from .text import fold


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    help: str = ""
    width: int = 14
    required: bool = False
    household: bool = False  # a household's value, written on its first row
    text_format: bool = False  # formatted as text in the template (keeps leading zeros)

    @property
    def keys(self) -> tuple[str, ...]:
        return (header_key(self.header), *self.synonyms)


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hộ", ("ma ho gia dinh", "ma so ho", "ma ho", "so hieu ho"), required=True, household=True,
           width=16, text_format=True,
           help="Bắt buộc. Mỗi hộ một mã, không trùng với hộ khác. Các nhân khẩu của một hộ ghi liền nhau; "
                "dòng để trống mã hộ thuộc hộ ở dòng trên."),
    Column("commune", "Xã", ("xa phuong thi tran", "xa thi tran", "ten xa", "ma xa", "xa"), household=True, width=16,
           help="Không bắt buộc: để trống thì nhận xã chọn khi tải lên. Ghi tên xã hoặc mã xã."),
    Column("village", "Thôn, tổ dân phố", ("thon to dan pho", "thon xom", "thon ban", "thon", "xom", "ban",
                                           "to dan pho"), household=True, width=20,
           help="Chọn trong danh sách thôn của xã (tên hoặc mã thôn)."),
    Column("address", "Địa chỉ", ("dia chi thuong tru", "noi o hien nay", "dia chi"), household=True, width=28,
           help="Không bắt buộc."),
    Column("phone", "Điện thoại", ("so dien thoai", "dien thoai", "sdt"), household=True, width=14, text_format=True,
           help="Không bắt buộc."),
    Column("full_name", "Họ và tên", ("ho va ten nhan khau", "ho ten nhan khau", "ho va ten thanh vien", "ho va ten",
                                      "ho ten"), required=True, width=26,
           help="Bắt buộc, có dấu. Chữ gõ bằng phông cũ (.VnTime, VNI-Times) được tự chuyển sang Unicode."),
    Column("sex", "Giới tính", ("gioi tinh", "gioi"), width=10, help="Nam hoặc Nữ."),
    Column("birth", "Ngày sinh", ("ngay thang nam sinh", "ngay sinh", "nam sinh"), width=13, text_format=True,
           help="Ngày/tháng/năm (17/05/1985); chỉ biết năm thì ghi năm (1985)."),
    Column("citizen_id", "Số định danh cá nhân", ("so dinh danh ca nhan", "so dinh danh", "so can cuoc cong dan",
                                                  "can cuoc cong dan", "so can cuoc", "so cccd", "cccd", "so cmnd cccd",
                                                  "cmnd cccd"), width=18, text_format=True,
           help="12 chữ số (căn cước công dân). Định dạng ô là Văn bản để giữ số 0 ở đầu."),
    Column("ethnic_group", "Dân tộc", ("dan toc",), width=14, help="Chọn trong danh sách 54 dân tộc."),
    Column("relation", "Quan hệ với chủ hộ", ("quan he voi chu ho", "quan he voi ch", "quan he"), width=16,
           help="Chủ hộ, Vợ/chồng, Con, Bố/mẹ, … Mỗi hộ có một chủ hộ."),
    # A household's value kept last: the templates the communes filled before it came keep their columns.
    Column("livelihood", "Nghề nghiệp chính", ("nghe nghiep chinh cua ho", "nghe nghiep chinh", "nghe nghiep", "nganh nghe",
                                             "sinh ke chinh"), household=True, width=18,
           help="Không bắt buộc: Nông nghiệp, Lâm nghiệp, Ngư nghiệp, Diêm nghiệp hoặc Phi nông nghiệp (chọn trong danh sách)."),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Columns of other workbooks that are recognised and deliberately not imported.
IGNORED_KEYS = {
    "row_number": ("stt", "so thu tu", "tt"),
    "head_name": ("ho ten chu ho", "ho va ten chu ho", "ten chu ho", "chu ho"),
    "errors": ("loi can sua",),
}
ERROR_HEADER = "Lỗi cần sửa"


def header_synonyms() -> dict[str, tuple[str, ...]]:
    found = {c.key: c.keys for c in COLUMNS}
    found.update(IGNORED_KEYS)
    return found


# --- widgets ---------------------------------------------------------------------------------------------


class LabelChoiceWidget(widgets.Widget):
    """A choice written as its Vietnamese label ("Nữ", "Con"), a few other common words, or its code."""

    def __init__(self, choices, *, extra: dict[str, str] | None = None, noun: str):
        super().__init__()
        self.labels = dict(choices)
        self.lookup = {fold(label): value for value, label in choices}
        self.lookup.update({fold(value): value for value, _ in choices})
        for word, value in (extra or {}).items():
            self.lookup[fold(word)] = value
        self.noun = noun
        self._seen: dict[str, str] = {}

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        text = as_text(value)
        found = self._seen.get(text)
        if found is None:
            found = self.lookup.get(fold(text)) or self.lookup.get(fold(text).replace(" ", ""))
            if found is not None and len(self._seen) < 10_000:
                self._seen[text] = found
        if found is None:
            options = ", ".join(self.labels.values())
            raise ValueError(f"{self.noun} “{text}” không có trong danh sách ({options}).")
        return found

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "") if value else ""


SEX_WIDGET = LabelChoiceWidget(Sex.choices, extra={"nam giới": Sex.MALE, "nữ giới": Sex.FEMALE, "M": Sex.MALE,
                                                   "F": Sex.FEMALE, "gái": Sex.FEMALE, "trai": Sex.MALE},
                               noun="Giới tính")
RELATION_WIDGET = LabelChoiceWidget(
    Relation.choices,
    extra={
        "chủ hộ": Relation.HEAD, "CH": Relation.HEAD, "vợ": Relation.SPOUSE, "chồng": Relation.SPOUSE,
        "con trai": Relation.CHILD, "con gái": Relation.CHILD, "con đẻ": Relation.CHILD, "con nuôi": Relation.CHILD,
        "bố": Relation.PARENT, "mẹ": Relation.PARENT, "cha": Relation.PARENT, "bố đẻ": Relation.PARENT,
        "mẹ đẻ": Relation.PARENT, "cháu": Relation.GRANDCHILD, "cháu nội": Relation.GRANDCHILD,
        "cháu ngoại": Relation.GRANDCHILD, "anh": Relation.SIBLING, "chị": Relation.SIBLING, "em": Relation.SIBLING,
        "anh trai": Relation.SIBLING, "chị gái": Relation.SIBLING, "em trai": Relation.SIBLING,
        "em gái": Relation.SIBLING, "con dâu": Relation.CHILD_IN_LAW, "con rể": Relation.CHILD_IN_LAW,
        "ông": Relation.GRANDPARENT, "bà": Relation.GRANDPARENT, "ông nội": Relation.GRANDPARENT,
        "bà nội": Relation.GRANDPARENT, "ông ngoại": Relation.GRANDPARENT, "bà ngoại": Relation.GRANDPARENT,
    },
    noun="Quan hệ",
)


class EthnicGroupWidget(widgets.ForeignKeyWidget):
    """An ethnic group by its name ("Sán Chay"), another name of it ("Cao Lan"), or its code ("15", "8")."""

    def __init__(self):
        super().__init__(EthnicGroup, field="name")
        self._lookup: dict[str, int] | None = None
        self.names: dict[int, str] = {}

    def load(self) -> None:
        lookup: dict[str, int] = {}
        for group in EthnicGroup.objects.all():
            self.names[group.pk] = group.name
            lookup[fold(group.name)] = group.pk
            lookup[fold(group.name).replace("-", " ")] = group.pk
            lookup[fold(group.name).replace("-", "").replace(" ", "")] = group.pk
            lookup[group.code] = group.pk
            lookup[str(int(group.code))] = group.pk
            for other in (group.other_names or "").replace(";", ",").split(","):
                if other.strip():
                    lookup.setdefault(fold(other.strip()), group.pk)
        self._lookup = lookup

    def clean(self, value, row=None, **kwargs):
        """The group's id (not the object: an import reads thousands of rows)."""
        if is_blank(value):
            return None
        if self._lookup is None:
            self.load()
        text = as_text(value)
        if text in self._lookup:
            return self._lookup[text]
        key = fold(text).replace("dan toc ", "")
        found = self._lookup.get(key) or self._lookup.get(key.replace("-", " ")) or self._lookup.get(
            key.replace("-", "").replace(" ", "").replace("'", ""))
        if found is None:
            raise ValueError(f"Dân tộc “{text}” không có trong danh mục 54 dân tộc.")
        self._lookup[text] = found
        return found

    def render(self, value, obj=None, **kwargs):
        return value.name if isinstance(value, EthnicGroup) else (value or "")


class BirthWidget(widgets.Widget):
    """Birth date cell → (date, year_only); renders dd/mm/yyyy, or the year alone when only the year is known."""

    def clean(self, value, row=None, **kwargs):
        return parse_birth(value, today=kwargs.get("today") or timezone.localdate())

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        if kwargs.get("year_only"):
            return f"{value.year}"
        return f"{value:%d/%m/%Y}"


class CitizenIdWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return citizen_id_text(value) or None


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return as_text(value)


class HouseholdMemberResource(resources.Resource):
    """One row per member with the household's columns: the layout of the template, the import and the
    member export. The widgets are the single place where a cell becomes a value and back."""

    code = fields.Field(attribute="household__code", column_name="Mã hộ", widget=TextWidget())
    commune = fields.Field(attribute="household__commune__name", column_name="Xã", widget=TextWidget())
    village = fields.Field(attribute="household__village__name", column_name="Thôn, tổ dân phố", widget=TextWidget())
    address = fields.Field(attribute="household__address", column_name="Địa chỉ", widget=TextWidget())
    phone = fields.Field(attribute="household__phone", column_name="Điện thoại", widget=TextWidget())
    livelihood = fields.Field(attribute="household__livelihood", column_name="Nghề nghiệp chính", widget=TextWidget())
    full_name = fields.Field(attribute="full_name", column_name="Họ và tên", widget=TextWidget())
    sex = fields.Field(attribute="sex", column_name="Giới tính", widget=SEX_WIDGET)
    birth = fields.Field(attribute="birth_date", column_name="Ngày sinh", widget=BirthWidget())
    citizen_id = fields.Field(attribute="citizen_id", column_name="Số định danh cá nhân", widget=CitizenIdWidget())
    ethnic_group = fields.Field(attribute="ethnic_group", column_name="Dân tộc", widget=EthnicGroupWidget())
    relation = fields.Field(attribute="relation", column_name="Quan hệ với chủ hộ", widget=RELATION_WIDGET)

    class Meta:
        fields = tuple(c.key for c in COLUMNS)
        export_order = fields

    def widget(self, key: str) -> widgets.Widget:
        return self.fields[key].widget


def relation_labels() -> list[str]:
    return [label for _, label in Relation.choices]


def sex_labels() -> list[str]:
    return [label for _, label in Sex.choices]


def livelihood_labels() -> list[str]:
    return [label for _, label in Livelihood.choices]


def livelihood_code(text: str) -> str | None:
    """A livelihood typed in a workbook (its label, the label without its bracket — "Phi nông nghiệp" —, or its
    code) → its code; None if it is none of them."""
    key = header_key(text)
    for code, label in Livelihood.choices:
        if key in (code, header_key(label), header_key(label.split("(")[0])):
            return code
    return None


# --- the annual review workbook (one row per household, one year) ----------------------------------------------
#
# The review template (`households.exports.reviews_template`) and the review import (`households.imports_reviews`)
# take their columns from here. The indicator columns depend on the standard of the year: one per indicator,
# headed "4. Bảo hiểm y tế", found on import by that header, by "Chỉ số 4" or by the indicator's name.

YES_NO = ("Có", "Không")
REVIEW_CAUSE_SLOTS = 3  # "Nguyên nhân nghèo (1)" … "(3)", each a drop-down; a cell may also hold several names
REVIEW_NEED_SLOTS = 3

REVIEW_COLUMNS_BEFORE: tuple[Column, ...] = (
    Column("code", "Mã hộ", ("ma ho gia dinh", "ma so ho", "ma ho", "so hieu ho"), required=True, width=16,
           text_format=True, help="Bắt buộc. Mã hộ trong sổ hộ của xã; mỗi hộ một dòng."),
    Column("review_date", "Ngày rà soát", ("ngay ra soat", "ngay dieu tra", "ngay khao sat"), width=13, text_format=True,
           help="Ngày/tháng/năm thuộc năm rà soát, không sau hôm nay. Để trống: giữ ngày đã ghi hoặc lấy ngày mặc định."),
    Column("member_count", "Số nhân khẩu", ("so nhan khau", "so khau", "so thanh vien", "nhan khau"), width=10,
           help="Số người trong hộ khi rà soát (ít nhất 1). Để trống: lấy theo sổ hộ."),
    Column("income_total", "Tổng thu nhập 12 tháng (đồng)", ("tong thu nhap 12 thang", "tong thu nhap cua ho",
                                                               "tong thu nhap"), width=16,
           help="Tổng thu nhập của hộ trong 12 tháng qua, tính bằng đồng. Có cột này thì thu nhập bình quân "
                "được tính = tổng ÷ số nhân khẩu ÷ 12."),
    Column("income_month", "Thu nhập bình quân (đồng/người/tháng)", ("thu nhap binh quan dau nguoi",
                                                                       "thu nhap binh quan", "thu nhap bq",
                                                                       "thu nhap dau nguoi"), width=16,
           help="Chỉ cần khi không có tổng thu nhập 12 tháng."),
)
REVIEW_COLUMNS_AFTER: tuple[Column, ...] = tuple(
    Column(f"cause{i}", f"Nguyên nhân nghèo ({i})", (f"nguyen nhan ngheo {i}",) + (("nguyen nhan ngheo", "nguyen nhan")
                                                                                  if i == 1 else ()), width=24,
           help="Chọn trong danh sách (trang “Danh mục”); có thể ghi nhiều nguyên nhân, cách nhau bởi dấu “;”.")
    for i in range(1, REVIEW_CAUSE_SLOTS + 1)
) + tuple(
    Column(f"need{i}", f"Nhu cầu hỗ trợ ({i})", (f"nhu cau ho tro {i}",) + (("nhu cau ho tro", "nhu cau")
                                                                           if i == 1 else ()), width=24,
           help="Chọn trong danh sách (trang “Danh mục”); có thể ghi nhiều nhu cầu, cách nhau bởi dấu “;”.")
    for i in range(1, REVIEW_NEED_SLOTS + 1)
) + (
    Column("no_working_capacity", "Hộ không có khả năng lao động", ("ho khong co kha nang lao dong",
                                                                     "khong co kha nang lao dong", "khong co kha nang ld"),
           width=12, help="Có hoặc Không. Để trống: giữ giá trị đã ghi (hoặc tự xác định từ thông tin nhân khẩu)."),
    Column("person_of_merit", "Hộ có người có công", ("ho co nguoi co cong", "nguoi co cong"), width=12,
           help="Có hoặc Không."),
    Column("notes", "Ghi chú", ("ghi chu",), width=30, help="Không bắt buộc."),
)
# Columns of the template (and of other workbooks) shown for reference and not imported.
REVIEW_REFERENCE_KEYS = {
    "row_number": ("stt", "so thu tu", "tt"),
    "head_name": ("chu ho de doi chieu", "ho ten chu ho", "ho va ten chu ho", "ten chu ho", "chu ho", "ho va ten",
                  "ho ten"),
    "village": ("thon to dan pho", "thon xom", "thon ban", "thon", "xom", "to dan pho"),
    "current": ("phan loai hien tai de doi chieu", "phan loai hien tai", "phan loai"),
    "state": ("trang thai de doi chieu", "trang thai"),
    "deprivation_count": ("so chi so thieu hut",),
    "errors": ("loi can sua",),
}
REVIEW_REFERENCE_HEADERS = {
    "head_name": "Chủ hộ (để đối chiếu)",
    "village": "Thôn, tổ dân phố",
    "current": "Phân loại hiện tại (để đối chiếu)",
    "state": "Trạng thái (để đối chiếu)",
}


def indicator_header(code: str, name: str) -> str:
    return f"{code}. {name}"


def indicator_column(code: str, name: str) -> Column:
    return Column(f"ind:{code}", indicator_header(code, name), (f"chi so {code}", f"cs{code}", header_key(name)),
                  width=11, help=f"Chỉ số {code} – {name}: Có (thiếu hụt) hoặc Không; để trống là Không.")


def review_columns(indicators: dict[str, str]) -> list[Column]:
    """The imported columns of the review workbook for a standard's indicators (code → name, in order)."""
    return [*REVIEW_COLUMNS_BEFORE, *(indicator_column(c, n) for c, n in indicators.items()), *REVIEW_COLUMNS_AFTER]


def review_header_synonyms(columns: list[Column]) -> dict[str, tuple[str, ...]]:
    found = {c.key: c.keys for c in columns}
    found.update({f"ref:{k}": v for k, v in REVIEW_REFERENCE_KEYS.items()})
    return found


_YES = {"co", "x", "1", "true", "yes", "y", "thieu hut", "co thieu hut", "th", "v", "✓", "✔"}
_NO = {"khong", "0", "false", "no", "n", "-", "k", "kh", "khong thieu hut"}


def yes_no(value, *, noun: str) -> bool | None:
    """A Có/Không cell: Có, x, 1 → True; Không, 0, - → False; blank → None. ValueError with the reason otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = fold(as_text(value)).strip(" .")
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"{noun}: “{as_text(value)}” không hợp lệ; ghi Có (hoặc x) hoặc Không (hoặc để trống).")
