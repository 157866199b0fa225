"""Hidden tests of Q8.2: ClassifierTrainer's momentum and RMSProp updates, step by step,
from the gradients of the student's own two_layer_net (so that only the update is tested)."""

import os
import sys

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, as_plain_array, assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import TWO_LAYER_NET, parameters, train  # noqa: E402

LEARNING_RATE, MOMENTUM, REG, DECAY = 0.05, 0.9, 0.01, 0.99
# RMSProp's smoothing term inside the square root (the notebook's formula) or outside it
# (the course notes'): either is the handout's "smoothing 1e-8".
SMOOTHINGS = (lambda cache: np.sqrt(cache + 1e-8), lambda cache: np.sqrt(cache) + 1e-8)


class TestClassifierTrainerHidden(StudentTestCase):
    """ClassifierTrainer.train(update='momentum' | 'rmsprop'), full batch (one step an epoch)."""

    def setUp(self):
        super().setUp()
        # Every hidden unit active (b1 near 3) and, over the steps below, every gradient entry
        # at least 3e-3 in size: where the gradient is that large the smoothing term changes
        # a step by less than 1e-4 of it, so test_rmsprop_steps does not depend on it.
        rng = np.random.default_rng(2)
        self.X, self.y = rng.standard_normal((8, 5)), rng.integers(3, size=8)
        self.model = {'W1': 0.5 * rng.standard_normal((5, 6)), 'b1': 3.0 + 0.5 * rng.standard_normal(6),
                      'W2': 0.5 * rng.standard_normal((6, 3)), 'b2': 0.5 * rng.standard_normal(3)}

    def gradients(self, model):
        """The student's own two_layer_net gradients at `model`."""
        _, grads = self.student.call(TWO_LAYER_NET, self.X, model, self.y, REG)
        return parameters(grads, "two_layer_net's grads")

    def trained(self, update, steps, reg=REG, **options):
        model, _ = train(self.student, self.model, self.X, self.y, reg=reg, learning_rate=LEARNING_RATE,
                         learning_rate_decay=1, update=update, sample_batches=False, num_epochs=steps, **options)
        return parameters(model, "the model after ClassifierTrainer.train")

    @weight(0.25)
    @number("8.2.9")
    @visibility("after_published")
    def test_momentum_steps(self):
        """ClassifierTrainer's momentum update: step_cache = momentum * step_cache - learning_rate * grad, then the model moves by it"""
        expected, velocity = dict(self.model), {name: 0.0 for name in self.model}
        for _ in range(3):
            grads = self.gradients(expected)
            for name in expected:
                velocity[name] = MOMENTUM * velocity[name] - LEARNING_RATE * grads[name]
                expected[name] = expected[name] + velocity[name]
        got = self.trained("momentum", 3, momentum=MOMENTUM)
        for name in expected:
            assert_close(got[name], expected[name], call=f"ClassifierTrainer().train(..., update='momentum', "
                         f"momentum={MOMENTUM}, learning_rate={LEARNING_RATE}) for 3 steps: model['{name}']")

    @weight(0.25)
    @number("8.2.10")
    @visibility("after_published")
    def test_rmsprop_steps(self):
        """ClassifierTrainer's RMSProp update: a running average of the squared gradient (decay 0.99) scales each step"""
        got = self.trained("rmsprop", 3)

        def steps_match(expected, name):  # the displacement from the start, to 1e-4 of it
            return np.allclose(got[name] - self.model[name], expected[name] - self.model[name], rtol=1e-4, atol=1e-12)
        for smoothing in SMOOTHINGS:
            expected, cache = dict(self.model), {name: 0.0 for name in self.model}
            for _ in range(3):
                grads = self.gradients(expected)
                for name in expected:
                    cache[name] = DECAY * cache[name] + (1 - DECAY) * grads[name] ** 2
                    expected[name] = expected[name] - LEARNING_RATE * grads[name] / smoothing(cache[name])
            if all(steps_match(expected, name) for name in expected):
                return
        name = next(n for n in expected if not steps_match(expected, n))
        raise ComparisonFailed(f"ClassifierTrainer().train(..., update='rmsprop', learning_rate={LEARNING_RATE}) for "
                               f"3 steps: model['{name}'] matches neither dx = -learning_rate * grad / "
                               f"(np.sqrt(cache) + 1e-8) nor the same with np.sqrt(cache + 1e-8), where "
                               f"cache = 0.99 * cache + 0.01 * grad ** 2")

    @weight(0.25)
    @number("8.2.11")
    @visibility("after_published")
    def test_rmsprop_zero_gradient(self):
        """ClassifierTrainer's RMSProp update leaves a parameter whose gradient is 0 unchanged (no 0 / 0)"""
        # The first input is always 0 and reg is 0, so the gradient of W1's first row is 0.
        self.X[:, 0] = 0.0
        got = self.trained("rmsprop", 1, reg=0.0)
        call = f"ClassifierTrainer().train(..., reg=0, update='rmsprop', learning_rate={LEARNING_RATE}) for 1 step"
        for name, value in got.items():
            if not np.all(np.isfinite(value)):
                raise ComparisonFailed(f"{call}: model['{name}'] has NaN or infinite entries "
                                       f"({int(np.sum(~np.isfinite(value)))} of {value.size}); where the gradient "
                                       f"and the cache are 0, the smoothing term 1e-8 keeps the step at 0, not 0 / 0")
        assert_close(got["W1"][0], as_plain_array(self.model["W1"][0], "W1"),
                     call=f"{call} with the first input always 0 (its gradient is 0): model['W1'][0]")
