"""Lighthouse scores of the map, a feature page and a layer page, served and static, phone and desktop presets.

    .venv/bin/python bench/lighthouse.py [--rounds 3] [--targets served,static]   (rewrites its section of RESULTS.md)

Lighthouse (the npm devDependency, pinned in package.json) drives Debian's Chromium (headless, no sandbox). The
served site is ``python -m web serve`` on a free loopback port; the static site is ``cqatlas build`` served as
files by Debian's nginx (gzip level 5 for text). Both are started and stopped here. Every round visits every page and preset in
turn (rounds interleaved); the tables give the median score of the rounds and the audits that fell short in them.
The full JSON reports stay in build/lighthouse/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import LOCAL, PYTHON, REPO, WORK, atlas_command, free_port, loadavg, process  # noqa: E402

OUT = REPO / "build" / "lighthouse"
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PRESETS = ("mobile", "desktop")
HEADING = "## Lighthouse: map, feature and layer pages"
FEATURE, LAYER = "liangjiang-new-area", "development_zones"
# The same three pages on each site: the served one answers by route, the static one by file.
PAGES = {
    "served": {"map": "/", "feature": f"/features/{FEATURE}", "layer": f"/layers/{LAYER}"},
    "static": {"map": "/index.html", "feature": f"/features/{FEATURE}.html", "layer": f"/layers/{LAYER}.html"},
}
# Timings Lighthouse reports without weighing them (the table gives the weighed ones).
TIMING_AUDITS = {"interactive", "max-potential-fid", "first-meaningful-paint"}
TIMINGS = {"largest-contentful-paint": "LCP", "total-blocking-time": "TBT", "first-contentful-paint": "FCP",
           "cumulative-layout-shift": "CLS"}


def run_lighthouse(url: str, preset: str, report: Path) -> dict:
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
               # The online base tiles: this machine has no internet, so they would only fail (and log errors the
               # page cannot help); blocked, Lighthouse counts them as not loaded. Everything else is on loopback.
               "--blocked-url-patterns=https://*"]
    if preset == "desktop":
        command.append("--preset=desktop")
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                            timeout=300, check=False)
    if result.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse failed on {url} ({preset}): {result.stderr[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def summary(lhr: dict) -> dict:
    """Scores (0–100), the timings, and what fell short: audits scored below 1 in each category, and the
    performance opportunities with their estimated savings."""
    audits = lhr["audits"]
    scores = {name: round(100 * lhr["categories"][name]["score"]) for name in CATEGORIES}
    timings = {short: audits[key].get("numericValue") for key, short in TIMINGS.items() if key in audits}
    failed = {}
    for name in CATEGORIES:
        for ref in lhr["categories"][name]["auditRefs"]:
            audit = audits[ref["id"]]
            if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") in (
                    "binary", "numeric", "metricSavings") and (name != "performance" or not (
                        ref.get("group") in ("metrics", "hidden") or ref["id"] in TIMING_AUDITS)):
                failed[ref["id"]] = (name, f"{audit['title']}" + (f" ({audit['displayValue']})"
                                                                    if audit.get("displayValue") else ""))
    opportunities = {key: title for key, (name, title) in failed.items() if name == "performance"}
    failed = {key: title for key, (name, title) in failed.items() if name != "performance"}
    for key, audit in audits.items():
        savings = (audit.get("details") or {}).get("overallSavingsMs") or 0
        wasted = (audit.get("details") or {}).get("overallSavingsBytes") or 0
        if audit.get("details", {}).get("type") == "opportunity" and (savings > 0 or wasted > 0) and audit.get("score", 1) != 1:
            opportunities[key] = f"{audit['title']} (~{savings:.0f} ms, {wasted / 1024:.0f} KiB)"
    return {"scores": scores, "timings": timings, "failed": failed, "opportunities": opportunities}


# A static host as one is usually set up: Debian's nginx, its MIME types, gzip for text at level 5 (the level HTML5
# Boilerplate's nginx server configs set; nginx's own default, 1, sent the map page 40 % larger than the served site,
# whose responses are compressed once, with brotli or gzip at level 6).
NGINX_STATIC = """
daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types; types {{ application/geo+json geojson; }}
    access_log off; client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    gzip on; gzip_comp_level 5;
    gzip_types text/css application/javascript application/json image/svg+xml application/xml;
    server {{ listen {host}:{port}; root {root}; }}
}}
"""


def static_site(stack: ExitStack, port: int) -> str:
    site, work = OUT / "site", WORK / "nginx-static"
    subprocess.run([PYTHON, "-m", "web", "build", "--out", str(site), "--site-url", f"http://{LOCAL}:{port}/"],
                   cwd=REPO, check=True, capture_output=True)
    work.mkdir(parents=True, exist_ok=True)
    (work / "nginx.conf").write_text(NGINX_STATIC.format(work=work, host=LOCAL, port=port, root=site))
    return stack.enter_context(process(["/usr/sbin/nginx", "-p", str(work), "-c", str(work / "nginx.conf"),
                                        "-e", str(work / "error.log")], port))


def measure(targets: list[str], rounds: int) -> dict[tuple[str, str, str], list[dict]]:
    results: dict[tuple[str, str, str], list[dict]] = {}
    with ExitStack() as stack:
        bases = {}
        for target in targets:
            port = free_port()
            # Publishing the atlas takes a while on a busy machine: the server gets ten minutes to start.
            bases[target] = (stack.enter_context(process(atlas_command(port, "--workers", "1"), port, startup=600))
                             if target == "served" else static_site(stack, port))
        for round_number in range(rounds):
            for target in targets:
                for page, path in PAGES[target].items():
                    for preset in PRESETS:
                        report = OUT / f"{target}-{page}-{preset}-r{round_number + 1}.json"
                        lhr = run_lighthouse(bases[target] + path, preset, report)
                        results.setdefault((target, page, preset), []).append(summary(lhr))
                        print(target, page, preset, results[(target, page, preset)][-1]["scores"], flush=True)
    return results


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):g}"


def section(results: dict[tuple[str, str, str], list[dict]], rounds: int) -> list[str]:
    results = {key: results[key] for key in sorted(results, key=lambda k: (
        list(PAGES).index(k[0]), list(PAGES["served"]).index(k[1]), PRESETS.index(k[2])))}
    version = json.loads((REPO / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    lines = [HEADING, "",
             f"Lighthouse {version} (npm, pinned) driving {chromium} (`--headless=new --no-sandbox`), {rounds} rounds "
             "interleaved over every site, page and preset; medians of the rounds (min–max in brackets where the "
             "rounds differed). *served*: `python -m web serve --workers 1` on loopback; *static*: `cqatlas build` "
             "served as files by Debian's nginx (gzip level 5 for text). Online base tiles blocked (no internet "
             "here). Pages: the map (`/`), the feature page of "
             f"`{FEATURE}`, the layer page of `{LAYER}`, in English. Mobile is Lighthouse's default (simulated "
             "slow 4G, 4× CPU slowdown), desktop its `--preset=desktop`. Runner: `bench/lighthouse.py`; JSON "
             "reports in `build/lighthouse/`.", "",
             "| site | page | preset | Performance | Accessibility | Best Practices | SEO | LCP s | TBT ms | CLS |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for (target, page, preset), runs in results.items():
        cells = []
        for name in CATEGORIES:
            values = [run["scores"][name] for run in runs]
            spread = f" ({min(values)}–{max(values)})" if min(values) != max(values) else ""
            cells.append(_median(values) + spread)
        timing = {key: statistics.median(run["timings"].get(key) or 0 for run in runs) for key in ("LCP", "TBT", "CLS")}
        lines.append(f"| {target} | {page} | {preset} | {' | '.join(cells)} | {timing['LCP'] / 1000:.1f} | "
                     f"{timing['TBT']:.0f} | {timing['CLS']:.3f} |")
    lines += ["", "What fell short (audits below full score, in how many of the runs of that page), and the "
                  "largest performance opportunities Lighthouse estimated:", ""]
    for (target, page, preset), runs in results.items():
        failed = Counter(key for run in runs for key in run["failed"])
        opportunities = Counter(key for run in runs for key in run["opportunities"])
        titles = {**{k: v for run in runs for k, v in run["failed"].items()},
                  **{k: v for run in runs for k, v in run["opportunities"].items()}}
        # The categories' failures first (they cost whole points), then performance's largest; each counted once.
        items = [f"{titles[key]} [{count}/{len(runs)}]"
                 for key, count in [*failed.most_common(), *opportunities.most_common(5)]]
        lines.append(f"- {target} {page} {preset}: " + ("; ".join(items) if items else "nothing"))
    return lines + [""]


def write_section(results_file: Path, lines: list[str]) -> None:
    """Replace this section in RESULTS.md (or append it), leaving the other sections as they are."""
    text = results_file.read_text(encoding="utf-8") if results_file.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    if start >= 0:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + text[end + 1:] if end >= 0 else text[:start]
    results_file.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--targets", default="served,static", help="served, static or both (comma-separated)")
    parser.add_argument("--no-write", action="store_true", help="print the section; leave RESULTS.md alone")
    parser.add_argument("--reports", type=Path, help="summarise the JSON reports of an earlier run in this folder "
                        "(named <site>-<page>-<preset>-r<round>.json) instead of measuring")
    args = parser.parse_args()
    if args.reports:
        results: dict[tuple[str, str, str], list[dict]] = {}
        for report in sorted(args.reports.glob("*-r*.json"), key=lambda p: int(p.stem.rpartition("-r")[2])):
            results.setdefault(tuple(report.stem.split("-")[:3]), []).append(
                summary(json.loads(report.read_text(encoding="utf-8"))))
        print("\n".join(section(results, max(len(runs) for runs in results.values()))))
        return
    targets = args.targets.split(",")
    if set(targets) - set(PAGES):
        parser.error(f"targets are {', '.join(PAGES)}")
    OUT.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    before, when = loadavg(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = measure(targets, args.rounds)
    lines = section(results, args.rounds)
    lines[1:1] = ["", f"_Measured {when}; load average (1/5/15 min) {before} at its start, {loadavg()} at its end._"]
    print("\n".join(lines))
    if not args.no_write:
        write_section(REPO / "bench" / "RESULTS.md", lines)


if __name__ == "__main__":
    main()
