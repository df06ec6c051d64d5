"""The documentation stands on its own (issue 17): every command's --help renders, every docs page
parses as Markdown, every link and every file a page names exists in the repository, the examples
marked runnable run against the demo fabric and exit as documented, the reference pages name every
column, field, kind and format the code has, and nothing refers to documents outside the repository."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from netdiag import inventory, model, parsers
from netdiag.cli import main
from netdiag.findings import Finding

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
MD_FILES = PAGES + [ROOT / "README.md", ROOT / "fixtures" / "demo" / "FAULTS.md"]
#: pages other engineers write; the index links them, test_planned_pages_exist says whether they do
OWNED_ELSEWHERE = {"exit-codes.md", "thresholds.md", "localization.md", "platforms.md", "scale.md",
                   "configuration.md", "location.md", "completeness.md"}
DEMO = ROOT / "fixtures" / "demo"
MD = MarkdownIt("commonmark").enable("table")


def _commands(cmd=main, path=("netdiag",)):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, path + (name,))


COMMANDS = list(_commands())


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_command_help_renders(path):
    r = CliRunner().invoke(main, list(path[1:]) + ["--help"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Usage:") and "--help" in r.output
    assert not re.search(r"SCHEMA\.md|DOMAIN\.md|ARCHITECTURE\.md|§", r.output)


def test_commands_page_has_a_section_per_command():
    text = (DOCS / "commands.md").read_text()
    heads = set(re.findall(r"^## (netdiag[ a-z-]*)$", text, re.M))
    leaves = {" ".join(p) for p, c in COMMANDS if not isinstance(c, click.Group)}
    assert leaves - heads == set()


def _slug(title: str) -> str:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes."""
    s = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return s.replace(" ", "-")


def _anchors(tokens) -> set[str]:
    out = set()
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            out.add(_slug(tokens[i + 1].content))
    return out


def _links(tokens):
    for t in tokens:
        for c in t.children or []:
            if c.type == "link_open":
                yield c.attrs.get("href", "")


