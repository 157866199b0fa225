from .cnn import VanillaCNN
from .my_model import MyModel
from .resnet import *  # noqa: F403  (ResNet_s, resnet20 ... resnet1202)
from .resnet import __all__ as _resnet_all
from .twolayer import TwoLayerNet

__all__ = ['TwoLayerNet', 'VanillaCNN', 'MyModel', *_resnet_all]
