"""The parser's score per corpus and per blind batch (issue 27).

Run: ``python bench/parser_score.py [--documents] [--record blind|after BATCH]``.

Prints, per set: items right / true items, extra items, and how many extracted items are low-confidence;
``--documents`` adds the per-document lines. Sets: ``shared`` and ``documents`` (the regression corpora,
which must stay at 100 %), ``house`` (house-template documents: the s01–s04 tests and the bundled
examples; low-confidence items there must stay at or under 10 %), and every ``tests/corpus/blind/batch-NN``.

``--record blind batch-NN`` stores the batch's score as its blind figure (run it before changing anything
after the batch arrived, on a committed tree); ``--record after batch-NN`` stores the score after the fixes,
which ``tests/corpus/test_blind.py`` then holds the parser to. Each record names the commit measured.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sync.core.parse import parse_document  # noqa: E402
from tests.corpus.scoring import RECORD, SetScore, batch_order, blind_sets, corpus_sets, recorded  # noqa: E402


def house_low() -> tuple[int, int]:
    """(low-confidence items, all items) over the house-template documents."""
    paths = sorted((ROOT / "tests/corpus/shared").glob("s0*.md")) + sorted((ROOT / "examples/postmortems").glob("*.md"))
    low = total = 0
    for path in paths:
        result = parse_document(path.read_bytes(), str(path))
        items = result.postmortem.action_items if result.postmortem is not None else ()
        total += len(items)
        low += sum(1 for item in items if item.confidence == "low")
    return low, total


def _line(score: SetScore) -> str:
    share = 100.0 * score.right / score.total if score.total else 100.0
    extra = 100.0 * score.extra / score.total if score.total else 0.0
    return (
        f"{score.name:<12} {score.right:>4}/{score.total:<4} right {share:6.1f} %   extra {score.extra:>3} "
        f"({extra:5.1f} %)   low {score.low:>3} of {score.items} items"
    )


def _pct(entry: dict[str, int]) -> str:
    return f"{entry['right']} / {entry['total']} ({100.0 * entry['right'] / max(entry['total'], 1):.1f} %)"


def markdown() -> str:
    """The recorded scores as the tables of bench/PARSER.md."""
    rows = [
        "| batch | documents | blind: right / true | blind extra | commit "
        "| after fixes: right / true | after extra | commit |",
        "|---|---|---|---|---|---|---|---|",
    ]
    details: list[str] = []
    for batch, entry in sorted(recorded().items(), key=lambda pair: batch_order(pair[0])):
        blind, after = entry["blind"], entry.get("after")
        documents = entry.get("documents", {})
        rows.append(
            f"| {batch} | {len(documents.get('blind', {}))} | {_pct(blind)} | {blind['extra']} | {blind['commit']} | "
            + (f"{_pct(after)} | {after['extra']} | {after['commit']} |" if after else "| | |")
        )
        details.append(f"\n### {batch} per document\n")
        details.append("| document | blind right / true | blind extra | after right / true | after extra |")
        details.append("|---|---|---|---|---|")
        for name, (right, total, extra) in sorted(documents.get("blind", {}).items()):
            later = documents.get("after", {}).get(name)
            tail = f"{later[0]} / {later[1]} | {later[2]} |" if later else " | |"
            details.append(f"| {name.removesuffix('.md')} | {right} / {total} | {extra} | {tail}")
    return "\n".join([*rows, *details])


def _commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "sync"], cwd=ROOT, capture_output=True, text=True)
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--documents", action="store_true", help="per-document lines")
    parser.add_argument("--markdown", action="store_true", help="the blind-score tables of bench/PARSER.md")
    parser.add_argument("--record", nargs=2, metavar=("KIND", "BATCH"), help="store 'blind' or 'after' for BATCH")
    args = parser.parse_args()
    if args.markdown:
        print(markdown())
        return 0
    sets = [*corpus_sets(), *blind_sets()]
    for score in sets:
        print(_line(score))
        if args.documents:
            for doc in score.documents:
                print(f"    {doc.right:>3}/{doc.total:<3} extra {doc.extra:<2} {doc.file}")
                for problem in doc.problems:
                    print(f"        {problem}")
    low, total = house_low()
    print(f"{'house':<12} low {low} of {total} items ({100.0 * low / max(total, 1):.1f} %)")
    if args.record:
        kind, batch = args.record
        if kind not in ("blind", "after"):
            parser.error("KIND is 'blind' or 'after'")
        found = next((s for s in sets if s.name == batch), None)
        if found is None:
            parser.error(f"no blind batch {batch!r} with a ground truth")
        data = recorded()
        entry = data.setdefault(batch, {})
        if kind == "blind" and "blind" in entry:
            parser.error(f"{batch} already has its blind score; it is measured once")
        entry[kind] = {"commit": _commit(), **found.summary()}
        entry.setdefault("documents", {})[kind] = {d.file: [d.right, d.total, d.extra] for d in found.documents}
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {kind} score of {batch} at {entry[kind]['commit']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