@pytest.mark.parametrize("page", MD_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_renders_and_its_links_resolve(page):
    text = page.read_text(encoding="utf-8")
    tokens = MD.parse(text)
    assert MD.render(text).strip()
    assert text.count("```") % 2 == 0, "unbalanced code fence"
    # every table row has as many cells as its header (markdown would silently drop or pad cells)
    for block in re.findall(r"(?:^\|.*\|\n)+", text, re.M):
        widths = [len(re.split(r"(?<!\\)\|", ln.strip())) for ln in block.splitlines()]
        assert len(set(widths)) == 1, block
    bad = []
    for href in _links(tokens):
        if re.match(r"^[a-z]+://", href) or href.startswith("mailto:"):
            continue
        target, _, frag = href.partition("#")
        dest = (page.parent / target).resolve() if target else page
        if target and dest.name in OWNED_ELSEWHERE and dest.parent == DOCS:
            continue  # test_planned_pages_exist
        if not dest.exists():
            bad.append(f"{href}: no such file")
            continue
        if not dest.is_relative_to(ROOT):
            bad.append(f"{href}: outside the repository")
        if frag and dest.suffix == ".md" and frag not in _anchors(MD.parse(dest.read_text(encoding="utf-8"))):
            bad.append(f"{href}: no heading #{frag} in {dest.name}")
    assert bad == []


@pytest.mark.parametrize("name", sorted(OWNED_ELSEWHERE))
def test_planned_pages_exist(name):
    assert (DOCS / name).is_file(), f"docs/{name} is linked from docs/README.md but missing"
    text = (DOCS / name).read_text(encoding="utf-8")
    assert text.startswith("# ") and MD.render(text).strip()


def test_index_links_every_page():
    index = (DOCS / "README.md").read_text()
    linked = set(re.findall(r"\]\(([a-z0-9-]+\.md)\)", index))
    assert {p.name for p in PAGES} - {"README.md"} - linked == set()


_PATH = re.compile(r"`((?:netdiag|fixtures|tests|docs|benchmarks)/[A-Za-z0-9_./*-]+)`")


@pytest.mark.parametrize("page", MD_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_file_a_page_names_exists(page):
    missing = []
    for ref in _PATH.findall(page.read_text(encoding="utf-8")):
        ref = ref.rstrip(".")
        hits = list(ROOT.glob(ref)) if "*" in ref else [ROOT / ref]
        if not hits or not all(h.exists() for h in hits):
            missing.append(ref)
    assert missing == []


def _runnable_blocks(text: str):
    """Lines of the ```sh blocks preceded by a `<!-- runnable -->` line, with their expected exit."""
    for m in re.finditer(r"<!-- runnable -->\n```sh\n(.*?)```", text, re.S):
        for line in m.group(1).splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            cmd, _, note = line.partition("  # ")
            want = int(re.fullmatch(r"exit (\d+)", note.strip()).group(1)) if note else 0
            yield cmd, want


RUNNABLE = [(p, cmd, want) for p in MD_FILES for cmd, want in _runnable_blocks(p.read_text(encoding="utf-8"))]


def test_there_are_runnable_examples():
    assert len(RUNNABLE) >= 10
    assert {p.name for p, _, _ in RUNNABLE} >= {"commands.md", "inventory.md", "README.md"}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("docs-examples")


@pytest.mark.parametrize("page, cmd, want", RUNNABLE,
                         ids=[f"{p.name}:{i}" for i, (p, _, _) in enumerate(RUNNABLE)])
def test_runnable_examples_exit_as_documented(page, cmd, want, scratch):
    """Run in the repository with `netdiag` as this tree's CLI; /tmp/netdiag-demo is a scratch folder."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")
    env.pop("NO_COLOR", None)
    script = (f'netdiag() {{ "{sys.executable}" -m netdiag.cli "$@"; }}\n'
              + cmd.replace("/tmp/netdiag-demo", str(scratch)))
    r = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == want, f"{cmd}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"


_OUTSIDE = re.compile(r"SCHEMA\.md|DOMAIN\.md|ARCHITECTURE\.md|STYLE\.md|\.\./shared|shared/realworld|"
                      r"shared/design|/work/|/root/|/home/")


def _repo_files():
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        out = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    return [f for f in out if f and not f.startswith("tests/") and (ROOT / f).is_file()]


def test_nothing_outside_tests_refers_to_documents_outside_the_repository():
    hits = []
    for f in _repo_files():
        p = ROOT / f
        if p.stat().st_size > 2_000_000:
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if _OUTSIDE.search(line):
                hits.append(f"{f}:{n}: {line.strip()[:120]}")
    assert hits == []


def _code_names(page: str) -> set[str]:
    """Every inline code span of a page (`like_this`), as Markdown reads them."""
    return {c.content for t in MD.parse((DOCS / page).read_text()) for c in (t.children or [])
            if c.type == "code_inline"}


def test_tables_page_names_every_column():
    named = _code_names("tables.md")
    missing = []
    for table, spec in model.TABLES.items():
        for col, _ in spec:
            if col in model.THRESHOLD_COLUMNS:
                ok = "<sensor>_<level>" in named
            elif col.endswith("_bits") and col[:-5] in model.COUNTER_COLUMNS and col != "fec_corrected_bits":
                ok = "<counter>_bits" in named
            elif col.endswith("_window") and col[:-7] in model.WINDOW_COUNTERS:
                ok = "<counter>_window" in named and f"`{col[:-7]}`" in (DOCS / "tables.md").read_text()
            else:
                ok = col in named
            if not ok:
                missing.append(f"{table}.{col}")
    assert missing == []
    for table in model.TABLES:
        assert f"## {table} " in (DOCS / "tables.md").read_text()


def test_findings_page_names_every_field():
    named = _code_names("findings.md")
    r = CliRunner().invoke(main, ["sweep", "--inventory", str(DEMO / "devices.csv"), "--plan", str(DEMO / "cabling.csv"),
                                  "--capture", str(DEMO / "capture"), "--json"])
    out = json.loads(r.output)
    fields = set(Finding.__dataclass_fields__) | set(out["findings"][0]) | set(out["summary"]) | set(out["devices"][0])
    fields |= set(out["findings"][0]["suspects"][0]) | set(out["findings"][0]["symptoms"][0])
    assert fields - named == set()


def test_findings_page_names_every_ticket_field(tmp_path):
    r = CliRunner().invoke(main, ["sweep", "--inventory", str(DEMO / "devices.csv"), "--plan", str(DEMO / "cabling.csv"),
                                  "--capture", str(DEMO / "capture"), "--tickets", str(tmp_path)])
    assert r.exit_code == 2
    named = _code_names("findings.md")
    text = (DOCS / "findings.md").read_text()
    fields, ends = set(), set()
    for p in tmp_path.glob("*.json"):
        t = json.loads(p.read_text())
        fields |= set(t)
        for ln in t["links"]:
            fields |= set(ln)
            for e in (ln["a"], ln["b"]):
                if e:
                    ends |= set(e) | set(e.get("module") or {}) | set(e.get("thresholds") or {})
                    ends |= {k for lane in e["lanes"] for k in lane}
        for part in t["parts"]:
            fields |= set(part)
    assert fields - named == set()
    assert {k for k in ends if f"`{k}`" not in text} == set()


def _all_kinds() -> set[str]:
    import tomllib
    from importlib import resources

    from netdiag.fabric.cabling import SEVERITY

    pkg = resources.files("netdiag.health")
    diag = tomllib.loads(pkg.joinpath("diagnosis.toml").read_text())
    loc = tomllib.loads(pkg.joinpath("localize.toml").read_text())
    return (set(diag["kind"]) | {p["name"] for p in loc["pattern"]} | set(loc["shared"]["kind"].values())
            | set(SEVERITY))


def test_finding_kinds_page_names_every_kind():
    assert _all_kinds() - _code_names("finding-kinds.md") == set()


def test_inventory_page_lists_the_allowed_values():
    named = _code_names("inventory.md")
    for values in (inventory.platform_names(), inventory.ROLES, inventory.MEDIA,
                   inventory.DEVICE_COLUMNS + inventory.DEVICE_OPTIONAL, inventory.CABLE_COLUMNS + inventory.CABLE_OPTIONAL):
        assert set(values) - named == set()


def test_inventory_page_examples_validate(tmp_path):
    text = (DOCS / "inventory.md").read_text()
    blocks = re.findall(r"```\n(name,platform[^`]*|cable_id,a_device[^`]*)```", text)
    dev = next(b for b in blocks if b.startswith("name,") and "spine-p0-01" in b)
    cab = next(b for b in blocks if b.startswith("cable_id,") and "U07-0-1" in b)
    (tmp_path / "devices.csv").write_text(dev)
    (tmp_path / "cabling.csv").write_text(cab)
    inv = inventory.load(tmp_path / "devices.csv", tmp_path / "cabling.csv")
    assert len(inv.devices) == 6 and len(inv.cables) == 10
    assert inv.cable_at()[("spine-p0-01", "Ethernet0")].path == ("pp-r07-01:1", "pp-net01-01:1")
    # the breakout example parses as a plan of two legs of one harness
    legs = next(b for b in blocks if "C123.1" in b)
    (tmp_path / "b.csv").write_text(legs)
    assert [c.cable_id for c in inventory.load(None, tmp_path / "b.csv").cables] == ["C123.1", "C123.2"]


def test_generated_parts_are_current_parsers_and_platforms():
    r = subprocess.run([sys.executable, str(DOCS / "generate.py"), "--check"], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr
    named = _code_names("parsers.md")
    assert set(parsers.formats()) - named == set()


def test_demo_faults_page_names_exactly_what_the_demo_prints():
    from netdiag.render.text import suspect_text, worst_first

    from netdiag import jobs

    text = (DEMO / "FAULTS.md").read_text()
    rows = [[c.strip().strip("`") for c in ln.strip("|").split("|")]
            for ln in text.splitlines() if ln.startswith("| gpu-")]
    inv = inventory.load(DEMO / "devices.csv", DEMO / "cabling.csv")
    with_plan = worst_first(jobs.sweep_capture(DEMO / "capture", inv).findings)
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [
        (f.device, f.port, f.severity, f.kind, suspect_text(f)) for f in with_plan]
    no_plan = {(f.device, f.port): f.kind for f in jobs.sweep_capture(DEMO / "capture").findings}
    assert {(r[0], r[1]): r[6] for r in rows} == no_plan


def test_every_docs_page_the_code_points_at_exists():
    """Docstrings, help texts and fixtures say `docs/X.md`: each of those pages is in the repository
    (pages other engineers write are checked by test_planned_pages_exist)."""
    missing = set()
    for f in _repo_files():
        if not f.startswith(("netdiag/", "fixtures/", "docs/", "benchmarks/", "README.md")) or \
                not f.endswith((".py", ".md", ".toml", ".j2", ".html", ".txt")):
            continue
        for page in re.findall(r"docs/([a-z0-9-]+\.md)", (ROOT / f).read_text(encoding="utf-8", errors="replace")):
            if not (DOCS / page).is_file() and page not in OWNED_ELSEWHERE:
                missing.add(f"{f}: docs/{page}")
    assert missing == set()


def test_location_column_uses_the_findings_own_location_when_it_has_one():
    from netdiag.render.text import location_text

    f = Finding(id="x", severity="critical", kind="dead_link", plane="0", link={}, suspects=[], action="",
                evidence=[], first_seen=None, last_seen=None, device="gpu1", port="eth0")
    f.location = {"device": "leaf1", "hall": "B", "row": "12", "rack": "r31", "u": "40", "text": "..."}
    assert location_text(f) == "B/12/r31 U40"
    f.location = {"device": None, "text": "plane 1 (no single place)"}
    assert location_text(f) == "plane 1 (no single place)"
    f.location = {}
    inv = inventory.Inventory({"gpu1": inventory.DeviceInfo("gpu1", "linux", rack="r07", u="30")})
    assert location_text(f, inv) == "r07 U30" and location_text(f) == "unknown"
