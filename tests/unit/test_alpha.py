"""Alpha at each level, on hand-worked answers."""

import math

import numpy as np
import pytest

from analysis.coding import alpha as al


def test_nominal_alpha_matches_a_hand_worked_value():
    a = [1, 1, 0, 0, 0, 0, 1, 0]
    b = [1, 0, 0, 0, 0, 0, 1, 0]
    # n = 16 values, d = 1 disagreement, n1 = 5, n0 = 11: 1 - 15 * 1 / 55
    assert al.nominal_alpha(a, b) == pytest.approx(1 - 15 / 55)


def test_nominal_alpha_is_undefined_for_a_single_label():
    assert math.isnan(al.nominal_alpha(["hope"] * 3, ["hope"] * 3))


def test_nominal_alpha_of_labels():
    a = ["hope", "problem", "need", "hope"]
    b = ["hope", "problem", "need", "hope"]
    assert al.nominal_alpha(a, b) == pytest.approx(1.0)
    assert al.nominal_alpha(a, ["problem", "hope", "hope", "need"]) < 0


@pytest.mark.parametrize("first, second, expected", [
    ({"a"}, {"a"}, 0.0),
    ({"a"}, {"b"}, 1.0),
    ({"a"}, {"a", "b"}, 1 - 0.5 * 2 / 3),
    ({"a", "c"}, {"a", "b"}, 1 - (1 / 3) * (1 / 3)),
])
def test_masi_distance(first, second, expected):
    assert al.masi_distance(frozenset(first), frozenset(second)) == pytest.approx(expected)


def as_matrices(first, second):
    """Two coders' label sets as 0/1 matrices over the labels either used."""
    labels = sorted(set().union(*first, *second))
    matrix = lambda sets: np.array([[label in s for label in labels] for s in sets], dtype=bool).reshape(len(sets), len(labels))  # noqa: E731
    return matrix(first), matrix(second)


def masi_alpha(first, second):
    return al.set_alpha(*as_matrices(first, second))[0]


def test_masi_alpha_is_one_for_identical_sets_and_drops_with_partial_overlap():
    sets = [frozenset({"x"}), frozenset({"x", "y"}), frozenset({"z"})]
    assert masi_alpha(sets, sets) == pytest.approx(1.0)
    partial = [frozenset({"x"}), frozenset({"x"}), frozenset({"z"})]
    disjoint = [frozenset({"y"}), frozenset({"x"}), frozenset({"z"})]
    assert 0 < masi_alpha(sets, partial) < 1
    assert masi_alpha(sets, disjoint) < masi_alpha(sets, partial)
    assert math.isnan(masi_alpha([frozenset({"x"})] * 3, [frozenset({"x"})] * 3))


def test_masi_alpha_with_single_labels_equals_nominal_alpha():
    a = ["p", "q", "p", "r", "q", "p"]
    b = ["p", "q", "q", "r", "q", "r"]
    as_sets = lambda labels: [frozenset({x}) for x in labels]  # noqa: E731
    assert masi_alpha(as_sets(a), as_sets(b)) == pytest.approx(al.nominal_alpha(a, b))


def test_bootstrap_alpha_is_reproducible_and_brackets_the_estimate():
    a = ["hope", "problem", "need", "hope", "proposal", "problem"] * 10
    b = ["hope", "problem", "need", "need", "proposal", "problem"] * 10
    alpha, first = al.label_alpha(a, b, n_boot=300, seed=3)
    np.testing.assert_array_equal(first, al.label_alpha(a, b, n_boot=300, seed=3)[1])
    low, high, kept = al.percentile_interval(first)
    assert kept == 300 and low <= alpha <= high < 1
    sets_a, sets_b = as_matrices([frozenset(x) for x in a], [frozenset(x) for x in b])
    masi, boot = al.set_alpha(sets_a, sets_b, n_boot=300, seed=3)
    low, high, kept = al.percentile_interval(boot)
    assert kept == 300 and low <= masi <= high < 1


def test_bootstrap_holds_the_expected_disagreement_fixed():
    # n = 16 values, n1 = 5: sum_ck n_c n_k delta_ck = 2 * 5 * 11 = 110 in every resample, so each
    # resample's alpha is 1 - 15 * 2 * d / 110, d its disagreements (0 to 8 units)
    a = [1, 1, 0, 0, 0, 0, 1, 0]
    b = [1, 0, 0, 0, 0, 0, 1, 0]
    alpha, boot = al.label_alpha(a, b, n_boot=500, seed=1)
    assert alpha == pytest.approx(1 - 15 * 2 / 110)
    d = (1 - boot) * 110 / 30
    np.testing.assert_allclose(d, np.round(d), atol=1e-9)
    assert set(np.round(d).astype(int)) <= set(range(9)) and 0 in set(np.round(d).astype(int))


def test_resampled_sums_resample_whole_units_in_any_chunking(monkeypatch):
    rng = np.random.default_rng(5)
    distances = (rng.random((40, 3)) < 0.2) * rng.integers(1, 4, (40, 3)).astype(float)
    results = []
    for chunk in (1, 6, 7 * 6, 2**22):
        monkeypatch.setattr(al, "BOOTSTRAP_CHUNK_CELLS", chunk)
        results.append(al.resampled_sums(distances, 400, seed=9))
    for other in results[1:]:
        np.testing.assert_array_equal(other, results[0])
    sums = results[0]
    # every resample is 40 whole units: a column's sum never exceeds 40 times its largest value
    assert (sums <= 40 * distances.max(axis=0)).all() and (sums >= 0).all()
    # on average a resample carries what the sample does
    np.testing.assert_allclose(sums.mean(axis=0), distances.sum(axis=0), rtol=0.1)
    # a resample draws whole rows: the columns move together
    assert np.corrcoef(sums[:, 0], sums.sum(axis=1))[0, 1] > 0


