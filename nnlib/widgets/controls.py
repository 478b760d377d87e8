"""A figure's controls: what the reader can change, and what each change redraws.

Every control declares ``redraw``, the part of the figure its value affects:

* ``"dynamic"`` (the default): only the figure's dynamic artists (lines, markers, texts that
  move), drawn over a cached background: the cheapest redraw;
* the name of one of the figure's layers (see :mod:`nnlib.widgets.drawing`): that layer and the
  layers after it are redrawn, e.g. an axis whose limits the control changes;
* ``"all"``: the whole figure.

The figure compares the new values with those last drawn and redraws as little as the
changed controls declare.
"""
from dataclasses import dataclass

import numpy as np


def _decimals(x):
    """Digits after the point in the shortest repr of ``x``: 0.1 -> 1, 0.05 -> 2, 3 -> 0."""
    text = repr(float(x))
    if "e" in text:
        mantissa, exponent = text.split("e")
        return max(0, len(mantissa.split(".")[1].rstrip("0")) - int(exponent))
    return len(text.split(".")[1].rstrip("0"))


@dataclass
class Slider:
    """A numeric control.

    Parameters
    ----------
    name : str
        Keyword passed to the figure's update function.
    min, max, step, default : float or int
        The live slider's range. Integers throughout give an integer slider.
    static : sequence or None
        Values precomputed for the static HTML; None keeps this control at ``default`` there.
    label : str or None
        Shown beside the control; defaults to ``name``.
    redraw : str
        What a change redraws: "dynamic", a layer name or "all" (see the module docstring).
    """

    name: str
    min: float
    max: float
    step: float
    default: float
    static: list = None
    label: str = None
    redraw: str = "dynamic"

    def __post_init__(self):
        if isinstance(self.default, bool) or not isinstance(self.default, (int, float, np.integer, np.floating)) \
                or not self.min <= self.default <= self.max:
            raise ValueError(f"{self.name} must be a number from {fmt(self.min)} to {fmt(self.max)}, "
                             f"got {self.default!r}")

    @property
    def is_int(self):
        return all(isinstance(v, (int, np.integer)) for v in (self.min, self.max, self.step, self.default))

    def static_values(self):
        return [self.default] if self.static is None else sorted(set(self.static) | {self.default})

    def values(self):
        """Every value the slider offers: ``min`` to ``max`` by ``step``, each as :meth:`snap` gives it."""
        count = int(round((self.max - self.min) / self.step)) + 1
        return [self.snap(self.min + k * self.step) for k in range(count)]

    def snap(self, value):
        """``value`` moved into [min, max] and onto the slider's steps, printed as a person would type it.

        0.30000000000000004 (a browser's or a float sum's 0.3) becomes 0.3: rounded to the
        decimals of ``min`` and ``step``; an integer slider gives an int.
        """
        value = min(max(float(value), self.min), self.max)
        value = self.min + round((value - self.min) / self.step) * self.step
        if self.is_int:
            return int(round(value))
        return round(min(value, self.max), max(_decimals(self.min), _decimals(self.step)))


@dataclass
class Choice:
    """A control choosing one of several options (a dropdown).

    ``static=True`` precomputes every option, a list precomputes those (and the default),
    False only the default. ``redraw`` as for :class:`Slider`.
    """

    name: str
    options: list
    default: object = None
    static: object = True
    label: str = None
    redraw: str = "dynamic"

    def __post_init__(self):
        if self.default is None:
            self.default = self.options[0]
        if self.default not in self.options:
            raise ValueError(f"default must be one of {self.options}, got {self.default!r}")

    def snap(self, value):
        """``value`` itself if it is one of the options (a ValueError otherwise)."""
        for option in self.options:
            if option == value:
                return option
        raise ValueError(f"{self.name} must be one of {self.options}, got {value!r}")

    def static_values(self):
        if self.static is True:
            return list(self.options)
        chosen = set(self.static or []) | {self.default}
        return [option for option in self.options if option in chosen]


def index_of(values, value):
    """Position of ``value`` in ``values`` (floats compared with a tolerance)."""
    for i, v in enumerate(values):
        if v == value or (isinstance(v, float) and isinstance(value, (int, float)) and np.isclose(v, value)):
            return i
    raise ValueError(f"default {value!r} must be one of the static values {values}")


def fmt(value):
    """A control value as the reader sees it: 0.5, 3, sigmoid."""
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(value)
