"""Softmax classifier: one linear layer from the flattened image to the class scores."""

import torch.nn as nn


class Softmax(nn.Module):
    def __init__(self, im_size, n_classes):
        '''
        Create components of a softmax classifier and initialize their weights.

        Arguments:
            im_size (tuple): A tuple of ints with (channels, height, width)
            n_classes (int): Number of classes to score
        '''
        super().__init__()
        #############################################################################
        # TODO: Initialize anything you need for the forward pass
        #############################################################################
        # {% if solution %}
        channels, height, width = im_size
        self.linear = nn.Linear(channels * height * width, n_classes)
        # {% else %}
        #| raise NotImplementedError("Softmax.__init__")
        # {% endif %}
        #############################################################################
        #                             END OF YOUR CODE                              #
        #############################################################################

    def forward(self, images):
        '''
        Take a batch of images and run them through the classifier to
        produce a score for each class.

        Arguments:
            images (Variable): A tensor of size (N, C, H, W) where
                N is the batch size
                C is the number of channels
                H is the image height
                W is the image width

        Returns:
            A torch Variable of size (N, n_classes) specifying the score
            for each example and category (raw scores: train.py's criterion,
            F.cross_entropy, applies the softmax itself).
        '''
        scores = None
        #############################################################################
        # TODO: Implement the forward pass. This should take very few lines of code.
        #############################################################################
        # {% if solution %}
        scores = self.linear(images.reshape(images.shape[0], -1))
        # {% else %}
        #| raise NotImplementedError("Softmax.forward")
        # {% endif %}
        #############################################################################
        #                             END OF YOUR CODE                              #
        #############################################################################
        return scores
