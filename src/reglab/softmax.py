"""Softmax regression (a linear classifier) trained by full-batch gradient descent, in NumPy (Chapter 5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from reglab._validate import positive_int, real_number
from reglab.data import Split

__all__ = ["SoftmaxRun", "train_softmax", "accuracy", "AugmentationGain", "augmentation_gain"]


@dataclass(frozen=True)
class SoftmaxRun:
    """Weights (features, classes), biases, and training and validation accuracy after each epoch."""

    W: np.ndarray
    b: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray

    def predict(self, X) -> np.ndarray:
        return np.argmax(np.asarray(X) @ self.W + self.b, axis=1)


def accuracy(run: SoftmaxRun, split: Split) -> float:
    """Fraction of a split's examples the run classifies correctly."""
    return float(np.mean(run.predict(split.X) == split.y))


def train_softmax(train: Split, val: Split, num_classes=10, lr=0.5, num_epochs=200, weight_decay=0.0) -> SoftmaxRun:
    """Cross-entropy + weight_decay/2 ||W||² minimised by full-batch gradient descent from zero weights."""
    num_classes, num_epochs = positive_int(num_classes, "num_classes"), positive_int(num_epochs, "num_epochs")
    lr, weight_decay = real_number(lr, "lr"), real_number(weight_decay, "weight_decay")
    X, labels = train.X, train.y.astype(int)
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"train.y must hold class labels 0..{num_classes - 1}; got {labels.min()}..{labels.max()}")
    onehot = np.eye(num_classes)[labels]
    with threadpool_limits(1):  # small matrices: BLAS threads cost more than they save
        return _descend(X, labels, onehot, val, lr, weight_decay, num_epochs)


def _descend(X, labels, onehot, val, lr, weight_decay, num_epochs):
    W, b = np.zeros((X.shape[1], onehot.shape[1])), np.zeros(onehot.shape[1])
    train_acc, val_acc = np.empty(num_epochs), np.empty(num_epochs)
    for epoch in range(num_epochs):
        logits = X @ W + b
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - onehot) / len(X)
        W = (1 - lr * weight_decay) * W - lr * X.T @ error
        b = b - lr * error.sum(axis=0)
        train_acc[epoch] = np.mean(np.argmax(logits, axis=1) == labels)
        val_acc[epoch] = np.mean(np.argmax(val.X @ W + b, axis=1) == val.y)
    return SoftmaxRun(W, b, train_acc, val_acc)


@dataclass(frozen=True)
class AugmentationGain:
    """Final validation accuracy per seed without and with data augmentation."""

    seeds: np.ndarray
    plain: np.ndarray
    augmented: np.ndarray

    @property
    def gain(self) -> np.ndarray:
        return self.augmented - self.plain


def augmentation_gain(make_data, augment, seeds=range(5), num_epochs=300) -> AugmentationGain:
    """Train softmax regression on make_data(seed).train and on augment(train, seed); compare validation accuracy."""
    seeds, plain, augmented = np.array(list(seeds)), [], []
    for seed in seeds:
        data = make_data(int(seed))
        plain.append(train_softmax(data.train, data.val, num_epochs=num_epochs).val_acc[-1])
        augmented.append(train_softmax(augment(data.train, int(seed)), data.val, num_epochs=num_epochs).val_acc[-1])
    return AugmentationGain(seeds, np.array(plain), np.array(augmented))
