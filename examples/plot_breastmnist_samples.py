"""
Synthetic ultrasound images, and the honest baseline
====================================================

BreastMNIST (28x28 breast ultrasound, bundled with ganaug) with its malignant
class cut to 40 images. ``GANOversampler`` draws new malignant images from
noise; ``AugmentedRandomOverSampler`` is random over-sampling whose copies
are transformed with MONAI's classical augmentation, in every class: the
baseline any generator has to beat. Both return images in the caller's shape
and dtype.
"""

from collections import Counter

import matplotlib.pyplot as plt
import numpy as np

from ganaug import AugmentedRandomOverSampler, GANOversampler
from ganaug.datasets import load_breastmnist

train = load_breastmnist("train")
rng = np.random.RandomState(0)
malignant = rng.choice(np.flatnonzero(train.target == 0), 40, replace=False)
keep = np.concatenate([malignant, np.flatnonzero(train.target == 1)])
X, y = train.images[keep], train.target[keep]
print("before:", Counter(y.tolist()), X.shape, X.dtype)

gan = GANOversampler(epochs=30, random_state=0, verbose=0)
X_gan, y_gan = gan.fit_resample(X, y)
augmented = AugmentedRandomOverSampler(random_state=0)
X_aug, y_aug = augmented.fit_resample(X, y)
print("GANOversampler:", Counter(y_gan.tolist()), X_gan.shape, X_gan.dtype)
print("AugmentedRandomOverSampler:", Counter(y_aug.tolist()))

# %%
# Real malignant images, the generator's (``synthetic_mask_`` marks them;
# the other new rows are duplicates), and augmented copies.
synthetic = X_gan[gan.synthetic_mask_ & (y_gan == 0)]
copies = X_aug[augmented.synthetic_mask_ & (y_aug == 0)]
rows = {"real": X[y == 0], "GAN": synthetic, "augmented": copies}
fig, axes = plt.subplots(len(rows), 8, figsize=(8, 3.3))
for r, (name, images) in enumerate(rows.items()):
    for c in range(8):
        axes[r, c].imshow(images[c], cmap="gray", vmin=0, vmax=255)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
    axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center")
fig.tight_layout()
plt.show()

# %%
# Thirty epochs make rough samples; the default (``epochs="auto"``) trains
# about three times longer. Whether either helps a classifier is measured,
# not assumed: see :func:`ganaug.evaluation.evaluate_lift` and the benchmarks.
