"""A report as CSV, XLSX or JSON: the same figures and tables as the page, cell for cell."""

import csv
import io
import json

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from tutti.reports.presenters import DEFINITIONS, ReportView

# A spreadsheet would run a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _heading_rows(view: ReportView):
    rows = [[view.title], ["Period", view.period]]
    rows += [[label, value] for label, value in view.filters.items()]
    if view.suppressed:
        rows.append(
            [
                "Small numbers",
                "Counts of 1 to 4 people are shown as <5; [c] hides a figure that would give "
                "one away",
            ]
        )
    return rows


def _table_rows(table):
    data = table.as_dict()
    rows = [[c["title"] for c in data["columns"]], *data["rows"]]
    if data["total"]:
        rows.append(data["total"])
    return rows


def as_csv(view: ReportView) -> str:
    out = io.StringIO()
    writer = csv.writer(out)

    def write(row):
        writer.writerow([_safe(cell) for cell in row])

    for row in _heading_rows(view):
        write(row)
    write([])
    write(["Figure", "Value"])
    for figure in view.figures:
        write([figure.label, figure.value])
    for table in view.tables:
        write([])
        write([table.title])
        for row in _table_rows(table):
            write(row)
        if table.note:
            write([table.note])
    return out.getvalue()


def as_xlsx(view: ReportView) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    summary = book.active
    summary.title = "Summary"
    for row in _heading_rows(view):
        summary.append([_safe(cell) for cell in row])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    summary.append(["Figure", "Value"])
    summary.cell(summary.max_row, 1).font = summary.cell(summary.max_row, 2).font = bold
    for figure in view.figures:
        summary.append([figure.label, _safe(figure.value)])
    summary.append([])
    summary.append(["How the figures are counted"])
    summary.cell(summary.max_row, 1).font = bold
    for term, meaning in DEFINITIONS:
        summary.append([term, meaning])
    summary.column_dimensions["A"].width = 44
    summary.column_dimensions["B"].width = 80
    for number, table in enumerate(view.tables, start=1):
        # Sheet names: 31 characters at most, and unique.
        sheet = book.create_sheet(f"{number} {table.title}"[:31].rstrip())
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        rows = _table_rows(table)
        for index, row in enumerate(rows):
            sheet.append([_safe(cell) for cell in row])
            if index == 0 or (table.total is not None and index == len(rows) - 1):
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        sheet.column_dimensions["A"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_json(view: ReportView) -> str:
    return json.dumps(view.as_dict(), indent=2, ensure_ascii=False)


def _file_stem(view: ReportView):
    stem = f"{view.title} {view.params.get('from', '')} to {view.params.get('to', '')}"
    if "programme" in view.params:
        stem += f" {view.params['programme']}"
    return stem.lower().replace(" ", "-")


def download(view: ReportView, fmt: str) -> HttpResponse:
    stem = _file_stem(view)
    if fmt == "csv":
        response = HttpResponse(as_csv(view), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            as_xlsx(view),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(as_json(view), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
