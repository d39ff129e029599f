# The API service (FastAPI) and the reminder worker: the runtime lock only (no test tools),
# every file checked against its hash.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements/runtime.lock requirements/runtime.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.lock
COPY alembic.ini ./
COPY policy_kb policy_kb
COPY api api
# Code and dependencies belong to root and are only readable by the process; it runs as an
# unprivileged numeric user (so Kubernetes' runAsNonRoot can verify it) with its own home.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/app --create-home app \
 && chmod -R a+rX /app
USER 10001:10001
EXPOSE 8000
# Migrations are not run here: compose runs the one-shot `migrate` service before the API and
# the worker start (a cluster: the migration Job, deploy/k8s/migrate-job.yaml).
CMD ["sh", "-c", "python -m api check && exec uvicorn api.main:app --host 0.0.0.0 --port 8000 --proxy-headers"]
