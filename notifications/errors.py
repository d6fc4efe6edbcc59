"""The base exception of the notifications package (under the root of govflow's one error tree,
governance_model.errors.Error), and the errors a failed send or unusable delivery settings raise."""
from __future__ import annotations

from governance_model.errors import Error as RootError


class Error(RootError):
    """Anything the notifications package refuses or fails to do."""


class DeliveryError(Error):
    """A digest could not be delivered. The message is safe to log and store: passwords and
    tokens in apprise URLs are redacted."""


class ConfigurationError(Error):
    """The delivery settings (GOVFLOW_SMTP_URL, GOVFLOW_APPRISE_CONFIG …) cannot be used; redacted."""
