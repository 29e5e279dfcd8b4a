"""The Dask executor: the same per-file step as a local run, on a dask.distributed cluster.

`pip install copydesk[dask]`. A local run never imports this module. Work is sent in
batches, with a bounded number in flight, so the client's memory stays flat however many
files there are; results come back in submission order."""

from __future__ import annotations

from lint.errors import UsageError

BATCH = 64
IN_FLIGHT_PER_WORKER = 4

_resolvers: dict = {}


def _batch_work(spec, options, tasks):
    """Runs on a worker: the local per-file step, with one Resolver per worker process."""
    from lint.runner import check_batch

    resolver = _resolvers.get(spec)
    if resolver is None:
        resolver = _resolvers[spec] = spec.build()
    return check_batch(resolver, tasks, options)


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
    """Sends the per-file step to Dask workers in batches; lint.runner.run keeps a bounded
    number in flight and hands results on in submission order."""

    batch_size = BATCH
    started = True

    def __init__(self, spec, options, *, scheduler: str | None, workers: int):
        self.spec, self.options = spec, options
        self.client, self.cluster = connect(scheduler, workers)
        info = self.client.scheduler_info().get("workers", {})
        self.in_flight = max(1, len(info) or workers) * IN_FLIGHT_PER_WORKER

    def submit(self, tasks: list):
        return _Batch(self.client.submit(_batch_work, self.spec, self.options, tasks, pure=False))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class _Batch:
    def __init__(self, future):
        self._future = future

    def ready(self) -> bool:
        return self._future.done()

    def result(self) -> list:
        return self._future.result()
