"""Report tables: what the page, the CSV and XLSX files and the JSON all show, cell for cell.

A Table has columns (each says what kind of figure it holds), rows and an optional total row.
Values are plain numbers (already rounded as shown), text, or a suppression marker. Columns of
kind PEOPLE are counts of people: `Table.suppressed()` hides the small ones, and whatever would
give them away (see suppression.py).
"""

from dataclasses import dataclass, field, replace

from tutti.reports.suppression import HIDDEN, THRESHOLD, suppress

LABEL = "label"
PEOPLE = "people"  # a count of people: suppressed for commissioners
COUNT = "count"  # a count of sessions, hours, attendances: never about few enough people
PERCENT = "percent"
NUMBER = "number"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = COUNT
    # For derived figures: hidden when any of these cells in the row is hidden, and when the
    # people count `n` (a column key) is under 5.
    derived_from: tuple = ()
    n: str | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list  # dicts: column key -> value
    total: dict | None = None
    note: str = ""
    # Groups within a row: ((part keys), total key), e.g. improved + no change + worse = n.
    row_sums: tuple = ()
    # Links to the list behind a cell (filled by the view for roles that may see the lists):
    # {(row index or "total", column key): url}. Never part of exports.
    links: dict = field(default_factory=dict)

    @property
    def people_columns(self):
        return [c.key for c in self.columns if c.kind == PEOPLE]

    def all_rows(self):
        return [*self.rows, *([self.total] if self.total is not None else [])]

    def suppressed(self):
        """A copy with small counts of people hidden, and anything that would reveal them.

        Each people column is treated as adding up to its total even where a person can be
        in more than one row (people by programme): hiding more than needed is safe."""
        values, groups = {}, []
        keyed = list(enumerate(self.rows)) + ([("total", self.total)] if self.total else [])
        for index, row in keyed:
            for column in self.people_columns:
                if isinstance(row.get(column), int):
                    values[(index, column)] = row[column]
        for column in self.people_columns:
            parts = [(i, column) for i in range(len(self.rows)) if (i, column) in values]
            total = ("total", column) if ("total", column) in values else None
            groups.append((parts, total))
        for index, _ in keyed:
            for part_keys, total_key in self.row_sums:
                parts = [(index, k) for k in part_keys if (index, k) in values]
                total = (index, total_key) if (index, total_key) in values else None
                groups.append((parts, total))
        result = suppress(values, groups)

        def hide(index, row):
            row = dict(row)
            for column in self.people_columns:
                marker = result.marker((index, column))
                if marker:
                    row[column] = marker
            for column in self.columns:
                if column.kind not in (PERCENT, NUMBER) or not (column.derived_from or column.n):
                    continue
                sources = [row.get(key) for key in column.derived_from]
                n = row.get(column.n) if column.n else None
                if any(isinstance(v, str) for v in sources) or (
                    column.n and (isinstance(n, str) or (n is not None and n < THRESHOLD))
                ):
                    if row.get(column.key) is not None:
                        row[column.key] = HIDDEN
            return row

        rows = [hide(i, row) for i, row in enumerate(self.rows)]
        total = hide("total", self.total) if self.total else None
        return replace(self, rows=rows, total=total)

    def as_dict(self):
        return {
            "title": self.title,
            "columns": [{"key": c.key, "title": c.title} for c in self.columns],
            "rows": [[row.get(c.key) for c in self.columns] for row in self.rows],
            "total": [self.total.get(c.key) for c in self.columns] if self.total else None,
            "note": self.note,
        }


@dataclass
class Figure:
    key: str
    label: str
    value: object
    people: bool = False  # a count of people: "<5" for commissioners when small
    unit: str = ""  # "%", "hours"


def figure_suppressed(figure):
    if figure.people and isinstance(figure.value, int) and 0 < figure.value < THRESHOLD:
        return replace(figure, value="<5")
    return figure


def rounded(value, places=0):
    """A figure rounded as shown: whole numbers as int, None stays None."""
    if value is None:
        return None
    if places == 0:
        return int(round(value))
    return round(float(value), places)
