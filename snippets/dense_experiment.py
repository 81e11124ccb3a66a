"""Gridding in a trained network: the same residual network with different dilation rates.

Run the whole experiment (budget: 5 minutes on 2 CPU cores) and rewrite the data file that the
dense-prediction page and its figures read (needs the `experiment` extras: scikit-learn and tqdm):

```{.bash .no-run}
python -m snippets.dense_experiment
```

For a given seed every run shares the parameters' initial values, the scenes, the batch order
and the optimizer; only the dilation rates of the three 3x3 layers differ.
"""

from __future__ import annotations

# --8<-- [start:imports]
from dataclasses import dataclass

import torch
from torch import nn

# --8<-- [end:imports]
# isort: split

import functools
import time
from dataclasses import asdict
from pathlib import Path

from snippets.data import RESULTS, read_results, spread
from snippets.dilation import receptive_field
from snippets.runs import rerun, run_all
from snippets.segmentation import (
    IGNORE,
    NUM_CLASSES,
    Scenes,
    SegNet,
    confusion,
    make_scenes,
    mean_iou,
    pixel_accuracy,
    stroke_disagreement,
)

DATA_FILE = RESULTS / "dense-prediction.json"
SYMBOLS = "0123456789a"  # label k is written as SYMBOLS[k] in the results file; 255 as "."


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


def _check_config(config: Config) -> None:
    if not isinstance(config, Config):
        raise TypeError(f"config must be a Config, got {type(config).__name__}")
    if not config.rate_lists or any(
        not rates or any(isinstance(r, bool) or not isinstance(r, int) or r < 1 for r in rates)
        for rates in config.rate_lists
    ):
        raise ValueError(
            f"rate_lists must hold non-empty lists of rates >= 1, got {config.rate_lists}"
        )
    if not config.seeds or any(s < 0 for s in config.seeds):
        raise ValueError(f"seeds must hold at least one seed >= 0, got {config.seeds}")
    for name in (
        "steps",
        "batch_size",
        "width",
        "train_scenes",
        "test_scenes",
        "workers",
        "threads",
    ):
        if getattr(config, name) < 1:
            raise ValueError(f"{name} must be >= 1, got {getattr(config, name)}")
    if not 0 <= config.shown <= config.test_scenes:
        raise ValueError(f"shown must be between 0 and test_scenes, got {config.shown}")
    if not config.lr > 0:
        raise ValueError(f"lr must be > 0, got {config.lr}")


# --8<-- [start:train]
def _train(
    net: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    steps: int,
    batch_size: int,
    lr: float,
    seed: int,
) -> list[float]:
    """Adam on random batches; the loss skips the pixels labelled 255."""
    loss_fn = nn.CrossEntropyLoss(ignore_index=255)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    order = torch.Generator().manual_seed(seed)  # batch order: the same for every rate list
    losses = []
    net.train()
    for _ in range(steps):
        batch = torch.randint(len(images), (batch_size,), generator=order)
        loss = loss_fn(net(images[batch]), labels[batch])  # logits (N, C, H, W), labels (N, H, W)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


# --8<-- [end:train]


@functools.cache
def scenes(train_count: int, test_count: int) -> tuple[Scenes, Scenes]:
    """The training and the test scenes of every run (fixed data seeds 0 and 1)."""
    return make_scenes(train_count, "train", seed=0), make_scenes(test_count, "test", seed=1)


def encode(labels: torch.Tensor) -> list[str]:
    """A label map as one string per row: class k as ``SYMBOLS[k]``, 255 as ``"."``.

    ```python
    import torch
    from snippets.dense_experiment import decode, encode

    rows = encode(torch.tensor([[0, 10], [255, 3]]))
    print(rows, decode(rows).tolist())
    #> ['0a', '.3'] [[0, 10], [255, 3]]
    ```

    Args:
        labels: a 2-D integer tensor with values in 0..10 or 255.

    Raises:
        ValueError: if ``labels`` is not 2-D or holds another value.
    """
    if not isinstance(labels, torch.Tensor) or labels.dim() != 2:
        raise ValueError("labels must be a 2-D tensor")
    symbols = {k: c for k, c in enumerate(SYMBOLS)} | {IGNORE: "."}
    values = set(labels.unique().tolist())
    if not values <= symbols.keys():
        raise ValueError(f"labels must be in 0..{len(SYMBOLS) - 1} or 255, got {sorted(values)}")
    return ["".join(symbols[v] for v in row) for row in labels.tolist()]


def decode(rows: list[str]) -> torch.Tensor:
    """The inverse of [`encode`][encode]."""
    values = {c: k for k, c in enumerate(SYMBOLS)} | {".": IGNORE}
    return torch.tensor([[values[c] for c in row] for row in rows], dtype=torch.long)


@torch.no_grad()
def evaluate(net: nn.Module, data: Scenes) -> tuple[dict[str, float], torch.Tensor]:
    """Test loss (255 skipped), mIoU, pixel accuracy, stroke disagreement; and the predictions."""
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
    losses = _train(
        net, train_data.images, train_data.labels, config.steps, config.batch_size, config.lr, seed
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
    of the steps) and, on the test scenes, the cross-entropy (pixels labelled 255 skipped),
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
    _check_config(config)
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
