from .focal_loss import FocalLoss, reweight

__all__ = ['FocalLoss', 'reweight']
