"""New rows in bulk, with the audit entries django-auditlog would write for each of them.

`insert_rows(objects)` stores new (unsaved) instances of one model as `bulk_create` would,
with the same field conversions (`pre_save`, `get_db_prep_save`), and sets their ids. It
skips the per-value cost of Django's SQL compiler, which was most of a 10,000-row import:
the ids are taken from the table's own sequence first (so the referral rows can point at
their people before either is written), then the rows go in by COPY on PostgreSQL and by one
INSERT statement run for every row (executemany) on SQLite. Like `bulk_create`, it calls no
`save()` and sends no signals: callers write the audit entries with `log_created`.

`insert_one(obj)` stores one new instance the same way, with an INSERT … RETURNING its id:
the JSON API's person, referral and first event, for which Django's `save()` machinery was
about a quarter of a request.

`sent_together(using, reserve=models)` runs a block's statements, on PostgreSQL, without
waiting for each answer (psycopg's pipeline mode): Python waits only where it reads a result
(a SELECT's rows) and once at the end. Ids for one new row of each model in `reserve` are
asked for at the start, in the same trip as the block's first read, so that `insert_one`
needs no RETURNING and nothing to wait for. A referral sent through the JSON API was twelve
trips to the server, each one a wait of a few tenths of a millisecond on top of the
server's work; it is five.

`log_created(objects, actor)` writes what auditlog's post-save receiver writes for each
created object (one LogEntry each: content type, primary key, repr, the changes from nothing,
actor, correlation id, and the request's address when auditlog's middleware has set it), in
one statement per 500. `diff_plan(model)` computes the changes about ten times faster than
auditlog's `model_instance_diff`; a test pins the two to the same answer.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from functools import cache

from django.db import connections, models, router, transaction
from django.db.models import DateField, DateTimeField, JSONField
from django.db.models.fields import Field
from django.db.models.signals import post_save, pre_save
from django.utils.encoding import smart_str

BATCH_SIZE = 500


def insert_rows(objects, *, batch_size=BATCH_SIZE):
    """Store these new instances (all of one model) and set their ids. Runs in the caller's
    transaction (or one of its own); raises IntegrityError as `bulk_create` would."""
    if not objects:
        return objects
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if connection.vendor not in ("postgresql", "sqlite") or meta.parents:
        return model.objects.using(alias).bulk_create(objects, batch_size=batch_size)
    fields = list(meta.concrete_fields)
    convert = [_converter(f) for f in fields]
    # Only fields whose pre_save does more than read the value (auto_now dates) are asked.
    ask = [type(f).pre_save is not Field.pre_save for f in fields]
    steps = list(zip(fields, convert, ask, strict=True))
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            for obj, pk in zip(batch, _new_ids(cursor, connection, meta, len(batch)), strict=True):
                obj._prepare_related_fields_for_save(operation_name="insert_rows")
                obj.pk = pk
            rows = [
                [
                    to_db(f.pre_save(obj, True) if pre else getattr(obj, f.attname), connection)
                    for f, to_db, pre in steps
                ]
                for obj in batch
            ]
            _insert(connection, meta, fields, rows, cursor=cursor)
            for obj in batch:
                obj._state.adding = False
                obj._state.db = alias
    return objects


def insert_one(obj, *, signals=False, need_id=True):
    """Store one new instance as `save()` would (the same conversions, the database giving
    its id), without `save()`'s signals unless asked for (pre_save and post_save, as a
    `save()` sends them): callers write its audit entry with `log_created`. For the JSON API,
    where a referral is three new rows and Django's save machinery was a quarter of the
    request. With `need_id=False` a row whose id the database gives is written without
    asking for it back (nothing to wait for inside `sent_together`); its pk stays None."""
    model = type(obj)
    alias = router.db_for_write(model)
    connection = connections[alias]
    if signals:
        pre_save.send(model, instance=obj, raw=False, using=alias, update_fields=None)
    if connection.vendor not in ("postgresql", "sqlite") or model._meta.parents:
        model.objects.using(alias).bulk_create([obj])
    else:
        _insert_one(obj, connection, alias, need_id=need_id)
    if signals:
        post_save.send(
            model, instance=obj, created=True, update_fields=None, raw=False, using=alias
        )
    return obj


def _insert_one(obj, connection, alias, *, need_id=True):
    model = type(obj)
    reserved = _reserved.get()
    given = None
    if reserved is not None and reserved.alias == alias and obj.pk is None:
        given = reserved.take(model)
    if given is not None:
        obj.pk = given
    sql, steps, pk_field = _one_plan(model, alias, with_pk=given is not None, returning=need_id)
    obj._prepare_related_fields_for_save(operation_name="insert_one")
    values = [
        to_db(f.pre_save(obj, True) if pre else getattr(obj, f.attname), connection)
        for f, to_db, pre in steps
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if pk_field is not None:  # the database gave the id
            (pk,) = cursor.fetchone()
            setattr(obj, pk_field.attname, pk)
    obj._state.adding = False
    obj._state.db = alias


_one_plans = {}


def _one_plan(model, alias, *, with_pk=False, returning=True):
    """The INSERT statement for one row of this model, how to fill it, and the field to set
    from what it returns (None: nothing to read back). Where the database gives the id, the
    row goes in without one and … RETURNING it if `returning`; a row `with_pk` (an id
    reserved from the sequence, or a model whose id is not generated) goes in with it."""
    key = (model, alias, with_pk, returning)
    if key not in _one_plans:
        connection = connections[alias]
        meta = model._meta
        generated = meta.auto_field is not None and meta.pk is meta.auto_field
        leave_out_pk = generated and not with_pk
        fields = [f for f in meta.concrete_fields if not (leave_out_pk and f.primary_key)]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        read_back = leave_out_pk and returning
        if read_back:
            sql += f" RETURNING {quote(meta.pk.column)}"
        steps = [
            (f, _converter(f, remember=False), type(f).pre_save is not Field.pre_save)
            for f in fields
        ]
        _one_plans[key] = (sql, steps, meta.pk if read_back else None)
    return _one_plans[key]


_reserved = ContextVar("tutti_reserved_ids", default=None)


@contextmanager
def sent_together(using="default", *, reserve=()):
    """Run the block's statements without waiting for each answer, on PostgreSQL (see the
    module docstring); elsewhere (SQLite answers in-process) just run the block. Use inside
    a transaction: a statement's error (a unique NHS number taken a moment ago) is raised
    where Python next waits, at the latest on leaving the block, as Django's error."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    import psycopg

    if not psycopg.Pipeline.is_supported():
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        reserved = _Reserved(connection, reserve) if reserve else None
        token = _reserved.set(reserved)
        try:
            yield
        finally:
            _reserved.reset(token)
            if reserved is not None:
                reserved.cursor.close()


