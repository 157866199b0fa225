# %% [markdown]
# # Filter visualization (Q8.5-Q8.7)
#
# Load a model saved by `train.py` and show the weights of its first layer as images:
# for `softmax` one 32x32 color image per class, for `twolayernn` one per hidden unit, for
# `convnet` one `kernel_size` x `kernel_size` image per filter. The figure is saved as
# `<model_name>_gridfilt.png`; make `twolayernn_gridfilt.png` and `convnet_gridfilt.png`.
#
# `train.py` saves the whole model (`torch.save(model, ...)`), and loading one runs the
# pickle it holds: load only the `.pt` files you trained yourself. (The grader never loads
# them: they are not part of the submission.)

# %%
import matplotlib.pyplot as plt
import torch
from vis_utils import visualize_grid

# %matplotlib inline

# %%
model_name = 'softmax'
model = torch.load(model_name + '.pt', map_location='cpu', weights_only=False)

# %% [markdown]
# The first layer's weight is the model's first parameter when it is the first layer the
# constructor creates: `next(model.parameters())`. Arrange it as `filters`, an array of
# images of shape (N, H, W, C) with the color channels last.

# %%
#############################################################################
# TODO: Extract the weights of the first layer of model as images
#############################################################################
# {% if solution %}
weight = next(model.parameters()).detach().cpu().numpy()
if weight.ndim == 2:  # a linear layer: each row is a 3 x 32 x 32 image
    weight = weight.reshape(-1, 3, 32, 32)
filters = weight.transpose(0, 2, 3, 1)
# {% else %}
#| raise NotImplementedError("filter-viz: the first layer's weights as images (N, H, W, C)")
# {% endif %}
#############################################################################
#                             END OF YOUR CODE                              #
#############################################################################

# %%
grid = visualize_grid(filters, padding=1)
plt.imshow(grid.astype('uint8'))
plt.axis('off')
plt.gcf().set_size_inches(5, 5)
plt.savefig(model_name + '_gridfilt.png', bbox_inches='tight')
plt.show()
