"""Yardstick: the course networks trained in PyTorch (CPU), step for step as the TF scripts do.

Same nets (MLP 784-500-10; LeNet-5 conv5x5x32-pool-conv5x5x64-pool-FC512
with dropout 0.5), truncated-normal init, the course batch size, loss =
cross-entropy + REGULARIZER * sum(w**2)/2 over the weights, SGD at
LEARNING_RATE_BASE * 0.99**epoch (staircase), EMA of every parameter with
decay min(0.99, (1+step)/(10+step)), batches from the same input_data loader.
Not a project dependency:

    pip install torch==2.13.0
    python benchmarks/torch_yardstick.py --model lenet5 --steps 300
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import input_data  # noqa: E402
import mnist_backward  # noqa: E402  (constants only)
import mnist_lenet5_backward  # noqa: E402  (constants only)
from mnist_lib import paths  # noqa: E402


def weight(*shape):
    return torch.nn.init.trunc_normal_(torch.empty(*shape), std=0.1, a=-0.2, b=0.2)


def mlp():
    params = [weight(784, 500), torch.zeros(500), weight(500, 10), torch.zeros(10)]

    def forward(xs):
        w1, b1, w2, b2 = params
        return torch.relu(xs @ w1 + b1) @ w2 + b2
    return params, [params[0], params[2]], forward, mnist_backward


def lenet5():
    params = [weight(32, 1, 5, 5), torch.zeros(32), weight(64, 32, 5, 5), torch.zeros(64),
              weight(3136, 512), torch.zeros(512), weight(512, 10), torch.zeros(10)]

    def forward(xs):
        c1, b1, c2, b2, f1, fb1, f2, fb2 = params
        h = F.max_pool2d(torch.relu(F.conv2d(xs.view(-1, 1, 28, 28), c1, b1, padding=2)), 2)
        h = F.max_pool2d(torch.relu(F.conv2d(h, c2, b2, padding=2)), 2)
        h = torch.relu(h.flatten(1) @ f1 + fb1)
        return F.dropout(h, 0.5, training=True) @ f2 + fb2
    return params, params[0::2], forward, mnist_lenet5_backward


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', choices=['mlp', 'lenet5'], default='mlp')
    parser.add_argument('--steps', type=int, default=3000, help='timed steps (default 3000)')
    parser.add_argument('--warmup', type=int, default=50, help='untimed steps (default 50)')
    parser.add_argument('--data_dir', default=paths.DATA_DIR)
    parser.add_argument('--threads', type=int, default=0, help='torch threads (0: default)')
    parser.add_argument('--mixed_precision', action='store_true',
                        help='bfloat16 autocast around the forward pass (as TF\'s rewrite)')
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    params, weights, forward, course = {'mlp': mlp, 'lenet5': lenet5}[args.model]()
    mnist = input_data.read_data_sets(args.data_dir, seed=0)
    for p in params:
        p.requires_grad_(True)
    shadows = [p.detach().clone() for p in params]
    decay_steps = mnist.train.num_examples / course.BATCH_SIZE

    feed = run = 0.0
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            feed = run = 0.0
            started = time.perf_counter()
        t0 = time.perf_counter()
        xs, ys = mnist.train.next_batch(course.BATCH_SIZE)
        xs, ys = torch.from_numpy(xs), torch.from_numpy(ys.astype('int64'))
        t1 = time.perf_counter()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=args.mixed_precision):
            logits = forward(xs)
        loss = (F.cross_entropy(logits.float(), ys)
                + course.REGULARIZER * sum((w ** 2).sum() for w in weights) / 2)
        for p in params:
            p.grad = None
        loss.backward()
        lr = course.LEARNING_RATE_BASE * course.LEARNING_RATE_DECAY ** (step // decay_steps)
        decay = min(course.MOVING_AVERAGE_DECAY, (1.0 + step) / (10.0 + step))
        with torch.no_grad():
            for p, s in zip(params, shadows):
                p.sub_(lr * p.grad)
                s.mul_(decay).add_(p, alpha=1 - decay)
        loss.item()  # the TF loop fetches the loss every step too
        feed += t1 - t0
        run += time.perf_counter() - t1
    wall = time.perf_counter() - started
    print('torch %s %s%s, %d threads: %.0f images/s (per step: feeding %.2f ms, compute %.2f ms)'
          % (torch.__version__, args.model, ' bf16 autocast' if args.mixed_precision else '',
             torch.get_num_threads(),
             args.steps * course.BATCH_SIZE / wall, 1000 * feed / args.steps,
             1000 * run / args.steps))


if __name__ == '__main__':
    main()
