"""Load check of the browser app: step latency, concurrent sessions, and a memory soak.

It measures step latency early and late in a run, steps many sessions at once, and opens and
closes sessions one after another while reading the server's memory.

Run from the project root (after ``./start`` or ``./run-tests`` has made ``.venv``)::

    .venv/bin/python benchmarks/load_check.py                  # every phase (about 8 minutes)
    .venv/bin/python benchmarks/load_check.py --sessions 3 --seconds 20 --soak-sessions 10
    .venv/bin/python benchmarks/load_check.py --sessions 0 --soak-sessions 1 --against ../main

It serves the app (``viz/app.py``) on 127.0.0.1 with no internet, as ``./start`` does, and
drives it with headless Debian chromium (``/usr/bin/chromium``) through Playwright, in four
phases:

1. **one session**: a single tab steps the default live run (the ``pilot`` scenario, seed 1)
   ``--single-steps`` times, from day 0 (reset at a year);
2. **by day**: one tab measures ``--day-steps`` steps from day 7 (days 7 to 77), runs on with
   "Run 13 weeks" to day 1,001 and measures as many steps from there: the median of each is
   the figure for the target "a step answered in under 200 ms, at day 10 as at day 1,000".
   With ``--against DIR`` (another checkout, such as main's) its app is served too, from its
   own code, and a tab of each takes turns step by step: before and after, side by side;
3. **load**: ``--sessions`` tabs, each its own session with its own model, step for
   ``--seconds`` seconds at once, each pausing ``--think`` seconds on average (from 0.5 to 1.5
   times that, drawn at random) between steps, as an analyst reading the charts would;
4. **soak**: ``--soak-sessions`` tabs opened one after another, each stepping twice and then
   closed (the page navigates away, as closing a tab does, which tells the server); the
   server's resident memory is read after each. Target: after the last, within 10% of its
   level after the first (the first session loads the model's code and data once).

A step's latency is measured inside the page: from the click on "Step a week" to the page
showing the new day ("answered"), and to the browser's next two animation frames after that,
by which time ECharts has drawn the new week ("drawn"). Errors counted: a step not answered
within ``--step-timeout`` seconds, an error message in the page, an uncaught page error, and a
traceback in the server's output. It prints the median and 95th percentile of both latencies
for each phase and the soak's memory, and exits with status 1 if any error happened. This is a
script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve_app  # noqa: E402

APP = ROOT / "viz" / "app.py"
STEP_DAYS = 7
RESET_AFTER_DAY = 364
TARGET_MEDIAN_MS = 200.0
QUARTER_DAYS = 91  # the page's "Run 13 weeks"
LATE_DAY = 1_000
SOAK_TARGET = 1.10  # memory after the last soak session, at most this times after the first
SOAK_SETTLE_SECONDS = 2.0  # after a tab closes, for the server to free its session

# Clicks "Step a week" and resolves with [answered ms, drawn ms] once the page shows `target`.
STEP_IN_PAGE = """
async (target) => {
  const button = [...document.querySelectorAll('button')]
    .find((b) => b.textContent.trim().toLowerCase() === 'step a week');
  const start = performance.now();
  const shown = () => document.body.textContent.includes(target);
  button.click();
  await new Promise((resolve) => {
    if (shown()) { resolve(); return; }
    const observer = new MutationObserver(() => {
      if (shown()) { observer.disconnect(); resolve(); }
    });
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  });
  const answered = performance.now() - start;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [answered, performance.now() - start];
}
"""


@dataclass
class Phase:
    """Latencies and errors of one phase of the check."""

    name: str
    sessions: int
    answered_ms: list[float] = field(default_factory=list)
    drawn_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict:
        """Counts, medians and 95th percentiles, in milliseconds."""
        return {
            "phase": self.name,
            "sessions": self.sessions,
            "steps": len(self.answered_ms),
            "errors": len(self.errors),
            "answered_median_ms": _median(self.answered_ms),
            "answered_p95_ms": _p95(self.answered_ms),
            "drawn_median_ms": _median(self.drawn_ms),
            "drawn_p95_ms": _p95(self.drawn_ms),
        }


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


async def current_day(page) -> int:
    """The day the page's run has reached."""
    caption = await page.get_by_text(re.compile(r"^Day \d+:")).inner_text()
    return int(re.match(r"Day (\d+):", caption).group(1))


