"""The unlabelled pool in the networks' training (issue 34, part 2): the encoder and
autoencoder fitted on it, the discriminator's real/fake head fed pool batches, the
translator's sources, pseudo-labels and the K+1 discriminator, resume and determinism."""

import numpy as np
import pandas as pd
import pytest
import torch
from _interrupt import Crash

from ganaug import GANOversampler, TranslationOversampler
from ganaug.data.conditions import ClassBalancedBatches
from ganaug.evaluation._pool import pool_counts
from ganaug.nets._conditioning import ProjectionHead
from ganaug.over_sampling import _network
from ganaug.training.callbacks import load_training_state

PARAMS = {"epochs": 2, "batch_size": 16, "random_state": 0, "verbose": 0}


def _steps(sampler):
    return [step for record in sampler.history_ for step in record["steps"]]


def _same_weights(a, b) -> bool:
    expected = b.state_dict()
    return all(torch.equal(t, expected[k]) for k, t in a.state_dict().items())


@pytest.fixture(scope="module")
def pooled(breastmnist_small):
    """60 labelled images (10 malignant), then a pool of 120 (labels hidden, kept
    apart as y_hidden), as the protocol passes them: the labelled rows first."""
    X, y = breastmnist_small
    rng = np.random.RandomState(0)
    minority, majority = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    labelled = np.r_[minority[:10], majority[:50]]
    pool = rng.permutation(np.r_[minority[10:40], majority[50:140]])
    X_in = np.concatenate([X[labelled], X[pool]])
    y_in = np.r_[y[labelled], np.full(len(pool), -1)]
    return X_in, y_in, y[pool]


def test_projection_head_scores_an_unlabelled_row_without_its_class():
    torch.manual_seed(0)
    head = ProjectionHead(8, 3, spectral_norm=False)
    h = torch.randn(6, 8, requires_grad=True)
    y = torch.tensor([0, 1, 2, -1, -1, 1])
    logits, classes = head(h, y)
    unconditional = head.linear(h).squeeze(1)
    assert torch.allclose(logits[3:5], unconditional[3:5])
    assert not torch.allclose(logits[:3], unconditional[:3])
    assert classes.shape == (6, 3)
    # the unlabelled rows' score trains no class embedding
    logits[3:5].sum().backward()
    assert not head.embed.weight.grad.any()


def test_projection_head_with_every_label_a_class_is_the_plain_projection():
    """Bitwise: values and gradients, so training without a pool is as before."""
    torch.manual_seed(0)
    head = ProjectionHead(8, 2, spectral_norm=True)
    h = torch.randn(6, 8, requires_grad=True)
    y = torch.tensor([0, 1, 1, 0, 1, 0])
    params = [h, *head.parameters()]
    plain = head.linear(h).squeeze(1) + (head.embed(y) * h).sum(dim=1) + head.classifier(h).sum(1)
    logits, classes = head(h, y)
    ours = logits + classes.sum(1)
    assert torch.equal(ours, plain)
    for a, b in zip(
        torch.autograd.grad(plain.sum(), params, allow_unused=True),
        torch.autograd.grad(ours.sum(), params, allow_unused=True),
        strict=True,
    ):
        assert (a is None and b is None) or torch.equal(a, b)


def test_batches_carry_pool_rows_and_admit_pseudo_labelled_ones():
    X, y, pool = torch.randn(10, 3), torch.tensor([0] * 8 + [1] * 2), torch.randn(30, 3)
    batches = ClassBalancedBatches(X, y, 4, unlabelled=pool)
    x_batch, _, x_pool = next(iter(batches))
    assert x_batch.shape == x_pool.shape == (4, 3) and len(batches) == 3
    assert all(any(torch.equal(row, p) for p in pool) for row in x_pool)
    batches.admit(pool[:20], torch.ones(20, dtype=torch.long))
    assert len(batches) == 3  # the steps planned stay
    # each class still weighs the same: the admitted rows share class 1's half
    weights = batches.weights
    assert len(batches.y) == 30
    assert torch.isclose(weights[batches.y == 0].sum(), weights[batches.y == 1].sum())


