"""The menu of the base layout, by role, grouped by task. Entries whose page is not installed are left out."""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from .models import Role

ALL = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)

# The menu's groups (key, label): each opens as a dropdown in the header. Entries without a group stand alone.
GROUPS = [
    ("households", gettext_lazy("Hộ gia đình")),
    ("reviews", gettext_lazy("Rà soát hộ nghèo")),
    ("plan", gettext_lazy("Kế hoạch, thực hiện")),
    ("reports", gettext_lazy("Báo cáo, thông báo")),
    ("admin", gettext_lazy("Quản trị")),
]

# (url name, label, roles, group): group None for the entries of the top row, "user" for the user's own box.
MENU = [
    ("accounts:home", gettext_lazy("Trang chủ"), ALL, None),
    ("reporting:dashboard", gettext_lazy("Tổng quan"), ALL, None),
    ("households:household_list", gettext_lazy("Danh sách hộ"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.ADMIN), "households"),
    ("households:import_start", gettext_lazy("Nhập Excel"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN), "households"),
    ("households:export_page", gettext_lazy("Xuất Excel"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.ADMIN), "households"),
    ("households:review_board", gettext_lazy("Rà soát hằng năm"), (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN), "reviews"),
    ("households:checks", gettext_lazy("Kiểm tra bất thường"), (Role.DISTRICT_OFFICER, Role.ADMIN), "reviews"),
    ("programs:plan", gettext_lazy("Kế hoạch giảm nghèo bền vững"), ALL, "plan"),
    ("programs:targets", gettext_lazy("Chỉ tiêu"), (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER, Role.ADMIN), "plan"),
    ("programs:tasks", gettext_lazy("Nhiệm vụ"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN), "plan"),
    ("programs:support_list", gettext_lazy("Hỗ trợ"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN), "plan"),
    ("programs:funds", gettext_lazy("Nguồn vốn"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN), "plan"),
    ("reporting:obligations", gettext_lazy("Báo cáo định kỳ"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN), "reports"),
    ("reporting:downloads", gettext_lazy("Tải báo cáo"), (Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.COMMUNE_OFFICER, Role.ADMIN), "reports"),
    ("reporting:notifications", gettext_lazy("Thông báo"), (Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.COMMUNE_OFFICER, Role.ADMIN), "reports"),
    ("households:merger_list", gettext_lazy("Sáp nhập đơn vị"), (Role.ADMIN,), "admin"),
    ("accounts:access_log", gettext_lazy("Nhật ký dữ liệu cá nhân"), (Role.DISTRICT_OFFICER, Role.ADMIN), "admin"),
    ("admin:index", gettext_lazy("Quản trị dữ liệu"), (Role.ADMIN,), "admin"),
    ("accounts:profile", gettext_lazy("Tài khoản"), ALL, "user"),
]


def _matches(path: str, url: str) -> bool:
    """`url` is the page or a folder above it ("/" only for itself)."""
    return path == url or (url != "/" and url.endswith("/") and path.startswith(url))


def navigation(request) -> dict:
    """`nav_items`: the role's entries in menu order, each {url, label, group, active}; exactly one is active, the
    one whose address is the longest start of the page's (so /households/import/ is "Nhập Excel", not also the
    household list). `nav_groups`: the header's top row, a group standing for its entries ({label, items, active}),
    a group of one entry shown as that entry. `nav_user`: the user's own entry (the account page). `nav_search`:
    the header's household search, for the roles that see the household list; `nav_search_ids` when the role may
    search by citizen ID (households.selectors.household_search)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": [], "nav_user": None, "nav_search": False, "nav_search_ids": False}
    role = Role.ADMIN if user.is_superuser else user.role
    items = []
    for name, label, roles, group in MENU:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"name": name, "url": url, "label": label, "group": group, "active": False})
    matching = [item for item in items if _matches(request.path, item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    labels = dict(GROUPS)
    top: list[dict] = []
    for item in items:
        group = item["group"]
        if group is None:
            top.append({"label": item["label"], "items": [item], "active": item["active"], "key": item["name"]})
        elif group in labels:
            entry = next((g for g in top if g["key"] == group), None)
            if entry is None:
                entry = {"label": labels[group], "items": [], "active": False, "key": group}
                top.append(entry)
            entry["items"].append(item)
            entry["active"] = entry["active"] or item["active"]
    for entry in top:
        entry["single"] = len(entry["items"]) == 1
    return {
        "nav_items": items,
        "nav_groups": top,
        "nav_user": next((item for item in items if item["group"] == "user"), None),
        "nav_search": any(item["name"] == "households:household_list" for item in items),
        "nav_search_ids": bool(getattr(user, "sees_personal_data", False)),
    }
