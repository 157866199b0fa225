"""Predict the challenge images with a trained model: writes predictions.csv (Q8.8).

    python test.py --model mymodel.pt

One row `image_id,label` per image of <test-dir>/test_images.npy, in file order, under
the header image_id,label: the file to submit with your code.
"""

import argparse

import torch
import torchvision.transforms as transforms
from challenge_data import ChallengeData

# Training settings
parser = argparse.ArgumentParser(description='CIFAR-10 Challenge Evaluation')
parser.add_argument('--model', type=str,
                    help='path to a model saved by train.py (a .pt file)')
parser.add_argument('--test-dir', default='data',
                    help='directory that contains test_images.npy '
                         '(downloaded automatically if necessary)')
parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N',
                    help='input batch size for testing (default: 1000)')
parser.add_argument('--no-cuda', action='store_true', default=False,
                    help='disables CUDA training')

# the normalization train.py uses
cifar10_mean_color = [0.49131522, 0.48209435, 0.44646862]
cifar10_std_color = [0.01897398, 0.03039277, 0.03872553]
transform = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(cifar10_mean_color, cifar10_std_color),
])


if __name__ == '__main__':
    args = parser.parse_args()
    args.cuda = not args.no_cuda and torch.cuda.is_available()

    test_dataset = ChallengeData(args.test_dir, download=True, transform=transform)
    # shuffle=False: row i of predictions.csv must be image i
    test_loader = torch.utils.data.DataLoader(test_dataset,
                                              batch_size=args.test_batch_size, shuffle=False)

    # The whole model train.py saved (your own file: loading it runs the pickle it holds,
    # so never load a .pt you did not make yourself).
    model = torch.load(args.model, map_location='cuda' if args.cuda else 'cpu', weights_only=False)
    model.eval()

    predictions = []
    with torch.no_grad():
        for images in test_loader:
            if args.cuda:
                images = images.cuda()
            output = model(images)
            predictions += output.max(1)[1].cpu().tolist()

    with open('predictions.csv', 'w') as f:
        f.write('image_id,label\n')
        for i, label in enumerate(predictions):
            f.write(f'{i},{label}\n')
