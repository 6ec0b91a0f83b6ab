"""``cs-synth run`` with one kill point armed (run by tests/crash/test_kill.py).

    python tests/crash/killpoints.py POINT N -- run CONFIG --output OUT ...

When the run reaches the Nth event at POINT it sends SIGKILL to its own
process group -- what ``kill -9 -PGID`` does from outside -- so the process
and every worker it started die at once, with no cleanup.  Points: ``read``
(records read), ``align`` (records checked by the align stage),
``transform`` (transform batches), ``write`` (shards written into staging),
``publish`` (files moved to their final names).  Everything else is the
real CLI."""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _die():
    sys.stderr.flush()
    os.killpg(os.getpgrp(), signal.SIGKILL)


def arm(point: str, n: int) -> None:
    count = [0]

    def tick():
        count[0] += 1
        if count[0] >= n:
            _die()

    if point == "read":
        from cs_synth.pipeline.read import readers

        real = readers.read_file

        def read_file(unit, cfg):
            for rec in real(unit, cfg):
                yield rec
                tick()

        readers.read_file = read_file
        # line files are read by blocks and parsed chunk by chunk (pipeline/read/splits.py)
        from cs_synth.pipeline.read import splits

        real_chunk = splits.parse_chunk

        def parse_chunk(chunk, base, cfg):
            for rec in real_chunk(chunk, base, cfg):
                yield rec
                tick()

        splits.parse_chunk = parse_chunk
    elif point == "align":
        from cs_synth.pipeline import stages

        real = stages.AlignStage.check

        def check(self, record):
            tick()
            return real(self, record)

        stages.AlignStage.check = check
    elif point == "transform":
        from cs_synth.pipeline import stages

        real = stages.TransformStage.process_batch

        def process_batch(self, records):
            tick()
            return real(self, records)

        stages.TransformStage.process_batch = process_batch
    elif point == "write":
        from cs_synth.pipeline.write import arrow_writer

        real = arrow_writer.write_shard

        def write_shard(*a, **k):
            info = real(*a, **k)
            tick()
            return info

        arrow_writer.write_shard = write_shard
    elif point == "publish":
        from cs_synth.pipeline.write import commit

        real = commit._move

        def move(src, dst):
            real(src, dst)
            tick()

        commit._move = move
    elif point != "none":
        raise SystemExit(f"unknown kill point {point!r}")


if __name__ == "__main__":
    point, n, sep, *argv = sys.argv[1:]
    assert sep == "--"
    arm(point, int(n))
    from cs_synth.beam_jobs.cli import main

    sys.exit(main(argv))
