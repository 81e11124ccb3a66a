"""`snippets.resnet_experiment`: the run, and the residual-networks page's claims on its results."""

import itertools
import math

import pytest
import torch
from torch import nn

from snippets.resnet import BasicBlock, PreActBlock, StageNet
from snippets.resnet_experiment import (
    DATA_FILE,
    Config,
    gradient_correlation,
    gradient_correlations,
    gradient_norms,
    identity_path_errors,
    load_digits_tensors,
    load_results,
    run,
    shortcut_share,
    summary,
    train,
)

# Small enough for the test suite (a few seconds), deep enough to show the same ordering.
REDUCED = Config(depths=(8, 20), seeds=(0,), widths=(4, 8, 8), steps=60, workers=1)


# The tests that read the reduced run: under pytest-xdist on one worker, which runs it once.
REDUCED_RUN = pytest.mark.xdist_group("resnet-experiment-reduced-run")


@pytest.fixture(scope="module")
def reduced_results():
    return run(REDUCED)


@REDUCED_RUN
def test_reduced_run_reproduces_the_ordering(reduced_results):
    final = {key: stats["mean"] for key, stats in summary(reduced_results).items()}
    assert final[("plain", 20)] > final[("plain", 8)]  # degradation
    assert final[("residual", 20)] < final[("plain", 20)]  # the shortcut fixes it


@REDUCED_RUN
def test_reduced_run_records_everything(reduced_results):
    assert len(reduced_results["runs"]) == 4
    for entry in reduced_results["runs"]:
        assert len(entry["losses"]) == REDUCED.steps
        assert len(entry["grad_norms"]) == entry["depth"]
        assert all(math.isfinite(v) for v in entry["losses"])
        assert 0.0 <= entry["test_accuracy"] <= 1.0


def test_committed_results_match_the_default_config_and_show_the_ordering():
    results = load_results(DATA_FILE)
    config = Config()
    assert results["config"]["depths"] == list(config.depths)
    assert results["config"]["seeds"] == list(config.seeds)
    assert results["config"]["steps"] == config.steps
    assert len(results["runs"]) == 2 * len(config.depths) * len(config.seeds)
    final = {key: stats["mean"] for key, stats in summary(results).items()}
    shallow, deep = min(config.depths), max(config.depths)
    assert final[("plain", deep)] > final[("plain", shallow)]
    assert final[("residual", deep)] < final[("plain", deep)]
    assert results["seconds"] < 120


def test_training_is_deterministic_for_a_seed():
    x, y = torch.randn(40, 1, 8, 8), torch.randint(0, 10, (40,))
    config = Config(steps=3, batch_size=16)
    curves = []
    for _ in range(2):
        torch.manual_seed(0)
        curves.append(train(StageNet(8, widths=(2, 2, 2)), x, y, config, seed=0))
    assert curves[0] == curves[1]


def test_gradient_norms_leave_no_gradient_behind():
    model = StageNet(8, widths=(2, 2, 2))
    norms = gradient_norms(model, torch.randn(8, 1, 8, 8), torch.randint(0, 10, (8,)))
    assert len(norms) == 8 and all(v > 0 for v in norms)
    assert all(p.grad is None or not p.grad.any() for p in model.parameters())


