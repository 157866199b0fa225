"""The four CIFAR-10 classifiers train.py builds: softmax, twolayernn, convnet, mymodel."""
