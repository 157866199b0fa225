"""Hidden tests of part 1.3: momentum kept across updates, L2 regularization of weights only."""

import os
import sys

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import CONVNET, CRITERION, SGD  # noqa: E402

# Modules 0 and 3 have weights; ReLU and MaxPooling have none and must be skipped.
ARCHITECTURE = [
    dict(type='Conv2D', in_channels=2, out_channels=3, kernel_size=3, stride=1, padding=1),
    dict(type='ReLU'),
    dict(type='MaxPooling', kernel_size=2, stride=2),
    dict(type='Linear', in_dim=12, out_dim=4),
]
WEIGHTED = (0, 3)


class TestSGDHidden(StudentTestCase):
    """SGD.update and apply_regularization against the update rule, with gradients set by the test."""

    def setup_model(self, rng):
        """A student ConvNet with random weights and biases -> (model, modules, {index: [w, b]})."""
        model = self.student.call(CONVNET, ARCHITECTURE, CRITERION)
        modules = model.get("modules")
        params = {}
        for index in WEIGHTED:
            w = rng.standard_normal(np.shape(modules[index].get("weight")))
            b = rng.standard_normal(np.shape(modules[index].get("bias")))
            modules[index].set("weight", w)
            modules[index].set("bias", b)
            params[index] = [w, b]
        return model, modules, params

    def set_gradients(self, rng, modules, params):
        """Random dw, db on every weighted module -> {index: (dw, db)}."""
        grads = {}
        for index in WEIGHTED:
            dw = rng.standard_normal(params[index][0].shape)
            db = rng.standard_normal(params[index][1].shape)
            modules[index].set("dw", dw)
            modules[index].set("db", db)
            grads[index] = (dw, db)
        return grads

    def run_updates(self, rng, learning_rates, reg, momentum, what):
        """One update per learning rate, each after setting fresh gradients, checked against
        v = momentum * v - lr * (dw + reg * w); w += v (no reg term for biases)."""
        steps = len(learning_rates)
        model, modules, params = self.setup_model(rng)
        optimizer = self.student.call(SGD, model, learning_rate=learning_rates[0], reg=reg, momentum=momentum)
        velocity = {index: [0.0, 0.0] for index in WEIGHTED}
        for step, lr in enumerate(learning_rates, 1):
            # The trainer decays optimizer.learning_rate between epochs: read it at every update.
            optimizer.set("learning_rate", lr)
            grads = self.set_gradients(rng, modules, params)
            optimizer.call("update", model)
            for index in WEIGHTED:
                w, b = params[index]
                dw, db = grads[index]
                velocity[index][0] = momentum * velocity[index][0] - lr * (dw + reg * w)
                velocity[index][1] = momentum * velocity[index][1] - lr * db
                params[index] = [w + velocity[index][0], b + velocity[index][1]]
                call = (f"SGD(model, learning_rate={learning_rates[0]}, reg={reg}, momentum={momentum}).update(model), "
                        f"update {step} of {steps} ({what})")
                kind = ARCHITECTURE[index]['type']
                assert_close(modules[index].get("weight"), params[index][0], call=f"{call}: modules[{index}].weight ({kind})")
                assert_close(modules[index].get("bias"), params[index][1], call=f"{call}: modules[{index}].bias ({kind})")

    @weight(2)
    @number("1.3.2")
    @visibility("after_published")
    def test_momentum_across_updates(self):
        """SGD keeps each module's velocity from one update to the next (momentum), and reads the learning rate at each update"""
        self.run_updates(np.random.default_rng(41), [0.1, 0.1, 0.05], reg=0.0, momentum=0.8,
                         what="no regularization; the learning rate halves before update 3")

    @weight(1)
    @number("1.3.3")
    @visibility("after_published")
    def test_regularization_weights_only(self):
        """SGD regularizes the weights and never the biases"""
        self.run_updates(np.random.default_rng(42), [0.1], reg=0.5, momentum=0.0, what="no momentum")

    @weight(2)
    @number("1.3.4")
    @visibility("after_published")
    def test_momentum_and_regularization(self):
        """SGD with momentum and regularization over several updates"""
        self.run_updates(np.random.default_rng(43), [0.05, 0.05, 0.05, 0.05], reg=0.2, momentum=0.9,
                         what="momentum and regularization")

    @weight(1)
    @number("1.3.5")
    @visibility("after_published")
    def test_apply_regularization(self):
        """_BaseOptimizer.apply_regularization adds reg * weight to dw of Conv2D and Linear, and leaves db alone"""
        rng = np.random.default_rng(44)
        model, modules, params = self.setup_model(rng)
        optimizer = self.student.call(SGD, model, learning_rate=0.1, reg=0.3, momentum=0.9)
        grads = self.set_gradients(rng, modules, params)
        optimizer.call("apply_regularization", model)
        call = "SGD(model, reg=0.3).apply_regularization(model)"
        for index in WEIGHTED:
            kind = ARCHITECTURE[index]['type']
            assert_close(modules[index].get("dw"), grads[index][0] + 0.3 * params[index][0],
                         call=f"{call}: modules[{index}].dw ({kind})")
            assert_close(modules[index].get("db"), grads[index][1], call=f"{call}: modules[{index}].db ({kind})")
