"""The study notebook's TwoLayerNet, pasted as it is, against scratchlib.TwoLayerNet.

The course grew from a study notebook of the book's chapter 4, whose network is the book's
``ch04/two_layer_net.py`` class (predict, loss, accuracy, numerical_gradient). That class is
pasted below as the book prints it, except for its imports, which point at scratchlib instead
of the book's ``common`` package. (The study notebook itself is not in this repository.) With the same parameters both networks
must give the same predictions, losses and numerical gradients.
"""

import numpy as np
import pytest

from scratchlib import TwoLayerNet

# --- the book's class, as in the study notebook; only the two import lines were changed ------------------
# fmt: off
from scratchlib.functions import *  # noqa: F403  (was: from common.functions import *)
from scratchlib.gradient import numerical_gradient  # was: from common.gradient import ...


class SeedTwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

    def predict(self, x):
        W1, W2 = self.params['W1'], self.params['W2']
        b1, b2 = self.params['b1'], self.params['b2']

        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)  # noqa: F405
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)  # noqa: F405

        return y

    def loss(self, x, t):
        y = self.predict(x)

        return cross_entropy_error(y, t)  # noqa: F405

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        t = np.argmax(t, axis=1)

        accuracy = np.sum(y == t) / float(x.shape[0])
        return accuracy

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731

        grads = {}
        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])
        grads['b1'] = numerical_gradient(loss_W, self.params['b1'])
        grads['W2'] = numerical_gradient(loss_W, self.params['W2'])
        grads['b2'] = numerical_gradient(loss_W, self.params['b2'])

        return grads
# fmt: on
# --- end of the pasted class -------------------------------------------------------------------


@pytest.fixture
def twins():
    np.random.seed(0)
    seed_net = SeedTwoLayerNet(input_size=12, hidden_size=6, output_size=10)
    ours = TwoLayerNet(12, 6, 10)
    ours.params = {key: value.copy() for key, value in seed_net.params.items()}
    rng = np.random.default_rng(1)
    x = rng.random((7, 12))
    t = np.eye(10)[rng.integers(0, 10, 7)]
    return seed_net, ours, x, t


def test_same_predict(twins):
    seed_net, ours, x, _ = twins
    np.testing.assert_allclose(ours.predict(x), seed_net.predict(x), rtol=1e-13)


def test_same_loss(twins):
    seed_net, ours, x, t = twins
    assert ours.loss(x, t) == pytest.approx(seed_net.loss(x, t), rel=1e-13)
    assert ours.loss(x, t.argmax(axis=1)) == pytest.approx(seed_net.loss(x, t), rel=1e-13)


def test_same_accuracy(twins):
    seed_net, ours, x, t = twins
    assert ours.accuracy(x, t) == seed_net.accuracy(x, t)


def test_same_numerical_gradient(twins):
    seed_net, ours, x, t = twins
    expected = seed_net.numerical_gradient(x, t)
    got = ours.numerical_gradient(x, t)
    assert got.keys() == expected.keys()
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-9, atol=1e-12)
    # and neither left its parameters perturbed
    np.testing.assert_array_equal(ours.params["W1"], seed_net.params["W1"])