async def open_session(browser, url: str, phase: Phase):
    """A fresh tab (its own browser context, so its own solara session) showing day 0."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda error: phase.errors.append(f"page error: {error}"))
    await page.goto(url)
    await page.get_by_text(re.compile(r"^Day 0:")).wait_for(timeout=180_000)
    return page


async def step_once(
    page, phase: Phase, step_timeout: float, reset_after_day: int | None = RESET_AFTER_DAY
) -> None:
    """One measured step; a reset first when the run has reached ``reset_after_day``."""
    day = await current_day(page)
    if reset_after_day is not None and day >= reset_after_day:
        await page.get_by_role("button", name="Reset").click()
        await page.get_by_text(re.compile(r"^Day 0:")).wait_for(timeout=step_timeout * 1000)
        day = 0
    try:
        answered, drawn = await asyncio.wait_for(
            page.evaluate(STEP_IN_PAGE, f"Day {day + STEP_DAYS}:"), step_timeout
        )
    except TimeoutError:
        phase.errors.append(f"a step from day {day} was not answered within {step_timeout:g} s")
        return
    phase.answered_ms.append(answered)
    phase.drawn_ms.append(drawn)
    if await page.locator(".v-alert").count():
        phase.errors.append(
            f"error message after day {day}: {await page.locator('.v-alert').first.inner_text()}"
        )


async def single_session(browser, url: str, steps: int, step_timeout: float) -> Phase:
    """One tab stepping the default run ``steps`` times, one step after another."""
    phase = Phase("one session", 1)
    page = await open_session(browser, url, phase)
    for _ in range(steps):
        await step_once(page, phase, step_timeout)
        await asyncio.sleep(0.3)  # let the browser settle, as a user would between clicks
    await page.context.close()
    return phase


async def under_load(
    browser, url: str, sessions: int, seconds: float, think: float, step_timeout: float, seed: int
) -> Phase:
    """``sessions`` tabs stepping at once for ``seconds`` seconds."""
    phase = Phase("load", sessions)
    pages = [await open_session(browser, url, phase) for _ in range(sessions)]
    deadline = time.monotonic() + seconds

    async def keep_stepping(page, pauses: random.Random) -> None:
        await asyncio.sleep(pauses.uniform(0, think))  # so the tabs do not click in step
        while time.monotonic() < deadline:
            await step_once(page, phase, step_timeout)
            await asyncio.sleep(think * pauses.uniform(0.5, 1.5))

    await asyncio.gather(
        *(keep_stepping(page, random.Random(seed + n)) for n, page in enumerate(pages))
    )
    for page in pages:
        await page.context.close()
    return phase


async def by_day(browser, urls: dict[str, str], steps: int, step_timeout: float) -> list[Phase]:
    """A tab a server: ``steps`` steps from day 7, then as many from the first day past 1,000.

    With more than one server (``--against``), the tabs take turns step by step, so that the
    machine's drifting load hits each alike.
    """
    pages, phases = {}, {}
    for label, url in urls.items():
        early, late = Phase(f"from day 7{label}", 1), Phase(f"from day {LATE_DAY}{label}", 1)
        pages[label] = await open_session(browser, url, early)
        await step_once(pages[label], early, step_timeout)  # to day 7, not counted
        early.answered_ms.clear()
        early.drawn_ms.clear()
        phases[label] = (early, late)
    await take_turns(pages, {label: pair[0] for label, pair in phases.items()}, steps, step_timeout)
    for label, page in pages.items():
        phases[label][1].name = f"from day {await run_on(page, LATE_DAY)}{label}"
    await take_turns(pages, {label: pair[1] for label, pair in phases.items()}, steps, step_timeout)
    for page in pages.values():
        await page.context.close()
    return [phase for pair in phases.values() for phase in pair]


async def take_turns(pages: dict, phases: dict[str, Phase], steps: int, step_timeout: float):
    """``steps`` measured steps of each tab, the tabs taking turns."""
    for _ in range(steps):
        for label, page in pages.items():
            await step_once(page, phases[label], step_timeout, reset_after_day=None)
            await asyncio.sleep(0.3)  # let the browser settle, as a user would between clicks


async def run_on(page, to_day: int) -> int:
    """Run the tab's run on to the first step at or past ``to_day``; returns that day."""
    day = await current_day(page)
    while day + QUARTER_DAYS <= to_day:
        await page.get_by_role("button", name="Run 13 weeks").click()
        day += QUARTER_DAYS
        await page.get_by_text(re.compile(rf"^Day {day}:")).wait_for(timeout=180_000)
    while day < to_day:
        await page.get_by_role("button", name="Step a week").click()
        day += STEP_DAYS
        await page.get_by_text(re.compile(rf"^Day {day}:")).wait_for(timeout=60_000)
    return day


