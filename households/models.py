"""The registry: administrative units (with validity), ethnic groups, households and their members."""
from __future__ import annotations

import datetime as dt
import re

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.models import HistoricalRecords

from . import poverty
from .fields import NFCCharField, NFCTextField
from .text import fold

# A unit with no known start is treated as in force since this day.
EARLIEST = dt.date(1900, 1, 1)


class Level(models.TextChoices):
    PROVINCE = "province", gettext_noop("Tỉnh")
    DISTRICT = "district", gettext_noop("Huyện")
    COMMUNE = "commune", gettext_noop("Xã, thị trấn")
    VILLAGE = "village", gettext_noop("Thôn, tổ dân phố")


class Area(models.TextChoices):
    RURAL = "rural", gettext_lazy("Nông thôn")
    URBAN = "urban", gettext_lazy("Thành thị")


class UnitQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> "UnitQuerySet":
        """Units in force on a date (today in Asia/Ho_Chi_Minh by default)."""
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def communes(self) -> "UnitQuerySet":
        return self.filter(level=Level.COMMUNE)

    def by_code(self, code: str, on: dt.date | None = None) -> "AdministrativeUnit":
        """The unit that bore `code` on a date: codes were reused after mergers (02554: Bình Yên, then Minh Thanh)."""
        return self.in_force(on).get(code=code)


