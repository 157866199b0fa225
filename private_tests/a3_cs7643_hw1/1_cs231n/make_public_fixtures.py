"""Regenerate public_tests/a3_cs7643_hw1/1_cs231n/fixtures/*.npz (instructors only; not a test).

    .venv/bin/python private_tests/a3_cs7643_hw1/1_cs231n/make_public_fixtures.py

The public tests compare a student's functions with the values stored here, so that the
student zip never holds an implementation of the students' own work. Expected values come
from the slow, plainly correct versions below, written from the handout's definitions
(loops where the definition is a loop), independently of the reference solution;
expected gradients are numerical gradients of those (central differences, sampled
coordinates for the larger arrays). Where the notebooks print the course's own expected
values (the toy net's scores and loss, the layer outputs), the cases are the notebooks'
own inputs. Rerun after changing a case.
"""

import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
OUT = REPO / "public_tests" / "a3_cs7643_hw1" / "1_cs231n" / "fixtures"


# -- the definitions, written plainly


def softmax_cross_entropy(scores, y):
    """Mean over rows of -log softmax(scores[i])[y[i]]; scores (N, C)."""
    loss = 0.0
    for row, label in zip(scores, y, strict=True):
        shifted = row - row.max()
        loss -= shifted[label] - np.log(np.sum(np.exp(shifted)))
    return loss / len(y)


def softmax_loss(W, X, y, reg, reg_factor):
    """The Q8.1 loss: X is (D, N), one example per column; reg_factor * reg * sum(W^2)."""
    return softmax_cross_entropy(W.dot(X).T, y) + reg_factor * reg * np.sum(W ** 2)


def two_layer_scores(X, model):
    hidden = np.maximum(0, X.dot(model['W1']) + model['b1'])
    return hidden.dot(model['W2']) + model['b2']


def two_layer_loss(X, model, y, reg):
    """Softmax cross-entropy of the scores plus 0.5 * reg * (sum W1^2 + sum W2^2)."""
    return softmax_cross_entropy(two_layer_scores(X, model), y) + \
        0.5 * reg * (np.sum(model['W1'] ** 2) + np.sum(model['W2'] ** 2))


def affine(x, w, b):
    return x.reshape(len(x), -1).dot(w) + b


def relu(x):
    return np.where(x > 0, x, 0.0)


