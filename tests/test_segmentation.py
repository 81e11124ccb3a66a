"""`snippets.segmentation`: scenes, masked loss, measures and models, on hand-made cases."""

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from snippets.dilation import coverage
from snippets.segmentation import (
    DIGIT_SIZE,
    IGNORE,
    NUM_CLASSES,
    DilatedBlock,
    SegNet,
    confusion,
    digit_pools,
    make_scenes,
    mean_iou,
    parity_gap,
    pixel_accuracy,
    scene_labels,
    stroke_disagreement,
)


@pytest.fixture(scope="module")
def six_test_scenes():
    return make_scenes(6, "test", seed=3)


def test_pools_are_disjoint_and_cover_the_digits():
    train, test = digit_pools()
    assert not set(train) & set(test)
    assert sorted(train + test) == list(range(1797))


def test_scenes_use_only_their_pool():
    train, test = digit_pools()
    train_ids = {i for ids in make_scenes(20, "train", seed=0).digit_ids for i in ids}
    test_ids = {i for ids in make_scenes(20, "test", seed=0).digit_ids for i in ids}
    assert train_ids <= set(train) and test_ids <= set(test)
    assert not train_ids & test_ids


def test_scene_labels_match_the_digits_placed(six_test_scenes):
    from sklearn.datasets import load_digits

    target = load_digits().target
    for labels, ids in zip(six_test_scenes.labels, six_test_scenes.digit_ids, strict=True):
        digits = {int(target[i]) + 1 for i in ids}
        values = set(labels.unique().tolist())
        assert values - {0, IGNORE} == digits  # every placed digit has strokes, nothing else
        assert 0 in values and IGNORE in values
    assert six_test_scenes.images.shape == (6, 1, 40, 40)
    assert six_test_scenes.labels.dtype == torch.long


def test_rim_is_the_ring_around_the_strokes(six_test_scenes):
    for labels in six_test_scenes.labels:
        stroke = (labels > 0) & (labels != IGNORE)
        rim = labels == IGNORE
        grown = nn.functional.max_pool2d(stroke[None].float(), 3, 1, 1)[0] > 0
        assert torch.equal(rim, grown & ~stroke)  # exactly the 8-neighbours outside the strokes


def test_scene_labels_on_a_hand_made_case():
    ink = torch.zeros(5, 5)
    ink[2, 2] = 1.0
    ink[2, 3] = 0.4  # below the stroke threshold
    labels = scene_labels(ink, torch.full((5, 5), 7))
    expected = torch.zeros(5, 5, dtype=torch.long)
    expected[1:4, 1:4] = IGNORE
    expected[2, 2] = 8
    assert torch.equal(labels, expected)


@pytest.mark.parametrize(
    ("ink", "classes", "error", "match"),
    [
        ([[1.0]], torch.zeros(1, 1, dtype=torch.long), TypeError, "ink"),
        (
            torch.zeros(2, 2, dtype=torch.long),
            torch.zeros(2, 2, dtype=torch.long),
            TypeError,
            "ink",
        ),
        (torch.zeros(1, 2, 2), torch.zeros(1, 2, 2, dtype=torch.long), ValueError, "ink"),
        (torch.zeros(2, 2), torch.zeros(2, 2), TypeError, "classes"),
        (torch.zeros(2, 2), torch.zeros(2, 3, dtype=torch.long), ValueError, "same shape"),
    ],
)
def test_scene_labels_rejects(ink, classes, error, match):
    with pytest.raises(error, match=match):
        scene_labels(ink, classes)


def test_scenes_depend_only_on_the_arguments():
    a, b = make_scenes(3, "train", seed=5), make_scenes(3, "train", seed=5)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    c = make_scenes(3, "train", seed=6)
    assert not torch.equal(a.labels, c.labels)


