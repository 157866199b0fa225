from .dataset_cifar import get_CIFAR10_data, load_CIFAR10, load_CIFAR_batch

__all__ = ['get_CIFAR10_data', 'load_CIFAR10', 'load_CIFAR_batch']
