"""Structured logs: one JSON object per line (DJANGO_LOG_FORMAT=json, python-json-logger),
with the `extra` fields a call passes, and on every line the request id of the HTTP
request being served (or that queued the task being run) and the Celery task id."""

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

current_request_id: ContextVar[str | None] = ContextVar("o2o_request_id", default=None)
current_task_id: ContextVar[str | None] = ContextVar("o2o_task_id", default=None)

HEADER = "X-Request-ID"
TASK_HEADER = "o2o_request_id"
# an id a client or a proxy sends is kept when it is short and plain, else replaced
ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_request_id(sent=None):
    return sent if sent and ACCEPTED.match(sent) else uuid.uuid4().hex


class JsonFormatter(_LibraryJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault(
            "rename_fields", {"levelname": "level", "name": "logger", "message": "message"}
        )
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)


class ContextFilter(logging.Filter):
    """Adds request_id and task_id (when there is one) to every record."""

    def filter(self, record):
        record.request_id = getattr(record, "request_id", None) or current_request_id.get()
        record.task_id = getattr(record, "task_id", None) or current_task_id.get()
        return True


class RequestIdMiddleware:
    """Every request gets an id (the client's X-Request-ID when it is plain, else a new
    one), answered in the same header; logs and the tasks it queues carry it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get(HEADER))
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            return response
        finally:
            current_request_id.reset(token)


@before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    current = current_request_id.get()
    if headers is not None and current and TASK_HEADER not in headers:
        headers[TASK_HEADER] = current


_task_tokens = {}


@task_prerun.connect
def _task_context(task_id=None, task=None, **kwargs):
    queued_by = getattr(task.request, TASK_HEADER, None) if task is not None else None
    _task_tokens[task_id] = (
        current_task_id.set(task_id),
        current_request_id.set(queued_by or current_request_id.get()),
    )


@task_postrun.connect
def _task_context_done(task_id=None, **kwargs):
    tokens = _task_tokens.pop(task_id, None)
    if tokens:
        current_task_id.reset(tokens[0])
        current_request_id.reset(tokens[1])
