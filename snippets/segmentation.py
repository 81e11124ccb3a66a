"""Dense prediction on scenes of handwritten digits: data, model and measures.

A scene is a canvas with a few of scikit-learn's 8x8 digits, upscaled and placed at random. Every
stroke pixel is labelled with its digit's class plus one, background is class 0, and the one-pixel
rim around every stroke is labelled 255 and ignored, as Pascal VOC does with object boundaries.
Train and test scenes are built from disjoint digit images.

The model is a small residual network whose only spatial layers are 3x3 convolutions with the
given dilation rates, so its coverage map is the one of ``snippets.dilation.coverage``.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
from torch import nn

# --8<-- [end:imports]
# isort: split

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from snippets.checks import check_int, check_int_list

IGNORE = 255  # label of the rim pixels; CrossEntropyLoss(ignore_index=IGNORE) skips them
NUM_CLASSES = 11  # background + the ten digits
DIGIT_SIZE = 16  # an 8x8 digit is upscaled to DIGIT_SIZE x DIGIT_SIZE


@functools.cache
def digit_pools() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Indices of scikit-learn's digits for training and for test scenes; they are disjoint.

    A fixed stratified split: 75 % of the 1,797 images for training, 25 % for test.

    ```python
    from snippets.segmentation import digit_pools

    train, test = digit_pools()
    print(len(train), len(test), len(set(train) & set(test)))
    #> 1347 450 0
    ```
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    target = load_digits().target
    train, test = train_test_split(
        range(len(target)), test_size=0.25, random_state=0, stratify=target
    )
    return tuple(sorted(train)), tuple(sorted(test))


@functools.cache
def _digits() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1,797 digits upscaled to ``DIGIT_SIZE`` (bilinear, ink 0..1) and their classes."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    up = F.interpolate(images, size=(DIGIT_SIZE, DIGIT_SIZE), mode="bilinear", align_corners=False)
    return up[:, 0], torch.tensor(digits.target, dtype=torch.long)


# --8<-- [start:scene_labels]
def _scene_labels(ink: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
    """Labels of a scene: 0 background, digit + 1 on strokes, 255 on the rim of each stroke."""
    stroke = ink >= 0.5  # ink: (H, W) in 0..1; classes: (H, W) digit under each pixel
    labels = torch.where(stroke, classes + 1, 0)
    near = F.max_pool2d(stroke[None].float(), 3, stride=1, padding=1)[0] > 0
    labels[near & ~stroke] = 255  # the one-pixel ring around every stroke is ignored
    return labels


# --8<-- [end:scene_labels]


@dataclass(frozen=True)
class Scenes:
    """A batch of scenes.

    Attributes:
        images: ``(N, 1, H, W)`` float inputs (ink plus Gaussian noise).
        labels: ``(N, H, W)`` long targets: 0 background, 1..10 digit 0..9, 255 ignored.
        digit_ids: for each scene, the indices into ``load_digits()`` of the digits placed in it.
    """

    images: torch.Tensor
    labels: torch.Tensor
    digit_ids: tuple[tuple[int, ...], ...]


def make_scenes(
    count: int,
    split: str,
    seed: int,
    canvas: int = 40,
    digits_per_scene: int = 3,
    noise: float = 0.1,
) -> Scenes:
    """Build ``count`` scenes from the ``"train"`` or the ``"test"`` digits.

    The canvas is cut into a 2x2 grid of cells; ``digits_per_scene`` of the four cells receive
    one digit each, at a random offset inside the cell, so digits never overlap. The scenes
    depend only on the arguments.

    ```python
    from snippets.segmentation import make_scenes

    scenes = make_scenes(2, "test", seed=0)
    print(tuple(scenes.images.shape), tuple(scenes.labels.shape), len(scenes.digit_ids[0]))
    #> (2, 1, 40, 40) (2, 40, 40) 3
    ```

    Args:
        count: number of scenes, ``>= 1``.
        split: ``"train"`` or ``"test"``: which pool of [`digit_pools`][digit_pools] to draw from.
        seed: seed of the random choices (digits, cells, offsets, noise), ``>= 0``.
        canvas: height and width in pixels, ``>= 2 * DIGIT_SIZE``.
        digits_per_scene: digits in each scene, 1 to 4.
        noise: standard deviation of the Gaussian noise added to the image, ``>= 0``.

    Raises:
        TypeError: if an integer argument is not an integer or ``noise`` is not a number.
        ValueError: if a value is out of range or ``split`` is unknown.
    """
    count = check_int("count", count, 1)
    seed = check_int("seed", seed, 0)
    canvas = check_int("canvas", canvas, 2 * DIGIT_SIZE)
    per_scene = check_int("digits_per_scene", digits_per_scene, 1)
    if per_scene > 4:
        raise ValueError(f"digits_per_scene must be between 1 and 4, got {per_scene}")
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if isinstance(noise, bool) or not isinstance(noise, int | float):
        raise TypeError(f"noise must be a number, got {type(noise).__name__}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    pool = torch.tensor(digit_pools()[0 if split == "train" else 1])
    ink_all, target = _digits()
    generator = torch.Generator().manual_seed(seed)
    cell = canvas // 2
    slack = cell - DIGIT_SIZE
    images, labels, ids = [], [], []
    for _ in range(count):
        ink = torch.zeros(canvas, canvas)
        classes = torch.zeros(canvas, canvas, dtype=torch.long)
        chosen = pool[torch.randint(len(pool), (per_scene,), generator=generator)]
        cells = torch.randperm(4, generator=generator)[:per_scene]
        for index, where in zip(chosen.tolist(), cells.tolist(), strict=True):
            dy, dx = torch.randint(slack + 1, (2,), generator=generator).tolist()
            y, x = (where // 2) * cell + dy, (where % 2) * cell + dx
            ink[y : y + DIGIT_SIZE, x : x + DIGIT_SIZE] = ink_all[index]
            classes[y : y + DIGIT_SIZE, x : x + DIGIT_SIZE] = target[index]
        image = ink + noise * torch.randn(canvas, canvas, generator=generator)
        images.append(image[None])
        labels.append(_scene_labels(ink, classes))
        ids.append(tuple(chosen.tolist()))
    return Scenes(torch.stack(images), torch.stack(labels), tuple(ids))


# --8<-- [start:confusion]
def _confusion(pred: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Confusion matrix n[i, j]: pixels of true class i predicted as j (255 skipped)."""
    keep = target != 255
    index = target[keep] * num_classes + pred[keep]
    counts = torch.bincount(index, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def _mean_iou(n: torch.Tensor) -> float:
    """Mean over classes of n_ii / (t_i + sum_j n_ji - n_ii), classes that occur only."""
    hits = n.diag().double()
    union = n.sum(1) + n.sum(0) - n.diag()
    present = union > 0
    return (hits[present] / union[present]).mean().item()


def _pixel_accuracy(n: torch.Tensor) -> float:
    """Share of the labelled pixels whose class is predicted right: sum_i n_ii / sum_i t_i."""
    return n.diag().sum().item() / n.sum().item()


# --8<-- [end:confusion]


def _check_maps(pred: object, target: object) -> None:
    for name, value in (("pred", pred), ("target", target)):
        if not isinstance(value, torch.Tensor) or value.dtype != torch.long:
            raise TypeError(f"{name} must be a torch.long tensor, got {value!r:.60}")
    if pred.shape != target.shape or pred.dim() < 2:
        raise ValueError(
            f"pred and target must have the same shape (..., H, W), got "
            f"{tuple(pred.shape)} and {tuple(target.shape)}"
        )


def _check_confusion(n: object) -> torch.Tensor:
    if not isinstance(n, torch.Tensor) or n.dim() != 2 or n.shape[0] != n.shape[1]:
        raise TypeError("confusion must be a square 2-D tensor")
    if n.sum() <= 0 or (n < 0).any():
        raise ValueError("confusion must hold non-negative counts, at least one pixel")
    return n


def confusion(pred: torch.Tensor, target: torch.Tensor, num_classes: int = NUM_CLASSES):
    """Confusion matrix of a dense prediction: ``n[i, j]`` counts pixels of class i predicted j.

    Pixels whose target is 255 are skipped.

    ```python
    import torch
    from snippets.segmentation import confusion

    target = torch.tensor([[0, 0, 1], [1, 255, 2]])
    pred = torch.tensor([[0, 1, 1], [1, 0, 0]])
    print(confusion(pred, target, 3).tolist())
    #> [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    ```

    Args:
        pred: predicted classes, a ``torch.long`` tensor of shape ``(..., H, W)``.
        target: true classes (or 255), same shape and dtype.
        num_classes: number of classes, ``>= 1``; every label but 255 must be below it.

    Raises:
        TypeError: if a map is not a ``torch.long`` tensor or ``num_classes`` not an integer.
        ValueError: if the shapes differ or a class is out of range.
    """
    _check_maps(pred, target)
    k = check_int("num_classes", num_classes, 1)
    labelled = target[target != IGNORE]
    if (labelled < 0).any() or (labelled >= k).any() or (pred < 0).any() or (pred >= k).any():
        raise ValueError(f"classes must be in [0, num_classes) = [0, {k}) (or 255 in target)")
    return _confusion(pred, target, k)


def mean_iou(n: torch.Tensor) -> float:
    """Mean intersection over union from a confusion matrix (Long et al. 2015, §5).

    IoU of class i is ``n_ii / (t_i + sum_j n_ji - n_ii)``, with ``t_i`` the pixels of class i;
    the mean runs over the classes that occur in the target or the prediction.

    ```python
    import torch
    from snippets.segmentation import mean_iou

    print(round(mean_iou(torch.tensor([[1, 1, 0], [0, 2, 0], [1, 0, 0]])), 4))
    #> 0.3333
    ```

    Args:
        n: a square confusion matrix of non-negative counts, e.g. from [`confusion`][confusion].

    Raises:
        TypeError: if ``n`` is not a square 2-D tensor.
        ValueError: if it holds a negative count or no pixel at all.
    """
    return _mean_iou(_check_confusion(n))


def pixel_accuracy(n: torch.Tensor) -> float:
    """Share of labelled pixels predicted right, ``sum_i n_ii / sum_i t_i``.

    ```python
    import torch
    from snippets.segmentation import pixel_accuracy

    print(pixel_accuracy(torch.tensor([[1, 1, 0], [0, 2, 0], [1, 0, 0]])))
    #> 0.6
    ```

    Args:
        n: a square confusion matrix of non-negative counts.

    Raises:
        TypeError: if ``n`` is not a square 2-D tensor.
        ValueError: if it holds a negative count or no pixel at all.
    """
    return _pixel_accuracy(_check_confusion(n))


# --8<-- [start:stroke_disagreement]
def _stroke_disagreement(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Share of neighbouring pixel pairs inside one stroke whose predictions differ."""
    pairs = differ = 0
    for dim in (-1, -2):  # horizontal, then vertical neighbours
        size = target.size(dim) - 1
        t0, t1 = target.narrow(dim, 0, size), target.narrow(dim, 1, size)
        p0, p1 = pred.narrow(dim, 0, size), pred.narrow(dim, 1, size)
        inside = (t0 == t1) & (t0 > 0) & (t0 != 255)  # same digit, not background or rim
        pairs += inside.sum().item()
        differ += (inside & (p0 != p1)).sum().item()
    return differ / pairs


# --8<-- [end:stroke_disagreement]


def stroke_disagreement(pred: torch.Tensor, target: torch.Tensor) -> float:
    """How often two neighbouring pixels of the same stroke get different predicted labels.

    Counts horizontally and vertically adjacent pairs whose target is the same digit class
    (not background, not 255) and returns the share of them whose predictions differ. A
    prediction without gridding is piecewise constant over a stroke, so this is near 0; when
    neighbouring outputs see disjoint input pixels (rates with a common factor) it grows.

    ```python
    import torch
    from snippets.segmentation import stroke_disagreement

    target = torch.tensor([[3, 3, 3, 3]])
    print(stroke_disagreement(torch.tensor([[3, 5, 3, 5]]), target))
    #> 1.0
    ```

    Args:
        pred: predicted classes, a ``torch.long`` tensor of shape ``(..., H, W)``.
        target: true classes (or 255), same shape and dtype.

    Raises:
        TypeError: if a map is not a ``torch.long`` tensor.
        ValueError: if the shapes differ or no pair of stroke pixels is adjacent.
    """
    _check_maps(pred, target)
    stroke = (target > 0) & (target != IGNORE)
    horizontal = stroke[..., 1:] & stroke[..., :-1]
    vertical = stroke[..., 1:, :] & stroke[..., :-1, :]
    if not (horizontal.any() or vertical.any()):
        raise ValueError("target must hold at least two adjacent stroke pixels")
    return _stroke_disagreement(pred, target)


# --8<-- [start:segnet]
class _DilatedBlock(nn.Module):
    """Residual block with one dilated 3x3 layer: ReLU(x + BN(conv_d(x)))."""

    def __init__(self, channels: int, dilation: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(
            channels, channels, 3, padding=dilation, dilation=dilation, bias=False
        )
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.bn(self.conv(x)))


class _SegNet(nn.Module):
    """1x1 stem, one residual block per dilation rate, 1x1 classifier: logits per pixel."""

    def __init__(self, dilations: list[int], width: int = 32, num_classes: int = 11) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, width, 1)  # 1x1: all spatial context comes from the blocks
        self.blocks = nn.Sequential(*(_DilatedBlock(width, d) for d in dilations))
        self.head = nn.Conv2d(width, num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(F.relu(self.stem(x))))


# --8<-- [end:segnet]


class DilatedBlock(_DilatedBlock):
    """Residual block ``ReLU(x + BN(conv(x)))`` whose only layer is a dilated 3x3 convolution.

    Padding equals the dilation, so height and width are kept.

    ```python
    import torch
    from snippets.segmentation import DilatedBlock

    print(tuple(DilatedBlock(4, dilation=2)(torch.randn(1, 4, 9, 9)).shape))
    #> (1, 4, 9, 9)
    ```

    Args:
        channels: input and output channels, ``>= 1``.
        dilation: dilation rate of the 3x3 layer, ``>= 1``.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if an argument is smaller than 1.
    """

    def __init__(self, channels: int, dilation: int) -> None:
        super().__init__(check_int("channels", channels, 1), check_int("dilation", dilation, 1))


class SegNet(_SegNet):
    """Dense classifier: 1x1 stem, one [`DilatedBlock`][DilatedBlock] per rate, 1x1 classifier.

    The 3x3 layers are the only spatial ones, so an output pixel sees exactly the receptive
    field (and the coverage map) of ``dilations`` in ``snippets.dilation``. The number of
    parameters does not depend on the rates.

    ```python
    import torch
    from snippets.segmentation import SegNet

    net = SegNet([1, 2, 3], width=8)
    print(tuple(net(torch.randn(2, 1, 20, 20)).shape))
    #> (2, 11, 20, 20)
    ```

    Args:
        dilations: dilation rate of each residual block, each ``>= 1``, at least one.
        width: channels of the blocks, ``>= 1``.
        num_classes: output channels (classes), ``>= 1``.

    Raises:
        TypeError: if a value is not an integer.
        ValueError: if a value is smaller than 1 or ``dilations`` is empty.
    """

    def __init__(
        self, dilations: Sequence[int], width: int = 32, num_classes: int = NUM_CLASSES
    ) -> None:
        rates = check_int_list("dilations", dilations, 1)
        super().__init__(
            rates, check_int("width", width, 1), check_int("num_classes", num_classes, 1)
        )