class AdministrativeUnit(models.Model):
    """A province, district, commune/town or village, in force from `valid_from` to `valid_to`.

    A unit ended by a merger names its successors; a code alone does not identify a unit, a code and a date do.
    """

    code = models.CharField(gettext_lazy("mã"), max_length=16, db_index=True, help_text=gettext_lazy("Mã đơn vị hành chính của Tổng cục Thống kê."))
    name = NFCCharField(gettext_lazy("tên"), max_length=120)
    short_name = NFCCharField(gettext_lazy("tên ngắn"), max_length=80, blank=True)
    level = models.CharField(gettext_lazy("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=gettext_lazy("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    area = models.CharField(gettext_lazy("khu vực"), max_length=5, choices=Area.choices, default=Area.RURAL)
    extremely_difficult = models.BooleanField(
        gettext_lazy("xã đặc biệt khó khăn"), default=False, help_text=gettext_lazy("Kế hoạch của huyện, mục III.3.")
    )
    valid_from = models.DateField(gettext_lazy("hiệu lực từ"), default=EARLIEST)
    valid_to = models.DateField(gettext_lazy("hiệu lực đến"), null=True, blank=True, help_text=gettext_lazy("Để trống khi còn hiệu lực."))
    successors = models.ManyToManyField(
        "self", verbose_name=gettext_lazy("đơn vị kế thừa"), symmetrical=False, blank=True, related_name="predecessors"
    )
    confirmed = models.BooleanField(
        gettext_lazy("đã xác minh"), default=True, help_text=gettext_lazy("Bỏ chọn khi mã, tên hoặc thành phần chưa đối chiếu văn bản chính thức.")
    )
    note = NFCTextField(gettext_lazy("ghi chú"), blank=True)

    objects = UnitQuerySet.as_manager()

    # Scoping (accounts.scoping): a unit is reference data every signed-in role may read.
    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("đơn vị hành chính")
        verbose_name_plural = gettext_lazy("đơn vị hành chính")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_valid_from_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            ),
        ]
        indexes = [models.Index(fields=["level", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_urban(self) -> bool:
        return self.area == Area.URBAN

    def in_force_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def label(self) -> str:
        """The name with its validity where the unit has ended (for lists that mix old and new units)."""
        if self.valid_to:
            return f"{self.name} (đến {self.valid_to:%d/%m/%Y})"
        return self.name

    def commune_on(self, on: dt.date) -> "AdministrativeUnit | None":
        """For a village: the commune it belonged to on a date, following its commune's successors."""
        unit = self.parent if self.level == Level.VILLAGE else self
        seen: set[int] = set()
        while unit is not None and not unit.in_force_on(on) and unit.pk not in seen:
            seen.add(unit.pk)
            if unit.valid_to is not None and on > unit.valid_to:
                unit = unit.successors.filter(level=unit.level).first()
            else:
                return None
        return unit


class RegionStatus(models.Model):
    """The region (khu vực I/II/III) of a commune in ethnic-minority and mountain areas, for a period."""

    class Region(models.TextChoices):
        I = "I", gettext_lazy("Khu vực I")
        II = "II", gettext_lazy("Khu vực II")
        III = "III", gettext_lazy("Khu vực III")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("xã"), on_delete=models.CASCADE, related_name="regions")
    region = models.CharField(gettext_lazy("khu vực"), max_length=3, choices=Region.choices)
    valid_from = models.DateField(gettext_lazy("hiệu lực từ"))
    valid_to = models.DateField(gettext_lazy("hiệu lực đến"), null=True, blank=True)
    legal_basis = NFCCharField(gettext_lazy("căn cứ"), max_length=200, blank=True)
    confirmed = models.BooleanField(gettext_lazy("đã xác minh"), default=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("phân định khu vực")
        verbose_name_plural = gettext_lazy("phân định khu vực")
        ordering = ["unit__code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["unit", "valid_from"], name="region_unit_valid_from_unique")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.get_region_display()}"


class EthnicGroup(models.Model):
    code = models.CharField(gettext_lazy("mã"), max_length=2, unique=True, help_text=gettext_lazy("Danh mục 1979 (Quyết định 121-TCTK/PPCĐ)."))
    code_2008 = models.CharField(gettext_lazy("mã 2008"), max_length=2, blank=True, help_text=gettext_lazy("Danh mục 2008 (Quyết định 1019/QĐ-TCTK)."))
    name = NFCCharField(gettext_lazy("tên dân tộc"), max_length=60, unique=True)
    other_names = NFCCharField(gettext_lazy("tên gọi khác"), max_length=120, blank=True)
    minority = models.BooleanField(gettext_lazy("dân tộc thiểu số"), default=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("dân tộc")
        verbose_name_plural = gettext_lazy("dân tộc")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "male", gettext_noop("Nam")
    FEMALE = "female", gettext_noop("Nữ")


class Relation(models.TextChoices):
    HEAD = "head", gettext_noop("Chủ hộ")
    SPOUSE = "spouse", gettext_noop("Vợ/chồng")
    CHILD = "child", gettext_noop("Con")
    PARENT = "parent", gettext_noop("Bố/mẹ")
    GRANDCHILD = "grandchild", gettext_noop("Cháu")
    SIBLING = "sibling", gettext_noop("Anh/chị/em")
    CHILD_IN_LAW = "child_in_law", gettext_noop("Con dâu/con rể")
    GRANDPARENT = "grandparent", gettext_noop("Ông/bà")
    OTHER = "other", gettext_noop("Khác")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", gettext_noop("Đang cư trú")
    MOVED_OUT = "moved_out", gettext_noop("Chuyển đi")
    SPLIT = "split", gettext_noop("Tách hộ")
    MERGED = "merged", gettext_noop("Nhập hộ")
    DISSOLVED = "dissolved", gettext_noop("Không còn (chết, giải thể)")


class Livelihood(models.TextChoices):
    """A household's main livelihood (nghề nghiệp chính: what brings most of its income). The average-living
    households of agriculture, forestry, fishery and salt-making (hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp và
    diêm nghiệp có mức sống trung bình) are a column of the results form (docs/domain.md §3, form 1) and a group of the
    health-insurance support; the average living standard is Decree 07/2021/NĐ-CP Art. 3.2.c."""

    AGRICULTURE = "agriculture", gettext_noop("Nông nghiệp")
    FORESTRY = "forestry", gettext_noop("Lâm nghiệp")
    FISHERY = "fishery", gettext_noop("Ngư nghiệp")
    SALT = "salt", gettext_noop("Diêm nghiệp")
    OTHER = "other", gettext_noop("Phi nông nghiệp (công nghiệp, dịch vụ, tiền công…)")


# Agriculture, forestry, fishery and salt-making: the livelihoods of the form's average-living column.
FARMING = frozenset({Livelihood.AGRICULTURE, Livelihood.FORESTRY, Livelihood.FISHERY, Livelihood.SALT})


# A household code as the commune's register writes it: the village code and the household's number there
# ("02545-06-000184"), or a commune system's own code — letters without diacritics, digits, "-", ".", "/"; no spaces.
HOUSEHOLD_CODE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9./-]{0,30}[A-Za-z0-9])?$")


def household_code_error(code: str) -> str | None:
    """Why a household code is refused (None: it is well formed), in the words every entry path shows."""
    if HOUSEHOLD_CODE_RE.match(code or ""):
        return None
    return (f"Mã hộ «{code}» không hợp lệ: chỉ gồm chữ cái không dấu, chữ số và dấu «-», «.», «/» (không có khoảng "
            "trắng), tối đa 32 ký tự, ví dụ 02545-06-000184 (mã thôn và số thứ tự của hộ trong thôn).")


def phone_error(phone: str) -> str | None:
    """Why a phone number is refused (None: empty or well formed): digits, with "+", spaces, dots or dashes as
    people write them, 9 to 12 digits (0912 345 678, +84 912 345 678, 0207 3 822 123)."""
    text = (phone or "").strip()
    if not text:
        return None
    digits = re.sub(r"[\s.\-()]", "", text)
    if re.fullmatch(r"\+?\d{9,12}", digits):
        return None
    return f"Số điện thoại «{text}» không hợp lệ: chỉ gồm chữ số (có thể có dấu +, khoảng trắng, dấu chấm), từ 9 đến 12 chữ số, ví dụ 0912 345 678."


class Household(models.Model):
    """A household of the registry, in its current commune and village."""

    code = models.CharField(gettext_lazy("mã hộ"), max_length=32, unique=True)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=gettext_lazy("xã, thị trấn"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Level.COMMUNE},
    )
    village = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=gettext_lazy("thôn, tổ dân phố"),
        on_delete=models.PROTECT,
        related_name="village_households",
        null=True,
        blank=True,
        limit_choices_to={"level": Level.VILLAGE},
    )
    address = NFCCharField(gettext_lazy("địa chỉ"), max_length=255, blank=True)
    head_name = NFCCharField(gettext_lazy("họ tên chủ hộ"), max_length=120, blank=True, db_index=True)
    search_key = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    phone = models.CharField(gettext_lazy("điện thoại"), max_length=20, blank=True)
    livelihood = models.CharField(
        gettext_lazy("nghề nghiệp chính"), max_length=12, choices=Livelihood.choices, blank=True, default="", db_default="",
        help_text=gettext_lazy("Sinh kế đem lại thu nhập chính của hộ (để trống khi chưa rõ); mỗi lần rà soát ghi lại nghề của hộ lúc đó."),
    )
    status = models.CharField(
        gettext_lazy("tình trạng"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("sửa lúc"), auto_now=True)
    # Residence in the program area. A household entered without an event has lived here since before the first
    # year of data (`resident_since` empty) or since the date the officer gives; only the household events
    # (households.events: moving in, splitting off; moving out, merging, dissolving) start or end it.
    resident_since = models.DateField(
        gettext_lazy("cư trú tại địa bàn từ ngày"), null=True, blank=True,
        help_text=gettext_lazy("Để trống khi hộ đã sinh sống tại địa bàn từ trước năm đầu tiên có số liệu."),
    )
    ended_on = models.DateField(
        gettext_lazy("không còn cư trú từ ngày"), null=True, blank=True,
        help_text=gettext_lazy("Ngày chuyển đi, nhập vào hộ khác hoặc không còn hộ (ghi qua biến động hộ)."),
    )
    version = models.PositiveIntegerField(gettext_lazy("phiên bản"), default=1)
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử hộ gia đình"))

    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("hộ gia đình")
        verbose_name_plural = gettext_lazy("hộ gia đình")
        ordering = ["commune__code", "code"]
        indexes = [
            models.Index(fields=["commune", "village", "code"]),
            # The review board counts a commune's living households by village from this index alone.
            models.Index(fields=["commune", "status", "village"], name="household_commune_status_vil"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}" if self.head_name else self.code

    def save(self, *args, **kwargs) -> None:
        self.fill_search_key()
        super().save(*args, **kwargs)

    def fill_search_key(self) -> None:
        """The folded code, head and address that the household search matches (also for bulk writes)."""
        self.search_key = fold(f"{self.code} {self.head_name} {self.address}")[:255]

    def resident_on(self, on: dt.date) -> bool:
        """Living in the program area on a date (between its arrival, if recorded, and the event that ended it)."""
        return (self.resident_since is None or self.resident_since <= on) and (self.ended_on is None or on < self.ended_on)


class MemberChange(models.TextChoices):
    """Why a person joined or left a household (the registry's births, deaths, marriages and moves)."""

    BIRTH = "birth", gettext_noop("Sinh")
    DEATH = "death", gettext_noop("Chết")
    MARRIAGE = "marriage", gettext_noop("Kết hôn")
    MOVED = "moved", gettext_noop("Chuyển đến, chuyển đi")
    SPLIT = "split", gettext_noop("Tách hộ")
    MERGE = "merge", gettext_noop("Nhập hộ")
    OTHER = "other", gettext_noop("Lý do khác")


class CurrentMembers(models.Manager):
    """The members a household has today: `Member.objects` and `household.members` leave out those who left
    (`Member.all_objects` keeps them, for the persons of a past year and the history)."""

    def get_queryset(self):
        return super().get_queryset().filter(left_on__isnull=True)


class Member(models.Model):
    """A person's membership of one household, from `joined_on` (empty: since the household began, or birth) to
    `left_on` (empty: a member today). A person who moves to another household (a split, a merger, a marriage)
    leaves this row behind, closed with its reason, and gets a new row in the other household: the members of a
    household on any date are known, and so are its persons in each year's figures."""

    household = models.ForeignKey(
        Household, verbose_name=gettext_lazy("hộ"), on_delete=models.CASCADE, related_name="members"
    )
    full_name = NFCCharField(gettext_lazy("họ và tên"), max_length=120)
    search_key = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    sex = models.CharField(gettext_lazy("giới tính"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(gettext_lazy("ngày sinh"), null=True, blank=True)
    birth_year_only = models.BooleanField(
        gettext_lazy("chỉ biết năm sinh"), default=False, help_text=gettext_lazy("Ngày sinh ghi 01/01 khi giấy tờ chỉ có năm sinh.")
    )
    citizen_id = models.CharField(
        gettext_lazy("số định danh cá nhân"), max_length=12, null=True, blank=True,
        help_text=gettext_lazy("12 chữ số (căn cước công dân)."),
    )
    ethnic_group = models.ForeignKey(
        EthnicGroup, verbose_name=gettext_lazy("dân tộc"), on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    relation = models.CharField(gettext_lazy("quan hệ với chủ hộ"), max_length=14, choices=Relation.choices, default=Relation.OTHER)
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    joined_on = models.DateField(gettext_lazy("vào hộ từ ngày"), null=True, blank=True,
                                 help_text=gettext_lazy("Để trống khi là nhân khẩu từ khi có hộ (hoặc từ khi sinh)."))
    joined_reason = models.CharField(gettext_lazy("lý do vào hộ"), max_length=10, choices=MemberChange.choices, blank=True, default="", db_default="")
    left_on = models.DateField(gettext_lazy("rời hộ từ ngày"), null=True, blank=True)
    left_reason = models.CharField(gettext_lazy("lý do rời hộ"), max_length=10, choices=MemberChange.choices, blank=True, default="", db_default="")
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử nhân khẩu"))

    objects = CurrentMembers()
    all_objects = models.Manager()

    scope_commune_field = "household__commune"

    class Meta:
        verbose_name = gettext_lazy("nhân khẩu")
        verbose_name_plural = gettext_lazy("nhân khẩu")
        ordering = ["household_id", "order", "id"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(citizen_id__isnull=True) | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="member_citizen_id_12_digits",
                violation_error_message="Số định danh cá nhân phải gồm đúng 12 chữ số.",
            ),
            # One person is a member of one household at a time; a closed membership keeps its number.
            models.UniqueConstraint(
                fields=["citizen_id"], condition=Q(left_on__isnull=True) & Q(citizen_id__isnull=False),
                name="member_citizen_id_unique_current",
                violation_error_message="Số định danh cá nhân đã có trong sổ hộ.",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        if self.citizen_id is not None:
            self.citizen_id = self.citizen_id.strip() or None
        self.fill_search_key()
        super().save(*args, **kwargs)

    def fill_search_key(self) -> None:
        self.search_key = fold(self.full_name)[:120]

    def member_on(self, on: dt.date) -> bool:
        """A member of its household on a date: born, joined and not yet left."""
        return (
            (self.birth_date is None or self.birth_date <= on)
            and (self.joined_on is None or self.joined_on <= on)
            and (self.left_on is None or on < self.left_on)
        )

    def age_on(self, on: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


# --- Poverty standards and the annual review ------------------------------------------------------------


class StandardQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "PovertyStandard":
        """The standard whose review years include `year` (DoesNotExist if none does)."""
        return self.get(first_year__lte=year, last_year__gte=year)


class PovertyStandard(models.Model):
    """A multidimensional poverty standard: income lines by area, its indicators, the review years it governs."""

    class Rule(models.TextChoices):
        DECREE07 = "decree07", gettext_lazy("Thu nhập ≤ chuẩn và thiếu hụt từ 3 chỉ số (Nghị định 07/2021)")
        QD59 = "qd59", gettext_lazy("Chuẩn nghèo và chuẩn cận nghèo (Quyết định 59/2015)")

    code = models.CharField(gettext_lazy("mã"), max_length=20, unique=True)
    name = NFCCharField(gettext_lazy("tên"), max_length=200)
    legal_basis = NFCTextField(gettext_lazy("căn cứ pháp lý"))
    first_year = models.PositiveSmallIntegerField(gettext_lazy("áp dụng từ năm rà soát"))
    last_year = models.PositiveSmallIntegerField(gettext_lazy("đến năm rà soát"))
    rule = models.CharField(gettext_lazy("quy tắc phân loại"), max_length=10, choices=Rule.choices, default=Rule.DECREE07)
    rural_poor_line = models.PositiveIntegerField(gettext_lazy("chuẩn nghèo nông thôn (đồng/người/tháng)"))
    urban_poor_line = models.PositiveIntegerField(gettext_lazy("chuẩn nghèo thành thị (đồng/người/tháng)"))
    rural_near_poor_line = models.PositiveIntegerField(gettext_lazy("chuẩn cận nghèo nông thôn"))
    urban_near_poor_line = models.PositiveIntegerField(gettext_lazy("chuẩn cận nghèo thành thị"))
    rural_average_line = models.PositiveIntegerField(gettext_lazy("mức sống trung bình nông thôn"), null=True, blank=True)
    urban_average_line = models.PositiveIntegerField(gettext_lazy("mức sống trung bình thành thị"), null=True, blank=True)
    min_deprivations = models.PositiveSmallIntegerField(gettext_lazy("số chỉ số thiếu hụt tối thiểu của hộ nghèo"), default=3)
    confirmed = models.BooleanField(gettext_lazy("đã xác minh"), default=True)
    note = NFCTextField(gettext_lazy("ghi chú"), blank=True)

    objects = StandardQuerySet.as_manager()

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("chuẩn nghèo")
        verbose_name_plural = gettext_lazy("chuẩn nghèo")
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="standard_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def to_rules(self) -> poverty.Standard:
        """This standard as the plain value `households.poverty` classifies with."""
        indicators = sorted(self.indicators.all(), key=lambda i: i.order)
        average = None
        if self.rural_average_line is not None and self.urban_average_line is not None:
            average = {Area.RURAL: self.rural_average_line, Area.URBAN: self.urban_average_line}
        return poverty.Standard(
            code=self.code,
            name=self.name,
            rule=self.rule,
            poor_line={Area.RURAL: self.rural_poor_line, Area.URBAN: self.urban_poor_line},
            near_poor_line={Area.RURAL: self.rural_near_poor_line, Area.URBAN: self.urban_near_poor_line},
            average_line=average,
            min_deprivations=self.min_deprivations,
            indicators={i.code: i.name for i in indicators},
            keys={i.code: i.key for i in indicators if i.key},
            dimensions={i.code: i.dimension_name for i in indicators},
        )


class Indicator(models.Model):
    """A deprivation indicator of a standard, by its code in that standard ("1"…"12" under Decree 07)."""

    standard = models.ForeignKey(PovertyStandard, verbose_name=gettext_lazy("chuẩn nghèo"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(gettext_lazy("mã chỉ số"), max_length=8)
    dimension = models.CharField(gettext_lazy("chiều thiếu hụt (mã)"), max_length=40)
    dimension_name = NFCCharField(gettext_lazy("chiều thiếu hụt"), max_length=80)
    name = NFCCharField(gettext_lazy("tên chỉ số"), max_length=160)
    condition = NFCTextField(gettext_lazy("hộ thiếu hụt khi"))
    key = models.CharField(
        gettext_lazy("khóa xác định tự động"), max_length=30, blank=True,
        help_text=gettext_lazy("Tên quy tắc trong households.poverty dùng xác định chỉ số từ thông tin hộ (để trống: chỉ nhập tay)."),
    )
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("chỉ số thiếu hụt")
        verbose_name_plural = gettext_lazy("chỉ số thiếu hụt")
        ordering = ["standard", "order"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_unique_in_standard")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def bit(self) -> int:
        """This indicator's bit in `AnnualReview.deprivation_mask` (its position in the standard)."""
        return 1 << self.order


class ReviewList(models.Model):
    """Base of the configurable lists of the review form."""

    code = models.CharField(gettext_lazy("mã"), max_length=20, unique=True)
    name = NFCCharField(gettext_lazy("tên"), max_length=160)
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    active = models.BooleanField(gettext_lazy("đang dùng"), default=True)

    scope_public = True

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class PovertyCause(ReviewList):
    class Meta(ReviewList.Meta):
        verbose_name = gettext_lazy("nguyên nhân nghèo")
        verbose_name_plural = gettext_lazy("nguyên nhân nghèo")


class SupportNeed(ReviewList):
    class Meta(ReviewList.Meta):
        verbose_name = gettext_lazy("nhu cầu hỗ trợ")
        verbose_name_plural = gettext_lazy("nhu cầu hỗ trợ")


class Classification(models.TextChoices):
    POOR = "poor", gettext_noop("Hộ nghèo")
    NEAR_POOR = "near_poor", gettext_noop("Hộ cận nghèo")
    AVERAGE = "average", gettext_noop("Hộ có mức sống trung bình")
    OTHER = "other", gettext_noop("Hộ không nghèo")


class Change(models.TextChoices):
    FIRST_REVIEW = "first_review", gettext_noop("Rà soát lần đầu")
    STAYED = "stayed", gettext_noop("Không thay đổi")
    ESCAPED_POVERTY = "escaped_poverty", gettext_noop("Thoát nghèo")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", gettext_noop("Thoát cận nghèo")
    NEAR_POOR_TO_POOR = "near_poor_to_poor", gettext_noop("Hộ cận nghèo thành hộ nghèo")
    NEWLY_POOR = "newly_poor", gettext_noop("Hộ nghèo phát sinh")
    FELL_BACK_POOR = "fell_back_poor", gettext_noop("Tái nghèo")
    NEWLY_NEAR_POOR = "newly_near_poor", gettext_noop("Hộ cận nghèo phát sinh")
    FELL_BACK_NEAR_POOR = "fell_back_near_poor", gettext_noop("Tái cận nghèo")


class ReviewState(models.TextChoices):
    """The steps of Decision 24/2021/QĐ-TTg (Art. 4), in order."""

    DRAFT = "draft", gettext_noop("Đang rà soát")
    REVIEWED = "reviewed", gettext_noop("Đã rà soát, chờ họp thôn")
    AGREED = "agreed", gettext_noop("Đã thống nhất tại họp thôn")
    POSTED = "posted", gettext_noop("Đang niêm yết công khai")
    RECOGNISED = "recognised", gettext_noop("Chủ tịch UBND xã đã công nhận")
    CONFIRMED = "confirmed", gettext_noop("Huyện đã xác nhận")


# Reviews that count in the official figures (docs/api.md `basis=official`).
OFFICIAL_STATES = (ReviewState.RECOGNISED, ReviewState.CONFIRMED)


class ReviewKind(models.TextChoices):
    PERIODIC = "periodic", gettext_lazy("Rà soát định kỳ hằng năm")
    REGULAR = "regular", gettext_lazy("Rà soát thường xuyên trong năm")


# Kept by name so that services.review_save can write one history record per save, causes and needs included,
# instead of one for the row and one more for each many-to-many change.
REVIEW_HISTORY = HistoricalRecords(verbose_name=gettext_lazy("lịch sử rà soát"), m2m_fields=["causes", "needs"])


class AnnualReview(models.Model):
    """One household's review for one year: income, facts, indicators, and the classification computed from them.

    Classification, change and counts are computed by `households.poverty` through the services, never typed.
    The unit, village, area and ethnic group are recorded as they were on the review date, so statistics stay
    right after the household moves or its commune merges.
    """

    # Both looked up through the (household, year) unique index and the composite indexes starting with year.
    household = models.ForeignKey(Household, verbose_name=gettext_lazy("hộ"), on_delete=models.PROTECT, related_name="reviews", db_index=False)
    year = models.PositiveSmallIntegerField(gettext_lazy("năm rà soát"))
    kind = models.CharField(gettext_lazy("loại rà soát"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.PERIODIC)
    review_date = models.DateField(gettext_lazy("ngày rà soát"))
    standard = models.ForeignKey(PovertyStandard, verbose_name=gettext_lazy("chuẩn áp dụng"), on_delete=models.PROTECT, related_name="reviews")
    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=gettext_lazy("xã (tại thời điểm rà soát)"), on_delete=models.PROTECT, related_name="commune_reviews"
    )
    village = models.ForeignKey(
        AdministrativeUnit, verbose_name=gettext_lazy("thôn"), on_delete=models.PROTECT, related_name="village_reviews", null=True, blank=True
    )
    area = models.CharField(gettext_lazy("khu vực"), max_length=5, choices=Area.choices)
    ethnic_minority = models.BooleanField(gettext_lazy("hộ dân tộc thiểu số"), default=False)
    member_count = models.PositiveSmallIntegerField(gettext_lazy("số nhân khẩu"))
    income_total_12m = models.BigIntegerField(gettext_lazy("tổng thu nhập 12 tháng (đồng)"), null=True, blank=True)
    income_per_capita_month = models.PositiveIntegerField(gettext_lazy("thu nhập bình quân (đồng/người/tháng)"))
    facts = models.JSONField(gettext_lazy("thông tin hộ và nhân khẩu dùng xác định chỉ số"), default=dict, blank=True)
    indicators = models.JSONField(
        gettext_lazy("chỉ số (xác định/nhập, lý do sửa)"), default=dict, blank=True,
        help_text='{"4": {"deprived": true, "source": "derived"|"entered", "derived": true, "reason": ""}}',
    )
    deprivation_mask = models.PositiveIntegerField(gettext_lazy("các chỉ số thiếu hụt (bit theo thứ tự chỉ số)"), default=0)
    deprivation_count = models.PositiveSmallIntegerField(gettext_lazy("số chỉ số thiếu hụt"), default=0)
    classification = models.CharField(gettext_lazy("phân loại"), max_length=10, choices=Classification.choices)
    previous_classification = models.CharField(
        gettext_lazy("phân loại lần rà soát trước"), max_length=10, choices=Classification.choices, blank=True
    )
    change = models.CharField(gettext_lazy("biến động"), max_length=22, choices=Change.choices)
    reasons = models.JSONField(gettext_lazy("lý do phân loại"), default=list, blank=True)
    causes = models.ManyToManyField(PovertyCause, verbose_name=gettext_lazy("nguyên nhân nghèo"), blank=True, related_name="reviews")
    needs = models.ManyToManyField(SupportNeed, verbose_name=gettext_lazy("nhu cầu hỗ trợ"), blank=True, related_name="reviews")
    no_working_capacity = models.BooleanField(gettext_lazy("hộ không có khả năng lao động"), default=False)
    person_of_merit = models.BooleanField(gettext_lazy("hộ có người có công"), default=False)
    # The household's livelihood on the day of the review (the registry's, unless the review records another):
    # a past year's figures keep it when the registry changes later.
    livelihood = models.CharField(gettext_lazy("nghề nghiệp chính"), max_length=12, choices=Livelihood.choices, blank=True, default="", db_default="")
    state = models.CharField(gettext_lazy("trạng thái"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    notes = NFCTextField(gettext_lazy("ghi chú"), blank=True)
    # The workflow of Decision 24/2021/QĐ-TTg: the round of the commune and year, the village meeting that agreed
    # the result, the public posting, the chairman's recognition decision.
    round = models.ForeignKey(
        "ReviewRound", verbose_name=gettext_lazy("đợt rà soát"), on_delete=models.PROTECT, related_name="reviews", null=True, blank=True
    )
    meeting = models.ForeignKey(
        "VillageMeeting", verbose_name=gettext_lazy("họp thôn thống nhất"), on_delete=models.SET_NULL, related_name="agreed_reviews",
        null=True, blank=True,
    )
    posting = models.ForeignKey(
        "PublicPosting", verbose_name=gettext_lazy("niêm yết công khai"), on_delete=models.SET_NULL, related_name="reviews",
        null=True, blank=True,
    )
    decision_number = NFCCharField(gettext_lazy("số quyết định công nhận"), max_length=60, blank=True)
    decision_date = models.DateField(gettext_lazy("ngày quyết định công nhận"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=gettext_lazy("người tạo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=gettext_lazy("người sửa lần cuối"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("sửa lúc"), auto_now=True)
    version = models.PositiveIntegerField(gettext_lazy("phiên bản"), default=1)
    history = REVIEW_HISTORY

    # A review belongs to the commune that made it (the unit in force on its date).
    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("kết quả rà soát hộ")
        verbose_name_plural = gettext_lazy("kết quả rà soát hộ")
        ordering = ["-year", "household__code"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_review_per_household_and_year"),
            models.CheckConstraint(condition=Q(member_count__gte=1), name="review_has_members"),
            models.CheckConstraint(condition=Q(income_total_12m__isnull=True) | Q(income_total_12m__gte=0), name="review_income_not_negative"),
        ]
        indexes = [
            models.Index(fields=["year", "commune", "classification"]),
            models.Index(fields=["year", "state"]),
            models.Index(fields=["year", "change"], name="review_year_change"),
            # The review board's progress by village and step, and the district's by commune, read only this index.
            models.Index(fields=["year", "commune", "village", "state", "classification"], name="review_board_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.household.code} – {self.year}: {self.get_classification_display()}"

    @property
    def is_official(self) -> bool:
        return self.state in OFFICIAL_STATES

    @property
    def deprived_codes(self) -> list[str]:
        return [code for code, item in sorted(self.indicators.items(), key=lambda kv: (len(kv[0]), kv[0])) if item.get("deprived")]

    @property
    def is_locked(self) -> bool:
        """Recognised by the commune chairman (or confirmed): changes need the district to reopen the review."""
        return self.state in LOCKED_STATES

    @property
    def income_line(self) -> int:
        return self.standard.rural_poor_line if self.area == Area.RURAL else self.standard.urban_poor_line


# A recognised list is final (Decision 24/2021/QĐ-TTg Art. 4.5): only the district reopens a review.
LOCKED_STATES = (ReviewState.RECOGNISED, ReviewState.CONFIRMED)


class ReviewSettings(models.Model):
    """Figures the district may adjust without a code change: the posting period (about 3 working days, to
    confirm), the handling of in-year applications, and the thresholds of the district's checks."""

    posting_working_days = models.PositiveSmallIntegerField(
        gettext_lazy("số ngày làm việc niêm yết công khai"), default=3, help_text=gettext_lazy("Quyết định 24/2021/QĐ-TTg, Điều 4 (cần đối chiếu).")
    )
    application_day = models.PositiveSmallIntegerField(
        gettext_lazy("ngày xử lý đơn hằng tháng"), default=15, help_text=gettext_lazy("Rà soát thường xuyên: xử lý đơn từ ngày 15 hằng tháng.")
    )
    application_decision_days = models.PositiveSmallIntegerField(gettext_lazy("số ngày phải có kết quả"), default=15)
    rotation_years = models.PositiveSmallIntegerField(gettext_lazy("số năm xét ra vào hộ nghèo"), default=5)
    rotation_min_times = models.PositiveSmallIntegerField(gettext_lazy("số lần ra hoặc vào tối thiểu để cảnh báo"), default=2)
    income_jump_share = models.DecimalField(
        gettext_lazy("mức tăng thu nhập bất thường (tỷ lệ)"), max_digits=5, decimal_places=2, default=0.5,
        # xgettext:no-python-format
        help_text=gettext_lazy("0,50 = thu nhập bình quân tăng trên 50 % so với năm trước mà không giảm chỉ số thiếu hụt nào."),
    )
    reduction_target_points = models.DecimalField(
        gettext_lazy("chỉ tiêu giảm tỷ lệ hộ nghèo (điểm %/năm)"), max_digits=5, decimal_places=2, default=3,
        help_text=gettext_lazy("Kế hoạch của huyện, mục II.2: bình quân 3 %/năm giai đoạn 2021–2025."),
    )
    reduction_excess_points = models.DecimalField(
        gettext_lazy("mức vượt xu hướng, chỉ tiêu để cảnh báo (điểm %)"), max_digits=5, decimal_places=2, default=2,
    )
    updated_at = models.DateTimeField(gettext_lazy("sửa lúc"), auto_now=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("tham số rà soát và kiểm tra")
        verbose_name_plural = gettext_lazy("tham số rà soát và kiểm tra")

    def __str__(self) -> str:
        return "Tham số rà soát và kiểm tra"

    @classmethod
    def current(cls) -> "ReviewSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ReviewRound(models.Model):
    """The review of one commune for one year (Decision 24/2021/QĐ-TTg Art. 4): the chairman's recognition
    decision and the district's confirmation are recorded here for the whole commune."""

    commune = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("xã"), on_delete=models.PROTECT, related_name="review_rounds")
    year = models.PositiveSmallIntegerField(gettext_lazy("năm rà soát"))
    started_on = models.DateField(gettext_lazy("ngày bắt đầu"), null=True, blank=True)
    decision_number = NFCCharField(gettext_lazy("số quyết định công nhận"), max_length=60, blank=True)
    decision_date = models.DateField(gettext_lazy("ngày quyết định công nhận"), null=True, blank=True)
    recognised_by = models.ForeignKey(
        "accounts.User", verbose_name=gettext_lazy("người ghi nhận quyết định"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recognised_at = models.DateTimeField(gettext_lazy("ghi nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", verbose_name=gettext_lazy("huyện xác nhận"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(gettext_lazy("xác nhận lúc"), null=True, blank=True)
    confirmation_note = NFCTextField(gettext_lazy("ghi chú xác nhận"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("sửa lúc"), auto_now=True)

    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("đợt rà soát của xã")
        verbose_name_plural = gettext_lazy("đợt rà soát của xã")
        ordering = ["-year", "commune__code"]
        constraints = [models.UniqueConstraint(fields=["commune", "year"], name="one_round_per_commune_and_year")]

    def __str__(self) -> str:
        return f"{self.commune.name} – {self.year}"


class MeetingOutcome(models.TextChoices):
    AGREED = "agreed", gettext_lazy("Thống nhất kết quả")
    REDO = "redo", gettext_lazy("Dưới 50 % đồng ý: rà soát lại")


class VillageMeeting(models.Model):
    """The village meeting that agrees the survey results (Decision 24/2021/QĐ-TTg Art. 4.3): at least half of
    those present must agree, otherwise the village's survey is redone."""

    round = models.ForeignKey(ReviewRound, verbose_name=gettext_lazy("đợt rà soát"), on_delete=models.PROTECT, related_name="meetings")
    village = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("thôn"), on_delete=models.PROTECT, related_name="review_meetings")
    held_on = models.DateField(gettext_lazy("ngày họp"))
    chaired_by = NFCCharField(gettext_lazy("chủ trì (trưởng thôn)"), max_length=120, blank=True)
    attendance = models.PositiveIntegerField(gettext_lazy("số người dự họp"))
    agreeing = models.PositiveIntegerField(gettext_lazy("số người đồng ý"))
    outcome = models.CharField(gettext_lazy("kết quả"), max_length=6, choices=MeetingOutcome.choices)
    review_count = models.PositiveIntegerField(gettext_lazy("số hộ được xét"), default=0)
    minutes_note = NFCTextField(gettext_lazy("ghi chú biên bản"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người ghi"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(gettext_lazy("ghi lúc"), auto_now_add=True)
    # Same-day corrections of a mistyped record (services.village_meeting_correct): each keeps who, when, why and
    # the figures it replaced, so the minutes can always be read as first recorded.
    corrections = models.JSONField(gettext_lazy("các lần sửa biên bản"), default=list, blank=True)

    scope_commune_field = "round__commune"

    class Meta:
        verbose_name = gettext_lazy("họp thôn thống nhất kết quả rà soát")
        verbose_name_plural = gettext_lazy("họp thôn thống nhất kết quả rà soát")
        # A village may meet twice on one day (a failed meeting, then an agreed one): the later record comes first.
        ordering = ["-held_on", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(attendance__gte=1), name="meeting_has_attendance"),
            models.CheckConstraint(condition=Q(agreeing__lte=models.F("attendance")), name="meeting_agreeing_not_above_attendance"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name} – {self.held_on:%d/%m/%Y}"

    @property
    def agreement_pct(self) -> float:
        return 100.0 * self.agreeing / self.attendance if self.attendance else 0.0


class PublicPosting(models.Model):
    """Public posting of a village's results at the village hall and the commune office (Decision 24 Art. 4.4)."""

    round = models.ForeignKey(ReviewRound, verbose_name=gettext_lazy("đợt rà soát"), on_delete=models.PROTECT, related_name="postings")
    village = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("thôn"), on_delete=models.PROTECT, related_name="review_postings")
    posted_from = models.DateField(gettext_lazy("niêm yết từ ngày"))
    posted_until = models.DateField(gettext_lazy("đến ngày"))
    place = NFCCharField(gettext_lazy("nơi niêm yết"), max_length=200, default="Nhà văn hóa thôn và trụ sở UBND xã")
    review_count = models.PositiveIntegerField(gettext_lazy("số hộ niêm yết"), default=0)
    recorded_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người ghi"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(gettext_lazy("ghi lúc"), auto_now_add=True)

    scope_commune_field = "round__commune"

    class Meta:
        verbose_name = gettext_lazy("niêm yết công khai")
        verbose_name_plural = gettext_lazy("niêm yết công khai")
        ordering = ["-posted_from", "village__name"]
        constraints = [
            models.CheckConstraint(condition=Q(posted_until__gte=models.F("posted_from")), name="posting_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name}: {self.posted_from:%d/%m/%Y}–{self.posted_until:%d/%m/%Y}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Chưa xử lý")
    CHANGED = "changed", gettext_lazy("Đã phúc tra: điều chỉnh kết quả")
    KEPT = "kept", gettext_lazy("Đã phúc tra: giữ nguyên kết quả")


class Complaint(models.Model):
    """A complaint received during the posting (Decision 24 Art. 4.4): it is re-checked before recognition."""

    round = models.ForeignKey(ReviewRound, verbose_name=gettext_lazy("đợt rà soát"), on_delete=models.PROTECT, related_name="complaints")
    review = models.ForeignKey(AnnualReview, verbose_name=gettext_lazy("kết quả rà soát"), on_delete=models.PROTECT, related_name="complaints")
    received_on = models.DateField(gettext_lazy("ngày nhận"))
    complainant = NFCCharField(gettext_lazy("người khiếu nại, phản ánh"), max_length=120)
    content = NFCTextField(gettext_lazy("nội dung"))
    status = models.CharField(gettext_lazy("tình trạng"), max_length=8, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    resolution = NFCTextField(gettext_lazy("kết quả phúc tra"), blank=True)
    resolved_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người xử lý"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(gettext_lazy("xử lý lúc"), null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người ghi"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("ghi lúc"), auto_now_add=True)

    scope_commune_field = "round__commune"

    class Meta:
        verbose_name = gettext_lazy("khiếu nại, phản ánh khi niêm yết")
        verbose_name_plural = gettext_lazy("khiếu nại, phản ánh khi niêm yết")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.complainant} – {self.received_on:%d/%m/%Y}"


class ReviewAction(models.TextChoices):
    CREATE = "create", gettext_lazy("Tạo phiếu rà soát")
    SUBMIT = "submit", gettext_lazy("Hoàn thành rà soát")
    SEND_BACK = "send_back", gettext_lazy("Trả lại để rà soát lại")
    AGREE = "agree", gettext_lazy("Họp thôn thống nhất")
    REDO = "redo", gettext_lazy("Họp thôn không thống nhất: rà soát lại")
    POST = "post", gettext_lazy("Niêm yết công khai")
    RECOGNISE = "recognise", gettext_lazy("Chủ tịch UBND xã công nhận")
    CONFIRM = "confirm", gettext_lazy("Huyện xác nhận")
    REOPEN = "reopen", gettext_lazy("Huyện mở lại")
    RECLASSIFY = "reclassify", gettext_lazy("Phân loại lại theo chuẩn")


class ReviewEvent(models.Model):
    """One step of a review's workflow: who moved it, when, from which state to which, and why."""

    review = models.ForeignKey(AnnualReview, verbose_name=gettext_lazy("kết quả rà soát"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(gettext_lazy("thao tác"), max_length=10, choices=ReviewAction.choices)
    from_state = models.CharField(gettext_lazy("từ trạng thái"), max_length=10, choices=ReviewState.choices, blank=True)
    to_state = models.CharField(gettext_lazy("sang trạng thái"), max_length=10, choices=ReviewState.choices)
    by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người thực hiện"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(gettext_lazy("lúc"), default=timezone.now)
    note = NFCTextField(gettext_lazy("ghi chú, lý do"), blank=True)

    scope_commune_field = "review__commune"

    class Meta:
        verbose_name = gettext_lazy("bước xử lý kết quả rà soát")
        verbose_name_plural = gettext_lazy("bước xử lý kết quả rà soát")
        ordering = ["review", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y})"


class ApplicationRequest(models.TextChoices):
    POOR = "poor", gettext_lazy("Đề nghị xét hộ nghèo")
    NEAR_POOR = "near_poor", gettext_lazy("Đề nghị xét hộ cận nghèo")
    ESCAPE_POVERTY = "escape_poverty", gettext_lazy("Đề nghị thoát nghèo")
    ESCAPE_NEAR_POVERTY = "escape_near", gettext_lazy("Đề nghị thoát cận nghèo")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", gettext_lazy("Đã nhận đơn")
    REVIEWING = "reviewing", gettext_lazy("Đang rà soát")
    APPROVED = "approved", gettext_lazy("Đã công nhận")
    REFUSED = "refused", gettext_lazy("Không công nhận (có lý do)")


class ReviewApplication(models.Model):
    """A household's application for the regular review during the year (Decision 24/2021/QĐ-TTg Art. 5):
    handled monthly from the 15th, decided within 15 days, with written reasons when refused. The review
    itself is the household's review record of that year (kind "regular")."""

    household = models.ForeignKey(Household, verbose_name=gettext_lazy("hộ"), on_delete=models.PROTECT, related_name="applications")
    commune = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("xã nhận đơn"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(gettext_lazy("năm"))
    request = models.CharField(gettext_lazy("nội dung đề nghị"), max_length=14, choices=ApplicationRequest.choices)
    received_on = models.DateField(gettext_lazy("ngày nhận đơn"))
    applicant = NFCCharField(gettext_lazy("người làm đơn"), max_length=120, blank=True)
    reason = NFCTextField(gettext_lazy("lý do đề nghị"), blank=True)
    handle_from = models.DateField(gettext_lazy("xử lý từ ngày"))
    decide_by = models.DateField(gettext_lazy("hạn có kết quả"))
    status = models.CharField(gettext_lazy("tình trạng"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED)
    review = models.ForeignKey(AnnualReview, verbose_name=gettext_lazy("kết quả rà soát"), on_delete=models.SET_NULL, null=True, blank=True, related_name="applications")
    decided_on = models.DateField(gettext_lazy("ngày quyết định"), null=True, blank=True)
    decision_number = NFCCharField(gettext_lazy("số quyết định"), max_length=60, blank=True)
    refusal_reason = NFCTextField(gettext_lazy("lý do không công nhận"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người nhận"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người ghi quyết định"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử đơn đề nghị"))

    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("đơn đề nghị rà soát thường xuyên")
        verbose_name_plural = gettext_lazy("đơn đề nghị rà soát thường xuyên")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["commune", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.household.code} – {self.get_request_display()} ({self.received_on:%d/%m/%Y})"

    @property
    def overdue(self) -> bool:
        return self.status in (ApplicationStatus.RECEIVED, ApplicationStatus.REVIEWING) and timezone.localdate() > self.decide_by


class CheckKind(models.TextChoices):
    """The district's checks against rotating households and inflated results (the plan, section IV.13)."""

    ROTATION = "rotation", gettext_lazy("Hộ ra vào hộ nghèo nhiều lần")
    ESCAPE_WITHOUT_CHANGE = "escape_jump", gettext_lazy("Thoát nghèo không giảm thiếu hụt, thu nhập tăng đột biến")
    REDUCTION_OUTLIER = "reduction", gettext_lazy("Xã giảm nghèo vượt xa xu hướng, chỉ tiêu")
    POOR_ABOVE_LINE = "above_line", gettext_lazy("Hộ nghèo, cận nghèo có thu nhập trên chuẩn")
    DUPLICATE_PERSON = "duplicate", gettext_lazy("Một người có trong nhiều hộ")
    MISSING_REVIEW = "missing", gettext_lazy("Hộ nghèo, cận nghèo năm trước chưa được rà soát lại")


class FlagStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Chưa xử lý")
    RESOLVED = "resolved", gettext_lazy("Đã xử lý")


class CheckRun(models.Model):
    """When the checks of a review year last ran, and what each found: a year never checked is not a year without
    problems (the checks page says which it is)."""

    year = models.PositiveSmallIntegerField(gettext_lazy("năm rà soát"), unique=True)
    ran_at = models.DateTimeField(gettext_lazy("chạy lúc"))
    counts = models.JSONField(gettext_lazy("số phát hiện theo loại"), default=dict)

    class Meta:
        verbose_name = gettext_lazy("lần chạy kiểm tra")
        verbose_name_plural = gettext_lazy("lần chạy kiểm tra")

    def __str__(self) -> str:
        return f"{self.year}: {self.ran_at:%d/%m/%Y %H:%M}"


class CheckFlag(models.Model):
    """One finding of the district's checks, linked to the records, resolved with a note. A rerun refreshes the
    finding (same `key`) and never reopens one already resolved."""

    kind = models.CharField(gettext_lazy("loại kiểm tra"), max_length=12, choices=CheckKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(gettext_lazy("năm rà soát"))
    key = models.CharField(gettext_lazy("khóa"), max_length=120, unique=True)
    commune = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("xã"), on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    household = models.ForeignKey(Household, verbose_name=gettext_lazy("hộ"), on_delete=models.CASCADE, related_name="check_flags", null=True, blank=True)
    title = NFCCharField(gettext_lazy("nội dung"), max_length=255)
    detail = NFCTextField(gettext_lazy("chi tiết"), blank=True)
    refs = models.JSONField(gettext_lazy("bản ghi liên quan"), default=dict, blank=True)
    status = models.CharField(gettext_lazy("tình trạng"), max_length=8, choices=FlagStatus.choices, default=FlagStatus.OPEN, db_index=True)
    resolution_note = NFCTextField(gettext_lazy("ghi chú xử lý"), blank=True)
    resolved_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người xử lý"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(gettext_lazy("xử lý lúc"), null=True, blank=True)
    first_seen_at = models.DateTimeField(gettext_lazy("phát hiện lúc"), auto_now_add=True)
    last_seen_at = models.DateTimeField(gettext_lazy("kiểm tra lần cuối"), default=timezone.now)
    present = models.BooleanField(gettext_lazy("còn phát hiện ở lần kiểm tra cuối"), default=True)

    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("cảnh báo kiểm tra")
        verbose_name_plural = gettext_lazy("cảnh báo kiểm tra")
        ordering = ["status", "kind", "-year", "id"]
        indexes = [models.Index(fields=["year", "kind", "status"])]

    def __str__(self) -> str:
        return self.title


# --- Place over time, mergers, and long-running jobs ---------------------------------------------------------


class HouseholdPlacement(models.Model):
    """Where a household lived (commune and village) over a period: a history, not one field.

    `Household.commune`/`village` is the current place (for scoping and lists); a review belongs to the unit in
    force on its date, found through `households.selectors.household_place_on`.
    """

    household = models.ForeignKey(Household, verbose_name=gettext_lazy("hộ"), on_delete=models.CASCADE, related_name="placements")
    commune = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("xã"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("thôn"), on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    valid_from = models.DateField(gettext_lazy("từ ngày"))
    valid_to = models.DateField(gettext_lazy("đến ngày"), null=True, blank=True)
    reason = NFCCharField(gettext_lazy("lý do"), max_length=200, blank=True)

    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("nơi cư trú của hộ")
        verbose_name_plural = gettext_lazy("nơi cư trú của hộ")
        ordering = ["household", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["household", "valid_from"], name="placement_household_valid_from_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="placement_dates_ordered"
            ),
        ]


class EventKind(models.TextChoices):
    """The registry events that make the movement tables' other increases and decreases (docs/domain.md §3)."""

    SPLIT = "split", gettext_noop("Tách hộ")
    MERGE = "merge", gettext_noop("Nhập vào hộ khác")
    MOVE = "move", gettext_noop("Chuyển nơi ở trong địa bàn")
    MOVE_IN = "move_in", gettext_noop("Chuyển đến từ ngoài địa bàn")
    MOVE_OUT = "move_out", gettext_noop("Chuyển đi khỏi địa bàn")
    DISSOLVE = "dissolve", gettext_noop("Không còn hộ (chết, giải thể)")


class HouseholdEvent(models.Model):
    """Something that happened to a household in the registry, on a date, with its reason and who recorded it:
    a split (a new household from some members, `other_household`), a merger into `other_household`, a move within
    the area (`from_*` → `to_*`), a move in from outside, a move out, the end of the household. Recorded through
    `households.events`, which also keeps the places, the members' dates and the residence they imply."""

    household = models.ForeignKey(Household, verbose_name=gettext_lazy("hộ"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(gettext_lazy("loại biến động"), max_length=10, choices=EventKind.choices)
    date = models.DateField(gettext_lazy("ngày"))
    reason = NFCTextField(gettext_lazy("lý do"), blank=True)
    other_household = models.ForeignKey(
        Household, verbose_name=gettext_lazy("hộ liên quan"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="related_events", help_text=gettext_lazy("Tách hộ: hộ mới; nhập hộ: hộ nhận."),
    )
    # Where the household lived before the event (the commune that recorded it) and after it (moves).
    commune = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("xã ghi nhận"), on_delete=models.PROTECT, related_name="+")
    from_village = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("từ thôn"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_commune = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("đến xã"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_village = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("đến thôn"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    members = models.JSONField(gettext_lazy("nhân khẩu liên quan"), default=list, blank=True,
                               help_text=gettext_lazy("Tách, nhập hộ: [{\"id\", \"full_name\"}] những người chuyển hộ."))
    recorded_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người ghi"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("ghi lúc"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử biến động hộ"))

    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("biến động hộ")
        verbose_name_plural = gettext_lazy("biến động hộ")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["commune", "date"]), models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.household.code}: {self.get_kind_display()} ({self.date:%d/%m/%Y})"


class HouseholdYear(models.Model):
    """A household as the year's figures count it: where it lived and who its members were on the reference date
    (31 December), and where it stood on the lists — on the official basis (`_o`: reviews recognised by the
    commune chairman or confirmed) and the working basis (`_w`: every review) — with the same for the year before.

    Derived data, never edited: `households.household_years` rebuilds a household's rows whenever its reviews,
    members, places or events change, and `manage.py rebuild_statistics` rebuilds them all. A household has a row
    for every year it was resident on 31 December, and one more for the year it left (no place now, only the
    year-before columns), so the movement tables read one row per household and year. A household not reviewed in
    a year keeps the status of its latest review (a resident household never reviewed is neither poor nor near-poor).
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="years", db_index=False)
    year = models.PositiveSmallIntegerField()
    # On 31 December of the year (no commune: the household left during the year). The unit columns have no index
    # of their own: every read goes by year first (the indexes below), and four fewer indexes make the rebuild's
    # 300,000 rows of a 50,000-household district load a quarter faster.
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False)
    village = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False)
    area = models.CharField(max_length=5, blank=True)
    minority = models.BooleanField(default=False)
    persons = models.PositiveSmallIntegerField(default=0)
    # On 31 December of the year before (no commune: not resident then — it moved in or split off this year).
    prev_commune = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False)
    prev_village = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False)
    prev_area = models.CharField(max_length=5, blank=True)
    prev_minority = models.BooleanField(default=False)
    prev_persons = models.PositiveSmallIntegerField(default=0)
    # The lists: "poor", "near_poor" or "" (neither); the change from the year before (households.models.Change,
    # "" for a row of a household that left); the review the status comes from (this year's or an earlier one).
    status_o = models.CharField(max_length=10, blank=True)
    prev_o = models.CharField(max_length=10, blank=True)
    change_o = models.CharField(max_length=22, blank=True)
    source_o = models.ForeignKey("AnnualReview", on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False)
    no_working_capacity_o = models.BooleanField(default=False)
    person_of_merit_o = models.BooleanField(default=False)
    status_w = models.CharField(max_length=10, blank=True)
    prev_w = models.CharField(max_length=10, blank=True)
    change_w = models.CharField(max_length=22, blank=True)
    source_w = models.ForeignKey("AnnualReview", on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False)
    no_working_capacity_w = models.BooleanField(default=False)
    person_of_merit_w = models.BooleanField(default=False)
    # The household has a review of this year (at any step): a household on last year's lists without one is a gap.
    reviewed = models.BooleanField(default=False)
    # It changed village (or commune) between the two reference dates: a move is an other decrease where it left
    # and an other increase where it went, in every table (docs/domain.md §3), not a change of status.
    moved = models.BooleanField(default=False)
    # The category changed only because the income line of the household's place changed (urban → rural).
    line_change_o = models.BooleanField(default=False)
    line_change_w = models.BooleanField(default=False)
    # Of average living standard and living from agriculture, forestry, fishery or salt-making, by the status's
    # review (form 1's average-living column).
    average_farming_o = models.BooleanField(default=False)
    average_farming_w = models.BooleanField(default=False)

    class Meta:
        verbose_name = gettext_lazy("số liệu hộ theo năm")
        verbose_name_plural = gettext_lazy("số liệu hộ theo năm")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="household_year_unique")]
        indexes = [
            models.Index(fields=["year", "commune"], name="household_year_commune"),
            models.Index(fields=["year", "prev_commune"], name="household_year_prev_commune"),
            # The poor and near-poor of a year (deprivations, causes, lists): a tenth of the rows, found without
            # reading the year's other households.
            models.Index(fields=["year", "status_o", "commune"], condition=~Q(status_o=""), name="household_year_listed_o"),
            models.Index(fields=["year", "status_w", "commune"], condition=~Q(status_w=""), name="household_year_listed_w"),
        ]


STATUS_COUNT_KEY = ("year", "basis", "commune", "prev_commune", "village", "prev_village", "area", "prev_area", "minority",
                    "prev_minority", "status", "prev", "change", "line", "moved")


class StatusCount(models.Model):
    """The household-year rows counted (`HouseholdYear`), per year and basis, by everything a figure groups them by:
    the summary table every poverty figure is read from, so that a dashboard's cost does not grow with the registry.

    Kept with the rows, in the same transaction, by `households.household_years` (each rebuilt household takes its
    old rows' counts off and adds its new ones); `manage.py rebuild_statistics` rebuilds it, `--check` compares it
    with the rows. No foreign keys: 0 stands for "none" (no place this year, no place last year, no village)."""

    year = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=1)  # "o" official, "w" working
    commune = models.IntegerField(default=0)
    prev_commune = models.IntegerField(default=0)
    village = models.IntegerField(default=0)
    prev_village = models.IntegerField(default=0)
    area = models.CharField(max_length=5, blank=True)
    prev_area = models.CharField(max_length=5, blank=True)
    minority = models.BooleanField(default=False)
    prev_minority = models.BooleanField(default=False)
    status = models.CharField(max_length=10, blank=True)
    prev = models.CharField(max_length=10, blank=True)
    change = models.CharField(max_length=22, blank=True)
    line = models.BooleanField(default=False)
    moved = models.BooleanField(default=False)
    # Households, their persons this year and last, the persons gained and lost by households that stayed, those
    # with a review this year, without working capacity, with a person of merit.
    n = models.IntegerField(default=0)
    p = models.IntegerField(default=0)
    pp = models.IntegerField(default=0)
    gain = models.IntegerField(default=0)
    loss = models.IntegerField(default=0)
    reviewed = models.IntegerField(default=0)
    nwc = models.IntegerField(default=0)
    merit = models.IntegerField(default=0)
    # Average-living households of agriculture, forestry, fishery and salt-making, and their persons.
    farm = models.IntegerField(default=0)
    farm_p = models.IntegerField(default=0)

    KEY = STATUS_COUNT_KEY
    MEASURES = ("n", "p", "pp", "gain", "loss", "reviewed", "nwc", "merit", "farm", "farm_p")

    class Meta:
        verbose_name = gettext_lazy("số liệu tổng hợp theo năm")
        verbose_name_plural = gettext_lazy("số liệu tổng hợp theo năm")
        constraints = [models.UniqueConstraint(fields=list(STATUS_COUNT_KEY), name="status_count_key")]
        indexes = [models.Index(fields=["year", "basis"], name="status_count_year_basis")]


class UnitMerger(models.Model):
    """The audit record of a merger: units A, B, … merged into C from a date, who did it and what moved."""

    effective_date = models.DateField(gettext_lazy("hiệu lực từ"))
    target = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("đơn vị sau sáp nhập"), on_delete=models.PROTECT, related_name="mergers_into")
    sources = models.ManyToManyField(AdministrativeUnit, verbose_name=gettext_lazy("đơn vị được sáp nhập"), related_name="mergers_from")
    legal_basis = NFCCharField(gettext_lazy("căn cứ"), max_length=255, blank=True)
    performed_by = models.ForeignKey(
        "accounts.User", verbose_name=gettext_lazy("người thực hiện"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    performed_at = models.DateTimeField(gettext_lazy("thực hiện lúc"), auto_now_add=True)
    summary = models.JSONField(gettext_lazy("những gì đã chuyển"), default=dict, blank=True)
    note = NFCTextField(gettext_lazy("ghi chú"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("sáp nhập đơn vị hành chính")
        verbose_name_plural = gettext_lazy("sáp nhập đơn vị hành chính")
        ordering = ["-effective_date", "-performed_at"]

    def __str__(self) -> str:
        return f"{self.target} ({self.effective_date:%d/%m/%Y})"


class JobStatus(models.TextChoices):
    PENDING = "pending", gettext_noop("Đang chờ")
    RUNNING = "running", gettext_noop("Đang chạy")
    SUCCEEDED = "succeeded", gettext_noop("Hoàn thành")
    FAILED = "failed", gettext_noop("Lỗi")


class Job(models.Model):
    """Long work (imports, report generation, bulk reclassification) keeps its state here, so pages and the API
    poll our own table, never Celery's result backend. Tasks update `progress` (0–100) and `message` as they go."""

    kind = models.CharField(gettext_lazy("loại việc"), max_length=40, db_index=True)
    status = models.CharField(gettext_lazy("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(gettext_lazy("tiến độ (%)"), default=0)
    message = NFCCharField(gettext_lazy("thông báo"), max_length=255, blank=True)
    error = NFCTextField(gettext_lazy("lỗi"), blank=True)
    params = models.JSONField(gettext_lazy("tham số"), default=dict, blank=True)
    result = models.JSONField(gettext_lazy("kết quả"), default=dict, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người tạo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    commune = models.ForeignKey(AdministrativeUnit, verbose_name=gettext_lazy("xã"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(gettext_lazy("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("kết thúc"), null=True, blank=True)
    # Each start of the work (a worker killed mid-way gets the task again): after `JOB_MAX_ATTEMPTS` it fails.
    attempts = models.PositiveSmallIntegerField(gettext_lazy("số lần chạy"), default=0)

    # A commune officer sees the jobs of their commune; jobs without a commune only the whole-area roles.
    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("công việc chạy nền")
        verbose_name_plural = gettext_lazy("công việc chạy nền")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
