"""Appending a run's figures to bench/RESULTS.md, with the date and the command, and keeping
the table at its top that holds the latest figure of every target."""

import datetime
import re
import sys
import time

from bench.ingest import ROOT

RESULTS = ROOT / "bench" / "RESULTS.md"
TABLE_START = "<!-- latest: rewritten by bench/results.py -->"
TABLE_END = "<!-- /latest -->"
HEADER = "| target | latest figure | verdict | measured | command |\n|---|---|---|---|---|\n"


def record(title, command, text, latest=None):
    """Append `text` under `title`; `latest` maps a target's row name ("T5b endpoint /
    raw twin") to (figure, verdict), which replace that row of the table at the top."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    document = RESULTS.read_text(encoding="utf-8")
    document += f"\n## {title}, {stamp}\n\n`{command}`\n\n{machine_speed()}\n\n{text}\n"
    if latest:
        document = with_latest(document, latest, stamp, command)
    RESULTS.write_text(document, encoding="utf-8")


def machine_speed():
    """One line saying how fast this machine's CPU was when the run was recorded: these
    machines are shared, and the same code has measured 2-3x apart on different days."""
    started = time.process_time()
    total = 0
    for number in range(10**7):
        total += number
    seconds = time.process_time() - started
    return (
        f"Machine speed when recorded: a 10^7-step Python loop took {seconds:.2f} s of CPU "
        "(0.25 s on 2026-12-07 at 22:00 UTC, a fast hour; slow days on this machine class run "
        "Python about 2x slower, and the launch and HTTP ratios drop with it)."
    )


def _sort_key(name):
    number = re.match(r"T(\d+)", name)
    return (int(number.group(1)) if number else 99, name)


def with_latest(document, latest, stamp, command):
    rows = {}
    if TABLE_START in document:
        head, rest = document.split(TABLE_START, 1)
        table, tail = rest.split(TABLE_END, 1)
        for line in table.splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) == 5 and cells[0] not in ("target", "---"):
                rows[cells[0]] = cells[1:]
    else:
        first_section = document.index("\n## ")
        head, tail = document[:first_section] + "\n", document[first_section:]
    for name, (figure, verdict) in latest.items():
        rows[name] = [figure, f"**{verdict}**", stamp, f"`{command}`"]
    table = HEADER + "".join(
        f"| {name} | {' | '.join(rows[name])} |\n" for name in sorted(rows, key=_sort_key)
    )
    return f"{head}{TABLE_START}\n{table}{TABLE_END}\n\n{tail.lstrip(chr(10))}"


def command_line(target):
    """The make command that reruns this benchmark with the arguments it was given."""
    args = " ".join(arg for arg in sys.argv[1:] if arg != "--no-record")
    return f'make {target} BENCH_ARGS="{args}"' if args else f"make {target}"
