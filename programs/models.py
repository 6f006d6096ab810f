"""The district's plan as live data.

The plan itself (issuer, date, the documents it implements, its period), the solution groups of section III, the
targets of section II (and the housing target of III.4), the duties of the thirteen units of section IV and the
yearly task assignments made from them with their progress updates, the reporting regime of section V, the
catalogue of support policies, the support delivered to households, and the yearly funds.
The plan's text lives in `programs/data/*.yaml`, applied by migrations and `manage.py load_reference`.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from households.fields import NFCCharField, NFCTextField


class AgencyKind(models.TextChoices):
    OFFICE = "office", "Phòng, ban chuyên môn"
    CENTRE = "centre", "Đơn vị sự nghiệp"
    BANK = "bank", "Ngân hàng Chính sách xã hội"
    FRONT = "front", "Mặt trận Tổ quốc, đoàn thể"
    COMMUNES = "communes", "Ủy ban nhân dân xã, thị trấn"
    OTHER = "other", "Cơ quan, đơn vị khác"


class Agency(models.Model):
    """One of the thirteen units the plan's section IV gives duties to."""

    code = models.CharField("mã", max_length=20, unique=True)
    name = NFCCharField("tên cơ quan, đơn vị", max_length=200)
    short_name = NFCCharField("tên viết tắt", max_length=60, blank=True)
    kind = models.CharField("loại", max_length=10, choices=AgencyKind.choices, default=AgencyKind.OFFICE)
    plan_item = models.PositiveSmallIntegerField("mục trong Kế hoạch (IV)", null=True, blank=True)
    description = NFCTextField("nhiệm vụ chung", blank=True)
    active = models.BooleanField("đang hoạt động", default=True)

    scope_public = True

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["plan_item", "code"]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def per_commune(self) -> bool:
        """The communes' people's committees (IV.13): each commune carries the duty for its own area."""
        return self.kind == AgencyKind.COMMUNES


# --- The plan --------------------------------------------------------------------------------------------------


class Plan(models.Model):
    """The district's plan (Kế hoạch của UBND huyện) implementing Directive 05-CT/TW and the plans above it."""

    code = models.CharField("mã", max_length=40, unique=True)
    number = NFCCharField("số, ký hiệu", max_length=60, blank=True)
    title = NFCTextField("trích yếu")
    issuer = NFCCharField("cơ quan ban hành", max_length=200)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issued_on_text = NFCCharField(
        "ngày ban hành (như ghi trên văn bản)", max_length=60, blank=True,
        help_text="Bản lưu không ghi ngày: giữ nguyên cách ghi của văn bản.",
    )
    signer = NFCCharField("người ký", max_length=120, blank=True)
    signer_title = NFCCharField("chức vụ người ký", max_length=120, blank=True)
    period_start = models.PositiveSmallIntegerField("giai đoạn từ năm")
    period_end = models.PositiveSmallIntegerField("đến năm")
    horizon = models.PositiveSmallIntegerField("định hướng đến năm")
    purpose = NFCTextField("mục đích, yêu cầu", blank=True)
    general_goal = NFCTextField("mục tiêu tổng quát", blank=True)
    silence_days = models.PositiveSmallIntegerField(
        "số ngày không cập nhật thì cảnh báo", default=90,
        help_text="Nhiệm vụ chưa hoàn thành mà quá số ngày này không có báo cáo tiến độ được coi là «im lặng».",
    )
    confirmed = models.BooleanField("đã đối chiếu văn bản", default=True)
    note = NFCTextField("ghi chú", blank=True)

    scope_public = True

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-period_start", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"),
            models.CheckConstraint(condition=Q(horizon__gte=models.F("period_end")), name="plan_horizon_after_period"),
        ]

    def __str__(self) -> str:
        return f"Kế hoạch {self.number}" if self.number.strip(" /") else f"Kế hoạch {self.code}"


class PlanDocument(models.Model):
    """A document the plan implements (Directive 05-CT/TW, Resolution 160/NQ-CP, the provincial and district plans)."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    number = NFCCharField("số, ký hiệu", max_length=60)
    issued_on = models.DateField("ngày ban hành")
    issuer = NFCCharField("cơ quan ban hành", max_length=200)
    title = NFCTextField("trích yếu")

    scope_public = True

    class Meta:
        verbose_name = "văn bản được triển khai"
        verbose_name_plural = "văn bản được triển khai"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_document_unique")]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class SolutionGroup(models.Model):
    """One of the six groups of tasks and solutions of section III."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="solution_groups")
    number = models.PositiveSmallIntegerField("số thứ tự (mục III)")
    title = NFCCharField("tên nhóm giải pháp", max_length=200)
    content = NFCTextField("nội dung", blank=True)

    scope_public = True

    class Meta:
        verbose_name = "nhóm nhiệm vụ, giải pháp"
        verbose_name_plural = "nhóm nhiệm vụ, giải pháp"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="solution_group_unique")]

    def __str__(self) -> str:
        return f"III.{self.number}. {self.title}"


