"""Bulk onboarding: a CSV/XLSX of outlets, previewed, then imported by Celery in chunks.

Columns: outlet_code, name, address, city, postcode, country, latitude, longitude, phone,
retailer, retailer_email, tax_id, hours ("Mon-Sat 10:00-21:00; Sun closed"), timezone
(default: the country's), language (of the owner's invitation). Each chunk commits on its
own (progress is visible and a retried task skips the outlets it created). A row naming an
existing outlet or retailer is refused with its reason: a brand never takes over a
retailer's shop or business."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django_countries import countries

from o2o.core.generations import availability_changed
from o2o.core.phones import country_code, phone_in
from o2o.core.tables import TableError, table_rows

from . import hours
from .models import (
    Outlet,
    OutletAuthorization,
    OutletImport,
    Retailer,
    RetailerMembership,
    default_zone,
)
from .selectors import retailers_known_by
from .services import invite_staff

REQUIRED = (
    "outlet_code",
    "name",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "retailer",
)
OPTIONAL = ("postcode", "phone", "retailer_email", "tax_id", "hours", "timezone", "language")
CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
PREVIEW_ROWS = 10
MAX_STORED_ERRORS = 2000


class ImportFileError(Exception):
    pass


def read_rows(import_):
    """Yield (line, {column: value}) from the import's CSV or XLSX file."""
    try:
        with import_.file.open("rb") as handle:
            yield from table_rows(handle, name=import_.file.name, required=REQUIRED)
    except TableError as exc:
        raise ImportFileError(str(exc)) from exc


def validate(row):
    """The row's problems (empty if it is fine). Normalises the row on the way: its country
    to an ISO code (IN, IND, India), its phone to E.164 read in that country."""
    problems = [f"{column} is missing" for column in REQUIRED if not row.get(column)]
    if row.get("outlet_code") and not CODE.match(row["outlet_code"]):
        problems.append("outlet_code may only hold letters, digits, - and _")
    try:
        lat, lng = float(row.get("latitude") or "x"), float(row.get("longitude") or "x")
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            problems.append("coordinates out of range")
    except ValueError:
        problems.append("latitude and longitude must be numbers")
    if row.get("country"):
        row["country"] = country_code(row["country"]) or row["country"]
        if row["country"] not in countries:
            problems.append("country is not a country (an ISO code such as IN or CN, or a name)")
    if row.get("phone"):
        try:
            row["phone"] = phone_in(row["phone"], country=row.get("country")).as_e164
        except ValidationError as exc:
            problems.append(f"phone: {exc.messages[0]}")
    if row.get("hours"):
        try:
            hours.parse(row["hours"])
        except hours.HoursError as exc:
            problems.append(f"hours: {exc}")
    if row.get("timezone"):
        try:
            hours.check_zone(row["timezone"])
        except hours.HoursError as exc:
            problems.append(f"timezone: {exc}")
    if row.get("language") and row["language"] not in dict(settings.LANGUAGES):
        problems.append(
            f"language must be one of {', '.join(code for code, _name in settings.LANGUAGES)}"
        )
    return problems


def preview(import_):
    """Check every row without writing; keep the counts, errors and a few good rows."""
    good, errors, seen, total = [], [], set(), 0
    try:
        rows = list(read_rows(import_))
        existing = _Existing(rows, import_)
        for line, row in rows:
            total += 1
            problems = validate(row)
            code = row.get("outlet_code", "").lower()
            if code in seen:
                problems.append("duplicate outlet_code in the file")
            else:
                problems += existing.problems(row)
            seen.add(code)
            if problems:
                errors.append(
                    {
                        "line": line,
                        "code": row.get("outlet_code", ""),
                        "message": "; ".join(problems),
                    }
                )
            elif len(good) < PREVIEW_ROWS:
                good.append(row)
    except ImportFileError as exc:
        import_.status, import_.message = OutletImport.Status.FAILED, str(exc)[:255]
        import_.save()
        return []
    import_.rows_total, import_.rows_rejected = total, len(errors)
    import_.errors, import_.sample = errors[:MAX_STORED_ERRORS], good
    import_.save()
    return good


def start(*, import_id):
    """Queue a previewed import once (a double click starts it once); True if started."""
    from o2o.core.outbox import enqueue_on_commit

    from .tasks import import_outlets_task

    started = OutletImport.objects.filter(pk=import_id, status=OutletImport.Status.PREVIEW).update(
        status=OutletImport.Status.QUEUED
    )
    if started:
        enqueue_on_commit(import_outlets_task, import_id)
    return bool(started)


