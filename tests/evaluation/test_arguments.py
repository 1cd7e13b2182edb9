"""evaluate_lift checks its own arguments, with the constraints recipes are checked by."""

import pytest
from sklearn.datasets import load_breast_cancer

from ganaug import GANOversampler
from ganaug.evaluation import evaluate_lift
from ganaug.evaluation._classifiers import LOGISTIC_C, TABLE_LOGISTIC_C, logistic_pipeline
from ganaug.recipes import RecipeError, resolve_recipe


@pytest.fixture(scope="module")
def table():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:400], y[:400], X[400:], y[400:]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_seeds": 0}, "'n_seeds' parameter of evaluate_lift must be an int in the range"),
        ({"imbalance_ratio": 0.5}, "'imbalance_ratio' parameter of evaluate_lift"),
        ({"val_size": 1.5}, "'val_size' parameter of evaluate_lift"),
        ({"classifier": "cnn"}, "'classifier' parameter of evaluate_lift must be a str among"),
        ({"methods": "ros"}, "'methods' parameter of evaluate_lift"),
        ({"fidelity": "yes"}, "'fidelity' parameter of evaluate_lift"),
        ({"spatial_dims": 4}, "'spatial_dims' parameter of evaluate_lift"),
    ],
)
def test_bad_arguments_name_the_argument(table, kwargs, message):
    with pytest.raises(ValueError, match=message):
        evaluate_lift(*table, verbose=0, **kwargs)


def test_a_bad_sampler_still_names_the_sampler(table):
    with pytest.raises(ValueError, match="'epochs' parameter of GANOversampler must be"):
        evaluate_lift(
            *table,
            methods=["gan"],
            samplers={"gan": GANOversampler(epochs=0)},
            n_seeds=1,
            fidelity=False,
            verbose=0,
        )


def test_recipes_check_evaluation_keys_with_evaluate_lift_constraints():
    recipe = {"data": {"source": "breast-cancer"}, "evaluation": {"imbalance_ratio": 0.5}}
    with pytest.raises(RecipeError, match=r"evaluation.imbalance_ratio must be a float in the"):
        resolve_recipe(recipe)
    # YAML holds no tuples or callables: the message names what a recipe can write.
    recipe["evaluation"] = {"feature_extractor": 3}
    with pytest.raises(RecipeError, match=r"must be an instance of 'str' or None\. Got 3"):
        resolve_recipe(recipe)


def test_one_logistic_regression_for_tables_pixels_and_recipes():
    model, grid = logistic_pipeline()
    assert [name for name, _ in model.steps] == ["standardscaler", "logisticregression"]
    assert grid == {"logisticregression__C": list(LOGISTIC_C)}
    model, grid = logistic_pipeline(standardize=False, C=TABLE_LOGISTIC_C)
    assert grid == {"C": [0.01, 0.1, 1.0]}
    assert model.get_params()["max_iter"] == 5000
    model, grid = logistic_pipeline(["site"], C=TABLE_LOGISTIC_C)
    assert grid == {"logisticregression__C": [0.01, 0.1, 1.0]}
    assert "onehotencoder" in repr(model).lower()