def conv(x, w, b, stride, pad):
    """Cross-correlation of x (N, C, H, W) with every filter of w (F, C, HH, WW), plus b (F,)."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    padded = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    padded[:, :, pad:pad + H, pad:pad + W] = x
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for r in range(H_out):
                for c in range(W_out):
                    field = padded[n, :, r * stride:r * stride + HH, c * stride:c * stride + WW]
                    out[n, f, r, c] = np.sum(field * w[f]) + b[f]
    return out


def max_pool(x, pool_height, pool_width, stride):
    N, C, H, W = x.shape
    H_out = (H - pool_height) // stride + 1
    W_out = (W - pool_width) // stride + 1
    out = np.zeros((N, C, H_out, W_out))
    for r in range(H_out):
        for c in range(W_out):
            window = x[:, :, r * stride:r * stride + pool_height, c * stride:c * stride + pool_width]
            out[:, :, r, c] = window.max(axis=(2, 3))
    return out


def convnet_scores(X, model):
    """two_layer_convnet: conv (stride 1, 'same' padding) - ReLU - 2x2 max pool - affine."""
    pad = (model['W1'].shape[2] - 1) // 2
    hidden = max_pool(relu(conv(X, model['W1'], model['b1'], 1, pad)), 2, 2, 2)
    return affine(hidden, model['W2'], model['b2'])


def convnet_loss(X, model, y, reg):
    return softmax_cross_entropy(convnet_scores(X, model), y) + \
        0.5 * reg * (np.sum(model['W1'] ** 2) + np.sum(model['W2'] ** 2))


# -- numerical gradients


def numerical(f, at, dout=None, samples=None):
    """(gradient, flat coordinates computed) of sum(f(at) * dout) by central differences."""
    from autograder.harness.checks.gradcheck import numerical_gradient

    return numerical_gradient(f, at, dout, h=1e-5, samples=samples)


def add_gradient(case, name, f, at, dout=None, samples=None):
    """case[name] (NaN where not computed) and case[name + '_index']."""
    case[name], case[name + "_index"] = numerical(f, at, dout, samples)


def model_gradients(case, loss, model, samples=None):
    """d<param> for every parameter of a dict-of-arrays model, by changing one at a time."""
    for name in model:
        def f(value, name=name):
            return loss(dict(model, **{name: value}))
        add_gradient(case, "d" + name, f, model[name], samples=samples)


def away_from_zero(rng, shape):
    """Inputs of both signs, none so close to 0 that a numerical gradient of a ReLU crosses it."""
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


# -- the cases


def softmax_cases():
    rng = np.random.default_rng(81)
    C, D, N = 10, 40, 30
    W = 0.01 * rng.standard_normal((C, D))
    X = rng.standard_normal((D, N))
    y = rng.integers(C, size=N)
    reg0 = dict(W=W, X=X, y=y, loss=softmax_loss(W, X, y, 0.0, 1.0))
    add_gradient(reg0, "dW", lambda v: softmax_loss(v, X, y, 0.0, 1.0), W)
    reg = 0.3
    regularized = dict(W=W, X=X, y=y, reg=reg,
                       loss_full=softmax_loss(W, X, y, reg, 1.0), loss_half=softmax_loss(W, X, y, reg, 0.5))
    add_gradient(regularized, "dW_full", lambda v: softmax_loss(v, X, y, reg, 1.0), W)
    add_gradient(regularized, "dW_half", lambda v: softmax_loss(v, X, y, reg, 0.5), W)
    rng = np.random.default_rng(82)
    W = rng.standard_normal((4, 6))
    X = rng.standard_normal((6, 9))
    predict = dict(W=W, X=X, y_pred=np.array([np.argmax(W.dot(X[:, i])) for i in range(9)]))
    rng = np.random.default_rng(83)
    train = dict(W=0.01 * rng.standard_normal((5, 8)), x=rng.standard_normal((8, 1)), label=3,
                 learning_rate=0.5, reg=0.1, batch_size=7)
    return {"reg0": reg0, "reg": regularized, "predict": predict, "train": train}


def toy_model():
    """The notebook's init_toy_model() and init_toy_data()."""
    input_size, hidden_size, num_classes, num_inputs = 4, 10, 3, 5
    model = {
        'W1': np.linspace(-0.2, 0.6, num=input_size * hidden_size).reshape(input_size, hidden_size),
        'b1': np.linspace(-0.3, 0.7, num=hidden_size),
        'W2': np.linspace(-0.4, 0.1, num=hidden_size * num_classes).reshape(hidden_size, num_classes),
        'b2': np.linspace(-0.5, 0.9, num=num_classes),
    }
    X = np.linspace(-0.2, 0.5, num=num_inputs * input_size).reshape(num_inputs, input_size)
    return model, X, np.array([0, 1, 2, 2, 1])


def neural_net_cases():
    """The toy model without regularization, and its weights alone (zero biases) with reg = 0.1:
    a mistake in the data loss, in the weights' regularization or on the biases (the hidden
    tests) each shows in one case only."""
    model, X, y = toy_model()
    toy = dict(model, X=X, y=y, scores=two_layer_scores(X, model), loss=two_layer_loss(X, model, y, 0.0))
    model_gradients(toy, lambda m: two_layer_loss(X, m, y, 0.0), model)
    weights_only = dict(model, b1=np.zeros_like(model['b1']), b2=np.zeros_like(model['b2']))
    reg = 0.1
    regularized = dict(weights_only, X=X, y=y, reg=reg, loss=two_layer_loss(X, weights_only, y, reg))
    model_gradients(regularized, lambda m: two_layer_loss(X, m, y, reg), weights_only)
    return {"toy": toy, "toy_reg": regularized}


