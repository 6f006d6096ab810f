from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Báo cáo và thống kê"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects reporting to the merger's signals)
