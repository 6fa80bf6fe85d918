"""The book's chapter-4 code, transcribed faithfully: ``common/functions.py`` (the parts
``TwoLayerNet`` uses), ``ch04/two_layer_net.py`` and the loop of ``ch04/train_neuralnet.py``.

The source is the book's repository, https://github.com/oreilly-japan/deep-learning-from-scratch,
as its master branch stands at commit 07b11618cdb5d5f78ad45464de0730efc07b0a4a (November
2024). In ``two_layer_net.py``'s backward pass, ``dz1`` is the gradient with respect to ``z1``
and ``da1`` the gradient with respect to ``a1``: the names of that file since commit 64bd16e
(19 November 2016), which swapped the two. Copies made before it (early downloads, a
translation of its comments) still have them the other way round.

One copy, two uses: ``bench_train.py`` times the book's loop as its baseline, and
``tests/test_network.py`` checks ``scratchlib.TwoLayerNet.gradient`` against the book's
``gradient``. Only the names carry a ``book_`` / ``Book`` prefix, and the loop takes a seed.
"""

import numpy as np


def book_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def book_sigmoid_grad(x):
    return (1.0 - book_sigmoid(x)) * book_sigmoid(x)


def book_softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def book_cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class BookTwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        a1 = np.dot(x, W1) + b1
        z1 = book_sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return book_softmax(a2)

    def loss(self, x, t):
        y = self.predict(x)
        return book_cross_entropy_error(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def gradient(self, x, t):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        grads = {}
        batch_num = x.shape[0]
        a1 = np.dot(x, W1) + b1
        z1 = book_sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = book_softmax(a2)
        dy = (y - t) / batch_num
        grads["W2"] = np.dot(z1.T, dy)
        grads["b2"] = np.sum(dy, axis=0)
        dz1 = np.dot(dy, W2.T)
        da1 = book_sigmoid_grad(a1) * dz1
        grads["W1"] = np.dot(x.T, da1)
        grads["b1"] = np.sum(da1, axis=0)
        return grads


def book_loop(x_train, t_train_onehot, x_test, t_test_onehot, iters_num, seed):
    """ch04/train_neuralnet.py, with the seed set for comparability."""
    np.random.seed(seed)
    network = BookTwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    iter_per_epoch = max(train_size / batch_size, 1)
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train_onehot[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)
        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train_onehot))
            test_acc_list.append(network.accuracy(x_test, t_test_onehot))
    return train_acc_list[-1], test_acc_list[-1]
