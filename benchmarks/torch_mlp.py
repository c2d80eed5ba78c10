"""Yardstick: the course MLP trained in PyTorch (CPU), step for step what mnist_backward does.

Same net (784-500-10, truncated-normal init), batch 200, loss = cross-entropy
+ 0.0001 * sum(w**2)/2 over the weights, SGD at 0.1 * 0.99**epoch (staircase),
EMA of every parameter with decay min(0.99, (1+step)/(10+step)), batches from
the same input_data loader. Not a project dependency:

    pip install torch==2.13.0
    python benchmarks/torch_mlp.py --steps 3000
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import input_data  # noqa: E402
import mnist_backward as course  # noqa: E402  (constants only)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, default=3000, help='timed steps (default 3000)')
    parser.add_argument('--warmup', type=int, default=200, help='untimed steps (default 200)')
    parser.add_argument('--batch_size', type=int, default=course.BATCH_SIZE)
    parser.add_argument('--data_dir', default=os.path.join(course.mnist_util.DATA_DIR))
    parser.add_argument('--threads', type=int, default=0, help='torch threads (0: default)')
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    mnist = input_data.read_data_sets(args.data_dir, seed=0)

    def weight(*shape):
        return torch.nn.init.trunc_normal_(torch.empty(*shape), std=0.1, a=-0.2, b=0.2)
    params = [weight(784, 500), torch.zeros(500), weight(500, 10), torch.zeros(10)]
    for p in params:
        p.requires_grad_(True)
    shadows = [p.detach().clone() for p in params]
    decay_steps = mnist.train.num_examples / args.batch_size

    feed = run = 0.0
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            feed = run = 0.0
            started = time.perf_counter()
        t0 = time.perf_counter()
        xs, ys = mnist.train.next_batch(args.batch_size)
        xs, ys = torch.from_numpy(xs), torch.from_numpy(ys.astype('int64'))
        t1 = time.perf_counter()
        w1, b1, w2, b2 = params
        logits = torch.relu(xs @ w1 + b1) @ w2 + b2
        loss = (torch.nn.functional.cross_entropy(logits, ys)
                + course.REGULARIZER * ((w1 ** 2).sum() + (w2 ** 2).sum()) / 2)
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
    print('torch %s, %d threads: %.0f images/s (per step: feeding %.2f ms, compute %.2f ms)'
          % (torch.__version__, torch.get_num_threads(), args.steps * args.batch_size / wall,
             1000 * feed / args.steps, 1000 * run / args.steps))


if __name__ == '__main__':
    main()
