"""Plain vs residual networks of equal depth, trained on scikit-learn's 8x8 digits.

Run the full experiment (under 2 minutes on 2 CPU cores) and rewrite the data file the
page and its figures read::

    python -m snippets.resnet_experiment

Every network is built by :class:`snippets.resnet.StageNet` with the same widths, the same seed,
the same data order and the same optimizer; only ``residual`` and ``depth`` change.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from snippets.resnet import StageNet

DATA_FILE = (
    Path(__file__).resolve().parent.parent / "docs" / "assets" / "data" / "resnet-digits.json"
)


# --8<-- [start:config]
@dataclass(frozen=True)
class Config:
    """Settings of one experiment; the defaults are the committed full run."""

    depths: tuple[int, ...] = (8, 20, 56)
    seeds: tuple[int, ...] = (0, 1, 2)
    widths: tuple[int, int, int] = (8, 16, 32)
    steps: int = 150  # SGD steps per network
    batch_size: int = 32
    lr: float = 0.05
    momentum: float = 0.9
    warmup: int = 20  # linear learning-rate warm-up steps (idea: He et al. 2016, §4.2)
    workers: int = 2  # processes; one per core
    threads: int = 1  # per process: for such small tensors one thread is the most efficient


# --8<-- [end:config]


def _check_config(config: Config) -> None:
    if not isinstance(config, Config):
        raise TypeError(f"config must be a Config, got {type(config).__name__}")
    if not config.depths or any((d - 2) % 6 or d < 8 for d in config.depths):
        raise ValueError(f"depths must be 6n + 2 with n >= 1, got {config.depths}")
    if not config.seeds:
        raise ValueError("seeds must hold at least one seed")
    if config.steps < 1 or config.batch_size < 1:
        raise ValueError(
            f"steps and batch_size must be >= 1, got {config.steps} and {config.batch_size}"
        )
    if config.workers < 1 or config.threads < 1:
        raise ValueError(
            f"workers and threads must be >= 1, got {config.workers} and {config.threads}"
        )
    if config.warmup < 0:
        raise ValueError(f"warmup must be >= 0, got {config.warmup}")
    if not config.lr > 0:
        raise ValueError(f"lr must be > 0, got {config.lr}")


def load_digits_tensors() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """scikit-learn's digits as ``(x_train, y_train, x_test, y_test)``, pixels scaled to [0, 1].

    A fixed stratified split keeps 80 % for training (1,437 images of 1x8x8) and 20 % for test.

    ```python
    from snippets.resnet_experiment import load_digits_tensors

    x_train, y_train, x_test, y_test = load_digits_tensors()
    print(tuple(x_train.shape), tuple(x_test.shape), int(y_train.max()) + 1)
    #> (1437, 1, 8, 8) (360, 1, 8, 8) 10
    ```
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    train, test = train_test_split(
        range(len(y)), test_size=0.2, random_state=0, stratify=digits.target
    )
    return x[train], y[train], x[test], y[test]


