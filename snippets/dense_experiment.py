"""The experiment of the dense-prediction page: gridding in a trained network, measured.

The same residual network is trained with different dilation rates, ten seeds each. Run the
whole experiment (budget: 15 minutes on 2 idle CPU cores) and rewrite the results file that
the dense-prediction page and its figures read (needs the `experiment` extras: scikit-learn and
tqdm):

```{.bash .no-run}
python -m snippets.dense_experiment
```

For a given seed every run shares the parameters' initial values, the scenes, the batch order
and the optimizer; only the dilation rates of the three 3x3 layers differ. The page compares
two rate lists seed by seed with [`paired_difference`][paired_difference].
"""

from __future__ import annotations

import functools
import platform
import time
from dataclasses import asdict
from pathlib import Path

from snippets.checks import (
    check_choice,
    check_int,
    check_int_list,
    check_number,
    check_number_list,
    check_tensor,
    check_type,
)
from snippets.data import RESULTS, read_results, spread
from snippets.dilation import receptive_field
from snippets.runs import rerun, run_all, torch_threads
from snippets.segmentation import (
    NUM_CLASSES,
    Scenes,
    SegNet,
    confusion,
    make_scenes,
    mean_iou,
    parity_gap,
    pixel_accuracy,
    stroke_disagreement,
)

# isort: split
# --8<-- [start:imports]
import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from snippets.segmentation import IGNORE

# --8<-- [end:imports]

DATA_FILE = RESULTS / "dense-prediction.json"
SYMBOLS = "0123456789a"  # label k is written as SYMBOLS[k] in the results file; IGNORE as "."


# --8<-- [start:config]
@dataclass(frozen=True)
class Config:
    """Settings of one experiment; the defaults are the committed full run."""

    rate_lists: tuple[tuple[int, ...], ...] = ((1, 1, 1), (2, 2, 2), (1, 2, 3), (1, 2, 5))
    seeds: tuple[int, ...] = tuple(range(10))  # each seeds the initialization and the batches
    steps: int = 400  # Adam steps per network
    curve_every: int = 20  # steps per point of the stored training-loss curve
    batch_size: int = 16
    lr: float = 0.003
    width: int = 32  # channels of the residual blocks
    train_scenes: int = 512  # 40x40 scenes from the training digits
    test_scenes: int = 128  # 40x40 scenes from the test digits
    shown: int = 3  # test scenes whose predictions (first seed) are stored for the figure
    workers: int = 2  # processes; one per core
    threads: int = 1  # per process


# --8<-- [end:config]


