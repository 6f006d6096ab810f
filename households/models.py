"""The registry: administrative units (with validity), ethnic groups, households and their members."""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import poverty
from .fields import NFCCharField, NFCTextField
from .text import fold

# A unit with no known start is treated as in force since this day.
EARLIEST = dt.date(1900, 1, 1)


class Level(models.TextChoices):
    PROVINCE = "province", "Tỉnh"
    DISTRICT = "district", "Huyện"
    COMMUNE = "commune", "Xã, thị trấn"
    VILLAGE = "village", "Thôn, tổ dân phố"


class Area(models.TextChoices):
    RURAL = "rural", "Nông thôn"
    URBAN = "urban", "Thành thị"


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

    code = models.CharField("mã", max_length=16, db_index=True, help_text="Mã đơn vị hành chính của Tổng cục Thống kê.")
    name = NFCCharField("tên", max_length=120)
    short_name = NFCCharField("tên ngắn", max_length=80, blank=True)
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    area = models.CharField("khu vực", max_length=5, choices=Area.choices, default=Area.RURAL)
    extremely_difficult = models.BooleanField(
        "xã đặc biệt khó khăn", default=False, help_text="Kế hoạch của huyện, mục III.3."
    )
    valid_from = models.DateField("hiệu lực từ", default=EARLIEST)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True, help_text="Để trống khi còn hiệu lực.")
    successors = models.ManyToManyField(
        "self", verbose_name="đơn vị kế thừa", symmetrical=False, blank=True, related_name="predecessors"
    )
    confirmed = models.BooleanField(
        "đã xác minh", default=True, help_text="Bỏ chọn khi mã, tên hoặc thành phần chưa đối chiếu văn bản chính thức."
    )
    note = NFCTextField("ghi chú", blank=True)

    objects = UnitQuerySet.as_manager()

    # Scoping (accounts.scoping): a unit is reference data every signed-in role may read.
    scope_public = True

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
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
        I = "I", "Khu vực I"
        II = "II", "Khu vực II"
        III = "III", "Khu vực III"

    unit = models.ForeignKey(AdministrativeUnit, verbose_name="xã", on_delete=models.CASCADE, related_name="regions")
    region = models.CharField("khu vực", max_length=3, choices=Region.choices)
    valid_from = models.DateField("hiệu lực từ")
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    legal_basis = NFCCharField("căn cứ", max_length=200, blank=True)
    confirmed = models.BooleanField("đã xác minh", default=True)

    scope_public = True

    class Meta:
        verbose_name = "phân định khu vực"
        verbose_name_plural = "phân định khu vực"
        ordering = ["unit__code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["unit", "valid_from"], name="region_unit_valid_from_unique")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.get_region_display()}"


class EthnicGroup(models.Model):
    code = models.CharField("mã", max_length=2, unique=True, help_text="Danh mục 1979 (Quyết định 121-TCTK/PPCĐ).")
    code_2008 = models.CharField("mã 2008", max_length=2, blank=True, help_text="Danh mục 2008 (Quyết định 1019/QĐ-TCTK).")
    name = NFCCharField("tên dân tộc", max_length=60, unique=True)
    other_names = NFCCharField("tên gọi khác", max_length=120, blank=True)
    minority = models.BooleanField("dân tộc thiểu số", default=True)

    scope_public = True

    class Meta:
        verbose_name = "dân tộc"
        verbose_name_plural = "dân tộc"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class Relation(models.TextChoices):
    HEAD = "head", "Chủ hộ"
    SPOUSE = "spouse", "Vợ/chồng"
    CHILD = "child", "Con"
    PARENT = "parent", "Bố/mẹ"
    GRANDCHILD = "grandchild", "Cháu"
    SIBLING = "sibling", "Anh/chị/em"
    CHILD_IN_LAW = "child_in_law", "Con dâu/con rể"
    GRANDPARENT = "grandparent", "Ông/bà"
    OTHER = "other", "Khác"


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", "Đang cư trú"
    MOVED_OUT = "moved_out", "Chuyển đi"
    SPLIT = "split", "Tách hộ"
    MERGED = "merged", "Nhập hộ"
    DISSOLVED = "dissolved", "Không còn (chết, giải thể)"


class Household(models.Model):
    """A household of the registry, in its current commune and village."""

    code = models.CharField("mã hộ", max_length=32, unique=True)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name="xã, thị trấn",
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Level.COMMUNE},
    )
    village = models.ForeignKey(
        AdministrativeUnit,
        verbose_name="thôn, tổ dân phố",
        on_delete=models.PROTECT,
        related_name="village_households",
        null=True,
        blank=True,
        limit_choices_to={"level": Level.VILLAGE},
    )
    address = NFCCharField("địa chỉ", max_length=255, blank=True)
    head_name = NFCCharField("họ tên chủ hộ", max_length=120, blank=True, db_index=True)
    search_key = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    status = models.CharField(
        "tình trạng", max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    history = HistoricalRecords(verbose_name="lịch sử hộ gia đình")

    scope_commune_field = "commune"

    class Meta:
        verbose_name = "hộ gia đình"
        verbose_name_plural = "hộ gia đình"
        ordering = ["commune__code", "code"]
        indexes = [models.Index(fields=["commune", "village", "code"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}" if self.head_name else self.code

    def save(self, *args, **kwargs) -> None:
        self.search_key = fold(f"{self.code} {self.head_name} {self.address}")[:255]
        super().save(*args, **kwargs)


class Member(models.Model):
    """A person of one household (a member belongs to exactly one household)."""

    household = models.ForeignKey(
        Household, verbose_name="hộ", on_delete=models.CASCADE, related_name="members"
    )
    full_name = NFCCharField("họ và tên", max_length=120)
    search_key = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    sex = models.CharField("giới tính", max_length=6, choices=Sex.choices)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    birth_year_only = models.BooleanField(
        "chỉ biết năm sinh", default=False, help_text="Ngày sinh ghi 01/01 khi giấy tờ chỉ có năm sinh."
    )
    citizen_id = models.CharField(
        "số định danh cá nhân", max_length=12, null=True, blank=True, unique=True,
        help_text="12 chữ số (căn cước công dân).",
    )
    ethnic_group = models.ForeignKey(
        EthnicGroup, verbose_name="dân tộc", on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    relation = models.CharField("quan hệ với chủ hộ", max_length=14, choices=Relation.choices, default=Relation.OTHER)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    history = HistoricalRecords(verbose_name="lịch sử nhân khẩu")

    scope_commune_field = "household__commune"

    class Meta:
        verbose_name = "nhân khẩu"
        verbose_name_plural = "nhân khẩu"
        ordering = ["household_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(citizen_id__isnull=True) | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="member_citizen_id_12_digits",
                violation_error_message="Số định danh cá nhân phải gồm đúng 12 chữ số.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        if self.citizen_id is not None:
            self.citizen_id = self.citizen_id.strip() or None
        self.search_key = fold(self.full_name)[:120]
        super().save(*args, **kwargs)

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
        DECREE07 = "decree07", "Thu nhập ≤ chuẩn và thiếu hụt từ 3 chỉ số (Nghị định 07/2021)"
        QD59 = "qd59", "Chuẩn nghèo và chuẩn cận nghèo (Quyết định 59/2015)"

    code = models.CharField("mã", max_length=20, unique=True)
    name = NFCCharField("tên", max_length=200)
    legal_basis = NFCTextField("căn cứ pháp lý")
    first_year = models.PositiveSmallIntegerField("áp dụng từ năm rà soát")
    last_year = models.PositiveSmallIntegerField("đến năm rà soát")
    rule = models.CharField("quy tắc phân loại", max_length=10, choices=Rule.choices, default=Rule.DECREE07)
    rural_poor_line = models.PositiveIntegerField("chuẩn nghèo nông thôn (đồng/người/tháng)")
    urban_poor_line = models.PositiveIntegerField("chuẩn nghèo thành thị (đồng/người/tháng)")
    rural_near_poor_line = models.PositiveIntegerField("chuẩn cận nghèo nông thôn")
    urban_near_poor_line = models.PositiveIntegerField("chuẩn cận nghèo thành thị")
    rural_average_line = models.PositiveIntegerField("mức sống trung bình nông thôn", null=True, blank=True)
    urban_average_line = models.PositiveIntegerField("mức sống trung bình thành thị", null=True, blank=True)
    min_deprivations = models.PositiveSmallIntegerField("số chỉ số thiếu hụt tối thiểu của hộ nghèo", default=3)
    confirmed = models.BooleanField("đã xác minh", default=True)
    note = NFCTextField("ghi chú", blank=True)

    objects = StandardQuerySet.as_manager()

    scope_public = True

    class Meta:
        verbose_name = "chuẩn nghèo"
        verbose_name_plural = "chuẩn nghèo"
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
            indicators={i.code: i.name for i in self.indicators.order_by("order")},
        )


class Indicator(models.Model):
    """A deprivation indicator of a standard, by its code in that standard ("1"…"12" under Decree 07)."""

    standard = models.ForeignKey(PovertyStandard, verbose_name="chuẩn nghèo", on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("mã chỉ số", max_length=8)
    dimension = models.CharField("chiều thiếu hụt (mã)", max_length=40)
    dimension_name = NFCCharField("chiều thiếu hụt", max_length=80)
    name = NFCCharField("tên chỉ số", max_length=160)
    condition = NFCTextField("hộ thiếu hụt khi")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    scope_public = True

    class Meta:
        verbose_name = "chỉ số thiếu hụt"
        verbose_name_plural = "chỉ số thiếu hụt"
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

    code = models.CharField("mã", max_length=20, unique=True)
    name = NFCCharField("tên", max_length=160)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang dùng", default=True)

    scope_public = True

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class PovertyCause(ReviewList):
    class Meta(ReviewList.Meta):
        verbose_name = "nguyên nhân nghèo"
        verbose_name_plural = "nguyên nhân nghèo"


class SupportNeed(ReviewList):
    class Meta(ReviewList.Meta):
        verbose_name = "nhu cầu hỗ trợ"
        verbose_name_plural = "nhu cầu hỗ trợ"


class Classification(models.TextChoices):
    POOR = "poor", "Hộ nghèo"
    NEAR_POOR = "near_poor", "Hộ cận nghèo"
    AVERAGE = "average", "Hộ có mức sống trung bình"
    OTHER = "other", "Hộ không nghèo"


class Change(models.TextChoices):
    FIRST_REVIEW = "first_review", "Rà soát lần đầu"
    STAYED = "stayed", "Không thay đổi"
    ESCAPED_POVERTY = "escaped_poverty", "Thoát nghèo"
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", "Thoát cận nghèo"
    NEAR_POOR_TO_POOR = "near_poor_to_poor", "Hộ cận nghèo thành hộ nghèo"
    NEWLY_POOR = "newly_poor", "Hộ nghèo phát sinh"
    FELL_BACK_POOR = "fell_back_poor", "Tái nghèo"
    NEWLY_NEAR_POOR = "newly_near_poor", "Hộ cận nghèo phát sinh"
    FELL_BACK_NEAR_POOR = "fell_back_near_poor", "Tái cận nghèo"


class ReviewState(models.TextChoices):
    """The steps of Decision 24/2021/QĐ-TTg (Art. 4), in order."""

    DRAFT = "draft", "Đang rà soát"
    REVIEWED = "reviewed", "Đã rà soát, chờ họp thôn"
    AGREED = "agreed", "Đã thống nhất tại họp thôn"
    POSTED = "posted", "Đang niêm yết công khai"
    RECOGNISED = "recognised", "Chủ tịch UBND xã đã công nhận"
    CONFIRMED = "confirmed", "Huyện đã xác nhận"


# Reviews that count in the official figures (API.md `basis=official`).
OFFICIAL_STATES = (ReviewState.RECOGNISED, ReviewState.CONFIRMED)


class ReviewKind(models.TextChoices):
    PERIODIC = "periodic", "Rà soát định kỳ hằng năm"
    REGULAR = "regular", "Rà soát thường xuyên trong năm"


class AnnualReview(models.Model):
    """One household's review for one year: income, facts, indicators, and the classification computed from them.

    Classification, change and counts are computed by `households.poverty` through the services, never typed.
    The unit, village, area and ethnic group are recorded as they were on the review date, so statistics stay
    right after the household moves or its commune merges.
    """

    household = models.ForeignKey(Household, verbose_name="hộ", on_delete=models.PROTECT, related_name="reviews")
    year = models.PositiveSmallIntegerField("năm rà soát", db_index=True)
    kind = models.CharField("loại rà soát", max_length=10, choices=ReviewKind.choices, default=ReviewKind.PERIODIC)
    review_date = models.DateField("ngày rà soát")
    standard = models.ForeignKey(PovertyStandard, verbose_name="chuẩn áp dụng", on_delete=models.PROTECT, related_name="reviews")
    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name="xã (tại thời điểm rà soát)", on_delete=models.PROTECT, related_name="commune_reviews"
    )
    village = models.ForeignKey(
        AdministrativeUnit, verbose_name="thôn", on_delete=models.PROTECT, related_name="village_reviews", null=True, blank=True
    )
    area = models.CharField("khu vực", max_length=5, choices=Area.choices)
    ethnic_minority = models.BooleanField("hộ dân tộc thiểu số", default=False)
    member_count = models.PositiveSmallIntegerField("số nhân khẩu")
    income_total_12m = models.BigIntegerField("tổng thu nhập 12 tháng (đồng)", null=True, blank=True)
    income_per_capita_month = models.PositiveIntegerField("thu nhập bình quân (đồng/người/tháng)")
    facts = models.JSONField("thông tin hộ và nhân khẩu dùng xác định chỉ số", default=dict, blank=True)
    indicators = models.JSONField(
        "chỉ số (xác định/nhập, lý do sửa)", default=dict, blank=True,
        help_text='{"4": {"deprived": true, "source": "derived"|"entered", "derived": true, "reason": ""}}',
    )
    deprivation_mask = models.PositiveIntegerField("các chỉ số thiếu hụt (bit theo thứ tự chỉ số)", default=0)
    deprivation_count = models.PositiveSmallIntegerField("số chỉ số thiếu hụt", default=0)
    classification = models.CharField("phân loại", max_length=10, choices=Classification.choices, db_index=True)
    previous_classification = models.CharField(
        "phân loại lần rà soát trước", max_length=10, choices=Classification.choices, blank=True
    )
    change = models.CharField("biến động", max_length=22, choices=Change.choices, db_index=True)
    reasons = models.JSONField("lý do phân loại", default=list, blank=True)
    causes = models.ManyToManyField(PovertyCause, verbose_name="nguyên nhân nghèo", blank=True, related_name="reviews")
    needs = models.ManyToManyField(SupportNeed, verbose_name="nhu cầu hỗ trợ", blank=True, related_name="reviews")
    no_working_capacity = models.BooleanField("hộ không có khả năng lao động", default=False)
    person_of_merit = models.BooleanField("hộ có người có công", default=False)
    state = models.CharField("trạng thái", max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT, db_index=True)
    notes = NFCTextField("ghi chú", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    history = HistoricalRecords(verbose_name="lịch sử rà soát", m2m_fields=[causes, needs])

    # A review belongs to the commune that made it (the unit in force on its date).
    scope_commune_field = "commune"

    class Meta:
        verbose_name = "kết quả rà soát hộ"
        verbose_name_plural = "kết quả rà soát hộ"
        ordering = ["-year", "household__code"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_review_per_household_and_year"),
            models.CheckConstraint(condition=Q(member_count__gte=1), name="review_has_members"),
            models.CheckConstraint(condition=Q(income_total_12m__isnull=True) | Q(income_total_12m__gte=0), name="review_income_not_negative"),
        ]
        indexes = [
            models.Index(fields=["year", "commune", "classification"]),
            models.Index(fields=["year", "state"]),
            models.Index(fields=["household", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.household.code} – {self.year}: {self.get_classification_display()}"

    @property
    def is_official(self) -> bool:
        return self.state in OFFICIAL_STATES

    @property
    def deprived_codes(self) -> list[str]:
        return [code for code, item in sorted(self.indicators.items(), key=lambda kv: (len(kv[0]), kv[0])) if item.get("deprived")]


# --- Place over time, mergers, and long-running jobs ---------------------------------------------------------


class HouseholdPlacement(models.Model):
    """Where a household lived (commune and village) over a period: a history, not one field.

    `Household.commune`/`village` is the current place (for scoping and lists); a review belongs to the unit in
    force on its date, found through `households.selectors.household_place_on`.
    """

    household = models.ForeignKey(Household, verbose_name="hộ", on_delete=models.CASCADE, related_name="placements")
    commune = models.ForeignKey(AdministrativeUnit, verbose_name="xã", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(AdministrativeUnit, verbose_name="thôn", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến ngày", null=True, blank=True)
    reason = NFCCharField("lý do", max_length=200, blank=True)

    scope_commune_field = "commune"

    class Meta:
        verbose_name = "nơi cư trú của hộ"
        verbose_name_plural = "nơi cư trú của hộ"
        ordering = ["household", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["household", "valid_from"], name="placement_household_valid_from_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="placement_dates_ordered"
            ),
        ]


class UnitMerger(models.Model):
    """The audit record of a merger: units A, B, … merged into C from a date, who did it and what moved."""

    effective_date = models.DateField("hiệu lực từ")
    target = models.ForeignKey(AdministrativeUnit, verbose_name="đơn vị sau sáp nhập", on_delete=models.PROTECT, related_name="mergers_into")
    sources = models.ManyToManyField(AdministrativeUnit, verbose_name="đơn vị được sáp nhập", related_name="mergers_from")
    legal_basis = NFCCharField("căn cứ", max_length=255, blank=True)
    performed_by = models.ForeignKey(
        "accounts.User", verbose_name="người thực hiện", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    performed_at = models.DateTimeField("thực hiện lúc", auto_now_add=True)
    summary = models.JSONField("những gì đã chuyển", default=dict, blank=True)
    note = NFCTextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "sáp nhập đơn vị hành chính"
        verbose_name_plural = "sáp nhập đơn vị hành chính"
        ordering = ["-effective_date", "-performed_at"]

    def __str__(self) -> str:
        return f"{self.target} ({self.effective_date:%d/%m/%Y})"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Đang chờ"
    RUNNING = "running", "Đang chạy"
    SUCCEEDED = "succeeded", "Hoàn thành"
    FAILED = "failed", "Lỗi"


class Job(models.Model):
    """Long work (imports, report generation, bulk reclassification) keeps its state here, so pages and the API
    poll our own table, never Celery's result backend. Tasks update `progress` (0–100) and `message` as they go."""

    kind = models.CharField("loại việc", max_length=40, db_index=True)
    status = models.CharField("trạng thái", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    message = NFCCharField("thông báo", max_length=255, blank=True)
    error = NFCTextField("lỗi", blank=True)
    params = models.JSONField("tham số", default=dict, blank=True)
    result = models.JSONField("kết quả", default=dict, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name="người tạo", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    commune = models.ForeignKey(AdministrativeUnit, verbose_name="xã", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)

    # A commune officer sees the jobs of their commune; jobs without a commune only the whole-area roles.
    scope_commune_field = "commune"

    class Meta:
        verbose_name = "công việc chạy nền"
        verbose_name_plural = "công việc chạy nền"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
