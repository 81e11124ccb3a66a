"""`snippets.dilation_figures`: both themes, and a torchvision ResNet-50's stage sizes."""

from snippets.dilation_figures import ASPP_MAPS, COVERAGE_RATES, CROP, FIGURES, STAGES, stage_sizes
from snippets.plotting import DARK, LIGHT


def test_every_figure_draws_in_both_themes():
    for draw in FIGURES.values():
        for theme in (LIGHT, DARK):
            figure = draw(theme)
            assert figure.axes


def test_names_and_required_coverage_maps():
    assert all(name.startswith("dilation-") for name in FIGURES)
    assert {(2, 2, 2), (1, 2, 5), (1, 2, 4), (2, 4, 6)} <= set(COVERAGE_RATES)


def test_stage_sizes_match_a_torchvision_resnet50():
    import torch

    from snippets.dilation import output_stride_cost
    from tests.torchvision_compat import torchvision

    flags = {32: [False, False, False], 16: [False, False, True], 8: [False, True, True]}
    for os, replace in flags.items():
        with torch.device("meta"):  # sizes only
            net = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=replace)
            measured = output_stride_cost(net.eval(), torch.zeros(1, 3, 97, 97))["sizes"]
        assert [measured[name][0] for name in STAGES] == stage_sizes(97, os)
    assert stage_sizes(CROP, 32)[-1] == 17 and stage_sizes(CROP, 8)[-1] == 65


def test_aspp_maps_are_the_crop_at_output_stride_16_and_8():
    assert [n for n, _ in ASPP_MAPS] == [stage_sizes(CROP, 16)[-1], stage_sizes(CROP, 8)[-1]]
    assert [rates for _, rates in ASPP_MAPS] == [(6, 12, 18), (12, 24, 36)]
