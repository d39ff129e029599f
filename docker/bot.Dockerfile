# Rasa 3.6 and its action server: the verified Python 3.11 lock, installed without resolution.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app/bot
WORKDIR /app
COPY bot/requirements.lock bot/requirements.lock
RUN pip install --no-cache-dir --no-deps --ignore-requires-python -r bot/requirements.lock
COPY bot bot
COPY actions actions
COPY policy_kb/kb/dictionary.txt policy_kb/kb/dictionary.txt
# The model is trained at build time so every replica serves the same one.
RUN rasa train --config bot/config.yml --domain bot/domain.yml --data bot/data \
      --out models --fixed-model-name assistant
# Files stay root's and readable; the processes run as an unprivileged numeric user whose home
# takes what Rasa writes at run time (its telemetry settings under ~/.config).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/app --create-home app \
 && chmod -R a+rX /app
USER 10001:10001
ENV HOME=/home/app
# Reached only inside the deployment's private network (compose publishes neither port).
EXPOSE 5005 5055
# Rasa's HTTP API needs RASA_TOKEN (--auth-token, from the environment at start); the gateway
# channel (bot/credentials.yml) and the action endpoint (bot/endpoints.redis.yml) read theirs too.
# Rasa's Redis: RASA_REDIS_PASSWORD (empty: no AUTH) and RASA_REDIS_USE_SSL true/false (default
# false), which becomes "true" or empty because Rasa passes the text on and redis-py takes any
# non-empty text as TLS on (bot/endpoints.redis.yml); any other value stops the start here.
CMD ["sh", "-c", "case \"${RASA_REDIS_USE_SSL:-false}\" in true) ;; false) RASA_REDIS_USE_SSL= ;; *) echo \"RASA_REDIS_USE_SSL must be true or false, not $RASA_REDIS_USE_SSL\" >&2; exit 64 ;; esac; export RASA_REDIS_USE_SSL RASA_REDIS_PASSWORD=\"${RASA_REDIS_PASSWORD:-}\"; exec rasa run --enable-api --auth-token \"$RASA_TOKEN\" -m models/assistant.tar.gz --endpoints bot/endpoints.redis.yml --credentials bot/credentials.yml --port 5005"]
