# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONIOENCODING=utf-8 LANG=C.UTF-8 \
    DATA_DIR=/data STATIC_ROOT=/app/staticfiles
WORKDIR /app
# Translations are compiled into the repository (locale/*/LC_MESSAGES/*.mo): no gettext needed.
RUN useradd --create-home --uid 1000 app && mkdir -p /data && chown app /data
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput --verbosity 0 && chown -R app /app/staticfiles
USER app
EXPOSE 8000
CMD ["gunicorn", "sondương.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--timeout", "120"]
