"""q1: += (gradient ascent) instead of -=."""


def sgd_update(params, grads, lr):
    for key in params:
        params[key] += lr * grads[key]
