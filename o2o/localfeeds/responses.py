"""A feed file as an HTTP answer: streamed from storage, tab-separated values, with its row
count and when it was written (Merchant Center's scheduled fetch reads the file)."""

from django.http import FileResponse
from django.utils.http import http_date

from .models import LocalFeed


def feed_response(feed: LocalFeed) -> FileResponse:
    response = FileResponse(
        feed.file.open("rb"),
        as_attachment=True,
        filename=feed.filename,
        content_type="text/tab-separated-values; charset=utf-8",
    )
    response["Last-Modified"] = http_date(feed.generated_at.timestamp())
    response["X-Feed-Rows"] = str(feed.rows)
    return response
