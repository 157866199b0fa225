from .dataset_cifar import IMBALANCECIFAR10, Cifar

__all__ = ['Cifar', 'IMBALANCECIFAR10']
