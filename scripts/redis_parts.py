"""Print REDIS_URL as the host/port/db variables Rasa's endpoints file reads."""

import sys
from urllib.parse import urlparse

url = urlparse(sys.argv[1])
print(f"export RASA_REDIS_HOST={url.hostname or '127.0.0.1'}")
print(f"export RASA_REDIS_PORT={url.port or 6379}")
print(f"export RASA_REDIS_DB={(url.path or '/0').lstrip('/') or 0}")