def test_the_discriminator_scores_a_pool_batch_every_step(pooled):
    X, y, _ = pooled
    sampler = GANOversampler(**PARAMS).fit_generator(X, y)
    steps = _steps(sampler)
    assert len(steps) == 8  # 60 labelled rows: the pool does not change the steps
    assert all("unlabelled_score" in step for step in steps)
    assert np.isfinite(sampler.history_.column("unlabelled_score")).all()
    without = GANOversampler(**PARAMS).fit_generator(X[y != -1], y[y != -1])
    assert "unlabelled_score" not in _steps(without)[0]
    assert "unlabelled_score" not in without.history_[0]


def test_the_image_encoder_covers_the_pool(pooled):
    X, y, _ = pooled
    X = X.copy()
    X[y != -1] //= 2  # the labelled rows reach 127, the pool 255
    sampler = GANOversampler(**{**PARAMS, "epochs": 1}).fit_generator(X, y)
    assert sampler.encoder_.high_ == X.max() > X[y != -1].max()


def test_the_table_encoder_knows_categories_seen_only_in_the_pool():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"a": rng.normal(size=70), "b": ["x", "y"] * 30 + ["z"] * 10})
    frame.loc[60:, "a"] = 1000.0  # and values beyond the labelled range
    y = np.r_[[0] * 15, [1] * 45, [-1] * 10]
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0)
    X_res, y_res = sampler.fit_resample(frame, y)
    assert "z" in list(sampler.encoder_.categories_[0])
    assert sampler.encoder_.quantile_transformer_.quantiles_.max() == 1000.0
    assert -1 not in y_res and list(X_res.columns) == ["a", "b"]


def test_the_latent_autoencoder_learns_the_pool(adrenal_small, monkeypatch):
    X, y = adrenal_small
    X, y = X[:40], y[:40].copy()
    y[::2] = -1  # 20 labelled volumes, 20 in the pool
    seen = []
    fit = _network.LatentEncoder.fit

    def spy(self, X_fit, distributed=None):
        seen.append(len(X_fit))
        return fit(self, X_fit, distributed)

    monkeypatch.setattr(_network.LatentEncoder, "fit", spy)
    params = {"latent": True, "autoencoder_steps": 2, "epochs": 1, "batch_size": 8}
    sampler = GANOversampler(**params, random_state=0, verbose=0).fit_generator(X, y)
    assert seen == [40]
    assert all("unlabelled_score" in step for step in _steps(sampler))


def test_the_translator_learns_from_and_translates_pool_rows(pooled):
    X, y, _ = pooled
    sampler = TranslationOversampler(
        **PARAMS, label_gate=False, synthetic_share=1.0, unlabelled="keep"
    )
    X_res, _ = sampler.fit_resample(X, y)
    assert all("unlabelled_score" in step for step in _steps(sampler))
    sources = sampler.source_indices_[sampler.synthetic_mask_]
    from_pool = y[sources] == -1
    assert from_pool.any() and (y[sources[~from_pool]] != 0).all()  # labelled: the others
    assert np.array_equal(X_res[: len(X)], X)


def test_pseudo_labels_are_admitted_and_reported(pooled, monkeypatch):
    X, y, y_hidden = pooled
    admitted = []
    admit = ClassBalancedBatches.admit

    def spy(self, X_new, y_new):
        admitted.append(len(y_new))
        admit(self, X_new, y_new)

    monkeypatch.setattr(ClassBalancedBatches, "admit", spy)
    # 0.5 admits every row (two classes): the report must add up
    sampler = GANOversampler(**PARAMS, semi_supervised="pseudo-labels", pseudo_label_threshold=0.5)
    sampler.fit_resample(X, y)
    n_pool = int((y == -1).sum())
    assert admitted == [n_pool]
    assert set(sampler.pseudo_label_shares_) == {0, 1}
    assert sum(sampler.pseudo_label_shares_.values()) == pytest.approx(1.0)
    given = sampler.transduction_
    assert np.array_equal(given[y != -1], y[y != -1]) and (given[y == -1] != -1).all()
    counts = pool_counts(sampler, n_pool, y_hidden)
    assert counts["pool_used"] == counts["pool_labelled"] == n_pool
    assert counts["pool_correct"] == int((given[y == -1] == y_hidden).sum())


