"""One demo account per role (and a second commune), printed when the system starts."""
from __future__ import annotations

from dataclasses import dataclass

from households.models import AdministrativeUnit
from programs.models import Agency

from .models import Role, User

DEMO_PASSWORD = "SonDuong@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    unit_code: str | None = None
    agency_code: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("quantri", Role.ADMIN, "Quản trị hệ thống"),
    DemoAccount("phongldtbxh", Role.DISTRICT_OFFICER, "Nguyễn Thị Hạnh", unit_code="076"),
    DemoAccount("xatantrao", Role.COMMUNE_OFFICER, "Ma Văn Thắng", unit_code="02545"),
    DemoAccount("xaminhthanh", Role.COMMUNE_OFFICER, "Hoàng Thị Lan", unit_code="02554"),
    DemoAccount("nhcsxh", Role.AGENCY_OFFICER, "Trần Văn Bình", agency_code="NHCSXH"),
    DemoAccount("phongyte", Role.AGENCY_OFFICER, "Lê Thị Thu", agency_code="YTE"),
    DemoAccount("tinhtuyenquang", Role.PROVINCE_VIEWER, "Phạm Minh Đức", unit_code="08"),
]


def build_accounts(*, password: str = DEMO_PASSWORD) -> list[tuple[DemoAccount, User]]:
    out = []
    for acc in DEMO_ACCOUNTS:
        unit = None
        if acc.unit_code:
            unit = AdministrativeUnit.objects.filter(code=acc.unit_code).order_by("-valid_from").first()
        agency = Agency.objects.get(code=acc.agency_code) if acc.agency_code else None
        user = User.objects.filter(username=acc.username).first() or User(username=acc.username)
        user.role, user.full_name, user.unit, user.agency = acc.role, acc.full_name, unit, agency
        user.is_staff = user.is_superuser = acc.role == Role.ADMIN
        user.email = f"{acc.username}@sonduong.example"
        user.set_password(password)
        user.save()
        out.append((acc, user))
    return out