# --8<-- [start:train]
def train(
    net: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    seed: int,
) -> list[float]:
    # --8<-- [end:train]
    """Train ``net`` with Adam on random batches; return the loss of every step.

    The loss is the per-pixel cross-entropy that skips the pixels labelled ``IGNORE`` (255).
    The batch order depends only on ``seed``, so networks that differ only in their dilation
    rates see the same batches.

    ```python
    import torch
    from snippets.dense_experiment import train
    from snippets.segmentation import SegNet

    torch.manual_seed(0)
    images, labels = torch.randn(4, 1, 8, 8), torch.randint(0, 11, (4, 8, 8))
    losses = train(SegNet([1, 2], width=4), images, labels, steps=3, batch_size=2, lr=0.01, seed=0)
    print(len(losses))
    #> 3
    ```

    Args:
        net: a model from ``(N, 1, H, W)`` images to ``(N, C, H, W)`` logits.
        images: ``(N, 1, H, W)`` floating-point inputs.
        labels: ``(N, H, W)`` class of every pixel, or ``IGNORE``.
        steps: Adam steps, ``>= 1``.
        batch_size: scenes per step (drawn with replacement), ``>= 1``.
        lr: Adam's learning rate, ``> 0``.
        seed: seed of the batch order, ``>= 0``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a value is out of range or ``images`` and ``labels`` hold different
            numbers of scenes.
    """
    check_type("net", net, nn.Module)
    check_tensor("images", images, floating=True, dims={4})
    check_tensor("labels", labels, dims={3})
    if len(labels) != len(images):
        raise ValueError(
            f"images and labels must hold the same number of scenes, got {len(images)} and "
            f"{len(labels)}"
        )
    check_int("steps", steps, 1)
    check_int("batch_size", batch_size, 1)
    check_number("lr", lr, 0.0, above=True)
    check_int("seed", seed, 0)
    # --8<-- [start:train-body]
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    # the batch order depends on the seed alone: the same for every rate list
    order = torch.Generator().manual_seed(seed)
    losses = []
    net.train()
    for _ in range(steps):
        batch = torch.randint(len(images), (batch_size,), generator=order)
        # logits (N, C, H, W) against labels (N, H, W)
        loss = loss_fn(net(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    # --8<-- [end:train-body]


@functools.cache
def scenes(train_count: int, test_count: int) -> tuple[Scenes, Scenes]:
    """The training and the test scenes of every run (fixed data seeds 0 and 1)."""
    return make_scenes(train_count, "train", seed=0), make_scenes(test_count, "test", seed=1)


def encode(labels: torch.Tensor) -> list[str]:
    """A label map as one string per row: class k as ``SYMBOLS[k]``, ``IGNORE`` as ``"."``.

    ```python
    import torch
    from snippets.dense_experiment import decode, encode
    from snippets.segmentation import IGNORE

    rows = encode(torch.tensor([[0, 10], [IGNORE, 3]]))
    print(rows, decode(rows).tolist())
    #> ['0a', '.3'] [[0, 10], [255, 3]]
    ```

    Args:
        labels: a 2-D integer tensor with values in 0..10 or ``IGNORE`` (255).

    Raises:
        TypeError: if ``labels`` is not a tensor.
        ValueError: if ``labels`` is not 2-D or holds another value.
    """
    check_tensor("labels", labels, dims={2})
    symbols = {k: c for k, c in enumerate(SYMBOLS)} | {IGNORE: "."}
    values = set(labels.unique().tolist())
    if not values <= symbols.keys():
        raise ValueError(
            f"labels must be in 0..{len(SYMBOLS) - 1} or {IGNORE}, got {sorted(values)}"
        )
    return ["".join(symbols[v] for v in row) for row in labels.tolist()]


def decode(rows: list[str]) -> torch.Tensor:
    """The inverse of [`encode`][encode]."""
    values = {c: k for k, c in enumerate(SYMBOLS)} | {".": IGNORE}
    return torch.tensor([[values[c] for c in row] for row in rows], dtype=torch.long)


MEASURES = ("loss", "miou", "pixel_accuracy", "disagreement", "parity_gap")


@torch.no_grad()
def evaluate(
    net: nn.Module, data: Scenes, batch: int = 128
) -> tuple[dict[str, float], torch.Tensor]:
    """Every measure of ``MEASURES`` on ``data`` (in eval mode), and the predicted labels.

    ``loss`` is the cross-entropy over all labelled pixels (``IGNORE`` skipped); the others are
    those of ``snippets.segmentation``. The scenes go through the network ``batch`` at a time.
    """
    net.eval()
    logits = torch.cat([net(data.images[i : i + batch]) for i in range(0, len(data.images), batch)])
    pred = logits.argmax(1)
    n = confusion(pred, data.labels, NUM_CLASSES)
    measures = {
        "loss": nn.CrossEntropyLoss(ignore_index=IGNORE)(logits, data.labels).item(),
        "miou": mean_iou(n),
        "pixel_accuracy": pixel_accuracy(n),
        "disagreement": stroke_disagreement(pred, data.labels),
        "parity_gap": parity_gap(pred, data.labels),
    }
    return measures, pred


def loss_curve(losses: list[float], every: int) -> list[float]:
    """Mean of each window of ``every`` consecutive step losses (a last, shorter one included).

    ```python
    from snippets.dense_experiment import loss_curve

    print(loss_curve([4.0, 2.0, 3.0, 1.0, 0.5], every=2))
    #> [3.0, 2.0, 0.5]
    ```
    """
    check_int("every", every, 1)
    windows = [losses[i : i + every] for i in range(0, len(losses), every)]
    return [sum(window) / len(window) for window in windows]


def run_one(config: Config, rates: tuple[int, ...], seed: int) -> dict:
    """Build, train and evaluate one network; return its entry of the results."""
    with torch_threads(config.threads):
        started = time.process_time()
        train_data, test_data = scenes(config.train_scenes, config.test_scenes)
        torch.manual_seed(seed)  # the same initial parameters for every rate list
        net = SegNet(list(rates), width=config.width)
        losses = train(
            net,
            train_data.images,
            train_data.labels,
            steps=config.steps,
            batch_size=config.batch_size,
            lr=config.lr,
            seed=seed,
        )
        on_train, _ = evaluate(net, train_data)
        on_test, pred = evaluate(net, test_data)
        shown = config.shown if seed == config.seeds[0] else 0

        def rounded(measures: dict[str, float]) -> dict[str, float]:
            return {key: round(value, 5) for key, value in measures.items()}

        return {
            "rates": list(rates),
            "seed": seed,
            "receptive_field": receptive_field(list(rates)),
            "train_curve": [round(v, 5) for v in loss_curve(losses, config.curve_every)],
            "train": rounded(on_train),
            "test": rounded(on_test),
            "predictions": [encode(pred[i]) for i in range(shown)],
            "cpu_seconds": round(time.process_time() - started, 1),
        }


def _cpu() -> str:
    """The CPU's model name where Linux tells it, else the machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def run(config: Config = Config(), *, progress: bool = False) -> dict:
    """Train one network per rate list and seed; return the results.

    Each run's entry holds its receptive field; its training-loss curve (the mean loss of
    every ``config.curve_every`` steps); every measure of ``MEASURES`` on the training scenes
    (``"train"``) and on the test scenes (``"test"``), both measured after training in eval
    mode; for the first seed, the predicted label maps of the first ``config.shown`` test
    scenes; and the CPU time it took. With ``config.workers > 1`` the runs are spread over
    that many processes of ``config.threads`` threads each; the numbers do not change.

    Args:
        config: the experiment's settings.
        progress: show a tqdm progress bar.

    Raises:
        TypeError: if ``config`` is not a [`Config`][Config].
        ValueError: if a setting is out of range.
    """
    check_type("config", config, Config)
    if len(config.rate_lists) == 0:
        raise ValueError("rate_lists must hold at least one list of rates >= 1, got ()")
    for index, rates in enumerate(config.rate_lists):
        check_int_list(f"rate_lists[{index}]", rates, 1)
    check_int_list("seeds", config.seeds, 0)
    for name in ("steps", "curve_every", "batch_size", "width", "train_scenes", "test_scenes"):
        check_int(name, getattr(config, name), 1)
    check_int("shown", config.shown, 0, config.test_scenes)
    check_number("lr", config.lr, 0.0, above=True)
    check_int("workers", config.workers, 1)
    check_int("threads", config.threads, 1)
    jobs = [(tuple(rates), seed) for rates in config.rate_lists for seed in config.seeds]
    started = time.perf_counter()
    runs = run_all(
        run_one, config, jobs, workers=config.workers, desc="dense-prediction", progress=progress
    )
    _, test_data = scenes(config.train_scenes, config.test_scenes)
    return {
        "config": asdict(config),
        "torch": torch.__version__.split("+")[0],
        "cpu": _cpu(),
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(sum(entry["cpu_seconds"] for entry in runs), 1),
        "shown_labels": [encode(test_data.labels[i]) for i in range(config.shown)],
        "runs": runs,
    }


def summary(
    results: dict, split: str = "test"
) -> dict[tuple[int, ...], dict[str, dict[str, float]]]:
    """Mean, minimum and maximum over seeds of every measure, per rate list.

    ```python
    from snippets.dense_experiment import summary

    runs = [
        {"rates": [2, 2, 2], "seed": s, "test": {"miou": m, "loss": 0.3}}
        for s, m in ((0, 0.5), (1, 0.7))
    ]
    print(summary({"runs": runs})[(2, 2, 2)]["miou"])
    #> {'mean': 0.6, 'min': 0.5, 'max': 0.7}
    ```

    Args:
        results: what [`run`][run] returns (or the committed JSON, loaded).
        split: ``"test"`` or ``"train"``: the scenes the measures were taken on.

    Raises:
        ValueError: if ``results`` holds no runs or ``split`` is unknown.
    """
    runs = results.get("runs") if isinstance(results, dict) else None
    if not runs:
        raise ValueError("results must be a dict with a non-empty 'runs' list")
    check_choice("split", split, ("test", "train"))
    groups: dict[tuple[int, ...], list[dict]] = {}
    for entry in runs:
        groups.setdefault(tuple(entry["rates"]), []).append(entry[split])
    return {
        rates: {key: spread([e[key] for e in entries]) for key in entries[0]}
        for rates, entries in groups.items()
    }


def per_seed(results: dict, rates: Sequence[int], key: str, split: str = "test") -> list[float]:
    """The measure ``key`` of the runs of ``rates``, one value per seed in the order of the seeds.

    ```python
    from snippets.dense_experiment import per_seed

    runs = [{"rates": [1, 2, 3], "seed": s, "test": {"miou": 0.1 * s}} for s in (1, 0)]
    print(per_seed({"runs": runs}, [1, 2, 3], "miou"))
    #> [0.0, 0.1]
    ```

    Args:
        results: what [`run`][run] returns (or the committed JSON, loaded).
        rates: the rate list, as in ``results``.
        key: one of ``MEASURES``.
        split: ``"test"`` or ``"train"``.

    Raises:
        ValueError: if ``results`` holds no run of ``rates`` or ``split`` is unknown.
    """
    check_choice("split", split, ("test", "train"))
    entries = sorted(
        (e for e in results.get("runs", []) if list(e["rates"]) == list(rates)),
        key=lambda e: e["seed"],
    )
    if not entries:
        raise ValueError(f"results hold no run of the rates {list(rates)}")
    return [e[split][key] for e in entries]


# --8<-- [start:sign_flip_p]
def sign_flip_p(differences: Sequence[float]) -> float:
    # --8<-- [end:sign_flip_p]
    """Exact two-sided p-value of the sign-flip (paired permutation) test of a mean difference.

    If the two arms of a pair are exchangeable, every difference is as likely to have the
    opposite sign. The test flips the signs in all ``2 ** n`` ways and returns the share of
    assignments whose sum is at least as far from 0 as the observed one. ``math.fsum`` adds
    exactly (then rounds once), so assignments with equal sums compare equal.

    ```python
    from snippets.dense_experiment import sign_flip_p

    print(sign_flip_p([1, 2, 3]))  # only +1+2+3 and -1-2-3 reach |6|
    #> 0.25
    print(sign_flip_p([-1.0] * 10))  # the smallest p-value of 10 pairs
    #> 0.001953125
    ```

    Args:
        differences: one difference per pair, 1 to 20 real numbers (``2 ** 20`` assignments
            take a few seconds).

    Raises:
        TypeError: if ``differences`` is not a sequence of numbers.
        ValueError: if it holds no number or more than 20.
    """
    check_number_list("differences", differences, 1, 20)
    # --8<-- [start:sign_flip_p-body]
    observed = abs(math.fsum(differences))
    extreme = 0
    for signs in itertools.product((1, -1), repeat=len(differences)):
        total = math.fsum(sign * d for sign, d in zip(signs, differences, strict=True))
        extreme += abs(total) >= observed
    return extreme / 2 ** len(differences)
    # --8<-- [end:sign_flip_p-body]


# --8<-- [start:PairedDifference]
@dataclass(frozen=True)
class PairedDifference:
    """Differences ``second - first`` of paired runs (one per seed), summed up."""

    n: int  # pairs
    mean: float
    sd: float  # sample standard deviation (divides by n - 1)
    low: float  # smallest difference
    high: float  # largest difference
    positive: int  # pairs with second > first
    negative: int  # pairs with second < first
    p: float  # exact two-sided sign-flip test, sign_flip_p


# --8<-- [end:PairedDifference]


# --8<-- [start:paired_difference]
def paired_difference(first: Sequence[float], second: Sequence[float]) -> PairedDifference:
    # --8<-- [end:paired_difference]
    """Compare two arms seed by seed: ``first[i]`` and ``second[i]`` come from the same seed.

    ```python
    from snippets.dense_experiment import paired_difference

    paired = paired_difference([0.5, 0.25, 0.75], [0.25, 0.0, 0.25])
    print(paired.mean, paired.sd, paired.low, paired.high, paired.negative, paired.p)
    #> -0.3333333333333333 0.14433756729740643 -0.5 -0.25 3 0.25
    ```

    Args:
        first: one value per seed of the first arm.
        second: the values of the second arm, for the same seeds in the same order.

    Returns:
        A [`PairedDifference`][PairedDifference] of ``second[i] - first[i]``.

    Raises:
        TypeError: if an argument is not a sequence of numbers.
        ValueError: if the lengths differ or there are fewer than 2 or more than 20 pairs.
    """
    check_number_list("first", first, 2, 20)
    check_number_list("second", second, 2, 20)
    if len(first) != len(second):
        raise ValueError(
            f"first and second must hold the same number of values, got {len(first)} and "
            f"{len(second)}"
        )
    # --8<-- [start:paired_difference-body]
    differences = [b - a for a, b in zip(first, second, strict=True)]
    return PairedDifference(
        n=len(differences),
        mean=sum(differences) / len(differences),
        sd=statistics.stdev(differences),
        low=min(differences),
        high=max(differences),
        positive=sum(d > 0 for d in differences),
        negative=sum(d < 0 for d in differences),
        p=sign_flip_p(differences),
    )
    # --8<-- [end:paired_difference-body]


def load_results(path: Path | None = None) -> dict:
    """The committed results (``snippets/results/dense-prediction.json``), or the file ``path``."""
    return read_results(DATA_FILE.name, path)


def report(results: dict) -> list[str]:
    """Mean mIoU, D and parity gap per rate list; then [1, 2, 3] against [2, 2, 2], paired."""
    lines = []
    for rates, stats in summary(results).items():
        lines.append(
            f"{rates!s:10} " + "  ".join(f"{key} {stats[key]['mean']:+.3f}" for key in MEASURES)
        )
    for key in MEASURES:
        d = paired_difference(per_seed(results, (2, 2, 2), key), per_seed(results, (1, 2, 3), key))
        lines.append(
            f"[1, 2, 3] - [2, 2, 2] {key}: mean {d.mean:+.3f} sd {d.sd:.3f} "
            f"[{d.low:+.3f}, {d.high:+.3f}] +{d.positive}/-{d.negative} p {d.p:.4f}"
        )
    return lines


def main() -> None:
    rerun(run, Config(), DATA_FILE, report)


if __name__ == "__main__":
    main()
