"""Domain errors raised by services; views and the API turn them into translated messages."""


class DomainError(Exception):
    """A business rule refused the operation. `message` is already translated (lazy)."""

    status_code = 400

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


class TransitionNotAllowed(DomainError):
    status_code = 409


class NotPermitted(DomainError):
    status_code = 403
