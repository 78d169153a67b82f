"""Robustness on workers: local processes and a 2-worker Dask cluster give a serial run's numbers bit for bit,
the inputs travel to each worker once, every slot of the executor is fed, and a failing replicate is
reported as a serial run reports it."""

from __future__ import annotations

import importlib
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

import assessment
from assessment.errors import InputError
from assessment.robustness import executors, load_robustness_spec, sensitivity, spec_from_dict, uncertainty
from assessment.robustness.engine import Setup

ROOT = Path(__file__).resolve().parent.parent
ASEM_SPEC = ROOT / "examples" / "robustness" / "asem-reference.yaml"
# COINr's reference spec mixes min-max [1, 100] with z-scores on purpose; its warning is tested in test_robustness
pytestmark = pytest.mark.filterwarnings("ignore:(?s).*different scales:assessment.errors.InputWarning")


@pytest.fixture(scope="module")
def asem(reference_dir: Path) -> assessment.Assessment:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    return assessment.assess(coin, method=ROOT / "examples" / "methods" / "coinr-asem.yaml")


def same_uncertainty(a: Any, b: Any) -> None:
    for lens in a.ranks:
        assert np.array_equal(a.ranks[lens], b.ranks[lens], equal_nan=True)
        assert np.array_equal(a.scores[lens], b.scores[lens], equal_nan=True)
        assert np.array_equal(a.node_scores[lens], b.node_scores[lens], equal_nan=True)
        pd.testing.assert_frame_equal(a.summary[lens], b.summary[lens], check_exact=True)
    pd.testing.assert_frame_equal(a.nodes, b.nodes, check_exact=True)


