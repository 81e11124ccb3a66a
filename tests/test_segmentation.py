import pytest
import torch
from torch import nn

from snippets.dilation import coverage
from snippets.segmentation import (
    DIGIT_SIZE,
    IGNORE,
    NUM_CLASSES,
    DilatedBlock,
    SegNet,
    _confusion,
    _mean_iou,
    _pixel_accuracy,
    _scene_labels,
    _SegNet,
    _stroke_disagreement,
    confusion,
    digit_pools,
    make_scenes,
    mean_iou,
    pixel_accuracy,
    stroke_disagreement,
)


@pytest.fixture(scope="module")
def test_scenes():
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


def test_scene_labels_match_the_digits_placed(test_scenes):
    from sklearn.datasets import load_digits

    target = load_digits().target
    for labels, ids in zip(test_scenes.labels, test_scenes.digit_ids, strict=True):
        digits = {int(target[i]) + 1 for i in ids}
        values = set(labels.unique().tolist())
        assert values - {0, IGNORE} == digits  # every placed digit has strokes, nothing else
        assert 0 in values and IGNORE in values
    assert test_scenes.images.shape == (6, 1, 40, 40)
    assert test_scenes.labels.dtype == torch.long


def test_rim_is_the_ring_around_the_strokes(test_scenes):
    for labels in test_scenes.labels:
        stroke = (labels > 0) & (labels != IGNORE)
        rim = labels == IGNORE
        grown = nn.functional.max_pool2d(stroke[None].float(), 3, 1, 1)[0] > 0
        assert torch.equal(rim, grown & ~stroke)  # exactly the 8-neighbours outside the strokes


def test_scene_labels_core_on_a_hand_made_case():
    ink = torch.zeros(5, 5)
    ink[2, 2] = 1.0
    ink[2, 3] = 0.4  # below the stroke threshold
    labels = _scene_labels(ink, torch.full((5, 5), 7))
    expected = torch.zeros(5, 5, dtype=torch.long)
    expected[1:4, 1:4] = IGNORE
    expected[2, 2] = 8
    assert torch.equal(labels, expected)


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
        ({"digits_per_scene": 5}, ValueError, "digits_per_scene"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": "a"}, TypeError, "noise"),
    ],
)
def test_make_scenes_checks_arguments(kwargs, error, name):
    args = {"count": 1, "split": "train", "seed": 0} | kwargs
    with pytest.raises(error, match=name):
        make_scenes(**args)


def test_cross_entropy_really_ignores_255():
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


HAND_TARGET = torch.tensor([[0, 0, 1], [1, 255, 2]])
HAND_PRED = torch.tensor([[0, 1, 1], [1, 0, 0]])
HAND_CONFUSION = [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_confusion_on_a_hand_made_case():
    assert confusion(HAND_PRED, HAND_TARGET, 3).tolist() == HAND_CONFUSION
    assert _confusion(HAND_PRED, HAND_TARGET, 3).tolist() == HAND_CONFUSION


def test_mean_iou_and_pixel_accuracy_on_a_hand_made_case():
    n = torch.tensor(HAND_CONFUSION)
    # class 0: 1 / (2 + 2 - 1); class 1: 2 / (2 + 3 - 2); class 2: 0 / (1 + 0 - 0)
    assert mean_iou(n) == pytest.approx((1 / 3 + 2 / 3 + 0) / 3)
    assert _mean_iou(n) == pytest.approx(1 / 3)
    assert pixel_accuracy(n) == _pixel_accuracy(n) == pytest.approx(3 / 5)


def test_mean_iou_skips_classes_that_never_occur():
    n = torch.tensor([[2, 0, 0], [0, 0, 0], [0, 0, 3]])
    assert mean_iou(n) == 1.0


def test_metric_arguments_are_checked():
    with pytest.raises(TypeError, match="pred"):
        confusion(HAND_PRED.float(), HAND_TARGET, 3)
    with pytest.raises(ValueError, match="same shape"):
        confusion(HAND_PRED[:1], HAND_TARGET, 3)
    with pytest.raises(ValueError, match="num_classes"):
        confusion(HAND_PRED, HAND_TARGET, 2)
    with pytest.raises(TypeError, match="confusion"):
        mean_iou(torch.ones(3))
    with pytest.raises(ValueError, match="confusion"):
        pixel_accuracy(torch.zeros(2, 2))


def test_stroke_disagreement_counts_pairs_inside_one_stroke():
    target = torch.tensor([[3, 3, 255, 0], [3, 4, 4, 0]])
    pred = torch.tensor([[3, 5, 0, 0], [3, 4, 9, 1]])
    # pairs inside one digit: (0,0)-(0,1) differ, (0,0)-(1,0) agree, (1,1)-(1,2) differ
    assert stroke_disagreement(pred, target) == pytest.approx(2 / 3)
    assert _stroke_disagreement(pred, target) == pytest.approx(2 / 3)
    assert stroke_disagreement(target, target) == 0.0
    with pytest.raises(ValueError, match="adjacent stroke"):
        stroke_disagreement(
            torch.zeros(2, 2, dtype=torch.long), torch.zeros(2, 2, dtype=torch.long)
        )


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


def test_public_model_classes_check_and_match_their_cores():
    assert isinstance(SegNet([1]), _SegNet)
    assert tuple(DilatedBlock(3, 2)(torch.randn(1, 3, 7, 7)).shape) == (1, 3, 7, 7)
    with pytest.raises(ValueError, match="dilation"):
        DilatedBlock(3, 0)
    with pytest.raises(TypeError, match="channels"):
        DilatedBlock(2.0, 1)
    with pytest.raises(ValueError, match="dilations"):
        SegNet([])
    with pytest.raises(ValueError, match="width"):
        SegNet([1], width=0)
