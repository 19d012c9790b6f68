"""Benchmarks print their figures; they assert correctness, never timings (this machine is shared).

They run small in `make test` (to keep them working) and at full size with BENCH_FULL=1 (`make bench`)."""

import os

import pytest


@pytest.fixture
def full() -> bool:
    return os.environ.get("BENCH_FULL") == "1"


def report(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n== {title}")
    for key, value in rows:
        print(f"   {key:<{width}}  {value}")