class ReportingRequirement(models.Model):
    """The reporting regime of section V: who reports what, to whom, by when."""

    class Recurrence(models.TextChoices):
        YEARLY = "yearly", "Hằng năm"
        ONCE = "once", "Một lần"

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="reporting")
    code = models.CharField("mã", max_length=20)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    name = NFCCharField("báo cáo", max_length=200)
    reporters = NFCCharField("đơn vị báo cáo", max_length=200)
    recipient = NFCCharField("nơi nhận", max_length=200)
    recurrence = models.CharField("định kỳ", max_length=8, choices=Recurrence.choices, default=Recurrence.YEARLY)
    due_month = models.PositiveSmallIntegerField("tháng hạn (hằng năm)", null=True, blank=True)
    due_day = models.PositiveSmallIntegerField("ngày hạn (hằng năm)", null=True, blank=True)
    due_date = models.DateField("hạn (một lần)", null=True, blank=True)
    event = NFCCharField("hội nghị sơ kết, tổng kết", max_length=200, blank=True)
    source_text = NFCTextField("trích văn bản", blank=True)

    scope_public = True

    class Meta:
        verbose_name = "chế độ báo cáo"
        verbose_name_plural = "chế độ báo cáo"
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="reporting_requirement_unique"),
            models.CheckConstraint(
                condition=Q(recurrence="yearly", due_month__isnull=False, due_day__isnull=False)
                | Q(recurrence="once", due_date__isnull=False),
                name="reporting_requirement_has_due_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def due_text(self) -> str:
        if self.recurrence == self.Recurrence.ONCE and self.due_date:
            return f"trước ngày {self.due_date:%d/%m/%Y}"
        return f"trước ngày {self.due_day:02d}/{self.due_month:02d} hằng năm"


# --- Targets ---------------------------------------------------------------------------------------------------


class Metric(models.TextChoices):
    """What a target measures; the names are the API's (`targets/` in API.md)."""

    POVERTY_RATE_REDUCTION = "poverty_rate_reduction", "Mức giảm tỷ lệ hộ nghèo bình quân (điểm %/năm)"
    ETHNIC_MINORITY_POVERTY_RATE_REDUCTION = (
        "ethnic_minority_poverty_rate_reduction",
        "Mức giảm tỷ lệ hộ nghèo dân tộc thiểu số bình quân (điểm %/năm)",
    )
    REGION_III_COMMUNES = "region_iii_communes", "Số xã thuộc khu vực III"
    TEMPORARY_HOUSES = "temporary_houses", "Số hộ nghèo ở nhà tạm, nhà dột nát"


# A reduction metric is a yearly average of falls in a rate; a level metric is a count that must come down to a value.
REDUCTION_METRICS = (Metric.POVERTY_RATE_REDUCTION, Metric.ETHNIC_MINORITY_POVERTY_RATE_REDUCTION)
LEVEL_METRICS = (Metric.REGION_III_COMMUNES, Metric.TEMPORARY_HOUSES)


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", "từ … trở lên"
    MORE_THAN = "more_than", "trên …"
    AT_MOST = "at_most", "không quá …"


class Target(models.Model):
    """A quantified target: a metric over a unit (the program area or one commune), from a baseline year to an
    end year, and the value to reach. The actual value is never typed: `programs.selectors` computes it from
    the official annual reviews. A commune target divides a district target (`parent`)."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="targets")
    code = models.CharField("mã", max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name="chỉ tiêu của huyện (được phân bổ)", on_delete=models.CASCADE, null=True, blank=True,
        related_name="divisions",
    )
    metric = models.CharField("chỉ số", max_length=40, choices=Metric.choices)
    title = NFCCharField("chỉ tiêu", max_length=255)
    plan_reference = models.CharField("mục trong Kế hoạch", max_length=20, blank=True)
    source_text = NFCTextField("trích văn bản", blank=True)
    solution_group = models.ForeignKey(
        SolutionGroup, verbose_name="nhóm giải pháp", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="targets",
    )
    unit = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name="địa bàn", on_delete=models.PROTECT, related_name="targets",
        help_text="Huyện (toàn địa bàn chương trình) hoặc một xã.",
    )
    baseline_year = models.PositiveSmallIntegerField("năm gốc")
    end_year = models.PositiveSmallIntegerField("năm đích")
    value = models.DecimalField("giá trị chỉ tiêu", max_digits=8, decimal_places=2)
    comparison = models.CharField("so sánh", max_length=10, choices=Comparison.choices)
    indicator_codes = models.JSONField(
        "chỉ số thiếu hụt dùng tính (theo chuẩn nghèo)", default=dict, blank=True,
        help_text='Với chỉ tiêu nhà ở: {"ND07-2021": "7"} – mã chỉ số chất lượng nhà ở trong từng chuẩn.',
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    note = NFCTextField("ghi chú", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người sửa", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name="lịch sử chỉ tiêu")

    # Targets are aggregate figures: every signed-in role may read them; pages decide who may change them.
    scope_public = True

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["plan", "order", "unit__code"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gt=models.F("baseline_year")), name="target_end_after_baseline"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
            models.UniqueConstraint(fields=["parent", "unit"], name="target_one_division_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.unit.name}" if self.parent_id else self.title

    @property
    def is_reduction(self) -> bool:
        return self.metric in REDUCTION_METRICS

    @property
    def unit_label(self) -> str:
        return "điểm %/năm" if self.is_reduction else ("xã" if self.metric == Metric.REGION_III_COMMUNES else "hộ")


# --- Duties and tasks ------------------------------------------------------------------------------------------


class Recurrence(models.TextChoices):
    YEARLY = "yearly", "Hằng năm"
    ONCE = "once", "Một lần"


class Duty(models.Model):
    """A duty the plan's section IV (or V) gives an agency: the source of its yearly task assignments."""

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="duties")
    code = models.CharField("mã", max_length=20, unique=True, help_text="Mục trong Kế hoạch, ví dụ IV.13.4.")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    agency = models.ForeignKey(Agency, verbose_name="cơ quan chủ trì", on_delete=models.PROTECT, related_name="duties")
    cooperating = models.ManyToManyField(
        Agency, verbose_name="cơ quan phối hợp", blank=True, related_name="cooperating_duties"
    )
    solution_group = models.ForeignKey(
        SolutionGroup, verbose_name="nhóm giải pháp (mục III)", on_delete=models.PROTECT, related_name="duties"
    )
    title = NFCCharField("nhiệm vụ", max_length=255)
    text = NFCTextField("nội dung theo Kế hoạch")
    recurrence = models.CharField("định kỳ", max_length=8, choices=Recurrence.choices, default=Recurrence.YEARLY)
    due_month = models.PositiveSmallIntegerField("tháng hạn (hằng năm)", default=12)
    due_day = models.PositiveSmallIntegerField("ngày hạn (hằng năm)", default=10)
    due_date = models.DateField("hạn (một lần)", null=True, blank=True)
    due_note = NFCCharField("căn cứ hạn", max_length=200, blank=True)
    active = models.BooleanField("đang áp dụng", default=True)

    scope_public = True

    class Meta:
        verbose_name = "nhiệm vụ theo Kế hoạch"
        verbose_name_plural = "nhiệm vụ theo Kế hoạch"
        ordering = ["plan", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recurrence="yearly") | Q(due_date__isnull=False), name="duty_once_has_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def due_on(self, year: int) -> dt.date | None:
        """The due date of the year's assignment, or None when the duty has none that year."""
        if self.recurrence == Recurrence.ONCE:
            return self.due_date if self.due_date and self.due_date.year == year else None
        return dt.date(year, self.due_month, self.due_day)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    COMPLETED = "completed", "Hoàn thành"
    STALLED = "stalled", "Gặp khó khăn, vướng mắc"


