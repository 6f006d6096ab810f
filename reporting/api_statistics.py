"""`GET /api/v1/statistics/poverty/` (docs/api.md): the poverty figures of a year for a unit, from the same selectors as the
dashboards and the Excel reports (`reporting.selectors`), so the three can never disagree.

Parameters: `year` (default: the latest year with official figures in the caller's scope), `unit` (a GSO code; default:
the caller's scope — the whole program area, or a commune officer's commune), `basis` (`official`, the default: reviews
the commune chairman recognised or the district confirmed; `working`: every review of the year), `structure`
(`historical`, the default: the code names the unit in force at the end of the review year and counts its own
reviews; `current`: the unit in force today, with the reviews of the units it succeeded), and the filters of the
dashboard, `ethnic_minority_only` and `area`. A unit outside the caller's scope is a 404.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from households.models import Area

from . import selectors


class StatisticsQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    error_messages={"invalid": "Năm phải là một số nguyên, ví dụ 2025."})
    unit = serializers.CharField(required=False, allow_blank=True, max_length=16)
    basis = serializers.ChoiceField(choices=list(selectors.BASES), required=False, default=selectors.OFFICIAL,
                                    error_messages={"invalid_choice": "Cơ sở số liệu phải là official hoặc working."})
    structure = serializers.ChoiceField(choices=list(selectors.STRUCTURES), required=False, default=selectors.HISTORICAL,
                                        error_messages={"invalid_choice": "Cơ cấu đơn vị phải là historical hoặc current."})
    ethnic_minority_only = serializers.BooleanField(required=False, default=False)
    area = serializers.ChoiceField(choices=[("", "")] + list(Area.choices), required=False, allow_blank=True, default="",
                                   error_messages={"invalid_choice": "Khu vực phải là rural hoặc urban."})


def _counts(name: str) -> dict:
    return {
        "households": serializers.IntegerField(help_text="Số hộ dân cư của đơn vị ngày 31/12 của năm (mẫu số của tỷ lệ), bằng resident_households."),
        "resident_households": serializers.IntegerField(help_text="Số hộ dân cư của đơn vị ngày 31/12 của năm, theo sổ hộ."),
        "resident_persons": serializers.IntegerField(help_text="Số nhân khẩu của các hộ dân cư ngày 31/12 của năm."),
        "persons": serializers.IntegerField(help_text="Số nhân khẩu (bằng resident_persons)."),
        "reviewed_households": serializers.IntegerField(help_text="Số hộ có phiếu rà soát của năm."),
        "poor_persons": serializers.IntegerField(help_text="Số nhân khẩu của hộ nghèo."),
        "near_poor_persons": serializers.IntegerField(help_text="Số nhân khẩu của hộ cận nghèo."),
        "poor_persons_rate": serializers.FloatField(allow_null=True, help_text="Tỷ lệ nhân khẩu hộ nghèo trên số nhân khẩu (%)."),
        "near_poor_persons_rate": serializers.FloatField(allow_null=True, help_text="Tỷ lệ nhân khẩu hộ cận nghèo trên số nhân khẩu (%)."),
        "poor": serializers.IntegerField(help_text="Số hộ nghèo."),
        "near_poor": serializers.IntegerField(help_text="Số hộ cận nghèo."),
        "poor_rate": serializers.FloatField(allow_null=True, help_text="Tỷ lệ hộ nghèo (%, 2 chữ số thập phân)."),
        "near_poor_rate": serializers.FloatField(allow_null=True, help_text="Tỷ lệ hộ cận nghèo (%, 2 chữ số thập phân)."),
        "escaped_poverty": serializers.IntegerField(help_text="Số hộ thoát nghèo trong năm."),
        "newly_poor": serializers.IntegerField(help_text="Số hộ nghèo phát sinh."),
        "fell_back_poor": serializers.IntegerField(help_text="Số hộ tái nghèo."),
    }


EthnicMinorityFigures = inline_serializer(
    "PovertyStatisticsEthnicMinority", _counts("ethnic_minority"),
    help_text="Các số liệu trên, chỉ tính các hộ dân tộc thiểu số (tỷ lệ trên số hộ dân tộc thiểu số).",
)
PovertyStatistics = inline_serializer(
    "PovertyStatistics",
    {
        "year": serializers.IntegerField(help_text="Năm rà soát."),
        "unit": serializers.CharField(allow_null=True, help_text="Mã đơn vị; null: toàn phạm vi của người gọi."),
        "unit_name": serializers.CharField(help_text="Tên đơn vị hoặc phạm vi."),
        "basis": serializers.CharField(help_text="Cơ sở số liệu: official (chính thức) hoặc working (mọi phiếu của năm)."),
        "structure": serializers.CharField(
            help_text="Cơ cấu đơn vị: historical (đơn vị tại thời điểm rà soát) hoặc current (đơn vị hiện nay)."
        ),
        **_counts("all"),
        "ethnic_minority": EthnicMinorityFigures,
        "completeness": inline_serializer("PovertyStatisticsCompleteness", {
            "complete": serializers.BooleanField(help_text="Năm đã rà soát xong: mọi xã đang có hiệu lực trong phạm vi đã công nhận hết phiếu của năm."),
            "households_expected": serializers.IntegerField(help_text="Số hộ cần rà soát: mọi phiếu của năm và các hộ thuộc danh sách năm trước chưa có phiếu."),
            "households_recognised": serializers.IntegerField(help_text="Số hộ đã được Chủ tịch UBND xã công nhận hoặc huyện xác nhận."),
            "households_share": serializers.FloatField(help_text="Tỷ lệ hộ đã công nhận trên số hộ cần rà soát (%)."),
            "reviews": serializers.IntegerField(help_text="Số phiếu rà soát của năm (mọi bước)."),
            "gaps": serializers.IntegerField(help_text="Số hộ thuộc danh sách năm trước chưa có phiếu rà soát của năm."),
            "communes_total": serializers.IntegerField(help_text="Số xã đang có hiệu lực trong phạm vi (theo cơ cấu đã chọn)."),
            "communes_done": serializers.IntegerField(help_text="Số xã đã công nhận hết phiếu của năm."),
        }, help_text="Mức độ hoàn thành rà soát của năm: khi complete là false, số liệu chính thức của năm chưa đầy đủ."),
    },
)


def poverty_statistics(*, user, params: dict) -> dict:
    """The figures of docs/api.md `statistics/poverty/` for validated parameters (also used by tests and the page)."""
    year = params.get("year")
    structure = params.get("structure") or selectors.HISTORICAL
    if year is None:
        own = selectors.statistics_scope(user=user, unit_code=None, year=0, structure=structure)
        info = selectors.years_with_reviews(unit_ids=own.unit_ids, user=user)
        from django.utils import timezone

        # As the pages do: the last year whose review is complete in the caller's scope.
        by_year = selectors.completeness_by_year(years=info["years"], unit_ids=own.unit_ids, user=user, structure=structure)
        year = selectors.latest_complete_year(by_year) or info["latest_official"]() or info["latest"] or timezone.localdate().year
    scope = selectors.statistics_scope(user=user, unit_code=params.get("unit") or None, year=year, structure=structure)
    summary = selectors.poverty_summary(
        year=year, unit_ids=scope.unit_ids, basis=params.get("basis") or selectors.OFFICIAL,
        ethnic_minority_only=bool(params.get("ethnic_minority_only")), area=params.get("area") or None, user=user,
    )
    keys = ("households", "resident_households", "resident_persons", "persons", "reviewed_households", "poor", "near_poor",
            "poor_rate", "near_poor_rate", "poor_persons", "near_poor_persons", "poor_persons_rate", "near_poor_persons_rate",
            "escaped_poverty", "newly_poor", "fell_back_poor")
    unit = scope.unit
    return {
        "year": year,
        "unit": unit.code if unit is not None else None,
        "unit_name": unit.name if unit is not None else "Toàn địa bàn chương trình",
        "basis": summary["basis"],
        "structure": structure,
        **{k: summary[k] for k in keys},
        "ethnic_minority": {k: summary["ethnic_minority"][k] for k in keys},
        "completeness": selectors.completeness(year=year, unit_ids=scope.unit_ids, user=user, structure=structure).as_dict(),
    }


class PovertyStatisticsView(APIView):
    """Số liệu hộ nghèo, hộ cận nghèo của một năm, theo đơn vị (docs/api.md `statistics/poverty/`)."""

    @extend_schema(
        summary="Số liệu hộ nghèo, hộ cận nghèo",
        tags=["Thống kê"],
        parameters=[
            OpenApiParameter("year", int, description="Năm rà soát (mặc định: năm gần nhất đã rà soát xong trong phạm vi của người gọi)."),
            OpenApiParameter("unit", str, description="Mã đơn vị (xã, huyện); mặc định: phạm vi của người gọi."),
            OpenApiParameter("basis", str, enum=list(selectors.BASES), description="Cơ sở số liệu: official (mặc định) hoặc working."),
            OpenApiParameter("structure", str, enum=list(selectors.STRUCTURES), description="Cơ cấu đơn vị: historical (mặc định) hoặc current."),
            OpenApiParameter("ethnic_minority_only", bool, description="Chỉ hộ dân tộc thiểu số."),
            OpenApiParameter("area", str, enum=["rural", "urban"], description="Khu vực: rural | urban."),
        ],
        responses={200: PovertyStatistics},
    )
    def get(self, request):
        query = StatisticsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(poverty_statistics(user=request.user, params=query.validated_data))
