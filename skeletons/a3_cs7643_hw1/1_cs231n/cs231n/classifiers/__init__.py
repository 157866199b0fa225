"""The classifiers of this homework.

`from cs231n.classifiers import Softmax` works as in the course; linear_classifier (and
with it softmax.py) is imported only when one of its classes is first asked for, so a
mistake in softmax.py never stops neural_net.py or convnet.py from importing.
"""


def __getattr__(name):
    if name in ("LinearClassifier", "Softmax"):
        from cs231n.classifiers import linear_classifier

        return getattr(linear_classifier, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
