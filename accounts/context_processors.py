"""The menu of the base layout, by role. Entries whose page is not installed are left out."""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from .models import Role

ALL = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)

# (url name, label, roles)
MENU = [
    ("accounts:home", gettext_lazy("Trang chủ"), ALL),
    ("reporting:dashboard", gettext_lazy("Tổng quan"), ALL),
    ("households:household_list", gettext_lazy("Hộ gia đình"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.ADMIN)),
    ("households:import_start", gettext_lazy("Nhập Excel"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN)),
    ("households:export_page", gettext_lazy("Xuất Excel"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.ADMIN)),
    ("households:review_board", gettext_lazy("Rà soát hằng năm"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN)),
    ("households:checks", gettext_lazy("Kiểm tra bất thường"), (Role.DISTRICT_OFFICER, Role.ADMIN)),
    ("programs:plan", gettext_lazy("Kế hoạch"), ALL),
    ("programs:targets", gettext_lazy("Chỉ tiêu"), (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("programs:tasks", gettext_lazy("Nhiệm vụ"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)),
    ("programs:support_list", gettext_lazy("Hỗ trợ"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("programs:funds", gettext_lazy("Nguồn vốn"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)),
    ("reporting:obligations", gettext_lazy("Báo cáo định kỳ"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("reporting:downloads", gettext_lazy("Tải báo cáo"), (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("reporting:notifications", gettext_lazy("Thông báo"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("households:merger_list", gettext_lazy("Sáp nhập đơn vị"), (Role.ADMIN,)),
    ("admin:index", gettext_lazy("Quản trị"), (Role.ADMIN,)),
    ("accounts:profile", gettext_lazy("Tài khoản"), ALL),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = Role.ADMIN if user.is_superuser else user.role
    items = []
    for name, label, roles in MENU:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path == url or (url != "/" and request.path.startswith(url) and name != "accounts:home")})
    return {"nav_items": items}
