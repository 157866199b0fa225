"""Q8.2: ClassifierTrainer's momentum update (cs231n/classifier_trainer.py), on the notebook's toy net."""

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file


def train_toy_model(student, update, momentum, num_epochs):
    """Train the notebook's toy model with the student's ClassifierTrainer and two_layer_net
    as the notebook does (full batch: one step an epoch) -> the model afterwards."""
    case = load_fixture("neural_net", "toy")
    # The model stays in student code, which updates it in place, as the notebook's does.
    model = student.keep("builtins.dict", {name: case[name] for name in ("W1", "b1", "W2", "b2")})
    two_layer_net = student.module("cs231n.classifiers.neural_net").get("two_layer_net")
    trainer = student.call("cs231n.classifier_trainer.ClassifierTrainer")
    trainer.call("train", case["X"], case["y"], case["X"], case["y"], model, two_layer_net, reg=0.001,
                 learning_rate=1e-1, momentum=momentum, learning_rate_decay=1, update=update,
                 sample_batches=False, num_epochs=num_epochs)
    return model.call("copy")


class TestClassifierTrainer(StudentTestCase):
    """ClassifierTrainer.train with the momentum update, against its own plain SGD update."""

    @weight(0.25)
    @number("8.2.6")
    def test_momentum_zero_is_sgd(self):
        """With momentum 0, ClassifierTrainer's momentum update takes the same steps as plain SGD"""
        expected = train_toy_model(self.student, "sgd", 0.0, 3)
        got = train_toy_model(self.student, "momentum", 0.0, 3)
        for name in expected:
            assert_close(got.get(name), expected[name], rtol=1e-9, atol=1e-12,
                         call=f"ClassifierTrainer().train(..., update='momentum', momentum=0, learning_rate=0.1) "
                              f"for 3 steps on the notebook's toy net: model['{name}'], compared with update='sgd'")
