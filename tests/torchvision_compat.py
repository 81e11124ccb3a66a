"""Import torchvision for the tests that check this project's code against it.

The registry's ``torchvision==0.28.0`` wheel is linked against the CUDA build of torch 2.13
(its ``_C.so`` needs ``libtorch_cuda.so``). Beside the CPU build this project pins, that
extension cannot load, and ``import torchvision`` then stops at the one fake-kernel
registration it does not guard: ``torchvision::nms`` and ``torchvision::qnms`` "do not exist".

Everything the tests use (``torchvision.models``, ``torchvision.ops.sigmoid_focal_loss``,
``torchvision.models.segmentation.deeplabv3.ASPP``) is pure Python. So, only when the
extension cannot load, this module declares the schemas of those two operators (no kernel:
calling them still fails loudly) and imports torchvision again. With a matching torchvision
(a reader's machine) it is a plain import.
"""

from __future__ import annotations

import importlib
import sys

import torch

_MISSING_OPERATORS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_schemas: torch.library.Library | None = None


def import_torchvision():
    """Return ``torchvision``, declaring the two schemas it needs when its C++ cannot load."""
    global _schemas
    try:
        return importlib.import_module("torchvision")
    except RuntimeError as error:
        if "torchvision::nms" not in str(error) and "torchvision::qnms" not in str(error):
            raise
    for name in [module for module in sys.modules if module.split(".")[0] == "torchvision"]:
        del sys.modules[name]
    _schemas = torch.library.Library("torchvision", "FRAGMENT")
    for schema in _MISSING_OPERATORS:
        _schemas.define(schema)
    return importlib.import_module("torchvision")


torchvision = import_torchvision()
