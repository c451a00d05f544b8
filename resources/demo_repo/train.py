"""A tiny, dependency-free training script: logistic regression by gradient descent on generated data."""

import argparse
import json
import math
import os
import random
import sys


def parse_args():
    parser = argparse.ArgumentParser(description="Train a small logistic-regression classifier.")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--epochs", type=int, default=10, help="passes over the training data")
    parser.add_argument("--batch-size", type=int, default=32, help="examples per gradient step")
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "momentum"], help="update rule")
    parser.add_argument("--seed", type=int, default=0, help="random seed for data and initial weights")
    parser.add_argument("--run-name", default="demo", help="a label printed with the results")
    parser.add_argument("--layers", type=int, nargs="+", default=[2], help="input features per example")
    parser.add_argument("--verbose", action="store_true", help="print every batch")
    parser.add_argument("--config", default="config/model.json", help="model configuration file")
    return parser.parse_args()


def make_data(rng, count, features):
    weights = [rng.uniform(-2, 2) for _ in range(features)]
    rows = []
    for _ in range(count):
        x = [rng.gauss(0, 1) for _ in range(features)]
        score = sum(w * v for w, v in zip(weights, x))
        rows.append((x, 1.0 if score + rng.gauss(0, 0.3) > 0 else 0.0))
    return rows


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def main():
    args = parse_args()
    # Under TaskTune the "model" configuration object (editable in the window) replaces the file.
    tuned = os.path.join(os.environ.get("TASKTUNE_CONFIG_DIR", ""), "model.json")
    config_path = tuned if os.environ.get("TASKTUNE_CONFIG_DIR") and os.path.exists(tuned) else args.config
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    rng = random.Random(args.seed)
    features = args.layers[0]
    data = make_data(rng, config.get("examples", 400), features)
    weights, bias, velocity = [0.0] * features, 0.0, [0.0] * (features + 1)
    momentum = config.get("momentum", 0.9) if args.optimizer == "momentum" else 0.0
    print(f"run {args.run_name}: {len(data)} examples, {features} features, lr={args.lr}", flush=True)
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(data)
        loss = 0.0
        for start in range(0, len(data), args.batch_size):
            batch = data[start:start + args.batch_size]
            grad = [0.0] * (features + 1)
            for x, y in batch:
                p = sigmoid(sum(w * v for w, v in zip(weights, x)) + bias)
                loss -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
                for i, v in enumerate(x):
                    grad[i] += (p - y) * v / len(batch)
                grad[-1] += (p - y) / len(batch)
            velocity = [momentum * m + g for m, g in zip(velocity, grad)]
            weights = [w - args.lr * m for w, m in zip(weights, velocity[:-1])]
            bias -= args.lr * velocity[-1]
            if args.verbose:
                print(f"  batch {start // args.batch_size} grad_norm={math.sqrt(sum(g * g for g in grad)):.4f}")
        correct = sum((sigmoid(sum(w * v for w, v in zip(weights, x)) + bias) > 0.5) == (y == 1.0) for x, y in data)
        print(f"epoch {epoch}/{args.epochs} loss={loss / len(data):.4f} acc={correct / len(data):.2f}", flush=True)
    if not math.isfinite(loss):
        print("loss diverged", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