def run(import_id):
    """Import the valid rows in chunks; progress and rejected rows are saved as it goes."""
    import_ = OutletImport.objects.get(pk=import_id)
    if import_.status not in (OutletImport.Status.QUEUED, OutletImport.Status.RUNNING):
        return import_
    OutletImport.objects.filter(pk=import_id).update(
        status=OutletImport.Status.RUNNING, rows_done=0
    )
    retailers = {
        key: retailer
        for retailer in Retailer.objects.filter(pk__in=list(import_.retailers.values()))
        for key, pk in import_.retailers.items()
        if pk == retailer.pk
    }
    chunk, errors, created, done = [], [], 0, 0
    try:
        rows = list(read_rows(import_))
    except ImportFileError as exc:
        OutletImport.objects.filter(pk=import_id).update(
            status=OutletImport.Status.FAILED, message=str(exc)[:255]
        )
        return OutletImport.objects.get(pk=import_id)
    existing = _Existing(rows, import_)
    seen = set()
    for line, row in rows:
        problems = validate(row)
        code = row.get("outlet_code", "")
        if code.lower() in seen:
            problems.append("duplicate outlet_code in the file")
        elif existing.already_imported(row):
            done += 1  # a retried run: this chunk committed the first time
            seen.add(code.lower())
            continue
        else:
            problems += existing.problems(row)
        seen.add(code.lower())
        if problems:
            errors.append({"line": line, "code": code, "message": "; ".join(problems)})
        else:
            chunk.append(row)
        done += 1
        if len(chunk) >= settings.O2O_OUTLET_IMPORT_CHUNK:
            created += _write_chunk(import_, chunk, retailers)
            chunk = []
            _progress(import_id, done, created, errors)
    created += _write_chunk(import_, chunk, retailers)
    _progress(import_id, done, created, errors, finished=True)
    return OutletImport.objects.get(pk=import_id)


def _progress(import_id, done, created, errors, finished=False):
    changes = {
        "rows_done": done,
        "outlets_created": created,
        "rows_rejected": len(errors),
        "errors": errors[:MAX_STORED_ERRORS],
    }
    if finished:
        changes["status"] = OutletImport.Status.DONE
    OutletImport.objects.filter(pk=import_id).update(**changes)


EXISTING_OUTLET = (
    "an outlet with this code exists: an import never takes over another retailer's outlet "
    "(its retailer applies to the brand instead)"
)
EXISTING_RETAILER = (
    "names an existing retailer (same tax id or e-mail): an import never adds outlets to a "
    "retailer without its consent; flagged for review"
)


class _Existing:
    """What a file's rows name that exists already: outlets (by code), and retailers (by
    tax id or e-mail, `retailers_known_by`) other than those this import created. Three
    queries per file."""

    def __init__(self, rows, import_):
        codes = {row.get("outlet_code", "") for _line, row in rows}
        codes |= {code.lower() for code in codes}
        found = Outlet.objects.filter(code__in=codes)
        self.codes = {code.lower() for code in found.values_list("code", flat=True)}
        self.imported = {
            code.lower()
            for code in found.filter(
                authorizations__brand_id=import_.brand_id,
                retailer_id__in=list(import_.retailers.values()),
            ).values_list("code", flat=True)
        }
        known = retailers_known_by(
            tax_ids=[row.get("tax_id") for _line, row in rows],
            emails=[row.get("retailer_email") for _line, row in rows],
        ).exclude(pk__in=list(import_.retailers.values()))
        pairs = list(known.values_list("tax_id", "email_key"))
        self.taxes = {tax_id for tax_id, _email in pairs if tax_id}
        self.emails = {email for _tax_id, email in pairs if email}

    def already_imported(self, row):
        return row.get("outlet_code", "").lower() in self.imported

    def problems(self, row):
        if row.get("outlet_code", "").lower() in self.codes:
            return [EXISTING_OUTLET]
        email = (row.get("retailer_email") or "").strip().lower()
        if (row.get("tax_id") and row["tax_id"] in self.taxes) or (email and email in self.emails):
            return [EXISTING_RETAILER]
        return []


def _retailer_for(row, cache, import_):
    """The retailer this import creates for the row's business (one per business in the
    file); never an existing one. Its owner is invited by e-mail, like an approved
    applicant, in the row's language or the importer's."""
    key = row.get("tax_id") or row.get("retailer_email") or row["retailer"]
    found = cache.get(key)
    if found is None:
        found = Retailer.objects.create(
            name=row["retailer"][:160],
            contact_email=row.get("retailer_email", "")[:254],
            tax_id=row.get("tax_id", "")[:32],
            slug=f"{slugify(row['retailer'])[:60]}-{get_random_string(6).lower()}",
        )
        if found.contact_email:
            invite_staff(
                retailer=found,
                email=found.contact_email,
                role=RetailerMembership.Role.OWNER,
                invited_by=import_.created_by,
                language=row.get("language") or import_.language,
            )
    cache[key] = found
    return found


@transaction.atomic
def _write_chunk(import_, rows, retailers):
    """Create the chunk's outlets and authorise them (rows naming existing outlets or
    retailers were refused by `run`)."""
    if not rows:
        return 0
    brand_id = import_.brand_id
    new = [
        Outlet(
            retailer=_retailer_for(row, retailers, import_),
            code=row["outlet_code"],
            name=row["name"][:160],
            address=row["address"][:255],
            city=row["city"][:120],
            postcode=row.get("postcode", "")[:16],
            country=row["country"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            phone=row.get("phone", ""),
            weekly_hours=hours.parse(row.get("hours", "")).to_json(),
            timezone=row.get("timezone") or default_zone(row["country"]),
        )
        for row in rows
    ]
    Outlet.objects.bulk_create(new, batch_size=1000)
    ids = Outlet.objects.filter(code__in=[outlet.code for outlet in new]).values_list(
        "pk", flat=True
    )
    OutletAuthorization.objects.bulk_create(
        [OutletAuthorization(outlet_id=pk, brand_id=brand_id) for pk in ids],
        batch_size=1000,
        ignore_conflicts=True,
    )
    OutletImport.objects.filter(pk=import_.pk).update(
        retailers={key: retailer.pk for key, retailer in retailers.items()}
    )
    availability_changed()
    return len(new)
