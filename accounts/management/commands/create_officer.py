"""`manage.py create_officer USERNAME --role ROLE [--unit CODE] [--agency CODE] --password P`.

Creates the user, or updates it if it exists. A unit code names the unit in force today; the code of a
commune dissolved by a merger is accepted and the officer is scoped to the commune that succeeded it.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from households.models import AdministrativeUnit
from households.selectors import unit_current_successor
from programs.models import Agency


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật tài khoản cán bộ với vai trò, đơn vị và cơ quan."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="Một trong: " + ", ".join(Role.values))
        parser.add_argument("--unit", help="Mã đơn vị hành chính (ví dụ 02539).")
        parser.add_argument("--agency", help="Mã cơ quan (ví dụ NHCSXH).")
        parser.add_argument("--password", required=True)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, username, role, unit, agency, password, full_name, email, **options):
        if role not in Role.values:
            raise CommandError(f"Vai trò không hợp lệ: {role}. Dùng một trong: {', '.join(Role.values)}.")
        unit_obj = None
        if unit:
            candidates = AdministrativeUnit.objects.filter(code=unit).order_by("-valid_from")
            if not candidates.exists():
                raise CommandError(f"Không có đơn vị hành chính mã {unit}.")
            unit_obj = AdministrativeUnit.objects.in_force().filter(code=unit).first()
            if unit_obj is None:
                old = candidates.first()
                unit_obj = unit_current_successor(unit=old)
                self.stdout.write(
                    self.style.WARNING(
                        f"{old.name} ({unit}) đã hết hiệu lực từ {old.valid_to:%d/%m/%Y}; "
                        f"tài khoản được gán cho {unit_obj.name} ({unit_obj.code})."
                    )
                )
        agency_obj = None
        if agency:
            agency_obj = Agency.objects.filter(code=agency).first()
            if agency_obj is None:
                raise CommandError(f"Không có cơ quan mã {agency}.")
        if role == Role.COMMUNE_OFFICER and (unit_obj is None or unit_obj.level != "commune"):
            raise CommandError("Cán bộ xã cần --unit là mã một xã, thị trấn.")
        if role == Role.AGENCY_OFFICER and agency_obj is None:
            raise CommandError("Cán bộ cơ quan cần --agency.")
        user = User.objects.filter(username=username).first()
        created = user is None
        user = user or User(username=username)
        user.role = role
        user.unit = unit_obj
        user.agency = agency_obj
        if full_name:
            user.full_name = full_name
        if email:
            user.email = email
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.is_active = True
        # The same password rules as the self-service change (settings.AUTH_PASSWORD_VALIDATORS).
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Mật khẩu chưa đạt yêu cầu: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"{'Đã tạo' if created else 'Đã cập nhật'} tài khoản {username} ({Role(role).label})."))
