"""What the hidden tests share: calls made alike into the student's code and the
reference's, and checks of a student's gradients against numerical gradients of the
reference's forward pass (never only the student's own: a forward and a backward that are
wrong together still agree with each other)."""

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, as_plain_array
from autograder.harness.checks.gradcheck import assert_gradient_close, numerical_gradient

LAYERS = "cs231n.layers"
SOFTMAX_LOSS = "cs231n.classifiers.softmax.softmax_loss_vectorized"
SOFTMAX = "cs231n.classifiers.linear_classifier.Softmax"
TWO_LAYER_NET = "cs231n.classifiers.neural_net.two_layer_net"
CONVNET = "cs231n.classifiers.convnet.two_layer_convnet"
TRAINER = "cs231n.classifier_trainer.ClassifierTrainer"
PARAMETERS = ("W1", "b1", "W2", "b2")


def forward_backward(who, forward, backward, args, dout):
    """who's layer forward(*args), then backward(dout, cache) -> (out, what backward returned).
    The cache stays in the code that made it, whatever it holds."""
    result = who.keep(f"{LAYERS}.{forward}", *args)
    out = result.call("__getitem__", 0)
    return out, who.call(f"{LAYERS}.{backward}", dout, result.keep("__getitem__", 1))


def reference_gradient(f, at, dout=None, samples=None):
    """(numerical gradient, flat coordinates computed) of sum(f(at) * dout)."""
    return numerical_gradient(f, at, dout, h=1e-5, samples=samples)


def check_layer_gradients(test, forward, backward, args, dout, names, checked, call, samples=40):
    """The student's backward after the student's forward(*args), in the order of `names`
    (the inputs of forward), against numerical gradients of the reference's forward, for
    the names in `checked`."""
    _, returned = forward_backward(test.student, forward, backward, args, dout)
    if len(names) == 1:
        returned = [returned]
    elif not (type(returned) in (tuple, list) and len(returned) == len(names)):
        raise ComparisonFailed(f"{call}: should return the tuple ({', '.join(names)}), got {type(returned).__name__}")
    for index, name in enumerate(names):
        if name not in checked:
            continue

        def f(value, index=index):
            changed = list(args)
            changed[index] = value
            return test.reference.call(f"{LAYERS}.{forward}", *changed)[0]
        numeric, at = reference_gradient(f, args[index], dout, samples=samples)
        assert_gradient_close(returned[index], numeric, at, name=name, call=call)


def check_model_gradients(grads, test, loss_function, X, model, y, reg, names, call, samples=None):
    """grads[name] (from the student's loss_function) against the numerical gradient of the
    reference's loss_function(X, model, y, reg)[0], for each parameter name."""
    if type(grads) is not dict or not all(name in grads for name in names):
        raise ComparisonFailed(f"{call}: grads should be a dict with the keys {', '.join(PARAMETERS)}, got "
                               f"{sorted(grads) if type(grads) is dict else type(grads).__name__}")
    for name in names:
        def loss(value, name=name):
            return test.reference.call(loss_function, X, dict(model, **{name: value}), y, reg)[0]
        numeric, at = reference_gradient(loss, model[name], samples=samples)
        assert_gradient_close(grads[name], numeric, at, name=f"grads['{name}']", call=call)


def random_model(rng, D, H, C, weight_scale=0.5, bias_scale=0.5):
    """A two-layer net's model dict with random weights and biases."""
    return {'W1': weight_scale * rng.standard_normal((D, H)), 'b1': bias_scale * rng.standard_normal(H),
            'W2': weight_scale * rng.standard_normal((H, C)), 'b2': bias_scale * rng.standard_normal(C)}


def train(who, model, X, y, loss_function=TWO_LAYER_NET, **options):
    """who's ClassifierTrainer().train(X, y, X, y, model, loss_function, **options) on a model
    kept in who's code (the trainer updates it in place) -> (the model afterwards, what train returned)."""
    kept = who.keep("builtins.dict", model)
    module, _, name = loss_function.rpartition(".")
    function = who.module(module).get(name)
    returned = who.call(TRAINER).call("train", X, y, X, y, kept, function, **options)
    return kept.call("copy"), returned


def parameters(model, what):
    """{name: plain array} of a model dict that came back from student code."""
    if type(model) is not dict or not all(name in model for name in PARAMETERS):
        raise ComparisonFailed(f"{what}: expected a dict with the keys {', '.join(PARAMETERS)}")
    return {name: as_plain_array(model[name], f"{what}['{name}']").astype(np.float64) for name in PARAMETERS}
