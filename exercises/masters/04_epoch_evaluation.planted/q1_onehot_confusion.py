"""q1: one-hot labels compared with predicted class indices as they are."""


def accuracy(y, t):
    y = np.asarray(y)
    t = np.asarray(t)
    return float(np.mean(y.argmax(axis=1) == t))
