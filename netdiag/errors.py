"""Exception types that mean "the input is wrong", as opposed to a bug (docs/exit-codes.md).

Code that validates what the user gave (options, selections, files) raises UserInputError with a
message naming where and why. The command line shows that message and exits UNKNOWN (3); any other
exception that reaches it is reported as an internal error, never as a usage message.
"""


class UserInputError(ValueError):
    """Something the user gave is wrong or selects nothing; the message says where and why.

    A ValueError subclass so library callers catching ValueError keep working; the command line
    catches only this type, so a ValueError raised by a bug is not mistaken for bad input."""
