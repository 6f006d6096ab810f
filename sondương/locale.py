"""Vietnamese first: the interface speaks Vietnamese unless the user chose English with the language selector
(the language cookie). Django's own LocaleMiddleware would also follow the browser's Accept-Language header, so an
officer whose browser happens to be set to English would get an English interface and English API errors without
asking for them; commune systems calling the API get Vietnamese errors whatever their HTTP library sends."""
from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class CookieLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
