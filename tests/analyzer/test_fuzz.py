"""Fuzzing: analyze_source never raises, whatever source it is given."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huey_guard.analyzer import analyze_source

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "nullscan"
SEEDS = sorted(p.read_text(encoding="utf-8") for p in CORPUS.rglob("*.py"))[:80] or ["x = 1\n"]

# Snippets that exercise the engine's statement and expression handlers.
_NAMES = st.sampled_from(["x", "y", "row", "self.conn", "d", "m", "task", "items"])
_EXPRS = st.sampled_from(
    [
        "d.get('k')",
        "os.environ.get('A')",
        "re.match('a', s)",
        "None",
        "find(x)",
        "x or 'd'",
        "x.y if x else None",
        "[v for v in items if v]",
        "(m := pat.search(s))",
        "cur.fetchone()",
        "lambda: x",
        "await job()",
        "{'a': None}",
        "x[0]",
        "f'{x}'",
        "-x",
        "x + 1",
        "len(x)",
    ]
)
_TEMPLATES = st.sampled_from(
    [
        "{n} = {e}",
        "if {n} is None:\n    return",
        "{n}.attr",
        "for v in {n}:\n    v.x",
        "while {n}:\n    {n} = {e}\n    break",
        "try:\n    {n}.a\nexcept AttributeError:\n    pass",
        "with {e} as {n}:\n    pass",
        "assert {n}",
        "match {n}:\n    case None:\n        pass",
        "del {n}",
        "{n} += 1",
        "return {e}",
        "yield {n}",
        "raise ValueError({n})",
    ]
)


@st.composite
def task_modules(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        body = draw(_TEMPLATES).format(n=draw(_NAMES), e=draw(_EXPRS))
        lines.extend("    " + line for line in body.splitlines())
    params = draw(st.sampled_from(["x", "x=None", "x, *args, **kw", "self, x", ""]))
    head = draw(st.sampled_from(["def", "async def"]))
    return (
        "import os, re\nfrom huey import RedisHuey\nhuey = RedisHuey('f')\n\n"
        f"@huey.task()\n{head} t({params}):\n" + "\n".join(lines) + "\n"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(task_modules())
def test_generated_task_modules_never_crash(source: str) -> None:
    result = analyze_source(source, "gen.py")
    assert all(f.code != "NS901" for f in result.findings), result.findings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.text(max_size=6)), max_size=6
    ),
)
def test_mutated_fixtures_never_crash(seed: str, edits: list[tuple[int, int, str]]) -> None:
    text = seed
    for pos, cut, insert in edits:
        pos %= len(text) + 1
        text = text[:pos] + insert + text[pos + cut :]
    result = analyze_source(text, "mutated.py")
    assert all(f.code != "NS901" for f in result.findings), result.findings


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    analyze_source(data.decode("utf-8", "surrogateescape"), "bytes.py")
