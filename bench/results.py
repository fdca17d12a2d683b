"""Appending a run's figures to bench/RESULTS.md, with the date and the command."""

import datetime
import sys

from bench.ingest import ROOT


def record(title, command, text):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as handle:
        handle.write(f"\n## {title}, {stamp}\n\n`{command}`\n\n{text}\n")


def command_line(target):
    """The make command that reruns this benchmark with the arguments it was given."""
    args = " ".join(arg for arg in sys.argv[1:] if arg != "--no-record")
    return f'make {target} BENCH_ARGS="{args}"' if args else f"make {target}"
