"""manage.py extract_geography_sample [--source ../shared/data] [--dest tutti/geography/data/sample]

Writes the small sample that tests and the demo import: the same file names and formats as
the real files, with their lines copied unchanged (header, BOM and quoting included).
Deterministic: running it again on the same files writes the same bytes.

What it keeps:

* postcodes: every postcode in the districts NW1, NW5, N7, WC1* (Camden/Islington), HR1, HR4
  (Herefordshire); every 40th in CF10 (Cardiff) and EH1 (Edinburgh) and every 20th in BT1
  (Belfast), plus CF10 3AT and EH1 2NG and the demo people's postcodes
  (tutti/demo/data/postcodes.csv), so that `make run` places every demo person; 30 English
  postcodes drawn at random from each IMD 2025 decile and 30 from Wales; the first 5 with no
  grid reference, the first 5 that took the `nearest` LSOA, the first 3 `NPT …` and `W1M …`
  (terminated, not valid by BS 7666: the importer must reject them); the postcodes of the GP
  practices kept;
* areas: the IMD 2025 and centroid rows of the kept LSOA 2021s, the RUC 2011 and WIMD 2019
  rows of the kept LSOA 2011s, the first 10 SIMD and NIMDM rows (the derived lookup has no
  Scottish or NI areas, so these only exercise the importer);
* every local authority row;
* GP practices: those whose postcode is in Camden (E09000007) or Herefordshire
  (E06000019), the first 40 rows of the file, and 10 closed and 10 non-GP organisations.
"""

import csv
import gzip
import io
import random
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

POSTCODES = "postcode_lsoa_lookup_uk_derived_nspl_may2025.csv.gz"
DISTRICTS = {"NW1", "NW5", "N7", "HR1", "HR4"}
SAMPLED_DISTRICTS = {"CF10": 40, "EH1": 40, "BT1": 20}
ALWAYS = {"CF10 3AT", "EH1 2NG"}
SAMPLE_LAS = {"E09000007", "E06000019"}  # Camden, Herefordshire
PER_DECILE = 30
SEED = 2025


