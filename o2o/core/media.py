"""Public media (product photos) served by the app itself, so `make demo` and a small
deployment need nothing more; a larger one puts a CDN or the web server in front of the
same URLs. Only folders named in urls.py are public: uploaded documents never are."""

from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.views.static import serve


def public_media(request, path, folder):
    root = Path(settings.MEDIA_ROOT) / folder
    response = serve(request, path, document_root=str(root))  # safe_join: no "../"; 404s
    if response.status_code not in (200, 304):  # 304: the browser's copy is still good
        raise Http404
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # names never reused
    response["X-Content-Type-Options"] = "nosniff"
    return response
