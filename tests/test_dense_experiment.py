"""`snippets.dense_experiment`: the run, and the dense-prediction page's claims on its results."""

import json
import math
from dataclasses import asdict

import pytest
import torch
from torch import nn

from snippets.dense_experiment import (
    DATA_FILE,
    MEASURES,
    Config,
    PairedDifference,
    decode,
    encode,
    load_results,
    loss_curve,
    paired_difference,
    per_seed,
    run,
    scenes,
    sign_flip_p,
    summary,
    train,
)
from snippets.dilation import receptive_field
from snippets.segmentation import IGNORE, SegNet

# A few seconds: two rate lists of equal receptive field, two seeds, a short training.
REDUCED = Config(
    rate_lists=((2, 2, 2), (1, 2, 3)),
    seeds=(0, 1),
    steps=15,
    width=8,
    train_scenes=32,
    test_scenes=8,
    shown=1,
    workers=1,
)


# The tests that read the reduced run: under pytest-xdist on one worker, which runs it once.
REDUCED_RUN = pytest.mark.xdist_group("dense-experiment-reduced-run")


@pytest.fixture(scope="module")
def reduced_results():
    return run(REDUCED)


def _without_time(results: dict) -> dict:
    """The results without the times it took to compute them."""
    kept = {key: value for key, value in results.items() if key not in ("seconds", "cpu_seconds")}
    kept["runs"] = [
        {key: value for key, value in entry.items() if key != "cpu_seconds"}
        for entry in results["runs"]
    ]
    return kept


@REDUCED_RUN
def test_reduced_run_is_deterministic_for_a_seed(reduced_results):
    assert _without_time(run(REDUCED)) == _without_time(reduced_results)


@REDUCED_RUN
def test_reduced_run_records_every_measure(reduced_results):
    runs = reduced_results["runs"]
    assert [(e["rates"], e["seed"]) for e in runs] == [
        ([2, 2, 2], 0),
        ([2, 2, 2], 1),
        ([1, 2, 3], 0),
        ([1, 2, 3], 1),
    ]
    for entry in runs:
        assert entry["receptive_field"] == 13
        assert len(entry["train_curve"]) == math.ceil(REDUCED.steps / REDUCED.curve_every)
        for split in ("train", "test"):
            measures = entry[split]
            assert set(measures) == set(MEASURES)
            assert 0.0 <= measures["miou"] <= 1.0 and 0.0 <= measures["pixel_accuracy"] <= 1.0
            assert 0.0 <= measures["disagreement"] <= 1.0
            assert -1.0 <= measures["parity_gap"] <= 1.0
            assert math.isfinite(measures["loss"]) and measures["loss"] > 0
        assert entry["cpu_seconds"] > 0
    # the label maps of the figure are kept for the first seed only
    assert [len(e["predictions"]) for e in runs] == [1, 0, 1, 0]
    assert decode(runs[0]["predictions"][0]).shape == (40, 40)
    assert reduced_results["cpu_seconds"] == pytest.approx(sum(e["cpu_seconds"] for e in runs))


def test_train_uses_the_same_batches_for_every_rate_list(monkeypatch):
    data, _ = scenes(16, 4)
    seen = []
    original = nn.CrossEntropyLoss.forward

    def record(self, logits, labels):
        seen.append(labels.clone())
        return original(self, logits, labels)

    monkeypatch.setattr(nn.CrossEntropyLoss, "forward", record)
    for rates in ([2, 2, 2], [1, 2, 3]):
        torch.manual_seed(0)
        net = SegNet(rates, width=4)
        train(net, data.images, data.labels, steps=3, batch_size=4, lr=0.01, seed=7)
    assert len(seen) == 6
    assert all(torch.equal(a, b) for a, b in zip(seen[:3], seen[3:], strict=True))


def test_encode_and_decode_are_inverse():
    labels = torch.tensor([[0, 1, 10], [IGNORE, 4, 0]])
    assert torch.equal(decode(encode(labels)), labels)


@pytest.mark.parametrize(
    ("labels", "error"),
    [
        ([[0, 1]], TypeError),
        (torch.tensor([0, 1]), ValueError),
        (torch.tensor([[11]]), ValueError),
        (torch.tensor([[-1]]), ValueError),
    ],
)
def test_encode_rejects(labels, error):
    with pytest.raises(error, match="labels"):
        encode(labels)


