"""Rebuild the import templates and the sample batches of every profile (deterministic: same seed, same files).

    python imports/generate_samples.py            # writes imports/templates/ and imports/samples/
    python imports/generate_samples.py --check    # fails when the committed files are out of date

Samples per profile (beijing, shanghai): 800 NPC suggestions (市十六届人大四次会议) and 1,200
CPPCC proposals (市政协十四届四次会议) with, beside each workbook, *.expected.json naming the
department each item was meant for (to measure routing accuracy). Templates per profile under
templates/<profile>/.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from app.domain.enums import ItemKind  # noqa: E402
from app.importing.samples import build_batch, load_topics  # noqa: E402
from app.importing.templates import TEMPLATE_NAMES, template_path, write_template  # noqa: E402
from app.rules.profiles import load_profile  # noqa: E402

SEED = 2026
PROFILES = ("beijing", "shanghai")
SAMPLES = {
    ItemKind.NPC_SUGGESTION: ("{profile}_npc_2026.xlsx", 800, "市十六届人大四次会议"),
    ItemKind.CPPCC_PROPOSAL: ("{profile}_cppcc_2026.xlsx", 1200, "市政协十四届四次会议"),
}


def sample_name(profile_name: str, kind: ItemKind) -> str:
    return SAMPLES[kind][0].format(profile=profile_name)


def build(root: Path) -> list[Path]:
    written = []
    for profile_name in PROFILES:
        profile = load_profile(profile_name)
        body_parts = load_topics(profile_name).cppcc_body == "parts"
        for kind in TEMPLATE_NAMES:
            path = template_path(profile_name, kind, root / "templates")
            written.append(write_template(kind, profile, path, body_parts=body_parts))
        for kind, (_, count, session) in SAMPLES.items():
            path = root / "samples" / sample_name(profile_name, kind)
            build_batch(profile, kind, count, SEED, path, session)
            written += [path, path.with_suffix(".expected.json")]
    return written


def _content_digest(path: Path) -> str:
    """xlsx files carry a creation time; compare the cell contents instead of the bytes."""
    if path.suffix != ".xlsx":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    digest = hashlib.sha256()
    for sheet in workbook.worksheets:
        digest.update(sheet.title.encode())
        for row in sheet.iter_rows(values_only=True):
            digest.update(repr(row).encode())
    workbook.close()
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args()
    if not args.check:
        for path in build(HERE):
            print(path.relative_to(HERE.parent))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = [
            path.relative_to(Path(tmp))
            for path in build(Path(tmp))
            if not (HERE / path.relative_to(Path(tmp))).exists()
            or _content_digest(path) != _content_digest(HERE / path.relative_to(Path(tmp)))
        ]
    for path in stale:
        print(f"out of date: imports/{path}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
