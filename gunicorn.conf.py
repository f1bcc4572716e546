"""gunicorn's settings for every way the portal is served (gunicorn reads ./gunicorn.conf.py
from its working directory: the image, docker-compose.yml, docs/deployment.md's commands, CI's proxy
suite). Command-line flags still win.

A request line may be up to 8,190 bytes (gunicorn's most; its default is 4,094), so a /v1/
``filter=`` that is too deep or too long reaches the API and gets its JSON 400 instead of
gunicorn's plain-text 414. nginx in front refuses longer lines itself (deploy/nginx/).
"""

limit_request_line = 8190
