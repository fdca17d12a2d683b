"""The admin tenancy matrix, generated from every registered admin model: a model without
a row in SPEC fails, so a new model cannot slip through untested."""

import csv
import io
import re

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from tests.admin.tenancy_world import PASSWORD, PERSONA_LABELS, build

ALL = {"view", "add", "change", "delete"}
RETAILER_VIEW = {"a_owner": {"view"}, "a_staff": {"view"}, "b_owner": {"view"}}
BRAND_VIEW = {"x_manager": {"view"}, "y_analyst": {"view"}}
CATALOGUE = {"x_manager": ALL, "y_analyst": {"view"}}

# model -> persona -> what the persona may do (rows restricted to their tenant labels)
SPEC = {
    "brands.brand": {"x_manager": {"view", "change"}, "y_analyst": {"view"}},
    "catalogue.category": CATALOGUE,
    "catalogue.product": CATALOGUE,
    "catalogue.variant": CATALOGUE,
    "catalogue.cataloguechange": BRAND_VIEW,
    "catalogue.eshop": CATALOGUE,
    "launches.launch": {"x_manager": {"view", "add", "change"}, "y_analyst": {"view"}},
    "catalogue.catalogueimport": {"x_manager": {"view", "add", "change"}, "y_analyst": {"view"}},
    "outlets.retailer": {
        "a_owner": {"view", "change"},
        "a_staff": {"view"},
        "b_owner": {"view", "change"},
        **BRAND_VIEW,
    },
    "outlets.outlet": {
        "a_owner": {"view", "change"},
        "a_staff": {"view"},
        "b_owner": {"view", "change"},
        **BRAND_VIEW,
    },
    "outlets.outletauthorization": {
        **RETAILER_VIEW,
        "x_manager": {"view", "change"},
        "y_analyst": {"view"},
    },
    "outlets.outletapplication": {"x_manager": {"view", "change"}, "y_analyst": {"view"}},
    "outlets.outletimport": {"x_manager": {"view", "add", "change"}},
    "inventory.stocklevel": {
        "a_owner": {"view", "change"},
        "a_staff": {"view", "change"},
        "b_owner": {"view", "change"},
        **BRAND_VIEW,
    },
    "inventory.stockmovement": RETAILER_VIEW,
    "inventory.integration": {
        "a_owner": {"view", "add", "change"},
        "b_owner": {"view", "add", "change"},
        "x_manager": {"view", "add", "change"},
    },
    "inventory.stockfeed": {"a_owner": ALL, "a_staff": {"view"}, "b_owner": ALL},
    "inventory.syncrun": {**RETAILER_VIEW, **BRAND_VIEW},
    "reservations.reservation": {
        "a_owner": {"view", "change"},
        "a_staff": {"view", "change"},
        "b_owner": {"view", "change"},
        **BRAND_VIEW,
    },
    "locator.demandsignal": BRAND_VIEW,
    "locator.backinstockrequest": {},
    "core.user": {},
    "core.outboxmessage": {},
    "axes.accessattempt": {},
    "axes.accesslog": {},
    "axes.accessfailurelog": {},
    "auth.group": {},
    "django_celery_beat.periodictask": {},
    "django_celery_beat.intervalschedule": {},
    "django_celery_beat.crontabschedule": {},
    "django_celery_beat.solarschedule": {},
    "django_celery_beat.clockedschedule": {},
}
PERSONAS = list(PERSONA_LABELS)
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label_lower)


def test_every_registered_model_has_a_spec():
    assert sorted(m._meta.label_lower for m in MODELS) == sorted(SPEC)


@pytest.fixture
def world(db):
    return build()


def client_for(world, persona):
    client = Client()
    user = world.users[persona]
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def allowed(persona, model, action):
    if persona == "superuser":
        return True
    return action in SPEC[model._meta.label_lower].get(persona, set())


def visible(world, persona, obj):
    if persona == "superuser":
        return True
    if not allowed(persona, obj.__class__, "view"):
        return False
    return bool(world.labels[obj] & PERSONA_LABELS[persona])


