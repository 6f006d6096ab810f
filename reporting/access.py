"""Who may do what with obligations, submissions and generated reports.

Visibility of rows is always `accounts.scoping.scope` first; these rules narrow it by role, never widen it:
- obligations and submissions: the owner (the commune's officers, the agency's officers) fills in and submits;
  the district office (labour office) sees all, accepts or returns; the province does not work with them;
- generated reports: the district office requests them for any unit; from 1 July 2025 (the reporting chain in
  force on the report's due date, `reporting.chain`) a commune's people's committee reports itself, so a commune
  officer requests their own commune's reports; the district office and the province download them (the province
  only the summary edition: the household list is personal data, Decree 13/2023/NĐ-CP and the Law on Personal Data
  Protection 91/2025/QH15 — access only where the task needs it); a commune officer downloads the reports made for
  their own commune; agencies have no generated reports.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.permissions import has_role
from accounts.scoping import scope

from .chain import communes_report_themselves
from .models import Attachment, Edition, GeneratedReport, Obligation, Submission

# Pages and endpoints: which roles may use them at all.
OBLIGATION_ROLES = (Role.COMMUNE_OFFICER, Role.AGENCY_OFFICER, Role.DISTRICT_OFFICER)
REVIEWER_ROLES = (Role.DISTRICT_OFFICER,)
REPORT_READER_ROLES = (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER)
REPORT_MAKER_ROLES = (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER)
AREA_REPORT_MAKER_ROLES = (Role.DISTRICT_OFFICER,)
DOWNLOAD_CENTRE_ROLES = (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER)


def obligations_for(user: User) -> QuerySet[Obligation]:
    if not has_role(user, *OBLIGATION_ROLES):
        return Obligation.objects.none()
    return scope(user, Obligation.objects.all())


def submissions_for(user: User) -> QuerySet[Submission]:
    if not has_role(user, *OBLIGATION_ROLES):
        return Submission.objects.none()
    return scope(user, Submission.objects.all())


def attachments_for(user: User) -> QuerySet[Attachment]:
    if not has_role(user, *OBLIGATION_ROLES):
        return Attachment.objects.none()
    return scope(user, Attachment.objects.all())


def is_owner(user: User, obligation: Obligation) -> bool:
    """The officers who owe the report: the commune's officers (or an administrator), or the agency's."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if obligation.commune_id:
        return user.role == Role.COMMUNE_OFFICER and obligations_for(user).filter(pk=obligation.pk).exists()
    return user.role == Role.AGENCY_OFFICER and user.agency_id == obligation.agency_id


def can_review(user: User) -> bool:
    """Accept or return submitted reports: the labour office compiles them (plan, section V)."""
    return has_role(user, *REVIEWER_ROLES)


def reports_for(user: User) -> QuerySet[GeneratedReport]:
    """The generated reports a user may see and download."""
    if not has_role(user, *REPORT_READER_ROLES):
        return GeneratedReport.objects.none()
    qs = scope(user, GeneratedReport.objects.all())
    if not user.sees_personal_data:
        qs = qs.exclude(edition=Edition.FULL)
    return qs


def can_request_reports(user: User) -> bool:
    """May ask for some report (the page and the endpoint): the district office, or a commune officer (for their
    own commune, when the chain in force lets the communes report themselves: `report_refusal`)."""
    return has_role(user, *REPORT_MAKER_ROLES)


def can_request_any_unit(user: User) -> bool:
    """Reports of the whole area and of every commune; the log of who downloaded what."""
    return has_role(user, *AREA_REPORT_MAKER_ROLES)


def report_refusal(user: User, *, unit: Any, kind: Any, year: int) -> str:
    """Why `user` may not ask for this report ("" when they may)."""
    if can_request_any_unit(user):
        return ""
    if not can_request_reports(user):
        return "Bạn không có quyền lập báo cáo tổng hợp."
    due = kind.due_on(year) or dt.date(year, 12, 31)
    if not communes_report_themselves(on=due):
        return (
            f"Kỳ báo cáo này (hạn {due:%d/%m/%Y}) do huyện tổng hợp; từ 01/7/2025 Ủy ban nhân dân xã mới tự lập "
            "báo cáo của xã."
        )
    if not user.unit_id or unit.pk != user.unit_id:
        return "Cán bộ xã chỉ lập báo cáo của xã mình."
    return ""


def can_request_edition(user: User, edition: str) -> bool:
    return can_request_reports(user) and (edition != Edition.FULL or user.sees_personal_data)