class _Reserved:
    """An id for one new row of each of these models, from their tables' sequences, asked
    for now and read when the first is taken (by then a read has brought the answer)."""

    def __init__(self, connection, models):
        self.alias = connection.alias
        self.models = tuple(models)
        self.cursor = connection.cursor()
        self.cursor.execute(_reserve_sql(connection.alias, self.models))
        self.ids = None

    def take(self, model):
        if model not in self.models:
            return None
        if self.ids is None:
            self.ids = dict(zip(self.models, self.cursor.fetchone(), strict=True))
        return self.ids.pop(model, None)


@cache
def _reserve_sql(alias, models):
    """SELECT nextval(…) of each model's id sequence (written once: this is on every API call)."""
    quote = connections[alias].ops.quote_name
    sequences = ", ".join(
        f"nextval(pg_get_serial_sequence('{quote(m._meta.db_table)}', '{m._meta.pk.column}'))"
        for m in models
    )
    return f"SELECT {sequences}"


def _insert(connection, meta, fields, rows, *, cursor=None):
    """Rows of database values for these fields: a few in one INSERT; many by COPY on
    PostgreSQL, else by one INSERT run for each (executemany)."""
    if cursor is None:
        with connection.cursor() as cursor:
            return _insert(connection, meta, fields, rows, cursor=cursor)
    table, columns = _names(connection, meta.db_table, tuple(f.column for f in fields))
    if len(rows) <= FEW:
        row = f"({', '.join(['%s'] * len(fields))})"
        params = [value for values in rows for value in values]
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(rows))}", params
        )
    elif connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
    else:
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


