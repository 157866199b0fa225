from .conv_classifier import ConvNet
from .convolution import Conv2D
from .linear import Linear
from .max_pool import MaxPooling
from .relu import ReLU
from .softmax_ce import SoftmaxCrossEntropy

__all__ = ['Conv2D', 'MaxPooling', 'ReLU', 'Linear', 'SoftmaxCrossEntropy', 'ConvNet']
