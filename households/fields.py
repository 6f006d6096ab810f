"""Model fields that keep Vietnamese text in Unicode NFC on the way in (forms, saves, bulk inserts, lookups)."""
from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup, lookups

from .text import nfc, nfc_line


class NFCMixin:
    normalise = staticmethod(nfc_line)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)  # type: ignore[misc]
        return self.normalise(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        return self.normalise(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)  # type: ignore[attr-defined]
        if isinstance(value, str):
            value = self.normalise(value)
            setattr(model_instance, self.attname, value)  # type: ignore[attr-defined]
        return value


class NFCCharField(NFCMixin, models.CharField):
    pass


class NFCTextField(NFCMixin, models.TextField):
    normalise = staticmethod(nfc)


def _nfc_lookup(base: type[Lookup]) -> type[Lookup]:
    """Pattern lookups (contains, startswith, …) skip get_prep_value: normalise their argument here."""

    class NFCLookup(base):  # type: ignore[valid-type,misc]
        def get_prep_lookup(self):
            if isinstance(self.rhs, str):
                return nfc(self.rhs)
            return super().get_prep_lookup()

    NFCLookup.__name__ = f"NFC{base.__name__}"
    return NFCLookup


for _field in (NFCCharField, NFCTextField):
    for _base in (lookups.Contains, lookups.IContains, lookups.StartsWith, lookups.IStartsWith,
                  lookups.EndsWith, lookups.IEndsWith, lookups.IExact):
        _field.register_lookup(_nfc_lookup(_base))
