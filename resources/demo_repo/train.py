"""A tiny, dependency-free training script: a small neural network fitted by gradient descent on generated data.

The data are points in a plane labelled by whether they fall inside a circle, so a model with no hidden layer
(`--layers` with no sizes: logistic regression) stays near chance and one hidden layer learns the circle.
"""

import argparse
import itertools
import json
import math
import random
import sys

try:  # on the path when a TaskTune worker runs this script; not needed to run it by hand
    from tasktune_gui import sdk
except ImportError:
    sdk = None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train a small classifier on generated points.")
    parser.add_argument("--lr", type=float, default=0.5, help="learning rate")
    parser.add_argument("--epochs", type=int, default=10, help="passes over the training data")
    parser.add_argument("--batch-size", type=int, default=16, help="examples per gradient step")
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "momentum", "adam"], help="update rule")
    parser.add_argument("--seed", type=int, default=0, help="random seed for the data and the initial weights")
    parser.add_argument("--run-name", default="demo", help="a label printed with the results")
    parser.add_argument(
        "--layers", type=int, nargs="*", default=[8], help="hidden layer sizes (none: logistic regression)"
    )
    parser.add_argument("--verbose", action="store_true", help="print every batch")
    parser.add_argument("--config", default="config/model.json", help="data and optimizer settings (JSON)")
    return parser.parse_args(argv)


def load_config(default_path):
    """The "model" configuration object as the worker wrote it, or the file in the repository."""
    path = sdk.connect_configuration("model", default_path) if sdk else default_path
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def make_data(rng, count, noise):
    rows = []
    for _ in range(count):
        x = [rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5)]
        inside = x[0] ** 2 + x[1] ** 2 + rng.gauss(0, noise) < 1.0
        rows.append((x, 1.0 if inside else 0.0))
    return rows


class Network:
    """Dense layers with tanh between them and one logit out; weights as plain lists."""

    def __init__(self, rng, sizes):
        self.weights = [[[rng.gauss(0, 1 / math.sqrt(n_in)) for _ in range(n_in)] for _ in range(n_out)]
                        for n_in, n_out in itertools.pairwise(sizes)]
        self.biases = [[0.0] * n_out for n_out in sizes[1:]]

    def forward(self, x):
        """Every layer's output, the input first and the logit last."""
        outputs = [x]
        for depth, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            below = outputs[-1]
            z = [sum(wi * xi for wi, xi in zip(row, below, strict=True)) + bi for row, bi in zip(w, b, strict=True)]
            outputs.append(z if depth == len(self.weights) - 1 else [math.tanh(v) for v in z])
        return outputs

    def gradients(self, batch):
        """Mean binary cross-entropy gradients over a batch, and the batch's summed loss."""
        grad_w = [[[0.0] * len(row) for row in w] for w in self.weights]
        grad_b = [[0.0] * len(b) for b in self.biases]
        loss = 0.0
        for x, y in batch:
            outputs = self.forward(x)
            logit = outputs[-1][0]
            loss += max(logit, 0.0) - logit * y + math.log1p(math.exp(-abs(logit)))
            delta = [(sigmoid(logit) - y) / len(batch)]
            for depth in range(len(self.weights) - 1, -1, -1):
                below = outputs[depth]
                for j, d in enumerate(delta):
                    grad_b[depth][j] += d
                    row = grad_w[depth][j]
                    for i, v in enumerate(below):
                        row[i] += d * v
                if depth:
                    back = [sum(self.weights[depth][j][i] * d for j, d in enumerate(delta)) for i in range(len(below))]
                    delta = [g * (1 - v * v) for g, v in zip(back, below, strict=True)]
        return grad_w, grad_b, loss

    def parameters(self):
        """Every weight row and bias vector, as lists the optimizer updates in place."""
        return [row for w in self.weights for row in w] + self.biases


class Optimizer:
    def __init__(self, kind, lr, params, config):
        self.kind, self.lr, self.step = kind, lr, 0
        self.momentum = config.get("momentum", 0.9)
        self.velocity = [[0.0] * len(p) for p in params]
        self.square = [[0.0] * len(p) for p in params]

    def update(self, params, grads):
        self.step += 1
        for p, g, v, s in zip(params, grads, self.velocity, self.square, strict=True):
            for i, gi in enumerate(g):
                if self.kind == "sgd":
                    p[i] -= self.lr * gi
                elif self.kind == "momentum":
                    v[i] = self.momentum * v[i] + gi
                    p[i] -= self.lr * v[i]
                else:  # adam
                    v[i] = 0.9 * v[i] + 0.1 * gi
                    s[i] = 0.999 * s[i] + 0.001 * gi * gi
                    m_hat, s_hat = v[i] / (1 - 0.9 ** self.step), s[i] / (1 - 0.999 ** self.step)
                    p[i] -= self.lr * m_hat / (math.sqrt(s_hat) + 1e-8)


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def main(argv=None):
    args = parse_args(argv)
    config = load_config(args.config)
    rng = random.Random(args.seed)
    data = make_data(rng, config.get("examples", 400), config.get("noise", 0.1))
    net = Network(rng, [2, *args.layers, 1])
    params = net.parameters()
    optimizer = Optimizer(args.optimizer, args.lr, params, config)
    max_loss = config.get("max_loss", 5.0)
    print(f"run {args.run_name}: {len(data)} examples, layers {args.layers}, {args.optimizer} lr={args.lr}", flush=True)
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(data)
        loss = 0.0
        for start in range(0, len(data), args.batch_size):
            batch = data[start:start + args.batch_size]
            grad_w, grad_b, batch_loss = net.gradients(batch)
            loss += batch_loss
            grads = [row for w in grad_w for row in w] + grad_b
            optimizer.update(params, grads)
            if args.verbose:
                norm = math.sqrt(sum(g * g for row in grads for g in row))
                print(f"  batch {start // args.batch_size} loss={batch_loss / len(batch):.4f} grad_norm={norm:.4f}")
        loss /= len(data)
        correct = sum((net.forward(x)[-1][0] > 0) == (y == 1.0) for x, y in data)
        accuracy = correct / len(data)
        print(f"epoch {epoch}/{args.epochs} loss={loss:.4f} acc={accuracy:.2f}", flush=True)
        if sdk:
            sdk.report_scalar("loss", "train", loss, epoch)
            sdk.report_scalar("accuracy", "train", accuracy, epoch)
        if not math.isfinite(loss) or loss > max_loss:
            print(f"loss diverged at epoch {epoch} (loss={loss:.4g} > max_loss={max_loss}): lower --lr",
                  file=sys.stderr, flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
