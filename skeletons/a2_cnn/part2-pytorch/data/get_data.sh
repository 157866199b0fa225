# Download CIFAR-10 (python version) into this folder: data/cifar-10-batches-py/
wget http://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz
tar -xzvf cifar-10-python.tar.gz
rm cifar-10-python.tar.gz