FEW = 10  # rows a single INSERT takes more cheaply than COPY


_quoted = {}


def _names(connection, table, columns):
    """The table's and the columns' names, quoted for this database (worked out once)."""
    key = (connection.vendor, table, columns)
    if key not in _quoted:
        quote = connection.ops.quote_name
        _quoted[key] = quote(table), ", ".join(quote(column) for column in columns)
    return _quoted[key]


# Field classes whose database value is the Python value itself when it is of these types
# (their get_db_prep_save returns such a value unchanged): skipping the call is the same.
_UNCHANGED = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.EmailField: (str,),
    models.BooleanField: (bool,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
}


def _converter(field, *, remember=True):
    """A function (value, connection) -> the database value, as `get_db_prep_save` gives."""
    prep = field.get_db_prep_save
    target = field.target_field if type(field) is models.ForeignKey else field
    kinds = _UNCHANGED.get(type(target))
    if kinds:

        def convert(value, connection):
            if value is None or type(value) in kinds:
                return value
            return prep(value, connection)

        return convert
    if remember and isinstance(field, DateField):  # DateTimeField too: rows share moments
        done = {}

        def convert(value, connection):
            if value not in done:
                done[value] = prep(value, connection)
            return done[value]

        return convert
    return prep


def _new_ids(cursor, connection, meta, count):
    """`count` ids no other row has or will be given."""
    table, column = meta.db_table, meta.pk.column
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # nextval is safe under concurrency; a rolled-back import leaves a gap, as inserts do.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(table), column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())
    # SQLite: Django's tables are AUTOINCREMENT, so an id once used (even by a row since
    # deleted) is in sqlite_sequence and never handed out again. The transaction holds the
    # database's write lock (BEGIN IMMEDIATE), so no one else can take these ids meanwhile.
    cursor.execute(
        f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"coalesce((SELECT max({quote(column)}) FROM {quote(table)}), 0))",
        [table],
    )
    last = cursor.fetchone()[0]
    return range(last + 1, last + 1 + count)


def log_created(objects, actor=None):
    """One auditlog CREATE entry per object, as auditlog's receivers would write them after
    each `save()`, written at once. Nothing is written while auditlog is disabled."""
    from auditlog.context import auditlog_disabled

    if auditlog_disabled.get():
        return 0
    content_types = {}  # Django keeps them, but asking it 30,000 times adds up
    return _write_entries([_snapshot(obj, content_types) for obj in objects], actor)


_plans = {}


def _snapshot(obj, content_types):
    """What auditlog's LogEntry for this object's creation holds besides the context: its
    content type, primary key, repr, changes, serialized data and additional data."""
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    model = type(obj)
    # How to describe each model, worked out once (for the auditlog settings in force).
    key = (
        model,
        settings.AUDITLOG_STORE_JSON_CHANGES,
        settings.AUDITLOG_USE_FK_STRING_REPRESENTATION,
    )
    if key not in _plans:
        _plans[key] = (diff_plan(model), auditlog.get_serialize_options(model)["serialize_data"])
    changes, serialize = _plans[key]
    if model not in content_types:
        content_types[model] = ContentType.objects.get_for_model(model).pk
    content_type = content_types[model]
    additional = getattr(obj, "get_additional_data", None)
    return (
        content_type,
        obj.pk,
        smart_str(obj),
        changes(obj),
        LogEntry.objects._get_serialized_data_or_none(obj) if serialize else None,
        additional() if callable(additional) else None,
    )


