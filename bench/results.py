"""Appending a run's figures to bench/RESULTS.md, with the date and the command."""

import datetime

from bench.ingest import ROOT


def record(title, command, text):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as handle:
        handle.write(f"\n## {title}, {stamp}\n\n`{command}`\n\n{text}\n")
