"""Train the reference checkpoints of a2_cnn/part2-pytorch on the CIFAR-10 stand-in.

    python tools/train_standin_checkpoints.py [twolayer vanilla_cnn mymodel]

Writes the stand-in (tools/make_cifar_standin.py, default size and seed) to the
solution's data/ folder if it is not there (delete it to regenerate), then runs the solution's own main.py with
each config, from the solution's folder, so the best model lands in its checkpoints/
(twolayernet.pth, vanillacnn.pth, mymodel.pth); finally prints each checkpoint's
accuracy on the stand-in's test batch (tools/cifar_eval.py).

The stand-in's training split is 1/20 of CIFAR-10's. The course's two-layer and vanilla
CNN configs are run for 20 times their epochs (and `steps`), so they take as many SGD
steps as on the real data, which is what the course's expectations (about 0.3 and 0.4)
rest on. MyModel's config is used as it stands.

torchvision checks the real files' MD5 sums; in the training process only, the check
is patched out for the stand-in. Training is seeded (torch.manual_seed(0)).
"""

import functools
import os
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTION = os.path.join(REPO, "solutions", "a2_cnn", "part2-pytorch")
sys.path.insert(0, os.path.join(REPO, "tools"))

import cifar_eval  # noqa: E402
import make_cifar_standin  # noqa: E402

# config name -> (epoch scale, checkpoint file, model class, its arguments in main.py)
RUNS = {
    "twolayer": (20, "twolayernet.pth", "TwoLayerNet", (3072, 256, 10)),
    "vanilla_cnn": (20, "vanillacnn.pth", "VanillaCNN", ()),
    "mymodel": (1, "mymodel.pth", "MyModel", ()),
}
BOOTSTRAP = """
import runpy, sys, unittest.mock, torch
torch.manual_seed(0)
with unittest.mock.patch("torchvision.datasets.cifar.check_integrity", return_value=True):
    sys.argv = ["main.py", "--config", sys.argv[1]]
    runpy.run_path("main.py", run_name="__main__")
"""


def scaled_config(name, scale, out_dir):
    """Write the solution's config_<name>.yaml with epochs and steps times `scale`."""
    with open(os.path.join(SOLUTION, "configs", f"config_{name}.yaml")) as f:
        config = yaml.safe_load(f)
    config["Train"]["epochs"] *= scale
    config["Train"]["steps"] = [s * scale for s in config["Train"]["steps"]]
    path = os.path.join(out_dir, f"config_{name}.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(config, f)
    return path


def train(name, scale, log):
    with tempfile.TemporaryDirectory() as tmp:
        config = scaled_config(name, scale, tmp)
        subprocess.run([sys.executable, "-c", BOOTSTRAP, config], cwd=SOLUTION, check=True,
                       stdout=log, stderr=subprocess.STDOUT)


def accuracy(checkpoint, class_name, args):
    sys.path.insert(0, SOLUTION)
    import models

    make_model = functools.partial(getattr(models, class_name), *args)
    folder = os.path.join(SOLUTION, "data", "cifar-10-batches-py")
    return cifar_eval.evaluate_checkpoint(make_model, checkpoint, folder)[2]


def main(names):
    data = os.path.join(SOLUTION, "data")
    if not os.path.exists(os.path.join(data, "cifar-10-batches-py", "test_batch")):
        make_cifar_standin.write_standin(data)
    for name in names:
        log_path = os.path.join(tempfile.gettempdir(), f"standin_{name}.log")
        print(f"training with config_{name}.yaml (log: {log_path})", flush=True)
        with open(log_path, "w") as log:
            train(name, RUNS[name][0], log)
    for name in names:
        _, filename, class_name, args = RUNS[name]
        checkpoint = os.path.join(SOLUTION, "checkpoints", filename)
        size = os.path.getsize(checkpoint) / 2**20
        print(f"{filename}: accuracy {accuracy(checkpoint, class_name, args):.3f} on the "
              f"stand-in's test batch, {size:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:] or list(RUNS))
