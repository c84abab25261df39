"""Duration distributions, sampled by inverse transform from one uniform draw.

Inverse-transform sampling keeps common random numbers monotone: the same uniform gives a
longer duration when the mean grows, so scenario differences are not drowned in sampling noise.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator

_U_EPS = 1e-12
_STD_NORMAL = NormalDist()


def _open_unit(u: float) -> float:
    """``u`` kept inside (0, 1), where inverse CDFs are finite."""
    return min(max(u, _U_EPS), 1.0 - _U_EPS)


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False, defer_build=True)

    def sample(self, u: float) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError


class Fixed(_Dist):
    """Always the same value (weeks)."""

    dist: Literal["fixed"]
    value: float = Field(ge=0)

    def sample(self, u: float) -> float:
        return self.value

    def mean(self) -> float:
        return self.value


class Exponential(_Dist):
    """Memoryless duration with the given mean (weeks)."""

    dist: Literal["exponential"]
    mean_weeks: PositiveFloat = Field(alias="mean")

    def sample(self, u: float) -> float:
        return -self.mean_weeks * math.log1p(-min(u, 1.0 - _U_EPS))

    def mean(self) -> float:
        return self.mean_weeks


class Uniform(_Dist):
    """Equally likely anywhere between low and high (weeks)."""

    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self

    def sample(self, u: float) -> float:
        return self.low + u * (self.high - self.low)

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    """Minimum, most likely and maximum (weeks): the usual form for expert estimates."""

    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("expected low <= mode <= high")
        return self

    def sample(self, u: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return a
        f = (c - a) / (b - a)
        if u < f:
            return a + math.sqrt(u * (b - a) * (c - a))
        return b - math.sqrt((1 - u) * (b - a) * (b - c))

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class _MeanSd(_Dist):
    """A duration given by its mean and standard deviation (weeks), as planners state it."""

    mean_weeks: PositiveFloat = Field(alias="mean")
    sd: PositiveFloat

    def mean(self) -> float:
        return self.mean_weeks


class LogNormal(_MeanSd):
    """Right-skewed duration given by its mean and standard deviation (weeks)."""

    dist: Literal["lognormal"]

    def sample(self, u: float) -> float:
        s2 = math.log1p((self.sd / self.mean_weeks) ** 2)
        mu = math.log(self.mean_weeks) - s2 / 2
        z = _STD_NORMAL.inv_cdf(_open_unit(u))
        return math.exp(mu + math.sqrt(s2) * z)


class Gamma(_MeanSd):
    """Gamma duration given by its mean and standard deviation (weeks)."""

    dist: Literal["gamma"]

    def sample(self, u: float) -> float:
        shape = (self.mean_weeks / self.sd) ** 2
        scale = self.sd**2 / self.mean_weeks
        # scipy (about half a second of import) only where a gamma duration is drawn
        from scipy.special import gammaincinv

        return float(gammaincinv(shape, _open_unit(u))) * scale


Distribution = Annotated[
    Fixed | Exponential | Uniform | Triangular | LogNormal | Gamma,
    Field(discriminator="dist"),
]
