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

Synchronization figures (all with get_context('spawn'); a child's start-up is never inside a timed interval: either
the child times itself, or the first, unrecorded repetitions absorb it, or the parent starts its clock only after a
handshake with the running child):
  lock_child      Lock() acquire()+release() in a spawned child, batches of 10,000 timed in the child with
                  perf_counter_ns and sent back through a Pipe; ns per acquire+release (one sample per batch)
  lock_parent     the same loop in this process, ns per acquire+release
  lock_handoff    a Lock and a RawValue('i') turn shared by this process and a child: each takes the lock, and if the
                  turn is its own passes it to the other, until it had its turn N times; us per hand-off (batches of
                  1,000 turns of this process = 2,000 hand-offs, timed here)
  event_pingpong  two Events: this process sets e1 and waits e2, then clears e2; the child waits e1, clears it, sets
                  e2; us per one-way wake-up (round trip / 2, one sample per round trip)
  queue_small     Queue(): this process puts ints 0..49,999, a child gets them; messages/s from the moment the child
                  has got a first ('start') message and said so on an Event, until it has got the last and set a
                  second Event (one sample per batch of 50,000)
  queue_1mib      as queue_small with 100 messages of 1 MiB bytes each; MB/s (10^6 bytes of payload per second)
  counter_4x10k   4 children, each `with lock: counter.value += 1` 10,000 times on a RawValue('q'); all wait at a
                  Barrier(5) with this process, whose clock starts just before it joins the barrier (after the 4 said
                  ready on a Semaphore) and stops when the 4 have released a second Semaphore; the total is asserted;
                  increments/s (one sample per round, the same 4 children run every round)

    python3 mp_bench.py --sync-only     only the synchronization figures
    python3 mp_bench.py --start-only    only spawn_start_join
    python3 mp_bench.py --spawn-on-demand   one spawn start+join per line on stdin (see spawn_on_demand)
    python3 mp_bench.py --ppe-1mib-on-demand   a batch of 1 MiB round trips per line on stdin (see ppe_1mib_on_demand)
    python3 mp_bench.py --ppe-order-on-demand  a batch of order round trips per line on stdin (see ppe_order_on_demand)
