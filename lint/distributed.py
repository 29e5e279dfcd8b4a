"""The Dask executor: the same per-file step as a local run, on a dask.distributed cluster.

`pip install copydesk[dask]`. A local run never imports this module. Work is sent in
batches, with a bounded number in flight, so the client's memory stays flat however many
files there are; results come back in submission order."""

from __future__ import annotations

from collections import deque
from typing import Iterator

from lint.errors import UsageError

BATCH = 64
IN_FLIGHT_PER_WORKER = 4

_resolvers: dict = {}


def _batch_work(spec, options, tasks):
    """Runs on a worker: the local per-file step, with one Resolver per worker process."""
    from lint.runner import check_path

    resolver = _resolvers.get(spec)
    if resolver is None:
        resolver = _resolvers[spec] = spec.build()
    return [check_path(resolver, *task, options) for task in tasks]


def connect(scheduler: str | None, workers: int):
    """A Client for an existing cluster, or for a new local one (scheduler and workers on
    loopback). Returns (client, cluster or None)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ModuleNotFoundError:
        raise UsageError("--executor dask needs dask: pip install 'copydesk[dask]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    return Client(cluster), cluster


class DaskExecutor:
    """Sends the per-file step to Dask workers in batches, a bounded number in flight."""

    def __init__(self, spec, options, *, scheduler: str | None, workers: int):
        self.spec, self.options = spec, options
        self.client, self.cluster = connect(scheduler, workers)
        info = self.client.scheduler_info().get("workers", {})
        self.limit = max(1, len(info) or workers) * IN_FLIGHT_PER_WORKER

    def map(self, tasks: list) -> Iterator:
        in_flight: deque = deque()
        for start in range(0, len(tasks), BATCH):
            batch = tasks[start:start + BATCH]
            in_flight.append(self.client.submit(_batch_work, self.spec, self.options, batch, pure=False))
            while len(in_flight) >= self.limit:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
