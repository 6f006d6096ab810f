"""The menu of the base layout, by role. Entries whose page is not installed are left out."""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from .models import Role

ALL = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)

# (url name, label, roles)
MENU = [
    ("accounts:home", "Trang chủ", ALL),
    ("reporting:dashboard", "Tổng quan", ALL),
    ("households:household_list", "Hộ gia đình", (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.ADMIN)),
    ("households:import_start", "Nhập Excel", (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN)),
    ("households:export_page", "Xuất Excel", (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.ADMIN)),
    ("households:review_board", "Rà soát hằng năm", (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN)),
    ("households:checks", "Kiểm tra bất thường", (Role.DISTRICT_OFFICER, Role.ADMIN)),
    ("programs:plan", "Kế hoạch", ALL),
    ("programs:targets", "Chỉ tiêu", (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("programs:tasks", "Nhiệm vụ", (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)),
    ("programs:support_list", "Hỗ trợ", (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("programs:funds", "Nguồn vốn", (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)),
    ("reporting:obligations", "Báo cáo định kỳ", (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("reporting:downloads", "Tải báo cáo", (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)),
    ("reporting:notifications", "Thông báo", (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN)),
    ("households:merger_list", "Sáp nhập đơn vị", (Role.ADMIN,)),
    ("admin:index", "Quản trị", (Role.ADMIN,)),
    ("accounts:profile", "Tài khoản", ALL),
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
