#!/bin/sh
#############################################################################
# TODO: Modify the hyperparameters such as hidden layer dimensionality,
#       number of epochs, weigh decay factor, momentum, batch size, learning
#       rate mentioned here to achieve good performance
#############################################################################
# {% if solution %}
python -u train.py \
    --model mymodel \
    --hidden-dim 32 \
    --kernel-size 3 \
    --epochs 6 \
    --weight-decay 0.0005 \
    --momentum 0.9 \
    --batch-size 64 \
    --lr 0.01 | tee mymodel.log
# {% else %}
#| python -u train.py \
#|     --model mymodel \
#|     --hidden-dim 10 \
#|     --kernel-size 1 \
#|     --epochs 1 \
#|     --weight-decay 0.0 \
#|     --momentum 0.0 \
#|     --batch-size 512 \
#|     --lr 0.01 | tee mymodel.log
# {% endif %}
#############################################################################
#                             END OF YOUR CODE                              #
#############################################################################