def objects_of(world, model):
    return [obj for obj in world.labels if obj.__class__ is model]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def refused(response, persona, model):
    """Anonymous and shoppers go to the login page; staff without the right get a 403."""
    if persona in ("anonymous", "shopper"):
        return response.status_code == 302 and "/admin/login/" in response["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_changelist_shows_only_the_tenants_rows(world, persona, model):
    response = client_for(world, persona).get(url(model, "changelist"))
    if not allowed(persona, model, "view") or persona in ("anonymous", "shopper"):
        assert refused(response, persona, model), response.status_code
        return
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    expected = {obj.pk for obj in objects_of(world, model) if visible(world, persona, obj)}
    assert shown == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_object_urls_typed_by_hand(world, persona, model):
    client = client_for(world, persona)
    for obj in objects_of(world, model):
        before = model_to_dict(model.objects.get(pk=obj.pk))
        change = client.get(url(model, "change", obj.pk))
        delete = client.get(url(model, "delete", obj.pk))
        may_change = visible(world, persona, obj) and allowed(persona, model, "change")
        if not may_change:  # a change that must be refused is really attempted
            attempt = client.post(url(model, "change", obj.pk), {"name": "hijacked"})
            if persona in ("anonymous", "shopper"):
                assert refused(attempt, persona, model)
            else:
                assert attempt.status_code in (403, 404), attempt.status_code
        may_delete = visible(world, persona, obj) and allowed(persona, model, "delete")
        # a delete that must be refused is really attempted; an allowed one is not needed
        posted = (
            delete if may_delete else client.post(url(model, "delete", obj.pk), {"post": "yes"})
        )
        if persona in ("anonymous", "shopper"):
            assert all(refused(r, persona, model) for r in (change, delete, posted))
        elif not allowed(persona, model, "view"):
            assert {change.status_code, delete.status_code, posted.status_code} <= {403, 404}
        elif not visible(world, persona, obj):
            assert change.status_code == delete.status_code == posted.status_code == 404
        else:
            assert change.status_code == 200
            if not allowed(persona, model, "delete"):
                assert delete.status_code == posted.status_code == 403
        if not may_delete and not may_change:
            assert model_to_dict(model.objects.get(pk=obj.pk)) == before


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("superuser",)])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_actions_never_reach_other_tenants_rows(world, persona, model):
    client = client_for(world, persona)
    hidden = [obj for obj in objects_of(world, model) if not visible(world, persona, obj)]
    if not hidden:
        return
    before = {obj.pk: model_to_dict(model.objects.get(pk=obj.pk)) for obj in hidden}
    model_admin = admin.site._registry[model]
    for action in [*list(model_admin.actions or []), "delete_selected"]:
        name = action if isinstance(action, str) else action.__name__
        client.post(
            url(model, "changelist"),
            {
                "action": name,
                "_selected_action": [obj.pk for obj in hidden],
                "post": "yes",
                "reason": "matrix",
            },
        )
    after = {pk: model_to_dict(model.objects.get(pk=pk)) for pk in before}
    assert after == before


AUTOCOMPLETES = [
    (model, field)
    for model, model_admin in admin.site._registry.items()
    for field in (model_admin.autocomplete_fields or ())
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("source", "field"), AUTOCOMPLETES, ids=[f"{m._meta.label_lower}.{f}" for m, f in AUTOCOMPLETES]
)
def test_autocomplete_offers_only_visible_rows(world, persona, source, field):
    target = source._meta.get_field(field).related_model
    response = client_for(world, persona).get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": source._meta.app_label,
            "model_name": source._meta.model_name,
            "field_name": field,
        },
    )
    if persona in ("anonymous", "shopper"):
        assert response.status_code == 302
        return
    if response.status_code == 403:
        return  # no right to the source or the target: nothing offered
    assert response.status_code == 200
    offered = {int(item["id"]) for item in response.json()["results"]}
    tagged = objects_of(world, target)
    allowed_ids = {obj.pk for obj in tagged if visible(world, persona, obj)}
    assert offered <= allowed_ids