IMAGES, LABELS = torch.zeros(2, 1, 4, 4), torch.zeros(2, 4, 4, dtype=torch.long)
SETTINGS = {"steps": 1, "batch_size": 1, "lr": 0.01, "seed": 0}


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"net": "SegNet"}, TypeError, "net"),
        ({"images": IMAGES.long()}, TypeError, "images"),
        ({"images": IMAGES[0]}, ValueError, "images"),
        ({"labels": LABELS[0]}, ValueError, "labels"),
        ({"labels": LABELS[:1]}, ValueError, "same number of scenes"),
        ({"steps": 0}, ValueError, "steps"),
        ({"batch_size": 1.0}, TypeError, "batch_size"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"seed": -1}, ValueError, "seed"),
    ],
)
def test_train_rejects(change, error, match):
    args = {"net": SegNet([1], width=2), "images": IMAGES, "labels": LABELS, **SETTINGS} | change
    with pytest.raises(error, match=match):
        train(**args)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"rate_lists": ()}, ValueError, "rate_lists"),
        ({"rate_lists": ((1, 0, 1),)}, ValueError, "rate_lists"),
        ({"rate_lists": ((),)}, ValueError, "rate_lists"),
        ({"rate_lists": ((1, 2.0),)}, TypeError, "rate_lists"),
        ({"seeds": ()}, ValueError, "seeds"),
        ({"seeds": (-1,)}, ValueError, "seeds"),
        ({"steps": 0}, ValueError, "steps"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"width": 0}, ValueError, "width"),
        ({"train_scenes": 0}, ValueError, "train_scenes"),
        ({"test_scenes": 0}, ValueError, "test_scenes"),
        ({"shown": 200}, ValueError, "shown"),
        ({"shown": -1}, ValueError, "shown"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"workers": 0}, ValueError, "workers"),
        ({"threads": 0}, ValueError, "threads"),
    ],
)
def test_run_rejects_a_config(change, error, match):
    with pytest.raises(error, match=match):
        run(Config(**change))


def test_run_rejects_a_non_config():
    with pytest.raises(TypeError, match="config"):
        run({"steps": 1})


@pytest.mark.parametrize(
    ("results", "split", "match"),
    [({"runs": []}, "test", "runs"), ([], "test", "runs"), ({"runs": [{}]}, "val", "split")],
)
def test_summary_rejects(results, split, match):
    with pytest.raises(ValueError, match=match):
        summary(results, split)


def test_per_seed_orders_the_values_by_seed():
    runs = [
        {"rates": [1, 2, 3], "seed": seed, "test": {"miou": value}, "train": {"miou": -value}}
        for seed, value in ((2, 0.3), (0, 0.1), (1, 0.2))
    ]
    runs.append({"rates": [2, 2, 2], "seed": 0, "test": {"miou": 0.9}})
    assert per_seed({"runs": runs}, [1, 2, 3], "miou") == [0.1, 0.2, 0.3]
    assert per_seed({"runs": runs}, (1, 2, 3), "miou", "train") == [-0.1, -0.2, -0.3]


@pytest.mark.parametrize(
    ("rates", "split", "match"), [([1, 1, 1], "test", "no run"), ([2, 2, 2], "val", "split")]
)
def test_per_seed_rejects(rates, split, match):
    runs = [{"rates": [2, 2, 2], "seed": 0, "test": {"miou": 0.5}}]
    with pytest.raises(ValueError, match=match):
        per_seed({"runs": runs}, rates, "miou", split)


def test_loss_curve_averages_windows_of_steps():
    assert loss_curve([4.0, 2.0, 3.0, 1.0, 0.5], every=2) == [3.0, 2.0, 0.5]
    assert loss_curve([1.0, 2.0], every=5) == [1.5]


@pytest.mark.parametrize(
    ("differences", "p"),
    [
        # the sums of +-1 +-2 +-3 are 6, 4, 2, 0, 0, -2, -4, -6: two reach |6|
        ([1, 2, 3], 2 / 8),
        # the sums of +-1 +-2 +-4 are +-7, +-5, +-3, +-1: six reach |1 - 2 + 4| = 3
        ([1, -2, 4], 6 / 8),
        # ties count: +1+1 and -1-1 reach |2|, the two mixed signs give 0
        ([1.0, 1.0], 2 / 4),
        ([0.0, 0.0, 0.0], 1.0),
        ([5.0], 1.0),
        ([-0.25] * 10, 2 / 1024),
    ],
)
def test_sign_flip_p_is_the_exact_share_of_sign_assignments(differences, p):
    assert sign_flip_p(differences) == p


def test_sign_flip_p_does_not_depend_on_the_direction_or_the_order():
    differences = [0.3, -0.05, 0.12, 0.2, -0.01, 0.07]
    p = sign_flip_p(differences)
    assert sign_flip_p([-d for d in differences]) == p
    assert sign_flip_p(differences[::-1]) == p
    assert 0 < p < 1


