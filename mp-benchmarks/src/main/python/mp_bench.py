"""Python's multiprocessing on the same work as mp's benchmark rows.

Run by dev.mp.bench.Benchmarks with the real interpreter (sys.executable, not a pyenv shim). Every figure is timed
inside Python with time.perf_counter_ns and printed as raw samples (one per repetition, after warm-up) in one JSON
object on stdout; the Java harness computes median/p10/p90 exactly as it does for its own rows.

    python3 mp_bench.py [--quick]

Figures:
  ppe_roundtrip   ProcessPoolExecutor(max_workers=1): submit(identity, 1).result(), microseconds
  pool_map        Pool() (os.cpu_count() workers): pool.map(identity, range(100_000)), default chunksize, items/s
  spawn_start_join  get_context('spawn').Process(target=noop): start() + join(), milliseconds
  ppe_1mib        ProcessPoolExecutor(max_workers=1): submit(echo, 1 MiB of bytes).result(), MB/s (10^6 bytes/s of
                  payload: 1 MiB in one direction and back, counted once, over the round-trip time)
"""

import json
import multiprocessing
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor

MAP_ITEMS = 100_000
PAYLOAD_BYTES = 1 << 20


def identity(x):
    return x


def echo(payload):
    return payload


def noop():
    pass


def ppe_roundtrip(warmup, reps):
    clock = time.perf_counter_ns
    samples = []
    with ProcessPoolExecutor(max_workers=1) as executor:
        for _ in range(warmup):
            executor.submit(identity, 1).result()
        for _ in range(reps):
            start = clock()
            executor.submit(identity, 1).result()
            samples.append((clock() - start) / 1e3)
    return samples


def pool_map(warmup, reps):
    clock = time.perf_counter_ns
    items = range(MAP_ITEMS)
    samples = []
    with multiprocessing.Pool() as pool:
        processes = pool._processes
        for _ in range(warmup):
            pool.map(identity, items)
        for _ in range(reps):
            start = clock()
            result = pool.map(identity, items)
            elapsed = clock() - start
            assert len(result) == MAP_ITEMS
            samples.append(MAP_ITEMS / (elapsed / 1e9))
    return samples, processes


def spawn_start_join(warmup, reps):
    clock = time.perf_counter_ns
    context = multiprocessing.get_context("spawn")
    samples = []
    for i in range(warmup + reps):
        process = context.Process(target=noop)
        start = clock()
        process.start()
        process.join()
        elapsed = clock() - start
        assert process.exitcode == 0, process.exitcode
        if i >= warmup:
            samples.append(elapsed / 1e6)
    return samples


def ppe_1mib(warmup, reps):
    clock = time.perf_counter_ns
    payload = os.urandom(PAYLOAD_BYTES)
    samples = []
    with ProcessPoolExecutor(max_workers=1) as executor:
        for _ in range(warmup):
            executor.submit(echo, payload).result()
        for _ in range(reps):
            start = clock()
            result = executor.submit(echo, payload).result()
            elapsed = clock() - start
            assert len(result) == PAYLOAD_BYTES
            samples.append(PAYLOAD_BYTES / 1e6 / (elapsed / 1e9))
    return samples


def main():
    quick = "--quick" in sys.argv[1:]

    def reps(n):
        return max(3, n // 10) if quick else n

    map_samples, map_processes = pool_map(2, reps(10))
    result = {
        "python": {
            "executable": sys.executable,
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "default_start_method": multiprocessing.get_start_method(),
            "cpu_count": os.cpu_count(),
        },
        "figures": {
            "ppe_roundtrip": {"unit": "µs", "samples": ppe_roundtrip(1_000, reps(5_000))},
            "pool_map": {"unit": "items/s", "samples": map_samples, "processes": map_processes},
            "spawn_start_join": {"unit": "ms", "samples": spawn_start_join(3, reps(20))},
            "ppe_1mib": {"unit": "MB/s", "samples": ppe_1mib(20, reps(200))},
        },
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
