"""The torchvision the tests compare against imports and is the pinned release."""

import torch

from tests.torchvision_compat import torchvision


def test_pinned_torchvision_imports_and_builds_models():
    assert torchvision.__version__.split("+")[0] == "0.28.0"
    model = torchvision.models.resnet18(weights=None).eval()
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 32, 32)).shape == (1, 1000)
