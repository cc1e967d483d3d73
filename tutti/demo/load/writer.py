"""Fast bulk inserts for generated data: ids assigned here, rows written with COPY on
PostgreSQL and executemany on SQLite, straight into the tables (no model save, no signals, no
audit log: this is made-up load, not anyone's record).

Columns come from each model's metadata, so a field added later is filled with its default
(or "" for a blank text field, None for a nullable one) without touching this code.
"""

import json
from dataclasses import dataclass
from datetime import UTC

from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone


@dataclass
class _Table:
    model: type
    columns: list  # attnames, in order
    index: dict  # attname -> position
    template: list  # each column's default, converted; _MISSING where a value is required
    converters: dict  # attname -> function for this database
    next_id: int
    required: frozenset = frozenset()  # columns with no default


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    return _MISSING


_MISSING = object()


def _converter(field, vendor):
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v)
    if vendor != "sqlite":
        return None
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.TimeField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    return None


def _sqlite_datetime(value):
    """Django keeps SQLite datetimes as naive UTC text: "2025-04-01 09:30:00"."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ")


class Writer:
    """Collects rows per model and writes them in bulk; `flush()` writes everything held."""

    def __init__(self):
        self.vendor = connection.vendor
        self.now = timezone.now()
        self.tables = {}
        self.pending = {}
        self.written = {}
        if self.vendor == "postgresql" and not connection.in_atomic_block:
            # This session only: commits do not wait for the disk, and foreign keys are not
            # checked row by row (every id is given here, parents written before children;
            # `replica` needs a superuser, so without one the checks simply stay on).
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                try:
                    with transaction.atomic():
                        cursor.execute("SET session_replication_role = replica")
                except DatabaseError:
                    pass
        if self.vendor == "sqlite" and not connection.in_atomic_block:
            # This connection only: no fsync per commit, a larger page cache. A crash mid-load
            # loses the load, which can be made again.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA cache_size = -262144")

    def _table(self, model):
        if model not in self.tables:
            fields = [f for f in model._meta.concrete_fields]
            converters = {
                f.attname: c for f in fields if (c := _converter(f, self.vendor)) is not None
            }
            template = []
            for f in fields:
                value = _default(f, self.now)
                if value is not _MISSING and f.attname in converters:
                    value = converters[f.attname](value)
                template.append(value)
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(model._meta.db_table)
                pk = connection.ops.quote_name(model._meta.pk.column)
                cursor.execute(f"SELECT MAX({pk}) FROM {table}")
                last = cursor.fetchone()[0] or 0
            columns = [f.attname for f in fields]
            self.tables[model] = _Table(
                model,
                columns,
                {name: i for i, name in enumerate(columns)},
                template,
                converters,
                last + 1,
                frozenset(c for c, v in zip(columns, template, strict=True) if v is _MISSING),
            )
            self.pending[model] = []
        return self.tables[model]

    def new_id(self, model):
        table = self._table(model)
        table.next_id += 1
        return table.next_id - 1

    def add(self, model, **values):
        """Hold one row; returns its id."""
        table = self._table(model)
        if "id" not in values:
            values["id"] = self.new_id(model)
        row = table.template.copy()
        index, converters = table.index, table.converters
        for name, value in values.items():
            converter = converters.get(name)
            row[index[name]] = converter(value) if converter else value
        if not table.required <= values.keys():
            missing = ", ".join(sorted(table.required - values.keys()))
            raise ValueError(f"{model.__name__} needs a value for {missing}")
        self.pending[model].append(row)
        return values["id"]

    def flush(self):
        """Write every held row, parents before children (the order tables were first used)."""
        for model, rows in self.pending.items():
            if rows:
                self._write(self.tables[model], rows)
                self.written[model] = self.written.get(model, 0) + len(rows)
                rows.clear()

    def _write(self, table, rows):
        quote = connection.ops.quote_name
        name = quote(table.model._meta.db_table)
        columns = ", ".join(quote(table.model._meta.get_field(c).column) for c in table.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", rows)

    def reset_sequences(self):
        """PostgreSQL: move each id sequence past the ids given here."""
        if self.vendor != "postgresql":
            return
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
