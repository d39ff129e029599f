# The API service (FastAPI): same pinned lock as development.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements/api.lock requirements/api.lock
RUN pip install --no-cache-dir -r requirements/api.lock
COPY alembic.ini ./
COPY policy_kb policy_kb
COPY api api
EXPOSE 8000
# Migrations are idempotent; every replica may run them (Alembic takes a lock on PostgreSQL DDL).
CMD ["sh", "-c", "python -m api check && python -m api migrate && exec uvicorn api.main:app --host 0.0.0.0 --port 8000 --proxy-headers"]