def test_without_pseudo_labels_the_pool_keeps_minus_one(pooled):
    X, y, y_hidden = pooled
    sampler = GANOversampler(**{**PARAMS, "epochs": 1}).fit_generator(X, y)
    assert sampler.pseudo_label_shares_ is None
    assert (sampler.transduction_[y == -1] == -1).all()
    assert pool_counts(sampler, int((y == -1).sum()), y_hidden)["pool_labelled"] == 0


@pytest.mark.parametrize("sampler_class", [GANOversampler, TranslationOversampler])
def test_k_plus_one_trains_and_generates(pooled, sampler_class):
    X, y, _ = pooled
    extra = {"label_gate": False} if sampler_class is TranslationOversampler else {}
    sampler = sampler_class(**PARAMS, **extra, semi_supervised="k-plus-one")
    X_res, _ = sampler.fit_resample(X, y)
    assert np.isfinite([s["d_loss"] for s in _steps(sampler)]).all()
    assert sampler.synthetic_mask_.any() and X_res.shape[1:] == X.shape[1:]
    plain = sampler_class(**PARAMS, **extra).fit_generator(X, y)
    assert not _same_weights(sampler.generator_, plain.generator_)


def test_semi_supervised_needs_the_class_head(pooled):
    X, y, _ = pooled
    sampler = GANOversampler(**PARAMS, class_loss_weight=0, semi_supervised="k-plus-one")
    with pytest.raises(ValueError, match="class_loss_weight > 0"):
        sampler.fit_generator(X, y)


def test_pseudo_labels_without_a_pool_train_as_none(pooled):
    X, y, _ = pooled
    labelled = y != -1
    plain = GANOversampler(**PARAMS).fit_generator(X[labelled], y[labelled])
    pseudo = GANOversampler(**PARAMS, semi_supervised="pseudo-labels").fit_generator(
        X[labelled], y[labelled]
    )
    assert _same_weights(plain.generator_, pseudo.generator_)
    assert pseudo.pseudo_label_shares_ == {0: 0.0, 1: 0.0}


def test_a_pooled_fit_is_deterministic(pooled):
    X, y, _ = pooled
    params = {**PARAMS, "semi_supervised": "pseudo-labels", "pseudo_label_threshold": 0.6}
    first = GANOversampler(**params).fit_resample(X, y)
    second = GANOversampler(**params).fit_resample(X, y)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_resume_refuses_another_pool(pooled, tmp_path):
    X, y, _ = pooled
    path = tmp_path / "checkpoint.pt"
    params = {**PARAMS, "epochs": 1}
    GANOversampler(**params).fit_generator(X, y, checkpoint=path)
    assert load_training_state(path)[1]["unlabelled"]["n_samples"] == 120
    other = X.copy()
    other[-1] = other[0]  # the same number of pool rows, one of them another
    with pytest.raises(ValueError, match=r"another unlabelled pool.*the same number"):
        GANOversampler(**params).fit_generator(other, y, checkpoint=path, resume=True)
    labelled = y != -1
    with pytest.raises(ValueError, match=r"another unlabelled pool \(120 rows .* 0 here"):
        GANOversampler(**params).fit_generator(
            X[labelled], y[labelled], checkpoint=path, resume=True
        )
    GANOversampler(**params).fit_generator(X, y, checkpoint=path, resume=True)


def test_a_resumed_pseudo_labelled_run_is_bitwise_the_uninterrupted_one(pooled, tmp_path):
    """The rows admitted at step 4 of 8 are in the step-4 checkpoint and admitted again."""
    X, y, _ = pooled
    path = tmp_path / "checkpoint.pt"
    params = {**PARAMS, "semi_supervised": "pseudo-labels", "pseudo_label_threshold": 0.5}
    reference = GANOversampler(**params).fit_generator(X, y)
    with pytest.raises(KeyboardInterrupt):
        GANOversampler(**params).fit_generator(
            X, y, checkpoint=path, checkpoint_every=2, callbacks=[Crash(at_step=5)]
        )
    state, _ = load_training_state(path)
    assert state["step"] == 4 and len(state["callbacks"]["PseudoLabels"]["rows"]) == 120
    resumed = GANOversampler(**params).fit_generator(X, y, checkpoint=path, resume=True)
    assert _steps(resumed) == _steps(reference)
    assert _same_weights(resumed.generator_, reference.generator_)
    assert np.array_equal(resumed.transduction_, reference.transduction_)