def test_resampled_sums_of_one_kind_of_unit_are_the_sample_sums():
    sums = al.resampled_sums(np.full((5, 2), 2.0), 10, seed=1)
    assert (sums == 10).all()
    assert al.resampled_sums(np.zeros((0, 2)), 10, seed=1).shape == (10, 2)


def test_closed_forms_equal_the_package_on_random_data():
    import krippendorff

    rng = np.random.default_rng(4)
    labels = ["hope", "problem", "need", "proposal"]
    sets = [frozenset(), frozenset({"x"}), frozenset({"x", "y"}), frozenset({"y"}), frozenset({"z", "x"})]
    for _ in range(20):
        n = int(rng.integers(4, 40))
        a = list(rng.choice(labels, n))
        b = [x if rng.random() < 0.7 else str(rng.choice(labels)) for x in a]
        values, ia, ib = al.encode(a, b)
        if len(values) > 1:
            expected = krippendorff.alpha(reliability_data=np.vstack([ia, ib]).astype(float), level_of_measurement="nominal")
            assert al.nominal_alpha(a, b) == pytest.approx(expected)
        sa = [sets[i] for i in rng.integers(0, len(sets), n)]
        sb = [s if rng.random() < 0.6 else sets[int(rng.integers(0, len(sets)))] for s in sa]
        member, ia, ib = al.encode_sets(*as_matrices(sa, sb))
        if member.shape[0] > 1:
            values = np.arange(member.shape[0])
            i, j = np.meshgrid(values, values, indexing="ij")
            delta = 1 - al._pair_similarity(i.ravel(), j.ravel(), member).reshape(i.shape)
            metric = lambda v1, v2, i1, i2, n_v, dtype=np.float64: delta[i1, i2].astype(dtype)  # noqa: E731
            expected = krippendorff.alpha(reliability_data=np.vstack([ia, ib]).astype(float), value_domain=values, level_of_measurement=metric)
            assert masi_alpha(sa, sb) == pytest.approx(expected)


def test_masi_similarity_is_one_minus_masi_distance_between_every_two_sets(monkeypatch):
    values = [frozenset(), frozenset("a"), frozenset("ab"), frozenset("abc"), frozenset("bc"), frozenset("d"), frozenset("cd")]
    member, ia, _ = al.encode_sets(*as_matrices(values, values))
    assert ia.tolist() == list(range(len(values)))  # distinct sets in order of first appearance
    expected = np.array([[1 - al.masi_distance(x, y) for y in values] for x in values])
    i, j = np.meshgrid(np.arange(len(values)), np.arange(len(values)), indexing="ij")
    np.testing.assert_allclose(al._pair_similarity(i.ravel(), j.ravel(), member).reshape(i.shape), expected)
    counts = np.arange(1.0, len(values) + 1)
    for block in (1, 10, 2**24):  # the weighted sums over every set, a block of sets at a time
        monkeypatch.setattr(al, "SIMILARITY_BLOCK_CELLS", block)
        np.testing.assert_allclose(al._similarity_sums(counts, member), expected @ counts)


def test_cluster_bootstrap_with_every_cluster_drawn_once_gives_the_point_estimate(monkeypatch):
    import numpy as np
    import krippendorff

    from analysis.coding import alpha as al

    rng = np.random.default_rng(3)
    a = rng.random((40, 2)) < 0.4
    b = a.copy()
    b[rng.random((40, 2)) < 0.15] ^= True
    clusters = [f"list-{i // 4}" for i in range(40)]
    once = lambda names, n_boot, seed: (np.ones((n_boot, 10)), np.repeat(np.arange(10), 4))  # noqa: E731
    monkeypatch.setattr(al, "cluster_draws", once)
    per_column, pooled = al.cluster_presence_bootstrap(a, b, clusters, 3, 0)
    for j in range(2):
        expected = krippendorff.alpha(reliability_data=[a[:, j].astype(int), b[:, j].astype(int)], level_of_measurement="nominal")
        assert np.allclose(per_column[:, j], expected)
    assert np.allclose(pooled, krippendorff.alpha(reliability_data=[a.ravel().astype(int), b.ravel().astype(int)], level_of_measurement="nominal"))
    labels_a, labels_b = list(rng.integers(0, 3, 40)), list(rng.integers(0, 3, 40))
    assert np.allclose(al.cluster_label_bootstrap(labels_a, labels_b, clusters, 2, 0), al.nominal_alpha(labels_a, labels_b))


def test_cluster_bootstrap_resamples_whole_clusters():

    from analysis.coding import alpha as al

    draws, inverse = al.cluster_draws(["x", "x", "y", "z"], 50, 1)
    assert draws.shape == (50, 3) and (draws.sum(axis=1) == 3).all()
    assert list(inverse) == [0, 0, 1, 2]


def test_cluster_bootstrap_of_masi_with_every_cluster_drawn_once_gives_the_point_estimate(monkeypatch):
    import numpy as np

    from analysis.coding import alpha as al

    rng = np.random.default_rng(2)
    a = rng.random((80, 5)) < 0.3
    b = a.copy()
    b[rng.random((80, 5)) < 0.1] ^= True
    monkeypatch.setattr(al, "cluster_draws", lambda names, n_boot, seed: (np.ones((n_boot, 20)), np.repeat(np.arange(20), 4)))
    assert np.allclose(al.cluster_set_bootstrap(a, b, [i // 4 for i in range(80)], 2, 0), al.set_alpha(a, b)[0])
