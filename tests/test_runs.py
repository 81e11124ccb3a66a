"""`snippets.runs`: jobs return in order, with PyTorch's thread count set and restored."""

from snippets.runs import run_all


def test_results_come_back_in_job_order_on_one_or_two_workers():
    jobs = [(exponent,) for exponent in (5, 0, 3, 1)]
    assert run_all(pow, 2, jobs, workers=1, desc="test") == [32, 1, 8, 2]
    assert run_all(pow, 2, jobs, workers=2, desc="test") == [32, 1, 8, 2]


def test_torch_threads_sets_the_count_inside_and_restores_it_after():
    import torch

    from snippets.runs import torch_threads

    before = torch.get_num_threads()
    inside = 2 if before == 1 else 1  # a count other than the one there is
    with torch_threads(inside):
        assert torch.get_num_threads() == inside
    assert torch.get_num_threads() == before
