OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'sgd_update' in globals(), 'q1: not answered yet — run the cell that defines sgd_update'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return sgd_update(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q1: sgd_update({what}) raised {type(e).__name__}: {e}') from None\n"
                                               '...     W = np.array([1.0, 2.0])\n'
                                               "...     params = {'W': W, 'b': np.array([0.5])}\n"
                                               "...     grads = {'W': np.array([10.0, -10.0]), 'b': np.array([1.0])}\n"
                                               "...     _call('params, grads, lr=0.1', params, grads, lr=0.1)\n"
                                               "...     assert not (params['W'].tolist() == [1.0, 2.0] and params['b'].tolist() == [0.5]), 'q1: not answered yet — the arrays of params did not "
                                               "change: fill in the ... in sgd_update (it changes them in place and returns nothing)'\n"
                                               '...     assert params[\'W\'] is W, "q1: update in place (params[key] -= ...): params[\'W\'] is no longer the same array"\n'
                                               '...     assert np.allclose(params[\'W\'], [0.0, 3.0]) and np.allclose(params[\'b\'], [0.4]), f"q1: W = [1, 2] with gradient [10, -10] and lr = 0.1 '
                                               'becomes [0, 3] (and b 0.5 -> 0.4); got W = {params[\'W\']}, b = {params[\'b\']}"\n'
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
