# %% [markdown]
# # Softmax exercise
#
# *Complete and hand in this completed worksheet (including its outputs and any supporting
# code outside of the worksheet) with your assignment submission.*
#
# In this exercise you will:
#
# - implement a fully-vectorized **loss function** for the Softmax classifier
# - implement the fully-vectorized expression for its **analytic gradient**
# - **check your implementation** with a numerical gradient
# - **optimize** the loss function with **SGD**
# - **visualize** the final learned weights
#
# Your code goes in `cs231n/classifiers/softmax.py` (`softmax_loss_vectorized`) and
# `cs231n/classifiers/linear_classifier.py` (`LinearClassifier.train` and `predict`).
# Data are **columns** in this part: `X` is `(D, N)`, one image per column, and `W` is
# `(C, D)`, so the scores are `W.dot(X)`, `(C, N)`.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from cs231n.classifiers import Softmax
from cs231n.classifiers.softmax import softmax_loss_vectorized
from cs231n.gradient_check import grad_check_sparse
from load_cifar10_tvt import load_cifar10_train_val

# %matplotlib inline
plt.rcParams['figure.figsize'] = (10.0, 8.0)  # set default size of plots
plt.rcParams['image.interpolation'] = 'nearest'
plt.rcParams['image.cmap'] = 'gray'

# for auto-reloading external modules
# see http://stackoverflow.com/questions/1907993/autoreload-of-modules-in-ipython
# %load_ext autoreload
# %autoreload 2

# %% [markdown]
# ## Load the data
#
# `load_cifar10_train_val` (in `load_cifar10_tvt.py`) reads CIFAR-10 from
# `cs231n/datasets/cifar-10-batches-py` (run `cs231n/datasets/get_datasets.sh` once), keeps
# 49,000 training, 1,000 validation and 1,000 test images, subtracts the mean training
# image, appends a constant 1 to every image (the bias trick) and transposes, so that each
# `X_*` is `(3073, N)`.

# %%
X_train, y_train, X_val, y_val, X_test, y_test = load_cifar10_train_val()
print('Train data shape: ', X_train.shape)
print('Train labels shape: ', y_train.shape)
print('Validation data shape: ', X_val.shape)
print('Validation labels shape: ', y_val.shape)
print('Test data shape: ', X_test.shape)
print('Test labels shape: ', y_test.shape)

# %% [markdown]
# ## Softmax Classifier
#
# Implement `softmax_loss_vectorized` in `cs231n/classifiers/softmax.py`, without
# explicit loops, loss and gradient together. Subtract the largest score of each example
# before exponentiating: it changes no probability, and keeps `np.exp` from overflowing.
# The regularization term is `reg` times the sum of the squared weights, as the handout
# writes it (`0.5 * reg` times that sum is accepted too, with its matching gradient).

# %%
# Generate a random softmax weight matrix and use it to compute the loss.
W = np.random.randn(10, 3073) * 0.0001

tic = time.time()
loss, grad = softmax_loss_vectorized(W, X_train, y_train, 0.0)
toc = time.time()
print(f'vectorized loss: {loss:e} computed in {toc - tic:f}s')

# As a rough sanity check, our loss should be something close to -log(0.1).
print(f'loss: {loss:f}')
print(f'sanity check: {-np.log(0.1):f}')

# %% [markdown]
# ### Inline Question 1:
# Why do we expect our loss to be close to -log(0.1)? Explain briefly.
#
# **Your answer:**
# {% if solution %}
# With weights this small every score is close to 0, so the softmax gives each of the 10
# classes a probability close to 1/10, and the loss of every example, -log(probability of
# its class), is close to -log(0.1) = 2.303.
# {% else %}
#| # _fill this in_
# {% endif %}

# %% [markdown]
# Use numeric gradient checking as a debugging tool: the numeric gradient should be close
# to the analytic gradient (relative errors around 1e-7 or smaller; an entry whose
# gradient is almost 0 may show a larger one).

# %%
loss, grad = softmax_loss_vectorized(W, X_train, y_train, 0.0)
grad_numerical = grad_check_sparse(lambda w: softmax_loss_vectorized(w, X_train, y_train, 0.0)[0], W, grad, 10)

# Check again with regularization turned on.
loss, grad = softmax_loss_vectorized(W, X_train, y_train, 1e2)
grad_numerical = grad_check_sparse(lambda w: softmax_loss_vectorized(w, X_train, y_train, 1e2)[0], W, grad, 10)

# %% [markdown]
# ## Stochastic Gradient Descent
#
# Now implement `LinearClassifier.train` (sample a minibatch of columns together with
# their labels, then take an SGD step) and `LinearClassifier.predict` in
# `cs231n/classifiers/linear_classifier.py`, and train a Softmax classifier.

# %%
classifier = Softmax()
tic = time.time()
loss_hist = classifier.train(X_train, y_train, learning_rate=1e-6, reg=1e-1,
                             num_iters=10000, batch_size=200, verbose=True)
toc = time.time()
print(f'That took {toc - tic:f}s')

# %%
# A useful debugging strategy is to plot the loss as a function of iteration number:
plt.plot(loss_hist)
plt.xlabel('Iteration number')
plt.ylabel('Loss value')
plt.show()

# %%
# Evaluate the performance on both the training and validation set
y_train_pred = classifier.predict(X_train)
print(f'training accuracy: {np.mean(y_train == y_train_pred):f}')
y_val_pred = classifier.predict(X_val)
print(f'validation accuracy: {np.mean(y_val == y_val_pred):f}')

# %%
# Evaluate the classifier on the test set
y_test_pred = classifier.predict(X_test)
test_accuracy = np.mean(y_test == y_test_pred)
print(f'softmax on raw pixels final test set accuracy: {test_accuracy:f}')

# %%
# Visualize the learned weights for each class
w = classifier.W[:, :-1]  # strip out the bias
w = w.reshape(10, 32, 32, 3)

w_min, w_max = np.min(w), np.max(w)

classes = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
for i in range(10):
    plt.subplot(2, 5, i + 1)

    # Rescale the weights to be between 0 and 255
    wimg = 255.0 * (w[i].squeeze() - w_min) / (w_max - w_min)
    plt.imshow(wimg.astype('uint8'))
    plt.axis('off')
    plt.title(classes[i])
