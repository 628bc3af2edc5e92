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


class AlreadyExists(DomainError):
    """A record that must be unique was created meanwhile (e.g. two submissions at once)."""

    status_code = 409


class NotPermitted(DomainError):
    status_code = 403


def add_to_form(form, exc: DomainError) -> None:
    """Show a refused write on the form: beside the field it names, else above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
