FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TZ=UTC \
    THEODOI_PROCESSES_DIR=/app/processes THEODOI_FORMS_DIR=/app/forms THEODOI_DATA_DIR=/app/var
# Xuất PDF (WeasyPrint) needs pango; the fonts it embeds are the app's own (engine/web/static/fonts).
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY engine engine
COPY webhooks webhooks
RUN pip install --no-cache-dir ".[postgres,server,s3]"
COPY processes processes
COPY forms forms
RUN useradd --create-home theodoi && mkdir -p /app/var && chown theodoi /app/var
USER theodoi
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "engine.web.app:create_app()"]