def _write_entries(snapshots, actor):
    """The LogEntry rows for these snapshots. What is the same for every entry (action,
    actor, correlation id, time, the request's address) is worked out once, on a LogEntry
    given to pre_save as `save()` would give it: that is how auditlog's middleware and
    `set_actor` fill in the signed-in user and the address."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry

    if not snapshots:
        return 0
    alias = router.db_for_write(LogEntry)
    connection = connections[alias]
    template = LogEntry(
        action=LogEntry.Action.CREATE,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        cid=get_cid(),
    )
    pre_save.send(LogEntry, instance=template, raw=False, using=alias, update_fields=None)
    fields, at = _entry_fields()
    fixed = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
    changes, serialized, additional = (
        fields[at[name]] for name in ("changes", "serialized_data", "additional_data")
    )
    rows = []
    for content_type, pk, text, diff, data, extra in snapshots:
        row = list(fixed)
        row[at["content_type"]] = content_type
        row[at["object_pk"]] = str(pk)
        row[at["object_id"]] = pk if isinstance(pk, int) else None
        row[at["object_repr"]] = text
        row[at["changes"]] = changes.get_db_prep_save(diff, connection)
        if data is not None:
            row[at["serialized_data"]] = serialized.get_db_prep_save(data, connection)
        if extra is not None:
            row[at["additional_data"]] = additional.get_db_prep_save(extra, connection)
        rows.append(row)
    for start in range(0, len(rows), BATCH_SIZE):
        _insert(connection, LogEntry._meta, fields, rows[start : start + BATCH_SIZE])
    return len(rows)


@cache
def _entry_fields():
    """LogEntry's columns but its id (the database gives it), and where each one is."""
    from auditlog.models import LogEntry

    fields = [f for f in LogEntry._meta.concrete_fields if not f.primary_key]
    return fields, {f.name: i for i, f in enumerate(fields)}


def diff_plan(model):
    """A function giving what auditlog's `model_instance_diff(None, obj)` gives for a new row.
    Models with masked fields, or settings that change auditlog's format, use auditlog's own."""
    from auditlog.diff import model_instance_diff
    from auditlog.registry import auditlog
    from django.conf import settings

    options = auditlog.get_model_fields(model)
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in options["exclude_fields"]
        and (not options["include_fields"] or f.name in options["include_fields"])
    ]
    if (
        options["mask_fields"]
        or settings.AUDITLOG_STORE_JSON_CHANGES
        or settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
    ):
        names = [f.name for f in fields]
        return lambda obj: model_instance_diff(None, obj, fields_to_check=names)
    steps = []
    for field in fields:
        if isinstance(field, DateTimeField):
            steps.append((field.name, field.attname, "datetime", None))
        elif isinstance(field, JSONField):
            steps.append((field.name, field.attname, "json", field.encoder))
        elif field.is_relation:
            steps.append((field.name, field.attname, "relation", None))
        else:
            steps.append((field.name, field.attname, "plain", None))

    # smart_str as auditlog applies it, without the call where the answer is known: a str is
    # itself, None is "None" (an unchanged value, left out), an aware datetime is its UTC
    # time without the zone (timezone.make_naive), a related id is str(id).
    def changes(obj):
        diff = {}
        for name, attname, kind, encoder in steps:
            value = getattr(obj, attname)
            if kind == "plain":
                if value is None:
                    continue
                text = value if type(value) is str else smart_str(value)
                if text != "None":
                    diff[name] = ("None", text)
            elif kind == "json":
                diff[name] = ("None", json.dumps(value, sort_keys=True, cls=encoder))
            elif kind == "datetime" and value is not None and value.utcoffset() is not None:
                diff[name] = ("None", str(value.astimezone(UTC).replace(tzinfo=None)))
            elif kind == "relation":
                diff[name] = ("None", str(value))
            else:  # auditlog lists an empty date as ("None", "None")
                diff[name] = ("None", smart_str(value))
        return diff or None

    return changes
