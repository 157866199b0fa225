"""Class-balanced softmax focal loss (Cui et al., CVPR 2019; Lin et al., ICCV 2017).

For an example of class y with softmax probability p_y, the focal loss is
    - w_y * (1 - p_y) ** gamma * log(p_y)
where w_y is the weight of its class (1 without weights). The loss of a batch is the
weighted mean sum_i loss_i / sum_i w_{y_i}, so that with gamma = 0 it equals
F.cross_entropy(input, target, weight=weight).
"""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def reweight(cls_num_list, beta=0.9999):
    """Weight each class by the inverse of its effective number of samples.

    The effective number of a class with n samples is (1 - beta ** n) / (1 - beta); the
    weights are normalised to sum to the number of classes.

    Inputs:
    - cls_num_list: a list containing # of samples of each class
    - beta: hyper-parameter for reweighting, see paper for more details
    Returns:
    - per_cls_weights: tensor of shape (len(cls_num_list),)
    """
    per_cls_weights = None
    #############################################################################
    # TODO: reweight each class by effective numbers                            #
    #############################################################################
    raise NotImplementedError("reweight")
    #############################################################################
    #                              END OF YOUR CODE                             #
    #############################################################################
    return per_cls_weights


class FocalLoss(nn.Module):
    def __init__(self, weight=None, gamma=0.):
        super().__init__()
        assert gamma >= 0
        self.gamma = gamma
        self.weight = weight

    def forward(self, input, target):
        """Implement forward of focal loss

        Inputs:
        - input: input predictions (class scores), of shape (N, C)
        - target: labels, of shape (N,), values in [0, C)
        Returns:
        - loss: tensor of focal loss in scalar
        """
        loss = None
        #############################################################################
        # TODO: Implement forward pass of the focal loss                            #
        #############################################################################
        raise NotImplementedError("FocalLoss.forward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return loss
