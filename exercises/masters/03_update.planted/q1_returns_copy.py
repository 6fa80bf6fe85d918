"""q1: a new dict returned, the caller's params left unchanged."""


def sgd_update(params, grads, lr):
    return {key: params[key] - lr * grads[key] for key in params}
