"""Print REDIS_URL as the variables Rasa's endpoints file reads (bot/endpoints.redis.yml).

A rediss:// URL turns TLS on and its password (redis://:secret@host) is Rasa's too, so the
embedded run (`make run` with REDIS_URL) reaches the same Redis the same way as the API.
RASA_REDIS_USE_SSL is "true" or empty: Rasa hands the text to redis-py, which takes any
non-empty text as TLS on.
"""

import shlex
import sys
from urllib.parse import unquote, urlparse

url = urlparse(sys.argv[1])
print(f"export RASA_REDIS_HOST={shlex.quote(url.hostname or '127.0.0.1')}")
print(f"export RASA_REDIS_PORT={url.port or 6379}")
print(f"export RASA_REDIS_DB={shlex.quote((url.path or '/0').lstrip('/') or '0')}")
print(f"export RASA_REDIS_PASSWORD={shlex.quote(unquote(url.password or ''))}")
print(f"export RASA_REDIS_USE_SSL={'true' if url.scheme == 'rediss' else ''}")