def _lines(path):
    """(raw line, parsed cells) for each line of a text file, header included."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        for line in handle:
            cells = next(csv.reader([line.lstrip("\ufeff")]), [])
            yield line, cells


def _write(path, lines):
    data = "".join(lines).encode("utf-8")
    if path.suffix == ".gz":
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", fileobj=buffer, mode="wb", mtime=0) as gz:
            gz.write(data)
        data = buffer.getvalue()
    path.write_bytes(data)
    return len(data)


class Command(BaseCommand):
    help = "Extract the committed geography sample from the full files."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(settings.BASE_DIR.parent / "shared" / "data"))
        parser.add_argument(
            "--dest", default=str(Path(__file__).resolve().parents[2] / "data" / "sample")
        )

    def handle(self, *args, **options):
        source, dest = Path(options["source"]), Path(options["dest"])
        demo_file = settings.BASE_DIR / "tutti" / "demo" / "data" / "postcodes.csv"
        with open(demo_file, newline="") as handle:
            always = ALWAYS | {row["postcode"] for row in csv.DictReader(handle)}
        if not (source / POSTCODES).exists():
            raise CommandError(f"{source / POSTCODES}: not found.")
        dest.mkdir(parents=True, exist_ok=True)
        rng = random.Random(SEED)

        imd = {}
        for _, cells in list(_lines(source / "imd2025_england_lsoa21.csv"))[1:]:
            imd[cells[0]] = int(cells[6])

        gp_lines = list(_lines(source / "epraccur.csv"))
        gp_postcodes = {cells[9] for _, cells in gp_lines}

        keep = {}  # line number -> raw line
        gp_postcode_la = {}
        gp_postcode_line = {}
        reservoirs = {decile: [] for decile in range(1, 11)}
        reservoirs["wales"] = []
        seen = {key: 0 for key in reservoirs}
        counters = {district: 0 for district in SAMPLED_DISTRICTS}
        firsts = {"nogrid": 5, "nearest": 5, "NPT": 3, "W1M": 3}
        header = None
        for number, (line, cells) in enumerate(_lines(source / POSTCODES)):
            if number == 0:
                header = line
                continue
            postcode, lat, _, lsoa21, _, lad, method = cells
            outward = postcode.split(" ")[0]
            if postcode in gp_postcodes:
                gp_postcode_la[postcode] = lad
                gp_postcode_line[postcode] = (number, line)
            if outward in DISTRICTS or outward.startswith("WC1") or postcode in always:
                keep[number] = line
                continue
            if outward in SAMPLED_DISTRICTS:
                counters[outward] += 1
                if counters[outward] % SAMPLED_DISTRICTS[outward] == 1:
                    keep[number] = line
                continue
            special = (
                "nogrid"
                if not lat
                else "nearest"
                if method == "nearest"
                else outward
                if outward in ("NPT", "W1M")
                else None
            )
            if special and firsts[special]:
                firsts[special] -= 1
                keep[number] = line
                continue
            bucket = imd.get(lsoa21) if lsoa21.startswith("E") else "wales" if lsoa21 else None
            if bucket is not None:
                # Reservoir sampling: a uniform draw of PER_DECILE rows from each bucket.
                seen[bucket] += 1
                if len(reservoirs[bucket]) < PER_DECILE:
                    reservoirs[bucket].append((number, line))
                else:
                    slot = rng.randrange(seen[bucket])
                    if slot < PER_DECILE:
                        reservoirs[bucket][slot] = (number, line)
        for rows in reservoirs.values():
            keep.update(rows)

        # GP practices
        kept_gp = []
        closed = other = 0
        for index, (line, cells) in enumerate(gp_lines):
            in_area = gp_postcode_la.get(cells[9]) in SAMPLE_LAS
            take = in_area or index < 40
            if not take and cells[12] == "C" and closed < 10:
                closed += 1
                take = True
            if not take and cells[25] != "4" and other < 10:
                other += 1
                take = True
            if take:
                kept_gp.append(line)
                if cells[9] in gp_postcode_line:
                    number, postcode_line = gp_postcode_line[cells[9]]
                    keep[number] = postcode_line
        sizes = {
            POSTCODES: _write(dest / POSTCODES, [header] + [keep[n] for n in sorted(keep)]),
            "epraccur.csv": _write(dest / "epraccur.csv", kept_gp),
        }

        lsoa21s, lsoa11s = set(), set()
        for line in keep.values():
            cells = next(csv.reader([line]))
            lsoa21s.add(cells[3])
            lsoa11s.add(cells[4])
        lsoa21s.discard("")
        lsoa11s.discard("")

        def copy(name, keep_row):
            lines = list(_lines(source / name))
            kept = [lines[0][0]] + [line for line, cells in lines[1:] if keep_row(cells)]
            sizes[name] = _write(dest / name, kept)

        copy("la_all_codes.csv", lambda cells: True)
        copy("imd2025_england_lsoa21.csv", lambda cells: cells[0] in lsoa21s)
        copy("lsoa21_lookup_centroids_ew.csv", lambda cells: cells[0] in lsoa21s)
        copy("ruc2011_lsoa11_england_wales.csv", lambda cells: cells[0] in lsoa11s)
        copy("wimd2019_wales_lsoa11.csv", lambda cells: cells[0] in lsoa11s)
        first = {
            "simd2020v2_scotland_datazone2011.csv": 10,
            "nimdm2017_northern_ireland_soa2001.csv": 10,
        }
        for name, n in first.items():
            lines = [line for line, _ in _lines(source / name)][: n + 1]
            sizes[name] = _write(dest / name, lines)

        for name, size in sorted(sizes.items()):
            self.stdout.write(f"{name}: {size:,} bytes")
        self.stdout.write(
            f"{len(keep):,} postcodes, {len(lsoa21s):,} LSOA 2021, {len(kept_gp):,} GP rows; "
            f"{sum(sizes.values()):,} bytes in {dest}"
        )
