"""Users and their roles. What a user may see is decided in one place: `accounts.scoping`."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from households.fields import NFCCharField


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", gettext_lazy("Cán bộ xã")
    DISTRICT_OFFICER = "district_officer", gettext_lazy("Cán bộ Phòng Lao động - TB&XH huyện")
    AGENCY_OFFICER = "agency_officer", gettext_lazy("Cán bộ cơ quan, đơn vị")
    PROVINCE_VIEWER = "province_viewer", gettext_lazy("Cán bộ tỉnh (chỉ xem)")
    ADMIN = "admin", gettext_lazy("Quản trị hệ thống")


# Roles that work with personal data (citizen ID numbers, income): Decree 13/2023/NĐ-CP, then the Law on
# Personal Data Protection 91/2025/QH15 — access only where the task needs it. The commune reviews the
# households, the district office checks and approves; agencies and the province work with masked lists.
PERSONAL_DATA_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN})
# Roles that may change registry and review data (each within its scope).
REGISTRY_WRITE_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN})


class User(AbstractUser):
    # The default is the read-only role: an account made without a role (createsuperuser, the admin's
    # "add user") can neither write nor see personal data until it is given one.
    role = models.CharField(gettext_lazy("vai trò"), max_length=20, choices=Role.choices, default=Role.PROVINCE_VIEWER)
    full_name = NFCCharField(gettext_lazy("họ và tên"), max_length=120, blank=True)
    unit = models.ForeignKey(
        "households.AdministrativeUnit",
        verbose_name=gettext_lazy("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=gettext_lazy("Xã của cán bộ xã; huyện hoặc tỉnh của cán bộ huyện, tỉnh."),
    )
    agency = models.ForeignKey(
        "programs.Agency",
        verbose_name=gettext_lazy("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(gettext_lazy("điện thoại"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = gettext_lazy("người dùng")
        verbose_name_plural = gettext_lazy("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="commune_officer") | Q(unit__isnull=False),
                name="commune_officer_has_unit",
                violation_error_message="Cán bộ xã phải gắn với một xã.",
            ),
            models.CheckConstraint(
                condition=~Q(role="agency_officer") | Q(agency__isnull=False),
                name="agency_officer_has_agency",
                violation_error_message="Cán bộ cơ quan phải gắn với một cơ quan.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        if self.is_superuser and self.role == Role.PROVINCE_VIEWER:
            self.role = Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def sees_personal_data(self) -> bool:
        return self.is_authenticated and (self.is_superuser or self.role in PERSONAL_DATA_ROLES)

    @property
    def can_edit_registry(self) -> bool:
        return self.is_authenticated and (self.is_superuser or self.role in REGISTRY_WRITE_ROLES)

    @property
    def is_commune_officer(self) -> bool:
        return self.role == Role.COMMUNE_OFFICER and not self.is_superuser

    @property
    def is_district_officer(self) -> bool:
        return self.role == Role.DISTRICT_OFFICER

    @property
    def is_agency_officer(self) -> bool:
        return self.role == Role.AGENCY_OFFICER and not self.is_superuser

    @property
    def is_province_viewer(self) -> bool:
        return self.role == Role.PROVINCE_VIEWER

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class AccessChannel(models.TextChoices):
    PAGE = "page", gettext_lazy("Trang")
    API = "api", gettext_lazy("API")
    EXPORT = "export", gettext_lazy("Xuất Excel")
    DOWNLOAD = "download", gettext_lazy("Tải báo cáo")


class PersonalDataAccess(models.Model):
    """One read of personal data (the registry's people, their ID numbers, income): who, when, what, how many
    records, from where, and whether the ID numbers were masked — pages, API reads, exports and downloads alike
    (Law 91/2025/QH15 on personal data protection: processing is recorded). Kept `ACCESS_LOG_RETENTION_DAYS`."""

    user = models.ForeignKey("accounts.User", verbose_name=gettext_lazy("người xem"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(gettext_lazy("lúc"), auto_now_add=True, db_index=True)
    channel = models.CharField(gettext_lazy("kênh"), max_length=10, choices=AccessChannel.choices)
    what = NFCCharField(gettext_lazy("nội dung"), max_length=255)
    path = models.CharField(gettext_lazy("địa chỉ"), max_length=300, blank=True)
    records = models.PositiveIntegerField(gettext_lazy("số bản ghi"), default=0)
    masked = models.BooleanField(gettext_lazy("số định danh che"), default=True)
    address = models.GenericIPAddressField(gettext_lazy("địa chỉ IP"), null=True, blank=True)
    commune = models.ForeignKey("households.AdministrativeUnit", verbose_name=gettext_lazy("xã"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = gettext_lazy("lượt xem dữ liệu cá nhân")
        verbose_name_plural = gettext_lazy("nhật ký xem dữ liệu cá nhân")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} – {self.what} ({self.at:%d/%m/%Y %H:%M})"
