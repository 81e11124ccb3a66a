"""The residual-networks page's measurements: plain vs residual training, and gradient probes.

Plain and residual networks of equal depth are trained on scikit-learn's 8x8 digits; the
probes measure the identity path of pre-activation units and shattered gradients.

Run the full experiment (under 2 minutes on 2 CPU cores) and rewrite the data file the
page and its figures read (needs the `experiment` extras: scikit-learn and tqdm):

```{.bash .no-run}
python -m snippets.resnet_experiment
```

Every network is built by [`snippets.resnet.StageNet`][snippets.resnet.StageNet] with the same
widths, the same seed, the same data order and the same optimizer; only ``residual`` and
``depth`` change.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import torch.nn.functional as F

# isort: split
# --8<-- [start:imports]
from dataclasses import dataclass

import torch
from torch import nn

# --8<-- [end:imports]
# isort: split
from snippets.checks import (
    check_bool,
    check_int,
    check_int_list,
    check_number,
    check_tensor,
    check_type,
)
from snippets.data import RESULTS, read_results, spread
from snippets.resnet import BasicBlock, PreActBlock, StageNet
from snippets.runs import rerun, run_all, torch_threads

SHATTER_DEPTHS = (1, 2, 4, 8, 16, 32, 64)  # depths of the gradient-correlation sweep
DATA_FILE = RESULTS / "resnet-digits.json"


# --8<-- [start:Config]
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


# --8<-- [end:Config]


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
        model: a [`StageNet`][snippets.resnet.StageNet].
        x: a batch of images.
        y: their labels.

    Raises:
        TypeError: if ``model`` is not a ``StageNet``.
    """
    check_type("model", model, StageNet)
    model.train()
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    norms = [layer.weight.grad.norm().item() for layer in model.weighted_layers()]
    model.zero_grad()
    return norms


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


# --8<-- [start:identity_path_errors]
def identity_path_errors(units: nn.Sequential, x: torch.Tensor) -> list[float]:
    # --8<-- [end:identity_path_errors]
    """How far a stack of residual units is from Eq. 5 of He et al. (ECCV 2016), per unit.

    For every unit input ``x_l``, compares ``dE/dx_l`` with ``dE/dx_L (1 + d/dx_l sum F)``,
    with ``E = sum(g * x_L)`` for a random ``g`` (drawn from torch's global generator) and
    ``F`` each unit's residual branch; returns ``|difference| / |dE/dx_l|``. Units are
    [`PreActBlock`][snippets.resnet.PreActBlock] (``F`` ends at ``conv2``; nothing follows the
    addition, so the error is float rounding) or [`BasicBlock`][snippets.resnet.BasicBlock] with an
    identity shortcut (``F`` ends at ``bn2``; the ReLU after the addition breaks Eq. 5), such as
    the first blocks of a [`StageNet`][snippets.resnet.StageNet]. BN uses the batch statistics
    when the units are in training mode.

    ```python
    import torch
    from torch import nn
    from snippets.resnet import PreActBlock
    from snippets.resnet_experiment import identity_path_errors

    torch.manual_seed(0)
    units = nn.Sequential(*[PreActBlock(4) for _ in range(3)])
    print(max(identity_path_errors(units, torch.randn(2, 4, 5, 5))) < 1e-5)
    #> True
    ```

    Args:
        units: an ``nn.Sequential`` of ``PreActBlock`` units, or of ``BasicBlock`` units whose
            shortcut is the identity (``downsample is None`` and ``residual=True``).
        x: the input of the first unit.

    Raises:
        TypeError: if ``units`` holds other modules or ``x`` is not a float tensor.
        ValueError: if ``units`` is empty.
    """
    _check_units(units)
    check_tensor("x", x, floating=True)
    # --8<-- [start:identity_path_errors-body]
    f_end = "conv2" if isinstance(units[0], PreActBlock) else "bn2"  # the last layer of F
    xs, fs = [], []  # x_0 ... x_{L-1} and F(x_0) ... F(x_{L-1}), recorded during the pass
    hooks = [unit.register_forward_pre_hook(lambda m, args: xs.append(args[0])) for unit in units]
    hooks += [
        getattr(unit, f_end).register_forward_hook(lambda m, args, out: fs.append(out))
        for unit in units
    ]
    x_last = units(x.clone().requires_grad_())
    for hook in hooks:
        hook.remove()
    g_last = torch.randn_like(x_last)  # E = sum(g_last * x_L), so dE/dx_L = g_last
    grads = torch.autograd.grad((g_last * x_last).sum(), xs, retain_graph=True)  # dE/dx_l
    # dE/dx_L . d/dx_l sum_{i>=l} F(x_i): one pass, as F(x_i) with i < l does not depend on x_l
    through_f = torch.autograd.grad((g_last * sum(fs)).sum(), xs)
    return [
        ((g - (g_last + f)).norm() / g.norm()).item()  # Eq. 5: g = g_last (1 + d sum F / dx_l)
        for g, f in zip(grads, through_f, strict=True)
    ]
    # --8<-- [end:identity_path_errors-body]


