"""q3: the loss appended before the first step is taken twice (an off-by-one in the record)."""


def train_linear(x, t, lr, iters):
    params = {"w": np.zeros(1), "b": np.zeros(1)}
    losses = [mse_and_grads(params, x, t)[0]]
    for _ in range(iters):
        loss, grads = mse_and_grads(params, x, t)
        sgd_update_lib(params, grads, lr)
        losses.append(loss)
    return params, losses[:iters]
