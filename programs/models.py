"""The district's plan: agencies (section IV), and — as the plan issue lands — targets, tasks, support and funds."""
from __future__ import annotations

from django.db import models

from households.fields import NFCCharField, NFCTextField


class AgencyKind(models.TextChoices):
    OFFICE = "office", "Phòng, ban chuyên môn"
    CENTRE = "centre", "Đơn vị sự nghiệp"
    BANK = "bank", "Ngân hàng Chính sách xã hội"
    FRONT = "front", "Mặt trận Tổ quốc, đoàn thể"
    COMMUNES = "communes", "Ủy ban nhân dân xã, thị trấn"
    OTHER = "other", "Cơ quan, đơn vị khác"


class Agency(models.Model):
    """One of the thirteen units the plan's section IV gives duties to."""

    code = models.CharField("mã", max_length=20, unique=True)
    name = NFCCharField("tên cơ quan, đơn vị", max_length=200)
    short_name = NFCCharField("tên viết tắt", max_length=60, blank=True)
    kind = models.CharField("loại", max_length=10, choices=AgencyKind.choices, default=AgencyKind.OFFICE)
    plan_item = models.PositiveSmallIntegerField("mục trong Kế hoạch (IV)", null=True, blank=True)
    description = NFCTextField("nhiệm vụ chung", blank=True)
    active = models.BooleanField("đang hoạt động", default=True)

    scope_public = True

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["plan_item", "code"]

    def __str__(self) -> str:
        return self.short_name or self.name
