"""The model's one error for refused input, apart from the modules that raise it.

Every module that checks input raises it (parameters, data rows, the nationality mix, the
pilot's record); keeping it here lets them import it without importing one another.
"""


class ParameterError(ValueError):
    """A parameter name or value that the model refuses; the message is one line."""
