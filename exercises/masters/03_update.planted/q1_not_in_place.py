"""q1: a new array assigned to params[key] instead of an update in place."""


def sgd_update(params, grads, lr):
    for key in params:
        params[key] = params[key] - lr * grads[key]