class Recording(ThreadPoolExecutor):
    """A pool of threads standing in for ``ProcessPoolExecutor``: records its initializer's calls, the
    arguments of every task and the most tasks out at once."""

    made: ClassVar[list[Recording]] = []

    def __init__(self, workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> None:
        super().__init__(workers, initializer=initializer, initargs=initargs)
        self.installs: list[Any] = []
        self.refs: list[Any] = []
        self.out = self.most = 0
        Recording.made.append(self)
        if initializer is not None:
            self.installs.append(initargs)
            initializer(*initargs)  # threads share the module: once is every worker

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.refs.append(args[0])
        self.out += 1
        self.most = max(self.most, self.out)
        fut = super().submit(fn, *args, **kwargs)
        fut.add_done_callback(lambda _f: setattr(self, "out", self.out - 1))
        return fut


def test_local_workers_get_the_inputs_once_and_give_serial_results(asem, monkeypatch) -> None:
    spec = load_robustness_spec(ASEM_SPEC).model_copy(update={"block": 4})  # 16 blocks
    serial = uncertainty(asem, spec, n=64, seed=3)
    monkeypatch.setattr(executors, "ProcessPoolExecutor", Recording)
    Recording.made.clear()
    local = uncertainty(asem, spec, n=64, seed=3, executor=2)
    same_uncertainty(serial, local)
    (pool,) = Recording.made
    (args,) = pool.installs  # the setup went out once, through the pool's initializer
    assert isinstance(args[0], Setup)
    assert all(ref == args[0].token for ref in pool.refs)  # every task names it by its token
    # 16 blocks on 2 slots: 4 tasks per slot of 2 blocks each, up to 2 out per slot
    assert len(pool.refs) == 8 and pool.most <= 4


def test_tasks_follow_the_executors_size(asem) -> None:
    spec = load_robustness_spec(ASEM_SPEC).model_copy(update={"block": 2})  # 32 blocks of 64 rows
    serial = uncertainty(asem, spec, n=64, seed=5)
    # about 4 tasks per slot, whole blocks each: 1 slot -> 8 blocks a task (4 tasks); 3 slots -> ceil(32 / 12) = 3
    # blocks a task (11 tasks); 8 slots -> 1 block a task (32 tasks)
    for workers, tasks in ((1, 4), (3, 11), (8, 32)):
        with Recording(workers) as pool:
            out = uncertainty(asem, spec, n=64, seed=5, executor=pool)
        same_uncertainty(serial, out)
        assert len(pool.refs) == tasks
        assert pool.most <= workers * executors.QUEUED_PER_SLOT
        assert all(isinstance(ref, Setup) for ref in pool.refs)  # an executor made elsewhere: sent with each task


def test_node_scores_stored_as_float32_travel_as_float32(asem, monkeypatch) -> None:
    module = importlib.import_module("assessment.robustness.uncertainty")  # the package names the function so
    spec = load_robustness_spec(ASEM_SPEC).model_copy(update={"block": 4})
    monkeypatch.setattr(module, "NODE_BUDGET", 0)  # every node table over budget: stored as float32
    serial = uncertainty(asem, spec, n=32, seed=9)
    sent: list[list[Any]] = []
    real = executors.run_task

    def recorded(*args: Any) -> list[Any]:
        out = real(*args)
        sent.append(out)
        return out

    monkeypatch.setattr(executors, "run_task", recorded)
    with Recording(2) as pool:
        remote = uncertainty(asem, spec, n=32, seed=9, executor=pool)
    assert serial.node_scores["coinr"].dtype == np.float32
    same_uncertainty(serial, remote)
    assert sent and all(b.nodes["coinr"].dtype == np.float32 for out in sent for b in out)


def test_a_failing_replicate_is_reported_as_a_serial_run_reports_it(asem) -> None:
    spec = spec_from_dict({"n": 40, "seed": 2, "block": 2, "assumptions": [
        {"name": "normalisation", "path": "normalise",
         "values": [{"method": "minmax", "range": [1, 100]}, {"method": "zscore", "mean_sd": [0, 1]}]},
        {"name": "aggregation", "path": "aggregate.method", "values": ["arithmetic", "geometric"]}]})
    with pytest.raises(InputError) as serial:
        uncertainty(asem, spec)  # z-scores below 0 cannot be averaged geometrically
    with Recording(4) as pool, pytest.raises(InputError) as remote:
        uncertainty(asem, spec, executor=pool)
    assert [(p.code, p.item, p.params) for p in remote.value.problems] == \
        [(p.code, p.item, p.params) for p in serial.value.problems]
    assert serial.value.problems[0].code == "replicate-failed"


def test_two_worker_dask_cluster_gets_the_inputs_once(asem) -> None:
    distributed = pytest.importorskip("distributed")  # the extra; a dev dependency, so this runs in CI
    spec = load_robustness_spec(ASEM_SPEC).model_copy(update={"block": 8})
    serial = uncertainty(asem, spec, n=48, seed=7)
    serial_sa = sensitivity(asem, spec, n=8, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                      worker_dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            scattered: list[dict[str, Any]] = []
            sent: list[tuple[Any, ...]] = []
            scatter, submit = client.scatter, client.submit

            def counted_scatter(data: Any, **kwargs: Any) -> Any:
                scattered.append(kwargs)
                return scatter(data, **kwargs)

            def recorded_submit(fn: Any, *args: Any, **kwargs: Any) -> Any:
                sent.append(args)
                return submit(fn, *args, **kwargs)

            client.scatter, client.submit = counted_scatter, recorded_submit  # type: ignore[method-assign]
            remote = uncertainty(asem, spec, n=48, seed=7, executor=client)
            remote_sa = sensitivity(asem, spec, n=8, seed=7, executor=client.get_executor())
    same_uncertainty(serial, remote)
    pd.testing.assert_frame_equal(serial_sa.indices, remote_sa.indices, check_exact=True)
    assert len(scattered) == 2 and all(k.get("broadcast") for k in scattered)  # once per analysis, to every worker
    assert sent and not any(isinstance(a, Setup) for args in sent for a in args)  # tasks carry a reference


def test_cli_workers_and_scheduler_write_the_serial_bytes(synthetic, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app

    distributed = pytest.importorskip("distributed")
    synthetic.cohort(30, 25, years=1, seed=2).to_csv(tmp_path / "cohort.csv", index=False)
    (tmp_path / "spec.yaml").write_text(
        "n: 16\nseed: 1\nblock: 2\nassumptions:\n  - {name: agg, path: aggregate.method, values: [arithmetic, "
        "generalised]}\n  - {name: w, kind: weights, levels: [1], share: 0.2}\n", encoding="utf-8")
    base = ["robustness", str(tmp_path / "cohort.csv"), "--spec", str(tmp_path / "spec.yaml"), "--n", "8", "-o"]

    def tables(folder: str, *extra: str) -> dict[str, bytes]:
        res = CliRunner().invoke(app, [*base, str(tmp_path / folder), *extra])
        assert res.exit_code == 0, res.output
        return {p.name: p.read_bytes() for p in sorted((tmp_path / folder).glob("*.csv"))}

    serial = tables("serial")
    assert len(serial) > 5 and serial == tables("local", "--workers", "2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                                      dashboard_address=None) as cluster:
            assert serial == tables("dask", "--scheduler", cluster.scheduler_address)
    both = CliRunner().invoke(app, [*base, str(tmp_path / "x"), "--workers", "2", "--scheduler", "tcp://a:1"])
    assert both.exit_code == 2 and "--workers or --scheduler, not both" in both.output
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):  # nothing listens on port 9
        gone = CliRunner().invoke(app, [*base, str(tmp_path / "y"), "--scheduler", "tcp://127.0.0.1:9"])
    assert gone.exit_code == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in gone.output
    assert "Traceback" not in gone.output and not (tmp_path / "y").exists()


def test_a_pool_worker_runs_blas_on_one_thread(asem) -> None:
    """The pool's processes fill the cores; a worker's own BLAS threads would only contend with them."""
    from concurrent.futures import ProcessPoolExecutor

    from threadpoolctl import threadpool_info

    from assessment.robustness.setup import make_setup

    setup = make_setup(asem, load_robustness_spec(ASEM_SPEC))
    with ProcessPoolExecutor(1, initializer=executors._install, initargs=(setup,)) as pool:
        inside = pool.submit(threadpool_info).result()
    blas = [pool["num_threads"] for pool in inside if pool["user_api"] == "blas"]  # numpy's, and scipy's if loaded
    assert blas and set(blas) == {1}
    before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    executors._install(setup)  # as a pool of threads calls it, in the caller's process
    assert [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"] == before
