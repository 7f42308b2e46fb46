"""Parse 1,000 varied post-mortems generated in memory; print documents/second and peak RSS.

Run: ``python bench/parse_bench.py [count]``. Targets: 1,000 documents in under 2 s, under 200 MB.
"""

from __future__ import annotations

import random
import resource
import sys
import time

from sync.core.parse import ParseOptions, parse_document

_VERBS = ["Add", "Fix", "Document", "Review", "Automate", "Monitor", "Rotate", "Split", "Tune", "Replace"]
_NOUNS = ["cache", "pool", "config", "alert", "canary", "runbook", "database", "queue", "timeout", "dashboard"]
_OWNERS = ["@dana", "alice@example.com", "platform-team", "@sre-oncall", "mei@example.com"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)} {' '.join(rng.choices(_NOUNS, k=rng.randint(2, 7)))}"


def _items(rng: random.Random, variant: int) -> str:
    count = rng.randint(5, 15)
    if variant == 0:
        rows = [
            f"| {n} | {_sentence(rng)} | {rng.choice(_OWNERS)} | 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} "
            f"| P{rng.randint(0, 2)} | {rng.choice(['Open', 'In progress', 'Done'])} |"
            for n in range(1, count + 1)
        ]
        return "| # | Action | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|---|\n" + "\n".join(rows)
    if variant == 1:
        return "\n".join(
            f"- [{rng.choice([' ', 'x'])}] P{rng.randint(0, 2)}: {_sentence(rng)} — {rng.choice(_OWNERS)}"
            for _ in range(count)
        )
    if variant == 2:
        return "\n".join(
            f"{n}. (P{rng.randint(0, 2)}, {rng.choice(_OWNERS)}) {_sentence(rng)} ([#{rng.randint(1, 999)}]"
            f"(https://github.com/acme/app/issues/{rng.randint(1, 999)}))"
            for n in range(1, count + 1)
        )
    return "### Immediate\n\n" + "\n".join(f"- **{_sentence(rng)}**: {_sentence(rng)}." for _ in range(count))


def document(rng: random.Random, index: int) -> str:
    """One template-like document; the variant changes the action-item layout and front matter."""
    variant = index % 4
    front = f"---\nincident_id: INC-{index}\nteam: payments\n---\n" if variant in (1, 3) else ""
    timeline = "\n".join(f"{h:02d}:{rng.randint(10, 59)} - {_sentence(rng)}" for h in range(10, 10 + rng.randint(3, 9)))
    heading = ["## 6. Action Items", "## Follow-ups", "### Remediation", "## Corrective actions"][variant]
    return f"""{front}# Post-mortem: {_sentence(rng)} {index}

## 1. Incident Summary

Incident ID: INC-2026-{index:04d}
Date/Time: 2026-03-04 14:02 UTC → 2026-03-04 16:47 UTC (Duration: 2h 45m)
Severity: SEV-{rng.randint(1, 3)}
Impact: {rng.randint(10, 90000):,} users affected | ${rng.randint(0, 99999):,} revenue lost | SLA breached Y
Detection: Monitoring
Detection Delay: {rng.randint(1, 90)} minutes

## 2. Timeline

{timeline}

## 3. Root Cause Analysis — 5 Whys

{chr(10).join(f"Why {n}: {_sentence(rng)}." for n in range(1, 6))}

## 4. Contributing Factors

| Factor | Score | Notes |
|---|---|---|
| Missing/inadequate monitoring | {rng.randint(0, 3)} | |
| Insufficient testing | {rng.randint(0, 3)} | {_sentence(rng)} |
| Change management failure | {rng.randint(0, 3)} | |

## 5. What Went Well

- {_sentence(rng)}
- {_sentence(rng)}

{heading}

{_items(rng, variant)}

## 7. Recurrence Prevention

- [x] Monitoring added/improved for this failure mode
- [ ] Runbook created/updated
"""


def _phase(name: str, count: int) -> None:
    """One measured phase, run as its own process: parse (pmsync) or tokenize (bare markdown-it)."""
    rng = random.Random(42)
    documents = [document(rng, i) for i in range(count)]
    cpu_start = time.process_time()
    start = time.perf_counter()
    items = 0
    if name == "markdown-it":
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"html": True}).enable("table")
        for text in documents:
            md.parse(text)
    else:
        options = ParseOptions()
        for index, text in enumerate(documents):
            result = parse_document(text, f"doc-{index}.md", options)
            assert result.postmortem is not None, result.diagnostics
            items += len(result.postmortem.action_items)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak_kib / 1024 if sys.platform != "darwin" else peak_kib / (1024 * 1024)
    print(f"{name} {cpu:.3f} {elapsed:.3f} {peak_mb:.1f} {items}")


def main(count: int = 1000) -> None:
    """Each phase as a whole process, the baseline beside pmsync in the same run; the figure that counts is
    pmsync's CPU over a bare markdown-it tokenization (inline included) of the same documents (issue 27:
    at most 1.5×). Generating the documents is outside both measurements."""
    import subprocess

    figures: dict[str, list[str]] = {}
    whole: dict[str, float] = {}
    for name in ("markdown-it", "pmsync", "markdown-it", "pmsync"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(
            [sys.executable, __file__, str(count), "--phase", name], capture_output=True, text=True, check=True
        ).stdout.split()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        # Two rounds, the lower CPU of each kept: the machine is shared, and noise only ever adds time.
        if name not in figures or float(out[1]) < float(figures[name][1]):
            figures[name] = out
        whole[name] = min(whole.get(name, spent), spent)
    base, ours = figures["markdown-it"], figures["pmsync"]
    elapsed = float(ours[2])
    print(f"{count} documents, {ours[4]} action items in {elapsed:.2f} s: {count / elapsed:,.0f} documents/s")
    print(
        f"CPU time: pmsync {float(ours[1]):.2f} s, bare markdown-it {float(base[1]):.2f} s: "
        f"{float(ours[1]) / float(base[1]):.2f}x"
    )
    # The process as a user runs it: interpreter start-up, imports (pmsync's compiled patterns and models) and
    # generating the documents (the same work in both) included.
    print(
        f"whole process CPU: pmsync {whole['pmsync']:.2f} s, bare markdown-it {whole['markdown-it']:.2f} s: "
        f"{whole['pmsync'] / whole['markdown-it']:.2f}x"
    )
    print(f"peak RSS: {ours[3]} MB")


if __name__ == "__main__":
    if "--phase" in sys.argv:
        _phase(sys.argv[sys.argv.index("--phase") + 1], int(sys.argv[1]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
