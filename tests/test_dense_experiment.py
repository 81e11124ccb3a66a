import math

import pytest
import torch
from torch import nn

from snippets.dense_experiment import (
    DATA_FILE,
    MEASURES,
    Config,
    decode,
    encode,
    load_results,
    run,
    scenes,
    summary,
    train,
)
from snippets.dilation import receptive_field
from snippets.segmentation import IGNORE, SegNet

# A few seconds: two rate lists of equal receptive field, one seed, a short training.
REDUCED = Config(
    rate_lists=((2, 2, 2), (1, 2, 3)),
    seeds=(0,),
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
    torch.set_num_threads(1)
    return run(REDUCED)


def _without_time(results: dict) -> dict:
    return {key: value for key, value in results.items() if key != "seconds"}


@REDUCED_RUN
def test_reduced_run_is_deterministic_for_a_seed(reduced_results):
    assert _without_time(run(REDUCED)) == _without_time(reduced_results)


@REDUCED_RUN
def test_reduced_run_records_every_measure(reduced_results):
    assert [entry["rates"] for entry in reduced_results["runs"]] == [[2, 2, 2], [1, 2, 3]]
    for entry in reduced_results["runs"]:
        assert entry["receptive_field"] == 13
        assert 0.0 <= entry["miou"] <= 1.0 and 0.0 <= entry["pixel_accuracy"] <= 1.0
        assert 0.0 <= entry["disagreement"] <= 1.0
        assert math.isfinite(entry["test_loss"]) and math.isfinite(entry["final_train_loss"])
        assert decode(entry["predictions"][0]).shape == (40, 40)


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


def test_summary_checks_its_argument():
    with pytest.raises(ValueError, match="runs"):
        summary({"runs": []})


def test_committed_results_come_from_the_default_config():
    results = load_results(DATA_FILE)
    config = Config()
    assert results["config"]["rate_lists"] == [list(r) for r in config.rate_lists]
    assert results["config"]["seeds"] == list(config.seeds)
    assert results["config"]["steps"] == config.steps
    assert len(results["runs"]) == len(config.rate_lists) * len(config.seeds)
    for entry in results["runs"]:
        assert entry["receptive_field"] == receptive_field(entry["rates"])
        assert len(entry["predictions"]) == config.shown


def test_committed_results_show_the_scenes_the_builder_makes():
    results = load_results(DATA_FILE)
    config = Config()
    _, test_data = scenes(config.train_scenes, config.test_scenes)
    for index, rows in enumerate(results["shown_labels"]):
        assert torch.equal(decode(rows), test_data.labels[index])


def test_summary_of_the_committed_results_spans_every_seed():
    results = load_results(DATA_FILE)
    rows = summary(results)
    for rates, stats in rows.items():
        values = [e for e in results["runs"] if tuple(e["rates"]) == rates]
        for key in MEASURES:
            assert stats[key]["min"] == min(e[key] for e in values)
            assert stats[key]["max"] == max(e[key] for e in values)


def _per_seed(results: dict, rates: tuple[int, ...], key: str) -> dict[int, float]:
    return {e["seed"]: e[key] for e in results["runs"] if tuple(e["rates"]) == rates}


def test_what_the_page_says_about_the_committed_results():
    # The reading on docs/*/dense-prediction.md, sentence by sentence, against the file.
    results = load_results(DATA_FILE)
    rows = summary(results)
    grid, hdc = (2, 2, 2), (1, 2, 3)
    means = {rates: stats["miou"]["mean"] for rates, stats in rows.items()}
    # the receptive field matters most: all-1 lowest, [1, 2, 5] highest mean mIoU
    assert min(means, key=means.get) == (1, 1, 1)
    assert max(means, key=means.get) == (1, 2, 5)
    small = rows[(1, 1, 1)]["miou"]["max"]
    assert all(small < stats["miou"]["min"] for r, stats in rows.items() if r != (1, 1, 1))
    # equal field: HDC higher on average, but the seeds overlap and one seed goes the other way
    assert means[hdc] > means[grid]
    assert rows[hdc]["miou"]["min"] < rows[grid]["miou"]["max"]
    miou_grid, miou_hdc = _per_seed(results, grid, "miou"), _per_seed(results, hdc, "miou")
    assert sum(miou_hdc[s] < miou_grid[s] for s in miou_grid) == 1
    # the direct measure separates them: lower stroke disagreement for HDC on every seed,
    # and the ranges over seeds do not overlap
    d_grid, d_hdc = (
        _per_seed(results, grid, "disagreement"),
        _per_seed(results, hdc, "disagreement"),
    )
    assert all(d_hdc[s] < d_grid[s] for s in d_grid)
    assert rows[hdc]["disagreement"]["max"] < rows[grid]["disagreement"]["min"]
    # all-1 disagrees about as much as [2, 2, 2]: their ranges overlap
    assert rows[(1, 1, 1)]["disagreement"]["min"] < rows[grid]["disagreement"]["max"]
    assert rows[grid]["disagreement"]["min"] < rows[(1, 1, 1)]["disagreement"]["max"]
    # [1, 2, 5]: lowest mean D, and its mIoU range still overlaps that of [1, 2, 3]
    d_means = {rates: stats["disagreement"]["mean"] for rates, stats in rows.items()}
    assert min(d_means, key=d_means.get) == (1, 2, 5)
    assert rows[(1, 2, 5)]["miou"]["min"] < rows[hdc]["miou"]["max"]
    # no rate list gets near an mIoU of 1
    assert max(means.values()) < 0.7
    # the spread of [2, 2, 2] over seeds exceeds the gap between the two means
    assert rows[grid]["miou"]["max"] - rows[grid]["miou"]["min"] > means[hdc] - means[grid]


def test_the_committed_run_kept_to_its_budget():
    # the whole run fits in 5 minutes on 2 CPU cores (the page prints the time)
    assert 0 < load_results()["seconds"] <= 300
