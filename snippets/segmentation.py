"""The data, the model and the measures of the dense-prediction page, on scenes of digits.

A scene is a canvas with a few of scikit-learn's 8x8 digits, upscaled and placed at random. Every
stroke pixel is labelled with its digit's class plus one, background is class 0, and the one-pixel
rim around every stroke is labelled ``IGNORE`` (255) and ignored, as Pascal VOC does with object
boundaries. Train and test scenes are built from disjoint digit images.

The model is a small residual network whose only spatial layers are 3x3 convolutions with the
given dilation rates, so an output pixel sees the receptive field and the holes of
``snippets.dilation.coverage``; the shortcuts add paths through offset 0 only, which changes how
many paths reach each input pixel, not which pixels are reached.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from snippets.checks import check_choice, check_int, check_int_list, check_number, check_tensor

# isort: split
# --8<-- [start:imports]
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

IGNORE = 255  # the rim's label; CrossEntropyLoss(ignore_index=IGNORE) skips it
NUM_CLASSES = 11  # background + the ten digits
# --8<-- [end:imports]

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
def scene_labels(ink: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
    # --8<-- [end:scene_labels]
    """Label map of a scene: 0 on background, digit + 1 on strokes, ``IGNORE`` on their rim.

    A pixel with ink of at least 0.5 is a stroke pixel and gets the class of the digit under it
    plus one. The background pixels among the 8 neighbours of a stroke pixel (the one-pixel
    ring around every stroke) get ``IGNORE`` (255), as Pascal VOC labels object boundaries.

    ```python
    import torch
    from snippets.segmentation import scene_labels

    ink = torch.zeros(3, 4)
    ink[1, 1] = 1.0  # one stroke pixel of a 7
    print(scene_labels(ink, torch.full((3, 4), 7)).tolist())
    #> [[255, 255, 255, 0], [255, 8, 255, 0], [255, 255, 255, 0]]
    ```

    Args:
        ink: ``(H, W)`` floating-point ink, 0 (blank) to 1.
        classes: ``(H, W)`` ``torch.long`` class (0..9) of the digit under each pixel; only
            read on stroke pixels.

    Raises:
        TypeError: if ``ink`` is not a floating-point tensor or ``classes`` not a ``torch.long``
            tensor.
        ValueError: if they are not 2-D or their shapes differ.
    """
    check_tensor("ink", ink, floating=True, dims={2})
    if check_tensor("classes", classes, dims={2}).dtype != torch.long:
        raise TypeError(f"classes must be a torch.long tensor, got {classes.dtype}")
    if classes.shape != ink.shape:
        raise ValueError(
            f"ink and classes must have the same shape (H, W), got {tuple(ink.shape)} and "
            f"{tuple(classes.shape)}"
        )
    # --8<-- [start:scene_labels-body]
    stroke = ink >= 0.5
    labels = torch.where(stroke, classes + 1, 0)
    near = F.max_pool2d(stroke[None].float(), kernel_size=3, stride=1, padding=1)[0]
    labels[(near > 0) & ~stroke] = IGNORE  # the one-pixel ring around every stroke
    return labels
    # --8<-- [end:scene_labels-body]


@dataclass(frozen=True)
class Scenes:
    """A batch of scenes.

    Attributes:
        images: ``(N, 1, H, W)`` float inputs (ink plus Gaussian noise).
        labels: ``(N, H, W)`` long targets: 0 background, 1..10 digit 0..9, ``IGNORE`` (255)
            ignored.
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
    one digit each, at a random offset inside the cell, so digits never overlap. The labels are
    those of [`scene_labels`][scene_labels]. The scenes depend only on the arguments.

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
    check_int("count", count, 1)
    check_choice("split", split, ("train", "test"))
    check_int("seed", seed, 0)
    check_int("canvas", canvas, 2 * DIGIT_SIZE)
    check_int("digits_per_scene", digits_per_scene, 1, 4)
    check_number("noise", noise, 0.0)
    pool = torch.tensor(digit_pools()[0 if split == "train" else 1])
    ink_all, target = _digits()
    generator = torch.Generator().manual_seed(seed)
    cell = canvas // 2
    slack = cell - DIGIT_SIZE
    images, labels, ids = [], [], []
    for _ in range(count):
        ink = torch.zeros(canvas, canvas)
        classes = torch.zeros(canvas, canvas, dtype=torch.long)
        chosen = pool[torch.randint(len(pool), (digits_per_scene,), generator=generator)]
        cells = torch.randperm(4, generator=generator)[:digits_per_scene]
        for index, where in zip(chosen.tolist(), cells.tolist(), strict=True):
            dy, dx = torch.randint(slack + 1, (2,), generator=generator).tolist()
            y, x = (where // 2) * cell + dy, (where % 2) * cell + dx
            ink[y : y + DIGIT_SIZE, x : x + DIGIT_SIZE] = ink_all[index]
            classes[y : y + DIGIT_SIZE, x : x + DIGIT_SIZE] = target[index]
        image = ink + noise * torch.randn(canvas, canvas, generator=generator)
        images.append(image[None])
        labels.append(scene_labels(ink, classes))
        ids.append(tuple(chosen.tolist()))
    return Scenes(torch.stack(images), torch.stack(labels), tuple(ids))


def _check_label_maps(pred: object, target: object) -> None:
    """Checks shared by the measures that compare a predicted and a true label map."""
    for name, value in (("pred", pred), ("target", target)):
        if check_tensor(name, value).dtype != torch.long:
            raise TypeError(f"{name} must be a torch.long tensor, got {value.dtype}")
    if pred.shape != target.shape or pred.dim() < 2:
        raise ValueError(
            f"pred and target must have the same shape (..., H, W), got "
            f"{tuple(pred.shape)} and {tuple(target.shape)}"
        )


# --8<-- [start:confusion]
def confusion(
    pred: torch.Tensor, target: torch.Tensor, num_classes: int = NUM_CLASSES
) -> torch.Tensor:
    # --8<-- [end:confusion]
    """Confusion matrix of a dense prediction: ``n[i, j]`` counts pixels of class i predicted j.

    Pixels whose target is ``IGNORE`` (255) are skipped.

    ```python
    import torch
    from snippets.segmentation import IGNORE, confusion

    target = torch.tensor([[0, 0, 1], [1, IGNORE, 2]])
    pred = torch.tensor([[0, 1, 1], [1, 0, 0]])
    print(confusion(pred, target, 3).tolist())
    #> [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    ```

    Args:
        pred: predicted classes, a ``torch.long`` tensor of shape ``(..., H, W)``.
        target: true classes (or ``IGNORE``), same shape and dtype.
        num_classes: number of classes, ``>= 1``; every label but ``IGNORE`` must be below it.

    Returns:
        A ``(num_classes, num_classes)`` ``torch.long`` tensor of pixel counts.

    Raises:
        TypeError: if a map is not a ``torch.long`` tensor or ``num_classes`` not an integer.
        ValueError: if the shapes differ or a class is out of range.
    """
    _check_label_maps(pred, target)
    check_int("num_classes", num_classes, 1)
    labelled = target[target != IGNORE]
    if (labelled < 0).any() or (labelled >= num_classes).any():
        raise ValueError(
            f"target must hold classes in [0, num_classes) = [0, {num_classes}) or {IGNORE}"
        )
    if (pred < 0).any() or (pred >= num_classes).any():
        raise ValueError(f"pred must hold classes in [0, num_classes) = [0, {num_classes})")
    # --8<-- [start:confusion-body]
    keep = target != IGNORE
    index = target[keep] * num_classes + pred[keep]
    counts = torch.bincount(index, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)
    # --8<-- [end:confusion-body]


def _check_confusion(n: object) -> None:
    """Checks shared by the measures read off a confusion matrix."""
    if check_tensor("n", n, dims={2}).shape[0] != n.shape[1]:
        raise ValueError(f"n must be a square confusion matrix, got shape {tuple(n.shape)}")
    if (n < 0).any() or n.sum() <= 0:
        raise ValueError("n must hold non-negative counts and at least one pixel")


# --8<-- [start:mean_iou]
def mean_iou(n: torch.Tensor) -> float:
    # --8<-- [end:mean_iou]
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
        TypeError: if ``n`` is not a tensor.
        ValueError: if it is not square, holds a negative count or no pixel at all.
    """
    _check_confusion(n)
    # --8<-- [start:mean_iou-body]
    hits = n.diag().double()
    union = n.sum(dim=1) + n.sum(dim=0) - n.diag()  # t_i + sum_j n_ji - n_ii
    present = union > 0  # classes in the target or the prediction
    return (hits[present] / union[present]).mean().item()
    # --8<-- [end:mean_iou-body]


# --8<-- [start:pixel_accuracy]
def pixel_accuracy(n: torch.Tensor) -> float:
    # --8<-- [end:pixel_accuracy]
    """Share of labelled pixels predicted right, ``sum_i n_ii / sum_i t_i``.

    ```python
    import torch
    from snippets.segmentation import pixel_accuracy

    print(pixel_accuracy(torch.tensor([[1, 1, 0], [0, 2, 0], [1, 0, 0]])))
    #> 0.6
    ```

    Args:
        n: a square confusion matrix of non-negative counts, e.g. from [`confusion`][confusion].

    Raises:
        TypeError: if ``n`` is not a tensor.
        ValueError: if it is not square, holds a negative count or no pixel at all.
    """
    _check_confusion(n)
    # --8<-- [start:pixel_accuracy-body]
    return n.diag().sum().item() / n.sum().item()
    # --8<-- [end:pixel_accuracy-body]


# --8<-- [start:stroke_disagreement]
def stroke_disagreement(pred: torch.Tensor, target: torch.Tensor) -> float:
    # --8<-- [end:stroke_disagreement]
    """How often two neighbouring pixels of the same stroke get different predicted labels.

    Counts horizontally and vertically adjacent pairs whose target is the same digit class
    (not background, not ``IGNORE``) and returns the share of them whose predictions differ. A
    prediction that labels each stroke with one class scores 0. Every disagreement inside a
    stroke counts, whatever its cause: gridding should raise it (neighbouring outputs of rates
    with a common factor see disjoint input pixels), but so does a network that cannot tell
    the digits apart. [`parity_gap`][parity_gap] separates the two.

    ```python
    import torch
    from snippets.segmentation import stroke_disagreement

    target = torch.tensor([[3, 3, 3, 3]])
    print(stroke_disagreement(torch.tensor([[3, 5, 3, 5]]), target))
    #> 1.0
    ```

    Args:
        pred: predicted classes, a ``torch.long`` tensor of shape ``(..., H, W)``.
        target: true classes (or ``IGNORE``), same shape and dtype.

    Raises:
        TypeError: if a map is not a ``torch.long`` tensor.
        ValueError: if the shapes differ or no pair of stroke pixels is adjacent.
    """
    _check_label_maps(pred, target)
    stroke = (target > 0) & (target != IGNORE)
    horizontal = stroke[..., 1:] & stroke[..., :-1]
    vertical = stroke[..., 1:, :] & stroke[..., :-1, :]
    if not (horizontal.any() or vertical.any()):
        raise ValueError("target must hold at least two adjacent stroke pixels")
    # --8<-- [start:stroke_disagreement-body]
    pairs = differ = 0
    for dim in (-1, -2):  # horizontal, then vertical neighbours
        size = target.size(dim) - 1
        t0, t1 = target.narrow(dim, 0, size), target.narrow(dim, 1, size)
        p0, p1 = pred.narrow(dim, 0, size), pred.narrow(dim, 1, size)
        # both pixels of the pair in one digit: not background, not rim
        inside = (t0 == t1) & (t0 > 0) & (t0 != IGNORE)
        pairs += inside.sum().item()
        differ += (inside & (p0 != p1)).sum().item()
    return differ / pairs
    # --8<-- [end:stroke_disagreement-body]


def _runs_of_three(target: torch.Tensor) -> torch.Tensor:
    """Where three pixels in a row (along the last dimension) belong to one digit."""
    middle = target[..., 1:-1]
    same = (target[..., :-2] == middle) & (middle == target[..., 2:])
    return same & (middle > 0) & (middle != IGNORE)


# --8<-- [start:parity_gap]
def parity_gap(pred: torch.Tensor, target: torch.Tensor) -> float:
    # --8<-- [end:parity_gap]
    """Disagreement of neighbours minus that of pixels two apart, in runs of three stroke pixels.

    Takes every run of three pixels ``a, b, c`` along a row or a column whose target is one
    digit class (not background, not ``IGNORE``). ``D_1`` is the share of the neighbour pairs
    ``(a, b)`` and ``(b, c)`` whose predictions differ, ``D_2`` the share of the end pairs
    ``(a, c)``; the gap is ``D_1 - D_2``. Neighbours have different row or column parity, the
    ends the same one, and when all rates are even the two parity classes see disjoint input
    pixels. Counting run by run, the gap equals the share of runs that alternate
    (``a == c != b``) minus half the share of runs with one boundary (``a == b != c`` or
    ``a != b == c``). So patches with straight boundaries make it negative, an isolated wrong
    pixel (one alternating run, two with a boundary) adds nothing to it, and only labels that
    alternate from one pixel to the next, as gridding can produce, make it positive.

    ```python
    import torch
    from snippets.segmentation import parity_gap

    target = torch.tensor([[3, 3, 3, 3]])
    print(parity_gap(torch.tensor([[3, 5, 3, 5]]), target))
    #> 1.0
    print(parity_gap(torch.tensor([[3, 3, 5, 5]]), target))
    #> -0.5
    ```

    Args:
        pred: predicted classes, a ``torch.long`` tensor of shape ``(..., H, W)``.
        target: true classes (or ``IGNORE``), same shape and dtype.

    Returns:
        ``D_1 - D_2``, between -1 and 1.

    Raises:
        TypeError: if a map is not a ``torch.long`` tensor.
        ValueError: if the shapes differ or no three pixels of one digit are in a row or a
            column.
    """
    _check_label_maps(pred, target)
    if not any(_runs_of_three(t).any() for t in (target, target.transpose(-1, -2))):
        raise ValueError("target must hold three pixels of one digit in a row or a column")
    # --8<-- [start:parity_gap-body]
    runs = near = far = 0
    # runs along rows, then along columns (rows of the transposed maps)
    for t, p in ((target, pred), (target.transpose(-1, -2), pred.transpose(-1, -2))):
        a, b, c = p[..., :-2], p[..., 1:-1], p[..., 2:]
        # all three pixels in one digit: not background, not rim
        inside = (t[..., :-2] == t[..., 1:-1]) & (t[..., 1:-1] == t[..., 2:])
        inside &= (t[..., 1:-1] > 0) & (t[..., 1:-1] != IGNORE)
        runs += inside.sum().item()
        near += (inside & (a != b)).sum().item() + (inside & (b != c)).sum().item()
        far += (inside & (a != c)).sum().item()
    return near / (2 * runs) - far / runs  # D_1 - D_2
    # --8<-- [end:parity_gap-body]


# --8<-- [start:DilatedBlock]
class DilatedBlock(nn.Module):
    """Residual block ReLU(x + BN(conv(x))) around one dilated 3x3 convolution."""

    def __init__(self, channels: int, dilation: int) -> None:
        # --8<-- [end:DilatedBlock]
        """Padding equals the dilation, so height and width are kept.

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
        check_int("channels", channels, 1)
        check_int("dilation", dilation, 1)
        # --8<-- [start:DilatedBlock-body]
        super().__init__()
        self.conv = nn.Conv2d(
            channels,
            channels,
            kernel_size=3,
            padding=dilation,  # keeps height and width
            dilation=dilation,
            bias=False,  # the batch norm that follows has its own bias
        )
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.bn(self.conv(x)))
        # --8<-- [end:DilatedBlock-body]


# --8<-- [start:SegNet]
class SegNet(nn.Module):
    """Per-pixel classifier: 1x1 stem, one DilatedBlock per rate, 1x1 head."""

    def __init__(
        self,
        dilations: Sequence[int],
        *,
        width: int = 32,
        num_classes: int = NUM_CLASSES,
    ) -> None:
        # --8<-- [end:SegNet]
        """Logits per pixel, from one [`DilatedBlock`][DilatedBlock] per dilation rate.

        The 3x3 layers are the only spatial ones, so an output pixel sees exactly the receptive
        field and the holes of ``dilations`` in ``snippets.dilation.coverage``; the shortcuts
        add paths through offset 0, so the path counts differ from that map. The number of
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
        check_int_list("dilations", dilations, 1)
        check_int("width", width, 1)
        check_int("num_classes", num_classes, 1)
        # --8<-- [start:SegNet-body]
        super().__init__()
        # 1x1 stem and head: all spatial context comes from the dilated blocks
        self.stem = nn.Conv2d(1, width, kernel_size=1)
        blocks = [DilatedBlock(width, dilation=rate) for rate in dilations]
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Conv2d(width, num_classes, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(F.relu(self.stem(x))))
        # --8<-- [end:SegNet-body]
