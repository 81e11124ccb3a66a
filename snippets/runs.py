"""Run an experiment's independent trainings, in this process or across worker processes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from snippets.data import write_results


def run_all(
    run_one: Callable[..., Any],
    config: Any,
    jobs: Sequence[tuple],
    *,
    workers: int,
    desc: str,
    progress: bool = False,
) -> list:
    """``[run_one(config, *job) for job in jobs]``, on ``workers`` processes, in job order.

    ``run_one`` must be a module-level function (worker processes are spawned and import it);
    a tqdm bar counts finished jobs when ``progress`` is true.

    ```python
    from snippets.runs import run_all

    print(run_all(pow, 2, [(3,), (5,)], workers=1, desc="demo"))
    #> [8, 32]
    ```
    """
    from tqdm import tqdm

    bar = tqdm(total=len(jobs), disable=not progress, desc=desc, unit="net")
    try:
        if workers == 1:
            results = []
            for job in jobs:
                results.append(run_one(config, *job))
                bar.update()
            return results
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(run_one, config, *job) for job in jobs]
            for future in as_completed(futures):
                future.result()
                bar.update()
        return [future.result() for future in futures]
    finally:
        bar.close()


def rerun(
    run: Callable[..., dict],
    config: Any,
    path: Path,
    report: Callable[[dict], list[str]],
) -> None:
    """What ``python -m snippets.<experiment>`` does: ``run(config)`` with a progress bar, write
    the results to ``path`` (the committed file), then print ``report(results)`` line by line.
    """
    results = run(config, progress=True)
    write_results(path, results)
    for line in report(results):
        print(line)
    print(f"wrote {path.name} in {results['seconds']} s")


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block with ``count`` torch threads, then restore the number there was.

    A training's float sums depend on how many threads split them, so each training fixes its
    thread count; restoring it keeps a run in this process from changing what follows.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