def test_noise_is_added_to_the_image_only():
    clean = make_scenes(2, "test", seed=1, noise=0.0)
    noisy = make_scenes(2, "test", seed=1, noise=0.2)
    assert torch.equal(clean.labels, noisy.labels)
    assert clean.images.min() >= 0.0 and noisy.images.min() < 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"count": 0}, ValueError, "count"),
        ({"count": 1.5}, TypeError, "count"),
        ({"split": "val"}, ValueError, "split"),
        ({"seed": -1}, ValueError, "seed"),
        ({"canvas": DIGIT_SIZE}, ValueError, "canvas"),
        ({"digits_per_scene": 0}, ValueError, "digits_per_scene"),
        ({"digits_per_scene": 5}, ValueError, "digits_per_scene"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": "a"}, TypeError, "noise"),
        ({"noise": True}, TypeError, "noise"),
    ],
)
def test_make_scenes_rejects(kwargs, error, name):
    args = {"count": 1, "split": "train", "seed": 0} | kwargs
    with pytest.raises(error, match=name):
        make_scenes(**args)


def test_cross_entropy_ignores_the_rim_label():
    torch.manual_seed(0)
    logits = torch.randn(2, NUM_CLASSES, 6, 6)
    labels = torch.randint(0, NUM_CLASSES, (2, 6, 6))
    labels[:, 0, :] = IGNORE
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    changed = logits.clone()
    changed[:, :, 0, :] = 100 * torch.randn(2, NUM_CLASSES, 6)  # only the ignored pixels
    assert loss_fn(logits, labels) == loss_fn(changed, labels)
    kept = labels != IGNORE
    per_pixel = nn.functional.cross_entropy(
        logits, labels.clamp(max=NUM_CLASSES - 1), reduction="none"
    )
    assert torch.allclose(loss_fn(logits, labels), per_pixel[kept].mean())


