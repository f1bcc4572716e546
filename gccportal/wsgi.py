import os

from django.core.wsgi import get_wsgi_application

from lib.wsgi import TextCharsetsOnly

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gccportal.settings")
application = TextCharsetsOnly(get_wsgi_application())
