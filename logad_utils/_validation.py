"""Checks shared by the estimators and the CLI: fitted state and parameter values.

Parameter rules are declared once per class in scikit-learn's
``_parameter_constraints`` style; :func:`check_params` applies them in ``fit``
and :func:`argument_type` turns the same rule into an ``argparse`` type, so
the CLI and the Python API accept exactly the same values.
"""
from __future__ import annotations

import argparse
from numbers import Integral, Real
from typing import Any, Callable, Mapping

from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import (HasMethods, Interval, InvalidParameterError, RealNotInt, StrOptions,
                                             validate_parameter_constraints)

__all__ = ["NotFittedError", "check_fitted", "not_fitted", "check_params", "argument_type", "options",
           "THRESHOLD_CONSTRAINTS",
           # the rule types, so that estimators declare their constraints from one place
           "Interval", "StrOptions", "HasMethods", "RealNotInt", "Integral", "Real"]

# The threshold rules every detector shares (see BaseLogDetector).
THRESHOLD_CONSTRAINTS: dict[str, list] = {
    "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="neither")],
    "percentile": [None, Interval(Real, 0, 100, closed="neither")],
    "severity_weight": [Interval(Real, 0, None, closed="left")],
    "structure_weight": [Interval(Real, 0, None, closed="left")],
    "novelty_weight": [Interval(Real, 0, None, closed="left")],
    "routine": ["boolean"],
}


def check_fitted(estimator: Any) -> None:
    """Raise sklearn's ``NotFittedError`` unless ``estimator.__sklearn_is_fitted__()`` is true."""
    if not estimator.__sklearn_is_fitted__():
        raise not_fitted(estimator)


def not_fitted(estimator: Any) -> NotFittedError:
    """The error an unfitted estimator's method raises."""
    return NotFittedError(f"This {type(estimator).__name__} is not fitted yet: call fit() first (or load a saved "
                          "model).")


def check_params(estimator: Any) -> None:
    """Check ``estimator.get_params()`` against its class's ``_parameter_constraints`` (ValueError naming the rule)."""
    validate_parameter_constraints(type(estimator)._parameter_constraints, estimator.get_params(deep=False),
                                   caller_name=type(estimator).__name__)


def options(constraints: Mapping[str, list], name: str) -> list[str]:
    """The allowed strings of parameter ``name`` (for ``argparse`` choices), sorted."""
    return sorted(option for rule in constraints[name] if isinstance(rule, StrOptions) for option in rule.options)


def argument_type(constraints: Mapping[str, list], name: str) -> Callable[[str], Any]:
    """An ``argparse`` type: command-line text → a number (or the string itself), checked against ``name``'s rule."""
    def parse(text: str) -> Any:
        try:
            value: Any = float(text)
        except ValueError:
            value = text
        try:
            validate_parameter_constraints({name: constraints[name]}, {name: value}, caller_name="logad")
        except InvalidParameterError as exc:
            raise argparse.ArgumentTypeError(f"{name} must be {_rule_text(constraints[name])}, got {text!r}") from exc
        return value

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def _rule_text(rules: list) -> str:
    """The allowed values of one parameter in words, as sklearn writes them."""
    words = [str(rule) for rule in rules if rule is not None]
    return " or ".join(words)
