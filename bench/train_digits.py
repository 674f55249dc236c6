"""Train the digit CNN from scratch and measure it on digits it never saw.

    python bench/train_digits.py --seed 0

The network is ``cnnviz.core.nn.digit_net()`` (conv 3×3 ×8 → ReLU → max pool 2 →
conv 3×3 ×16 → ReLU → max pool 2 → flatten → dense 10 → softmax, 9,098
parameters), trained in NumPy with Adam on 4,000 of the 5,000 bundled MNIST
digits (``assets/mnist_5k.npz``), with random shifts of up to 2 pixels. The
other 1,000 (100 per class, a fixed split) are held out: the accuracy printed
after each epoch and at the end is measured on them and never used to train
or to stop.

The last line is ``test accuracy: 0.XXX in N s``, N being the wall-clock
seconds from loading the data to the final test. ``--save PATH`` writes the
weights and the training history (the app ships ``assets/digits_cnn.npz``,
made by ``--seed 0 --save assets/digits_cnn.npz``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from cnnviz.core import nn  # noqa: E402
from cnnviz.data.digits import load_digits, split  # noqa: E402
from cnnviz.lessons.digits import TRAINING, save_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="weights, shuffling and shifts")
    parser.add_argument("--epochs", type=int, default=TRAINING["epochs"])
    parser.add_argument("--save", type=Path, help="write the weights and history here (.npz)")
    args = parser.parse_args()

    start = time.perf_counter()
    data = split(load_digits())
    x_train, x_test = data.x_train[..., None], data.x_test[..., None]
    print(f"{len(x_train)} training digits, {len(x_test)} held-out test digits; "
          f"network: {sum(i.params for i in nn.describe(nn.digit_net())):,} parameters")
    epoch_steps: list[int] = []

    def report(step: int, total: int, history: nn.History) -> None:
        # After each epoch the history has one more test accuracy.
        if len(history.test_accuracy) > len(epoch_steps):
            epoch_steps.append(step)
            print(f"epoch {len(epoch_steps)}/{args.epochs}: loss (last batches) "
                  f"{history.loss[-1]:.4f}, "
                  f"test accuracy {history.test_accuracy[-1]:.3f} "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)

    options = {**TRAINING, "epochs": args.epochs}
    trained = nn.train(nn.digit_net(), x_train, data.y_train, x_test=x_test, y_test=data.y_test,
                       seed=args.seed, callback=report, **options)
    acc = nn.accuracy(nn.predict(trained.params, trained.spec, x_test), data.y_test)
    seconds = time.perf_counter() - start
    if args.save:
        save_model(args.save, trained, seed=args.seed)
        print(f"saved {args.save} ({args.save.stat().st_size / 1e3:.0f} kB)")
    assert np.isclose(acc, trained.history.test_accuracy[-1])
    print(f"test accuracy: {acc:.3f} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