@dataclass
class Soak:
    """The server's resident memory (MiB) after each session of the soak closed."""

    rss_mib: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def ratio(self) -> float:
        """Memory after the last session over memory after the first."""
        return self.rss_mib[-1] / self.rss_mib[0] if len(self.rss_mib) > 1 else float("nan")


def server_pid(port: int) -> int:
    """The process id of the solara server serving ``port`` (read from /proc)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            words = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"run" in words and b"--port" in words and str(port).encode() in words:
            if any(word.endswith(b"solara") for word in words[:2]):
                return int(proc.name)
    raise RuntimeError(f"no solara server found serving port {port}")


def rss_mib(pid: int) -> float:
    """Resident memory of a process, MiB (VmRSS in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def soak(browser, url: str, sessions: int, pid: int, step_timeout: float) -> Soak:
    """Open ``sessions`` tabs one after another, step each twice, close it, read the memory."""
    result = Soak()
    phase = Phase("soak", 1)
    for number in range(1, sessions + 1):
        page = await open_session(browser, url, phase)
        for _ in range(2):
            await step_once(page, phase, step_timeout)
        await page.goto("about:blank")  # leaving the page tells the server, as closing a tab does
        await page.context.close()
        await asyncio.sleep(SOAK_SETTLE_SECONDS)
        result.rss_mib.append(rss_mib(pid))
        if number == 1 or number % 5 == 0:
            print(f"load check: soak, {number} sessions closed: {result.rss_mib[-1]:.0f} MiB")
    result.errors = phase.errors
    return result


async def check(args: argparse.Namespace) -> tuple[list[Phase], Soak]:
    """Serve the app and run every phase against it."""
    from playwright.async_api import async_playwright

    port = free_port()
    with (
        tempfile.TemporaryFile(mode="w+", prefix="load-check-server-") as log,
        serve_app(APP, port, log=log) as url,
        serve_against(args.against) as against,
    ):
        pid = server_pid(port)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            print(f"load check: app at {url}; one session, {args.single_steps} steps", flush=True)
            phases = [await single_session(browser, url, args.single_steps, args.step_timeout)]
            print(
                f"load check: one session, {args.day_steps} steps from day 7 and from day "
                f"{LATE_DAY}",
                flush=True,
            )
            urls = {"": url, **({f" ({args.against.name})": against} if args.against else {})}
            phases += await by_day(browser, urls, args.day_steps, args.step_timeout)
            if args.sessions:
                print(
                    f"load check: {args.sessions} sessions for {args.seconds:g} s, "
                    f"about {args.think:g} s between a session's steps",
                    flush=True,
                )
                phases.append(
                    await under_load(
                        browser,
                        url,
                        args.sessions,
                        args.seconds,
                        args.think,
                        args.step_timeout,
                        args.seed,
                    )
                )
            print(f"load check: soak, {args.soak_sessions} sessions opened and closed", flush=True)
            soaked = await soak(browser, url, args.soak_sessions, pid, args.step_timeout)
            await browser.close()
        log.flush()
        log.seek(0)
        if "Traceback" in log.read():
            phases[-1].errors.append("the server printed a traceback")
    return phases, soaked


@contextmanager
def serve_against(checkout: Path | None):
    """Serve another checkout's app (its code first on the path); yields its URL, or None."""
    if checkout is None:
        yield None
        return
    root = checkout.resolve()
    with serve_app(root / "viz" / "app.py", env={"PYTHONPATH": str(root)}) as url:
        yield url


def report(phases: list[Phase]) -> None:
    """Print the figures of each phase and the targets."""
    print()
    print(
        f"{'phase':<22} {'sessions':>8} {'steps':>6} {'errors':>6} "
        f"{'answered median':>16} {'answered p95':>13} {'drawn median':>13} {'drawn p95':>10}"
    )
    for phase in phases:
        f = phase.figures()
        print(
            f"{f['phase']:<22} {f['sessions']:>8} {f['steps']:>6} {f['errors']:>6} "
            f"{f['answered_median_ms']:>13.0f} ms {f['answered_p95_ms']:>10.0f} ms "
            f"{f['drawn_median_ms']:>10.0f} ms {f['drawn_p95_ms']:>7.0f} ms"
        )
        for error in phase.errors[:10]:
            print(f"  error: {error}")
    for phase in [phase for phase in phases if phase.name.startswith("from day")]:
        median = phase.figures()["answered_median_ms"]
        verdict = "met" if median < TARGET_MEDIAN_MS else "NOT met"
        print(
            f"target: a step answered in under {TARGET_MEDIAN_MS:.0f} ms (median, one session) "
            f"{phase.name}: {median:.0f} ms, {verdict}"
        )
    errors = sum(len(phase.errors) for phase in phases)
    print(f"target: no error under load, every step answered: {errors} errors")


def report_soak(soaked: Soak) -> None:
    """Print the soak's memory figures and its target."""
    if not soaked.rss_mib:
        return
    first, last, peak = soaked.rss_mib[0], soaked.rss_mib[-1], max(soaked.rss_mib)
    verdict = "met" if soaked.ratio() <= SOAK_TARGET else "NOT met"
    print(
        f"soak: {len(soaked.rss_mib)} sessions opened and closed; server memory after the "
        f"first {first:.0f} MiB, highest {peak:.0f} MiB, after the last {last:.0f} MiB "
        f"({100 * (soaked.ratio() - 1):+.1f}%)"
    )
    print(f"target: within {100 * (SOAK_TARGET - 1):.0f}% of the first: {verdict}")
    for error in soaked.errors[:10]:
        print(f"  error: {error}")


def main(argv: list[str] | None = None) -> int:
    """Run the check; exit status 1 if any error happened."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sessions", type=int, default=10, help="concurrent tabs (default 10; 0: no load phase)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="load phase length (60)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between steps, s")
    parser.add_argument("--single-steps", type=int, default=30, help="steps of phase 1 (30)")
    parser.add_argument(
        "--day-steps", type=int, default=10, help="steps measured at each day of phase 2 (10)"
    )
    parser.add_argument(
        "--soak-sessions", type=int, default=30, help="sessions opened and closed (30)"
    )
    parser.add_argument("--step-timeout", type=float, default=30.0, help="seconds (30)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the pauses' jitter")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout: its app is served too and stepped by day, turn about with this",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"load check: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    phases, soaked = asyncio.run(check(args))
    phases = [phase for phase in phases if phase.answered_ms or phase.errors]  # 0 steps asked
    report(phases)
    report_soak(soaked)
    if args.json:
        figures = {
            "phases": [phase.figures() for phase in phases],
            "soak_rss_mib": soaked.rss_mib,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if any(phase.errors for phase in phases) or soaked.errors else 0


if __name__ == "__main__":
    sys.exit(main())
