"""Object stores on a local S3 server (moto, its own process): a 1 GB upload by TaskTune's `publish` (parts, progress,
the file hashed and the stored size and ETag checked) against s3fs's own `put_file` of the same file, alternating,
the median of each round's ratio; and a cached input model's reuse by the worker's model cache."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import emit, summary, time_ms  # noqa: E402
from tasktune_gui.execution.stores.buckets import location_for  # noqa: E402
from tasktune_gui.execution.stores.models import ModelCache, file_digest  # noqa: E402
from tasktune_gui.execution.stores.outputs import file_digests, publish  # noqa: E402
from tests.support.object_stores import destination, new_bucket, start_s3  # noqa: E402

T = TypeVar("T")


@dataclass(frozen=True)
class Upload:
    seconds: float
    cpu: float  # this process's CPU time (every thread's): what the client spent beside the server


def timed(action: Callable[[], T]) -> tuple[Upload, T]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return Upload(time.perf_counter() - wall, time.process_time() - cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=1024, help="size of the uploaded file (default 1024)")
    parser.add_argument("--rounds", type=int, default=5, help="uploads of each kind, alternating (default 5)")
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
        recorded = file_digest(local)  # as the task's SDK reports it, before the upload
        ours: list[Upload] = []
        theirs: list[Upload] = []
        failures: list[str] = []  # moto, loaded, has answered 500 to joining a 1 GB multipart upload
        for round_number in range(args.rounds):
            # Each goes first every other round: the server slows as it serves, and the machine drifts.
            for kind in (("ours", "theirs") if round_number % 2 == 0 else ("theirs", "ours")):
                label = f"{kind}{round_number}"
                try:
                    if kind == "ours":
                        upload, uri = timed(partial(publish, local, output_uri, label, "models",
                                                              recorded_sha256=recorded))
                        ours.append(upload)
                        location.filesystem().rm_file(location_for(uri).path)  # the server keeps objects in memory
                    else:
                        store = location.filesystem()
                        target = location.child(label, "models", local.name)
                        upload, _ = timed(partial(store.put_file, str(local), target))
                        theirs.append(upload)
                        store.rm_file(target)
                except Exception as exc:
                    failures.append(f"{label}: {exc}"[:300])
        check, _ = timed(partial(file_digests, local, "s3"))  # the check's own work, alone
        # Each round's two uploads ran side by side in time: their ratio leaves out the drift between rounds.
        ratios = [mine.seconds / other.seconds for mine, other in zip(ours, theirs, strict=False)]
        ours_s = statistics.median(u.seconds for u in ours) if ours else float("nan")
        theirs_s = statistics.median(u.seconds for u in theirs) if theirs else float("nan")
        ratio = statistics.median(ratios) if ratios else float("nan")

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
                       "ratio": round(ratio, 3), "goal_ratio": 1.10, "ok": ratio <= 1.10,
                       "ratio_of_medians": round(ours_s / theirs_s, 3),
                       "round_ratios": [round(r, 3) for r in ratios],
                       "all_tasktune_s": [round(u.seconds, 2) for u in ours],
                       "all_s3fs_s": [round(u.seconds, 2) for u in theirs],
                       "tasktune_client_cpu_s": round(statistics.median(u.cpu for u in ours), 2) if ours else None,
                       "s3fs_client_cpu_s": round(statistics.median(u.cpu for u in theirs), 2) if theirs else None,
                       "check_digest_cpu_s": round(check.cpu, 2), "failures": failures},
            "cached_model_reuse": {"model_megabytes": 64, **summary(reuse, 50.0)},
        })
    finally:
        server.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