def test_digits_split_is_fixed():
    x_train, y_train, x_test, _ = load_digits_tensors()
    assert x_train.shape == (1437, 1, 8, 8) and x_test.shape == (360, 1, 8, 8)
    assert x_train.min() >= 0.0 and x_train.max() <= 1.0
    assert torch.bincount(y_train).min() > 130


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (Config(depths=(10,)), ValueError, r"config.depths must be 6n \+ 2"),
        (Config(depths=(2,)), ValueError, r"config.depths must contain integers >= 8"),
        (Config(depths=()), ValueError, r"config.depths must contain at least one"),
        (Config(seeds=()), ValueError, r"config.seeds must contain at least one"),
        (Config(steps=0), ValueError, r"config.steps must be an integer >= 1"),
        (Config(batch_size=0), ValueError, r"config.batch_size must be an integer >= 1"),
        (Config(steps=1.5), TypeError, r"config.steps must be an integer"),
        (Config(workers=0), ValueError, r"config.workers must be an integer >= 1"),
        (Config(threads=0), ValueError, r"config.threads must be an integer >= 1"),
        (Config(warmup=-1), ValueError, r"config.warmup must be an integer >= 0"),
        (Config(lr=0.0), ValueError, r"config.lr must be a number > 0.0"),
        (Config(momentum=-0.1), ValueError, r"config.momentum must be a number >= 0.0"),
        ("fast", TypeError, r"config must be a Config"),
    ],
)
def test_bad_config_raises(config, error, match):
    with pytest.raises(error, match=match):
        run(config)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: gradient_norms(nn.Linear(2, 2), torch.zeros(1, 2), torch.zeros(1)),
            TypeError,
            r"model must be a StageNet",
        ),
        (lambda: summary({"runs": []}), ValueError, r"results must be a dict"),
        (
            lambda: identity_path_errors(nn.Sequential(), torch.zeros(1)),
            ValueError,
            r"units must be a non-empty",
        ),
        (
            lambda: shortcut_share(nn.Sequential(BasicBlock(2, 4)), torch.zeros(1, 2, 4, 4)),
            TypeError,
            r"units must all be PreActBlock",
        ),
        (
            lambda: shortcut_share(
                nn.Sequential(BasicBlock(2, 2)), torch.zeros(1, 2, 4, 4, dtype=torch.long)
            ),
            TypeError,
            r"x must be a floating-point",
        ),
        (lambda: gradient_correlation(0, residual=True), ValueError, r"depth must be an integer"),
        (lambda: gradient_correlation(2, residual=1), TypeError, r"residual must be a bool"),
        (
            lambda: gradient_correlation(2, residual=True, width=2.0),
            TypeError,
            r"width must be an integer",
        ),
        (
            lambda: gradient_correlation(2, residual=True, points=2),
            ValueError,
            r"points must be an integer >= 3",
        ),
        (lambda: gradient_correlations(depths=()), ValueError, r"depths must contain at least"),
        (lambda: gradient_correlations(seeds=(-1,)), ValueError, r"seeds must contain integers"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_committed_ordering_holds_for_every_seed():
    runs = load_results(DATA_FILE)["runs"]
    final = {(r["kind"], r["depth"], r["seed"]): r["final_loss"] for r in runs}
    config = Config()
    shallow, middle, deep = config.depths
    for seed in config.seeds:
        assert final[("plain", shallow, seed)] < final[("plain", middle, seed)]
        assert final[("plain", middle, seed)] < final[("plain", deep, seed)]
        for depth in config.depths:
            assert final[("residual", depth, seed)] < final[("plain", depth, seed)]


def _stacks(units=6, channels=4):
    torch.manual_seed(0)
    original = nn.Sequential(*[BasicBlock(channels, channels) for _ in range(units)])
    preact = nn.Sequential(*[PreActBlock(channels) for _ in range(units)])
    return original, preact, torch.randn(4, channels, 6, 6)


def test_eq5_holds_for_the_preactivation_unit_and_not_for_the_original():
    original, preact, x = _stacks()
    torch.manual_seed(1)
    assert max(identity_path_errors(preact, x)) < 1e-5
    torch.manual_seed(1)
    assert min(identity_path_errors(original, x.relu())) > 0.05


def test_shortcut_share_is_one_for_preactivation_and_shrinks_for_the_original():
    original, preact, x = _stacks()
    torch.manual_seed(1)
    assert shortcut_share(preact, x) == pytest.approx([1.0] * 6)
    torch.manual_seed(1)
    share = shortcut_share(original, x.relu())
    assert all(a < b for a, b in itertools.pairwise(share))  # fewer ReLUs: more
    assert share[-1] < 1.0


def test_shattered_gradients_plain_decorrelates_residual_does_not():
    result = gradient_correlations(depths=(1, 32), seeds=(0, 1))
    assert result["depths"] == [1, 32]
    assert result["plain"][0] > 0.9 and result["residual"][0] > 0.9
    assert abs(result["plain"][1]) < 0.2  # white noise
    assert result["residual"][1] > 0.6
