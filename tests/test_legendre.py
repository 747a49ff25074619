"""The Legendre mathematics against independent formulas and libraries."""

import numpy as np
import pytest
import scipy.signal
from nengo.exceptions import ValidationError
from numpy.polynomial import legendre as npleg

from nengo_lmu import (
    PADE_DEGREES,
    discretize,
    euler_min_theta,
    impulse_response,
    legendre_readout,
    lmu_eigenvalues,
    lmu_inverse,
    lmu_matvec,
    lmu_system,
    memory_trajectory,
    pade_exp,
)


def test_lmu_system_by_hand():
    # order 3, theta 2: rows scaled by (2i + 1) / 2 = 0.5, 1.5, 2.5
    A, B = lmu_system(3, 2.0)
    expected_A = np.array(
        [[-1, -1, -1], [1, -1, -1], [-1, 1, -1]], dtype=float
    ) * np.array([[0.5], [1.5], [2.5]])
    assert np.array_equal(A, expected_A)
    assert np.array_equal(B, np.array([[0.5], [-1.5], [2.5]]))


@pytest.mark.parametrize("method", ["zoh", "euler"])
def test_discretize_matches_scipy(method):
    A, B = lmu_system(8, 0.3)
    dt = 0.001
    Ad, Bd = discretize(A, B, dt, method)
    scipy_method = {"zoh": "zoh", "euler": "euler"}[method]
    ref = scipy.signal.cont2discrete(
        (A, B, np.eye(8), np.zeros((8, 1))), dt, method=scipy_method
    )
    assert np.allclose(Ad, ref[0], atol=1e-12, rtol=1e-12)
    assert np.allclose(Bd, ref[1], atol=1e-12, rtol=1e-12)


def test_eigenvalues_match_dense_solver():
    for order in (1, 2, 5, 12):
        A, _ = lmu_system(order, 1.0)
        got = np.sort_complex(lmu_eigenvalues(order))
        ref = np.sort_complex(np.linalg.eigvals(A))
        assert np.allclose(got, ref, atol=1e-8 * order**2)
        # the system is a stable delay approximation: every pole in the left half
        assert np.all(got.real < 0)


@pytest.mark.parametrize("order", [1, 3, 6, 12])
def test_euler_min_theta_is_the_stability_boundary(order):
    dt = 0.001
    theta_min = euler_min_theta(order, dt)
    for factor, stable in ((1.001, True), (0.999, False)):
        Ad, _ = discretize(*lmu_system(order, theta_min * factor), dt, "euler")
        radius = np.max(np.abs(np.linalg.eigvals(Ad)))
        assert (radius < 1) == stable, (factor, radius)


def test_legendre_readout_matches_numpy_legendre():
    r = np.linspace(0, 1, 11)
    P = legendre_readout(9, r)
    for k in range(9):
        coef = np.zeros(k + 1)
        coef[k] = 1
        assert np.allclose(P[:, k], npleg.legval(2 * r - 1, coef), atol=1e-12)
    # the ends of the window: the current input and the input theta ago
    assert np.allclose(legendre_readout(9, 0.0), (-1.0) ** np.arange(9))
    assert np.allclose(legendre_readout(9, 1.0), 1.0)


def test_impulse_response_is_matrix_powers():
    Ad, Bd = discretize(*lmu_system(5, 0.05), 0.001)
    H = impulse_response(Ad, Bd, 30)
    for t in (0, 1, 7, 29):
        assert np.allclose(H[t], np.linalg.matrix_power(Ad, t) @ Bd[:, 0])
    # the memory is the convolution of the input with H
    u = np.random.RandomState(0).randn(30)
    m = np.zeros(5)
    for t in range(30):
        m = Ad @ m + Bd[:, 0] * u[t]
    assert np.allclose(m, sum(H[29 - s] * u[s] for s in range(30)))