# --8<-- [start:gradient_norms]
def gradient_norms(model: StageNet, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """Norm of the loss gradient w.r.t. each weighted layer's weight, input to output.

    Measured on one batch, in training mode (BN uses the batch statistics), before any update.

    ```python
    import torch
    from snippets.resnet import StageNet
    from snippets.resnet_experiment import gradient_norms

    torch.manual_seed(0)
    x, y = torch.randn(32, 1, 8, 8), torch.randint(0, 10, (32,))
    print(len(gradient_norms(StageNet(8), x, y)))
    #> 8
    ```

    Args:
        model: a :class:`~snippets.resnet.StageNet`.
        x: a batch of images.
        y: their labels.

    Raises:
        TypeError: if ``model`` is not a ``StageNet``.
    """
    if not isinstance(model, StageNet):
        raise TypeError(f"model must be a StageNet, got {type(model).__name__}")
    model.train()
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    norms = [layer.weight.grad.norm().item() for layer in model.weighted_layers()]
    model.zero_grad()
    return norms


# --8<-- [end:gradient_norms]


# --8<-- [start:train]
def train(
    model: StageNet, x: torch.Tensor, y: torch.Tensor, config: Config, seed: int
) -> list[float]:
    """Train with SGD + momentum; return the training loss of every step.

    The batch order depends only on ``seed``, so the plain and the residual network of a seed
    see exactly the same batches.
    """
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    model.train()
    losses: list[float] = []
    order = torch.randperm(len(y), generator=generator)
    position = 0
    for step in range(config.steps):
        for group in optimizer.param_groups:
            group["lr"] = config.lr * min(1.0, (step + 1) / (config.warmup + 1))
        if position + config.batch_size > len(y):  # new epoch: reshuffle
            order, position = torch.randperm(len(y), generator=generator), 0
        batch = order[position : position + config.batch_size]
        position += config.batch_size
        loss = F.cross_entropy(model(x[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


# --8<-- [end:train]


@torch.no_grad()
def evaluate(model: StageNet, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """``(mean cross-entropy, accuracy)`` of ``model`` in evaluation mode."""
    model.eval()
    logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


@functools.cache
def _digits() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    return load_digits_tensors()


def run_one(config: Config, seed: int, depth: int, residual: bool) -> dict:
    """Build, probe and train one network; return its entry of the results."""
    torch.set_num_threads(config.threads)
    x_train, y_train, x_test, y_test = _digits()
    torch.manual_seed(seed)
    model = StageNet(depth, residual=residual, widths=config.widths)
    probe = torch.Generator().manual_seed(1000 + seed)
    batch = torch.randperm(len(y_train), generator=probe)[: config.batch_size]
    norms = gradient_norms(model, x_train[batch], y_train[batch])
    losses = train(model, x_train, y_train, config, seed)
    tail = max(1, len(losses) // 10)
    train_loss, _ = evaluate(model, x_train, y_train)
    _, test_accuracy = evaluate(model, x_test, y_test)
    return {
        "kind": "residual" if residual else "plain",
        "depth": depth,
        "seed": seed,
        "losses": [round(v, 5) for v in losses],
        "final_loss": round(sum(losses[-tail:]) / tail, 5),
        "train_loss_eval": round(train_loss, 5),
        "test_accuracy": round(test_accuracy, 5),
        "grad_norms": [round(v, 6) for v in norms],
    }


def run(config: Config = Config(), *, progress: bool = False) -> dict:
    """Train a plain and a residual network for every depth and seed; return the results.

    Each run's entry holds its loss curve, its final training loss (mean of the last 10 % of
    the steps), the training-set loss and test accuracy after training (evaluation mode), and
    the gradient norms at initialization. With ``config.workers > 1`` the runs are spread over
    that many processes of ``config.threads`` threads each; the numbers do not change.

    Args:
        config: the experiment's settings.
        progress: show a tqdm progress bar.

    Raises:
        TypeError: if ``config`` is not a :class:`Config`.
        ValueError: if a setting is out of range.
    """
    _check_config(config)
    from tqdm import tqdm

    jobs = [(s, d, r) for d in config.depths for s in config.seeds for r in (False, True)]
    jobs.sort(key=lambda job: -job[1])  # deepest first: balances the workers
    started = time.perf_counter()
    bar = tqdm(total=len(jobs), disable=not progress, desc="resnet-digits", unit="net")
    if config.workers == 1:
        runs = []
        for job in jobs:
            runs.append(run_one(config, *job))
            bar.update()
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(config.workers, mp_context=context) as pool:
            futures = [pool.submit(run_one, config, *job) for job in jobs]
            for future in as_completed(futures):
                future.result()
                bar.update()
        runs = [future.result() for future in futures]
    bar.close()
    runs.sort(key=lambda entry: (entry["kind"], entry["depth"], entry["seed"]))
    return {
        "config": asdict(config),
        "torch": torch.__version__.split("+")[0],
        "seconds": round(time.perf_counter() - started, 1),
        "runs": runs,
    }


def summary(results: dict) -> dict[tuple[str, int], dict[str, float]]:
    """Mean, minimum and maximum over seeds of the final training loss, per (kind, depth).

    ```python
    from snippets.resnet_experiment import summary

    results = {"runs": [
        {"kind": "plain", "depth": 8, "seed": 0, "final_loss": 0.5},
        {"kind": "plain", "depth": 8, "seed": 1, "final_loss": 0.7},
    ]}
    print(summary(results))
    #> {('plain', 8): {'mean': 0.6, 'min': 0.5, 'max': 0.7}}
    ```

    Args:
        results: what :func:`run` returns (or the committed JSON, loaded).

    Raises:
        ValueError: if ``results`` holds no runs.
    """
    runs = results.get("runs") if isinstance(results, dict) else None
    if not runs:
        raise ValueError("results must be a dict with a non-empty 'runs' list")
    groups: dict[tuple[str, int], list[float]] = {}
    for entry in runs:
        groups.setdefault((entry["kind"], entry["depth"]), []).append(entry["final_loss"])
    return {
        key: {
            "mean": round(sum(v) / len(v), 5),
            "min": min(v),
            "max": max(v),
        }
        for key, v in groups.items()
    }


def load_results(path: Path = DATA_FILE) -> dict:
    """The committed results (``docs/assets/data/resnet-digits.json``)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main() -> None:
    results = run(Config(), progress=True)
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    for (kind, depth), stats in summary(results).items():
        print(f"{kind:8s} {depth:3d}  final loss {stats['mean']:.4f}")
    print(f"wrote {DATA_FILE.name} in {results['seconds']} s")


if __name__ == "__main__":
    main()
