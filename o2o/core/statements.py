"""Statements the hot paths (a reservation, a launch's queue) run on every request, built
once or together: a lookup the ORM compiles once (`PreparedLookup`), several such lookups
read in one statement (`first_of_each`), and a row inserted with its children in one
statement (`insert_together`). On PostgreSQL each is also planned once per connection
(`execute_hot`): planning them took more of the server's time than running them."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators


class PreparedLookup:
    """A lookup of one row that runs on every request with the same shape (the reservation's
    variant and outlet), compiled by the ORM once per database instead of on every call.

    `build(**values)` returns the queryset; it is built once with marks in place of the
    values, and `first(**values)` runs the SQL it compiled to with the values in their
    places. The row becomes its model instance, with its `select_related` relations, as
    the ORM builds it (the same converters and populators). For lookups by a unique key:
    no ordering, at most one row; values are strings, or integers if named in `numbers`."""

    def __init__(self, build, *, numbers=()):
        self._build = build
        self._numbers = set(numbers)
        self._plans = {}

    def first(self, *, using=DEFAULT_DB_ALIAS, **values):
        plan, params = self._filled(using, values)
        db = connections[using]
        with db.cursor() as cursor:
            execute_hot(cursor, plan.sql, params)
            row = cursor.fetchone()
        return None if row is None else plan.instance(row, db)

    def bind(self, **values) -> "BoundLookup":
        """This lookup with its values, to be read with others by `first_of_each`."""
        return BoundLookup(self, values)

    def _filled(self, using, values):
        plan = self._plans.get(using) or self._plan(using, sorted(values))
        params = list(plan.params)
        for position, name in plan.slots:
            params[position] = values[name]
        return plan, params

    def _plan(self, using, names):
        # an integer mark is a value no key takes, within any integer column's range
        marks = {
            name: _NUMBER_MARK + at if name in self._numbers else _Mark(name)
            for at, name in enumerate(names)
        }
        named = {mark: name for name, mark in marks.items() if name in self._numbers}
        queryset = self._build(**marks).order_by()[:1]
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [
            (at, str(param) if isinstance(param, _Mark) else named[param])
            for at, param in enumerate(params)
            if isinstance(param, _Mark) or (type(param) is int and param in named)
        ]
        if sorted(name for _at, name in slots) != names:
            raise ValueError(f"each of {names} must become one parameter, as it is")
        fields = compiler.klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        plan = _Plan(
            sql=sql,
            params=list(params),
            slots=slots,
            model=compiler.klass_info["model"],
            start=start,
            end=end,
            width=len(compiler.select),
            init_list=[column[0].target.attname for column in compiler.select[start:end]],
            converters=compiler.get_converters([column[0] for column in compiler.select]),
            populators=get_related_populators(compiler.klass_info, compiler.select, using),
        )
        self._plans[using] = plan
        return plan


_NUMBER_MARK = 2_147_480_000


class _Mark(str):
    """Where a value goes in a prepared lookup's parameters (a string, so fields take it)."""

    __slots__ = ()


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: list
    slots: list  # (position in params, the value's name)
    model: type
    start: int
    end: int
    width: int  # the columns of its row
    init_list: list
    converters: dict
    populators: list

    def instance(self, row, db):
        """The row as the ORM builds it: the model instance with its related ones."""
        if self.converters:
            row = list(row)
            for position, (converters, expression) in self.converters.items():
                for converter in converters:
                    row[position] = converter(row[position], expression, db)
        instance = self.model.from_db(db.alias, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, instance)
        return instance


@dataclass(frozen=True)
class BoundLookup:
    lookup: PreparedLookup
    values: dict

    def first(self, *, using=DEFAULT_DB_ALIAS):
        return self.lookup.first(using=using, **self.values)


def first_of_each(*lookups: BoundLookup, using=DEFAULT_DB_ALIAS) -> list:
    """What each lookup's `first()` returns (its instance, or None), read in one statement:
    each lookup is a subquery LEFT JOINed to a single row, so a lookup that finds nothing
    leaves its columns empty and the others still come back."""
    db = connections[using]
    filled = [bound.lookup._filled(using, bound.values) for bound in lookups]
    joins = " ".join(
        f"LEFT JOIN ({plan.sql}) AS found{n} ON 1 = 1" for n, (plan, _p) in enumerate(filled)
    )
    columns = ", ".join(f"found{n}.*" for n in range(len(filled)))
    # each subquery is a statement the ORM compiled; every value is a parameter
    sql = f"SELECT {columns} FROM (SELECT 1 AS one) AS one {joins}"  # noqa: S608
    with db.cursor() as cursor:
        execute_hot(cursor, sql, [value for _plan, params in filled for value in params])
        row = cursor.fetchone()
    found, at = [], 0
    for plan, _params in filled:
        part, at = row[at : at + plan.width], at + plan.width
        # a row the lookup found has its primary key; an empty join has no value at all
        found.append(None if all(value is None for value in part) else plan.instance(part, db))
    return found