@pytest.mark.parametrize(
    ("differences", "error"),
    [
        ([], ValueError),
        ([1.0] * 21, ValueError),
        ("12", TypeError),
        (3.0, TypeError),
        ([1.0, "2"], TypeError),
        ([1.0, True], TypeError),
    ],
)
def test_sign_flip_p_rejects(differences, error):
    with pytest.raises(error, match="differences"):
        sign_flip_p(differences)


def test_paired_difference_on_a_hand_made_case():
    # differences second - first: -0.25, -0.25, -0.5; mean -1/3, sd sqrt(1/48)
    paired = paired_difference([0.5, 0.25, 0.75], [0.25, 0.0, 0.25])
    assert paired == PairedDifference(
        n=3,
        mean=pytest.approx(-1 / 3),
        sd=pytest.approx(math.sqrt(1 / 48)),
        low=-0.5,
        high=-0.25,
        positive=0,
        negative=3,
        p=2 / 8,
    )


def test_paired_difference_counts_ties_as_neither_sign():
    paired = paired_difference([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0])
    assert (paired.positive, paired.negative, paired.mean, paired.p) == (1, 1, 0.0, 1.0)


@pytest.mark.parametrize(
    ("first", "second", "error", "match"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], ValueError, "^first and second must hold the same number"),
        ([1.0, 2.0], [1.0], ValueError, "^second must hold 2 to 20 numbers, got 1$"),
        ([1.0], [2.0], ValueError, "^first must hold 2 to 20 numbers, got 1$"),
        ([1.0] * 21, [2.0] * 21, ValueError, "^first must hold 2 to 20 numbers, got 21$"),
        ("ab", [1.0, 2.0], TypeError, "first"),
        ([1.0, 2.0], [1.0, None], TypeError, "second"),
    ],
)
def test_paired_difference_rejects(first, second, error, match):
    with pytest.raises(error, match=match):
        paired_difference(first, second)


def test_committed_results_come_from_the_default_config():
    results = load_results(DATA_FILE)
    config = Config()
    assert results["config"] == json.loads(json.dumps(asdict(config)))  # tuples as lists
    assert len(results["runs"]) == len(config.rate_lists) * len(config.seeds)
    for entry in results["runs"]:
        assert entry["receptive_field"] == receptive_field(entry["rates"])
        assert len(entry["train_curve"]) == config.steps // config.curve_every
        assert set(entry["train"]) == set(entry["test"]) == set(MEASURES)
        shown = config.shown if entry["seed"] == config.seeds[0] else 0
        assert len(entry["predictions"]) == shown


def test_committed_results_hold_at_least_eight_seeds_per_rate_list():
    results = load_results(DATA_FILE)
    for rates in results["config"]["rate_lists"]:
        seeds = [e["seed"] for e in results["runs"] if e["rates"] == rates]
        assert len(set(seeds)) == len(seeds) >= 8


def test_committed_results_show_the_scenes_the_builder_makes():
    results = load_results(DATA_FILE)
    config = Config()
    _, test_data = scenes(config.train_scenes, config.test_scenes)
    for index, rows in enumerate(results["shown_labels"]):
        assert torch.equal(decode(rows), test_data.labels[index])


@pytest.mark.parametrize("split", ["test", "train"])
def test_summary_of_the_committed_results_spans_every_seed(split):
    results = load_results(DATA_FILE)
    rows = summary(results, split)
    for rates, stats in rows.items():
        for key in MEASURES:
            values = per_seed(results, rates, key, split)
            assert len(values) == len(results["config"]["seeds"])
            assert (stats[key]["min"], stats[key]["max"]) == (min(values), max(values))


GRID, HDC, SMALL, LARGE = (2, 2, 2), (1, 2, 3), (1, 1, 1), (1, 2, 5)


def _paired(results: dict, first, second, key: str, split: str = "test") -> PairedDifference:
    return paired_difference(
        per_seed(results, first, key, split), per_seed(results, second, key, split)
    )