class TaskAssignment(models.Model):
    """One year's assignment of a duty to its lead agency (to one commune for the communes' duties, IV.13)."""

    duty = models.ForeignKey(Duty, verbose_name="nhiệm vụ theo Kế hoạch", on_delete=models.PROTECT, related_name="tasks")
    year = models.PositiveSmallIntegerField("năm", db_index=True)
    agency = models.ForeignKey(Agency, verbose_name="cơ quan chủ trì", on_delete=models.PROTECT, related_name="tasks")
    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name="xã thực hiện", on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_tasks",
    )
    title = NFCCharField("nhiệm vụ", max_length=255)
    due_date = models.DateField("hạn hoàn thành")
    status = models.CharField("tình trạng", max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    last_update_at = models.DateTimeField("báo cáo tiến độ gần nhất", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    version = models.PositiveIntegerField("phiên bản", default=1)

    scope_agency_field = "agency"
    scope_commune_field = "commune"

    class Meta:
        verbose_name = "giao nhiệm vụ"
        verbose_name_plural = "giao nhiệm vụ"
        ordering = ["year", "due_date", "duty__order", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "year", "commune"], name="task_one_per_duty_year_commune"),
            models.UniqueConstraint(
                fields=["duty", "year"], condition=Q(commune__isnull=True), name="task_one_per_duty_year_without_commune"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
        ]
        indexes = [models.Index(fields=["agency", "year", "status"]), models.Index(fields=["commune", "year"])]

    def __str__(self) -> str:
        where = f" – {self.commune.name}" if self.commune_id else ""
        return f"{self.title}{where} ({self.year})"

    @property
    def overdue(self) -> bool:
        return self.status != TaskStatus.COMPLETED and self.due_date < timezone.localdate()


def evidence_path(instance: "TaskUpdate", filename: str) -> str:
    return f"programs/evidence/{instance.task.year}/{instance.task_id}/{filename}"


class TaskUpdate(models.Model):
    """A progress report on a task: status, percent, what was done, and optional evidence (a file)."""

    task = models.ForeignKey(TaskAssignment, verbose_name="nhiệm vụ", on_delete=models.CASCADE, related_name="updates")
    status = models.CharField("tình trạng", max_length=12, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField("tiến độ (%)")
    narrative = NFCTextField("kết quả thực hiện, khó khăn, kiến nghị")
    evidence = models.FileField("tài liệu kèm theo", upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = NFCCharField("tên tệp", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người báo cáo", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("báo cáo lúc", default=timezone.now)

    scope_agency_field = "task__agency"
    scope_commune_field = "task__commune"

    class Meta:
        verbose_name = "báo cáo tiến độ"
        verbose_name_plural = "báo cáo tiến độ"
        ordering = ["task", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="task_update_progress_at_most_100")]

    def __str__(self) -> str:
        return f"{self.task} – {self.created_at:%d/%m/%Y}: {self.progress}%"


# --- Support policies and support delivered --------------------------------------------------------------------


class SupportKind(models.TextChoices):
    CREDIT = "credit", "Tín dụng ưu đãi"
    HOUSING = "housing", "Hỗ trợ nhà ở"
    HEALTH_INSURANCE = "health_insurance", "Bảo hiểm y tế"
    NUTRITION = "nutrition", "Dinh dưỡng cho trẻ em"
    EDUCATION = "education", "Hỗ trợ giáo dục cho học sinh"
    VOCATIONAL = "vocational", "Đào tạo nghề, việc làm"
    PRODUCTION = "production", "Phát triển sản xuất, sinh kế"
    LEGAL_AID = "legal_aid", "Trợ giúp pháp lý"
    INFORMATION = "information", "Tiếp cận thông tin"
    SOCIAL_ASSISTANCE = "social_assistance", "Trợ giúp xã hội"


class FundingSource(models.TextChoices):
    CENTRAL = "central", "Ngân sách trung ương (các chương trình mục tiêu quốc gia)"
    PROVINCE = "province", "Ngân sách tỉnh"
    DISTRICT = "district", "Ngân sách huyện"
    COMMUNE = "commune", "Ngân sách xã"
    POLICY_BANK = "policy_bank", "Vốn tín dụng Ngân hàng Chính sách xã hội"
    FUND_FOR_THE_POOR = "fund_for_the_poor", "Quỹ vì người nghèo"
    DONORS = "donors", "Doanh nghiệp, nhà tài trợ"
    HOUSEHOLD = "household", "Hộ gia đình đóng góp"


class SupportPolicy(models.Model):
    """A support policy of the catalogue, with the agency that delivers it and the review needs it answers."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = NFCCharField("chính sách", max_length=255)
    kind = models.CharField("loại hỗ trợ", max_length=20, choices=SupportKind.choices)
    agency = models.ForeignKey(Agency, verbose_name="cơ quan thực hiện", on_delete=models.PROTECT, related_name="policies")
    legal_basis = NFCTextField("căn cứ", blank=True)
    needs = models.ManyToManyField(
        "households.SupportNeed", verbose_name="đáp ứng nhu cầu", blank=True, related_name="policies",
        help_text="Nhu cầu hỗ trợ ghi trong phiếu rà soát mà chính sách này đáp ứng.",
    )
    default_source = models.CharField(
        "nguồn kinh phí thường dùng", max_length=20, choices=FundingSource.choices, blank=True
    )
    typical_amount = models.PositiveBigIntegerField("mức hỗ trợ thường gặp (đồng)", null=True, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang áp dụng", default=True)
    confirmed = models.BooleanField("đã đối chiếu văn bản", default=True)

    scope_public = True

    class Meta:
        verbose_name = "chính sách hỗ trợ"
        verbose_name_plural = "chính sách hỗ trợ"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SupportRecord(models.Model):
    """Support delivered to one household under one policy: the date, the amount in đồng and the funding source."""

    household = models.ForeignKey(
        "households.Household", verbose_name="hộ", on_delete=models.PROTECT, related_name="support_records"
    )
    policy = models.ForeignKey(SupportPolicy, verbose_name="chính sách", on_delete=models.PROTECT, related_name="records")
    date = models.DateField("ngày hỗ trợ")
    amount = models.PositiveBigIntegerField("số tiền, giá trị (đồng)")
    funding_source = models.CharField("nguồn kinh phí", max_length=20, choices=FundingSource.choices)
    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name="xã (khi hỗ trợ)", on_delete=models.PROTECT, related_name="+",
        help_text="Xã của hộ vào ngày hỗ trợ, để tổng hợp theo xã.",
    )
    note = NFCCharField("ghi chú", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ghi", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("ghi lúc", auto_now_add=True)
    history = HistoricalRecords(verbose_name="lịch sử ghi nhận hỗ trợ")

    # An agency sees what it delivered under its own policies; a commune the support its households received.
    scope_agency_field = "policy__agency"
    scope_commune_field = "household__commune"

    class Meta:
        verbose_name = "hỗ trợ đã thực hiện"
        verbose_name_plural = "hỗ trợ đã thực hiện"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="support_amount_positive",
                violation_error_message="Số tiền hỗ trợ phải là số nguyên dương (đồng).",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "commune"]),
            models.Index(fields=["household", "date"]),
            models.Index(fields=["policy", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} – {self.policy} ({self.date:%d/%m/%Y})"


# --- Funds -----------------------------------------------------------------------------------------------------


class FundProgram(models.Model):
    """A program or budget line the funds are allocated under (the national target programs, credit, the fund…)."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = NFCCharField("chương trình, nguồn vốn", max_length=255)
    legal_basis = NFCTextField("căn cứ", blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang áp dụng", default=True)

    scope_public = True

    class Meta:
        verbose_name = "chương trình, nguồn vốn"
        verbose_name_plural = "chương trình, nguồn vốn"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class FundAllocation(models.Model):
    """A year's allocation and disbursement under one program and source, for one commune or kept at district
    level (no commune). Entered by the finance–planning office (plan, section IV.2)."""

    year = models.PositiveSmallIntegerField("năm", db_index=True)
    program = models.ForeignKey(FundProgram, verbose_name="chương trình", on_delete=models.PROTECT, related_name="allocations")
    source = models.CharField("nguồn kinh phí", max_length=20, choices=FundingSource.choices)
    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name="xã", on_delete=models.PROTECT, null=True, blank=True,
        related_name="fund_allocations", help_text="Để trống: kinh phí do huyện trực tiếp quản lý.",
    )
    allocated = models.PositiveBigIntegerField("kế hoạch vốn phân bổ (đồng)")
    disbursed = models.PositiveBigIntegerField("đã giải ngân (đồng)", default=0)
    note = NFCCharField("ghi chú", max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    history = HistoricalRecords(verbose_name="lịch sử phân bổ vốn")

    scope_commune_field = "commune"

    class Meta:
        verbose_name = "phân bổ, giải ngân vốn"
        verbose_name_plural = "phân bổ, giải ngân vốn"
        ordering = ["-year", "program__order", "source", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "program", "source", "commune"], name="fund_allocation_unique"),
            models.UniqueConstraint(
                fields=["year", "program", "source"], condition=Q(commune__isnull=True),
                name="fund_allocation_unique_district",
            ),
            models.CheckConstraint(condition=Q(allocated__gt=0), name="fund_allocated_positive"),
            models.CheckConstraint(condition=Q(disbursed__lte=models.F("allocated")), name="fund_disbursed_within_allocation"),
        ]

    def __str__(self) -> str:
        where = self.commune.name if self.commune_id else "cấp huyện"
        return f"{self.program} – {self.get_source_display()} – {where} ({self.year})"