HAND_TARGET = torch.tensor([[0, 0, 1], [1, IGNORE, 2]])
HAND_PRED = torch.tensor([[0, 1, 1], [1, 0, 0]])
HAND_CONFUSION = [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_confusion_on_a_hand_made_case():
    assert confusion(HAND_PRED, HAND_TARGET, 3).tolist() == HAND_CONFUSION


def test_confusion_counts_every_labelled_pixel_once(six_test_scenes):
    labels = six_test_scenes.labels
    pred = torch.randint(0, NUM_CLASSES, labels.shape, generator=torch.Generator().manual_seed(0))
    n = confusion(pred, labels)
    assert n.shape == (NUM_CLASSES, NUM_CLASSES)
    assert n.sum() == (labels != IGNORE).sum()
    assert n.sum(dim=1).tolist() == [(labels == k).sum().item() for k in range(NUM_CLASSES)]


def test_mean_iou_and_pixel_accuracy_on_a_hand_made_case():
    n = torch.tensor(HAND_CONFUSION)
    # class 0: 1 / (2 + 2 - 1); class 1: 2 / (2 + 3 - 2); class 2: 0 / (1 + 0 - 0)
    assert mean_iou(n) == pytest.approx((1 / 3 + 2 / 3 + 0) / 3)
    assert pixel_accuracy(n) == pytest.approx(3 / 5)


def test_mean_iou_skips_classes_that_never_occur():
    n = torch.tensor([[2, 0, 0], [0, 0, 0], [0, 0, 3]])
    assert mean_iou(n) == 1.0


@pytest.mark.parametrize(
    ("pred", "target", "num_classes", "error", "match"),
    [
        (HAND_PRED.float(), HAND_TARGET, 3, TypeError, "pred"),
        (HAND_PRED.tolist(), HAND_TARGET, 3, TypeError, "pred"),
        (HAND_PRED, HAND_TARGET.int(), 3, TypeError, "target"),
        (HAND_PRED[:1], HAND_TARGET, 3, ValueError, "same shape"),
        (HAND_PRED[0], HAND_TARGET[0], 3, ValueError, "same shape"),
        (HAND_PRED, HAND_TARGET, 0, ValueError, "num_classes"),
        (HAND_PRED, HAND_TARGET, 3.0, TypeError, "num_classes"),
        (HAND_PRED, HAND_TARGET, 2, ValueError, "target must hold classes"),
        (HAND_PRED - 1, HAND_TARGET, 3, ValueError, "pred must hold classes"),
    ],
)
def test_confusion_rejects(pred, target, num_classes, error, match):
    with pytest.raises(error, match=match):
        confusion(pred, target, num_classes)


@pytest.mark.parametrize("measure", [mean_iou, pixel_accuracy])
@pytest.mark.parametrize(
    ("n", "error", "match"),
    [
        (HAND_CONFUSION, TypeError, "n must be a torch.Tensor"),
        (torch.ones(3), ValueError, "n must have 2 dimensions"),
        (torch.ones(2, 3), ValueError, "square"),
        (torch.zeros(2, 2), ValueError, "at least one pixel"),
        (torch.tensor([[2, -1], [0, 1]]), ValueError, "non-negative"),
    ],
)
def test_measures_of_a_confusion_matrix_reject(measure, n, error, match):
    with pytest.raises(error, match=match):
        measure(n)


def test_stroke_disagreement_counts_pairs_inside_one_stroke():
    target = torch.tensor([[3, 3, IGNORE, 0], [3, 4, 4, 0]])
    pred = torch.tensor([[3, 5, 0, 0], [3, 4, 9, 1]])
    # pairs inside one digit: (0,0)-(0,1) differ, (0,0)-(1,0) agree, (1,1)-(1,2) differ
    assert stroke_disagreement(pred, target) == pytest.approx(2 / 3)
    assert stroke_disagreement(target, target) == 0.0


@pytest.mark.parametrize(
    ("pred", "target", "error", "match"),
    [
        (HAND_PRED.float(), HAND_TARGET, TypeError, "pred"),
        (HAND_PRED, HAND_TARGET.tolist(), TypeError, "target"),
        (HAND_PRED[:1], HAND_TARGET, ValueError, "same shape"),
        (
            torch.zeros(2, 2, dtype=torch.long),
            torch.zeros(2, 2, dtype=torch.long),
            ValueError,
            "adjacent stroke",
        ),
        (
            torch.zeros(2, 2, dtype=torch.long),
            torch.tensor([[1, 0], [0, 1]]),
            ValueError,
            "adjacent stroke",
        ),
    ],
)
def test_stroke_disagreement_rejects(pred, target, error, match):
    with pytest.raises(error, match=match):
        stroke_disagreement(pred, target)


@pytest.mark.parametrize(
    ("pred", "gap"),
    [
        # runs (3 5 3), (5 3 5): D_1 = 4/4 (neighbours always differ), D_2 = 0/2
        ([3, 5, 3, 5], 1.0),
        # runs (3 3 5), (3 5 5): D_1 = 2/4, D_2 = 2/2
        ([3, 3, 5, 5], -0.5),
        # runs (3 4 5), (4 5 3): D_1 = 4/4, D_2 = 2/2
        ([3, 4, 5, 3], 0.0),
        ([3, 3, 3, 3], 0.0),
    ],
)
def test_parity_gap_on_a_row_of_one_digit(pred, gap):
    target = torch.tensor([[3, 3, 3, 3]])
    assert parity_gap(torch.tensor([pred]), target) == pytest.approx(gap)


def test_parity_gap_of_an_isolated_wrong_pixel_is_zero():
    # runs (3 3 5), (3 5 3), (5 3 3): neighbours differ 1 + 2 + 1 of 6, ends 1 + 0 + 1 of 3
    target = torch.full((1, 5), 3)
    assert parity_gap(torch.tensor([[3, 3, 5, 3, 3]]), target) == 0.0


def test_parity_gap_counts_runs_along_columns_and_only_inside_one_digit():
    target = torch.tensor([[3, 3, 3, IGNORE], [3, 0, 4, 4], [3, 0, 4, 4]])
    pred = torch.tensor([[3, 5, 3, 0], [5, 0, 4, 4], [3, 0, 4, 4]])
    # the runs: row 0 (3 5 3) and column 0 (3 5 3); both alternate
    assert parity_gap(pred, target) == 1.0
    assert parity_gap(pred.T, target.T) == parity_gap(pred, target)


def test_parity_gap_separates_a_parity_pattern_from_a_smooth_one():
    target = torch.full((2, 12, 12), 7)
    columns = torch.arange(12).expand(2, 12, 12)
    gridded = torch.where(columns % 2 == 0, 7, 2)  # the two column lattices disagree
    patches = torch.where(columns < 6, 7, 2)  # one straight boundary per row
    assert parity_gap(gridded, target) > 0 > parity_gap(patches, target)


def _runs(target: list[list[int]], pred: list[list[int]]) -> list[tuple[int, int, int]]:
    """The predictions (a, b, c) of every run of three pixels of one digit, by plain loops."""
    found = []
    height, width = len(target), len(target[0])
    for y in range(height):
        for x in range(width):
            for dy, dx in ((0, 1), (1, 0)):
                cells = [(y + k * dy, x + k * dx) for k in range(3)]
                if cells[-1][0] >= height or cells[-1][1] >= width:
                    continue
                labels = {target[i][j] for i, j in cells}
                if len(labels) == 1 and labels.pop() not in (0, IGNORE):
                    found.append(tuple(pred[i][j] for i, j in cells))
    return found


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 7).flatmap(
        lambda width: st.tuples(
            st.lists(
                st.lists(st.sampled_from([0, 3, 3, 3, 4, IGNORE]), min_size=width, max_size=width),
                min_size=1,
                max_size=6,
            ),
            st.lists(
                st.lists(st.integers(0, 4), min_size=width, max_size=width), min_size=6, max_size=6
            ),
        )
    )
)
def test_parity_gap_is_alternating_runs_minus_half_the_runs_with_one_boundary(maps):
    target, pred = maps
    pred = pred[: len(target)]
    runs = _runs(target, pred)
    assume(runs)
    alternating = sum(a == c != b for a, b, c in runs) / len(runs)
    one_boundary = sum((a == b) != (b == c) for a, b, c in runs) / len(runs)
    gap = parity_gap(torch.tensor(pred), torch.tensor(target))
    assert gap == pytest.approx(alternating - one_boundary / 2)