def test_what_the_page_says_about_each_rate_list():
    # The reading of the results table on docs/*/dense-prediction.md, sentence by sentence.
    results = load_results(DATA_FILE)
    rows = summary(results)
    miou = {rates: stats["miou"] for rates, stats in rows.items()}
    d = {rates: stats["disagreement"] for rates, stats in rows.items()}
    # all-1: the lowest mIoU on every seed
    assert all(miou[SMALL]["max"] < miou[r]["min"] for r in rows if r != SMALL)
    # equal field: D lower for [1, 2, 3] on every seed, and the ranges do not overlap
    assert _paired(results, GRID, HDC, "disagreement").negative == 10
    assert d[HDC]["max"] < d[GRID]["min"]
    # the parity gap is above 0 on every seed of [2, 2, 2] and below 0 on every other seed
    for rates in rows:
        gaps = per_seed(results, rates, "parity_gap")
        assert all(g > 0 for g in gaps) if rates == GRID else all(g < 0 for g in gaps)
    assert max(per_seed(results, GRID, "parity_gap")) < 0.05  # "small"
    # all-1 disagrees about as much as [2, 2, 2] (the ranges overlap); lowest parity gap
    assert d[SMALL]["min"] < d[GRID]["max"] and d[GRID]["min"] < d[SMALL]["max"]
    gap_means = {rates: stats["parity_gap"]["mean"] for rates, stats in rows.items()}
    assert min(gap_means, key=gap_means.get) == SMALL
    # mIoU of the equal-field pair: [1, 2, 3] higher on average, the ranges overlap
    assert miou[HDC]["mean"] > miou[GRID]["mean"]
    assert miou[HDC]["min"] < miou[GRID]["max"]
    # [1, 2, 5]: highest mean mIoU, lowest mean D, its mIoU range overlaps that of [1, 2, 3]
    assert max(miou, key=lambda r: miou[r]["mean"]) == LARGE
    assert min(d, key=lambda r: d[r]["mean"]) == LARGE
    assert miou[LARGE]["min"] < miou[HDC]["max"]


def test_what_the_page_says_about_the_paired_comparisons():
    results = load_results(DATA_FILE)
    smallest = 2 / 2 ** len(results["config"]["seeds"])
    # [1, 2, 3] against [2, 2, 2]: D and the parity gap lower on every seed, smallest p
    for key in ("disagreement", "parity_gap"):
        paired = _paired(results, GRID, HDC, key)
        assert (paired.negative, paired.p) == (paired.n, smallest)
    # mIoU: 7 up, 3 down, sd about three times the mean, p well above 0.05
    paired = _paired(results, GRID, HDC, "miou")
    assert (paired.positive, paired.negative) == (7, 3)
    assert paired.low < 0 < paired.high and 2.5 < paired.sd / paired.mean < 3
    assert paired.p > 0.2
    # the loss on the training scenes: 3 up, 7 down, p well above 0.05
    paired = _paired(results, GRID, HDC, "loss", "train")
    assert (paired.positive, paired.negative) == (3, 7) and paired.p > 0.2
    # [1, 1, 1] against [2, 2, 2]: D does not separate them, the parity gap does
    paired = _paired(results, GRID, SMALL, "disagreement")
    assert (paired.positive, paired.negative) == (8, 2) and paired.p > 0.05
    paired = _paired(results, GRID, SMALL, "parity_gap")
    assert (paired.negative, paired.p) == (paired.n, smallest)


def test_what_the_page_says_about_training_and_test_loss():
    results = load_results(DATA_FILE)
    train, test = summary(results, "train"), summary(results, "test")
    for rates in train:
        # no overfitting: the mean losses differ by less than 0.01
        assert abs(train[rates]["loss"]["mean"] - test[rates]["loss"]["mean"]) < 0.01
        # not converged: the last window's loss is below that of 100 steps earlier
        curves = [e["train_curve"] for e in results["runs"] if tuple(e["rates"]) == rates]
        mean = [sum(points) / len(points) for points in zip(*curves, strict=True)]
        assert mean[-1] < mean[-6]
    # [2, 2, 2] has the higher D on the training scenes too
    assert train[GRID]["disagreement"]["mean"] > train[HDC]["disagreement"]["mean"]
    # the two fit the training scenes alike: mean losses within 0.01
    assert abs(train[GRID]["loss"]["mean"] - train[HDC]["loss"]["mean"]) < 0.01


def test_what_the_page_says_in_its_limits():
    results = load_results(DATA_FILE)
    rows = summary(results)
    grid = rows[GRID]["miou"]
    # the spread of [2, 2, 2] over seeds is much larger than the gap between the two means
    assert grid["max"] - grid["min"] > 5 * (rows[HDC]["miou"]["mean"] - grid["mean"])


def test_the_committed_run_kept_to_its_budget():
    # 15 minutes on 2 idle CPU cores: the CPU time, shared by the worker processes
    results = load_results()
    assert 0 < results["cpu_seconds"] / results["config"]["workers"] <= 15 * 60
