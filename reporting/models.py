"""Reporting on time: report kinds and their deadlines, who owes which report (obligations), submissions with
their attachments, in-app notifications, the generated district reports and the log of their downloads.

The reporting regime is section V of the district's plan: agencies and the communes report to the district
people's committee, through the labour office, "before 10 December" every year; the five-year review before
15 September 2025; the ten-year review before 15 September 2030. The kinds and their due-date rules are data
(admin, data migration), so a new kind of report is a row, not code.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from households.fields import NFCCharField, NFCTextField
from households.structure import Structure


class Recurrence(models.TextChoices):
    YEARLY = "yearly", gettext_lazy("Hằng năm")
    ONCE = "once", gettext_lazy("Một lần (sơ kết, tổng kết)")


class ReportKind(models.Model):
    """A kind of periodic report with its due-date rule.

    Yearly kinds are due on `due_month`/`due_day` of each year from `first_year` to `last_year`; a one-off kind
    (five-year, ten-year review) is due on `due_date` and covers the years `first_year`…`last_year`.
    The plan writes "trước ngày 10/12": the due date is the day named, and a report is on time when it arrives
    before that day begins (local time, Asia/Ho_Chi_Minh).
    """

    code = models.CharField(gettext_lazy("mã"), max_length=20, unique=True, help_text="annual, five_year, ten_year, …")
    name = NFCCharField(gettext_lazy("tên báo cáo"), max_length=160)
    short_name = NFCCharField(gettext_lazy("tên ngắn"), max_length=60, blank=True)
    recurrence = models.CharField(gettext_lazy("định kỳ"), max_length=10, choices=Recurrence.choices, default=Recurrence.YEARLY)
    due_month = models.PositiveSmallIntegerField(gettext_lazy("tháng hạn nộp (hằng năm)"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(gettext_lazy("ngày hạn nộp (hằng năm)"), null=True, blank=True)
    due_date = models.DateField(gettext_lazy("hạn nộp (một lần)"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(gettext_lazy("từ năm"))
    last_year = models.PositiveSmallIntegerField(gettext_lazy("đến năm"))
    legal_basis = NFCCharField(gettext_lazy("căn cứ"), max_length=255, blank=True)
    active = models.BooleanField(gettext_lazy("đang áp dụng"), default=True)
    order = models.PositiveSmallIntegerField(gettext_lazy("thứ tự"), default=0)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("loại báo cáo")
        verbose_name_plural = gettext_lazy("loại báo cáo")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="report_kind_years_ordered"),
            models.CheckConstraint(
                condition=(
                    Q(recurrence="yearly", due_month__isnull=False, due_day__isnull=False)
                    | Q(recurrence="once", due_date__isnull=False)
                ),
                name="report_kind_has_due_rule",
                violation_error_message="Báo cáo hằng năm cần ngày và tháng hạn nộp; báo cáo một lần cần ngày hạn nộp.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def period_years(self) -> list[int]:
        """The years that have a deadline of this kind (the year a one-off report is due)."""
        if self.recurrence == Recurrence.ONCE:
            return [self.due_date.year] if self.due_date else []
        return list(range(self.first_year, self.last_year + 1))

    def due_on(self, year: int) -> dt.date | None:
        """The due date of the period `year`, or None if the kind has no period that year."""
        if year not in self.period_years():
            return None
        if self.recurrence == Recurrence.ONCE:
            return self.due_date
        return dt.date(year, self.due_month, self.due_day)

    def covers(self, year: int) -> tuple[int, int]:
        """The review years a report of period `year` covers: the year itself, or the whole stage."""
        if self.recurrence == Recurrence.ONCE:
            return self.first_year, self.last_year
        return year, year

    def period_label(self, year: int) -> str:
        first, last = self.covers(year)
        return gettext("Năm %(year)s") % {"year": year} if first == last else gettext("Giai đoạn %(first)s–%(last)s") % {"first": first, "last": last}


class ChainScope(models.TextChoices):
    COMMUNE = "commune", gettext_lazy("Báo cáo của xã")
    AREA = "area", gettext_lazy("Báo cáo tổng hợp toàn địa bàn")


class ReportingChain(models.Model):
    """Who issues a report and where it goes, over a period: the header block, the signature, the recipients, the
    office that compiles, and whether the communes make their own reports (`reporting/data/reporting_chain.yaml`).

    Data with validity dates because the 2025 reform changed the chain: until 30 June 2025 the communes reported to
    the district's people's committee through its labour office, which reported to the province; from 1 July 2025
    (no district level) each commune's people's committee reports to the province itself, and the summary of the
    former district's territory is compiled by whoever now holds the district office's role. A report follows the
    row in force on its due date (`reporting.chain.chain_for`)."""

    code = models.CharField(gettext_lazy("mã"), max_length=30, unique=True)
    scope = models.CharField(gettext_lazy("loại báo cáo"), max_length=8, choices=ChainScope.choices)
    valid_from = models.DateField(gettext_lazy("áp dụng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(gettext_lazy("áp dụng đến ngày"), null=True, blank=True)
    issuer_top = NFCCharField(gettext_lazy("cơ quan chủ quản (dòng trên)"), max_length=120, blank=True)
    issuer_name = NFCCharField(gettext_lazy("cơ quan ban hành"), max_length=120, help_text=gettext_lazy("{unit}: tên đơn vị báo cáo, chữ in hoa."))
    area_label = NFCCharField(gettext_lazy("tên địa bàn trong tiêu đề"), max_length=120, default="{unit}")
    number_suffix = models.CharField(gettext_lazy("ký hiệu văn bản"), max_length=20, default="BC-UBND")
    signer_for = NFCCharField(gettext_lazy("thẩm quyền ký"), max_length=60)
    signer_title = NFCCharField(gettext_lazy("chức vụ người ký"), max_length=60)
    recipients = NFCTextField(gettext_lazy("nơi nhận"), blank=True, help_text=gettext_lazy("Phân cách bằng dấu chấm phẩy."))
    compiler = NFCCharField(gettext_lazy("cơ quan tổng hợp"), max_length=160, blank=True)
    place = NFCCharField(
        gettext_lazy("địa danh ghi ngày tháng"), max_length=60, blank=True,
        help_text=gettext_lazy("Nơi ban hành trên dòng ngày tháng; để trống: tên đơn vị báo cáo."),
    )
    communes_report_themselves = models.BooleanField(gettext_lazy("xã tự lập báo cáo"), default=False)
    basis_note = NFCTextField(gettext_lazy("ghi chú căn cứ số liệu"), blank=True)
    note = NFCTextField(gettext_lazy("ghi chú"), blank=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("chế độ báo cáo (cơ quan ban hành, nơi nhận)")
        verbose_name_plural = gettext_lazy("chế độ báo cáo (cơ quan ban hành, nơi nhận)")
        ordering = ["scope", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="reporting_chain_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "…"
        return f"{self.get_scope_display()} ({start} – {end})"


class ReportingDeadline(models.Model):
    """One period of a kind (the annual report of 2025, the five-year review 2021–2025) and its due date.

    Created automatically (`reporting.services.deadlines_ensure`); the district may move a due date in the admin.
    """

    kind = models.ForeignKey(ReportKind, verbose_name=gettext_lazy("loại báo cáo"), on_delete=models.PROTECT, related_name="deadlines")
    year = models.PositiveSmallIntegerField(gettext_lazy("kỳ (năm)"))
    first_year = models.PositiveSmallIntegerField(gettext_lazy("số liệu từ năm"))
    last_year = models.PositiveSmallIntegerField(gettext_lazy("số liệu đến năm"))
    due_date = models.DateField(gettext_lazy("hạn nộp"), help_text=gettext_lazy("Báo cáo đúng hạn khi nộp trước ngày này."))
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)

    scope_public = True

    class Meta:
        verbose_name = gettext_lazy("kỳ báo cáo")
        verbose_name_plural = gettext_lazy("kỳ báo cáo")
        ordering = ["-due_date", "kind__order"]
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="deadline_kind_year_unique")]

    def __str__(self) -> str:
        return f"{self.kind.name} – {self.label}"

    @property
    def label(self) -> str:
        return gettext("Năm %(year)s") % {"year": self.year} if self.first_year == self.last_year else gettext("Giai đoạn %(first)s–%(last)s") % {"first": self.first_year, "last": self.last_year}


class ObligationState(models.TextChoices):
    NOT_STARTED = "not_started", gettext_lazy("Chưa thực hiện")
    DRAFT = "draft", gettext_lazy("Đang soạn")
    SUBMITTED = "submitted", gettext_lazy("Đã nộp")
    ACCEPTED = "accepted", gettext_lazy("Đã tiếp nhận")
    RETURNED = "returned", gettext_lazy("Trả lại để sửa")


# Obligations still owed (reminders go to their officers).
OPEN_STATES = (ObligationState.NOT_STARTED, ObligationState.DRAFT, ObligationState.RETURNED)


class Obligation(models.Model):
    """Who owes one report of one period: a commune (its people's committee) or an agency, never both."""

    deadline = models.ForeignKey(ReportingDeadline, verbose_name=gettext_lazy("kỳ báo cáo"), on_delete=models.CASCADE, related_name="obligations")
    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=gettext_lazy("xã"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "programs.Agency", verbose_name=gettext_lazy("cơ quan"), on_delete=models.PROTECT, null=True, blank=True, related_name="report_obligations"
    )
    state = models.CharField(gettext_lazy("trạng thái"), max_length=12, choices=ObligationState.choices, default=ObligationState.NOT_STARTED, db_index=True)
    first_submitted_at = models.DateTimeField(gettext_lazy("nộp lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(gettext_lazy("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người nộp"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    on_time = models.BooleanField(gettext_lazy("đúng hạn"), null=True, blank=True, help_text=gettext_lazy("Theo lần nộp đầu tiên."))
    decided_at = models.DateTimeField(gettext_lazy("tiếp nhận/trả lại lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người tiếp nhận/trả lại"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    return_reason = NFCTextField(gettext_lazy("lý do trả lại"), blank=True)
    moved_from = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=gettext_lazy("chuyển từ xã (sáp nhập)"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(gettext_lazy("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử nghĩa vụ báo cáo"))

    scope_commune_field = "commune"
    scope_agency_field = "agency"

    class Meta:
        verbose_name = gettext_lazy("nghĩa vụ báo cáo")
        verbose_name_plural = gettext_lazy("nghĩa vụ báo cáo")
        ordering = ["deadline", "commune__code", "agency__plan_item"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(commune__isnull=False, agency__isnull=True) | Q(commune__isnull=True, agency__isnull=False)),
                name="obligation_commune_xor_agency",
                violation_error_message="Nghĩa vụ báo cáo thuộc về một xã hoặc một cơ quan.",
            ),
            models.UniqueConstraint(fields=["deadline", "commune"], condition=Q(commune__isnull=False), name="obligation_commune_unique"),
            models.UniqueConstraint(fields=["deadline", "agency"], condition=Q(agency__isnull=False), name="obligation_agency_unique"),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="obligation_returned_has_reason",
                violation_error_message="Trả lại báo cáo phải nêu lý do.",
            ),
        ]
        indexes = [models.Index(fields=["deadline", "state"])]

    def __str__(self) -> str:
        return f"{self.owner_name} – {self.deadline}"

    @property
    def owner_name(self) -> str:
        if self.commune_id:
            return self.commune.name
        return self.agency.name if self.agency_id else ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def status_label(self) -> str:
        """"Đã nộp đúng hạn" / "Đã nộp muộn" for submitted reports, the state's name otherwise."""
        if self.state == ObligationState.SUBMITTED and self.on_time is not None:
            return gettext("Đã nộp đúng hạn") if self.on_time else gettext("Đã nộp muộn")
        return self.get_state_display()

    @property
    def badge(self) -> str:
        return {
            ObligationState.NOT_STARTED: "",
            ObligationState.DRAFT: "badge-info",
            ObligationState.SUBMITTED: "badge-ok" if self.on_time else "badge-warn",
            ObligationState.ACCEPTED: "badge-ok",
            ObligationState.RETURNED: "badge-bad",
        }[self.state]


class Submission(models.Model):
    """The report a commune or agency sends: computed figures (frozen when submitted; never typed), the
    submitter's comments on them, a narrative, and attachments."""

    obligation = models.OneToOneField(Obligation, verbose_name=gettext_lazy("nghĩa vụ báo cáo"), on_delete=models.CASCADE, related_name="submission")
    figures = models.JSONField(gettext_lazy("số liệu (chốt khi nộp)"), default=list, blank=True)
    figures_at = models.DateTimeField(gettext_lazy("số liệu tính lúc"), null=True, blank=True)
    comments = models.JSONField(gettext_lazy("ý kiến về số liệu"), default=dict, blank=True, help_text='{"poor": "…"}')
    narrative = NFCTextField(gettext_lazy("nội dung báo cáo"), blank=True)
    proposals = NFCTextField(gettext_lazy("khó khăn, đề xuất"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người tạo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("sửa lúc"), auto_now=True)
    version = models.PositiveIntegerField(gettext_lazy("phiên bản"), default=1)
    history = HistoricalRecords(verbose_name=gettext_lazy("lịch sử báo cáo"))

    scope_commune_field = "obligation__commune"
    scope_agency_field = "obligation__agency"

    class Meta:
        verbose_name = gettext_lazy("báo cáo đã gửi")
        verbose_name_plural = gettext_lazy("báo cáo đã gửi")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return str(self.obligation)


def attachment_path(instance: "Attachment", filename: str) -> str:
    ob = instance.submission.obligation
    return f"reporting/attachments/{ob.deadline.kind.code}/{ob.deadline.year}/{ob.pk}/{filename}"


class Attachment(models.Model):
    """A file attached to a submission; served only through the scoped download view, never from MEDIA_URL."""

    submission = models.ForeignKey(Submission, verbose_name=gettext_lazy("báo cáo"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(gettext_lazy("tệp"), upload_to=attachment_path, max_length=300)
    name = NFCCharField(gettext_lazy("tên tệp"), max_length=200)
    size = models.PositiveIntegerField(gettext_lazy("dung lượng (byte)"), default=0)
    content_type = models.CharField(gettext_lazy("kiểu tệp"), max_length=100, blank=True)
    sha256 = models.CharField(gettext_lazy("mã kiểm tra SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người tải lên"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(gettext_lazy("tải lên lúc"), auto_now_add=True)

    scope_commune_field = "submission__obligation__commune"
    scope_agency_field = "submission__obligation__agency"

    class Meta:
        verbose_name = gettext_lazy("tệp đính kèm")
        verbose_name_plural = gettext_lazy("tệp đính kèm")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", gettext_lazy("Nhắc hạn")
    OVERDUE = "overdue", gettext_lazy("Quá hạn")
    RETURNED = "returned", gettext_lazy("Trả lại báo cáo")
    ACCEPTED = "accepted", gettext_lazy("Tiếp nhận báo cáo")
    SUBMITTED = "submitted", gettext_lazy("Có báo cáo mới")
    REPORT_READY = "report_ready", gettext_lazy("Báo cáo tổng hợp đã lập")


class Notification(models.Model):
    """An in-app notification for one user. `key` makes each notice once only (a reminder per obligation and day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người nhận"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(gettext_lazy("loại"), max_length=14, choices=NotificationKind.choices)
    key = models.CharField(gettext_lazy("khóa chống trùng"), max_length=120)
    title = NFCCharField(gettext_lazy("tiêu đề"), max_length=200)
    body = NFCTextField(gettext_lazy("nội dung"), blank=True)
    url = models.CharField(gettext_lazy("liên kết"), max_length=300, blank=True)
    obligation = models.ForeignKey(Obligation, verbose_name=gettext_lazy("nghĩa vụ báo cáo"), on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    created_at = models.DateTimeField(gettext_lazy("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(gettext_lazy("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(gettext_lazy("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("thông báo")
        verbose_name_plural = gettext_lazy("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Variant(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Dự thảo")
    FINAL = "final", gettext_lazy("Chính thức")


class Edition(models.TextChoices):
    SUMMARY = "summary", gettext_lazy("Biểu tổng hợp")
    FULL = "full", gettext_lazy("Biểu tổng hợp và danh sách hộ")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", gettext_lazy("Bảng tính Excel (các biểu tổng hợp)")
    DOCX = "docx", gettext_lazy("Báo cáo Word (dự thảo để biên tập)")


class ReportState(models.TextChoices):
    PENDING = "pending", gettext_lazy("Đang chờ")
    RUNNING = "running", gettext_lazy("Đang lập")
    SUCCEEDED = "succeeded", gettext_lazy("Hoàn thành")
    FAILED = "failed", gettext_lazy("Lỗi")


class Trigger(models.TextChoices):
    MANUAL = "manual", gettext_lazy("Lập theo yêu cầu")
    SCHEDULE = "schedule", gettext_lazy("Lập theo lịch")
    DEMO = "demo", gettext_lazy("Dữ liệu mẫu")


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def report_path(instance: "GeneratedReport", filename: str) -> str:  # kept for the FileField's deconstruction
    return f"reporting/reports/{filename}"


class GeneratedReport(models.Model):
    """One generated workbook: a kind, a period, a scope (the district or one commune), a version.

    A succeeded report never changes (its file is written once, atomically, under a name carrying its version);
    regenerating makes the next version. The `full` edition carries the list of households (personal data) and is
    served only to roles that see personal data; the `summary` edition is what the province downloads.
    """

    kind = models.ForeignKey(ReportKind, verbose_name=gettext_lazy("loại báo cáo"), on_delete=models.PROTECT, related_name="generated")
    year = models.PositiveSmallIntegerField(gettext_lazy("kỳ (năm)"))
    unit = models.ForeignKey("households.AdministrativeUnit", verbose_name=gettext_lazy("phạm vi"), on_delete=models.PROTECT, related_name="+")
    variant = models.CharField(gettext_lazy("bản"), max_length=6, choices=Variant.choices, default=Variant.DRAFT)
    edition = models.CharField(gettext_lazy("nội dung"), max_length=8, choices=Edition.choices, default=Edition.SUMMARY)
    structure = models.CharField(
        gettext_lazy("cơ cấu đơn vị hành chính"), max_length=10, choices=Structure.choices, default=Structure.HISTORICAL,
        help_text=gettext_lazy("Theo đơn vị tại thời điểm rà soát, hoặc quy đổi theo đơn vị hành chính hiện nay."),
    )
    format = models.CharField(gettext_lazy("định dạng"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.XLSX)
    version = models.PositiveIntegerField(gettext_lazy("phiên bản"), default=1)
    state = models.CharField(gettext_lazy("trạng thái"), max_length=10, choices=ReportState.choices, default=ReportState.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(gettext_lazy("tiến độ (%)"), default=0)
    message = NFCCharField(gettext_lazy("thông báo"), max_length=255, blank=True)
    error = NFCTextField(gettext_lazy("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("số lần chạy"), default=0)
    trigger = models.CharField(gettext_lazy("lập do"), max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    trigger_key = models.CharField(gettext_lazy("khóa lịch"), max_length=60, blank=True, help_text=gettext_lazy("Một lần chạy theo lịch chỉ tạo một báo cáo."))
    file = models.FileField(gettext_lazy("tệp"), upload_to=report_path, max_length=300, blank=True)
    checksum = models.CharField(gettext_lazy("mã kiểm tra SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(gettext_lazy("dung lượng (byte)"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người yêu cầu"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(gettext_lazy("bắt đầu"), null=True, blank=True)
    generated_at = models.DateTimeField(gettext_lazy("lập xong lúc"), null=True, blank=True)

    scope_commune_field = "unit"

    class Meta:
        verbose_name = gettext_lazy("báo cáo tổng hợp")
        verbose_name_plural = gettext_lazy("báo cáo tổng hợp")
        ordering = ["-year", "kind__order", "unit__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "unit", "variant", "edition", "format", "version"], name="generated_report_version_unique"),
            models.UniqueConstraint(
                fields=["kind", "year", "unit", "variant", "edition", "format", "trigger_key"], condition=~Q(trigger_key=""),
                name="generated_report_once_per_schedule_run",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="generated_report_progress_0_100"),
        ]
        indexes = [models.Index(fields=["kind", "year", "unit"])]

    def __str__(self) -> str:
        return f"{self.kind.name} {self.period_label} – {self.unit.name} ({self.get_variant_display()}, v{self.version})"

    @property
    def period_label(self) -> str:
        return self.kind.period_label(self.year)

    @property
    def short_title(self) -> str:
        """"Báo cáo năm 2026", "Sơ kết 5 năm giai đoạn 2021–2025": the kind's short name and its period, the period's
        first word dropped where the name already ends with it (not "Báo cáo năm năm 2026")."""
        name = self.kind.short_name or self.kind.name
        period = self.period_label[:1].lower() + self.period_label[1:]
        first, _, rest = period.partition(" ")
        if rest and name.lower().endswith(" " + first):
            period = rest
        return f"{name} {period}"

    @property
    def personal_data(self) -> bool:
        return self.edition == Edition.FULL

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.format, CONTENT_TYPES["xlsx"])

    @property
    def done(self) -> bool:
        return self.state in (ReportState.SUCCEEDED, ReportState.FAILED)

    @property
    def filename(self) -> str:
        """The name offered to the browser: ASCII, readable, unique per version."""
        return (
            f"bao-cao-{self.kind.code.replace('_', '-')}-{self.year}-{self.unit.code}-"
            f"{'chinh-thuc' if self.variant == Variant.FINAL else 'du-thao'}"
            f"{'-danh-sach-ho' if self.edition == Edition.FULL else ''}-v{self.version}.{self.format or 'xlsx'}"
        )


class DownloadLog(models.Model):
    """Every download of a generated report or an attachment: who, when, from where, which content."""

    report = models.ForeignKey(GeneratedReport, verbose_name=gettext_lazy("báo cáo"), on_delete=models.PROTECT, null=True, blank=True, related_name="downloads")
    attachment = models.ForeignKey(Attachment, verbose_name=gettext_lazy("tệp đính kèm"), on_delete=models.SET_NULL, null=True, blank=True, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("người tải"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(gettext_lazy("lúc"), auto_now_add=True)
    ip = models.GenericIPAddressField(gettext_lazy("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(gettext_lazy("trình duyệt"), max_length=255, blank=True)
    checksum = models.CharField(gettext_lazy("mã kiểm tra"), max_length=64, blank=True)
    via_api = models.BooleanField("qua API", default=False)

    class Meta:
        verbose_name = gettext_lazy("lượt tải")
        verbose_name_plural = gettext_lazy("nhật ký tải báo cáo")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} – {self.report or self.attachment} ({self.at:%d/%m/%Y %H:%M})"
