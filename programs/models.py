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
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from households.fields import NFCCharField, NFCTextField


class AgencyKind(models.TextChoices):
    OFFICE = "office", gettext_lazy("Phòng, ban chuyên môn")
    CENTRE = "centre", gettext_lazy("Đơn vị sự nghiệp")
    BANK = "bank", gettext_lazy("Ngân hàng Chính sách xã hội")
    FRONT = "front", gettext_lazy("Mặt trận Tổ quốc, đoàn thể")
    COMMUNES = "communes", gettext_lazy("Ủy ban nhân dân xã, thị trấn")
    OTHER = "other", gettext_lazy("Cơ quan, đơn vị khác")


class Agency(models.Model):
    """One of the thirteen units the plan's section IV gives duties to."""

    code = models.CharField(gettext_lazy("mã"), max_length=20, unique=True)
    name = NFCCharField(gettext_lazy("tên cơ quan, đơn vị"), max_length=200)
    short_name = NFCCharField(gettext_lazy("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(gettext_lazy("loại"), max_length=10, choices=AgencyKind.choices, default=AgencyKind.OFFICE)
    plan_item = models.PositiveSmallIntegerField(gettext_lazy("mục trong Kế hoạch (IV)"), null=True, blank=True)
    description = NFCTextField(gettext_lazy("nhiệm vụ chung"), blank=True)
    active = models.BooleanField(gettext_lazy("đang hoạt động"), default=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("cơ quan, đơn vị")
        verbose_name_plural = gettext_lazy("cơ quan, đơn vị")
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

    code = models.CharField(gettext_lazy("mã"), max_length=40, unique=True)
    number = NFCCharField(gettext_lazy("số, ký hiệu"), max_length=60, blank=True)
    title = NFCTextField(gettext_lazy("trích yếu"))
    issuer = NFCCharField(gettext_lazy("cơ quan ban hành"), max_length=200)
    issued_on = models.DateField(gettext_lazy("ngày ban hành"), null=True, blank=True)
    issued_on_text = NFCCharField(
        gettext_lazy("ngày ban hành (như ghi trên văn bản)"), max_length=60, blank=True,
        help_text=gettext_lazy("Bản lưu không ghi ngày: giữ nguyên cách ghi của văn bản."),
    )
    signer = NFCCharField(gettext_lazy("người ký"), max_length=120, blank=True)
    signer_title = NFCCharField(gettext_lazy("chức vụ người ký"), max_length=120, blank=True)
    period_start = models.PositiveSmallIntegerField(gettext_lazy("giai đoạn từ năm"))
    period_end = models.PositiveSmallIntegerField(gettext_lazy("đến năm"))
    horizon = models.PositiveSmallIntegerField(gettext_lazy("định hướng đến năm"))
    purpose = NFCTextField(gettext_lazy("mục đích, yêu cầu"), blank=True)
    general_goal = NFCTextField(gettext_lazy("mục tiêu tổng quát"), blank=True)
    silence_days = models.PositiveSmallIntegerField(
        gettext_lazy("số ngày không cập nhật thì cảnh báo"), default=90,
        help_text=gettext_lazy("Nhiệm vụ chưa hoàn thành mà quá số ngày này không có báo cáo tiến độ được coi là «im lặng»."),
    )
    confirmed = models.BooleanField(gettext_lazy("đã đối chiếu văn bản"), default=True)
    note = NFCTextField(gettext_lazy("ghi chú"), blank=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("kế hoạch")
        verbose_name_plural = gettext_lazy("kế hoạch")
        ordering = ["-period_start", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"),
            models.CheckConstraint(condition=Q(horizon__gte=models.F("period_end")), name="plan_horizon_after_period"),
        ]

    def __str__(self) -> str:
        return f"Kế hoạch {self.number}" if self.number.strip(" /") else f"Kế hoạch {self.code}"


class PlanDocument(models.Model):
    """A document the plan implements (Directive 05-CT/TW, Resolution 160/NQ-CP, the provincial and district plans)."""

    plan = models.ForeignKey(Plan, verbose_name=gettext_lazy("kế hoạch"), on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    number = NFCCharField(gettext_lazy("số, ký hiệu"), max_length=60)
    issued_on = models.DateField(gettext_lazy("ngày ban hành"))
    issuer = NFCCharField(gettext_lazy("cơ quan ban hành"), max_length=200)
    title = NFCTextField(gettext_lazy("trích yếu"))

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("văn bản được triển khai")
        verbose_name_plural = gettext_lazy("văn bản được triển khai")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_document_unique")]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class SolutionGroup(models.Model):
    """One of the six groups of tasks and solutions of section III."""

    plan = models.ForeignKey(Plan, verbose_name=gettext_lazy("kế hoạch"), on_delete=models.CASCADE, related_name="solution_groups")
    number = models.PositiveSmallIntegerField(gettext_lazy("số thứ tự (mục III)"))
    title = NFCCharField(gettext_lazy("tên nhóm giải pháp"), max_length=200)
    content = NFCTextField(gettext_lazy("nội dung"), blank=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("nhóm nhiệm vụ, giải pháp")
        verbose_name_plural = gettext_lazy("nhóm nhiệm vụ, giải pháp")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="solution_group_unique")]

    def __str__(self) -> str:
        return f"III.{self.number}. {self.title}"


class ReportingRequirement(models.Model):
    """The reporting regime of section V: who reports what, to whom, by when."""

    class Recurrence(models.TextChoices):
        YEARLY = "yearly", gettext_lazy("Hằng năm")
        ONCE = "once", gettext_lazy("Một lần")

    plan = models.ForeignKey(Plan, verbose_name=gettext_lazy("kế hoạch"), on_delete=models.CASCADE, related_name="reporting")
    code = models.CharField(gettext_lazy("mã"), max_length=20)
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    name = NFCCharField(gettext_lazy("báo cáo"), max_length=200)
    reporters = NFCCharField(gettext_lazy("đơn vị báo cáo"), max_length=200)
    recipient = NFCCharField(gettext_lazy("nơi nhận"), max_length=200)
    recurrence = models.CharField(gettext_lazy("định kỳ"), max_length=8, choices=Recurrence.choices, default=Recurrence.YEARLY)
    due_month = models.PositiveSmallIntegerField(gettext_lazy("tháng hạn (hằng năm)"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(gettext_lazy("ngày hạn (hằng năm)"), null=True, blank=True)
    due_date = models.DateField(gettext_lazy("hạn (một lần)"), null=True, blank=True)
    event = NFCCharField(gettext_lazy("hội nghị sơ kết, tổng kết"), max_length=200, blank=True)
    source_text = NFCTextField(gettext_lazy("trích văn bản"), blank=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("chế độ báo cáo")
        verbose_name_plural = gettext_lazy("chế độ báo cáo")
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
            return gettext("trước ngày %(date)s") % {"date": f"{self.due_date:%d/%m/%Y}"}
        return gettext("trước ngày %(day)s hằng năm") % {"day": f"{self.due_day:02d}/{self.due_month:02d}"}


# --- Targets ---------------------------------------------------------------------------------------------------


class Metric(models.TextChoices):
    """What a target measures; the names are the API's (`targets/` in docs/api.md)."""

    POVERTY_RATE_REDUCTION = "poverty_rate_reduction", gettext_lazy("Mức giảm tỷ lệ hộ nghèo bình quân (điểm %/năm)")
    ETHNIC_MINORITY_POVERTY_RATE_REDUCTION = (
        "ethnic_minority_poverty_rate_reduction",
        gettext_lazy("Mức giảm tỷ lệ hộ nghèo dân tộc thiểu số bình quân (điểm %/năm)"),
    )
    REGION_III_COMMUNES = "region_iii_communes", gettext_lazy("Số xã thuộc khu vực III")
    TEMPORARY_HOUSES = "temporary_houses", gettext_lazy("Số hộ nghèo ở nhà tạm, nhà dột nát")


# A reduction metric is a yearly average of falls in a rate; a level metric is a count that must come down to a value.
REDUCTION_METRICS = (Metric.POVERTY_RATE_REDUCTION, Metric.ETHNIC_MINORITY_POVERTY_RATE_REDUCTION)
LEVEL_METRICS = (Metric.REGION_III_COMMUNES, Metric.TEMPORARY_HOUSES)


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", gettext_lazy("từ … trở lên")
    MORE_THAN = "more_than", gettext_lazy("trên …")
    AT_MOST = "at_most", gettext_lazy("không quá …")


class Target(models.Model):
    """A quantified target: a metric over a unit (the program area or one commune), from a baseline year to an
    end year, and the value to reach. The actual value is never typed: `programs.selectors` computes it from
    the official annual reviews. A commune target divides a district target (`parent`)."""

    plan = models.ForeignKey(Plan, verbose_name=gettext_lazy("kế hoạch"), on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(gettext_lazy("mã"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=gettext_lazy("chỉ tiêu của huyện (được phân bổ)"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="divisions",
    )
    metric = models.CharField(gettext_lazy("chỉ số"), max_length=40, choices=Metric.choices)
    title = NFCCharField(gettext_lazy("chỉ tiêu"), max_length=255)
    plan_reference = models.CharField(gettext_lazy("mục trong Kế hoạch"), max_length=20, blank=True)
    source_text = NFCTextField(gettext_lazy("trích văn bản"), blank=True)
    solution_group = models.ForeignKey(
        SolutionGroup, verbose_name=gettext_lazy("nhóm giải pháp"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="targets",
    )
    unit = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=gettext_lazy("địa bàn"), on_delete=models.PROTECT, related_name="targets",
        help_text=gettext_lazy("Huyện (toàn địa bàn chương trình) hoặc một xã."),
    )
    baseline_year = models.PositiveSmallIntegerField(gettext_lazy("năm gốc"))
    end_year = models.PositiveSmallIntegerField(gettext_lazy("năm đích"))
    value = models.DecimalField(gettext_lazy("giá trị chỉ tiêu"), max_digits=8, decimal_places=2)
    comparison = models.CharField(gettext_lazy("so sánh"), max_length=10, choices=Comparison.choices)
    indicator_codes = models.JSONField(
        gettext_lazy("chỉ số thiếu hụt dùng tính (theo chuẩn nghèo)"), default=dict, blank=True,
        help_text=gettext_lazy('Với chỉ tiêu nhà ở: {"ND07-2021": "7"} – mã chỉ số chất lượng nhà ở trong từng chuẩn.'),
    )
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    note = NFCTextField(gettext_lazy("ghi chú"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người sửa"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử chỉ tiêu"))

    # Targets are aggregate figures: every signed-in role may read them; pages decide who may change them.
    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("chỉ tiêu")
        verbose_name_plural = gettext_lazy("chỉ tiêu")
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
        return gettext("điểm %/năm") if self.is_reduction else (gettext("xã") if self.metric == Metric.REGION_III_COMMUNES else gettext("hộ"))


# --- Duties and tasks ------------------------------------------------------------------------------------------


class Recurrence(models.TextChoices):
    YEARLY = "yearly", gettext_lazy("Hằng năm")
    ONCE = "once", gettext_lazy("Một lần")


class Duty(models.Model):
    """A duty the plan's section IV (or V) gives an agency: the source of its yearly task assignments."""

    plan = models.ForeignKey(Plan, verbose_name=gettext_lazy("kế hoạch"), on_delete=models.CASCADE, related_name="duties")
    code = models.CharField(gettext_lazy("mã"), max_length=20, unique=True, help_text=gettext_lazy("Mục trong Kế hoạch, ví dụ IV.13.4."))
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    agency = models.ForeignKey(Agency, verbose_name=gettext_lazy("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="duties")
    cooperating = models.ManyToManyField(
        Agency, verbose_name=gettext_lazy("cơ quan phối hợp"), blank=True, related_name="cooperating_duties"
    )
    solution_group = models.ForeignKey(
        SolutionGroup, verbose_name=gettext_lazy("nhóm giải pháp (mục III)"), on_delete=models.PROTECT, related_name="duties"
    )
    title = NFCCharField(gettext_lazy("nhiệm vụ"), max_length=255)
    text = NFCTextField(gettext_lazy("nội dung theo Kế hoạch"))
    recurrence = models.CharField(gettext_lazy("định kỳ"), max_length=8, choices=Recurrence.choices, default=Recurrence.YEARLY)
    due_month = models.PositiveSmallIntegerField(gettext_lazy("tháng hạn (hằng năm)"), default=12)
    due_day = models.PositiveSmallIntegerField(gettext_lazy("ngày hạn (hằng năm)"), default=10)
    due_date = models.DateField(gettext_lazy("hạn (một lần)"), null=True, blank=True)
    due_note = NFCCharField(gettext_lazy("căn cứ hạn"), max_length=200, blank=True)
    active = models.BooleanField(gettext_lazy("đang áp dụng"), default=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("nhiệm vụ theo Kế hoạch")
        verbose_name_plural = gettext_lazy("nhiệm vụ theo Kế hoạch")
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
    NOT_STARTED = "not_started", gettext_lazy("Chưa triển khai")
    IN_PROGRESS = "in_progress", gettext_lazy("Đang thực hiện")
    COMPLETED = "completed", gettext_lazy("Hoàn thành")
    STALLED = "stalled", gettext_lazy("Gặp khó khăn, vướng mắc")


class TaskAssignment(models.Model):
    """One year's assignment of a duty to its lead agency (to one commune for the communes' duties, IV.13)."""

    duty = models.ForeignKey(Duty, verbose_name=gettext_lazy("nhiệm vụ theo Kế hoạch"), on_delete=models.PROTECT, related_name="tasks")
    year = models.PositiveSmallIntegerField(gettext_lazy("năm"), db_index=True)
    agency = models.ForeignKey(Agency, verbose_name=gettext_lazy("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="tasks")
    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=gettext_lazy("xã thực hiện"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_tasks",
    )
    title = NFCCharField(gettext_lazy("nhiệm vụ"), max_length=255)
    due_date = models.DateField(gettext_lazy("hạn hoàn thành"))
    status = models.CharField(gettext_lazy("tình trạng"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(gettext_lazy("tiến độ (%)"), default=0)
    last_update_at = models.DateTimeField(gettext_lazy("báo cáo tiến độ gần nhất"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    version = models.PositiveIntegerField(gettext_lazy("phiên bản"), default=1)

    scope_agency_field = "agency"
    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("giao nhiệm vụ")
        verbose_name_plural = gettext_lazy("giao nhiệm vụ")
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

    task = models.ForeignKey(TaskAssignment, verbose_name=gettext_lazy("nhiệm vụ"), on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(gettext_lazy("tình trạng"), max_length=12, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField(gettext_lazy("tiến độ (%)"))
    narrative = NFCTextField(gettext_lazy("kết quả thực hiện, khó khăn, kiến nghị"))
    evidence = models.FileField(gettext_lazy("tài liệu kèm theo"), upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = NFCCharField(gettext_lazy("tên tệp"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người báo cáo"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("báo cáo lúc"), default=timezone.now)

    scope_agency_field = "task__agency"
    scope_commune_field = "task__commune"

    class Meta:
        verbose_name = gettext_lazy("báo cáo tiến độ")
        verbose_name_plural = gettext_lazy("báo cáo tiến độ")
        ordering = ["task", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="task_update_progress_at_most_100")]

    def __str__(self) -> str:
        return f"{self.task} – {self.created_at:%d/%m/%Y}: {self.progress}%"


# --- Support policies and support delivered --------------------------------------------------------------------


class SupportKind(models.TextChoices):
    CREDIT = "credit", gettext_lazy("Tín dụng ưu đãi")
    HOUSING = "housing", gettext_lazy("Hỗ trợ nhà ở")
    HEALTH_INSURANCE = "health_insurance", gettext_lazy("Bảo hiểm y tế")
    NUTRITION = "nutrition", gettext_lazy("Dinh dưỡng cho trẻ em")
    EDUCATION = "education", gettext_lazy("Hỗ trợ giáo dục cho học sinh")
    VOCATIONAL = "vocational", gettext_lazy("Đào tạo nghề, việc làm")
    PRODUCTION = "production", gettext_lazy("Phát triển sản xuất, sinh kế")
    LEGAL_AID = "legal_aid", gettext_lazy("Trợ giúp pháp lý")
    INFORMATION = "information", gettext_lazy("Tiếp cận thông tin")
    SOCIAL_ASSISTANCE = "social_assistance", gettext_lazy("Trợ giúp xã hội")


class FundingSource(models.TextChoices):
    CENTRAL = "central", gettext_lazy("Ngân sách trung ương (các chương trình mục tiêu quốc gia)")
    PROVINCE = "province", gettext_lazy("Ngân sách tỉnh")
    DISTRICT = "district", gettext_lazy("Ngân sách huyện")
    COMMUNE = "commune", gettext_lazy("Ngân sách xã")
    POLICY_BANK = "policy_bank", gettext_lazy("Vốn tín dụng Ngân hàng Chính sách xã hội")
    FUND_FOR_THE_POOR = "fund_for_the_poor", gettext_lazy("Quỹ vì người nghèo")
    DONORS = "donors", gettext_lazy("Doanh nghiệp, nhà tài trợ")
    HOUSEHOLD = "household", gettext_lazy("Hộ gia đình đóng góp")


class SupportPolicy(models.Model):
    """A support policy of the catalogue, with the agency that delivers it and the review needs it answers."""

    code = models.CharField(gettext_lazy("mã"), max_length=30, unique=True)
    name = NFCCharField(gettext_lazy("chính sách"), max_length=255)
    kind = models.CharField(gettext_lazy("loại hỗ trợ"), max_length=20, choices=SupportKind.choices)
    agency = models.ForeignKey(Agency, verbose_name=gettext_lazy("cơ quan thực hiện"), on_delete=models.PROTECT, related_name="policies")
    legal_basis = NFCTextField(gettext_lazy("căn cứ"), blank=True)
    needs = models.ManyToManyField(
        "households.SupportNeed", verbose_name=gettext_lazy("đáp ứng nhu cầu"), blank=True, related_name="policies",
        help_text=gettext_lazy("Nhu cầu hỗ trợ ghi trong phiếu rà soát mà chính sách này đáp ứng."),
    )
    default_source = models.CharField(
        gettext_lazy("nguồn kinh phí thường dùng"), max_length=20, choices=FundingSource.choices, blank=True
    )
    typical_amount = models.PositiveBigIntegerField(gettext_lazy("mức hỗ trợ thường gặp (đồng)"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    active = models.BooleanField(gettext_lazy("đang áp dụng"), default=True)
    confirmed = models.BooleanField(gettext_lazy("đã đối chiếu văn bản"), default=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("chính sách hỗ trợ")
        verbose_name_plural = gettext_lazy("chính sách hỗ trợ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SupportRecord(models.Model):
    """Support delivered to one household under one policy: the date, the amount in đồng and the funding source."""

    household = models.ForeignKey(
        "households.Household", verbose_name=gettext_lazy("hộ"), on_delete=models.PROTECT, related_name="support_records"
    )
    policy = models.ForeignKey(SupportPolicy, verbose_name=gettext_lazy("chính sách"), on_delete=models.PROTECT, related_name="records")
    date = models.DateField(gettext_lazy("ngày hỗ trợ"))
    amount = models.PositiveBigIntegerField(gettext_lazy("số tiền, giá trị (đồng)"))
    funding_source = models.CharField(gettext_lazy("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=gettext_lazy("xã (khi hỗ trợ)"), on_delete=models.PROTECT, related_name="+",
        help_text=gettext_lazy("Xã của hộ vào ngày hỗ trợ, để tổng hợp theo xã."),
    )
    note = NFCCharField(gettext_lazy("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người ghi"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(gettext_lazy("ghi lúc"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử ghi nhận hỗ trợ"))

    # An agency sees what it delivered under its own policies; a commune the support its households received.
    scope_agency_field = "policy__agency"
    scope_commune_field = "household__commune"

    class Meta:
        verbose_name = gettext_lazy("hỗ trợ đã thực hiện")
        verbose_name_plural = gettext_lazy("hỗ trợ đã thực hiện")
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

    code = models.CharField(gettext_lazy("mã"), max_length=30, unique=True)
    name = NFCCharField(gettext_lazy("chương trình, nguồn vốn"), max_length=255)
    legal_basis = NFCTextField(gettext_lazy("căn cứ"), blank=True)
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)
    active = models.BooleanField(gettext_lazy("đang áp dụng"), default=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("chương trình, nguồn vốn")
        verbose_name_plural = gettext_lazy("chương trình, nguồn vốn")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class FundAllocation(models.Model):
    """A year's allocation and disbursement under one program and source, for one commune or kept at district
    level (no commune). Entered by the finance–planning office (plan, section IV.2)."""

    year = models.PositiveSmallIntegerField(gettext_lazy("năm"), db_index=True)
    program = models.ForeignKey(FundProgram, verbose_name=gettext_lazy("chương trình"), on_delete=models.PROTECT, related_name="allocations")
    source = models.CharField(gettext_lazy("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=gettext_lazy("xã"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="fund_allocations", help_text=gettext_lazy("Để trống: kinh phí do huyện trực tiếp quản lý."),
    )
    allocated = models.PositiveBigIntegerField(gettext_lazy("kế hoạch vốn phân bổ (đồng)"))
    disbursed = models.PositiveBigIntegerField(gettext_lazy("đã giải ngân (đồng)"), default=0)
    note = NFCCharField(gettext_lazy("ghi chú"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người nhập"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(gettext_lazy("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử phân bổ vốn"))

    scope_commune_field = "commune"

    class Meta:
        verbose_name = gettext_lazy("phân bổ, giải ngân vốn")
        verbose_name_plural = gettext_lazy("phân bổ, giải ngân vốn")
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
