"""Your own model for the challenge (Q8.8)."""

import torch.nn as nn


class MyModel(nn.Module):
    def __init__(self, im_size, hidden_dim, kernel_size, n_classes):
        '''
        Extra credit model

        Arguments:
            im_size (tuple): A tuple of ints with (channels, height, width)
            hidden_dim (int): Number of hidden activations to use
            kernel_size (int): Width and height of (square) convolution filters
            n_classes (int): Number of classes to score
        '''
        super().__init__()
        #############################################################################
        # TODO: Initialize anything you need for the forward pass
        #############################################################################
        # {% if solution %}
        # [conv-bn-relu-conv-bn-relu-pool] x 2, then global average pooling and a
        # linear layer: the first parameter is the first convolution's weight, which
        # filter-viz.ipynb shows.
        channels = im_size[0]
        pad = (kernel_size - 1) // 2

        def block(c_in, c_out):
            return [nn.Conv2d(c_in, c_out, kernel_size, padding=pad), nn.BatchNorm2d(c_out), nn.ReLU()]

        self.features = nn.Sequential(
            *block(channels, hidden_dim), *block(hidden_dim, hidden_dim), nn.MaxPool2d(2),
            *block(hidden_dim, 2 * hidden_dim), *block(2 * hidden_dim, 2 * hidden_dim), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(2 * hidden_dim, n_classes)
        # {% else %}
        #| raise NotImplementedError("MyModel.__init__")
        # {% endif %}
        #############################################################################
        #                             END OF YOUR CODE                              #
        #############################################################################

    def forward(self, images):
        '''
        Take a batch of images and run them through the model to
        produce a score for each class.

        Arguments:
            images (Variable): A tensor of size (N, C, H, W) where
                N is the batch size
                C is the number of channels
                H is the image height
                W is the image width

        Returns:
            A torch Variable of size (N, n_classes) specifying the score
            for each example and category.
        '''
        scores = None
        #############################################################################
        # TODO: Implement the forward pass.
        #############################################################################
        # {% if solution %}
        scores = self.classifier(self.features(images).flatten(1))
        # {% else %}
        #| raise NotImplementedError("MyModel.forward")
        # {% endif %}
        #############################################################################
        #                             END OF YOUR CODE                              #
        #############################################################################
        return scores