"""

import json
import multiprocessing
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timezone
from decimal import Decimal

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


def spawn_once(context):
    """One spawn start+join of a no-op, in ms."""
    process = context.Process(target=noop)
    start = time.perf_counter_ns()
    process.start()
    process.join()
    elapsed = time.perf_counter_ns() - start
    assert process.exitcode == 0, process.exitcode
    return elapsed / 1e6


def spawn_start_join(warmup, reps):
    context = multiprocessing.get_context("spawn")
    samples = [spawn_once(context) for _ in range(warmup + reps)]
    return samples[warmup:]


def spawn_on_demand(warmup):
    """The same start+join, a batch per line read on stdin (the line is the batch's size), their ms printed on one
    line: the harness takes these in turns with its own starts, so that both see the machine as it is at that moment.
    'ready' after the warm-up; EOF ends it."""
    context = multiprocessing.get_context("spawn")
    for _ in range(warmup):
        spawn_once(context)
    print("ready", flush=True)
    for line in sys.stdin:
        print(" ".join(f"{spawn_once(context):.6f}" for _ in range(int(line))), flush=True)


def ppe_1mib_once(executor, payload):
    """One 1 MiB round trip through the executor, in MB/s (10^6 bytes of payload per second, counted once)."""
    start = time.perf_counter_ns()
    result = executor.submit(echo, payload).result()
    elapsed = time.perf_counter_ns() - start
    assert len(result) == PAYLOAD_BYTES
    return PAYLOAD_BYTES / 1e6 / (elapsed / 1e9)


def ppe_1mib(warmup, reps):
    payload = os.urandom(PAYLOAD_BYTES)
    with ProcessPoolExecutor(max_workers=1) as executor:
        samples = [ppe_1mib_once(executor, payload) for _ in range(warmup + reps)]
    return samples[warmup:]


def ppe_1mib_on_demand(warmup):
    """The same round trips, a batch per line read on stdin (the line is the batch's size), the batch's MB/s printed
    on one line: the harness takes these in turns with its own, so that both meet the machine in the same state."""
    payload = os.urandom(PAYLOAD_BYTES)
    with ProcessPoolExecutor(max_workers=1) as executor:
        for _ in range(warmup):
            ppe_1mib_once(executor, payload)
        print("ready", flush=True)
        for line in sys.stdin:
            count = int(line)
            print(" ".join(f"{ppe_1mib_once(executor, payload):.3f}" for _ in range(count)), flush=True)


def sample_order():
    """The order of mp's codec rows (dev.mp.bench.spring.Order) as a dict: 20 fields, 100 line items."""
    items = [{"sku": f"SKU-{10_000 + i}", "quantity": 1 + i % 5, "price": Decimal("19.99") + i} for i in range(100)]
    return {"id": 42, "number": "ORD-2024-0042", "customer_id": "C-1001", "customer_name": "Ada Lovelace",
            "email": "ada@example.com", "street": "12 Analytical St", "city": "London", "zip": "NW1", "country": "GB",
            "status": "PAID", "created": datetime(2024, 5, 1, 10, 15, 30, tzinfo=timezone.utc), "due": date(2024, 6, 1),
            "subtotal": Decimal("1234.50"), "tax": Decimal("246.90"), "total": Decimal("1481.40"), "currency": "GBP",
            "paid": True, "priority": 3, "tags": ["priority", "gift"], "items": items}


def ppe_order_once(executor, order):
    """One round trip of the order (identity: there and back), in microseconds."""
    start = time.perf_counter_ns()
    result = executor.submit(identity, order).result()
    elapsed = time.perf_counter_ns() - start
    assert len(result["items"]) == 100
    return elapsed / 1e3


def ppe_order_on_demand(warmup):
    """Order round trips, a batch per line read on stdin (the line is the batch's size), their microseconds printed on
    one line: the harness takes these in turns with mp's, so that both meet the machine in the same state."""
    order = sample_order()
    with ProcessPoolExecutor(max_workers=1) as executor:
        for _ in range(warmup):
            ppe_order_once(executor, order)
        print("ready", flush=True)
        for line in sys.stdin:
            count = int(line)
            print(" ".join(f"{ppe_order_once(executor, order):.3f}" for _ in range(count)), flush=True)


# ----------------------------------------------------------------------------------------------------------------------
# Synchronization primitives and queues, spawn context. Peers are module-level functions (spawn imports this module).
# ----------------------------------------------------------------------------------------------------------------------

LOCK_BATCH = 10_000
HANDOFF_BATCH = 1_000
QUEUE_SMALL_MESSAGES = 50_000
QUEUE_MIB_MESSAGES = 100
COUNTER_PROCESSES = 4
COUNTER_INCREMENTS = 10_000


def spawn():
    return multiprocessing.get_context("spawn")


def lock_loop(lock, batches):
    clock = time.perf_counter_ns
    acquire = lock.acquire
    release = lock.release
    samples = []
    for _ in range(batches):
        start = clock()
        for _ in range(LOCK_BATCH):
            acquire()
            release()
        samples.append((clock() - start) / LOCK_BATCH)
    return samples


def lock_child_peer(lock, batches, conn):
    conn.send(lock_loop(lock, batches))
    conn.close()


def lock_child(warmup, reps):
    context = spawn()
    lock = context.Lock()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=lock_child_peer, args=(lock, warmup + reps, sender))
    process.start()
    sender.close()
    samples = receiver.recv()
    process.join()
    assert process.exitcode == 0, process.exitcode
    return samples[warmup:]


def lock_parent(warmup, reps):
    return lock_loop(spawn().Lock(), warmup + reps)[warmup:]


def handoff_turns(lock, turn, me, other, turns):
    done = 0
    while done < turns:
        with lock:
            if turn.value == me:
                turn.value = other
                done += 1


def lock_handoff_peer(lock, turn, turns):
    handoff_turns(lock, turn, 1, 0, turns)


def lock_handoff(warmup, reps):
    clock = time.perf_counter_ns
    context = spawn()
    lock = context.Lock()
    turn = context.RawValue("i", 1)  # the child goes first: the first (unrecorded) batch waits for it to start
    process = context.Process(target=lock_handoff_peer, args=(lock, turn, (warmup + reps) * HANDOFF_BATCH))
    process.start()
    samples = []
    for i in range(warmup + reps):
        start = clock()
        handoff_turns(lock, turn, 0, 1, HANDOFF_BATCH)
        elapsed = clock() - start
        if i >= warmup:
            samples.append(elapsed / 1e3 / (2 * HANDOFF_BATCH))
    process.join()
    assert process.exitcode == 0, process.exitcode
    return samples


def event_peer(e1, e2, rounds):
    for _ in range(rounds):
        e1.wait()
        e1.clear()
        e2.set()


def event_pingpong(warmup, reps):
    clock = time.perf_counter_ns
    context = spawn()
    e1 = context.Event()
    e2 = context.Event()
    process = context.Process(target=event_peer, args=(e1, e2, warmup + reps))
    process.start()
    samples = []
    for i in range(warmup + reps):  # the first round trip waits for the child to start: it is a warm-up one
        start = clock()
        e1.set()
        e2.wait()
        elapsed = clock() - start
        e2.clear()
        if i >= warmup:
            samples.append(elapsed / 1e3 / 2)
    process.join()
    assert process.exitcode == 0, process.exitcode
    return samples


def queue_consumer(queue, ready, done):
    while True:
        message = queue.get()
        if message is None:
            return
        _, count, size = message  # ('start', count, size)
        ready.set()
        received = 0
        for _ in range(count):
            item = queue.get()
            received += len(item) if size else 1
        assert received == count * (size or 1), received
        done.set()


def queue_throughput(warmup, reps, count, payload):
    """One sample per batch: messages (payload None: the ints 0..count-1) or bytes (payload) per second."""
    clock = time.perf_counter_ns
    context = spawn()
    queue = context.Queue()
    ready = context.Event()
    done = context.Event()
    process = context.Process(target=queue_consumer, args=(queue, ready, done))
    process.start()
    size = len(payload) if payload is not None else 0
    samples = []
    for i in range(warmup + reps):
        ready.clear()
        done.clear()
        queue.put(("start", count, size))
        ready.wait()  # the consumer runs and has got a first message
        start = clock()
        if payload is None:
            for n in range(count):
                queue.put(n)
        else:
            for _ in range(count):
                queue.put(payload)
        done.wait()  # the consumer has got the last one
        elapsed = clock() - start
        if i >= warmup:
            samples.append((count / (elapsed / 1e9)) if payload is None else (count * size / 1e6 / (elapsed / 1e9)))
    queue.put(None)
    process.join()
    assert process.exitcode == 0, process.exitcode
    queue.close()
    queue.join_thread()
    return samples


def counter_peer(lock, counter, ready, start, done, rounds):
    for _ in range(rounds):
        ready.release()
        start.wait()
        for _ in range(COUNTER_INCREMENTS):
            with lock:
                counter.value += 1
        done.release()


def counter_4x10k(warmup, reps):
    clock = time.perf_counter_ns
    context = spawn()
    lock = context.Lock()
    counter = context.RawValue("q", 0)
    ready = context.Semaphore(0)
    done = context.Semaphore(0)
    start = context.Barrier(COUNTER_PROCESSES + 1)
    processes = [context.Process(target=counter_peer, args=(lock, counter, ready, start, done, warmup + reps))
                 for _ in range(COUNTER_PROCESSES)]
    for process in processes:
        process.start()
    total = COUNTER_PROCESSES * COUNTER_INCREMENTS
    samples = []
    for i in range(warmup + reps):
        counter.value = 0
        for _ in range(COUNTER_PROCESSES):
            ready.acquire()  # all 4 run and are at (or entering) the start barrier
        begin = clock()
        start.wait()
        for _ in range(COUNTER_PROCESSES):
            done.acquire()
        elapsed = clock() - begin
        assert counter.value == total, counter.value
        if i >= warmup:
            samples.append(total / (elapsed / 1e9))
    for process in processes:
        process.join()
        assert process.exitcode == 0, process.exitcode
    return samples


def sync_figures(reps):
    return {
        "lock_child": {"unit": "ns", "samples": lock_child(5, reps(100))},
        "lock_parent": {"unit": "ns", "samples": lock_parent(5, reps(100))},
        "lock_handoff": {"unit": "µs", "samples": lock_handoff(5, reps(100))},
        "event_pingpong": {"unit": "µs", "samples": event_pingpong(500, reps(5_000))},
        "queue_small": {"unit": "messages/s",
                        "samples": queue_throughput(2, reps(10), QUEUE_SMALL_MESSAGES, None)},
        "queue_1mib": {"unit": "MB/s",
                       "samples": queue_throughput(2, reps(10), QUEUE_MIB_MESSAGES, os.urandom(PAYLOAD_BYTES))},
        "counter_4x10k": {"unit": "increments/s", "samples": counter_4x10k(2, reps(10))},
    }


def main():
    if "--spawn-on-demand" in sys.argv[1:]:
        spawn_on_demand(3)
        return
    if "--ppe-1mib-on-demand" in sys.argv[1:]:
        ppe_1mib_on_demand(20)
        return
    if "--ppe-order-on-demand" in sys.argv[1:]:
        ppe_order_on_demand(1_000)
        return
    quick = "--quick" in sys.argv[1:]
    sync_only = "--sync-only" in sys.argv[1:]
    start_only = "--start-only" in sys.argv[1:]

    def reps(n):
        return max(3, n // 10) if quick else n

    figures = {}
    if start_only:
        figures["spawn_start_join"] = {"unit": "ms", "samples": spawn_start_join(3, reps(20))}
    elif not sync_only:
        map_samples, map_processes = pool_map(2, reps(10))
        figures["ppe_roundtrip"] = {"unit": "µs", "samples": ppe_roundtrip(1_000, reps(5_000))}
        figures["pool_map"] = {"unit": "items/s", "samples": map_samples, "processes": map_processes}
        figures["spawn_start_join"] = {"unit": "ms", "samples": spawn_start_join(3, reps(20))}
        figures["ppe_1mib"] = {"unit": "MB/s", "samples": ppe_1mib(20, reps(200))}
    if not start_only:
        figures.update(sync_figures(reps))
    result = {
        "python": {
            "executable": sys.executable,
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "default_start_method": multiprocessing.get_start_method(),
            "cpu_count": os.cpu_count(),
        },
        "figures": figures,
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
