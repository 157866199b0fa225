#!/bin/sh
#############################################################################
# TODO: Modify the hyperparameters such as hidden layer dimensionality,
#       number of epochs, weigh decay factor, momentum, batch size, learning
#       rate mentioned here to achieve good performance
#############################################################################
# {% if solution %}
python -u train.py \
    --model twolayernn \
    --hidden-dim 256 \
    --epochs 3 \
    --weight-decay 0.0 \
    --momentum 0.9 \
    --batch-size 64 \
    --lr 0.00005 | tee twolayernn.log
# {% else %}
#| python -u train.py \
#|     --model twolayernn \
#|     --hidden-dim 10 \
#|     --epochs 1 \
#|     --weight-decay 0.0 \
#|     --momentum 0.0 \
#|     --batch-size 512 \
#|     --lr 0.01 | tee twolayernn.log
# {% endif %}
#############################################################################
#                             END OF YOUR CODE                              #
#############################################################################
