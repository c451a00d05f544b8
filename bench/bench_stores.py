"""Object stores on a local S3 server (moto, its own process): a 1 GB upload by TaskTune's `publish` against s3fs's
own `put_file` of the same file, alternating; and a cached input model's reuse by the worker's model cache."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import emit, summary, time_ms  # noqa: E402
from tasktune_gui.execution.stores.buckets import location_for  # noqa: E402
from tasktune_gui.execution.stores.models import ModelCache, file_digest  # noqa: E402
from tasktune_gui.execution.stores.outputs import publish  # noqa: E402
from tests.support.object_stores import destination, new_bucket, start_s3  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=1024, help="size of the uploaded file (default 1024)")
    parser.add_argument("--rounds", type=int, default=3, help="uploads of each kind, alternating (default 3)")
    parser.add_argument("--reuses", type=int, default=50, help="cached model reuses timed (default 50)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tasktune-bench-stores-"))
    server = start_s3(folder / "s3")
    os.environ.update(server.env)
    try:
        output_uri = destination(server, new_bucket(server))
        local = folder / "model.bin"
        with local.open("wb") as handle:
            block = os.urandom(1024**2)
            for _ in range(args.mb):
                handle.write(block)
        location = location_for(output_uri)
        ours: list[float] = []
        theirs: list[float] = []
        failures: list[str] = []  # moto, loaded, has answered 500 to joining a 1 GB multipart upload
        for round_number in range(args.rounds):
            # Each goes first every other round: the server slows as it serves, and the machine drifts.
            for kind in (("ours", "theirs") if round_number % 2 == 0 else ("theirs", "ours")):
                label = f"{kind}{round_number}"
                start = time.perf_counter()
                try:
                    if kind == "ours":
                        uri = publish(local, output_uri, label, "models")
                        ours.append(time.perf_counter() - start)
                        location.filesystem().rm_file(location_for(uri).path)  # the server keeps objects in memory
                    else:
                        store = location.filesystem()
                        target = location.child(label, "models", local.name)
                        start = time.perf_counter()
                        store.put_file(str(local), target)
                        theirs.append(time.perf_counter() - start)
                        store.rm_file(target)
                except Exception as exc:
                    failures.append(f"{label}: {exc}"[:300])
        ours_s = statistics.median(ours) if ours else float("nan")
        theirs_s = statistics.median(theirs) if theirs else float("nan")

        small = folder / "cached.bin"
        small.write_bytes(os.urandom(64 * 1024**2))
        model_uri = publish(small, output_uri, "cached", "models")
        cache = ModelCache(folder / "models")
        digest = file_digest(small)
        cache.fetch(model_uri, digest)  # the first run downloads it
        reuse = time_ms(lambda: cache.fetch(model_uri, digest), args.reuses)
        emit({
            "benchmark": "stores",
            "upload": {"megabytes": args.mb, "rounds": args.rounds,
                       "tasktune_publish_s": round(ours_s, 2), "s3fs_put_file_s": round(theirs_s, 2),
                       "tasktune_MBps": round(args.mb / ours_s, 1), "s3fs_MBps": round(args.mb / theirs_s, 1),
                       "ratio": round(ours_s / theirs_s, 3), "goal_ratio": 1.10, "ok": ours_s <= theirs_s * 1.10,
                       "all_tasktune_s": [round(s, 2) for s in ours], "all_s3fs_s": [round(s, 2) for s in theirs],
                       "failures": failures},
            "cached_model_reuse": {"model_megabytes": 64, **summary(reuse, 50.0)},
        })
    finally:
        server.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