def insert_together(parent, children, *, using=DEFAULT_DB_ALIAS):
    """Insert `parent` and `children` (new instances whose foreign key points at `parent`)
    as `save()` would, in one statement on PostgreSQL (a CTE; each its own INSERT
    elsewhere), and give each its primary key. As with `bulk_create`, no model signals
    are sent: for rows nobody subscribes to (a reservation, its lines, its first event)."""
    db = connections[using]
    if db.vendor != "postgresql":  # one INSERT each, and no signals here either
        for instance in (parent, *children):
            type(instance)._base_manager.db_manager(using).bulk_create([instance])
        return
    instances = [parent, *children]
    sql, shapes = _insert_shape(db, [type(instance) for instance in instances])
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection=db)
        for instance, (fields, link) in zip(instances, shapes, strict=True)
        for field in fields
        if field is not link
    ]
    with db.cursor() as cursor:
        execute_hot(cursor, sql, params)
        found = cursor.fetchone()
    for instance, pk in zip(instances, found, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, using
    for child, (_fields, link) in zip(children, shapes[1:], strict=True):
        setattr(child, link.attname, parent.pk)


_shapes: dict = {}  # (database, models) -> the statement and each row's fields and link


def _insert_shape(db, models):
    """The statement inserting one row of each of `models` (the first the parent, each
    other linked to it) and, per row, the fields `save()` would insert and the link to the
    parent (its value comes from the statement): built once per database and models."""
    key = (db.alias, tuple(models))
    if key not in _shapes:
        parent, shapes, inserts = models[0], [], []
        for n, model in enumerate(models):
            meta = model._meta
            link = _link(model, parent) if n else None
            fields = [f for f in meta.local_concrete_fields if f is not meta.pk and not f.generated]
            shapes.append((fields, link))
            name = "parent" if n == 0 else f"child{n}"
            inserts.append(f"{name} AS ({_insert_sql(meta, fields, link, db)})")
        names = ["parent", *(f"child{n}" for n in range(1, len(models)))]
        ids = ", ".join(f"(SELECT id FROM {name})" for name in names)  # noqa: S608 (our names)
        _shapes[key] = (f"WITH {', '.join(inserts)} SELECT {ids}", shapes)
    return _shapes[key]


def _link(child, parent):
    return next(
        field
        for field in child._meta.local_concrete_fields
        if field.is_relation and field.related_model is parent
    )


def _insert_sql(meta, fields, link, db):
    quote = db.ops.quote_name
    marks = ", ".join("(SELECT id FROM parent)" if f is link else "%s" for f in fields)
    columns = ", ".join(quote(field.column) for field in fields)
    # the models' own table and column names; every value is a parameter
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({marks}) RETURNING {quote(meta.pk.column)} AS id"
    )


def execute_hot(cursor, sql, params=()):
    """`cursor.execute(sql, params)` for a statement a hot path runs on every request, with
    its parameters as `%s` marks (a list) or `%(name)s` marks (a dict). On PostgreSQL it is
    planned once per connection (PREPARE, with `$n` marks) and run with EXECUTE, its values
    quoted as for any statement; the server may then keep one generic plan for it (for
    statements that find their rows by a unique key, where one plan fits every value). Off
    with O2O_DB_PREPARE_HOT_STATEMENTS (behind a pooler that moves sessions between server
    connections, a prepared name would not be found)."""
    db = cursor.db
    if db.vendor != "postgresql" or not settings.O2O_DB_PREPARE_HOT_STATEMENTS:
        cursor.execute(sql, params)
        return
    statement = _server_statement(sql)
    raw = db.connection  # a new connection (reconnected, recycled) has none prepared
    prepared = getattr(raw, "o2o_prepared", None)
    if prepared is None:
        prepared = raw.o2o_prepared = set()
    if statement.name not in prepared:
        # PREPARE is not undone by a rollback; no values, so no marks are read in it
        raw.execute(statement.prepare)
        prepared.add(statement.name)
    values = params if statement.names is None else [params[name] for name in statement.names]
    cursor.execute(statement.execute, values)


@dataclass(frozen=True)
class _ServerStatement:
    name: str
    prepare: str  # PREPARE name AS the statement with $1, $2...
    execute: str  # EXECUTE name (%s, %s...)
    names: tuple | None  # the named values in $ order; None when the marks are %s


_MARKS = re.compile(r"%\((\w+)\)s|%s|%%")
_server_statements: dict[str, _ServerStatement] = {}


def _server_statement(sql):
    statement = _server_statements.get(sql)
    if statement is None:
        names, positional = [], []

        def number(mark):
            if mark.group(0) == "%%":
                return "%"
            if mark.group(1) is None:
                positional.append(mark)
                return f"${len(positional)}"
            if mark.group(1) not in names:
                names.append(mark.group(1))
            return f"${names.index(mark.group(1)) + 1}"

        body = _MARKS.sub(number, sql)
        if names and positional:
            raise ValueError("a statement's marks are all %s or all %(name)s")
        name = "o2o_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
        marks = ", ".join(["%s"] * (len(names) or len(positional)))
        statement = _server_statements[sql] = _ServerStatement(
            name=name,
            prepare=f"PREPARE {name} AS {body}",
            execute=f"EXECUTE {name} ({marks})" if marks else f"EXECUTE {name}",
            names=tuple(names) if names else None,
        )
    return statement
