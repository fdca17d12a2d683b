"""Domain errors: raised by services, turned into form errors or 4xx JSON by adapters."""


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = "The request cannot be carried out."

    def __init__(self, message="", **details):
        self.message = str(message or self.default_message)
        super().__init__(self.message)
        self.details = details