@pytest.mark.parametrize(
    ("pred", "target", "error", "match"),
    [
        (HAND_PRED.float(), HAND_TARGET, TypeError, "pred"),
        (HAND_PRED, HAND_TARGET.tolist(), TypeError, "target"),
        (HAND_PRED[:1], HAND_TARGET, ValueError, "same shape"),
        (torch.zeros(1, 3, dtype=torch.long), torch.tensor([[3, 3, 0]]), ValueError, "three"),
        (torch.zeros(1, 3, dtype=torch.long), torch.tensor([[3, 4, 4]]), ValueError, "three"),
        (
            torch.zeros(1, 3, dtype=torch.long),
            torch.tensor([[3, IGNORE, 3]]),
            ValueError,
            "three",
        ),
    ],
)
def test_parity_gap_rejects(pred, target, error, match):
    with pytest.raises(error, match=match):
        parity_gap(pred, target)


def test_segnet_parameters_do_not_depend_on_the_rates():
    torch.manual_seed(0)
    a = SegNet([2, 2, 2], width=8).state_dict()
    torch.manual_seed(0)
    b = SegNet([1, 2, 5], width=8).state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[key], b[key]) for key in a)


def test_segnet_output_sees_only_the_coverage_of_its_rates():
    torch.manual_seed(0)
    rates = [2, 2, 2]
    net = SegNet(rates, width=4).eval()
    x = torch.randn(1, 1, 21, 21, requires_grad=True)
    net(x)[0, :, 10, 10].sum().backward()
    seen = x.grad[0, 0] != 0
    counts = torch.tensor(coverage(rates).counts) > 0
    allowed = torch.zeros(21, 21, dtype=torch.bool)
    allowed[4:17, 4:17] = counts
    assert seen.any()
    assert not (seen & ~allowed).any()  # never a pixel outside the coverage map


def test_dilated_block_keeps_the_size_and_adds_its_input():
    torch.manual_seed(0)
    block = DilatedBlock(3, dilation=2).eval()
    nn.init.zeros_(block.bn.weight)  # BN(conv(x)) = 0, so the block is ReLU(x)
    x = torch.randn(1, 3, 7, 7)
    assert torch.equal(block(x), torch.relu(x))


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: DilatedBlock(3, dilation=0), ValueError, "dilation"),
        (lambda: DilatedBlock(2.0, dilation=1), TypeError, "channels"),
        (lambda: SegNet([]), ValueError, "dilations"),
        (lambda: SegNet([1, 0]), ValueError, "dilations"),
        (lambda: SegNet(3), TypeError, "dilations"),
        (lambda: SegNet([1], width=0), ValueError, "width"),
        (lambda: SegNet([1], num_classes=0), ValueError, "num_classes"),
    ],
)
def test_model_classes_reject(make, error, match):
    with pytest.raises(error, match=match):
        make()