def _check_units(units: object) -> None:
    """``units`` must be all pre-activation units, or all basic blocks with identity shortcuts."""
    if not isinstance(units, nn.Sequential) or len(units) == 0:
        raise ValueError("units must be a non-empty nn.Sequential of residual units")
    if all(isinstance(unit, PreActBlock) for unit in units):
        return
    if all(
        isinstance(unit, BasicBlock) and unit.residual and unit.downsample is None for unit in units
    ):
        return
    raise TypeError("units must all be PreActBlock, or all be BasicBlock with an identity shortcut")


# --8<-- [start:shortcut_share]
def shortcut_share(units: nn.Sequential, x: torch.Tensor) -> list[float]:
    # --8<-- [end:shortcut_share]
    """How much of ``dE/dx_L`` reaches each unit input ``x_l`` along the shortcuts alone.

    Runs ``units`` with every residual branch ``F`` cut out of the backward pass (its output
    detached), so the gradient at ``x_l`` is the "1" term of Eq. 5 of He et al. (ECCV 2016),
    and returns its norm over the norm of ``dE/dx_L`` (``E = sum(g * x_L)``, random ``g`` from
    torch's global generator). A [`PreActBlock`][snippets.resnet.PreActBlock] stack gives exactly 1
    everywhere; the ReLU after each addition of [`BasicBlock`][snippets.resnet.BasicBlock] zeroes
    part of the gradient at every unit it crosses.

    ```python
    import torch
    from torch import nn
    from snippets.resnet import PreActBlock
    from snippets.resnet_experiment import shortcut_share

    torch.manual_seed(0)
    units = nn.Sequential(*[PreActBlock(4) for _ in range(3)])
    print(shortcut_share(units, torch.randn(2, 4, 5, 5)))
    #> [1.0, 1.0, 1.0]
    ```

    Args:
        units: as for [`identity_path_errors`][identity_path_errors].
        x: the input of the first unit.

    Raises:
        TypeError: if ``units`` holds other modules or ``x`` is not a float tensor.
        ValueError: if ``units`` is empty.
    """
    _check_units(units)
    check_tensor("x", x, floating=True)
    # --8<-- [start:shortcut_share-body]
    f_end = "conv2" if isinstance(units[0], PreActBlock) else "bn2"  # the last layer of F
    xs = []
    hooks = [unit.register_forward_pre_hook(lambda m, args: xs.append(args[0])) for unit in units]
    hooks += [  # a forward hook that returns a value replaces the layer's output
        getattr(unit, f_end).register_forward_hook(lambda m, args, out: out.detach())
        for unit in units
    ]
    x_last = units(x.clone().requires_grad_())
    for hook in hooks:
        hook.remove()
    g_last = torch.randn_like(x_last)  # E = sum(g_last * x_L), so dE/dx_L = g_last
    grads = torch.autograd.grad((g_last * x_last).sum(), xs)  # only the shortcuts carry it
    return [(g.norm() / g_last.norm()).item() for g in grads]
    # --8<-- [end:shortcut_share-body]


# --8<-- [start:gradient_correlation]
def gradient_correlation(
    depth: int, *, residual: bool, width: int = 64, points: int = 256
) -> float:
    # --8<-- [end:gradient_correlation]
    """Correlation of the input gradients of neighbouring grid points (Balduzzi et al., 2017).

    Builds a fresh fully connected network of ``depth`` pre-activation layers
    (BN, ReLU, linear; ``residual=True`` adds each layer's input to its output), feeds it
    ``points`` inputs evenly spaced on ``[-2, 2]``, and returns the Pearson correlation between
    ``df/dx`` at each point and at the next one. Near 1: the gradient changes smoothly along
    the input; near 0: it looks like white noise ("shattered"). BN uses the statistics of the
    grid. The weights come from torch's global generator: seed it for a fixed result.

    ```python
    import torch
    from snippets.resnet_experiment import gradient_correlation

    torch.manual_seed(0)
    print(f"{gradient_correlation(1, residual=False):.2f}")
    #> 0.99
    ```

    Args:
        depth: number of hidden layers, >= 1.
        residual: add shortcuts around every layer.
        width: units per hidden layer, >= 2.
        points: grid points, >= 3.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument is out of range.
    """
    check_int("depth", depth, 1)
    check_bool("residual", residual)
    check_int("width", width, 2)
    check_int("points", points, 3)
    # --8<-- [start:gradient_correlation-body]
    first = nn.Linear(1, width)
    last = nn.Linear(width, 1)
    layers = [  # BN, ReLU, weight: one pre-activation layer; momentum 1 stores the statistics
        nn.Sequential(nn.BatchNorm1d(width, momentum=1.0), nn.ReLU(), nn.Linear(width, width))
        for _ in range(depth)
    ]

    def f(x: torch.Tensor) -> torch.Tensor:
        h = first(x)
        for layer in layers:
            h = h + layer(h) if residual else layer(h)  # the only difference
        return last(h)

    x = torch.linspace(-2.0, 2.0, points).unsqueeze(1)  # 1-D inputs on a grid
    with torch.no_grad():
        f(x)  # training mode: every BN takes the statistics of the grid
    for layer in layers:
        layer.eval()  # now each point's output depends on that point only
    x.requires_grad_()
    (g,) = torch.autograd.grad(f(x).sum(), x)  # g[i] = df/dx at x[i]
    g = g.squeeze(1)
    return torch.corrcoef(torch.stack([g[:-1], g[1:]]))[0, 1].item()
    # --8<-- [end:gradient_correlation-body]


