"""q1: params[key] -= lr + grads[key] (the study notebook's bug)."""


def sgd_update(params, grads, lr):
    for key in params:
        params[key] -= lr + grads[key]
