"""The exceptions of vmafx: one base class, one subclass per kind of failure.

Each kind also derives from the built-in exception Python code would expect for it, so
``except OSError`` or ``except ValueError`` keep working.
"""


class VmafxError(Exception):
    """Base class of every error vmafx raises."""


class VmafxIOError(VmafxError, OSError):
    """A file could not be opened, read or written."""


class InvalidInputError(VmafxError, ValueError):
    """A video input is malformed or truncated."""


class MismatchError(VmafxError, ValueError):
    """The reference and distorted inputs cannot be compared (format or length differ)."""


class ModelError(VmafxError, ValueError):
    """A model is unknown, unreadable or invalid."""


class FeatureError(VmafxError, ValueError):
    """A feature name or feature option is unknown or invalid."""


class NoFramesError(VmafxError):
    """Scoring ended without a single frame."""


class DecoderMissingError(VmafxError):
    """A compressed input needs ffmpeg, which is not installed (or not where
    ``VMAFX_FFMPEG`` points)."""


class BackendUnavailableError(VmafxError):
    """The requested compute backend cannot run in this build or on this machine."""


class CancelledError(VmafxError):
    """Scoring was stopped before it finished."""


class InvalidArgumentError(VmafxError, ValueError):
    """An argument is out of range or malformed: an option, a frame geometry, a plane of
    the wrong shape, dtype or layout."""


class InvalidStateError(VmafxError, RuntimeError):
    """The call is not valid in the object's current state: pushing to a finished or
    closed scorer, or using one scorer from two threads at once."""


class InternalError(VmafxError):
    """An internal error; please report it."""


__all__ = [
    "VmafxError",
    "VmafxIOError",
    "InvalidInputError",
    "MismatchError",
    "ModelError",
    "FeatureError",
    "NoFramesError",
    "DecoderMissingError",
    "BackendUnavailableError",
    "CancelledError",
    "InvalidArgumentError",
    "InvalidStateError",
    "InternalError",
]
