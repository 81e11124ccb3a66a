"""The experiment of the dense-prediction page: gridding in a trained network, measured.

The same residual network is trained with different dilation rates. Run the whole experiment
(budget: 5 minutes on 2 CPU cores) and rewrite the results file that the dense-prediction page and
its figures read (needs the `experiment` extras: scikit-learn and tqdm):

```{.bash .no-run}
python -m snippets.dense_experiment
```

For a given seed every run shares the parameters' initial values, the scenes, the batch order
and the optimizer; only the dilation rates of the three 3x3 layers differ.
"""

from __future__ import annotations

import functools
import time
from dataclasses import asdict
from pathlib import Path

from snippets.checks import check_int, check_int_list, check_number, check_tensor, check_type
from snippets.data import RESULTS, read_results, spread
from snippets.dilation import receptive_field
from snippets.runs import rerun, run_all
from snippets.segmentation import (
    NUM_CLASSES,
    Scenes,
    SegNet,
    confusion,
    make_scenes,
    mean_iou,
    pixel_accuracy,
    stroke_disagreement,
)

# isort: split
# --8<-- [start:imports]
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
    seeds: tuple[int, ...] = (0, 1, 2)  # each seeds the initialization and the batch order
    steps: int = 400  # Adam steps per network
    batch_size: int = 16
    lr: float = 0.003
    width: int = 32  # channels of the residual blocks
    train_scenes: int = 512  # 40x40 scenes from the training digits
    test_scenes: int = 128  # 40x40 scenes from the test digits
    shown: int = 3  # test scenes whose predictions are stored for the figure
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


@torch.no_grad()
def evaluate(net: nn.Module, data: Scenes) -> tuple[dict[str, float], torch.Tensor]:
    """Test loss (``IGNORE`` skipped), mIoU, pixel accuracy, stroke disagreement; predictions."""
    net.eval()
    logits = net(data.images)
    pred = logits.argmax(1)
    n = confusion(pred, data.labels, NUM_CLASSES)
    measures = {
        "test_loss": nn.CrossEntropyLoss(ignore_index=IGNORE)(logits, data.labels).item(),
        "miou": mean_iou(n),
        "pixel_accuracy": pixel_accuracy(n),
        "disagreement": stroke_disagreement(pred, data.labels),
    }
    return measures, pred


def run_one(config: Config, rates: tuple[int, ...], seed: int) -> dict:
    """Build, train and evaluate one network; return its entry of the results."""
    torch.set_num_threads(config.threads)
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
    measures, pred = evaluate(net, test_data)
    tail = max(1, len(losses) // 10)
    return {
        "rates": list(rates),
        "seed": seed,
        "receptive_field": receptive_field(list(rates)),
        "final_train_loss": round(sum(losses[-tail:]) / tail, 5),
        **{key: round(value, 5) for key, value in measures.items()},
        "predictions": [encode(pred[i]) for i in range(config.shown)],
    }


def run(config: Config = Config(), *, progress: bool = False) -> dict:
    """Train one network per rate list and seed; return the results.

    Each run's entry holds its receptive field, its final training loss (mean of the last 10 %
    of the steps) and, on the test scenes, the cross-entropy (``IGNORE`` pixels skipped),
    mean IoU, pixel accuracy and stroke disagreement (see ``snippets.segmentation``), and the
    predicted label maps of the first ``config.shown`` test scenes. With ``config.workers > 1``
    the runs are spread over that many processes; the numbers do not change.

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
    for name in ("steps", "batch_size", "width", "train_scenes", "test_scenes"):
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
        "seconds": round(time.perf_counter() - started, 1),
        "shown_labels": [encode(test_data.labels[i]) for i in range(config.shown)],
        "runs": runs,
    }


MEASURES = ("miou", "pixel_accuracy", "test_loss", "disagreement")


def summary(results: dict) -> dict[tuple[int, ...], dict[str, dict[str, float]]]:
    """Mean, minimum and maximum over seeds of every measure, per rate list.

    ```python
    from snippets.dense_experiment import summary

    runs = [
        {"rates": [2, 2, 2], "seed": s, "miou": m, "pixel_accuracy": 0.9, "test_loss": 0.3,
         "disagreement": 0.1}
        for s, m in ((0, 0.5), (1, 0.7))
    ]
    print(summary({"runs": runs})[(2, 2, 2)]["miou"])
    #> {'mean': 0.6, 'min': 0.5, 'max': 0.7}
    ```

    Args:
        results: what [`run`][run] returns (or the committed JSON, loaded).

    Raises:
        ValueError: if ``results`` holds no runs.
    """
    runs = results.get("runs") if isinstance(results, dict) else None
    if not runs:
        raise ValueError("results must be a dict with a non-empty 'runs' list")
    groups: dict[tuple[int, ...], list[dict]] = {}
    for entry in runs:
        groups.setdefault(tuple(entry["rates"]), []).append(entry)
    return {
        rates: {key: spread([e[key] for e in entries]) for key in MEASURES}
        for rates, entries in groups.items()
    }


def load_results(path: Path | None = None) -> dict:
    """The committed results (``snippets/results/dense-prediction.json``), or the file ``path``."""
    return read_results(DATA_FILE.name, path)


def report(results: dict) -> list[str]:
    """One line per rate list: mean mIoU and its range over the seeds."""
    lines = []
    for rates, stats in summary(results).items():
        m = stats["miou"]
        lines.append(f"{rates!s:10} mIoU {m['mean']:.3f} [{m['min']:.3f}, {m['max']:.3f}]")
    return lines


def main() -> None:
    rerun(run, Config(), DATA_FILE, report)


if __name__ == "__main__":
    main()
