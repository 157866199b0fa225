"""Q8.5-Q8.7 (hidden): the models with other sizes and single images, and train.py end to end
with your own optimizer from the command line.

The expected values come from the public tests' helpers (tests/test_models.py and
tests/test_train.py of the students' zip), loaded from this assignment's public tests so
both compute them one way.
"""

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, public_test_module, visibility, weight
from autograder.manifest import load

PUBLIC_TESTS = load("a3_cs7643_hw1/2_pytorch").public_tests
model_tests = public_test_module(PUBLIC_TESTS / "test_models.py")
train_tests = public_test_module(PUBLIC_TESTS / "test_train.py")


class TestModelsHidden(StudentTestCase):

    def check_scores(self, cls, args, expected_scores, x, what):
        net, params = model_tests.build(self.student, cls, *args)
        assert_close(net.call("forward", x), expected_scores(params, *args, x, what), call=what, rtol=1e-4, atol=1e-5)

    @weight(0.25)
    @visibility("hidden")
    @number("8.5.6")
    def test_softmax_other_sizes(self):
        """Softmax((1, 5, 7), 3) uses im_size and n_classes: one-channel 5x7 images, 3 classes"""
        self.check_scores("models.softmax.Softmax", ((1, 5, 7), 3), model_tests.softmax_scores,
                          model_tests.images(4, (1, 5, 7), seed=11),
                          "Softmax((1, 5, 7), 3).forward(images), images of shape (4, 1, 5, 7)")

    @weight(0.25)
    @visibility("hidden")
    @number("8.6.5")
    def test_two_layer_nn_other_sizes(self):
        """TwoLayerNN((2, 6, 4), 7, 3) uses its arguments: 2-channel 6x4 images, 7 hidden units, 3 classes"""
        self.check_scores("models.twolayernn.TwoLayerNN", ((2, 6, 4), 7, 3), model_tests.two_layer_scores,
                          model_tests.images(5, (2, 6, 4), seed=12),
                          "TwoLayerNN((2, 6, 4), 7, 3).forward(images), images of shape (5, 2, 6, 4)")

    @weight(0.25)
    @visibility("hidden")
    @number("8.6.6")
    def test_two_layer_nn_one_image(self):
        """TwoLayerNN((3, 32, 32), 50, 10) scores a batch of one image as (1, 10)"""
        self.check_scores("models.twolayernn.TwoLayerNN", ((3, 32, 32), 50, 10), model_tests.two_layer_scores,
                          3 * model_tests.images(1, seed=13),
                          "TwoLayerNN((3, 32, 32), 50, 10).forward(images), images of shape (1, 3, 32, 32)")

    @weight(0.25)
    @visibility("hidden")
    @number("8.7.5")
    def test_cnn_non_square_images(self):
        """CNN((3, 12, 16), 6, 3, 5) uses its arguments: 12x16 images, 6 filters of 3x3, 5 classes"""
        self.check_scores("models.convnet.CNN", ((3, 12, 16), 6, 3, 5), model_tests.cnn_scores,
                          model_tests.images(3, (3, 12, 16), seed=14),
                          "CNN((3, 12, 16), 6, 3, 5).forward(images), images of shape (3, 3, 12, 16)")

    @weight(0.25)
    @visibility("hidden")
    @number("8.7.6")
    def test_cnn_7x7_filters_one_image(self):
        """CNN((3, 32, 32), 8, 7, 10) with part 1's 7x7 filters scores a batch of one image"""
        self.check_scores("models.convnet.CNN", ((3, 32, 32), 8, 7, 10), model_tests.cnn_scores,
                          model_tests.images(1, seed=15),
                          "CNN((3, 32, 32), 8, 7, 10).forward(images), images of shape (1, 3, 32, 32)")


class TestTrainHidden(StudentTestCase):

    @weight(0.25)
    @visibility("hidden")
    @number("8.5.7")
    def test_train_with_your_optimizer(self):
        """train.py end to end: two epochs of train(epoch) with build_optimizer's optimizer for `--lr 0.05 --momentum 0.8 --weight-decay 0.01`, 43 examples in batches of 8, match SGD with momentum and weight decay"""
        task = train_tests.TinyTask(self.student, n=43, batch_size=8, seed=4)
        args = task.train.get("parser").call("parse_args", train_tests.ARGV)
        task.train.set("optimizer", self.student.call("train.build_optimizer", task.model, args))
        for epoch in (1, 2):
            self.student.call("train.train", epoch)
        task.check(f"optimizer = build_optimizer(model, parser.parse_args({train_tests.ARGV})); train(1); train(2)",
                   lr=0.05, momentum=0.8, weight_decay=0.01, epochs=2)