def gradient_correlations(
    depths: Sequence[int] = SHATTER_DEPTHS, seeds: Sequence[int] = (0, 1, 2)
) -> dict[str, list]:
    """Mean [`gradient_correlation`][gradient_correlation] over ``seeds``, plain and residual.

    Runs on one thread (and restores the thread count): the correlation of a deep plain
    network is chaotic enough that a different summation order changes its second decimal.

    ```python
    from snippets.resnet_experiment import gradient_correlations

    result = gradient_correlations(depths=(1, 2), seeds=(0,))
    print(sorted(result), len(result["plain"]))
    #> ['depths', 'plain', 'residual'] 2
    ```

    Args:
        depths: the depths to measure, each >= 1.
        seeds: seeds of torch's generator, one network per seed, at least one.

    Raises:
        TypeError: if ``depths`` or ``seeds`` is not a sequence of integers.
        ValueError: if ``depths`` or ``seeds`` is empty, a depth is < 1 or a seed < 0.
    """
    check_int_list("depths", depths, 1)
    check_int_list("seeds", seeds, 0)
    result: dict[str, list] = {"depths": list(depths)}
    with torch_threads(1):  # a fixed summation order: deep plain nets amplify rounding
        for kind in ("plain", "residual"):
            means = []
            for depth in depths:
                values = []
                for seed in seeds:
                    torch.manual_seed(seed)
                    values.append(gradient_correlation(depth, residual=kind == "residual"))
                means.append(round(sum(values) / len(values), 4))
            result[kind] = means
    return result


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
    with torch_threads(config.threads):
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
        TypeError: if ``config`` is not a [`Config`][Config] or a setting has the wrong type.
        ValueError: if a setting is out of range.
    """
    check_type("config", config, Config)
    check_int_list("config.depths", config.depths, 8)
    if any((depth - 2) % 6 for depth in config.depths):
        raise ValueError(f"config.depths must be 6n + 2 with n >= 1, got {config.depths}")
    check_int_list("config.seeds", config.seeds, 0)
    check_int("config.steps", config.steps, 1)
    check_int("config.batch_size", config.batch_size, 1)
    check_number("config.lr", config.lr, 0.0, above=True)
    check_number("config.momentum", config.momentum, 0.0)
    check_int("config.warmup", config.warmup, 0)
    check_int("config.workers", config.workers, 1)
    check_int("config.threads", config.threads, 1)
    jobs = [(s, d, r) for d in config.depths for s in config.seeds for r in (False, True)]
    jobs.sort(key=lambda job: -job[1])  # deepest first: balances the workers
    started = time.perf_counter()
    runs = run_all(
        run_one, config, jobs, workers=config.workers, desc="resnet-digits", progress=progress
    )
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
        results: what [`run`][run] returns (or the committed JSON, loaded).

    Raises:
        ValueError: if ``results`` holds no runs.
    """
    runs = results.get("runs") if isinstance(results, dict) else None
    if not runs:
        raise ValueError("results must be a dict with a non-empty 'runs' list")
    groups: dict[tuple[str, int], list[float]] = {}
    for entry in runs:
        groups.setdefault((entry["kind"], entry["depth"]), []).append(entry["final_loss"])
    return {key: spread(values) for key, values in groups.items()}


def load_results(path: Path | None = None) -> dict:
    """The committed results (``snippets/results/resnet-digits.json``), or the file ``path``."""
    return read_results(DATA_FILE.name, path)


def report(results: dict) -> list[str]:
    """One line per network: kind, depth and mean final training loss."""
    return [
        f"{kind:8s} {depth:3d}  final loss {stats['mean']:.4f}"
        for (kind, depth), stats in summary(results).items()
    ]


def main() -> None:
    rerun(run, Config(), DATA_FILE, report)


if __name__ == "__main__":
    main()