@pytest.mark.parametrize("order", [1, 2, 7, 64])
def test_structured_matvec_equals_dense(order, rng):
    A, _ = lmu_system(order, 0.7)
    m = rng.randn(3, order)
    assert np.allclose(lmu_matvec(m, 0.7), m @ A.T, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "call, attr",
    [
        (lambda: lmu_system(0, 1.0), "order"),
        (lambda: lmu_system(2.5, 1.0), "order"),
        (lambda: lmu_system(True, 1.0), "order"),
        (lambda: lmu_system(4, 0.0), "theta"),
        (lambda: lmu_system(4, -1.0), "theta"),
        (lambda: discretize(*lmu_system(4, 1.0), 0.001, "bilinear"), "method"),
        (lambda: discretize(*lmu_system(4, 1.0), 0.0), "dt"),
        (lambda: legendre_readout(4, [0.5, 1.2]), "r"),
        (lambda: legendre_readout(4, -0.1), "r"),
        (lambda: impulse_response(np.eye(2), np.ones((2, 1)), 0), "n_steps"),
    ],
)
def test_bad_input_names_the_argument(call, attr):
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert excinfo.value.attr == attr


@pytest.mark.parametrize("order", [1, 2, 3, 8, 31])
def test_inverse_is_tridiagonal(order):
    A, B = lmu_system(order, 0.4)
    lower, diag, upper = lmu_inverse(order, 0.4)
    G = np.diag(diag) + np.diag(lower, -1) + np.diag(upper, 1)
    assert np.allclose(G, np.linalg.inv(A), atol=1e-12 * order)
    # a constant input holds the memory at u * e_0
    assert np.allclose(G @ B[:, 0], -np.eye(order)[0])


def test_pade_exp_approximates_exp():
    r_inf, poles, residues = pade_exp(*PADE_DEGREES)

    def R(z):
        return r_inf + np.sum(residues / (z - poles))

    # fifth-order accurate: the error at z shrinks like z^6
    for z in (0.1, -0.1, 0.05j):
        assert abs(R(z) - np.exp(z)) < abs(z) ** 6 / 100
    # A-stable (poles in the right half-plane) and L-stable (R -> 0)
    assert np.all(poles.real > 0)
    assert abs(R(-1e8)) < 1e-7
    for z in (-1.0, -30.0 + 500j, -1e-3 + 1e4j):
        assert abs(R(z)) <= 1


def test_pade_discretisation_approaches_zoh():
    A, B = lmu_system(12, 1.0)
    for dt in (1e-3, 2e-3):
        zoh = discretize(A, B, dt, "zoh")
        pade = discretize(A, B, dt, "pade")
        for exact, approx in zip(zoh, pade):
            assert np.max(np.abs(exact - approx)) < 1e-11 * (dt / 1e-3) ** 6


@pytest.mark.parametrize("discretizer", ("zoh", "euler"))
def test_memory_trajectory_equals_the_recurrence(discretizer):
    """The closed form (FFT for every step, matrix products for chosen steps)
    equals stepping the system, for a batch of multi-dimensional inputs."""
    rng = np.random.RandomState(0)
    u = rng.uniform(-1, 1, size=(2, 3, 300))  # (batch, dimension, steps)
    Ad, Bd = discretize(*lmu_system(12, 0.1), 0.001, discretizer)
    stepped = np.zeros((2, 3, 300, 12))
    m = np.zeros((2, 3, 12))
    for t in range(300):
        m = m @ Ad.T + u[..., t, None] * Bd[:, 0]
        stepped[..., t, :] = m
    assert np.allclose(memory_trajectory(u, Ad, Bd), stepped, atol=1e-12)
    chosen = memory_trajectory(u, Ad, Bd, steps=[0, 150, -1])
    assert np.allclose(chosen, stepped[..., [0, 150, 299], :], atol=1e-12)
    # a window at the end (stepped on from its first step), in any order and
    # with repeats, and steps close to an earlier one
    steps = [-1, 290, -3, 295, 296, 296, 1, 2, 20]
    window = memory_trajectory(u, Ad, Bd, steps=steps)
    assert np.allclose(window, stepped[..., np.array(steps) % 300, :], atol=1e-12)
    with pytest.raises(ValidationError, match="steps: must be an integer from -300"):
        memory_trajectory(u, Ad, Bd, steps=[300])
