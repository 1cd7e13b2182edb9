"""
GANOversampler in a scikit-learn pipeline
=========================================

``GANOversampler`` is an imbalanced-learn over-sampler: it goes wherever
``SMOTE`` goes. Inside an :class:`imblearn.pipeline.Pipeline` it resamples the
training folds only, so no synthetic row ever reaches a validation fold.
Here, on scikit-learn's breast-cancer table, it is compared with ``SMOTE``
and with no over-sampling under the same cross-validation.
"""

from collections import Counter

import matplotlib.pyplot as plt
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

from ganaug import GANOversampler

X, y = load_breast_cancer(return_X_y=True)
X_res, y_res = GANOversampler(epochs=50, random_state=0, verbose=0).fit_resample(X, y)
print(Counter(y.tolist()), "->", Counter(y_res.tolist()))

# %%
# The same cross-validation for each over-sampler; the classifier sees the
# resampled training folds and the untouched validation folds.
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
samplers = {
    "none": None,
    "SMOTE": SMOTE(random_state=0),
    "GANOversampler": GANOversampler(epochs=50, random_state=0, verbose=0),
}
scores = {}
for name, sampler in samplers.items():
    steps = [StandardScaler(), LogisticRegression(max_iter=1000)]
    model = make_pipeline(steps[0], *([sampler] if sampler else []), steps[1])
    scores[name] = cross_val_score(model, X, y, cv=cv, scoring="balanced_accuracy")
    print(f"{name}: balanced accuracy {scores[name].mean():.3f}")

fig, ax = plt.subplots(figsize=(6, 2.5))
ax.boxplot(list(scores.values()), orientation="horizontal", tick_labels=list(scores))
ax.set_xlabel("balanced accuracy per validation fold")
fig.tight_layout()
plt.show()

# %%
# This table is barely imbalanced (212:357) and easy: every method scores
# alike. Whether synthetic samples help on *your* data is what
# :func:`ganaug.evaluation.evaluate_lift` measures, on paired seeds
# (see the next example).
