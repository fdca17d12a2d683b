"""wrk, with everything that can go wrong in a run read back: timeouts, socket errors and
non-2xx answers. A run with any of them is not clean, and its ratio is not counted."""

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass

PERCENTILES = """
function done(summary, latency, requests)
  io.write(string.format("percentiles p50=%d p95=%d\\n",
    latency:percentile(50), latency:percentile(95)))
end
"""

ROTATE = """
local items = {items}
local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count * math.floor(#items / 2))
  thread_count = thread_count + 1
end
local counter = 0
"""

GET_EACH = """
function request()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. items[((offset + counter) % #items) + 1])
end
"""

POST_EACH = """
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  return wrk.format("POST", nil, nil, items[((offset + counter) % #items) + 1])
end
"""


@dataclass(frozen=True)
class Run:
    rps: float
    requests: int
    p50_ms: float
    p95_ms: float
    non_2xx: int
    socket_errors: dict

    @property
    def clean(self):
        return not self.non_2xx and not any(self.socket_errors.values())

    def describe(self):
        errors = ", ".join(f"{kind} {n}" for kind, n in self.socket_errors.items() if n)
        flags = []
        if self.non_2xx:
            flags.append(f"non-2xx {self.non_2xx}")
        if errors:
            flags.append(f"socket errors: {errors}")
        flag = f" **NOT CLEAN: {'; '.join(flags)}**" if flags else ", no errors"
        return f"{self.rps:,.0f} req/s, p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms{flag}"


def _lua(text):
    return "{" + ",".join(json.dumps(item) for item in text) + "}"


def script(*, paths=None, bodies=None):
    """A wrk script printing p50/p95; with `paths` (appended to the URL) or JSON `bodies`
    (POSTed), sending each in turn, the two threads from opposite ends of the list."""
    text = PERCENTILES
    if paths:
        text += ROTATE.replace("{items}", _lua(paths)) + GET_EACH
    elif bodies:
        text += ROTATE.replace("{items}", _lua(json.dumps(body) for body in bodies)) + POST_EACH
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(text)
    return handle.name


def run(url, lua, *, connections=16, threads=2, duration="8s", timeout="10s"):
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}",
            f"--timeout={timeout}",
            "-s",
            lua,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    p50, p95 = (int(us) / 1000 for us in re.search(r"p50=(\d+) p95=(\d+)", out).groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    kinds = ("connect", "read", "write", "timeout")
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        p50_ms=p50,
        p95_ms=p95,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(zip(kinds, map(int, sockets.groups()), strict=True))
        if sockets
        else dict.fromkeys(kinds, 0),
    )


def spread(ratios):
    """min / median / max of a list of ratios."""
    ordered = sorted(ratios)
    return ordered[0], ordered[len(ordered) // 2], ordered[-1]


def verdict(ratios, target, *, at_least=True):
    """'holds' when every ratio meets the target, 'misses' when none does, else 'within
    noise'; 'not counted' when a run was not clean (None in `ratios`)."""
    if not ratios or any(ratio is None for ratio in ratios):
        return "not counted (a run had errors)"
    meets = [ratio >= target if at_least else ratio <= target for ratio in ratios]
    if all(meets):
        return "holds"
    return "misses" if not any(meets) else "within noise"


def load_average():
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def cpu_times():
    """(the machine's busy CPU seconds, all cores, this process's own): read twice around
    a run, the differences say how busy the machine was and how much of it the client
    (this process) took."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    ticks = os.sysconf("SC_CLK_TCK")
    own = os.times()
    return (sum(fields) - idle) / ticks, own.user + own.system


def cpu_by_process():
    """{pid: (kind, CPU seconds so far)} of the processes on this machine, the kinds being
    gunicorn, postgres, redis, wrk, this benchmark (the client) and other. Two readings
    around a run go to `busy_by_kind`."""
    ticks, mine, found = os.sysconf("SC_CLK_TCK"), os.getpid(), {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                text = stat.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        if int(entry.name) == mine:
            kind = "client"
        elif "gunicorn" in command:
            kind = "gunicorn"
        elif name.startswith(("postgres", "postmaster")):
            kind = "postgres"
        elif name.startswith("redis"):
            kind = "redis"
        elif name == "wrk":
            kind = "wrk"
        else:
            kind = "other"
        found[int(entry.name)] = (kind, seconds)
    return found


def busy_by_kind(before, after):
    """CPU seconds each kind of process used between two `cpu_by_process` readings: a
    process started meanwhile counts whole; one that ended meanwhile is not seen (a
    database connection recycled during the run is missed: an undercount, never more)."""
    totals = {}
    for pid, (kind, seconds) in after.items():
        totals[kind] = totals.get(kind, 0.0) + seconds - before.get(pid, (kind, 0.0))[1]
    return totals
