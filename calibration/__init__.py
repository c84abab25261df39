"""Calibration of a P&P scenario from an organisation's own records, and back-cast validation.

``sim`` never imports this package. The flow is: read a case log (and optionally a family
log) and pseudonymise its identifiers at once (:mod:`calibration.read`), rebuild each child's
states over time (:mod:`calibration.timeline`), fit every quantity with its uncertainty
(:mod:`calibration.fit`, :mod:`calibration.calibrate`), write a calibrated scenario whose
fitted numbers carry their source (:mod:`calibration.yamlout`) and an HTML fit report
(:mod:`calibration.report`), and check the calibrated model on a period it was not fitted on
(:mod:`calibration.backcast`).
"""

from calibration.errors import LogError

__all__ = ["LogError"]
