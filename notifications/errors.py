"""The one base exception of the notifications package, and the error a failed send raises."""
from __future__ import annotations


class Error(Exception):
    """Anything the notifications package refuses or fails to do."""


class DeliveryError(Error):
    """A digest could not be delivered. The message is safe to log and store: passwords and
    tokens in apprise URLs are redacted."""


class ConfigurationError(Error):
    """The delivery settings (GOVFLOW_SMTP_URL, GOVFLOW_APPRISE_CONFIG …) cannot be used; redacted."""
