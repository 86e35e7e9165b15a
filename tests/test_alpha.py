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


def test_masi_alpha_is_one_for_identical_sets_and_drops_with_partial_overlap():
    sets = [frozenset({"x"}), frozenset({"x", "y"}), frozenset({"z"})]
    assert al.masi_alpha(sets, sets) == pytest.approx(1.0)
    partial = [frozenset({"x"}), frozenset({"x"}), frozenset({"z"})]
    disjoint = [frozenset({"y"}), frozenset({"x"}), frozenset({"z"})]
    assert 0 < al.masi_alpha(sets, partial) < 1
    assert al.masi_alpha(sets, disjoint) < al.masi_alpha(sets, partial)


def test_masi_alpha_with_single_labels_equals_nominal_alpha():
    a = ["p", "q", "p", "r", "q", "p"]
    b = ["p", "q", "q", "r", "q", "r"]
    as_sets = lambda labels: [frozenset({x}) for x in labels]  # noqa: E731
    assert al.masi_alpha(as_sets(a), as_sets(b)) == pytest.approx(al.nominal_alpha(a, b))


def test_bootstrap_alpha_is_reproducible_and_brackets_the_estimate():
    a = ["hope", "problem", "need", "hope", "proposal", "problem"] * 10
    b = ["hope", "problem", "need", "need", "proposal", "problem"] * 10
    first = al.bootstrap_alpha(a, b, n_boot=300, seed=3)
    np.testing.assert_array_equal(first, al.bootstrap_alpha(a, b, n_boot=300, seed=3))
    low, high, kept = al.percentile_interval(first)
    assert kept == 300 and low <= al.nominal_alpha(a, b) <= high < 1


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
        values, ia, ib = al.encode(sa, sb)
        if len(values) > 1:
            delta = 1 - al.masi_similarity(values).toarray()
            metric = lambda v1, v2, i1, i2, n_v, dtype=np.float64: delta[i1, i2].astype(dtype)  # noqa: E731
            expected = krippendorff.alpha(reliability_data=np.vstack([ia, ib]).astype(float), value_domain=np.arange(len(values)), level_of_measurement=metric)
            assert al.masi_alpha(sa, sb) == pytest.approx(expected)


def test_masi_similarity_is_one_minus_masi_distance_between_every_two_sets():
    values = [frozenset(), frozenset("a"), frozenset("ab"), frozenset("abc"), frozenset("bc"), frozenset("d"), frozenset("cd")]
    expected = np.array([[1 - al.masi_distance(x, y) for y in values] for x in values])
    np.testing.assert_allclose(al.masi_similarity(values).toarray(), expected)
