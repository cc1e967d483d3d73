"""The report in sentences, as an annual report puts it, from the figures already shown (so a
hidden small number stays hidden in the words too)."""


def number(value, unit=""):
    """12345 → "12,345"; a suppression marker stays as it is; None → "no"."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        text = f"{value:,.2f}"
    else:
        text = f"{value:,}"
    return f"{text}{unit}"


def plural(value, one, many):
    return one if value == 1 else many


def impact_sentences(view):
    f = {figure.key: figure.value for figure in view.figures}
    sessions = view.table("sessions")
    kinds = {row["code"]: row["sessions"] for row in sessions.rows}
    sentences = []
    if not f["sessions"]:
        sentences.append(f"No sessions were delivered from {view.period}.")
    else:
        parts = [
            f"{number(kinds.get('individual', 0))} individual",
            f"{number(kinds.get('group', 0))} group",
            f"{number(kinds.get('community', 0))} community",
        ]
        places = []
        if f["own_sites"]:
            places.append(f"{plural(f['own_sites'], 'our own centre', 'our own centres')}")
        if f["partners"]:
            places.append(
                f"{number(f['partners'])} partner "
                f"{plural(f['partners'], 'organisation', 'organisations')}"
            )
        where = f" through {' and '.join(places)}" if places else ""
        sentences.append(
            f"{number(f['sessions'])} music therapy "
            f"{plural(f['sessions'], 'session', 'sessions')} delivered{where} "
            f"({', '.join(parts)}): {number(f['hours'])} hours of therapy."
        )
    nations = [
        row
        for row in view.table("nations").rows
        if row["code"] and row["hours"] and len(view.table("nations").rows) > 1
    ]
    if nations:
        sentences.append(
            "Hours by nation: "
            + "; ".join(f"{number(row['hours'])} in {row['nation']}" for row in nations)
            + "."
        )
    people = f["people"]
    if people:
        sentences.append(
            f"{number(people)} {plural(people, 'person', 'people')} accessed our services, "
            "each counted once."
        )
    if f["community_headcount"]:
        sentences.append(
            f"{number(f['community_headcount'])} places were taken at community events."
        )
    if f["referrals"]:
        sentences.append(f"{number(f['referrals'])} new referrals were received.")
    if f["attendance_rate"] is not None:
        sentences.append(f"Attendance was {number(f['attendance_rate'])}%.")
    for table in view.tables:
        if not table.key.startswith("feedback_"):
            continue
        for row in table.rows:
            if isinstance(row["percent"], int) and isinstance(row["n"], int):
                statement = row["statement"].rstrip(".")
                statement = statement[0].lower() + statement[1:]
                sentences.append(
                    f"{row['percent']}% agreed that {statement} "
                    f"(n = {number(row['n'])}; {table.title.lower()})."
                )
    return sentences
