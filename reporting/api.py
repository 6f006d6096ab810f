"""API of reporting on time (docs/api.md): `reports/` (start a generation, poll its state and progress, download the
workbook), `obligations/` (who owes which report; accept or return) and `submissions/` (fill in, submit).

Same rules as the pages: rows through `reporting.access` (on top of `accounts.scoping.scope`, so out of scope is
404), writes through `reporting.services`.
"""
from __future__ import annotations

import django_filters
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.drf import IsAuthenticatedWithRole, year_filter
from accounts.permissions import roles_only

from . import access, figures, services, tasks
from .models import (
    CONTENT_TYPES,
    Attachment,
    Edition,
    GeneratedReport,
    Obligation,
    ObligationState,
    ReportFormat,
    ReportKind,
    ReportState,
    Submission,
    Variant,
)

# --- reports ---------------------------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Loại báo cáo: `annual`, `five_year`, `ten_year`.")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã đơn vị: huyện (toàn địa bàn) hoặc xã.")
    unit_name = serializers.CharField(source="unit.name", read_only=True, help_text="Tên đơn vị.")
    period = serializers.CharField(source="period_label", read_only=True, help_text="Kỳ báo cáo.")
    state = serializers.ChoiceField(choices=ReportState.choices, read_only=True, help_text="Trạng thái: đang chờ, đang lập, hoàn thành, lỗi.")
    progress = serializers.IntegerField(read_only=True, help_text="Tiến độ 0–100.")
    checksum = serializers.CharField(read_only=True, help_text="Mã kiểm tra SHA-256 của tệp (khi đã lập xong).")
    download = serializers.SerializerMethodField(help_text="Đường dẫn tải tệp (khi đã lập xong).")

    class Meta:
        model = GeneratedReport
        fields = [
            "id", "kind", "year", "period", "unit", "unit_name", "variant", "edition", "format", "structure", "version", "state",
            "progress", "message", "error", "checksum", "size", "created_at", "generated_at", "download",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download(self, obj: GeneratedReport) -> str | None:
        if obj.state != "succeeded":
            return None
        request = self.context.get("request")
        path = f"/api/v1/reports/{obj.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=ReportKind.objects.filter(active=True), help_text="`annual`, `five_year` hoặc `ten_year`.")
    year = serializers.IntegerField(min_value=2000, max_value=2100,
                                    help_text="Kỳ báo cáo (năm): năm của báo cáo năm; 2025 cho sơ kết; 2030 cho tổng kết.")
    unit = serializers.CharField(required=False, allow_blank=True, help_text="Mã đơn vị: mã huyện (mặc định, toàn địa bàn) hoặc mã xã.")
    variant = serializers.ChoiceField(choices=Variant.choices, default=Variant.DRAFT, help_text="`draft` dự thảo hoặc `final` chính thức.")
    edition = serializers.ChoiceField(
        choices=Edition.choices, required=False,
        help_text="`summary` chỉ các biểu tổng hợp; `full` kèm danh sách hộ (chỉ vai trò được xem dữ liệu cá nhân). Mặc định: full nếu được phép.",
    )
    structure = serializers.ChoiceField(
        choices=["historical", "current"], required=False,
        help_text="Cơ cấu đơn vị: `historical` theo đơn vị tại thời điểm rà soát, `current` quy đổi theo đơn vị hiện nay. Mặc định: tự chọn theo năm.",
    )
    format = serializers.ChoiceField(
        choices=ReportFormat.choices, default=ReportFormat.XLSX,
        help_text="`xlsx` (mặc định) các biểu tổng hợp; `docx` dự thảo báo cáo Word để biên tập.",
    )


class ReportFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(field_name="kind__code", help_text="Loại báo cáo.")
    year = year_filter(help_text="Kỳ báo cáo (năm).")
    unit = django_filters.CharFilter(field_name="unit__code", help_text="Mã đơn vị.")
    variant = django_filters.ChoiceFilter(choices=Variant.choices, help_text="Dự thảo hoặc chính thức.")
    state = django_filters.ChoiceFilter(choices=ReportState.choices, help_text="Trạng thái.")

    class Meta:
        model = GeneratedReport
        # No `format` filter: `?format=` is DRF's renderer override (`?format=json`); the list shows each row's format.
        fields = ["kind", "year", "unit", "variant", "state"]


@extend_schema_view(
    list=extend_schema(summary="Các báo cáo tổng hợp đã lập", tags=["Báo cáo"]),
    retrieve=extend_schema(summary="Trạng thái, tiến độ và mã kiểm tra của một báo cáo", tags=["Báo cáo"]),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticatedWithRole, roles_only(*access.REPORT_READER_ROLES)]  # as the pages
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return access.reports_for(self.request.user).select_related("kind", "unit").order_by("-year", "kind__order", "unit__code", "-version")

    @extend_schema(
        summary="Bắt đầu lập một báo cáo tổng hợp", tags=["Báo cáo"], request=ReportRequestSerializer,
        responses={202: ReportSerializer},
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        if not access.can_request_reports(user):
            raise PermissionDenied("Vai trò của bạn không lập báo cáo tổng hợp.")
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        kind, year = v["kind"], v["year"]
        unit = services.resolve_report_unit(code=v.get("unit") or "", kind=kind, year=year)
        edition = v.get("edition") or (Edition.FULL if user.sees_personal_data else Edition.SUMMARY)
        report = services.report_request(
            kind=kind, year=year, unit=unit, variant=v["variant"], edition=edition, user=user,
            structure=v.get("structure") or None, format=v["format"],
        )
        tasks.report_enqueue(report)
        return Response(ReportSerializer(report, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Tải tệp của báo cáo (Excel hoặc Word)", tags=["Báo cáo"],
        responses={(200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY, (200, CONTENT_TYPES["docx"]): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        if report.state != "succeeded" or not report.file:
            raise Http404("Báo cáo chưa lập xong.")
        try:
            handle = report.file.open("rb")
        except FileNotFoundError:
            raise Http404("Không tìm thấy tệp báo cáo.")
        services.download_record(report=report, user=request.user, request=request, via_api=True)
        response = FileResponse(handle, as_attachment=True, filename=report.filename, content_type=report.content_type)
        response["X-Checksum-SHA256"] = report.checksum
        return response


# --- obligations ------------------------------------------------------------------------------------------


class ObligationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="deadline.kind.code", read_only=True, help_text="Loại báo cáo.")
    year = serializers.IntegerField(source="deadline.year", read_only=True, help_text="Kỳ báo cáo (năm).")
    period = serializers.CharField(source="deadline.label", read_only=True, help_text="Kỳ báo cáo.")
    due_date = serializers.DateField(source="deadline.due_date", read_only=True, help_text="Hạn: nộp trước ngày này.")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True, help_text="Mã xã phải báo cáo (nếu là xã).")
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True, help_text="Mã cơ quan phải báo cáo (nếu là cơ quan).")
    owner_name = serializers.CharField(read_only=True, help_text="Tên đơn vị phải báo cáo.")
    status_label = serializers.CharField(read_only=True, help_text="Trạng thái bằng lời (đúng hạn, muộn…).")
    submission = serializers.SerializerMethodField(help_text="Mã báo cáo đã gửi (nếu có).")

    class Meta:
        model = Obligation
        fields = [
            "id", "kind", "year", "period", "due_date", "commune", "agency", "owner_name", "state", "status_label",
            "on_time", "first_submitted_at", "submitted_at", "return_reason", "submission",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_submission(self, obj: Obligation) -> int | None:
        sub = getattr(obj, "submission", None) if hasattr(obj, "submission") else None
        return sub.pk if sub else None


class ObligationFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(field_name="deadline__kind__code", help_text="Loại báo cáo.")
    year = year_filter(field_name="deadline__year", help_text="Kỳ báo cáo (năm).")
    unit = django_filters.CharFilter(field_name="commune__code", help_text="Mã xã.")
    agency = django_filters.CharFilter(field_name="agency__code", help_text="Mã cơ quan.")
    state = django_filters.ChoiceFilter(choices=ObligationState.choices, help_text="Trạng thái.")

    class Meta:
        model = Obligation
        fields = ["kind", "year", "unit", "agency", "state"]


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Lý do trả lại để đơn vị sửa.")


@extend_schema_view(
    list=extend_schema(summary="Các báo cáo định kỳ phải nộp", tags=["Báo cáo định kỳ"]),
    retrieve=extend_schema(summary="Một báo cáo định kỳ phải nộp", tags=["Báo cáo định kỳ"]),
)
class ObligationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticatedWithRole, roles_only(*access.OBLIGATION_ROLES)]  # as the pages
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilter
    search_fields = ["commune__name", "agency__name"]

    def get_queryset(self):
        return (
            access.obligations_for(self.request.user)
            .select_related("deadline__kind", "commune", "agency", "submission")
            .order_by("-deadline__due_date", "commune__code", "agency__plan_item")
        )

    @extend_schema(summary="Tiếp nhận báo cáo đã nộp", tags=["Báo cáo định kỳ"], request=None, responses={200: ObligationSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        obligation = self.get_object()
        if not access.can_review(request.user):
            raise PermissionDenied("Chỉ Phòng Lao động - TB&XH tiếp nhận báo cáo.")
        obligation = services.obligation_accept(obligation=obligation, user=request.user)
        return Response(ObligationSerializer(obligation, context={"request": request}).data)

    @extend_schema(summary="Trả lại báo cáo để sửa (kèm lý do)", tags=["Báo cáo định kỳ"], request=ReturnSerializer, responses={200: ObligationSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        obligation = self.get_object()
        if not access.can_review(request.user):
            raise PermissionDenied("Chỉ Phòng Lao động - TB&XH trả lại báo cáo.")
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obligation = services.obligation_return(obligation=obligation, user=request.user, reason=data.validated_data["reason"])
        return Response(ObligationSerializer(obligation, context={"request": request}).data)


# --- submissions ------------------------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Đường dẫn tải (qua trang có kiểm tra quyền).")

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Attachment) -> str:
        from django.urls import reverse

        return reverse("reporting:attachment_download", args=[obj.submission.obligation_id, obj.pk])


class SubmissionSerializer(serializers.ModelSerializer):
    obligation = serializers.PrimaryKeyRelatedField(queryset=Obligation.objects.none(), help_text="Mã báo cáo phải nộp.")
    figures = serializers.SerializerMethodField(
        help_text="Số liệu tính từ hệ thống (chốt khi nộp): key, label, value, fmt. Trong danh sách: chỉ số liệu đã chốt."
    )
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, help_text="Ý kiến về từng số liệu: {key: nội dung}.")
    narrative = serializers.CharField(required=False, allow_blank=True, help_text="Kết quả thực hiện, đánh giá.")
    proposals = serializers.CharField(required=False, allow_blank=True, help_text="Khó khăn, vướng mắc và đề xuất.")
    version = serializers.IntegerField(required=False, help_text="Phiên bản đã đọc; gửi lại khi sửa.")
    state = serializers.CharField(source="obligation.state", read_only=True, help_text="Trạng thái của báo cáo.")
    attachments = AttachmentSerializer(many=True, read_only=True, help_text="Tệp đính kèm của báo cáo.")

    class Meta:
        model = Submission
        fields = ["id", "obligation", "state", "figures", "figures_at", "comments", "narrative", "proposals", "version", "attachments", "updated_at"]
        read_only_fields = ["id", "state", "figures", "figures_at", "attachments", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["obligation"].queryset = access.obligations_for(request.user)
        return fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_figures(self, obj: Submission) -> list[dict]:
        """Frozen figures once submitted; while a draft, computed now — in a single report only (a list shows what was
        frozen, so its cost does not grow with its rows)."""
        view = self.context.get("view")
        if view is not None and getattr(view, "action", None) == "list":
            return obj.figures
        if obj.obligation.is_open or not obj.figures:
            return figures.obligation_figures(obligation=obj.obligation)
        return obj.figures


@extend_schema_view(
    list=extend_schema(summary="Các báo cáo đã gửi hoặc đang soạn", tags=["Báo cáo định kỳ"]),
    retrieve=extend_schema(summary="Một báo cáo: số liệu, ý kiến, nội dung, tệp đính kèm", tags=["Báo cáo định kỳ"]),
    create=extend_schema(summary="Lưu bản nháp báo cáo (tạo mới hoặc cập nhật theo báo cáo phải nộp)", tags=["Báo cáo định kỳ"]),
    partial_update=extend_schema(summary="Sửa bản nháp (gửi kèm version)", tags=["Báo cáo định kỳ"]),
)
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticatedWithRole, roles_only(*access.OBLIGATION_ROLES)]  # as the pages
    serializer_class = SubmissionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            access.submissions_for(self.request.user)
            .select_related("obligation__deadline__kind", "obligation__commune", "obligation__agency")
            .prefetch_related("attachments__submission")
            .order_by("-updated_at", "-id")
        )

    def _save(self, obligation: Obligation, data: dict, instance: Submission | None) -> Submission:
        if not access.is_owner(self.request.user, obligation):
            raise PermissionDenied("Bạn không phải là người có trách nhiệm nộp báo cáo này.")
        current = instance
        return services.submission_save(
            obligation=obligation, user=self.request.user,
            narrative=data.get("narrative", current.narrative if current else ""),
            proposals=data.get("proposals", current.proposals if current else ""),
            comments=data.get("comments", current.comments if current else {}),
            version=data.get("version"),
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obligation = serializer.validated_data["obligation"]
        existing = Submission.objects.filter(obligation=obligation).first()
        submission = self._save(obligation, serializer.validated_data, existing)
        return Response(
            SubmissionSerializer(submission, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        submission = self._save(instance.obligation, serializer.validated_data, instance)
        return Response(SubmissionSerializer(submission, context=self.get_serializer_context()).data)

    @extend_schema(summary="Nộp báo cáo (số liệu được chốt)", tags=["Báo cáo định kỳ"], request=None, responses={200: ObligationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = self.get_object()
        if not access.is_owner(request.user, submission.obligation):
            raise PermissionDenied("Bạn không phải là người có trách nhiệm nộp báo cáo này.")
        obligation = services.submission_submit(obligation=submission.obligation, user=request.user)
        return Response(ObligationSerializer(obligation, context={"request": request}).data)
