"""``cs-synth verify OUT``: check an output folder against its manifest.

Exit status 0 when every file the manifest lists is there with its row
count, size and sha256 and no unlisted shard sits beside them; 1 otherwise,
with one line per problem."""
from __future__ import annotations

import sys


def add_arguments(p) -> None:
    p.add_argument("output", help="output folder of a cs-synth run (local path, gs:// or s3://)")


def run(args) -> int:
    from cs_synth.pipeline.write.commit import LOCK, STATE_DIR, _fs, join, verify

    problems = verify(args.output)
    if _fs().exists(join(args.output, STATE_DIR, LOCK)):
        print(f"cs-synth verify: note: {args.output}/{STATE_DIR}/{LOCK} exists: a run is writing into this "
              f"folder, or one was killed", file=sys.stderr)
    if problems:
        for p in problems:
            print(f"cs-synth verify: {args.output}: {p}", file=sys.stderr)
        print(f"cs-synth verify: {args.output}: NOT OK ({len(problems)} problem(s))")
        return 1
    import json

    with _fs().open(join(args.output, "manifest.json")) as fh:
        manifest = json.loads(fh.read().decode("utf-8"))
    files = manifest.get("files", [])
    print(f"cs-synth verify: {args.output}: OK ({len(files)} files, {manifest.get('written')} records written, "
          f"{(manifest.get('rejected_records') or {}).get('total')} rejected records)")
    return 0