def layers_cases():
    cases = {}
    # affine_forward: the notebook's linspace case.
    input_shape, output_dim = (4, 5, 6), 3
    D = int(np.prod(input_shape))
    x = np.linspace(-0.1, 0.5, num=2 * D).reshape(2, *input_shape)
    w = np.linspace(-0.2, 0.3, num=output_dim * D).reshape(D, output_dim)
    b = np.linspace(-0.3, 0.1, num=output_dim)
    cases["affine_forward"] = dict(x=x, w=w, b=b, out=affine(x, w, b))
    rng = np.random.default_rng(831)
    x, w, b, dout = (rng.standard_normal(s) for s in ((10, 2, 3), (6, 5), (5,), (10, 5)))
    case = dict(x=x, w=w, b=b, dout=dout)
    add_gradient(case, "dx", lambda v: affine(v, w, b), x, dout)
    add_gradient(case, "dw", lambda v: affine(x, v, b), w, dout)
    add_gradient(case, "db", lambda v: affine(x, w, v), b, dout)
    cases["affine_backward"] = case
    # relu_forward: the notebook's case.
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    cases["relu_forward"] = dict(x=x, out=relu(x))
    rng = np.random.default_rng(832)
    x = away_from_zero(rng, (10, 10))
    dout = rng.standard_normal(x.shape)
    case = dict(x=x, dout=dout)
    add_gradient(case, "dx", relu, x, dout)
    cases["relu_backward"] = case
    # conv_forward_naive: the notebook's case (stride 2, pad 1).
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    cases["conv_forward"] = dict(x=x, w=w, b=b, stride=2, pad=1, out=conv(x, w, b, 2, 1))
    # conv_backward_naive: the notebook's shapes (stride 1, pad 1).
    rng = np.random.default_rng(833)
    x, w, b, dout = (rng.standard_normal(s) for s in ((4, 3, 5, 5), (2, 3, 3, 3), (2,), (4, 2, 5, 5)))
    case = dict(x=x, w=w, b=b, stride=1, pad=1, dout=dout)
    add_gradient(case, "dx", lambda v: conv(v, w, b, 1, 1), x, dout, samples=40)
    add_gradient(case, "dw", lambda v: conv(x, v, b, 1, 1), w, dout, samples=30)
    add_gradient(case, "db", lambda v: conv(x, w, v, 1, 1), b, dout)
    cases["conv_backward"] = case
    # max_pool_forward_naive: the notebook's case; backward on its shapes.
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    cases["max_pool_forward"] = dict(x=x, pool_height=2, pool_width=2, stride=2, out=max_pool(x, 2, 2, 2))
    rng = np.random.default_rng(834)
    x, dout = rng.standard_normal((3, 2, 8, 8)), rng.standard_normal((3, 2, 4, 4))
    case = dict(x=x, pool_height=2, pool_width=2, stride=2, dout=dout)
    add_gradient(case, "dx", lambda v: max_pool(v, 2, 2, 2), x, dout)
    cases["max_pool_backward"] = case
    return cases


def convnet_cases():
    rng = np.random.default_rng(84)
    num_filters, filter_size, input_shape, num_classes = 4, 3, (3, 8, 8), 10
    model = {
        'W1': 0.3 * rng.standard_normal((num_filters, input_shape[0], filter_size, filter_size)),
        'b1': 0.3 * rng.standard_normal(num_filters),
        'W2': 0.1 * rng.standard_normal((num_filters * 8 * 8 // 4, num_classes)),
        'b2': 0.1 * rng.standard_normal(num_classes),
    }
    X = rng.standard_normal((2, *input_shape))
    y = np.array([3, 7])
    reg = 0.05
    case = dict(model, X=X, y=y, reg=reg, scores=convnet_scores(X, model), loss=convnet_loss(X, model, y, reg))
    model_gradients(case, lambda m: convnet_loss(X, m, y, reg), model, samples=30)
    return {"small": case}


def main():
    sys.path.insert(0, str(REPO))  # run as a script: the repository root is not on the path
    OUT.mkdir(exist_ok=True)
    for name, make in (("softmax", softmax_cases), ("neural_net", neural_net_cases),
                       ("layers", layers_cases), ("convnet", convnet_cases)):
        arrays = {f"{case}__{key}": np.asarray(value) for case, values in make().items()
                  for key, value in values.items()}
        np.savez_compressed(OUT / f"{name}.npz", **arrays)


if __name__ == "__main__":
    main()