@pytest.mark.parametrize("persona", PERSONAS)
def test_exports_carry_only_the_tenants_rows(world, persona):
    from o2o.inventory.models import StockLevel

    client = client_for(world, persona)
    page = client.get("/admin/inventory/stocklevel/export/")
    if not allowed(persona, StockLevel, "view") or persona in ("anonymous", "shopper"):
        assert refused(page, persona, StockLevel)
        return
    names = re.findall(r'name="(stocklevelresource_[a-z_]+)"', page.content.decode())
    response = client.post(
        "/admin/inventory/stocklevel/export/",
        {"format": "0", "resource": "0", **dict.fromkeys(names, "on"), "export_items": []},
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = sorted(
        (obj.outlet.code, obj.variant.sku)
        for obj in objects_of(world, StockLevel)
        if visible(world, persona, obj)
    )
    assert sorted((row["outlet"], row["sku"]) for row in rows) == expected


STAFF = [p for p in PERSONAS if p not in ("superuser", "anonymous", "shopper")]


def _form_fields(model_admin, request, obj):
    """Every field of the admin form for `obj` (None: the add form) and of its inlines."""
    form = model_admin.get_form(request, obj)(instance=obj)
    fields = [(name, field) for name, field in form.fields.items()]
    for formset_class, inline in model_admin.get_formsets_with_inlines(request, obj):
        formset = formset_class(instance=obj or model_admin.model())
        own_pk = formset.model._meta.pk.name  # the row's own id, looked up in the parent's rows
        fields += [
            (f"{type(inline).__name__}.{name}", field)
            for name, field in formset.empty_form.fields.items()
            if name != own_pk
        ]
    return form, fields


def _forms_of(world, persona, model):
    from django.test import RequestFactory

    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = world.users[persona]
    if model_admin.has_add_permission(request):
        yield model_admin, request, None
    for obj in objects_of(world, model):
        if visible(world, persona, obj) and model_admin.has_change_permission(request, obj):
            yield model_admin, request, model.objects.get(pk=obj.pk)


@pytest.mark.parametrize("persona", STAFF)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_every_form_choice_is_a_row_the_user_may_see(world, persona, model):
    """Foreign-key and many-to-many choices of every add and change form (inlines too) offer
    only rows of the user's tenancy, and no user account is ever a tenant's choice."""
    from django.forms import ModelChoiceField

    from o2o.core.models import User

    for model_admin, request, obj in _forms_of(world, persona, model):
        _form, fields = _form_fields(model_admin, request, obj)
        for name, field in fields:
            if not isinstance(field, ModelChoiceField):
                continue
            assert field.queryset.model is not User, f"{model.__name__}.{name} offers users"
            for choice in field.queryset:
                offered = f"{model.__name__}.{name} offers {choice!r} to {persona}"
                assert choice in world.labels, offered
                assert visible(world, persona, choice), offered


@pytest.mark.parametrize("persona", STAFF)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_every_foreign_id_submitted_in_a_form_is_refused(world, persona, model):
    """Each foreign-key field of a change form, posted with another tenant's row (or any
    user account), is a form error and changes nothing."""
    from django.forms import ModelChoiceField, ModelMultipleChoiceField

    for model_admin, request, obj in _forms_of(world, persona, model):
        if obj is None:
            continue
        form, fields = _form_fields(model_admin, request, obj)
        for name, field in fields:
            if "." in name or not isinstance(field, ModelChoiceField):
                continue
            target = field.queryset.model
            foreign = [
                other
                for other in [*objects_of(world, target), *target.objects.all()[:50]]
                if not (other in world.labels and visible(world, persona, other))
            ]
            for other in foreign[:3]:
                data = {
                    **form.initial,
                    name: [other.pk] if isinstance(field, ModelMultipleChoiceField) else other.pk,
                }
                bound = model_admin.get_form(request, obj)(data=data, instance=obj)
                accepted = f"{model.__name__}.{name} accepted {other!r} from {persona}"
                assert not bound.is_valid(), accepted
                assert name in bound.errors, accepted
