"""What the hidden tests share: student and reference layers built alike, and gradient
checks of a student's backward against numerical gradients of the reference's forward."""


from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.gradcheck import assert_gradient_close, numerical_gradient

CONV = "modules.convolution.Conv2D"
POOL = "modules.max_pool.MaxPooling"
RELU = "modules.relu.ReLU"
LINEAR = "modules.linear.Linear"
CONVNET = "modules.conv_classifier.ConvNet"
SGD = "optimizer.sgd.SGD"
CRITERION = dict(type='SoftmaxCrossEntropy')

# Which attribute each gradient belongs to (None: the input x).
PARAMETER_OF = {"dx": None, "dw": "weight", "db": "bias"}


def conv_pair(test, rng, in_channels, out_channels, kernel_size, stride, padding):
    """A student and a reference Conv2D with the same random weight and non-zero bias
    -> (student layer, reference layer, description for messages)."""
    w = rng.standard_normal((out_channels, in_channels, kernel_size, kernel_size))
    b = rng.standard_normal(out_channels)
    layers = []
    for who in (test.student, test.reference):
        layer = who.call(CONV, in_channels, out_channels, kernel_size=kernel_size, stride=stride, padding=padding)
        layer.set("weight", w)
        layer.set("bias", b)
        layers.append(layer)
    name = f"Conv2D({in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}, padding={padding})"
    return layers[0], layers[1], name


def linear_pair(test, rng, in_dim, out_dim):
    """A student and a reference Linear with the same random weight and non-zero bias."""
    w = rng.standard_normal((in_dim, out_dim))
    b = rng.standard_normal(out_dim)
    layers = []
    for who in (test.student, test.reference):
        layer = who.call(LINEAR, in_dim, out_dim)
        layer.set("weight", w)
        layer.set("bias", b)
        layers.append(layer)
    return layers[0], layers[1], f"Linear({in_dim}, {out_dim})"


def check_forward(student_layer, reference_layer, x, call):
    """The student's forward(x) equals the reference's."""
    expected = reference_layer.call("forward", x)
    assert_close(student_layer.call("forward", x), expected, call=f"{call}.forward(x) with x of shape {x.shape}")


def check_gradients(student_layer, reference_layer, x, dout, names, call, samples=40):
    """Run the student's forward(x) then backward(dout), and compare each gradient in
    `names` ('dx', 'dw', 'db') with the numerical gradient of the reference's forward."""
    student_layer.call("forward", x)
    student_layer.call("backward", dout)
    call = f"{call}.backward(dout) after forward(x), x of shape {x.shape}"
    for name in names:
        parameter = PARAMETER_OF[name]
        if parameter is None:
            at = x

            def f(v):
                return reference_layer.call("forward", v)
        else:
            at = reference_layer.get(parameter)

            def f(v, parameter=parameter):
                reference_layer.set(parameter, v)
                return reference_layer.call("forward", x)
        numeric, index = numerical_gradient(f, at, dout, h=1e-5, samples=samples)
        if parameter is not None:
            reference_layer.set(parameter, at)
        assert_gradient_close(student_layer.get(name), numeric, index, name=f"self.{name}", call=call)


def output_shape(reference_layer, x):
    """The shape of the reference's forward(x): the shape dout must have."""
    return reference_layer.call("forward", x).shape
