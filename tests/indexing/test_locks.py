"""The readers-writer lock: a writer waits for readers, and new readers wait for it."""

from __future__ import annotations

import threading
import time

from indexing.vectors.rwlock import RWLock


def _wait_until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.001)


def test_writer_waits_for_readers_and_blocks_new_ones() -> None:
    rw = RWLock()
    events: list[str] = []
    reading = threading.Event()
    release = threading.Event()

    def reader() -> None:
        with rw.read():
            reading.set()
            release.wait(10)
            events.append("reader done")

    def writer() -> None:
        with rw.write():
            events.append("writer")

    r = threading.Thread(target=reader)
    r.start()
    reading.wait(10)
    w = threading.Thread(target=writer)
    w.start()
    _wait_until(lambda: rw._waiting_writers == 1)
    assert events == []
    release.set()
    r.join(10)
    w.join(10)
    assert events == ["reader done", "writer"]
